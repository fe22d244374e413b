// Web Worker: runs verifications off the page's thread and reports progress. Hashing helpers
// (hash-worker.js) connected by the page share the frame's hashing.
import { verifyFiles } from '../core/verify.js';
import { warmUp } from './warmup.js';
import { loadWasmSha256 } from '../core/hash.js';

let helpers = [];

/** A helper behind a MessagePort: hash(job) → Promise of chunk roots. */
function helperOn(port) {
  const pending = new Map();
  let next = 0;
  port.onmessage = (e) => {
    const { id, roots, error } = e.data;
    const p = pending.get(id);
    pending.delete(id);
    if (error) p.reject(new Error(error));
    else p.resolve(new Uint8Array(roots));
  };
  return {
    hash(job) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        port.postMessage({ id, ...job }, [job.buf.buffer, job.offsets.buffer]);
      });
    },
  };
}

self.onmessage = async (event) => {
  const m = event.data;
  if (m.type === 'helpers') {
    helpers = m.ports.map(helperOn);
    return;
  }
  if (m.type === 'warm') {
    try {
      await loadWasmSha256();
      await warmUp();
      self.postMessage({ type: 'warm-done' });
    } catch (e) {
      self.postMessage({ type: 'warm-done', error: String(e?.stack ?? e) });
    }
    return;
  }
  const { transcriptText, commitmentText, frameBuffer, poolBuffer } = m;
  try {
    const report = await verifyFiles({
      transcriptText,
      commitmentText,
      frameBytes: new Uint8Array(frameBuffer),
      poolBytes: new Uint8Array(poolBuffer),
    }, (p) => self.postMessage({ type: 'progress', ...p }), { helpers });
    self.postMessage({ type: 'done', report });
  } catch (e) {
    self.postMessage({ type: 'error', message: String(e?.stack ?? e) });
  }
};
