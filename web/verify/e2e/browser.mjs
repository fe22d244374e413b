// Shared by the end-to-end test and the benchmark: headless Debian Chromium driven by
// playwright-core (which never downloads a browser), and a tiny static server on 127.0.0.1.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The files of a draw in `dir`: transcript.json, frame.csv, pool.csv, commitment.json (benchmarks). */
export function drawFiles(dir) {
  return { transcript: join(dir, 'transcript.json'), frame: join(dir, 'frame.csv'), pool: join(dir, 'pool.csv'),
    commitment: join(dir, 'commitment.json') };
}

/** The command-line value after `--name`, or `dflt` (benchmarks). */
export function option(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.js': 'text/javascript' };

/** Serves `mounts` ({ '/prefix': dir }) on 127.0.0.1, a free port. Resolves to { url, close }. */
export function serve(mounts) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, path.slice(prefix.length)));
      if (!file.startsWith(normalize(dir)) || !existsSync(file) || !statSync(file).isFile()) break;
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  })));
}

/**
 * Benchmarks: waits until the page has loaded and warmed its workers up, and scrolls 开始验证
 * into view, as a person does before clicking it (the button is below the fold of a 1280×720
 * window; a click on it unseen scrolls the page, which then paints and rasterises the newly shown
 * part of the page on the same two cores as the verification it starts).
 */
export async function readyToVerify(page) {
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
  await page.waitForFunction(() => document.body.dataset.warm === 'done', null, { timeout: 60_000 });
  await page.locator('#verify-button').scrollIntoViewIfNeeded();
}

/** Uploads files into the verify form, clicks 开始验证 and waits for the verdict. */
export async function verifyInPage(page, { transcript, frame, pool, commitment = null }) {
  await page.setInputFiles('#transcript-file', transcript);
  await page.setInputFiles('#frame-file', frame);
  await page.setInputFiles('#pool-file', pool);
  await page.setInputFiles('#commitment-file', commitment ?? []);
  await page.click('#verify-button');
  // Polled every 20 ms, not every animation frame: a frame-by-frame poll makes the browser draw
  // frames throughout, on the CPU the verification needs (the time is the page's own measurement).
  await page.waitForFunction(() => ['verified', 'failed', 'error'].includes(document.body.dataset.state), null,
    { timeout: 120_000, polling: 20 });
  return page.evaluate(() => ({
    state: document.body.dataset.state,
    ms: Number(document.body.dataset.verifyMs),
    mode: document.body.dataset.mode,
    timings: JSON.parse(document.body.dataset.timings ?? '{}'),
    sha256: JSON.parse(document.body.dataset.sha256 ?? 'null'),
    frameHanded: document.body.dataset.frameHanded === 'true',
    failedField: document.body.dataset.failedField ?? null,
    statuses: [...document.querySelectorAll('#checks li')].map((li) => [li.dataset.check, li.dataset.status]),
    verdict: document.getElementById('verdict').innerText,
  }));
}
