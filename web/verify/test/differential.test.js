// Differential test: random small draws, made from a seed, on which the Rust CLI and this
// verifier's core must agree — the same commitment bytes and transcript digest (commit and draw
// redone here from the CLI's files and secret), the same refusals at commit, and the same verdict
// (the first failing field, or VERIFIED, or malformed) on randomly tampered copies, some of them
// re-hashed so that only the deeper rules of §14 can catch them.
//
// DIFF_SEED fixes the seed (printed on every run, so a failure can be replayed); DIFF_DRAWS the
// number of draws (200). The binary: $SPOTCHECK_BIN, else target/release or target/debug.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliRig } from './verdicts.js';
import { parseFrameCsv } from '../src/core/frame.js';
import { parsePoolCsv } from '../src/core/pool.js';
import { commit, draw, computeSelections } from '../src/core/draw.js';
import { parseParameters } from '../src/core/params.js';
import { canonicalBytes, canonicalJson } from '../src/core/canonical-json.js';
import { parseStrictJson } from '../src/core/strict-json.js';
import { H } from '../src/core/hash.js';
import { fromHex, toHex } from '../src/core/bytes.js';
import { entropyDigest, drawKey } from '../src/core/keys.js';

const encoder = new TextEncoder();
const SEED = Number(process.env.DIFF_SEED ?? Math.floor(Math.random() * 2 ** 31));
const DRAWS = Number(process.env.DIFF_DRAWS ?? 200);

/** xorshift32: small, seedable, good enough to pick test inputs. */
function rng(seed) {
  let x = (seed >>> 0) || 0x9e3779b9;
  const next = () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
  const int = (n) => next() % n; // 0 … n−1 (bias irrelevant here)
  return { int, pick: (a) => a[int(a.length)], chance: (p) => next() / 2 ** 32 < p };
}

const ID_PARTS = ['T', 'a', 'Z', '9', '0', 'é', '中', '旅', '\u{1F600}', '-', '_', '.', 'ｱ', '"'];
const STRATA = ['S', 'A-1', '城厢区-A', 'é', 'Z', 'a'];
const DEPARTMENTS = ['莆田市文化和旅游局', '城厢区文体旅游局', 'D'];
const PAD = ['', '', ' ', '\u3000', '\u0085', '\u00a0'];

