// End to end in headless Chromium: the built page (dist/verify.html) verifies every joint draw of
// fixtures/vectors/v2/ (draw spec version 2, §17) from the files a user would have — frame and
// pool as CSV, transcript and commitment as JSON — and names a changed team.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { launch, verifyInPage } from './browser.mjs';
import { VECTORS, ROOT, loadVector } from '../test/support.js';
import { syntheticFrame, syntheticPool } from '../src/core/synthetic.js';
import { CHECKS } from '../src/core/verify.js';

const PAGE = fileURLToPath(new URL('../dist/verify.html', import.meta.url));
const SHOTS = join(ROOT, 'target/screenshots');

const names = readdirSync(join(VECTORS, 'v2')).filter((n) => n.endsWith('.json')).sort()
  .filter((n) => loadVector(join('v2', n)).expected !== undefined);

/** Writes a v2 vector's files into `dir` (frame and pool as CSV with the header row). */
function writeDraw(dir, v) {
  const { frame, pool } = v.inputs;
  const frameRows = frame.synthetic ? syntheticFrame(frame.synthetic.size, frame.synthetic.seed)
    : frame.entries.map((e) => [e.target_id, e.stratum]);
  const poolRows = pool.synthetic
    ? syntheticPool(pool.synthetic.size, pool.synthetic.seed, frame.synthetic.size, frame.synthetic.seed, pool.synthetic.max_conflicts)
    : pool.entries.map((e) => [e.inspector_id, e.department, e.conflicts]);
  const files = { transcript: join(dir, 'transcript.json'), frame: join(dir, 'frame.csv'), pool: join(dir, 'pool.csv'),
    commitment: join(dir, 'commitment.json') };
  writeFileSync(files.frame, `target_id,stratum\n${frameRows.map((r) => r.join(',')).join('\n')}\n`);
  writeFileSync(files.pool, `inspector_id,department,conflicts\n${poolRows.map(([i, d, c]) => `${i},${d},${c.join(';')}`).join('\n')}\n`);
  writeFileSync(files.transcript, JSON.stringify(v.expected.transcript));
  writeFileSync(files.commitment, JSON.stringify(v.expected.transcript.commitment));
  return files;
}

let browser;
let dir;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'spotcheck-joint-e2e-'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('every joint draw of fixtures/vectors/v2 verifies in the page, every check passing', async () => {
  assert.ok(names.length >= 8, `only ${names.length} joint transcripts`);
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(PAGE).href);
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
  for (const name of names) {
    const sub = join(dir, name.replace(/\.json$/, ''));
    mkdirSync(sub);
    const files = writeDraw(sub, loadVector(join('v2', name)));
    const r = await verifyInPage(page, files);
    assert.equal(r.state, 'verified', `${name}: ${r.verdict}`);
    assert.deepEqual(r.statuses, CHECKS.map((c) => [c.id, 'pass']), name);
  }
  await page.screenshot({ path: join(SHOTS, 'verify-joint-pass.png'), fullPage: true });
  // The lead's and the partner's inspectors swap places in the first team: named.
  const v = loadVector(join('v2', names[0]));
  const files = writeDraw(join(dir, names[0].replace(/\.json$/, '')), v);
  const t = structuredClone(v.expected.transcript);
  const team = t.selections[0].inspectors;
  [team[0], team[1]] = [team[1], team[0]];
  const tampered = join(dir, 'joint-tampered.json');
  writeFileSync(tampered, JSON.stringify(t));
  const bad = await verifyInPage(page, { ...files, transcript: tampered });
  assert.equal(bad.state, 'failed');
  assert.equal(bad.failedField, 'selections[0].inspectors');
  assert.deepEqual(errors, []);
  await page.close();
});
