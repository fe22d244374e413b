// Hashing helper worker: hashes frame leaves, or the roots of chunks of the frame's Merkle tree,
// for the verification worker (core/frame.js frameInParallel), over a MessagePort the page connects.
import { chunkRoots, fieldLeafHashes, treeRoots } from '../core/frame.js';
import { loadWasmSha256 } from '../core/hash.js';

function serve(port) {
  port.onmessage = (e) => {
    const { id, kind, buf, offsets, hashes, count, chunk } = e.data;
    try {
      let roots;
      if (kind === 'tree') roots = treeRoots(hashes, count, chunk);
      else if (kind === 'leaves') {
        const { bytes, idStart, idLen, sStart, sLen } = e.data;
        roots = fieldLeafHashes(bytes, idStart, idLen, sStart, sLen, count);
      } else roots = chunkRoots(buf, offsets, count, chunk);
      port.postMessage({ id, roots }, [roots.buffer]);
    } catch (err) {
      port.postMessage({ id, error: String(err?.stack ?? err) });
    }
  };
}

self.onmessage = async (e) => {
  if (e.data.type !== 'port') return;
  await loadWasmSha256();
  // Warm up the hashing code before real work arrives (enough calls for the optimising compiler).
  const n = 16384;
  const buf = new Uint8Array(n * 20).map((_, i) => i & 0xff);
  const offsets = Int32Array.from({ length: n + 1 }, (_, i) => i * 20);
  const at = Int32Array.from({ length: n }, (_, i) => i * 20);
  const len = new Int32Array(n).fill(10);
  for (let r = 0; r < 3; r++) {
    chunkRoots(buf, offsets, n, 1024);
    treeRoots(fieldLeafHashes(buf, at, len, at.map((x) => x + 10), len, n), n, 1024);
  }
  serve(e.data.port);
};