/** A random small draw: the CSV files, the parameters and the witnesses. */
function randomDraw(r) {
  const ids = new Set();
  const n = 1 + r.int(24);
  while (ids.size < n) {
    let id = '';
    const len = 1 + r.int(5);
    for (let k = 0; k < len; k++) id += r.pick(ID_PARTS);
    ids.add(id);
  }
  const strata = STRATA.slice(0, 1 + r.int(4));
  const frame = [...ids].map((id) => [id, r.pick(strata)]);
  const P = 3 + r.int(8);
  const pool = [];
  for (let i = 0; i < P; i++) {
    const conflicts = new Set();
    const c = r.chance(0.5) ? 0 : r.int(3);
    for (let k = 0; k < c; k++) conflicts.add(r.chance(0.85) ? r.pick(frame)[0] : `X${r.int(9)}`);
    pool.push([r.chance(0.8) ? `ZF${String(i).padStart(3, '0')}` : `执法${i}`, r.pick(DEPARTMENTS), [...conflicts]]);
  }
  const rule = () => (r.chance(0.4)
    ? { count: r.int(3) }
    : { ratio: r.pick(['0', '0.1', '0.25', '0.5', '0.333333', '1', '0.05']), rounding: r.pick(['up', 'down', 'nearest']) });
  const params = { strata: {}, inspectors_per_target: r.chance(0.9) ? 2 + r.int(2) : r.int(2) };
  if (r.chance(0.8)) params.default = rule();
  const present = [...new Set(frame.map(([, s]) => s))];
  // Mostly strata of the frame (a rule for another is refused: unknown-stratum).
  for (const s of r.chance(0.9) ? present : strata) if (r.chance(0.3)) params.strata[s] = rule();
  if (r.chance(0.4)) params.max_assignments_per_inspector = r.chance(0.9) ? 1 + r.int(5) : 0;
  const witnesses = [];
  const w = 1 + r.int(3);
  for (let k = 0; k < w; k++) witnesses.push([`见证人 ${k}${r.chance(0.2) ? '=x' : ''}`, `${r.int(1000)} ${r.int(7)}`]);
  // The files as an office tool might write them: a BOM, CRLF, quoted fields, blank lines,
  // white space around conflict items.
  const eol = r.pick(['\n', '\n', '\r\n', '\r']);
  // RFC 4180: a field with a quote is quoted, its quotes doubled; others sometimes quoted.
  const q = (s) => (s.includes('"') || r.chance(0.2) ? `"${s.replaceAll('"', '""')}"` : s);
  const blank = () => (r.chance(0.1) ? eol : '');
  const bom = () => (r.chance(0.2) ? '\uFEFF' : '');
  const frameCsv = `${bom()}target_id,stratum${eol}${frame.map(([t, s]) => `${blank()}${q(t)},${q(s)}${eol}`).join('')}`;
  const poolCsv = `${bom()}inspector_id,department,conflicts${eol}${pool.map(([i, d, c]) =>
    `${blank()}${q(i)},${q(d)},${q(c.map((x) => `${r.pick(PAD)}${x}${r.pick(PAD)}`).join(';'))}${eol}`).join('')}`;
  return { frameCsv, poolCsv, params, witnesses };
}

const { dir, run, rustVerdict, jsVerdict } = cliRig('spotcheck-differential-');

/** Recomputes every hash of a (tampered) transcript, so that only the rules of §14 can catch it. */
async function rehash(t, frameBytes, poolBytes) {
  try {
    await rehashOrThrow(t, frameBytes, poolBytes);
  } catch {
    // a copy too malformed to re-hash (e.g. a secret that is not hex) is compared as it is
  }
}

async function rehashOrThrow(t, frameBytes, poolBytes) {
  const ch = H(canonicalBytes(t.commitment));
  t.commitment_hash = toHex(ch);
  const ed = entropyDigest(t.entropy.witnesses, null);
  t.entropy_digest = toHex(ed);
  const key = drawKey(ch, fromHex(t.secret), ed);
  t.draw_key = toHex(key);
  try {
    const params = parseParameters(t.commitment.parameters, 'p');
    const frame = await parseFrameCsv(frameBytes);
    const pool = parsePoolCsv(poolBytes);
    t.selections = computeSelections(t.commitment, params, frame, pool, key);
  } catch {
    // parameters the assignment cannot run with: keep the recorded selections
  }
  const { digest, ...rest } = t;
  t.digest = toHex(H(canonicalBytes(rest)));
}

/** Changed frame or pool files: another entry, another stratum, a refused line, one row fewer. */
const FILE_TAMPER = [
  ['frame: another stratum', (f, p) => [f.replace(/,([^,\r\n]*)(\r?\n)$/, ',Q$2'), p]],
  ['frame: one entry more', (f, p) => [`${f}NEW-ID,S\n`, p]],
  ['frame: a white-space line', (f, p) => [`${f} \n`, p]],
  ['pool: one inspector more', (f, p) => [f, `${p}ZF999,D,\n`]],
  ['pool: a line with too few fields', (f, p) => [f, `${p}ZF999,D\n`]],
  ['both: refused lines', (f, p) => [`${f}a"b,S\n`, `${p}ZF999\n`]],
];

