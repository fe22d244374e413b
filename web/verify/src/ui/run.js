// Runs a verification in a Web Worker (the page stays responsive and shows progress); falls back
// to the page's own thread where a worker cannot start (e.g. a locked-down browser).
// The worker is started, and warmed up (warmup.js), when the page loads.
/* global __WORKER_SOURCE__ */
import { verifyFiles } from '../core/verify.js';

let workerUrl = null;
let idle = null; // a started worker waiting for work

function startWorker() {
  if (typeof Worker === 'undefined' || typeof __WORKER_SOURCE__ === 'undefined') return null;
  try {
    workerUrl ??= URL.createObjectURL(new Blob([__WORKER_SOURCE__], { type: 'text/javascript' }));
    return new Worker(workerUrl);
  } catch {
    return null;
  }
}

/** Starts a worker now and warms it up, so the first verification runs at full speed. */
export function prestartWorker(onWarm = () => {}) {
  idle = startWorker();
  if (!idle) return;
  idle.onmessage = (e) => e.data.type === 'warm-done' && onWarm(e.data.error);
  idle.postMessage({ type: 'warm' });
}

function inPage(input, onProgress) {
  return new Promise((resolve) => setTimeout(resolve, 0)).then(() => ({
    ...verifyFiles({ ...input, frameBytes: new Uint8Array(input.frameBuffer), poolBytes: new Uint8Array(input.poolBuffer) },
      onProgress),
    mode: 'page',
  }));
}

/** Verifies; onProgress(p) as work proceeds. Resolves to the report of core/verify.js. */
export function runVerification(input, onProgress, { allowWorker = true } = {}) {
  const worker = allowWorker ? (idle ?? startWorker()) : null;
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
    worker.postMessage({ type: 'verify', ...input });
  });
}
