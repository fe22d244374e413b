// Runs a verification in a Web Worker (the page stays responsive and shows progress); falls back
// to the page's own thread where a worker cannot start (e.g. a locked-down browser).
// The worker is started, and warmed up (warmup.js), when the page loads.
/* global __WORKER_SOURCE__, __HASH_WORKER_SOURCE__ */
import { verifyFiles } from '../core/verify.js';

const urls = new Map();
let idle = null; // a started worker waiting for work

/** ?worker=0 runs everything on the page's thread (the fallback path; used by the tests). */
const workersOff = () => typeof location !== 'undefined' && new URLSearchParams(location.search).get('worker') === '0';

function startWorker(source) {
  if (typeof Worker === 'undefined' || typeof source !== 'string' || workersOff()) return null;
  try {
    if (!urls.has(source)) urls.set(source, URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    return new Worker(urls.get(source));
  } catch {
    return null;
  }
}

const workerSource = () => (typeof __WORKER_SOURCE__ === 'undefined' ? null : __WORKER_SOURCE__);
const hashWorkerSource = () => (typeof __HASH_WORKER_SOURCE__ === 'undefined' ? null : __HASH_WORKER_SOURCE__);

/** How many hashing helpers to start besides the verification worker (1 to 3; ?helpers=N overrides). */
export function helperCount() {
  const forced = typeof location !== 'undefined' ? new URLSearchParams(location.search).get('helpers') : null;
  if (forced !== null && /^[0-8]$/.test(forced)) return Number(forced);
  const cores = (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2;
  return Math.max(1, Math.min(3, cores - 1));
}

/**
 * Starts the verification worker and its hashing helpers now and warms them up, so the first
 * verification runs at full speed (the user is still choosing files meanwhile).
 */
export function prestartWorker(onWarm = () => {}) {
  idle = startWorker(workerSource());
  if (!idle) return;
  const ports = [];
  for (let i = 0; i < helperCount(); i++) {
    const helper = startWorker(hashWorkerSource());
    if (!helper) break;
    const channel = new MessageChannel();
    helper.postMessage({ type: 'port', port: channel.port2 }, [channel.port2]);
    ports.push(channel.port1);
  }
  if (ports.length) idle.postMessage({ type: 'helpers', ports }, ports);
  idle.onmessage = (e) => e.data.type === 'warm-done' && onWarm(e.data.error);
  idle.postMessage({ type: 'warm' });
}

async function inPage(input, onProgress) {
  await new Promise((resolve) => setTimeout(resolve, 0));
  const frame = input.frame instanceof Blob ? await input.frame.arrayBuffer() : input.frame;
  const { transcriptText, commitmentText } = input;
  const report = await verifyFiles({ transcriptText, commitmentText, frameBytes: new Uint8Array(frame),
    poolBytes: new Uint8Array(input.poolBuffer) }, onProgress);
  return { ...report, mode: 'page' };
}

/** The frame file last handed to the waiting worker by startFrameFile, and its token. */
let early = null;
let earlyTokens = 0;

/**
 * Hands a chosen frame file (a Blob) to the waiting worker at once, so that it and its hashing
 * helper start reading it while the page reads the smaller files; runVerification given the same
 * Blob then tells the worker it has it already. Does nothing when no worker is waiting.
 */
export function startFrameFile(blob) {
  if (!idle || !(blob instanceof Blob)) return;
  early = { token: ++earlyTokens, blob };
  idle.postMessage({ type: 'frame', token: early.token, frameBlob: blob });
}

/**
 * Verifies { transcriptText, commitmentText, frame (an ArrayBuffer, or a Blob: a chosen file,
 * read by the workers), poolBuffer }; onProgress(p) as work proceeds. Resolves to the report of
 * core/verify.js.
 */
export function runVerification(input, onProgress, { allowWorker = true } = {}) {
  const handed = early !== null && early.blob === input.frame ? early.token : null;
  early = null;
  const worker = allowWorker ? (idle ?? startWorker(workerSource())) : null;
  idle = null;
  if (!worker) return inPage(input, onProgress);
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'progress') onProgress(m);
      else if (m.type === 'done') {
        idle = worker; // keep it (warm) for the next verification
        resolve({ ...m.report, mode: 'worker' });
      } else if (m.type === 'error') {
        worker.terminate();
        reject(new Error(m.message));
      }
    };
    worker.onerror = (e) => {
      worker.terminate();
      e.preventDefault();
      // The worker could not run: do the work here instead.
      inPage(input, onProgress).then(resolve, reject);
    };
    const { frame, ...rest } = input;
    // A worker that was not handed the file (a new one) reads the Blob.
    const given = frame instanceof Blob ? { frameBlob: frame, frameToken: handed } : { frameBuffer: frame };
    worker.postMessage({ type: 'verify', ...rest, ...given });
  });
}
