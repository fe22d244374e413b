// Hashing helper worker: computes chunk roots of frame leaves for the verification worker
// (core/frame.js hashInParallel), over a MessagePort the page connects.
import { chunkRoots } from '../core/frame.js';
import { loadWasmSha256 } from '../core/hash.js';

function serve(port) {
  port.onmessage = (e) => {
    const { id, buf, offsets, count, chunk } = e.data;
    try {
      const roots = chunkRoots(buf, offsets, count, chunk);
      port.postMessage({ id, roots }, [roots.buffer]);
    } catch (err) {
      port.postMessage({ id, error: String(err?.stack ?? err) });
    }
  };
}

self.onmessage = async (e) => {
  if (e.data.type !== 'port') return;
  await loadWasmSha256();
  // Warm up the hashing code before real work arrives.
  const n = 8192;
  const buf = new Uint8Array(n * 20).map((_, i) => i & 0xff);
  const offsets = Int32Array.from({ length: n + 1 }, (_, i) => i * 20);
  chunkRoots(buf, offsets, n, 1024);
  serve(e.data.port);
};