const TAMPER = [
  ['inspectors_per_target', (t, r) => (t.commitment.parameters.inspectors_per_target = r.int(4))],
  ['cap', (t, r) => (t.commitment.parameters.max_assignments_per_inspector = r.int(3))],
  ['no cap', (t) => delete t.commitment.parameters.max_assignments_per_inspector],
  ['default count', (t, r) => (t.commitment.parameters.default = { count: r.int(3) })],
  ['drawn_at', (t, r) => (t.drawn_at = r.pick(['2026-11-26T07:59:59Z', '2026-11-26T08:00:00Z', '2001-01-01T00:00:00Z', '2027-01-01T00:00:00Z']))],
  ['committed_at', (t, r) => (t.commitment.committed_at = r.pick(['2026-11-26T08:00:01Z', '2030-01-01T00:00:00Z', '2016-12-31T23:59:60Z']))],
  ['witness value', (t) => (t.entropy.witnesses[0].value += ' 1')],
  ['witness name', (t) => (t.entropy.witnesses[0].name += ' 某')],
  ['inspector', (t) => t.selections[0]?.inspectors.reverse()],
  ['selection', (t) => t.selections.pop()],
  ['frame_index', (t) => t.selections.length && (t.selections[0].frame_index += 1)],
  ['hex', (t, r) => {
    const f = r.pick(['commitment_hash', 'entropy_digest', 'draw_key', 'digest', 'secret']);
    t[f] = (t[f][0] === '0' ? '1' : '0') + t[f].slice(1);
  }],
  ['strata member', (t) => delete t.commitment.parameters.strata],
  ['unknown member', (t) => (t.commitment.pool.note = 'x')],
  ['null', (t) => (t.commitment.parameters.default = null)],
  ['big integer', (t, r) => {
    const big = 2 ** 53 + r.pick([0, 2, 1024]);
    r.pick([
      () => (t.commitment.frame.size = big),
      () => t.selections.length && (t.selections[0].frame_index = big),
      () => t.commitment.strata[0] && (t.commitment.strata[0].population = big),
      () => (t.commitment.parameters.default = { count: big }),
    ])();
  }],
  ['witness text', (t, r) => (t.entropy.witnesses[0].value = r.pick(['', ' x', 'x ', 'a\u0000b', 'a\u0085b', '\u3000x', 'x'.repeat(1001), 'é'.repeat(500)]))],
  ['ids', (t, r) => t.selections.length && (t.selections[0].target = r.pick(['', 'a b', 'a;b', 'x'.repeat(129), '\uFEFFx']))],
  ['plan_id', (t, r) => (t.commitment.plan_id = r.pick(['-x', 'x'.repeat(65), 'PT 1', 'é', 'a.b_c-9']))],
  ['spec_version', (t) => (t.spec_version = 'spotcheck-draw/2')],
  ['ratio', (t, r) => (t.commitment.parameters.default = { ratio: r.pick(['1.0000000', '.5', '0.', '1.000001', '01', '0.5e0', ' 0.5']), rounding: 'up' })],
  ['rounding', (t) => (t.commitment.parameters.default = { ratio: '0.5', rounding: 'Up' })],
  ['secret spelling', (t, r) => (t.secret = r.pick([` ${t.secret}`, `${t.secret}\n`, t.secret.toUpperCase()]))],
  ['sample', (t) => t.commitment.strata[0] && (t.commitment.strata[0].sample += 1)],
];

