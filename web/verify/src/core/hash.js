// H(x) = SHA-256 (draw spec §2), from the audited @noble/hashes library. Every hash in the
// verifier goes through this module.
import { sha256 } from '@noble/hashes/sha2.js';

/** H(x): SHA-256 of the bytes x; 32 bytes. */
export function H(x) {
  return sha256(x);
}

/** An incremental SHA-256 (update / digest), for hashing a message given in parts. */
export function hasher() {
  return sha256.create();
}

/**
 * SHA-256 of short messages (at most 119 bytes: one or two blocks) without per-call allocation,
 * for the hundreds of thousands of Merkle leaves and nodes of a large frame. The compression
 * function is noble's own (`process`, the FIPS 180-4 block function); only the padding (FIPS
 * 180-4 §5.1.1: 0x80, zeros, the bit length as u64be) is done here. A self-test against noble's
 * complete sha256() runs when the module loads, so a change of noble's internals fails loudly
 * instead of hashing wrongly; the known-answer vectors check it again.
 *
 * Usage: write the message into `h.buf[0 … len)`, then `h.digestInto(len, outView, offset)`.
 */
export class ShortHasher {
  constructor() {
    this.core = sha256.create();
    this.iv = this.core.get();
    this.buf = new Uint8Array(512); // room for any §4.1 leaf; only [0, 128) is hashed here
    this.view = new DataView(this.buf.buffer);
  }

  digestInto(len, outView, off) {
    if (!(len >= 0 && len <= 119)) throw new RangeError(`ShortHasher: ${len} bytes`);
    const { buf, view, core } = this;
    const end = len <= 55 ? 64 : 128;
    buf[len] = 0x80;
    buf.fill(0, len + 1, end - 4);
    view.setUint32(end - 4, len * 8, false);
    const iv = this.iv;
    core.set(iv[0], iv[1], iv[2], iv[3], iv[4], iv[5], iv[6], iv[7]);
    core.process(view, 0);
    if (end === 128) core.process(view, 64);
    outView.setInt32(off, core.A, false);
    outView.setInt32(off + 4, core.B, false);
    outView.setInt32(off + 8, core.C, false);
    outView.setInt32(off + 12, core.D, false);
    outView.setInt32(off + 16, core.E, false);
    outView.setInt32(off + 20, core.F, false);
    outView.setInt32(off + 24, core.G, false);
    outView.setInt32(off + 28, core.H, false);
  }
}

// Self-test: every length 0…119 against noble's complete sha256().
(function selfTest() {
  const h = new ShortHasher();
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let len = 0; len <= 119; len++) {
    const msg = Uint8Array.from({ length: len }, (_, i) => (i * 131 + len * 7) & 0xff);
    h.buf.set(msg);
    h.digestInto(len, outView, 0);
    const want = sha256(msg);
    for (let i = 0; i < 32; i++) {
      if (out[i] !== want[i]) throw new Error(`ShortHasher disagrees with sha256() at ${len} bytes: @noble/hashes changed`);
    }
  }
})();
