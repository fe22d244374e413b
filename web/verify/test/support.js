// Shared helpers for the tests: reading vectors and building their inputs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseStrictJson } from '../src/core/strict-json.js';
import { buildFrame } from '../src/core/frame.js';
import { buildPool } from '../src/core/pool.js';
import { commit, draw, computeSelections } from '../src/core/draw.js';
import { parseParameters } from '../src/core/params.js';
import { H } from '../src/core/hash.js';
import { fromHex, toHex } from '../src/core/bytes.js';
import { canonicalBytes } from '../src/core/canonical-json.js';
import { SPEC_VERSION, entropyDigest, drawKey } from '../src/core/keys.js';
import { beaconOf } from '../src/core/beacon.js';
import { syntheticFrame, syntheticPool } from '../src/core/synthetic.js';

export const VECTORS = fileURLToPath(new URL('../../../fixtures/vectors/', import.meta.url));

export function loadVector(name) {
  return parseStrictJson(readFileSync(join(VECTORS, name), 'utf8'));
}

/**
 * A verification vector (§15.1). Read with JSON.parse, not the strict reader: its transcript may
 * be malformed on purpose (e.g. an integer above 2^53 − 1, which the verifier must refuse when it
 * reads the transcript, not when the test reads the vector).
 */
export function loadVerifyVector(name) {
  return JSON.parse(readFileSync(join(VECTORS, 'verify', name), 'utf8'));
}

/** Frame and pool of a vector's inputs (file order, or Appendix A); throws InputError. */
export function vectorInputs(inputs) {
  const f = inputs.frame;
  const frameEntries = f.synthetic
    ? syntheticFrame(f.synthetic.size, f.synthetic.seed)
    : f.entries.map((e) => [e.target_id, e.stratum]);
  const frame = buildFrame(frameEntries);
  const p = inputs.pool;
  const poolEntries = p.synthetic
    ? syntheticPool(p.synthetic.size, p.synthetic.seed, f.synthetic?.size ?? 0, f.synthetic?.seed ?? '',
      p.synthetic.max_conflicts)
    : p.entries.map((e) => [e.inspector_id, e.department, e.conflicts]);
  const pool = buildPool(poolEntries);
  return { frame, pool };
}

/** Commit and draw a vector's inputs; returns { frame, pool, commitment, transcript }. */
export function runVector(inputs) {
  const { frame, pool } = vectorInputs(inputs);
  const commitment = commit(inputs, frame, pool, inputs.secret);
  const transcript = draw(commitment, inputs.secret, inputs.entropy, inputs.drawn_at, frame, pool);
  return { frame, pool, commitment, transcript };
}

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function spotcheckBinary() {
  const candidates = [process.env.SPOTCHECK_BIN, join(ROOT, 'target/release/spotcheck'), join(ROOT, 'target/debug/spotcheck')];
  const bin = candidates.find((c) => c && existsSync(c));
  if (!bin) throw new Error('no spotcheck binary: run `cargo build --release -p spotcheck-cli` (or set SPOTCHECK_BIN)');
  return bin;
}

