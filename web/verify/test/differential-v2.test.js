// Differential test of joint draws (draw spec version 2, §17): random small joint plans, made from a
// seed, on which the Rust CLI and this verifier's core must agree — the same refusals at commit
// (invalid-joint, team-too-small, unknown-department, insufficient-department-inspectors, …), the
// same commitment bytes and transcript (commit and draw redone here from the CLI's files and
// secret), and the same verdict on tampered copies (teams, the joint plan, the pool's departments),
// some re-hashed so that only the rules of §14 and §17.6 can catch them.
//
// DIFF_SEED fixes the seed (printed on every run, so a failure can be replayed); DIFF_DRAWS the
// number of plans (150). The binary: $SPOTCHECK_BIN, else target/release or target/debug.
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
const DRAWS = Number(process.env.DIFF_DRAWS ?? 150);

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

const DEPARTMENTS = ['莆田市文化和旅游局', '莆田市市场监督管理局', '莆田市公安局', '莆田市应急管理局', 'D', 'é'];
const STRATA = ['S', 'A', '城厢区'];

/** A random small joint plan: the CSV files, the parameters (with `joint`) and the witnesses. */
function randomJointDraw(r) {
  const n = 1 + r.int(20);
  const frame = [];
  for (let i = 0; i < n; i++) frame.push([`T${String(i).padStart(3, '0')}${r.chance(0.2) ? '中' : ''}`, r.pick(STRATA)]);
  // The plan's departments: a lead and one to three partners (sometimes an invalid list).
  const deps = [...DEPARTMENTS].sort(() => r.int(3) - 1).slice(0, 2 + r.int(3));
  const [lead, ...partners] = deps;
  if (r.chance(0.05)) partners.push(r.chance(0.5) ? lead : partners[0]); // invalid-joint
  const require = r.chance(0.5) ? 'all' : { lead_plus: r.chance(0.9) ? 1 + r.int(partners.length) : r.pick([0, partners.length + 1]) };
  // The pool: every department usually present, sometimes one missing or a stranger's inspector.
  const P = deps.length + 1 + r.int(12);
  const pool = [];
  for (let i = 0; i < P; i++) {
    const dept = r.chance(0.005) ? '厦门市文化和旅游局' : deps[i < deps.length && r.chance(0.97) ? i : r.int(deps.length)];
    const conflicts = new Set();
    const c = r.chance(0.5) ? 0 : r.int(3);
    for (let k = 0; k < c; k++) conflicts.add(r.pick(frame)[0]);
    pool.push([`ZF${String(i).padStart(3, '0')}`, dept, [...conflicts]]);
  }
  const rule = () => (r.chance(0.5)
    ? { count: r.chance(0.9) ? 1 + r.int(2) : 0 }
    : { ratio: r.pick(['0.1', '0.25', '0.5', '1']), rounding: r.chance(0.8) ? 'up' : r.pick(['down', 'nearest']) });
  // Mostly a team just large enough for the departments it must hold, or one more.
  const required = 1 + (require === 'all' ? partners.length : Math.min(require.lead_plus, partners.length));
  const m = r.chance(0.9) ? Math.max(2, required + r.int(2)) : 2 + r.int(3);
  const params = { strata: {}, default: rule(), inspectors_per_target: m };
  if (r.chance(0.5)) params.max_assignments_per_inspector = r.chance(0.2) ? 1 : 2 + r.int(6);
  params.joint = { lead, partners, require };
  const witnesses = [['见证人 甲', `${r.int(1000)} ${r.int(7)}`]];
  if (r.chance(0.5)) witnesses.push(['见证人 乙', `${r.int(1000)}`]);
  const frameCsv = `target_id,stratum\n${frame.map(([t, s]) => `${t},${s}\n`).join('')}`;
  const poolCsv = `inspector_id,department,conflicts\n${pool.map(([i, d, c]) => `${i},${d},${c.join(';')}\n`).join('')}`;
  return { frameCsv, poolCsv, params, witnesses, deps };
}

// How `spotcheck commit` words each refusal (its message; the code is the domain error's).
const CLI_WORDS = {
  'unknown-stratum': /which has no entry in the frame/,
  'sample-too-large': /sample of \d+ is larger than/,
  'insufficient-inspectors': /too few inspectors: target/,
  'invalid-parameters': /invalid parameters/,
  'invalid-joint': /invalid joint plan/,
  'team-too-small': /but each team must hold \d+ departments/,
  'unknown-department': /which the joint plan does not name/,
  'insufficient-department-inspectors': /too few inspectors of department/,
};

