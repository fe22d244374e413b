// The random stream (draw spec §8): ChaCha20 keystream (RFC 8439, zero nonce, counter from 0)
// read as little-endian 64-bit words; below(n); partial Fisher–Yates shuffle_prefix(n, k).
import { chacha20 } from '@noble/ciphers/chacha.js';

const TWO64 = 1n << 64n;
const NONCE = new Uint8Array(12);
const BLOCK = 64;

/** A stream of u64 words (BigInt) keyed by a 32-byte key. */
export class WordStream {
  constructor(key) {
    if (!(key instanceof Uint8Array) || key.length !== 32) throw new TypeError('stream key must be 32 bytes');
    this.key = key;
    this.block = 0; // next block counter to generate
    this.buf = new Uint8Array(0);
    this.view = new DataView(this.buf.buffer);
    this.off = 0;
    this.chunkBlocks = 4;
    this.words = 0; // words read so far
  }

  /** The next 64-bit word: keystream bytes 8i … 8i+7, little-endian. */
  next() {
    if (this.off >= this.buf.length) {
      const blocks = this.chunkBlocks;
      this.buf = chacha20(this.key, NONCE, new Uint8Array(blocks * BLOCK), undefined, this.block);
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
      this.block += blocks;
      this.off = 0;
      this.chunkBlocks = Math.min(blocks * 2, 1024);
    }
    const w = this.view.getBigUint64(this.off, true);
    this.off += 8;
    this.words++;
    return w;
  }

  /** below(n), n ≥ 1 (§8.2): rejection sampling, never a library helper. Returns a Number. */
  below(n) {
    if (!(Number.isSafeInteger(n) && n >= 1)) throw new RangeError(`below(${n})`);
    const bn = BigInt(n);
    const rem = TWO64 % bn;
    const limit = TWO64 - rem;
    for (;;) {
      const x = this.next();
      if (rem === 0n || x < limit) return Number(x % bn);
    }
  }
}

/** shuffle_prefix(n, k) (§8.3) over a virtual [0, n): a map holds only swapped positions. */
export function shufflePrefix(stream, n, k) {
  if (!(k >= 0 && k <= n)) throw new RangeError(`shuffle_prefix(${n}, ${k})`);
  const swapped = new Map();
  const at = (i) => (swapped.has(i) ? swapped.get(i) : i);
  const out = [];
  for (let i = 0; i < k; i++) {
    const j = i + stream.below(n - i);
    const ai = at(i);
    const aj = at(j);
    swapped.set(i, aj);
    swapped.set(j, ai);
    out.push(aj);
  }
  return out;
}
