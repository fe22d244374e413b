// Byte-level helpers (draw spec §2): UTF-8, hex, big-endian integers, byte-order string comparison.

const encoder = new TextEncoder();

/** utf8(s): the UTF-8 bytes of s, exactly as given (no normalisation). */
export function utf8(s) {
  return encoder.encode(s);
}

/** Number of UTF-8 bytes of s, without allocating. Lone surrogates count as U+FFFD (3 bytes). */
export function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** True when s contains an unpaired UTF-16 surrogate (not representable in UTF-8). */
export function hasLoneSurrogate(s) {
  return /\p{Surrogate}/u.test(s);
}

/** u32be(n): 4 bytes, big-endian. */
export function u32be(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`u32be: ${n}`);
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/** u64be(n): 8 bytes, big-endian (n a BigInt or a safe integer). */
export function u64be(n) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), false);
  return out;
}

/** a ‖ b ‖ …: concatenation. */
export function concat(...parts) {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of bytes (writers MUST use lower case, §2). */
export function toHex(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

/** Bytes of a hex string (either case). Throws on odd length or a non-hex character. */
export function fromHex(hex) {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

/** Equality of two byte arrays. */
export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const isSurrogate = (c) => c >= 0xd800 && c <= 0xdfff;

/**
 * Compare two strings by their UTF-8 bytes as unsigned bytes (§2 "byte order"), i.e. by code
 * point. JavaScript's `<` compares UTF-16 code units, which differs for code points above U+FFFF
 * versus U+E000…U+FFFF (vector 06-byte-order); this handles that without encoding.
 */
export function compareUtf8(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      const sa = isSurrogate(ca);
      const sb = isSurrogate(cb);
      if (sa !== sb) return sa ? 1 : -1; // a supplementary code point sorts after any BMP one
      return ca < cb ? -1 : 1;
    }
  }
  return a.length - b.length;
}

/** Compare by UTF-16 code units (RFC 8785 member order, §3). */
export function compareUtf16(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
