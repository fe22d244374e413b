// Every known-answer vector of draw spec version 2 (joint draws, §17; fixtures/vectors/v2/)
// reproduces with this independent implementation, byte for byte; want_err vectors fail with the
// same code; every transcript verifies, and a changed team, version or plan is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../src/core/canonical-json.js';
import { H } from '../src/core/hash.js';
import { toHex, utf8 } from '../src/core/bytes.js';
import { verifyDraw, verifyFiles } from '../src/core/verify.js';
import { readTranscript } from '../src/core/model.js';
import { assignInspectors } from '../src/core/assignment.js';
import { assignJoint, jointDepartments } from '../src/core/joint.js';
import { selectTargets } from '../src/core/selection.js';
import { buildFrame } from '../src/core/frame.js';
import { buildPool } from '../src/core/pool.js';
import { syntheticFrame, syntheticPool } from '../src/core/synthetic.js';
import { VECTORS, loadVector, runVector } from './support.js';

const names = readdirSync(join(VECTORS, 'v2')).filter((n) => n.endsWith('.json')).sort();
const load = (name) => loadVector(join('v2', name));

test('the v2 folder holds at least 8 vectors, refusals with every new code among them', () => {
  assert.ok(names.length >= 8, `only ${names.length} v2 vectors`);
  const codes = names.map((n) => load(n).want_err).filter((c) => c !== undefined);
  for (const code of ['invalid-joint', 'team-too-small', 'unknown-department', 'insufficient-department-inspectors']) {
    assert.ok(codes.includes(code), `no v2 vector refuses with ${code}`);
  }
});

for (const name of names) {
  test(`v2 vector ${name}`, async () => {
    const v = load(name);
    if (v.want_err !== undefined) {
      let code;
      try {
        runVector(v.inputs);
      } catch (e) {
        code = e.code ?? e.kind;
        if (code === undefined) throw e;
      }
      assert.equal(code, v.want_err, `${name}: ${v.desc}`);
      return;
    }
    const want = v.expected;
    const { frame, pool, commitment, transcript } = runVector(v.inputs);
    assert.equal(commitment.spec_version, 'spotcheck-draw/2');
    assert.deepEqual({ root: toHex(frame.root), size: frame.size }, { ...want.frame });
    assert.deepEqual({ root: toHex(pool.root), size: pool.size }, { ...want.pool });
    assert.equal(toHex(H(utf8(canonicalJson(commitment)))), want.commitment_hash);
    assert.equal(transcript.entropy_digest, want.entropy_digest);
    assert.equal(transcript.draw_key, want.draw_key);
    assert.equal(transcript.digest, want.transcript_digest);
    assert.equal(canonicalJson(transcript), canonicalJson(want.transcript));
    const report = await verifyDraw({ transcript: want.transcript, loadFrame: () => frame, loadPool: () => pool });
    assert.equal(report.failure, null, JSON.stringify(report.failure));
    const withPublished = await verifyDraw({ transcript: want.transcript, published: want.transcript.commitment,
      loadFrame: () => frame, loadPool: () => pool });
    assert.ok(withPublished.ok, JSON.stringify(withPublished.failure));
  });
}

function firstDraw() {
  const name = names.find((n) => load(n).expected !== undefined);
  const v = load(name);
  const { frame, pool } = runVector(v.inputs);
  return { v, frame, pool };
}

async function failureAfter(change) {
  const { v, frame, pool } = firstDraw();
  const t = structuredClone(v.expected.transcript);
  change(t);
  const report = await verifyDraw({ transcript: t, loadFrame: () => frame, loadPool: () => pool });
  return report.failure;
}

test('a changed team order, version or joint plan is named as the reference verifier names it', async () => {
  assert.equal((await failureAfter((t) => t.selections[0].inspectors.reverse())).field, 'selections[0].inspectors');
  // A v2 transcript claiming version 1: its commitment is still v2 (step 1).
  const v1 = await failureAfter((t) => { t.spec_version = 'spotcheck-draw/1'; });
  assert.deepEqual([v1.field, v1.code], ['spec_version', 'unsupported-version']);
  const v3 = await failureAfter((t) => { t.spec_version = 'spotcheck-draw/3'; });
  assert.deepEqual([v3.field, v3.code], ['spec_version', 'unsupported-version']);
  assert.equal((await failureAfter((t) => { t.commitment.parameters.joint.require = { lead_plus: 1 }; })).field, 'commitment_hash');
});

