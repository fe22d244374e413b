// Warm-up: while the user is still choosing files, the worker verifies a small synthetic draw once,
// so the browser has compiled the hot code (CSV scanning, sorting, SHA-256, ChaCha20) before the
// real verification starts. Nothing of it is kept; it never touches the user's files.
import { buildFrame } from '../core/frame.js';
import { buildPool } from '../core/pool.js';
import { commit, draw } from '../core/draw.js';
import { canonicalJson } from '../core/canonical-json.js';
import { verifyFiles } from '../core/verify.js';

// Ids, strata, departments and witnesses shaped like real ones (18-character unified credit codes,
// county codes with a grade, Chinese names), so the compiled code fits the files people verify:
// code compiled for ASCII-only names is thrown away (deoptimised) and compiled again when the
// first Chinese name arrives, in the middle of the user's verification.
export function warmUpInputs(size = 30000) {
  const strata = [];
  for (const county of ['350302', '350303', '350304', '350305', '350322', '350300']) {
    for (const grade of 'ABCD') strata.push(`${county}-${grade}`);
  }
  const lines = ['target_id,stratum'];
  const entries = [];
  for (let i = 0; i < size; i++) {
    // In file order a permutation of k; neighbours in byte order often share the last characters
    // (as real codes do), so the compiled code has seen both ways of comparing them.
    const k = (i * 7919) % size;
    const id = `9135${String(k).padStart(10, '0')}${'ABCDEFGHJK'[(k >> 4) % 10]}${'LMNPQ'[(k >> 3) % 5]}${(k >> 2) % 10}${'RTUWX'[(k >> 1) % 5]}`;
    const s = strata[(i * 31) % strata.length];
    lines.push(`${id},${s}`);
    entries.push([id, s]);
  }
  const departments = ['涵江区文体旅游局', '城厢区文体旅游局', '荔城区文体旅游局', '秀屿区文体旅游局', '仙游县文体旅游局'];
  const poolLines = ['inspector_id,department,conflicts'];
  const poolEntries = [];
  // Enough inspectors for 1 % of the frame, two each, at most 10 per inspector (§9.2).
  for (let j = 0; j < Math.max(60, Math.ceil(size / 250)); j++) {
    const conflicts = [];
    for (let k = 0; k < j % 6; k++) conflicts.push(entries[(j * 97 + k * 13) % size][0]);
    const id = `ZF${String(j).padStart(6, '0')}`;
    const dept = departments[j % departments.length];
    poolLines.push(`${id},${dept},${conflicts.join(';')}`);
    poolEntries.push([id, dept, conflicts]);
  }
  const frame = buildFrame(entries);
  const pool = buildPool(poolEntries);
  const secret = '07'.repeat(32);
  const commitment = commit({
    plan_id: 'WARM-UP', committed_at: '2026-01-01T00:00:00Z',
    parameters: { strata: {}, default: { ratio: '0.01', rounding: 'up' }, inspectors_per_target: 2, max_assignments_per_inspector: 10 },
    entropy_source: { witnesses: ['莆田市公证处 见证人'] },
  }, frame, pool, secret);
  const t = draw(commitment, secret, { witnesses: [{ name: '莆田市公证处 见证人', value: '3 1 4 1 5 9' }] }, '2026-01-02T00:00:00Z', frame, pool);
  const enc = new TextEncoder();
  return {
    transcriptText: canonicalJson(t),
    commitmentText: canonicalJson(commitment),
    frameBytes: enc.encode(lines.join('\n')),
    poolBytes: enc.encode(poolLines.join('\r\n')),
  };
}

/**
 * Verifies warm-up inputs (warmUpInputs) with `helpers`, or by `verify(inputs)` (the worker's own
 * path for a chosen file); throws if they do not verify. Inputs are
 * made before any of them is verified: making them (the synthetic draw) runs code that the
 * verification does not, and running it between verifications cost the browser the code it had
 * compiled for them (seen as deoptimisations in V8's --trace-deopt).
 */
export async function warmUp(inputs, helpers = null, verify = (x) => verifyFiles(x, () => {}, { helpers })) {
  const report = await verify(inputs);
  if (!report.ok) throw new Error(`warm-up draw did not verify: ${JSON.stringify(report.failure)}`);
}
