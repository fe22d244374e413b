// Length-prefixed encoding and tagged hashes (draw spec §2).
import { H, hasher } from './hash.js';
import { concat, u32be, utf8 } from './bytes.js';

/** The tags of version 1 (§2). */
export const TAGS = Object.freeze({
  secret: 'spotcheck/v1/secret',
  entropy: 'spotcheck/v1/entropy',
  drawKey: 'spotcheck/v1/draw-key',
  stratum: 'spotcheck/v1/stratum',
  assign: 'spotcheck/v1/assign',
  genFrame: 'spotcheck/v1/gen-frame',
  genPool: 'spotcheck/v1/gen-pool',
});

/** lp(x) = u32be(len(x)) ‖ x; a string is taken as its UTF-8 bytes. */
export function lp(x) {
  const bytes = typeof x === 'string' ? utf8(x) : x;
  return concat(u32be(bytes.length), bytes);
}

/** Ht(tag, x) = H(lp(tag) ‖ x), with x given as one or more byte arrays (concatenated). */
export function taggedHash(tag, ...parts) {
  const h = hasher();
  h.update(lp(tag));
  for (const p of parts) h.update(p);
  return h.digest();
}

export { H };
