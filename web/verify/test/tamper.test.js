// Changing any single field of a transcript, a frame or a pool makes verification fail, naming
// the field (mirrors functions/domain/tests/tamper.rs, against this independent verifier).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVector, vectorInputs } from './support.js';
import { verifyDraw } from '../src/core/verify.js';
import { buildFrame } from '../src/core/frame.js';
import { buildPool } from '../src/core/pool.js';

/** Every leaf of a JSON value with its path in the verifier's notation. */
function leaves(v, path = '', out = []) {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) leaves(v[k], path === '' ? k : `${path}.${k}`, out);
  } else out.push(path);
  return out;
}

function set(obj, path, f) {
  const parts = path.match(/[^.[\]]+/g);
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p];
  const last = parts[parts.length - 1];
  o[last] = f(o[last]);
}

/** A change that keeps the value well-formed where possible (as tamper.rs). */
function mutate(v) {
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'string' && /^[0-9a-fA-F]{64}$/.test(v)) return (v.startsWith('0') ? '1' : '0') + v.slice(1);
  if (typeof v === 'string' && v.length === 20 && v.endsWith('Z')) return `${Number(v.slice(0, 4)) - 1}${v.slice(4)}`;
  if (typeof v === 'string') return `${v}x`;
  if (typeof v === 'boolean') return !v;
  return null;
}

/** Which field the verifier must name when only the transcript is available. */
function expectedWithoutPublished(path) {
  const derived = ['commitment.frame.', 'commitment.pool.', 'commitment.strata[', 'commitment.spec_version'];
  if (path.startsWith('commitment.') && !derived.some((p) => path.startsWith(p))) return 'commitment_hash';
  if (path.startsWith('entropy.witnesses[') && path.endsWith('.value')) return 'entropy_digest';
  if (path === 'drawn_at') return 'digest';
  const i = path.indexOf('.inspectors[');
  if (i >= 0) return `${path.slice(0, i)}.inspectors`;
  return path;
}

/** The changed field itself, the derived field exposing it, or an enclosing field. */
function names(named, changed, derived) {
  const viaStrata = changed.startsWith('commitment.parameters.') && named.startsWith('commitment.strata[');
  return named === derived || named === changed || changed.startsWith(`${named}.`) || viaStrata;
}

// 19 has a witness and a drand round (§7.3): every beacon field is covered too.
for (const name of ['05-non-ascii.json', '07-several-strata-ratios.json', '08-cap-swap-remove.json', '19-witness-and-drand.json']) {
  test(`every transcript field change in ${name} is caught and named`, async () => {
    const v = loadVector(name);
    const { frame, pool } = vectorInputs(v.inputs);
    const original = v.expected.transcript;
    const run = (t, published = null) =>
      verifyDraw({ transcript: t, published, loadFrame: () => frame, loadPool: () => pool });
    assert.ok((await run(original)).ok);
    let named = 0;
    let rejectedAtParse = 0;
    for (const path of leaves(original)) {
      const changed = structuredClone(original);
      set(changed, path, mutate);
      const without = await run(changed);
      assert.ok(!without.ok, `${name}: change to ${path} not detected`);
      if (without.failure.check === 'format') {
        // Not a well-formed transcript (e.g. "upx" as a rounding rule): refused, naming the field.
        assert.equal(without.failure.field, path, `${name}: ${path}: ${JSON.stringify(without.failure)}`);
        rejectedAtParse++;
        continue;
      }
      assert.ok(names(without.failure.field, path, expectedWithoutPublished(path)),
        `${name}: ${path}: named ${without.failure.field} (${without.failure.detail})`);
      // With the commitment published before the draw, fields inside it are named exactly.
      const withPub = await run(changed, original.commitment);
      assert.ok(!withPub.ok);
      const want = path.startsWith('commitment.') ? path : expectedWithoutPublished(path);
      assert.ok(names(withPub.failure.field, path, want), `${name}: ${path} (published): named ${withPub.failure.field}`);
      named++;
    }
    assert.ok(named > 30, `${name}: only ${named} fields checked`);
    assert.ok(rejectedAtParse < named, `${name}: ${rejectedAtParse} parse rejections`);
  });
}

