// A/B comparison of two builds of the page (e.g. `node build.mjs /tmp/a.html` before a change,
// `node build.mjs /tmp/b.html` after), alternating A and B in fresh pages so that a machine
// whose speed drifts weighs on both alike. Prints each build's median and mean (ms from the click
// to the verdict). Single runs on a shared machine vary by ±30 %; use 25 pairs or more.
// Usage: node bench/ab.mjs A.html B.html DIR [pairs = 25]
// DIR holds transcript.json, frame.csv, pool.csv, commitment.json (e.g. from bench.mjs's files).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { drawFiles, launch, readyToVerify, verifyInPage } from '../e2e/browser.mjs';

const [a, b, dir, pairs = '25'] = process.argv.slice(2);
if (!a || !b || !dir) throw new Error('usage: node bench/ab.mjs A.html B.html DIR [pairs]');
const files = drawFiles(dir);
const browser = await launch();
const once = async (page) => {
  const p = await browser.newPage();
  try {
    await p.goto(pathToFileURL(resolve(page)).href);
    await readyToVerify(p);
    await new Promise((r) => setTimeout(r, 500));
    const r = await verifyInPage(p, files);
    if (r.state !== 'verified') throw new Error(`${page} did not verify: ${r.verdict}`);
    return r.ms;
  } finally {
    await p.close();
  }
};
const res = { A: [], B: [] };
try {
  for (let i = 0; i < Number(pairs); i++) {
    res.A.push(await once(a));
    res.B.push(await once(b));
  }
} finally {
  await browser.close();
}
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
for (const [k, page] of [['A', a], ['B', b]]) {
  console.log(`${k} ${page}: median ${median(res[k])} ms, mean ${mean(res[k]).toFixed(0)} ms  [${res[k].join(', ')}]`);
}
