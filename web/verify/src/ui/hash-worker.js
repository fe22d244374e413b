// Hashing helper worker: hashes frame leaves, or the roots of chunks of the frame's Merkle tree,
// for the verification worker (core/frame.js frameFromFile and frameInParallel), over a MessagePort
// the page connects.
import { FrameHelper, chunkRoots, fieldLeafHashes, treeRoots } from '../core/frame.js';
import { loadWasmSha256 } from '../core/hash.js';

const frameHelper = new FrameHelper();

function serve(port) {
  port.onmessage = (e) => {
    const { id, kind, buf, offsets, hashes, count, chunk } = e.data;
    try {
      let roots;
      if (kind === 'file') {
        // Two replies: the field slices at once, the leaf hashes when hashed.
        let fields;
        try {
          fields = frameHelper.read(e.data);
        } catch (err) {
          port.postMessage({ id: e.data.leavesId, error: String(err?.stack ?? err) });
          throw err;
        }
        port.postMessage({ id, ...fields },
          [fields.idStart.buffer, fields.idLen.buffer, fields.sStart.buffer, fields.sLen.buffer, fields.line.buffer]);
        const r = frameHelper.leaves();
        port.postMessage({ id: e.data.leavesId, roots: r.hashes, count: r.count }, [r.hashes.buffer]);
        return;
      }
      if (kind === 'ordered-tree') roots = frameHelper.orderedTree(e.data);
      else if (kind === 'tree') roots = treeRoots(hashes, count, chunk);
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
  // The pipeline's side (frame.js frameFromFile): reading a file, its leaves, an ordered tree.
  const lines = ['target_id,stratum'];
  for (let i = 0; i < n; i++) lines.push(`W${((i * 7919) % n).toString(36)},S${i % 4}`);
  const file = new TextEncoder().encode(lines.join('\n'));
  const order = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n); // a permutation (n is 2^14)
  for (let r = 0; r < 2; r++) {
    frameHelper.read({ bytes: file });
    frameHelper.leaves();
    frameHelper.orderedTree({ order, count: n, chunk: 1024 });
  }
  serve(e.data.port);
};
