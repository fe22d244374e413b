// Frames (draw spec §4): entries, canonical order, leaf encoding, Merkle root.
//
// A frame of 100,000 entries is read straight from the file's bytes: the leaf bytes are the
// UTF-8 of the fields, so ids are validated, sorted (§2 byte order) and hashed as byte slices,
// and only the few ids a draw selects become JavaScript strings.
import { H, ShortHasher } from './hash.js';
import { utf8 } from './bytes.js';
import { merkleRootPacked } from './merkle.js';
import { idProblem, trimWhiteSpace } from './text-rules.js';
import { readCsv, decodeUtf8 } from './csv.js';
import { sortIdSlices } from './byte-sort.js';

export class InputError extends Error {
  /** kind: 'frame' | 'pool' (the vector want_err codes); line: the file line, when known. */
  constructor(kind, message, line) {
    super(line ? `第 ${line} 行：${message}` : message);
    this.name = 'InputError';
    this.kind = kind;
    this.line = line;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes u32be(len) ‖ utf8(s) into buf at off; returns the new offset. */
export function writeLp(buf, off, s) {
  let written = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      written = encoder.encodeInto(s, buf.subarray(off + 4)).written;
      break;
    }
    buf[off + 4 + i] = c;
  }
  buf[off] = written >>> 24;
  buf[off + 1] = (written >>> 16) & 0xff;
  buf[off + 2] = (written >>> 8) & 0xff;
  buf[off + 3] = written & 0xff;
  return off + 4 + written;
}

/** Byte slices of the fields of n entries: ids and strata as (start, length) into `bytes`. */
class Fields {
  constructor(bytes, capacity) {
    this.bytes = bytes;
    this.n = 0;
    this.idStart = new Int32Array(capacity);
    this.idLen = new Int32Array(capacity);
    this.sStart = new Int32Array(capacity);
    this.sLen = new Int32Array(capacity);
    this.line = new Int32Array(capacity);
    /** 0 when scanUnquoted saw only ASCII identifier characters in the data lines. */
    this.special = 1;
  }

  push(idStart, idLen, sStart, sLen, line) {
    if (this.n === this.idStart.length) {
      for (const k of ['idStart', 'idLen', 'sStart', 'sLen', 'line']) {
        const bigger = new Int32Array(this[k].length * 2 + 16);
        bigger.set(this[k]);
        this[k] = bigger;
      }
    }
    const i = this.n++;
    this.idStart[i] = idStart;
    this.idLen[i] = idLen;
    this.sStart[i] = sStart;
    this.sLen[i] = sLen;
    this.line[i] = line;
  }
}

/** Why the bytes are not a §4.1 identifier (null if they are one). ASCII is checked in place. */
function sliceProblem(bytes, start, len, max) {
  if (len === 0) return '不能为空';
  if (len > max) return `最多 ${max} 字节 UTF-8，实为 ${len}`;
  for (let i = start; i < start + len; i++) {
    const b = bytes[i];
    if (b >= 0x80) return idProblem(decoder.decode(bytes.subarray(start, start + len)), max);
    if (b <= 0x20 || b === 0x7f || b === 0x2c || b === 0x3b) {
      return idProblem(decoder.decode(bytes.subarray(start, start + len)), max);
    }
  }
  return null;
}

/**
 * The frame of the entries in `fields`. Returns { size, root, id(i), stratum(i), stratumOf
 * (canonical index → stratum number), stratumNames, indexOf(target), leaf(i) } — or a Promise of
 * it when `helpers` (hashing workers, see frameInParallel) are given.
 */
function frameFromFields(f, onProgress, helpers = null) {
  const { n } = f;
  if (helpers && helpers.length > 0 && n >= 4096) return frameInParallel(f, onProgress, helpers);
  const c = canonicalEntries(f, onProgress);
  if (n === 0) return makeFrame({ ...c, root: H(new Uint8Array(0)), leaves: new Uint8Array(0) });
  // Leaves hashed in file order straight from the file's bytes, then put in canonical order.
  const fileHashes = fieldLeafHashes(f.bytes, f.idStart, f.idLen, f.sStart, f.sLen, n,
    onProgress && ((x) => onProgress(0.2 + 0.3 * x)));
  const leaves = orderedLeaves(f, fileHashes, c.order, 0, n, n, false);
  const chunk = 2 ** Math.ceil(Math.log2(n));
  const root = treeRoots(leaves.slice(), n, chunk, onProgress && ((x) => onProgress(0.5 + 0.5 * x)));
  if (onProgress) onProgress(1);
  return makeFrame({ ...c, root, leaves });
}

/**
 * Leaf hashes H(0x00 ‖ lp(target_id) ‖ lp(stratum)) of `count` entries whose fields are the
 * slices bytes[idStart[i] … +idLen[i]) and bytes[sStart[i] … +sLen[i]), 32 bytes each: the
 * messages are composed in the hasher's buffer, never packed into one large array.
 */
export function fieldLeafHashes(bytes, idStart, idLen, sStart, sLen, count, onProgress = null) {
  const hashes = new Uint8Array(count * 32);
  const hasher = new ShortHasher();
  for (let from = 0; from < count; from += BLOCK) {
    leafBlock(hasher, bytes, idStart, idLen, sStart, sLen, from, Math.min(count, from + BLOCK), hashes);
    if (onProgress && (from & 0x3fff) === 0) onProgress(from / count);
  }
  return hashes;
}

// Entries per call of the per-entry loops below. Each loop is a small function called once per
// block: the browser's optimising compiler compiles it once for all calls, where a loop over the
// whole frame inside a larger function was compiled again ("on stack") for every frame.
const BLOCK = 4096;

function leafBlock(hasher, bytes, idStart, idLen, sStart, sLen, from, to, hashes) {
  for (let i = from; i < to; i++) leafInto(hasher, bytes, idStart[i], idLen[i], sStart[i], sLen[i], hashes, i * 32);
}

/** H(0x00 ‖ lp(bytes[is … is+il)) ‖ lp(bytes[ss … ss+sl))) into out[off … off+32). */
function leafInto(hasher, bytes, is, il, ss, sl, out, off) {
  const len = 9 + il + sl;
  if (len <= 119) {
    const hb = hasher.buf;
    hb[0] = 0;
    hb[1] = 0;
    hb[2] = 0;
    hb[3] = 0;
    hb[4] = il;
    for (let j = 0; j < il; j++) hb[5 + j] = bytes[is + j];
    const o = 5 + il;
    hb[o] = 0;
    hb[o + 1] = 0;
    hb[o + 2] = 0;
    hb[o + 3] = sl;
    for (let j = 0; j < sl; j++) hb[o + 4 + j] = bytes[ss + j];
    hasher.digestInto(len, out, off);
  } else {
    const m = new Uint8Array(len);
    writeLeaf(m, 0, bytes, is, il, bytes, ss, sl);
    out.set(H(m), off);
  }
}