const { dir, run, rustVerdict, jsVerdict } = cliRig('spotcheck-differential-v2-');

/** Recomputes every hash of a (tampered) transcript, so that only the rules of §14 and §17.6 can catch it. */
async function rehash(t, frameBytes, poolBytes) {
  try {
    const ch = H(canonicalBytes(t.commitment));
    t.commitment_hash = toHex(ch);
    const ed = entropyDigest(t.entropy.witnesses, null);
    t.entropy_digest = toHex(ed);
    const key = drawKey(ch, fromHex(t.secret), ed, t.commitment.spec_version);
    t.draw_key = toHex(key);
    try {
      const params = parseParameters(t.commitment.parameters, 'p');
      t.selections = computeSelections(t.commitment, params, await parseFrameCsv(frameBytes), parsePoolCsv(poolBytes), key);
    } catch {
      // parameters the assignment cannot run with: keep the recorded selections
    }
    const { digest, ...rest } = t;
    t.digest = toHex(H(canonicalBytes(rest)));
  } catch {
    // a copy too malformed to re-hash is compared as it is
  }
}

/** Changed pool or frame files: an inspector moved to another department, one more, one fewer. */
const FILE_TAMPER = [
  ['pool: an inspector of another department', (f, p, deps) => [f, p.replace(/^(ZF000,)[^,]*/m, `$1${deps.at(-1)}`)]],
  ['pool: one inspector more', (f, p, deps) => [f, `${p}ZF999,${deps[0]},\n`]],
  ['pool: the last inspector dropped', (f, p) => [f, p.replace(/[^\n]*\n$/, '')]],
  ['frame: one entry more', (f, p) => [`${f}NEW,S\n`, p]],
];

const TAMPER = [
  ['team order', (t) => t.selections[0]?.inspectors.reverse()],
  ['team member', (t) => t.selections[0] && (t.selections[0].inspectors[0] = t.selections.at(-1).inspectors.at(-1))],
  ['require', (t) => {
    const j = t.commitment.parameters.joint;
    j.require = j.require === 'all' ? { lead_plus: 1 } : 'all';
  }],
  ['lead_plus out of range', (t, r) => (t.commitment.parameters.joint.require = { lead_plus: r.pick([0, 9, 2 ** 32]) })],
  ['partners order', (t) => t.commitment.parameters.joint.partners.reverse()],
  ['lead and partner swapped', (t) => {
    const j = t.commitment.parameters.joint;
    [j.lead, j.partners[0]] = [j.partners[0], j.lead];
  }],
  ['partner dropped', (t) => t.commitment.parameters.joint.partners.pop()],
  ['partner repeated', (t) => t.commitment.parameters.joint.partners.push(t.commitment.parameters.joint.lead)],
  ['no joint', (t) => delete t.commitment.parameters.joint],
  ['version 1', (t) => { t.spec_version = 'spotcheck-draw/1'; t.commitment.spec_version = 'spotcheck-draw/1'; }],
  ['transcript version', (t) => (t.spec_version = 'spotcheck-draw/1')],
  ['team size', (t, r) => (t.commitment.parameters.inspectors_per_target = r.int(4))],
  ['cap', (t, r) => (t.commitment.parameters.max_assignments_per_inspector = 1 + r.int(2))],
  ['no cap', (t) => delete t.commitment.parameters.max_assignments_per_inspector],
  ['joint member', (t) => (t.commitment.parameters.joint.note = 'x')],
];

