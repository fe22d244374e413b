// Hashing helper worker: hashes frame leaves, or the roots of chunks of the frame's Merkle tree,
// for the verification worker (core/frame.js frameInParallel), over a MessagePort the page connects.
import { chunkRoots, treeRoots } from '../core/frame.js';
import { loadWasmSha256 } from '../core/hash.js';

function serve(port) {
  port.onmessage = (e) => {
    const { id, kind, buf, offsets, hashes, count, chunk } = e.data;
    try {
      const roots = kind === 'tree' ? treeRoots(hashes, count, chunk) : chunkRoots(buf, offsets, count, chunk);
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
  treeRoots(chunkRoots(buf, offsets, n, 1), n, 1024);
  serve(e.data.port);
};
