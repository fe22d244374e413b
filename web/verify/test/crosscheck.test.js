// Cross-check with the Rust CLI: a draw made by `spotcheck` (frame, pool, commit, draw, prove)
// verifies with this independent implementation from the very same files, both name the same
// field for the same tampering, and both read quirky CSV files the same way.
// The binary: $SPOTCHECK_BIN, else target/release/spotcheck, else target/debug/spotcheck.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { spotcheckBinary, makeDemoDraw, makeBeaconDraw } from './support.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyFiles } from '../src/core/verify.js';
import { checkInclusion } from '../src/core/proof.js';
import { parseFrameCsv } from '../src/core/frame.js';
import { parsePoolCsv } from '../src/core/pool.js';
import { parseStrictJson } from '../src/core/strict-json.js';
import { canonicalBytes, canonicalJson } from '../src/core/canonical-json.js';
import { fromHex, toHex } from '../src/core/bytes.js';
import { H } from '../src/core/hash.js';
import { QUICKNET } from '../src/core/beacon.js';

let bin;
let dir;
let files;
before(() => {
  bin = spotcheckBinary();
  dir = mkdtempSync(join(tmpdir(), 'spotcheck-crosscheck-'));
  files = makeDemoDraw(bin, dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const jsVerify = (transcriptText, withCommitment = false, f = files) => verifyFiles({
  transcriptText,
  commitmentText: withCommitment ? readFileSync(f.commitment, 'utf8') : null,
  frameBytes: readFileSync(f.frame),
  poolBytes: readFileSync(f.pool),
});

/** The field the CLI names (`FAILED: <field>: …`), or 'VERIFIED'. */
function rustVerify(transcriptPath, withCommitment = false, f = files) {
  const args = ['verify', transcriptPath, '--frame', f.frame, '--pool', f.pool];
  if (withCommitment) args.push('--commitment', f.commitment);
  const r = spawnSync(bin, args);
  const out = r.stdout.toString() + r.stderr.toString();
  if (r.status === 0) return 'VERIFIED';
  const m = /FAILED: (?:[^:\n]*commitment[^:\n]*\.json: )?([^:\s]+):/.exec(out);
  return m ? m[1] : `(exit ${r.status}) ${out}`;
}

test('a draw made by the Rust CLI verifies in JS from the same files', async () => {
  const text = readFileSync(files.transcript, 'utf8');
  const r = await jsVerify(text);
  assert.ok(r.ok, JSON.stringify(r.failure));
  assert.ok(r.summary.selections > 30);
  assert.ok((await jsVerify(text, true)).ok);
  assert.equal(rustVerify(files.transcript), 'VERIFIED');
});

test('the CLI and the JS verifier name the same field for the same tampering', async () => {
  const original = parseStrictJson(readFileSync(files.transcript, 'utf8'));
  const edits = {
    'selections[3].inspectors': (t) => (t.selections[3].inspectors[0] = t.selections[3].inspectors[0] === 'ZF000001' ? 'ZF000002' : 'ZF000001'),
    'selections[0].target': (t) => (t.selections[0].target = t.selections[1].target),
    'selections[2].frame_index': (t) => (t.selections[2].frame_index += 1),
    'selections.length': (t) => t.selections.pop(),
    'commitment.frame.root': (t) => (t.commitment.frame.root = '00'.repeat(32)),
    'commitment.pool.size': (t) => (t.commitment.pool.size += 1),
    'commitment.strata[0].sample': (t) => (t.commitment.strata[0].sample += 1),
    commitment_hash: (t) => (t.commitment.plan_id = 'PT-2026-901'),
    secret: (t) => (t.secret = '00'.repeat(32)),
    'entropy.witnesses[1].name': (t) => (t.entropy.witnesses[1].name = '见证人 张某'),
    entropy_digest: (t) => (t.entropy.witnesses[0].value = '1 1 1 1 1 1'),
    draw_key: (t) => (t.draw_key = 'ab'.repeat(32)),
    digest: (t) => (t.drawn_at = '2026-11-28T09:30:00Z'),
  };
  for (const [field, edit] of Object.entries(edits)) {
    const t = structuredClone(original);
    edit(t);
    const text = canonicalJson(t);
    const path = join(dir, 'tampered.json');
    writeFileSync(path, text);
    const js = await jsVerify(text);
    assert.equal(js.failure?.field, field, `JS: ${JSON.stringify(js.failure)}`);
    assert.equal(rustVerify(path), field, 'Rust CLI');
  }
  // With the published commitment, a change inside the commitment is named exactly by both.
  const t = structuredClone(original);
  t.commitment.committed_at = '2026-11-25T08:00:00Z';
  writeFileSync(join(dir, 'tampered.json'), canonicalJson(t));
  assert.equal((await jsVerify(canonicalJson(t), true)).failure.field, 'commitment.committed_at');
  assert.equal(rustVerify(join(dir, 'tampered.json'), true), 'commitment.committed_at');
});

test('readers normalise upper-case hex and non-shortest ratios like the CLI does', async () => {
  const t = parseStrictJson(readFileSync(files.transcript, 'utf8'));
  t.secret = t.secret.toUpperCase();
  t.commitment.parameters.default.ratio = '0.010';
  writeFileSync(join(dir, 'normalised.json'), JSON.stringify(t, null, 2));
  assert.equal(rustVerify(join(dir, 'normalised.json')), 'VERIFIED');
  assert.ok((await jsVerify(JSON.stringify(t, null, 2))).ok);
});

test('inclusion proofs made by the CLI check in JS', () => {
  const frame = parseFrameCsv(readFileSync(files.frame));
  const commitment = parseStrictJson(readFileSync(files.commitment, 'utf8'));
  for (const i of [0, 1, 1234, frame.size - 1]) {
    const out = execFileSync(bin, ['prove', files.frame, frame.id(i)]).toString();
    const proof = parseStrictJson(out);
    assert.equal(proof.index, i);
    const r = checkInclusion(proof, commitment);
    assert.ok(r.ok, JSON.stringify(r.failure));
    assert.equal(checkInclusion({ ...proof, stratum: `${proof.stratum}x` }, commitment).ok, false);
  }
});

test('quirky CSV files (BOM, CRLF, quotes, column order, non-ASCII) give the same roots in both', () => {
  const frameText = '\uFEFFstratum,target_id\r\n"莆田-A","91350302MA2X0001"\r\n莆田-A,"𝒜😀"\r\n"B""q",\uFF21x\r\n\r\nB,"a"\r\n';
  const poolText = 'department,inspector_id,conflicts\r\n"莆田市文化和旅游局",ZF2,"𝒜😀;91350302MA2X0001"\r\n城厢区,ZF1,\r\n城厢区,ZF3,""\r\n';
  writeFileSync(join(dir, 'q-frame.csv'), frameText);
  writeFileSync(join(dir, 'q-pool.csv'), poolText);
  const rustRoot = (cmdOut) => /root ([0-9a-f]{64})/.exec(cmdOut)?.[1];
  const rf = execFileSync(bin, ['frame', join(dir, 'q-frame.csv')]).toString();
  assert.equal(toHex(parseFrameCsv(new TextEncoder().encode(frameText)).root), rustRoot(rf));
  // The pool root through a commit (the CLI prints it).
  writeFileSync(join(dir, 'q-params.json'), JSON.stringify({ strata: {}, default: { count: 1 }, inspectors_per_target: 2 }));
  const rc = execFileSync(bin, ['commit', '--plan-id', 'Q', '--frame', join(dir, 'q-frame.csv'), '--pool', join(dir, 'q-pool.csv'),
    '--params', join(dir, 'q-params.json'), '--witness', 'W', '--committed-at', '2026-11-26T08:00:00Z',
    '--out', join(dir, 'q-c.json'), '--secret-out', join(dir, 'q-secret.hex')], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const poolRoot = /pool ([0-9a-f]{64})/.exec(rc)?.[1];
  assert.equal(toHex(parsePoolCsv(new TextEncoder().encode(poolText)).root), poolRoot);
});

test('a commitment whose parameters cannot be applied is named as the CLI names it', async () => {
  const original = parseStrictJson(readFileSync(files.transcript, 'utf8'));
  const cases = [
    [(t) => t.commitment.strata.pop(), 'commitment.strata.length'],
    [(t) => (t.commitment.parameters.strata = { nope: { count: 1 } }), 'commitment.parameters'],
    // Infeasible (§9.2) but not re-checked by a verifier: the changed commitment fails its hash.
    [(t) => (t.commitment.parameters.inspectors_per_target = 39), 'commitment_hash'],
  ];
  for (const [edit, field] of cases) {
    const t = structuredClone(original);
    edit(t);
    writeFileSync(join(dir, 'tampered.json'), canonicalJson(t));
    assert.equal((await jsVerify(canonicalJson(t))).failure?.field, field);
    assert.equal(rustVerify(join(dir, 'tampered.json')), field);
  }
});

test('against the published commitment, both name the same first difference', async () => {
  const original = parseStrictJson(readFileSync(files.transcript, 'utf8'));
  const cases = [
    [(t) => t.commitment.strata.pop(), 'commitment.strata'],
    [(t) => { t.commitment.plan_id = 'PT-X'; t.commitment.committed_at = '2026-11-25T08:00:00Z'; }, 'commitment.committed_at'],
    [(t) => (t.commitment.parameters.default.rounding = 'down'), 'commitment.parameters.default.rounding'],
    [(t) => (t.commitment.entropy_source.witnesses[1] = '见证人 赵某'), 'commitment.entropy_source.witnesses[1]'],
  ];
  for (const [edit, field] of cases) {
    const t = structuredClone(original);
    edit(t);
    writeFileSync(join(dir, 'tampered.json'), canonicalJson(t));
    assert.equal((await jsVerify(canonicalJson(t), true)).failure?.field, field);
    assert.equal(rustVerify(join(dir, 'tampered.json'), true), field);
  }
});

test('a drand draw made by the CLI verifies in JS, and both name the same field for each beacon change', async () => {
  const b = makeBeaconDraw(bin, join(dir, 'beacon'));
  const text = readFileSync(b.transcript, 'utf8');
  const original = parseStrictJson(text);
  assert.deepEqual({ ...original.commitment.entropy_source.drand }, { chain_hash: QUICKNET.chainHash, round: 1000 });
  const ok = await jsVerify(text, true, b);
  assert.ok(ok.ok, JSON.stringify(ok.failure));
  assert.equal(ok.checks.find((c) => c.id === 'drand').beacon.round, 1000);
  assert.equal(rustVerify(b.transcript, true, b), 'VERIFIED');
  const flip = (hex, bit) => {
    const bytes = fromHex(hex);
    bytes[bit >> 3] ^= 0x80 >> (bit & 7);
    return toHex(bytes);
  };
  const rehash = (t) => (t.commitment_hash = toHex(H(canonicalBytes(t.commitment))));
  const cases = [
    ['flipped signature bit', (t) => (t.entropy.drand.signature = flip(t.entropy.drand.signature, 383)), 'entropy.drand.signature'],
    ['flipped bit, randomness its SHA-256', (t) => {
      t.entropy.drand.signature = flip(t.entropy.drand.signature, 150);
      t.entropy.drand.randomness = toHex(H(fromHex(t.entropy.drand.signature)));
    }, 'entropy.drand.signature'],
    ['47-byte signature', (t) => (t.entropy.drand.signature = t.entropy.drand.signature.slice(0, -2)), 'entropy.drand.signature'],
    ['wrong round', (t) => (t.entropy.drand.round = 1001), 'entropy.drand.round'],
    ['wrong chain hash', (t) => (t.entropy.drand.chain_hash = '11'.repeat(32)), 'entropy.drand.chain_hash'],
    ['randomness not H(signature)', (t) => (t.entropy.drand.randomness = '00'.repeat(32)), 'entropy.drand.randomness'],
    ['beacon round removed', (t) => delete t.entropy.drand, 'entropy.drand'],
    ['drawn before the round', (t) => (t.drawn_at = '2023-08-23T15:59:23Z'), 'drawn_at'],
    ['committed round changed', (t) => (t.commitment.entropy_source.drand.round = 999), 'commitment_hash'],
    ['round not after commit (rehashed)', (t) => {
      t.commitment.committed_at = '2023-08-23T15:59:24Z';
      rehash(t);
    }, 'commitment.entropy_source.drand.round'],
    ['unknown chain (rehashed)', (t) => {
      t.commitment.entropy_source.drand.chain_hash = '11'.repeat(32);
      rehash(t);
    }, 'commitment.entropy_source.drand.chain_hash'],
    ['neither witness nor beacon (rehashed)', (t) => {
      t.commitment.entropy_source = { witnesses: [] };
      t.entropy = { witnesses: [] };
      rehash(t);
    }, 'commitment.entropy_source'],
    ['unpromised beacon round (rehashed)', (t) => {
      delete t.commitment.entropy_source.drand;
      rehash(t);
    }, 'entropy.drand'],
  ];
  const path = join(dir, 'beacon', 'tampered.json');
  for (const [what, edit, field] of cases) {
    const t = structuredClone(original);
    edit(t);
    writeFileSync(path, canonicalJson(t));
    const js = await jsVerify(canonicalJson(t), false, b);
    assert.equal(js.failure?.field, field, `JS, ${what}: ${JSON.stringify(js.failure)}`);
    assert.equal(rustVerify(path, false, b), field, `Rust CLI, ${what}`);
  }
  // Against the published commitment, a changed promise is named exactly by both.
  const t = structuredClone(original);
  t.commitment.entropy_source.drand.round = 999;
  writeFileSync(path, canonicalJson(t));
  assert.equal((await jsVerify(canonicalJson(t), true, b)).failure?.field, 'commitment.entropy_source.drand.round');
  assert.equal(rustVerify(path, true, b), 'commitment.entropy_source.drand.round');
});
