// Every verification vector of fixtures/vectors/verify/ (draw spec §15.1) gets its verdict from
// this verifier, through the same path as the page: files as bytes (the frame and pool as CSV),
// the transcript and the published commitment as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { verifyFiles } from '../src/core/verify.js';
import { VECTORS, loadVerifyVector } from './support.js';

const DIR = join(VECTORS, 'verify');
const names = readdirSync(DIR).filter((n) => n.endsWith('.json')).sort();
const encoder = new TextEncoder();

/** The CSV file of a listed frame or pool, or the vector's own CSV text, as bytes. */
export function csvBytes(v, columns) {
  if (v.csv !== undefined) return encoder.encode(v.csv);
  const field = (s) => (s.includes('"') ? `"${s.replaceAll('"', '""')}"` : s); // RFC 4180
  const rows = v.entries.map((e) => columns.map((c) => field(Array.isArray(e[c]) ? e[c].join(';') : e[c])).join(','));
  return encoder.encode(`${[columns.join(','), ...rows].join('\n')}\n`);
}

/** The verdict of a verification report, in the vector's `want` form. */
export function verdictOf(report) {
  if (report.ok) return { verdict: 'verified' };
  const f = report.failure;
  // A transcript of another version is refused before it is read, naming spec_version (step 1).
  if (f.check === 'format' && f.field !== 'spec_version') return { verdict: 'malformed' };
  if (f.check === 'frame' && f.code === 'frame') return { verdict: 'frame' };
  if (f.check === 'pool' && f.code === 'pool') return { verdict: 'pool' };
  const out = { verdict: 'failed', field: f.field };
  if (f.code !== undefined) out.code = f.code;
  return out;
}

test('the verification vector folder holds at least the set this verifier was written against', () => {
  assert.ok(names.length >= 15, `only ${names.length} verification vectors`);
});

for (const name of names) {
  test(`verification vector ${name}`, async () => {
    const v = loadVerifyVector(name);
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