/**
 * Leaf hashes of canonical positions [from, to) into out at (k − base) × 32: the hash of entry
 * order[k] is copied from `hashed` (file order, 8 words each; null: nothing copied) when that
 * entry is among the first `done` of the file, which were hashed there; otherwise, when
 * `compute`, it is hashed here from the entry's fields (f: file order).
 */
function orderedLeafBlock(hasher, f, hashed, out, out32, order, from, to, base, done, compute) {
  const { bytes, idStart, idLen, sStart, sLen } = f;
  for (let k = from; k < to; k++) {
    const i = order[k];
    const b = (k - base) * 8;
    if (i >= done) {
      if (compute) leafInto(hasher, bytes, idStart[i], idLen[i], sStart[i], sLen[i], out, b * 4);
    } else if (hashed !== null) {
      const a = i * 8;
      out32[b] = hashed[a];
      out32[b + 1] = hashed[a + 1];
      out32[b + 2] = hashed[a + 2];
      out32[b + 3] = hashed[a + 3];
      out32[b + 4] = hashed[a + 4];
      out32[b + 5] = hashed[a + 5];
      out32[b + 6] = hashed[a + 6];
      out32[b + 7] = hashed[a + 7];
    }
  }
}

/**
 * The leaf hashes of canonical positions [from, to) (order: canonical index → file index), packed
 * 32 bytes each into `out` (new if null): those of the first `done` file entries copied from
 * `hashed` (their hashes in file order; null: left as they are in out), the others hashed here
 * from the fields f when `compute`, else left as they are.
 */
function orderedLeaves(f, hashed, order, from, to, done, compute, out = new Uint8Array((to - from) * 32)) {
  const out32 = new Int32Array(out.buffer, out.byteOffset, out.length >> 2);
  const src = hashed === null ? null : new Int32Array(hashed.buffer, hashed.byteOffset, hashed.length >> 2);
  const hasher = compute ? new ShortHasher() : null;
  for (let k = from; k < to; k += BLOCK) {
    orderedLeafBlock(hasher, f, src, out, out32, order, k, Math.min(to, k + BLOCK), from, done, compute);
  }
  return out;
}

/**
 * Validates the entries (§4.1), interns the strata and sorts (canonical order, distinct ids).
 * Returns { n, bytes, order (canonical index → entry), idStart, idLen, stratumOf (canonical
 * index → stratum number), names, nameBytes }. Throws InputError naming the file line.
 */
function canonicalEntries(f, onProgress) {
  const { bytes, n } = f;
  // Validate; intern strata (few distinct values).
  const strata = new StrataTable(bytes);
  const stratumRaw = new Int32Array(n);
  const plain = f.special === 0;
  for (let from = 0; from < n; from += BLOCK) {
    const to = Math.min(n, from + BLOCK);
    // A stratum not seen yet stops the block (rare: a few dozen per frame); it is added here,
    // outside the loop the browser compiles, and the block goes on from that entry.
    for (let i = internBlock(f, plain, strata, stratumRaw, from, to); i < to; i = internBlock(f, plain, strata, stratumRaw, i, to)) {
      newStratum(f, strata, i);
    }
  }
  if (onProgress) onProgress(0.1);
  // Canonical order (§4.1), then distinct ids. The ids are valid by now: no byte 0x00.
  const order = sortIdSlices(bytes, f.idStart, f.idLen, n);
  const idStart = new Int32Array(n);
  const idLen = new Int32Array(n);
  const stratumOf = new Int32Array(n);
  for (let from = 0; from < n; from += BLOCK) {
    const k = gatherBlock(f, order, stratumRaw, idStart, idLen, stratumOf, from, Math.min(n, from + BLOCK));
    if (k >= 0) {
      const id = decoder.decode(bytes.subarray(idStart[k], idStart[k] + idLen[k]));
      throw new InputError('frame', `target_id ${JSON.stringify(id)} 重复（见《抽取规范》第 4.1 节）`, Math.max(f.line[order[k]], f.line[order[k - 1]]));
    }
  }
  if (onProgress) onProgress(0.2);
  const { names, nameStart, nameLen } = strata;
  const nameBytes = names.map((_, c) => bytes.slice(nameStart[c], nameStart[c] + nameLen[c]));
  return { n, bytes, order, idStart, idLen, stratumOf, names, nameBytes };
}

/**
 * The distinct strata seen so far, as slices of `bytes`, found by an open-addressing hash table
 * of their bytes (a frame has 100,000 entries and a few dozen strata: one probe, usually).
 */
class StrataTable {
  constructor(bytes) {
    this.bytes = bytes;
    this.names = [];
    this.nameStart = [];
    this.nameLen = [];
    /** Stratum number + 1 by slot; 0: empty. Kept under half full. */
    this.slots = new Int32Array(256);
  }

  /** Adds the stratum bytes[s … s + sl) (not yet in the table), hash h; returns its number. */
  add(s, sl, h) {
    const c = this.names.length;
    this.names.push(decoder.decode(this.bytes.subarray(s, s + sl)));
    this.nameStart.push(s);
    this.nameLen.push(sl);
    if (2 * (c + 1) > this.slots.length) {
      const old = this.slots;
      this.slots = new Int32Array(old.length * 2);
      for (let k = 0; k < c; k++) this.place(this.hashOf(k), k);
    }
    this.place(h, c);
    return c;
  }

  place(h, c) {
    const mask = this.slots.length - 1;
    let slot = slotOf(h, mask);
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = c + 1;
  }

  hashOf(c) {
    return sliceHash(this.bytes, this.nameStart[c], this.nameLen[c]);
  }
}

// 30 bits: always a small integer for the engine (compiled code that saw only small hashes was
// thrown away when a stratum's 32-bit hash did not fit).
function sliceHash(bytes, s, sl) {
  let h = sl;
  for (let k = s; k < s + sl; k++) h = (Math.imul(h, 31) + bytes[k]) & 0x3fffffff;
  return h;
}

