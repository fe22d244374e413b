// Chromium trace of one verification (all threads: page, verification worker, helpers), after the
// page's warm-up and a pause (--settle MS, default 500). Prints the optimising compilers' work
// done after the click (V8 TurboFan and Maglev jobs, which run on the same two cores as the
// verification; a warm page should need few), garbage collection and the CPU each thread used
// until the verdict; the trace file opens in Chromium's performance panel or https://ui.perfetto.dev.
// Usage: node bench/trace.mjs DIR [--page built.html] [--query '?…'] [--settle MS] [--out trace.json]
// DIR holds transcript.json, frame.csv, pool.csv, commitment.json.
import { writeFileSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { drawFiles, launch, option, readyToVerify, verifyInPage } from '../e2e/browser.mjs';

const PAGE = option('page', null) ?? fileURLToPath(new URL('../dist/verify.html', import.meta.url));
const dir = process.argv[2];
const files = drawFiles(dir);
const browser = await launch();
try {
  const p = await browser.newPage();
  await p.goto(pathToFileURL(PAGE).href + option('query', ''));
  await readyToVerify(p);
  await new Promise((r) => setTimeout(r, Number(option('settle', 500))));
  await browser.startTracing(p, { categories: ['toplevel', 'devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-v8.gc', 'blink.user_timing', 'disabled-by-default-devtools.timeline', 'v8.compile', 'disabled-by-default-v8.compile', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'disabled-by-default-v8.turbofan', ...(process.env.PROFILE ? ['disabled-by-default-v8.cpu_profiler'] : [])] });
  const r = await verifyInPage(p, files);
  const buf = await browser.stopTracing();
  console.log(r.state, r.ms, 'ms', JSON.stringify(r.timings));
  const out = option('out', 'verify-trace.json');
  writeFileSync(out, buf);
  const ev = JSON.parse(buf.toString()).traceEvents;
  const click = Math.min(...ev.filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'click').map((e) => e.ts));
  const after = ev.filter((e) => e.ph === 'X' && e.ts >= click);
  const ms = (name) => (after.filter((e) => e.name === name).reduce((a, e) => a + (e.dur ?? 0), 0) / 1000).toFixed(0);
  const compiled = after.filter((e) => e.name === 'V8.TurboshaftOptimize' && e.args?.stats)
    .map((e) => JSON.parse(e.args.stats).function_name);
  console.log(`after the click: TurboFan ${ms('V8.TurbofanTask')} ms (${compiled.join(', ') || 'nothing'}), `
    + `Maglev ${ms('V8.MaglevTask')} ms, GC ${ms('MajorGC')} ms major + ${ms('MinorGC')} ms minor; trace in ${out}`);
  // CPU time of each thread from the click to the verdict (its outermost tasks' thread time): on
  // a two-core machine everything the browser does meanwhile (painting, reading files, compiling,
  // collecting garbage) is taken from the verification's workers.
  const name = new Map(ev.filter((e) => e.ph === 'M' && /^(thread|process)_name$/.test(e.name))
    .map((e) => [e.name === 'thread_name' ? `${e.pid}:${e.tid}` : String(e.pid), e.args.name]));
  const end = click + r.ms * 1000;
  const cpu = new Map();
  const until = new Map();
  for (const e of after.sort((x, y) => x.ts - y.ts || y.dur - x.dur)) {
    const k = `${e.pid}:${e.tid}`;
    if (e.ts >= end || e.ts < (until.get(k) ?? 0)) continue; // past the verdict, or inside a task counted
    until.set(k, e.ts + (e.dur ?? 0));
    const part = (Math.min(end, e.ts + e.dur) - e.ts) / Math.max(1, e.dur);
    const t = `${name.get(String(e.pid)) ?? e.pid} / ${name.get(k) ?? e.tid}`;
    cpu.set(t, (cpu.get(t) ?? 0) + (e.tdur ?? e.dur ?? 0) * part);
  }
  const rows = [...cpu].filter(([, v]) => v >= 1000).sort((x, y) => y[1] - x[1]);
  console.log(`CPU from the click to the verdict (${r.ms} ms), by thread:`);
  for (const [t, v] of rows) console.log(`${(v / 1000).toFixed(1).padStart(8)} ms  ${t}`);
  console.log(`${(rows.reduce((a, [, v]) => a + v, 0) / 1000).toFixed(1).padStart(8)} ms  in all`);
} finally {
  await browser.close();
}
