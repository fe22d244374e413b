// Hashing helper worker: hashes frame leaves, or the roots of chunks of the frame's Merkle tree,
// for the verification worker (core/frame.js frameFromFile and frameInParallel), over a MessagePort
// the page connects.
import { FrameHelper, chunkRoots, fieldLeafHashes, helperTree, macrotask, treeRoots } from '../core/frame.js';
import { loadWasmSha256 } from '../core/hash.js';

// The files being read, by the id of their 'file' message (core/frame.js FrameHelper: one file
// each), so that two verifications (a warm-up and the user's) never share one. The oldest is
// dropped beyond a few: a verification that stopped early never asks for its tree.
const frames = new Map();
const KEEP_FRAMES = 3;

function frameFor(id) {
  const h = frames.get(id);
  if (!h) throw new Error(`ordered-tree: no file ${id}`);
  frames.delete(id);
  return h;
}

/**
 * Reads a chosen file as it arrives (the browser hands it over in parts over several
 * milliseconds), scanning each part's complete lines meanwhile: FrameHelper.read's result.
 */
async function readStreaming(helper, blob) {
  const bytes = new Uint8Array(blob.size);
  helper.start(bytes);
  const reader = blob.stream().getReader();
  let avail = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length > bytes.length - avail) throw new Error(`${blob.name ?? 'the file'} grew while it was read`);
      bytes.set(value, avail);
      avail += value.length;
      helper.feed(avail, value);
    }
  } catch (err) {
    reader.cancel().catch(() => {});
    throw err;
  }
  if (avail !== bytes.length) throw new Error(`${blob.name ?? 'the file'} shrank while it was read`);
  return helper.finishRead();
}

async function readFile(port, m) {
  const { id } = m;
  let fields;
  const helper = new FrameHelper();
  try {
    fields = m.blob ? await readStreaming(helper, m.blob) : helper.read({ bytes: m.bytes });
  } catch (err) {
    port.postMessage({ id, error: String(err?.stack ?? err) });
    return;
  }
  frames.set(id, helper);
  for (const [old, h] of frames) {
    if (frames.size <= KEEP_FRAMES) break;
    h.drop();
    frames.delete(old);
  }
  port.postMessage({ id, ...fields },
    [fields.idStart.buffer, fields.idLen.buffer, fields.sStart.buffer, fields.sLen.buffer, fields.line.buffer]);
  // The leaves in file order, a block at a time, until the canonical order arrives (orderedTree
  // runs between two blocks and stops them) or all are hashed.
  try {
    while (helper.leafStep()) await macrotask();
  } catch {
    // Reported to the verification thread by orderedTree, which hashes what is missing itself.
  }
}

/** The lowest chunk the verification thread has claimed, by tree (see core/frame.js helperTree). */
const claims = new Map();

/** The tree of a file whose canonical order came (core/frame.js helperTree), its messages sent as they come. */
async function orderedTree(port, m) {
  const { id } = m;
  const post = (msg, transfer = []) => port.postMessage({ id, ...msg }, transfer);
  claims.set(id, Infinity);
  try {
    await helperTree(frameFor(m.file), m, { post, tick: macrotask, claimedFrom: () => claims.get(id) });
  } catch (err) {
    post({ error: String(err?.stack ?? err) });
  } finally {
    claims.delete(id);
  }
}

function serve(port) {
  port.onmessage = (e) => {
    const { id, kind, buf, offsets, hashes, count, chunk } = e.data;
    if (kind === 'file') {
      readFile(port, e.data);
      return;
    }
    if (kind === 'ordered-tree') {
      orderedTree(port, e.data);
      return;
    }
    if (kind === 'claim') {
      const { tree, chunk: k } = e.data;
      if (claims.has(tree)) claims.set(tree, Math.min(claims.get(tree), k)); // else the tree is done
      return;
    }
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
  // The pipeline's side (frame.js frameFromFile): reading a file, its leaves, an ordered tree.
  const lines = ['target_id,stratum'];
  for (let i = 0; i < n; i++) lines.push(`W${((i * 7919) % n).toString(36)},S${i % 4}`);
  const file = new TextEncoder().encode(lines.join('\n'));
  const order = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n); // a permutation (n is 2^14)
  for (let r = 0; r < 2; r++) {
    // The order arrives after a third of the leaves, then after all (both ways of tail and head).
    for (const stop of [n / 3, n]) {
      const frameHelper = new FrameHelper();
      frameHelper.read({ bytes: file });
      while (frameHelper.done < stop && frameHelper.leafStep());
      frameHelper.tail({ order, split: n >> 1 });
      for (let k = 0; k < n / 1024; k++) frameHelper.chunkRoot({ order, chunk: 1024, k });
    }
  }
  serve(e.data.port);
};