const slotOf = (h, mask) => (h ^ (h >>> 13)) & mask;

/**
 * Entries [from, to): checks the ids (§4.1) and sets stratumRaw[i] to the interned stratum.
 * Returns `to`, or the first entry whose stratum is not in the table yet.
 */
function internBlock(f, plain, strata, stratumRaw, from, to) {
  const { bytes, idStart, idLen, sStart, sLen } = f;
  const { nameStart, nameLen } = strata;
  for (let i = from; i < to; i++) {
    const il = idLen[i];
    if (!(plain && il > 0 && il <= 128)) {
      const p = sliceProblem(bytes, idStart[i], il, 128);
      if (p) {
        const id = decoder.decode(bytes.subarray(idStart[i], idStart[i] + il));
        throw new InputError('frame', `target_id ${JSON.stringify(id)}: ${p}`, f.line[i]);
      }
    }
    const s = sStart[i];
    const sl = sLen[i];
    const h = sliceHash(bytes, s, sl);
    const slots = strata.slots;
    const mask = slots.length - 1;
    let slot = slotOf(h, mask);
    let found = -1;
    for (;;) {
      const c = slots[slot] - 1;
      if (c < 0) break;
      if (nameLen[c] === sl) {
        const ns = nameStart[c];
        let j = 0;
        while (j < sl && bytes[ns + j] === bytes[s + j]) j++;
        if (j === sl) {
          found = c;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (found < 0) return i;
    stratumRaw[i] = found;
  }
  return to;
}

/** Interns the stratum of entry i, first seen; throws InputError if it is not valid. */
function newStratum(f, strata, i) {
  const { bytes } = f;
  const s = f.sStart[i];
  const sl = f.sLen[i];
  const q = sliceProblem(bytes, s, sl, 128);
  if (q) throw new InputError('frame', `stratum ${JSON.stringify(decoder.decode(bytes.subarray(s, s + sl)))}: ${q}`, f.line[i]);
  strata.add(s, sl, sliceHash(bytes, s, sl));
}

/**
 * Canonical positions [from, to): the id slices and strata in sorted order. Returns the first
 * position whose id equals the one before it (a duplicate), or -1.
 */
function gatherBlock(f, order, stratumRaw, idStart, idLen, stratumOf, from, to) {
  const { bytes } = f;
  const fs = f.idStart;
  const fl = f.idLen;
  for (let k = from; k < to; k++) {
    const i = order[k];
    const s = fs[i];
    const l = fl[i];
    idStart[k] = s;
    idLen[k] = l;
    stratumOf[k] = stratumRaw[i];
    // Neighbours in sorted order share long prefixes: compare from the last byte.
    if (k > 0 && idLen[k - 1] === l) {
      const p = idStart[k - 1];
      let j = l - 1;
      while (j >= 0 && bytes[p + j] === bytes[s + j]) j--;
      if (j < 0) return k;
    }
  }
  return -1;
}

/**
 * The frame hashed with helper workers, in two overlapped rounds (a leaf's hash does not depend
 * on its position, so leaves need not wait for the sort):
 * 1. the helpers hash most leaves in file order while this thread validates and sorts, then
 *    hashes the remaining leaves itself;
 * 2. the leaf hashes are put in canonical order, and the Merkle tree is cut into power-of-two
 *    chunks whose roots the helpers (those that offer `tree`) and this thread compute; the frame
 *    root is the Merkle combination of the chunk roots.
 * helpers: [{ hash({ buf, offsets, count, chunk }) → Promise of chunk roots (see chunkRoots),
 *             leaves?({ bytes, idStart, idLen, sStart, sLen, count }) → Promise of leaf hashes
 *               (see fieldLeafHashes; used instead of hash when offered),
 *             tree?({ hashes, count, chunk }) → Promise of chunk roots (see treeRoots) }].
 */
async function frameInParallel(f, onProgress, helpers) {
  const { bytes, n } = f;
  const threads = helpers.length + 1;
  // Round 1 shares: validating and sorting costs this thread about 0.6 of hashing every leaf.
  const per = Math.min(Math.floor(n / helpers.length), Math.floor((n * 1.6) / threads));
  const jobs = [];
  for (let t = 0; t < helpers.length; t++) {
    const from = t * per;
    const to = Math.min(n, from + per);
    let job;
    if (typeof helpers[t].leaves === 'function') {
      // The entries' part of the file (lines are in order), and the field slices into it.
      const lo = Math.min(f.idStart[from], f.sStart[from]);
      const hi = Math.max(f.idStart[to - 1] + f.idLen[to - 1], f.sStart[to - 1] + f.sLen[to - 1]);
      const rel = (xs) => xs.slice(from, to).map((x) => x - lo);
      job = helpers[t].leaves({ bytes: bytes.slice(lo, hi), idStart: rel(f.idStart), idLen: f.idLen.slice(from, to),
        sStart: rel(f.sStart), sLen: f.sLen.slice(from, to), count: to - from });
    } else {
      const { buf, offsets } = packFileLeaves(f, from, to);
      job = helpers[t].hash({ buf, offsets, count: to - from, chunk: 1 });
    }
    job.catch(() => {}); // awaited below; not unhandled if validation throws first
    jobs.push(job);
  }
  const ownFrom = helpers.length * per;
  const c = canonicalEntries(f, onProgress);
  const fileHashes = new Uint8Array(n * 32);
  if (ownFrom < n) {
    fileHashes.set(fieldLeafHashes(bytes, f.idStart.subarray(ownFrom), f.idLen.subarray(ownFrom), f.sStart.subarray(ownFrom),
      f.sLen.subarray(ownFrom), n - ownFrom), ownFrom * 32);
  }
  if (onProgress) onProgress(0.35);
  const parts = await Promise.all(jobs);
  parts.forEach((p, t) => {
    if (p.length !== Math.min(n, (t + 1) * per) * 32 - t * per * 32) throw new Error('parallel hashing: leaf hashes missing');
    fileHashes.set(p, t * per * 32);
  });
  if (onProgress) onProgress(0.5);
  const leaves = orderedLeaves(f, fileHashes, c.order, 0, n, n, false);
  // Round 2: the tree.
  const treeHelpers = helpers.filter((h) => typeof h.tree === 'function');
  const tthreads = treeHelpers.length + 1;
  let chunk = 1024;
  while (Math.ceil(n / (chunk * 2)) >= 2 * tthreads) chunk *= 2;
  const chunks = Math.ceil(n / chunk);
  const cper = Math.ceil(chunks / tthreads);
  const trees = [];
  for (let t = 0; t < treeHelpers.length; t++) {
    const from = Math.min(n, t * cper * chunk);
    const to = Math.min(n, (t + 1) * cper * chunk);
    if (from >= to) continue;
    trees.push(treeHelpers[t].tree({ hashes: leaves.slice(from * 32, to * 32), count: to - from, chunk }));
  }
  const from = Math.min(n, treeHelpers.length * cper * chunk);
  let own = new Uint8Array(0);
  if (from < n) {
    own = treeRoots(leaves.slice(from * 32), n - from, chunk, onProgress && ((x) => onProgress(0.5 + 0.45 * x)));
  }
  const roots = new Uint8Array(chunks * 32);
  let off = 0;
  for (const p of [...(await Promise.all(trees)), own]) {
    roots.set(p, off);
    off += p.length;
  }
  if (off !== roots.length) throw new Error('parallel hashing: chunk roots missing');
  const root = merkleRootPacked(roots, chunks);
  if (onProgress) onProgress(1);
  return makeFrame({ ...c, root, leaves });
}

// Below this size a frame file is read and hashed by one thread (the pipeline's messages cost more).
const MIN_PIPELINE_BYTES = 64 * 1024;

/** Whether parseFrameCsv reads an unquoted file of these bytes in a pipeline with these helpers. */
function usesPipeline(bytes, helpers) {
  return helpers?.length > 0 && typeof helpers[0].file === 'function' && bytes.length >= MIN_PIPELINE_BYTES;
}

/**
 * Starts the helper on a frame file before parseFrameCsv is called (the verifier does so before
 * it parses the transcript): returns a handle to pass as parseFrameCsv's `started` option, or null
 * when the file will not be read in a pipeline. Nothing is checked here.
 */
export function startFrame(bytes, helpers) {
  if (!usesPipeline(bytes, helpers) || bytes.indexOf(0x22) >= 0) return null;
  return { bytes, job: startFileJob({ bytes: bytes.slice() }, helpers[0]) };
}

/**
 * Starts the helper on a frame file given as a Blob (a file the user chose), which the helper
 * reads itself while this thread reads it too: nothing waits for one thread to read it before
 * the other starts. Returns a handle to complete with startedBytes once this thread has the
 * bytes, or null when such a file is not read in a pipeline (too small, or no helper).
 */
export function startFrameBlob(blob, helpers) {
  if (!(helpers?.length > 0 && typeof helpers[0].file === 'function') || !(blob.size >= MIN_PIPELINE_BYTES)) return null;
  return { bytes: null, job: startFileJob({ blob }, helpers[0]) };
}

/** The handle of startFrameBlob, for parseFrameCsv's `started` option once `bytes` are read. */
export function startedBytes(handle, bytes) {
  return handle && { ...handle, bytes };
}

/** Sends the helper the file (a copy of its bytes, or its Blob; this thread reads the ids from its own bytes). */
function startFileJob(file, helper) {
  const job = helper.file(file);
  // Awaited by frameFromFile; not unhandled if a check throws first or the handle is not used.
  job.fields.catch(() => {});
  return job;
}

/**
 * A frame file read with one helper in a pipeline (2 threads, no step waiting on the other):
 * - the helper reads the file (FrameHelper.read) and sends this thread the field slices, then
 *   hashes leaves in file order (FrameHelper.leafStep) while this thread checks and sorts them;
 * - this thread sends the helper the canonical order and calls `whileHashing(frame)` (the draw's
 *   other work); the helper stops hashing in file order and sends back the leaf hashes it has of
 *   the second half of the canonical order;
 * - the tree is cut into chunks: the helper hashes them from the first on (helperTree), this
 *   thread from the last on, each claiming a chunk before it starts it, until they meet; each
 *   hashes the leaves the helper had not reached in its own chunks. So neither waits while the
 *   other still has work. The frame root is the Merkle combination of the chunk roots.
 * Extra helpers hash fixed runs of the last chunks. The result is the frame of frameFromFields:
 * same entries, order, leaves and root (tests compare them).
 */
async function frameFromFile(bytes, onParse, onHash, helpers, whileHashing, whileReading, startedJob) {
  const [first, ...others] = helpers;
  const job = startedJob ?? startFileJob({ bytes: bytes.slice() }, first);
  // The helper's reading of the file (the field slices), which it sends before hashing the leaves.
  // This thread's other work while the helper reads the file (the verifier's pool and digest).
  if (whileReading) whileReading();
  let f;
  try {
    const r = await job.fields;
    f = Object.assign(new Fields(bytes, 0), r, { bytes });
    if (onParse) onParse(1);
  } catch {
    // The helper could not read the file: this thread reads it (naming the problem and its line,
    // if the file has one) and hashes it alone.
    return frameFromFields(scanUnquoted(bytes, onParse), onHash);
  }
  const c = canonicalEntries(f, onHash && ((x) => onHash(0.5 * x)));
  const { n } = c;
  const frame = makeFrame({ ...c, root: null, leaves: null });
  if (n === 0) {
    frame.root = H(new Uint8Array(0));
    frame.leaves = new Uint8Array(0);
    return frame;
  }
  // Chunks of the tree: a power of two leaves each (the last may be shorter), 16 to 31 of them.
  // The helper hashes them from the first on, this thread (and any other helpers) from the last
  // on, until the two meet: whichever is slower (two cores are shared with the browser) does less.
  let chunk = 1;
  while (Math.ceil(n / (chunk * 2)) >= 16) chunk *= 2;
  const chunks = Math.ceil(n / chunk);
  // The helper sends the leaf hashes it has of the second half (this thread's likely part).
  const split = Math.floor(chunks / 2) * chunk;
  const order = c.order;
  const tree = first.orderedTree({ file: job.file, order: order.slice(), split, chunk });
  tree.tail.catch(() => {});
  if (whileHashing) whileHashing(frame);
  const { hashes: tail, done, count } = await tree.tail;
  if (count !== n) throw new Error(`parallel hashing: the helper read ${count} entries, this thread ${n}`);
  if (tail.length !== (n - split) * 32 || !(done >= 0 && done <= n)) throw new Error('parallel hashing: leaf hashes missing');
  const roots = new Uint8Array(chunks * 32);
  let finished = 0;
  const progress = () => onHash && onHash(0.5 + (0.5 * ++finished) / chunks);
  // Chunk k's leaf hashes: from the tail, with those the helper had not hashed (file index `done`
  // on) hashed here; below the tail, all hashed here.
  const leavesOf = (k) => {
    const from = k * chunk;
    const to = Math.min(n, from + chunk);
    if (from < split) return orderedLeaves(f, null, order, from, to, 0, true);
    const part = tail.subarray((from - split) * 32, (to - split) * 32);
    if (done < n) orderedLeaves(f, null, order, from, to, done, true, part);
    return part;
  };
  // Other helpers take fixed runs of chunks at the end.
  let hi = chunks - 1;
  const extra = [];
  const per = Math.floor(chunks / (others.length + 3));
  for (const h of others) {
    if (typeof h.tree !== 'function' || per < 1 || hi - per < Math.floor(chunks / 2)) break;
    const lo = hi - per + 1;
    const hashes = new Uint8Array((Math.min(n, (hi + 1) * chunk) - lo * chunk) * 32);
    for (let k = lo; k <= hi; k++) hashes.set(leavesOf(k), (k - lo) * chunk * 32);
    const run = h.tree({ hashes, count: hashes.length / 32, chunk }).then((r) => {
      if (r.length !== per * 32) throw new Error('parallel hashing: chunk roots missing');
      roots.set(r, lo * 32);
    });
    run.catch(() => {}); // awaited below
    extra.push(run);
    hi = lo - 1;
  }
  // Then this thread, downwards, while the helper has not started the chunk.
  for (; hi >= 0; hi--) {
    await macrotask(); // lets the helper's messages in
    if (tree.started() >= hi) break;
    tree.claim(hi);
    const part = leavesOf(hi);
    roots.set(merkleRootPacked(part, part.length / 32), hi * 32);
    progress();
  }
  for (let k = 0; k <= hi; k++) {
    roots.set(await tree.root(k), k * 32);
    progress();
  }
  await Promise.all(extra);
  frame.root = merkleRootPacked(roots, chunks);
  if (onHash) onHash(1);
  return frame;
}

/** Resolves after the tasks already queued on this thread (e.g. messages from a helper) have run. */
export const macrotask = (() => {
  let channel = null;
  const waiting = [];
  return () => new Promise((resolve) => {
    if (channel === null) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => {
        waiting.shift()();
        // In Node (the tests), a port keeps the process alive only while a tick is awaited.
        if (waiting.length === 0) channel.port1.unref?.();
      };
    }
    waiting.push(resolve);
    channel.port1.ref?.();
    channel.port2.postMessage(0);
  });
})();

/**
 * frameFromFile's side of the helper's tree (helperTree): what the helper has started, the chunk
 * roots it sends, and this thread's claims. `claim(k)` sends a claim on chunk k to the helper.
 * deliver(m) takes the helper's messages: { hashes, done, count } (the tail), { start: k },
 * { c: k, root }, { end: k } (it stopped before chunk k), { error }.
 */
export class TreeFeed {
  constructor(claim) {
    this.sendClaim = claim;
    this.highest = -1;
    this.roots = new Map();
    this.waiting = new Map();
    this.end = Infinity;
    this.failure = null;
    this.tail = new Promise((resolve, reject) => {
      this.tailResolve = resolve;
      this.tailReject = reject;
    });
  }

  started() {
    return this.highest;
  }

  claim(k) {
    this.sendClaim(k);
  }

  /** Chunk k's root, once the helper has sent it. */
  root(k) {
    if (this.failure) return Promise.reject(this.failure);
    if (this.roots.has(k)) return Promise.resolve(this.roots.get(k));
    if (k >= this.end) return Promise.reject(new Error(`parallel hashing: the helper stopped before chunk ${k}`));
    return new Promise((resolve, reject) => this.waiting.set(k, { resolve, reject }));
  }

  deliver(m) {
    if (m.error) {
      this.failure = new Error(m.error);
      this.tailReject(this.failure);
      for (const w of this.waiting.values()) w.reject(this.failure);
      this.waiting.clear();
    } else if (m.hashes) {
      this.tailResolve({ hashes: m.hashes, done: m.done, count: m.count });
    } else if (m.start !== undefined) {
      this.highest = Math.max(this.highest, m.start);
    } else if (m.root) {
      const root = m.root instanceof Uint8Array ? m.root : new Uint8Array(m.root);
      this.roots.set(m.c, root);
      this.waiting.get(m.c)?.resolve(root);
      this.waiting.delete(m.c);
    } else if (m.end !== undefined) {
      this.end = m.end;
      for (const [k, w] of this.waiting) if (k >= m.end) w.reject(new Error(`parallel hashing: the helper stopped before chunk ${k}`));
    }
  }
}

/**
 * The helper's side of the tree (in its worker, or in-process in tests), once the canonical
 * order { order, split, chunk } came: posts the leaf hashes of positions [split, n) it has (the
 * tail, see FrameHelper.tail), then hashes chunks 0, 1, 2, … (posting { start: k } before and
 * { c: k, root } after each) until it reaches one that frameFromFile's thread has claimed
 * (`claimedFrom()`: the lowest claimed so far), then posts { end: k }. It yields (`tick`)
 * before each chunk, so that claims can arrive.
 */
export async function helperTree(helper, { order, split, chunk }, { post, tick, claimedFrom }) {
  const tail = helper.tail({ order, split });
  post(tail, [tail.hashes.buffer]);
  const chunks = Math.ceil(tail.count / chunk);
  let k = 0;
  for (; k < chunks; k++) {
    await tick();
    if (k >= claimedFrom()) break;
    post({ start: k });
    const root = helper.chunkRoot({ order, chunk, k });
    post({ c: k, root }, [root.buffer]);
  }
  helper.drop();
  post({ end: k });
}

/**
 * The helper's side of frameFromFile (in a hashing worker, or in-process in tests). Holds one file:
 * - `read` reads it (the field slices, sent to frameFromFile's thread), or `start`, `feed` and
 *   `finishRead` as it arrives in parts;
 * - `leafStep` hashes its next block of leaves in file order, called until it returns false (the
 *   worker yields between calls, so that the canonical order can arrive meanwhile);
 * - given the canonical order, `tail` stops the leaves where they are and gives the verification
 *   thread the leaf hashes of its likely part in that order (those hashed so far; it hashes the
 *   others), and `chunkRoot` hashes a chunk of the tree, hashing the leaves it still lacks itself
 *   (see helperTree).
 * So neither thread waits for the other to finish the leaves: what is left of them when the
 * order is known is shared.
 */
export class FrameHelper {
  constructor() {
    this.scanner = null;
    this.fields = null;
    this.hashes = null;
    this.done = 0;
    this.hasher = null;
    this.ordered = false;
  }

  /**
   * { bytes } → the field slices of the file's entries { n, idStart, idLen, sStart, sLen, line,
   * special } (copies, n long). Throws InputError on a bad file.
   */
  read({ bytes }) {
    this.start(bytes);
    this.feed(bytes.length, bytes);
    return this.finishRead();
  }

  /**
   * Starts reading a file that arrives in parts into `bytes` (its size): feed(avail, part) as
   * each part is copied in (bytes[0 … avail) are there), then finishRead() (the result of read).
   */
  start(bytes) {
    this.fields = null;
    this.hashes = null;
    this.scanner = new UnquotedScanner(bytes);
  }

  feed(avail, part) {
    // A file with quoted fields is read by the general CSV reader, never in the pipeline.
    if (part.indexOf(0x22) >= 0) throw new Error('quoted fields: not read by the helper');
    this.scanner.feed(avail);
  }

  finishRead() {
    const f = this.scanner.finish();
    this.scanner = null;
    this.fields = f;
    const { n } = f;
    this.hashes = new Uint8Array(n * 32);
    this.done = 0;
    this.ordered = false;
    this.hasher = new ShortHasher();
    return { n, special: f.special, idStart: f.idStart.slice(0, n), idLen: f.idLen.slice(0, n),
      sStart: f.sStart.slice(0, n), sLen: f.sLen.slice(0, n), line: f.line.slice(0, n) };
  }

  /** Hashes the next block of leaves in file order; false once all are hashed or the order came. */
  leafStep() {
    const f = this.fields;
    if (f === null || this.ordered || this.done >= f.n) return false;
    const to = Math.min(f.n, this.done + BLOCK);
    leafBlock(this.hasher, f.bytes, f.idStart, f.idLen, f.sStart, f.sLen, this.done, to, this.hashes);
    this.done = to;
    return to < f.n;
  }

  /**
   * { order (canonical index → file index, all n entries), split } → { hashes: the leaf hashes of
   * canonical positions [split, n) in that order, where hashed (zero for entries at file index
   * `done` or later, which the caller hashes), done, count: n }. No more leaves are hashed in
   * file order after it.
   */
  tail({ order, split }) {
    const f = this.fields;
    if (f === null) throw new Error('tail before read');
    this.ordered = true;
    const { n } = f;
    if (order.length !== n || !(split >= 0 && split <= n)) throw new Error(`ordered tree: ${order.length} entries of ${n}, split ${split}`);
    for (let from = 0; from < n; from += BLOCK) {
      const k = outOfRange(order, n, from, Math.min(n, from + BLOCK));
      if (k >= 0) throw new Error(`ordered tree: entry ${order[k]} of ${n}`);
    }
    return { hashes: orderedLeaves(f, this.hashes, order, split, n, this.done, false), done: this.done, count: n };
  }

  /** Forgets the file (a verification that will not ask for its tree): no more leaves are hashed. */
  drop() {
    this.fields = null;
    this.hashes = null;
  }

  /** { order, chunk, k } (after tail) → the Merkle root of chunk k (positions [k·chunk, (k+1)·chunk)). */
  chunkRoot({ order, chunk, k }) {
    const f = this.fields;
    if (f === null || !this.ordered) throw new Error('chunk root before tail');
    const from = k * chunk;
    const to = Math.min(f.n, from + chunk);
    if (!(from >= 0 && from < to)) throw new Error(`ordered tree: chunk ${k} of ${f.n} entries`);
    const leaves = orderedLeaves(f, this.hashes, order, from, to, this.done, true);
    return merkleRootPacked(leaves, to - from);
  }
}

/** The first k in [from, to) with order[k] outside [0, n), or -1. */
function outOfRange(order, n, from, to) {
  for (let k = from; k < to; k++) if (!(order[k] >= 0 && order[k] < n)) return k;
  return -1;
}

/** Leaf messages 0x00 ‖ lp(target_id) ‖ lp(stratum) of entries [from, to) in file order, packed. */
function packFileLeaves(f, from, to) {
  const { bytes } = f;
  let total = 0;
  for (let i = from; i < to; i++) total += 9 + f.idLen[i] + f.sLen[i];
  const buf = new Uint8Array(total);
  const offsets = new Int32Array(to - from + 1);
  let off = 0;
  for (let i = from; i < to; i++) {
    offsets[i - from] = off;
    off = writeLeaf(buf, off, bytes, f.idStart[i], f.idLen[i], bytes, f.sStart[i], f.sLen[i]);
  }
  offsets[to - from] = off;
  return { buf, offsets };
}

/** Writes 0x00 ‖ u32be(il) ‖ a[is … is+il) ‖ u32be(sl) ‖ b[ss … ss+sl) at off; the new offset. */
function writeLeaf(buf, off, a, is, il, b, ss, sl) {
  buf[off] = 0;
  buf[off + 1] = il >>> 24;
  buf[off + 2] = (il >>> 16) & 0xff;
  buf[off + 3] = (il >>> 8) & 0xff;
  buf[off + 4] = il & 0xff;
  off += 5;
  for (let j = 0; j < il; j++) buf[off + j] = a[is + j];
  off += il;
  buf[off] = sl >>> 24;
  buf[off + 1] = (sl >>> 16) & 0xff;
  buf[off + 2] = (sl >>> 8) & 0xff;
  buf[off + 3] = sl & 0xff;
  off += 4;
  for (let j = 0; j < sl; j++) buf[off + j] = b[ss + j];
  return off + sl;
}

/**
 * Hashes `count` packed leaf messages and returns the Merkle roots of consecutive chunks of
 * `chunk` leaves (a power of two; the last chunk may be shorter), packed 32 bytes each. Chunk
 * roots are the nodes of the RFC 9162 tree at that height, so the frame root is the Merkle
 * combination of the chunk roots (merkleRootPacked): chunks can be hashed by different workers.
 * `leaves` (optional) receives the leaf hashes.
 */
export function chunkRoots(buf, offsets, count, chunk, leaves = null, onProgress = null) {
  const hashes = leafHashes(buf, offsets, count, onProgress && ((x) => onProgress(0.4 * x)));
  if (chunk === 1) return hashes; // roots of one-leaf chunks: the leaf hashes
  if (leaves) leaves.set(hashes);
  return treeRoots(hashes, count, chunk, onProgress && ((x) => onProgress(0.4 + 0.6 * x)));
}

/** The hashes H(0x00 ‖ …) of `count` packed leaf messages (see chunkRoots), 32 bytes each. */
export function leafHashes(buf, offsets, count, onProgress = null) {
  const hashes = new Uint8Array(count * 32);
  const hasher = new ShortHasher();
  const hb = hasher.buf;
  for (let k = 0; k < count; k++) {
    const s = offsets[k];
    const len = offsets[k + 1] - s;
    if (len <= 119) {
      for (let j = 0; j < len; j++) hb[j] = buf[s + j];
      hasher.digestInto(len, hashes, k * 32);
    } else hashes.set(H(buf.subarray(s, s + len)), k * 32);
    if (onProgress && (k & 0x3fff) === 0) onProgress(k / count);
  }
  return hashes;
}

/**
 * The Merkle roots of consecutive chunks of `chunk` leaves (a power of two; the last chunk may be
 * shorter) of `count` leaf hashes packed in `hashes` (overwritten), 32 bytes each.
 */
export function treeRoots(hashes, count, chunk, onProgress = null) {
  const chunks = Math.ceil(count / chunk);
  const roots = new Uint8Array(chunks * 32);
  for (let c = 0; c < chunks; c++) {
    const from = c * chunk;
    const to = Math.min(count, from + chunk);
    roots.set(merkleRootPacked(hashes.subarray(from * 32, to * 32), to - from), c * 32);
    if (onProgress) onProgress((c + 1) / chunks);
  }
  return roots;
}

function makeFrame({ n, bytes, idStart, idLen, stratumOf, names, nameBytes, root, leaves }) {
  const ids = new Map();
  const frame = {
    size: n,
    root,
    /** Set with the root when they are hashed after the frame is made (frameFromFile). */
    leaves,
    stratumOf,
    stratumNames: names,
    id(k) {
      let s = ids.get(k);
      if (s === undefined) ids.set(k, (s = decoder.decode(bytes.subarray(idStart[k], idStart[k] + idLen[k]))));
      return s;
    },
    stratum: (k) => names[stratumOf[k]],
    /** Leaf k's hash: kept when the frame was hashed here, else computed (the pipeline keeps none). */
    leaf(k) {
      if (frame.leaves) return frame.leaves.subarray(k * 32, k * 32 + 32);
      if (frame.root === null || !(k >= 0 && k < n)) return null;
      const sb = nameBytes[stratumOf[k]];
      const m = new Uint8Array(9 + idLen[k] + sb.length);
      writeLeaf(m, 0, bytes, idStart[k], idLen[k], sb, 0, sb.length);
      return H(m);
    },
    /** The frame index of target id t (binary search in canonical order), or -1. */
    indexOf(t) {
      const tb = utf8(t);
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const s = idStart[mid];
        const l = idLen[mid];
        let c = 0;
        for (let j = 0; j < Math.min(l, tb.length) && c === 0; j++) c = bytes[s + j] - tb[j];
        if (c === 0) c = l - tb.length;
        if (c === 0) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
      }
      return -1;
    },
    *entries() {
      for (let k = 0; k < n; k++) yield [frame.id(k), frame.stratum(k)];
    },
  };
  return frame;
}

/** A frame from entries [target_id, stratum, line?] given as strings. */
export function buildFrame(entries, onProgress, helpers = null) {
  const list = [...entries];
  const encoded = [];
  let total = 0;
  for (const [id, stratum, line] of list) {
    if (typeof id !== 'string' || idProblem(id, 128)) {
      throw new InputError('frame', `target_id ${JSON.stringify(id)}: ${idProblem(id, 128)}`, line);
    }
    if (typeof stratum !== 'string' || idProblem(stratum, 128)) {
      throw new InputError('frame', `stratum ${JSON.stringify(stratum)}: ${idProblem(stratum, 128)}`, line);
    }
    const a = utf8(id);
    const b = utf8(stratum);
    encoded.push([a, b, line ?? 0]);
    total += a.length + b.length;
  }
  const bytes = new Uint8Array(total);
  const f = new Fields(bytes, list.length);
  let off = 0;
  for (const [a, b, line] of encoded) {
    bytes.set(a, off);
    bytes.set(b, off + a.length);
    f.push(off, a.length, off + a.length, b.length, line);
    off += a.length + b.length;
  }
  return frameFromFields(f, onProgress, helpers);
}

/**
 * Reads a frame CSV file (bytes): a header naming `target_id` and `stratum` columns.
 * `whileHashing(frame)`: with a helper that offers `file` (see FrameHelper), called once the
 * entries are read, checked and sorted but while the Merkle tree is still being hashed; `frame`
 * has everything but `root` and `leaf()`. The verifier does the draw's other work then.
 * `whileReading()`: in that pipeline, called while the helper reads the file (before this thread
 * has the entries); the verifier reads the pool then.
 */
export function parseFrameCsv(bytes, onProgress, helpers = null, { whileHashing = null, whileReading = null, started = null } = {}) {
  const progress = onProgress && ((x) => onProgress({ phase: 'parse', fraction: x }));
  const hashing = onProgress && ((x) => onProgress({ phase: 'hash', fraction: x }));
  const entries = [];
  try {
    const quoted = bytes.indexOf(0x22) >= 0;
    // Refuses invalid UTF-8 (an ASCII file is valid and need not be decoded to know it).
    const text = quoted || !isAscii(bytes) ? decodeUtf8(bytes) : null;
    if (!quoted && usesPipeline(bytes, helpers)) {
      return frameFromFile(bytes, progress, hashing, helpers, whileHashing, whileReading, started?.bytes === bytes ? started.job : null);
    }
    if (!quoted) return frameFromFields(scanUnquoted(bytes, progress), hashing, helpers);
    // Quoted fields: the general reader, then the same pipeline.
    readCsv(text, ['target_id', 'stratum'], (fl, line) => entries.push([fl[0], fl[1], line]), progress);
  } catch (e) {
    if (e.name === 'CsvError') throw new InputError('frame', e.message);
    throw e;
  }
  return buildFrame(entries, hashing, helpers);
}

// Bytes as the scan sees them: 1 comma, 2 line end, 3 a byte that no §4.1 identifier has as
// ASCII (white space and controls, DEL, ';') or the start of a non-ASCII character; 0 the rest.
const BYTE_CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  BYTE_CLASS[c] = c === 0x2c ? 1 : c === 0x0a || c === 0x0d ? 2 : c <= 0x20 || c >= 0x7f || c === 0x3b ? 3 : 0;
}

