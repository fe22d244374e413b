// RFC 9162 §2.1.1 Merkle Tree Hash and §2.1.3.2 inclusion-proof verification (draw spec §4.2, §4.3).
import { H, ShortHasher } from './hash.js';
import { bytesEqual } from './bytes.js';

/** H(0x00 ‖ leafBytes): a leaf's hash. */
export function leafHash(leafBytes) {
  const buf = new Uint8Array(1 + leafBytes.length);
  buf.set(leafBytes, 1);
  return H(buf);
}

const node = new Uint8Array(65);
node[0] = 1;
/** H(0x01 ‖ left ‖ right): an interior node's hash. */
export function nodeHash(left, right) {
  node.set(left, 1);
  node.set(right, 33);
  return H(node);
}

/**
 * MTH over n leaves whose hashes are packed in `hashes` (n × 32 bytes, in order; overwritten).
 * Computed bottom up: pairing neighbours level by level and carrying an odd last node up
 * unchanged gives exactly the RFC 9162 split at the largest power of two smaller than n.
 */
export function merkleRootPacked(hashes, n, onProgress) {
  if (n === 0) return H(new Uint8Array(0));
  const h = new ShortHasher();
  // Children are copied as 16 words (little-endian in and out, so bytes keep their order) when
  // `hashes` is word-aligned: four times fewer copies than byte by byte.
  const words = hashes.byteOffset % 4 === 0 ? new Int32Array(hashes.buffer, hashes.byteOffset, n * 8) : null;
  let len = n;
  let done = 0;
  while (len > 1) {
    const pairs = len >> 1;
    if (words !== null) hashLevelWords(h, words, hashes, pairs);
    else hashLevelBytes(h, hashes, pairs);
    let w = pairs;
    if (len % 2 === 1) {
      hashes.copyWithin(w * 32, (len - 1) * 32, len * 32);
      w++;
    }
    done += pairs;
    if (onProgress) onProgress(done / n);
    len = w;
  }
  return hashes.slice(0, 32);
}

// One level of the tree: node k = H(0x01 ‖ child 2k ‖ child 2k+1) for k < pairs, written over
// the children. Small functions called once per level, so the browser's optimising compiler
// compiles them once for every call (a loop inside a large function called once per frame was
// compiled again, "on stack", for each frame, and left at each level's end).
function hashLevelWords(h, words, hashes, pairs) {
  const buf = h.buf;
  const view = h.view;
  for (let k = 0; k < pairs; k++) {
    buf[0] = 1;
    const from = k * 16;
    for (let j = 0; j < 16; j++) view.setInt32(1 + 4 * j, words[from + j], true);
    h.digestInto(65, hashes, k * 32);
  }
}

function hashLevelBytes(h, hashes, pairs) {
  const buf = h.buf;
  for (let k = 0; k < pairs; k++) {
    buf[0] = 1;
    const from = k * 64;
    for (let j = 0; j < 64; j++) buf[1 + j] = hashes[from + j];
    h.digestInto(65, hashes, k * 32);
  }
}

/** MTH over leaves whose hashes are given as an array of 32-byte arrays. */
export function merkleRoot(leafHashes) {
  const packed = new Uint8Array(leafHashes.length * 32);
  leafHashes.forEach((x, i) => packed.set(x, i * 32));
  return merkleRootPacked(packed, leafHashes.length);
}

/**
 * RFC 9162 §2.1.3.2: does `path` (32-byte arrays) prove the leaf with hash `leaf` at `index`
 * in a tree of `size` leaves with root `root`? Returns true or false.
 */
export function verifyInclusion(leaf, index, size, path, root) {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(r, root);
}

/** The audit path for leaf `index` (RFC 9162 §2.1.3.1), for tests and for building proofs. */
export function auditPath(leafHashes, index) {
  const path = [];
  const walk = (lo, hi, m) => {
    const n = hi - lo;
    if (n <= 1) return;
    let k = 1;
    while (k * 2 < n) k *= 2;
    if (m < k) {
      walk(lo, lo + k, m);
      path.push(merkleRoot(leafHashes.slice(lo + k, hi)));
    } else {
      walk(lo + k, hi, m - k);
      path.push(merkleRoot(leafHashes.slice(lo, lo + k)));
    }
  };
  walk(0, leafHashes.length, index);
  return path;
}