test('the version and the joint plan go together (§17.1): otherwise the file is malformed', () => {
  const { v } = firstDraw();
  assert.doesNotThrow(() => readTranscript(v.expected.transcript));
  const without = structuredClone(v.expected.transcript);
  delete without.commitment.parameters.joint;
  assert.throws(() => readTranscript(without), (e) => e.field === 'commitment.parameters.joint');
  const v1 = structuredClone(v.expected.transcript);
  v1.spec_version = 'spotcheck-draw/1';
  v1.commitment.spec_version = 'spotcheck-draw/1';
  assert.throws(() => readTranscript(v1), (e) => e.field === 'commitment.parameters.joint');
});

test('with one department and "all" the joint assignment is §12\'s, word for word (§17.8)', () => {
  for (const seed of ['a', 'bb', 'reduce', 'joint-1']) {
    const frame = buildFrame(syntheticFrame(300, seed));
    const pool = buildPool(syntheticPool(40, seed, 300, seed, 4).map(([id, , conflicts]) => [id, '莆田市文化和旅游局', conflicts]));
    const key = H(utf8(seed));
    const strata = frame.stratumNames.map((k) => ({ key: k, sample: 1 })).sort((a, b) => (a.key < b.key ? -1 : 1));
    const selected = selectTargets(frame, strata, key);
    for (const [m, cap] of [[2, null], [3, 2], [4, 5]]) {
      const alone = { lead: '莆田市文化和旅游局', partners: [], require: 'all' };
      const outcome = (f) => {
        try {
          return f();
        } catch (e) {
          return { stuck: e.code }; // both run out at the same target, or neither does
        }
      };
      const v1 = outcome(() => assignInspectors(pool, selected, m, cap, key));
      const v2 = outcome(() => assignJoint(pool, selected, m, cap, alone, jointDepartments(alone, pool), key));
      assert.deepEqual(v2, v1, `${seed}, m=${m}, cap=${cap}`);
      assert.ok(Array.isArray(v1), `${seed}, m=${m}, cap=${cap}: the draw ran out of inspectors`);
    }
  }
});

// The verification vectors of version 2 (fixtures/vectors/v2/verify/, the format of §15.1),
// through the same path as the page: frame and pool as CSV bytes, transcript and commitment as text.
const VERIFY_DIR = join(VECTORS, 'v2', 'verify');
const verifyNames = readdirSync(VERIFY_DIR).filter((n) => n.endsWith('.json')).sort();
const encoder = new TextEncoder();

function csvBytes(v, columns) {
  const rows = v.entries.map((e) => columns.map((c) => (Array.isArray(e[c]) ? e[c].join(';') : e[c])).join(','));
  return encoder.encode(`${[columns.join(','), ...rows].join('\n')}\n`);
}

function verdictOf(report) {
  if (report.ok) return { verdict: 'verified' };
  const f = report.failure;
  if (f.check === 'format' && f.field !== 'spec_version') return { verdict: 'malformed' };
  const out = { verdict: 'failed', field: f.field };
  if (f.code !== undefined) out.code = f.code;
  return out;
}

test('the v2 verification vectors are there', () => {
  assert.ok(verifyNames.length >= 8, `only ${verifyNames.length} v2 verification vectors`);
});

for (const name of verifyNames) {
  test(`v2 verification vector ${name}`, async () => {
    const v = JSON.parse(readFileSync(join(VERIFY_DIR, name), 'utf8'));
    const report = await verifyFiles({
      transcriptText: JSON.stringify(v.transcript),
      commitmentText: v.commitment === undefined ? null : JSON.stringify(v.commitment),
      frameBytes: csvBytes(v.frame, ['target_id', 'stratum']),
      poolBytes: csvBytes(v.pool, ['inspector_id', 'department', 'conflicts']),
    }, () => {});
    assert.equal(report.failure?.internal, undefined, report.failure?.internal);
    assert.deepEqual(verdictOf(report), v.want, `${name}: ${v.desc}\n${JSON.stringify(report.failure)}`);
  });
}