/**
 * Field slices of a CSV file without quotes, read from its bytes (LF, CRLF or CR; BOM).
 * `special` is 0 when no data line has a byte of class 3: every field is then a valid §4.1
 * identifier as far as its characters go, and only lengths remain to check.
 */
export function scanUnquoted(bytes, onProgress = null) {
  return new UnquotedScanner(bytes).finish(onProgress);
}

/**
 * scanUnquoted on a file that arrives in parts: feed(avail) scans the complete lines of
 * bytes[0 … avail) (the rest of `bytes` not read yet), finish() the rest once all is there.
 */
export class UnquotedScanner {
  constructor(bytes) {
    this.bytes = bytes;
    this.f = new Fields(bytes, Math.max(16, bytes.length >> 4));
    this.f.special = 0;
    this.st = null;
  }

  /** Scans the lines of bytes[0 … avail) that end before its last byte. */
  feed(avail) {
    this.scan(completeLines(this.bytes, avail));
  }

  /** Scans the rest of the file; returns the fields of scanUnquoted. */
  finish(onProgress = null) {
    this.scan(this.bytes.length, onProgress);
    if (this.st.header === null) throw new InputError('frame', '文件为空（需要表头行）', 1);
    if (onProgress) onProgress(1);
    return this.f;
  }

