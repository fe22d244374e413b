// Warm-up: while the user is still choosing files, the worker verifies a small synthetic draw once,
// so the browser has compiled the hot code (CSV scanning, sorting, SHA-256, ChaCha20) before the
// real verification starts. Nothing of it is kept; it never touches the user's files.
import { buildFrame } from '../core/frame.js';
import { buildPool } from '../core/pool.js';
import { commit, draw } from '../core/draw.js';
import { canonicalJson } from '../core/canonical-json.js';
import { verifyFiles } from '../core/verify.js';

// Ids and strata shaped like real ones (18-character unified credit codes, county codes with a
// grade), so the compiled code fits the files people verify.
export async function warmUp(size = 30000, helpers = null) {
  const strata = ['350302-A', '350303-B', '350304-C', '350305-D'];
  const lines = ['target_id,stratum'];
  const entries = [];
  for (let i = 0; i < size; i++) {
    const id = `9135${String((i * 7919) % size).padStart(13, '0')}${'ABCDEFGHJK'[i % 10]}`;
    const s = strata[i % 4];
    lines.push(`${id},${s}`);
    entries.push([id, s]);
  }
  const poolLines = ['inspector_id,department,conflicts'];
  const poolEntries = [];
  // Enough inspectors for 1 % of the frame, two each, at most 20 per inspector (§9.2).
  for (let j = 0; j < Math.max(40, Math.ceil(size / 400)); j++) {
    const conflicts = j % 3 === 0 ? [entries[j][0], entries[j + 1][0]] : [];
    poolLines.push(`Z${j},D,${conflicts.join(';')}`);
    poolEntries.push([`Z${j}`, 'D', conflicts]);
  }
  const frame = buildFrame(entries);
  const pool = buildPool(poolEntries);
  const secret = '07'.repeat(32);
  const commitment = commit({
    plan_id: 'WARM-UP', committed_at: '2026-01-01T00:00:00Z',
    parameters: { strata: {}, default: { ratio: '0.01', rounding: 'up' }, inspectors_per_target: 2, max_assignments_per_inspector: 20 },
    entropy_source: { witnesses: ['W'] },
  }, frame, pool, secret);
  const t = draw(commitment, secret, { witnesses: [{ name: 'W', value: '1' }] }, '2026-01-02T00:00:00Z', frame, pool);
  const enc = new TextEncoder();
  const report = await verifyFiles({
    transcriptText: canonicalJson(t),
    commitmentText: canonicalJson(commitment),
    frameBytes: enc.encode(lines.join('\n')),
    poolBytes: enc.encode(poolLines.join('\r\n')),
  }, () => {}, { helpers });
  if (!report.ok) throw new Error(`warm-up draw did not verify: ${JSON.stringify(report.failure)}`);
}
