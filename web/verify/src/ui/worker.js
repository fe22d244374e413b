// Web Worker: runs verifications off the page's thread and reports progress. Hashing helpers
// (hash-worker.js) connected by the page share the frame's hashing.
import { verifyFiles } from '../core/verify.js';
import { TreeFeed, startFrameBlob, startedBytes } from '../core/frame.js';
import { warmUp, warmUpInputs } from './warmup.js';
import { loadWasmSha256, shortHashBackend } from '../core/hash.js';

let helpers = [];

/** A helper behind a MessagePort: hash(job), leaves(job) and tree(job) → Promises of hashes. */
function helperOn(port) {
  const pending = new Map();
  const streams = new Map(); // replies in several messages, by id
  let next = 0;
  port.onmessage = (e) => {
    const { id, error } = e.data;
    const stream = streams.get(id);
    if (stream) {
      stream(e.data);
      return;
    }
    const p = pending.get(id);
    pending.delete(id);
    if (error) p.reject(new Error(error));
    else p.resolve(e.data);
  };
  const expect = () => {
    const id = next++;
    return { id, reply: new Promise((resolve, reject) => pending.set(id, { resolve, reject })) };
  };
  const roots = (m) => (m.roots instanceof Uint8Array ? m.roots : new Uint8Array(m.roots));
  const send = (msg, transfer) => {
    const { id, reply } = expect();
    port.postMessage({ id, ...msg }, transfer);
    return reply.then(roots);
  };
  return {
    /** Leaf messages → chunk roots (core/frame.js chunkRoots). */
    hash: (job) => send(job, [job.buf.buffer, job.offsets.buffer]),
    /** Field slices of part of the file → leaf hashes (core/frame.js fieldLeafHashes). */
    leaves: (job) => send({ kind: 'leaves', ...job },
      [job.bytes.buffer, job.idStart.buffer, job.idLen.buffer, job.sStart.buffer, job.sLen.buffer]),
    /** Leaf hashes → chunk roots (core/frame.js treeRoots). */
    tree: (job) => send({ kind: 'tree', ...job }, [job.hashes.buffer]),
    /**
     * A frame file ({ bytes } or { blob }) → { file: its id, fields: Promise of its field slices };
     * the helper then hashes its leaves in file order until orderedTree (core/frame.js FrameHelper).
     */
    file: (job) => {
      const fields = expect();
      // The bytes are handed over (transferred); a Blob is only a handle: the helper reads it.
      port.postMessage({ id: fields.id, kind: 'file', ...job }, job.bytes ? [job.bytes.buffer] : []);
      return { file: fields.id, fields: fields.reply.then(({ id, kind, ...f }) => f) };
    },
    /**
     * { file, order (all entries), split, chunk } → the helper's side of the tree as a TreeFeed
     * (core/frame.js helperTree): its tail, the chunks it has started, their roots, and claims.
     */
    orderedTree: (job) => {
      const id = next++;
      const feed = new TreeFeed((k) => port.postMessage({ kind: 'claim', tree: id, chunk: k }));
      streams.set(id, (m) => {
        feed.deliver(m);
        if (m.error || m.end !== undefined) streams.delete(id);
      });
      port.postMessage({ id, kind: 'ordered-tree', ...job }, [job.order.buffer]);
      return feed;
    },
  };
}

/** The bytes of a chosen file; a file that can no longer be read (moved, changed) is named. */
async function readBlob(blob) {
  try {
    return await blob.arrayBuffer();
  } catch (e) {
    throw new Error(`无法读取检查对象名录文件 ${blob.name ?? ''}: ${e?.message ?? e}`);
  }
}

/** The frame file handed over before the verification (run.js startFrameFile): its reading, started. */
let early = null;

function startReading(blob) {
  const bytes = readBlob(blob);
  bytes.catch(() => {}); // awaited by the verification
  return { started: startFrameBlob(blob, helpers), bytes };
}

/**
 * Posts progress to the page: a new check or phase at once, fractions at most every 20 ms (the
 * page draws at most every 40 ms; a message per Merkle chunk cost this thread 3–4 ms).
 */
function progressPoster() {
  let last = { check: null, phase: null, at: -Infinity };
  return (p) => {
    const now = performance.now();
    if (p.check === last.check && p.phase === last.phase && p.fraction !== 1 && now - last.at < 20) return;
    last = { check: p.check, phase: p.phase, at: now };
    self.postMessage({ type: 'progress', ...p });
  };
}

/**
 * Verifies with the frame file being read (startReading), or given as frameBuffer when reading
 * is null; the warm-up goes through here too.
 */
async function verifyChosen({ transcriptText, commitmentText, frameBuffer, poolBytes }, reading, onProgress = () => {}) {
  const frameBytes = new Uint8Array(reading ? await reading.bytes : frameBuffer);
  return verifyFiles({ transcriptText, commitmentText, frameBytes, poolBytes }, onProgress,
    { helpers, frameStarted: startedBytes(reading?.started ?? null, frameBytes) });
}

self.onmessage = async (event) => {
  const m = event.data;
  if (m.type === 'frame') {
    early = { token: m.token, ...startReading(m.frameBlob) };
    return;
  }
  if (m.type === 'helpers') {
    helpers = m.ports.map(helperOn);
    return;
  }
  if (m.type === 'warm') {
    try {
      await loadWasmSha256();
      const small = warmUpInputs(30000);
      const large = helpers.length ? warmUpInputs(40000) : null;
      await warmUp(small);
      // The pipeline with the helpers (frame.js frameFromFile, verify.js whileHashing), the frame
      // given as a Blob: the path a chosen file takes (the helper reads it as a stream), not the
      // path of bytes in memory. Five times: after three, traces still showed the frame's hot
      // functions compiled again during one verification in eight.
      if (large) {
        const blob = new Blob([large.frameBytes]);
        for (let r = 0; r < 5; r++) await warmUp(large, helpers, (inputs) => verifyChosen(inputs, startReading(blob)));
      }
      self.postMessage({ type: 'warm-done' });
    } catch (e) {
      self.postMessage({ type: 'warm-done', error: String(e?.stack ?? e) });
    }
    return;
  }
  const { transcriptText, commitmentText, frameBlob, frameToken, frameBuffer, poolBuffer } = m;
  const handed = frameToken !== null && frameToken !== undefined && early?.token === frameToken ? early : null;
  early = null;
  try {
    // A chosen file comes as a Blob: the helper starts reading it at once, as this thread does
    // (or did, when it was handed over first).
    const reading = handed ?? (frameBlob ? startReading(frameBlob) : null);
    const report = await verifyChosen({ transcriptText, commitmentText, frameBuffer, poolBytes: new Uint8Array(poolBuffer) },
      reading, progressPoster());
    // Which SHA-256 hashed the frame's tree here, and whether the frame file was handed over at
    // the click (for tests and the benchmark; not shown).
    self.postMessage({ type: 'done', report: { ...report, sha256: shortHashBackend(), frameHanded: handed !== null } });
  } catch (e) {
    self.postMessage({ type: 'error', message: String(e?.stack ?? e) });
  }
};