  scan(limit, onProgress = null) {
    const { bytes, f } = this;
    const n = bytes.length;
    if (this.st === null) {
      if (limit < Math.min(3, n)) return;
      this.st = new ScanState(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
    }
    const st = this.st;
    // The header: the first line that is not blank.
    while (st.i < limit && st.header === null) {
      const thisLine = st.line;
      scanLine(bytes, st);
      if (st.nf === 1 && st.lens[0] === 0) continue; // blank line
      const header = [];
      for (let k = 0; k < st.nf; k++) {
        header.push(trimWhiteSpace(decoder.decode(bytes.subarray(st.starts[k], st.starts[k] + st.lens[k])).replace(/^\uFEFF+/, '')));
      }
      [st.idCol, st.sCol] = ['target_id', 'stratum'].map((name) => {
        const at = header.indexOf(name);
        if (at < 0) throw new InputError('frame', `缺少列 ${JSON.stringify(name)}（表头为 ${header.join(', ')}）`, thisLine);
        return at;
      });
      st.header = header;
    }
    // The data lines, about 64 KiB of the file per call.
    while (st.i < limit) {
      scanBlock(bytes, st, f, Math.min(limit, st.i + 65536));
      if (onProgress) onProgress(st.i / n);
    }
  }
}

/**
 * Where the last line of bytes[0 … avail) whose line end is followed by a byte already there
 * ends, or 0: a line scanned up to there never takes the CR of a CR LF cut in two for a line end.
 */
function completeLines(bytes, avail) {
  for (let j = avail - 2; j >= 0; j--) {
    const c = bytes[j];
    if (c === 0x0a || c === 0x0d) return j + 1;
  }
  return 0;
}

/** Where scanUnquoted is: next byte, its line, the header's columns, the last line's fields. */
class ScanState {
  constructor(i) {
    this.i = i;
    this.line = 1;
    this.header = null;
    this.idCol = -1;
    this.sCol = -1;
    // Field boundaries of the current line (grown for very wide files).
    this.starts = new Int32Array(64);
    this.lens = new Int32Array(64);
    this.nf = 0;
  }
}

/**
 * Splits the line at st.i into fields (st.starts, st.lens, st.nf) and moves st.i and st.line
 * past it. Returns 1 if the line has a byte of class 3, else 0.
 */
function scanLine(bytes, st) {
  const n = bytes.length;
  let i = st.i;
  let nf = 0;
  let s = i;
  let c = 0;
  let special = 0;
  for (; i < n; i++) {
    c = bytes[i];
    const k = BYTE_CLASS[c];
    if (k === 0) continue;
    if (k === 3) {
      special = 1;
      continue;
    }
    if (k === 1) {
      if (nf === st.starts.length - 1) growFieldBounds(st);
      st.starts[nf] = s;
      st.lens[nf++] = i - s;
      s = i + 1;
    } else break; // line end
  }
  st.starts[nf] = s;
  st.lens[nf++] = i - s;
  if (i < n) {
    i += c === 0x0d && bytes[i + 1] === 0x0a ? 2 : 1;
    st.line++;
  }
  st.i = i;
  st.nf = nf;
  return special;
}

function growFieldBounds(st) {
  const bs = new Int32Array(st.starts.length * 2);
  const bl = new Int32Array(st.starts.length * 2);
  bs.set(st.starts);
  bl.set(st.lens);
  st.starts = bs;
  st.lens = bl;
}

/**
 * Data lines from st.i until a line ends at or after `limit`: each line's target_id and stratum
 * go to `f`. A small function called once per 64 KiB, which the browser compiles once for all
 * calls (one loop over the whole file was compiled again, on stack, for every file).
 */
function scanBlock(bytes, st, f, limit) {
  const width = st.header.length;
  const { idCol, sCol } = st;
  while (st.i < limit) {
    const thisLine = st.line;
    const special = scanLine(bytes, st);
    const nf = st.nf;
    if (nf === 1 && st.lens[0] === 0) continue; // blank line
    if (nf !== width) throw new InputError('frame', `有 ${nf} 个字段，表头有 ${width} 个`, thisLine);
    f.push(st.starts[idCol], st.lens[idCol], st.starts[sCol], st.lens[sCol], thisLine);
    f.special |= special;
  }
}

/** Whether every byte is below 0x80 (ASCII is valid UTF-8: no need to decode to check). */
function isAscii(bytes) {
  const n = bytes.length;
  let i = 0;
  let hi = 0;
  if (bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, n >>> 2);
    for (let from = 0; from < words.length; from += 65536) hi |= orWords(words, from, Math.min(words.length, from + 65536));
    i = words.length * 4;
  }
  for (; i < n; i++) hi |= bytes[i];
  return (hi & 0x80808080) === 0;
}

/** The bitwise or of words[from … to) (a small function: compiled once for every call). */
function orWords(words, from, to) {
  let hi = 0;
  for (let k = from; k < to; k++) hi |= words[k];
  return hi;
}