test(`${DRAWS} random joint draws: the Rust CLI and this verifier agree (DIFF_SEED=${SEED})`, async () => {
  const r = rng(SEED);
  let drawn = 0;
  let tampered = 0;
  const kinds = { all: 0, lead_plus: 0, capped: 0 };
  const refusals = {};
  for (let n = 0; n < DRAWS; n++) {
    const d = randomJointDraw(r);
    const where = `joint draw ${n} (DIFF_SEED=${SEED})`;
    writeFileSync(join(dir, 'frame.csv'), d.frameCsv);
    writeFileSync(join(dir, 'pool.csv'), d.poolCsv);
    writeFileSync(join(dir, 'params.json'), JSON.stringify(d.params));
    rmSync(join(dir, 'secret.hex'), { force: true });
    const c = run('commit', '--plan-id', `PT-J-${n}`, '--frame', 'frame.csv', '--pool', 'pool.csv', '--params', 'params.json',
      ...d.witnesses.flatMap(([name]) => ['--witness', name]), '--committed-at', '2026-11-26T08:00:00Z',
      '--out', 'commitment.json', '--secret-out', 'secret.hex');
    const frameBytes = readFileSync(join(dir, 'frame.csv'));
    const poolBytes = readFileSync(join(dir, 'pool.csv'));
    const frame = await parseFrameCsv(frameBytes);
    const pool = parsePoolCsv(poolBytes);
    const request = { plan_id: `PT-J-${n}`, committed_at: '2026-11-26T08:00:00Z', parameters: d.params,
      entropy_source: { witnesses: d.witnesses.map(([name]) => name) } };
    if (c.status !== 0) {
      // Refused by the CLI: refused here with the code the CLI names.
      const err = c.stderr.toString();
      let code;
      assert.throws(() => commit(request, frame, pool, '00'.repeat(32)), (e) => {
        code = e.code;
        return e.code !== undefined;
      }, `${where}: the CLI refused (${err}) but this commit did not: ${JSON.stringify(d.params)}`);
      assert.match(err, CLI_WORDS[code] ?? /^$/, `${where}: this commit refused with ${code}, the CLI said: ${err}\n${JSON.stringify(d.params)}\n${d.poolCsv}`);
      refusals[code] = (refusals[code] ?? 0) + 1;
      continue;
    }
    const secretHex = readFileSync(join(dir, 'secret.hex'), 'utf8').trim();
    const commitment = commit(request, frame, pool, secretHex);
    assert.equal(canonicalJson(commitment), readFileSync(join(dir, 'commitment.json'), 'utf8'), `${where}: commitment`);
    assert.equal(commitment.spec_version, 'spotcheck-draw/2');
    const dr = run('draw', '--commitment', 'commitment.json', '--secret', 'secret.hex', '--frame', 'frame.csv',
      '--pool', 'pool.csv', ...d.witnesses.flatMap(([name, value]) => ['--witness-value', `${name}=${value}`]),
      '--drawn-at', '2026-11-27T09:30:00Z', '--out', 'transcript.json');
    assert.equal(dr.status, 0, `${where}: draw: ${dr.stderr}`);
    const text = readFileSync(join(dir, 'transcript.json'), 'utf8');
    const entropy = { witnesses: d.witnesses.map(([name, value]) => ({ name, value })) };
    const mine = draw(commitment, secretHex, entropy, '2026-11-27T09:30:00Z', frame, pool);
    assert.equal(canonicalJson(mine), text, `${where}: transcript\n${JSON.stringify(d.params)}\n${d.poolCsv}`);
    assert.equal(await jsVerdict(text, frameBytes, poolBytes), 'VERIFIED', where);
    drawn++;
    kinds[d.params.joint.require === 'all' ? 'all' : 'lead_plus']++;
    if (d.params.max_assignments_per_inspector !== undefined) kinds.capped++;
    if (r.chance(0.4)) {
      const [what, change] = r.pick(FILE_TAMPER);
      const [f2, p2] = change(d.frameCsv, d.poolCsv, d.deps);
      writeFileSync(join(dir, 'frame2.csv'), f2);
      writeFileSync(join(dir, 'pool2.csv'), p2);
      const js = await jsVerdict(text, encoder.encode(f2), encoder.encode(p2));
      assert.equal(rustVerdict(text, 'frame2.csv', 'pool2.csv'), js, `${where}, files changed (${what})`);
      tampered++;
    }
    for (let k = 0; k < 3; k++) {
      const [what, edit] = r.pick(TAMPER);
      const t = parseStrictJson(text);
      edit(t, r);
      if (r.chance(0.6)) await rehash(t, frameBytes, poolBytes);
      const tt = JSON.stringify(t);
      const js = await jsVerdict(tt, frameBytes, poolBytes);
      assert.equal(rustVerdict(tt), js, `${where}, tampered (${what}): ${tt}\n${d.poolCsv}`);
      tampered++;
    }
  }
  console.log(`DIFF_SEED=${SEED}: ${drawn} joint draws agree (${JSON.stringify(kinds)}), refused by both ${JSON.stringify(refusals)}, ${tampered} tampered copies agree`);
  assert.ok(drawn >= DRAWS / 6, `only ${drawn} of ${DRAWS} random joint plans could be committed`);
  assert.ok(Object.values(kinds).every((k) => k >= DRAWS / 50), `too few draws of a kind: ${JSON.stringify(kinds)}`);
});
