// Chromium trace of one verification (all threads: page, verification worker, helpers).
// Usage: node bench/trace.mjs DIR [--query '?…'] [--out trace.json]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { launch, verifyInPage } from '../e2e/browser.mjs';

const PAGE = fileURLToPath(new URL('../dist/verify.html', import.meta.url));
const dir = process.argv[2];
const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const files = { transcript: join(dir, 'transcript.json'), frame: join(dir, 'frame.csv'), pool: join(dir, 'pool.csv'),
  commitment: join(dir, 'commitment.json') };
const browser = await launch();
try {
  const p = await browser.newPage();
  await p.goto(pathToFileURL(PAGE).href + opt('query', ''));
  await p.waitForFunction(() => document.body.dataset.state === 'ready');
  await p.waitForFunction(() => document.body.dataset.warm === 'done', null, { timeout: 60_000 });
  await new Promise((r) => setTimeout(r, 500));
  await browser.startTracing(p, { categories: ['toplevel', 'devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-v8.gc', 'blink.user_timing', 'disabled-by-default-devtools.timeline'] });
  const r = await verifyInPage(p, files);
  const buf = await browser.stopTracing();
  console.log(r.state, r.ms, 'ms', JSON.stringify(r.timings));
  writeFileSync(opt('out', '/tmp/tr/trace.json'), buf);
} finally {
  await browser.close();
}