/** Generates a demo draw with the CLI into dir; returns the file paths. */
export function makeDemoDraw(bin, dir, { size = 3000, poolSize = 40, seed = 'crosscheck' } = {}) {
  const run = (...args) => execFileSync(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  run('gen-frame', '--size', String(size), '--seed', seed, '--out', 'frame.csv');
  run('gen-pool', '--size', String(poolSize), '--seed', `${seed}-pool`, '--frame-size', String(size), '--frame-seed', seed,
    '--max-conflicts', '5', '--out', 'pool.csv');
  writeFileSync(join(dir, 'params.json'), JSON.stringify({
    strata: { '350302-A': { count: 3 }, '350303-B': { ratio: '0.02', rounding: 'nearest' } },
    default: { ratio: '0.01', rounding: 'up' },
    inspectors_per_target: 2,
    max_assignments_per_inspector: 6,
  }));
  run('commit', '--plan-id', 'PT-2026-900', '--frame', 'frame.csv', '--pool', 'pool.csv', '--params', 'params.json',
    '--witness', '莆田市公证处 王某', '--witness', '见证人 李某', '--committed-at', '2026-11-26T08:00:00Z',
    '--out', 'commitment.json', '--secret-out', 'secret.hex');
  run('draw', '--commitment', 'commitment.json', '--secret', 'secret.hex', '--frame', 'frame.csv', '--pool', 'pool.csv',
    '--witness-value', '莆田市公证处 王某=4 2 6 1 3 5', '--witness-value', '见证人 李某=骰子 6 6 1',
    '--drawn-at', '2026-11-27T09:30:00Z', '--out', 'transcript.json');
  return { frame: join(dir, 'frame.csv'), pool: join(dir, 'pool.csv'), commitment: join(dir, 'commitment.json'),
    transcript: join(dir, 'transcript.json') };
}


/**
 * A transcript for a vector's inputs made with no §7.3 beacon check at commit or draw (as a
 * dishonest operator would), every hash consistent: for testing that the verifier refuses it.
 */
export function forgeDraw(inputs) {
  const { frame, pool } = vectorInputs(inputs);
  // Commit as of a time the beacon check accepts, then write the real time back.
  const commitment = commit({ ...inputs, committed_at: '2000-01-01T00:00:00Z' }, frame, pool, inputs.secret);
  commitment.committed_at = inputs.committed_at;
  const params = parseParameters(commitment.parameters, 'commitment.parameters');
  const ch = H(canonicalBytes(commitment));
  const secret = fromHex(inputs.secret);
  const entropy = structuredClone(inputs.entropy);
  const ed = entropyDigest(entropy.witnesses, beaconOf(entropy));
  const key = drawKey(ch, secret, ed);
  const transcript = {
    spec_version: SPEC_VERSION, commitment, commitment_hash: toHex(ch), secret: toHex(secret), entropy,
    entropy_digest: toHex(ed), draw_key: toHex(key), drawn_at: inputs.drawn_at,
    selections: computeSelections(commitment, params, frame, pool, key),
  };
  transcript.digest = toHex(H(canonicalBytes(transcript)));
  return { frame, pool, transcript };
}

/**
 * Generates with the CLI, offline, a draw whose commitment promises drand quicknet round 1000
 * (spec §7.3; committed 62 s before the round, so the default 60 s margin picks it) and a witness,
 * drawn with the recorded round of fixtures/beacons/. Returns the file paths.
 */
export function makeBeaconDraw(bin, dir, { size = 2000, poolSize = 30, seed = 'beacon' } = {}) {
  mkdirSync(dir, { recursive: true });
  const run = (...args) => execFileSync(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  run('gen-frame', '--size', String(size), '--seed', seed, '--out', 'frame.csv');
  run('gen-pool', '--size', String(poolSize), '--seed', `${seed}-pool`, '--frame-size', String(size), '--frame-seed', seed,
    '--max-conflicts', '3', '--out', 'pool.csv');
  writeFileSync(join(dir, 'params.json'), JSON.stringify({
    strata: {}, default: { ratio: '0.02', rounding: 'up' }, inspectors_per_target: 2,
  }));
  run('commit', '--plan-id', 'PT-2023-DRAND', '--frame', 'frame.csv', '--pool', 'pool.csv', '--params', 'params.json',
    '--witness', '莆田市公证处 王某', '--drand', '--committed-at', '2023-08-23T15:58:22Z',
    '--out', 'commitment.json', '--secret-out', 'secret.hex');
  run('draw', '--commitment', 'commitment.json', '--secret', 'secret.hex', '--frame', 'frame.csv', '--pool', 'pool.csv',
    '--witness-value', '莆田市公证处 王某=4 2 6 1 3 5', '--beacon-file', join(ROOT, 'fixtures/beacons/quicknet-1000.json'),
    '--drawn-at', '2023-08-23T16:05:00Z', '--out', 'transcript.json');
  return { frame: join(dir, 'frame.csv'), pool: join(dir, 'pool.csv'), commitment: join(dir, 'commitment.json'),
    transcript: join(dir, 'transcript.json') };
}
