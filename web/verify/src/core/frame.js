// Frames (draw spec §4): entries, canonical order, leaf encoding, Merkle root.
import { H } from './hash.js';
import { compareUtf8 } from './bytes.js';
import { merkleRoot } from './merkle.js';
import { idProblem } from './text-rules.js';
import { readCsv, decodeUtf8 } from './csv.js';

export class InputError extends Error {
  /** kind: 'frame' | 'pool' (the vector want_err codes); line: the file line, when known. */
  constructor(kind, message, line) {
    super(line ? `第 ${line} 行: ${message}` : message);
    this.name = 'InputError';
    this.kind = kind;
    this.line = line;
  }
}

const encoder = new TextEncoder();

/** Writes u32be(len) ‖ utf8(s) into buf at off; returns the new offset. */
export function writeLp(buf, off, s) {
  const { written } = encoder.encodeInto(s, buf.subarray(off + 4));
  buf[off] = written >>> 24;
  buf[off + 1] = (written >>> 16) & 0xff;
  buf[off + 2] = (written >>> 8) & 0xff;
  buf[off + 3] = written & 0xff;
  return off + 4 + written;
}

/** Sorts indices of `keys` by §2 byte order of the keys. */
export function sortedOrder(keys) {
  const order = Array.from(keys.keys());
  const anySurrogate = keys.some((k) => /[\uD800-\uDFFF]/.test(k));
  // Without surrogates, UTF-16 code unit order is code point order, which is UTF-8 byte order.
  order.sort(anySurrogate ? (a, b) => compareUtf8(keys[a], keys[b]) : (a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  return order;
}

/**
 * A frame from entries [target_id, stratum, line?]. Validates §4.1, sorts into canonical order.
 * Returns { ids, strata, size, root } with ids/strata in canonical order (index = frame index).
 */
export function buildFrame(entries, onProgress) {
  const rawIds = [];
  const rawStrata = [];
  const lines = [];
  for (const [id, stratum, line] of entries) {
    const p1 = idProblem(id, 128);
    if (p1) throw new InputError('frame', `target_id ${JSON.stringify(id)}: ${p1}`, line);
    const p2 = idProblem(stratum, 128);
    if (p2) throw new InputError('frame', `stratum ${JSON.stringify(stratum)}: ${p2}`, line);
    rawIds.push(id);
    rawStrata.push(stratum);
    lines.push(line);
  }
  const order = sortedOrder(rawIds);
  const n = order.length;
  const ids = new Array(n);
  const strata = new Array(n);
  for (let k = 0; k < n; k++) {
    ids[k] = rawIds[order[k]];
    strata[k] = rawStrata[order[k]];
    if (k > 0 && ids[k] === ids[k - 1]) {
      throw new InputError('frame', `target_id ${JSON.stringify(ids[k])} 重复 (§4.1)`, lines[order[k]]);
    }
  }
  const leaves = new Array(n);
  const buf = new Uint8Array(1 + 4 + 3 * 128 + 4 + 3 * 128);
  for (let k = 0; k < n; k++) {
    buf[0] = 0; // leaf prefix; leaf bytes lp(target_id) ‖ lp(stratum)
    const end = writeLp(buf, writeLp(buf, 1, ids[k]), strata[k]);
    leaves[k] = H(buf.subarray(0, end));
    if (onProgress && (k & 0x3fff) === 0) onProgress(0.5 * (k / n));
  }
  const root = merkleRoot(leaves);
  if (onProgress) onProgress(1);
  return { ids, strata, size: n, root, leaves };
}

/** Reads a frame CSV file (bytes): header with `target_id` and `stratum`. */
export function parseFrameCsv(bytes, onProgress) {
  const entries = [];
  try {
    readCsv(decodeUtf8(bytes), ['target_id', 'stratum'], (f, line) => entries.push([f[0], f[1], line]),
      onProgress && ((x) => onProgress({ phase: 'parse', fraction: x })));
  } catch (e) {
    if (e.name === 'CsvError') throw new InputError('frame', e.message);
    throw e;
  }
  return buildFrame(entries, onProgress && ((x) => onProgress({ phase: 'hash', fraction: x })));
}

/** The frame index of target id t (binary search in canonical order), or -1. */
export function findTarget(frame, t) {
  let lo = 0;
  let hi = frame.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareUtf8(frame.ids[mid], t);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}