test(`${DRAWS} random draws: the Rust CLI and this verifier agree (DIFF_SEED=${SEED})`, async () => {
  const r = rng(SEED);
  let drawn = 0;
  let refused = 0;
  let tampered = 0;
  for (let n = 0; n < DRAWS; n++) {
    const d = randomDraw(r);
    const where = `draw ${n} (DIFF_SEED=${SEED})`;
    writeFileSync(join(dir, 'frame.csv'), d.frameCsv);
    writeFileSync(join(dir, 'pool.csv'), d.poolCsv);
    writeFileSync(join(dir, 'params.json'), JSON.stringify(d.params));
    rmSync(join(dir, 'secret.hex'), { force: true });
    const witnessArgs = d.witnesses.flatMap(([name]) => ['--witness', name]);
    const c = run('commit', '--plan-id', `PT-D-${n}`, '--frame', 'frame.csv', '--pool', 'pool.csv', '--params', 'params.json',
      ...witnessArgs, '--committed-at', '2026-11-26T08:00:00Z', '--out', 'commitment.json', '--secret-out', 'secret.hex');
    const frameBytes = readFileSync(join(dir, 'frame.csv'));
    const poolBytes = readFileSync(join(dir, 'pool.csv'));
    const frame = await parseFrameCsv(frameBytes);
    const pool = parsePoolCsv(poolBytes);
    const request = { plan_id: `PT-D-${n}`, committed_at: '2026-11-26T08:00:00Z', parameters: d.params,
      entropy_source: { witnesses: d.witnesses.map(([name]) => name) } };
    if (c.status !== 0) {
      // Refused by the CLI: refused here too (a witness name with '=' after another is a CLI rule).
      assert.throws(() => commit(request, frame, pool, '00'.repeat(32)), (e) => e.code !== undefined,
        `${where}: the CLI refused (${c.stderr}) but this commit did not`);
      refused++;
      continue;
    }
    const secretHex = readFileSync(join(dir, 'secret.hex'), 'utf8').trim();
    const commitment = commit(request, frame, pool, secretHex);
    assert.equal(canonicalJson(commitment), readFileSync(join(dir, 'commitment.json'), 'utf8'), `${where}: commitment`);
    const drawnAt = `2026-11-${String(26 + r.int(4)).padStart(2, '0')}T${String(8 + r.int(10)).padStart(2, '0')}:00:00Z`;
    const dr = run('draw', '--commitment', 'commitment.json', '--secret', 'secret.hex', '--frame', 'frame.csv',
      '--pool', 'pool.csv', ...d.witnesses.flatMap(([name, value]) => ['--witness-value', `${name}=${value}`]),
      '--drawn-at', drawnAt, '--out', 'transcript.json');
    assert.equal(dr.status, 0, `${where}: draw: ${dr.stderr}`);
    const text = readFileSync(join(dir, 'transcript.json'), 'utf8');
    const entropy = { witnesses: d.witnesses.map(([name, value]) => ({ name, value })) };
    const mine = draw(commitment, secretHex, entropy, drawnAt, frame, pool);
    assert.equal(canonicalJson(mine), text, `${where}: transcript`);
    assert.equal(await jsVerdict(text, frameBytes, poolBytes), 'VERIFIED', where);
    drawn++;
    if (r.chance(0.3)) {
      const [what, change] = r.pick(FILE_TAMPER);
      const [f2, p2] = change(d.frameCsv, d.poolCsv);
      writeFileSync(join(dir, 'frame2.csv'), f2);
      writeFileSync(join(dir, 'pool2.csv'), p2);
      const js = await jsVerdict(text, encoder.encode(f2), encoder.encode(p2));
      assert.equal(rustVerdict(text, 'frame2.csv', 'pool2.csv'), js, `${where}, files changed (${what})`);
      tampered++;
    }
    for (let k = 0; k < 2; k++) {
      const [what, edit] = r.pick(TAMPER);
      const t = parseStrictJson(text);
      edit(t, r);
      if (r.chance(0.6)) await rehash(t, frameBytes, poolBytes);
      const tt = JSON.stringify(t);
      const js = await jsVerdict(tt, frameBytes, poolBytes);
      assert.equal(rustVerdict(tt), js, `${where}, tampered (${what}): ${tt}`);
      tampered++;
    }
  }
  console.log(`DIFF_SEED=${SEED}: ${drawn} draws agree, ${refused} refused by both, ${tampered} tampered copies agree`);
  assert.ok(drawn >= DRAWS / 4, `only ${drawn} of ${DRAWS} random draws could be committed`);
});
