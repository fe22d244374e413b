// Benchmark: verifying a 100,000-entry frame draw in headless Chromium (the built page) against
// the Rust CLI's `spotcheck verify` on the same files, in one run. Prints both and the ratio;
// exits 1 when the page takes 3× the CLI or more (the budget).
// Usage: node bench/bench.mjs [--size 100000] [--runs 5] [--helpers N (hashing workers; default by core count)]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { launch, verifyInPage } from '../e2e/browser.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAGE = fileURLToPath(new URL('../dist/verify.html', import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SIZE = arg('size', 100_000);
const RUNS = arg('runs', 5);
const HELPERS = process.argv.includes('--helpers') ? `?helpers=${arg('helpers', 1)}` : '';

const bin = process.env.SPOTCHECK_BIN ?? join(ROOT, 'target/release/spotcheck');
if (!existsSync(bin)) {
  execFileSync('cargo', ['build', '--release', '--locked', '-p', 'spotcheck-cli'], { cwd: ROOT, stdio: 'inherit' });
}
if (!existsSync(PAGE)) throw new Error(`${PAGE} missing: run node build.mjs`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'spotcheck-bench-'));
try {
  const run = (...args) => execFileSync(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  run('gen-frame', '--size', String(SIZE), '--seed', 'bench', '--out', 'frame.csv');
  run('gen-pool', '--size', '300', '--seed', 'bench-pool', '--frame-size', String(SIZE), '--frame-seed', 'bench',
    '--max-conflicts', '5', '--out', 'pool.csv');
  writeFileSync(join(dir, 'params.json'), JSON.stringify({ strata: {}, default: { ratio: '0.01', rounding: 'up' },
    inspectors_per_target: 2, max_assignments_per_inspector: 10 }));
  run('commit', '--plan-id', 'PT-BENCH', '--frame', 'frame.csv', '--pool', 'pool.csv', '--params', 'params.json',
    '--witness', '莆田市公证处 王某', '--committed-at', '2026-11-26T08:00:00Z', '--out', 'commitment.json', '--secret-out', 'secret.hex');
  run('draw', '--commitment', 'commitment.json', '--secret', 'secret.hex', '--frame', 'frame.csv', '--pool', 'pool.csv',
    '--witness-value', '莆田市公证处 王某=4 2 6 1 3 5', '--drawn-at', '2026-11-27T09:30:00Z', '--out', 'transcript.json');
  const files = { transcript: join(dir, 'transcript.json'), frame: join(dir, 'frame.csv'), pool: join(dir, 'pool.csv'),
    commitment: join(dir, 'commitment.json') };

  // The CLI: wall time of the whole process (reading, hashing, re-drawing), as a user runs it.
  const cli = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(bin, ['verify', files.transcript, '--frame', files.frame, '--pool', files.pool, '--commitment', files.commitment]);
    cli.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`spotcheck verify failed: ${r.stdout}${r.stderr}`);
  }

  // The page: from the click on 开始验证 to the verdict (reading the files, worker start, every
  // check), each run in a fresh page.
  const browser = await launch();
  const page = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const p = await browser.newPage();
      await p.goto(pathToFileURL(PAGE).href + HELPERS);
      await p.waitForFunction(() => document.body.dataset.state === 'ready');
      // The page warms its worker up while a person would be choosing files; wait for that.
      await p.waitForFunction(() => document.body.dataset.warm === 'done', null, { timeout: 60_000 });
      const r = await verifyInPage(p, files);
      if (r.state !== 'verified') throw new Error(`page did not verify: ${r.verdict}`);
      page.push(r.ms);
      if (process.env.BENCH_VERBOSE) console.log('page run', r.ms, JSON.stringify(r.timings));
      await p.close();
    }
  } finally {
    await browser.close();
  }
  const c = median(cli);
  const b = median(page);
  const ratio = b / c;
  console.log(`frame ${SIZE} entries, pool 300, ${RUNS} runs each, median; ${cpus().length} cores (${cpus()[0]?.model ?? '?'})`);
  console.log(`spotcheck verify (release): ${c.toFixed(0)} ms   [${cli.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`browser page (Chromium):    ${b.toFixed(0)} ms   [${page.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`ratio page / CLI: ${ratio.toFixed(2)} (budget < 3)`);
  if (ratio >= 3) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
