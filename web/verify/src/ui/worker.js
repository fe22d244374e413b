// Web Worker: runs verifications off the page's thread and reports progress. Hashing helpers
// (hash-worker.js) connected by the page share the frame's hashing.
import { verifyFiles } from '../core/verify.js';
import { warmUp } from './warmup.js';
import { loadWasmSha256, shortHashBackend } from '../core/hash.js';
import { parseFrameCsv } from '../core/frame.js';

let helpers = [];

/** A helper behind a MessagePort: hash(job), leaves(job) and tree(job) → Promises of hashes. */
function helperOn(port) {
  const pending = new Map();
  let next = 0;
  port.onmessage = (e) => {
    const { id, roots, error } = e.data;
    const p = pending.get(id);
    pending.delete(id);
    if (error) p.reject(new Error(error));
    else if (e.data.count !== undefined) p.resolve({ roots: new Uint8Array(roots), count: e.data.count });
    else p.resolve(roots instanceof Uint8Array ? roots : new Uint8Array(roots));
  };
  const send = (msg, transfer) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    port.postMessage({ id, ...msg }, transfer);
  });
  return {
    /** Leaf messages → chunk roots (core/frame.js chunkRoots). */
    hash: (job) => send(job, [job.buf.buffer, job.offsets.buffer]),
    /** Field slices of part of the file → leaf hashes (core/frame.js fieldLeafHashes). */
    leaves: (job) => send({ kind: 'leaves', ...job },
      [job.bytes.buffer, job.idStart.buffer, job.idLen.buffer, job.sStart.buffer, job.sLen.buffer]),
    /** Leaf hashes → chunk roots (core/frame.js treeRoots). */
    tree: (job) => send({ kind: 'tree', ...job }, [job.hashes.buffer]),
    /** A frame file → its leaf hashes in file order, kept by the helper (core/frame.js FrameHelper). */
    file: (job) => send({ kind: 'file', ...job }, [job.bytes.buffer])
      .then((m) => ({ hashes: m.roots, count: m.count })),
    /** The canonical order of the first part of that frame's tree → its chunk roots. */
    orderedTree: (job) => send({ kind: 'ordered-tree', ...job }, [job.order.buffer]),
  };
}

/** Runs the parallel frame hashing once on a small synthetic frame, so that it is compiled too. */
async function warmParallel(n = 16384) {
  const lines = ['target_id,stratum'];
  for (let i = 0; i < n; i++) lines.push(`W${((i * 7919) % n).toString(36)},S${i % 4}`);
  await parseFrameCsv(new TextEncoder().encode(lines.join('\n')), () => {}, helpers);
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
      if (helpers.length) await warmParallel();
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
    // Which SHA-256 hashed the frame's tree here (for tests and the benchmark; not shown).
    self.postMessage({ type: 'done', report: { ...report, sha256: shortHashBackend() } });
  } catch (e) {
    self.postMessage({ type: 'error', message: String(e?.stack ?? e) });
  }
};