test('any change to the frame is caught', async () => {
  const v = loadVector('07-several-strata-ratios.json');
  const { frame, pool } = vectorInputs(v.inputs);
  const t = v.expected.transcript;
  const entries = [...frame.entries()];
  const field = async (es) =>
    (await verifyDraw({ transcript: t, loadFrame: () => buildFrame(es), loadPool: () => pool })).failure?.field;
  const n = entries.length;
  for (const i of [0, Math.floor(n / 2), n - 1]) {
    assert.equal(await field(entries.map(([id, s], j) => [id, j === i ? `${s}x` : s])), 'commitment.frame.root');
    assert.equal(await field(entries.map(([id, s], j) => [j === i ? `${id}x` : id, s])), 'commitment.frame.root');
    assert.equal(await field(entries.filter((_, j) => j !== i)), 'commitment.frame.size');
  }
});

test('any change to the pool is caught', async () => {
  const v = loadVector('04-conflicts-force-assignment.json');
  const { frame, pool } = vectorInputs(v.inputs);
  const t = v.expected.transcript;
  const edits = [
    (e) => (e[0] += 'x'),
    (e) => (e[1] += 'x'),
    (e) => e[2].push('B-new'),
    (e) => e[2].pop(),
  ];
  for (let i = 0; i < pool.size; i++) {
    for (const edit of edits) {
      const entries = pool.ids.map((id, j) => [id, pool.departments[j], [...pool.conflicts[j]]]);
      edit(entries[i]);
      const r = await verifyDraw({ transcript: t, loadFrame: () => frame, loadPool: () => buildPool(entries) });
      assert.equal(r.failure?.field, 'commitment.pool.root');
    }
  }
});

test('a frame or pool file that cannot be read is reported against that file', async () => {
  const v = loadVector('01-minimal.json');
  const { frame, pool } = vectorInputs(v.inputs);
  const t = v.expected.transcript;
  const dup = await verifyDraw({ transcript: t, loadFrame: () => buildFrame([['T1', 'S'], ['T1', 'S']]), loadPool: () => pool });
  assert.equal(dup.failure.field, 'frame');
  assert.equal(dup.failure.code, 'frame');
  const badPool = await verifyDraw({ transcript: t, loadFrame: () => frame, loadPool: () => buildPool([['Z F', 'D', []]]) });
  assert.equal(badPool.failure.field, 'pool');
});

test('a commitment that §9.2 would refuse, if it gets stuck, is reported as selections', async () => {
  const { H } = await import('../src/core/hash.js');
  const { toHex, fromHex } = await import('../src/core/bytes.js');
  const { canonicalBytes } = await import('../src/core/canonical-json.js');
  const { secretCommitment, entropyDigest, drawKey } = await import('../src/core/keys.js');
  const frame = buildFrame([['A', 'S'], ['B', 'S']]);
  const pool = buildPool([['ZF1', 'D', ['A']], ['ZF2', 'D', []]]);
  const secret = '05'.repeat(32);
  const commitment = {
    spec_version: 'spotcheck-draw/1', plan_id: 'STUCK', committed_at: '2026-11-26T08:00:00Z',
    frame: { root: toHex(frame.root), size: 2 }, pool: { root: toHex(pool.root), size: 2 },
    parameters: { strata: {}, default: { count: 2 }, inspectors_per_target: 2 },
    strata: [{ key: 'S', population: 2, sample: 2 }],
    secret_commitment: toHex(secretCommitment(fromHex(secret))),
    entropy_source: { witnesses: ['W'] },
  };
  const witnesses = [{ name: 'W', value: '1' }];
  const ch = H(canonicalBytes(commitment));
  const ed = entropyDigest(witnesses);
  const t = {
    spec_version: 'spotcheck-draw/1', commitment, commitment_hash: toHex(ch), secret, entropy: { witnesses },
    entropy_digest: toHex(ed), draw_key: toHex(drawKey(ch, fromHex(secret), ed)), drawn_at: '2026-11-27T09:30:00Z',
    selections: [],
  };
  t.digest = toHex(H(canonicalBytes(t)));
  const r = await verifyDraw({ transcript: t, loadFrame: () => frame, loadPool: () => pool });
  assert.equal(r.failure.field, 'selections');
  assert.match(r.failure.detail, /《抽取规范》第 9\.2 节/);
});
