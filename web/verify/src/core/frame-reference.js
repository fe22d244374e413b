// The frame of draw spec §4, computed the way the specification reads: one function per step,
// strings and arrays, nothing shared or packed. It is the path to read when checking the spec
// against this verifier; frame.js computes the same result fast (bytes of the file read in
// place, a radix sort, a hashing pipeline across workers), and test/frame-reference.test.js
// checks that both agree on every vector's frame and on random frames. The page uses frame.js.
import { sha256 } from '@noble/hashes/sha2.js';
import { readCsv, decodeUtf8 } from './csv.js';
import { idProblem } from './text-rules.js';

const encoder = new TextEncoder();

/** §2 `utf8(s)`: the UTF-8 bytes of s, exactly as given (no normalisation, no trimming). */
export const utf8 = (s) => encoder.encode(s);

/** §2 `H(x)`: SHA-256. */
export const H = (x) => sha256(x);

/** §2 `u32be(n)`. */
export function u32be(n) {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** §2 `‖`. */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** §2 `lp(x) = u32be(len(x)) ‖ x`; for a string, of its UTF-8 bytes. */
export function lp(x) {
  const bytes = typeof x === 'string' ? utf8(x) : x;
  return concat(u32be(bytes.length), bytes);
}

/**
 * §2 byte order: compares utf8(a) and utf8(b) as unsigned bytes, lexicographically; a prefix
 * sorts first. (Not JavaScript's `<`, which compares UTF-16 code units.)
 */
export function compareBytes(a, b) {
  const x = utf8(a);
  const y = utf8(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

/**
 * §14 "The frame and pool files": the entries [target_id, stratum] of a frame CSV file, in file
 * order. UTF-8 (invalid bytes refuse the file), optional BOM, LF or CRLF, RFC 4180 quoting,
 * blank lines skipped, columns found by their header names, fields taken exactly.
 */
export function readFrameFile(bytes) {
  const entries = [];
  readCsv(decodeUtf8(bytes), ['target_id', 'stratum'], ([target, stratum], line) => {
    entries.push({ target, stratum, line });
  });
  return entries;
}

/**
 * §4.1 entries: target id and stratum are 1–128 bytes of UTF-8 without white space, control
 * characters, `;` or `,`; target ids are distinct. Returns a problem text, or null.
 */
export function entryProblems(entries) {
  for (const e of entries) {
    const p = idProblem(e.target, 128) ?? idProblem(e.stratum, 128);
    if (p) return `第 ${e.line} 行：${p}`;
  }
  const seen = new Set();
  for (const e of entries) {
    if (seen.has(e.target)) return `第 ${e.line} 行：target_id ${JSON.stringify(e.target)} 重复（见《抽取规范》第 4.1 节）`;
    seen.add(e.target);
  }
  return null;
}

/** §4.1 canonical order: entries sorted by target id in §2 byte order. */
export function canonicalOrder(entries) {
  return [...entries].sort((a, b) => compareBytes(a.target, b.target));
}

/** §4.1 leaf bytes of an entry: `lp(target_id) ‖ lp(stratum)`. */
export function leafBytes(entry) {
  return concat(lp(entry.target), lp(entry.stratum));
}

/**
 * §4.2 root: the RFC 9162 §2.1.1 Merkle Tree Hash of the leaf bytes D[0:n]:
 * MTH({}) = H(""); MTH({d0}) = H(0x00 ‖ d0); for n > 1, with k the largest power of two
 * smaller than n, MTH(D[0:n]) = H(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])).
 */
export function merkleTreeHash(leaves) {
  const n = leaves.length;
  if (n === 0) return H(new Uint8Array(0));
  if (n === 1) return H(concat(Uint8Array.of(0x00), leaves[0]));
  let k = 1;
  while (k * 2 < n) k *= 2;
  return H(concat(Uint8Array.of(0x01), merkleTreeHash(leaves.slice(0, k)), merkleTreeHash(leaves.slice(k))));
}

/**
 * The frame of a CSV file, step by step: read (§14), check (§4.1), order (§4.1), leaf bytes
 * (§4.1), root (§4.2). Returns { size, root, entries (canonical order, [target, stratum]) }, or
 * throws an Error whose `kind` is 'frame' (the §15 code of a refused frame file).
 */
export function referenceFrame(bytes) {
  let entries;
  try {
    entries = readFrameFile(bytes);
  } catch (e) {
    throw Object.assign(new Error(e.message), { kind: 'frame' });
  }
  const problem = entryProblems(entries);
  if (problem) throw Object.assign(new Error(problem), { kind: 'frame' });
  const ordered = canonicalOrder(entries);
  const root = merkleTreeHash(ordered.map(leafBytes));
  return { size: ordered.length, root, entries: ordered.map((e) => [e.target, e.stratum]) };
}
