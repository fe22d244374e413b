// Chromium CPU profile of one verification of the benchmark files (DevTools protocol through
// playwright-core). The verification runs on the page's thread (?worker=0) so one profiler sees
// it all. Usage: node bench/profile.mjs DIR [--query '…'] [--out file.cpuprofile]
// DIR holds transcript.json, frame.csv, pool.csv, commitment.json (e.g. made by bench.mjs --keep).
import { writeFileSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { drawFiles, launch, option, verifyInPage } from '../e2e/browser.mjs';

const PAGE = fileURLToPath(new URL('../dist/verify.html', import.meta.url));
const dir = process.argv[2];
const files = drawFiles(dir);
const browser = await launch();
try {
  const p = await browser.newPage();
  await p.goto(pathToFileURL(PAGE).href + option('query', '?worker=0'));
  await p.waitForFunction(() => document.body.dataset.state === 'ready');
  // Warm the JIT with two untimed runs.
  for (let i = 0; i < 2; i++) await verifyInPage(p, files);
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const r = await verifyInPage(p, files);
  const { profile } = await cdp.send('Profiler.stop');
  console.log(r.state, r.ms, 'ms', JSON.stringify(r.timings));
  writeFileSync(option('out', 'page.cpuprofile'), JSON.stringify(profile));
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let total = 0;
  profile.samples.forEach((s, i) => {
    const n = byId.get(s);
    const k = `${n.callFrame.functionName || '(anon)'} :${n.callFrame.lineNumber}`;
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(k, (self.get(k) ?? 0) + dt);
    total += dt;
  });
  console.log('profiled', (total / 1000).toFixed(0), 'ms');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log((v / 1000).toFixed(1).padStart(8), k);
  }
} finally {
  await browser.close();
}
