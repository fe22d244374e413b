// H(x) = SHA-256 (draw spec §2), from the audited @noble/hashes library. Every hash in the
// verifier goes through this module.
//
// The frame's Merkle tree (about 300,000 compressions for 100,000 entries) can also be hashed by
// hash-wasm's WebAssembly SHA-256 (npm `hash-wasm`, MIT, by Dani Biró; not audited, so it is
// only ever used after it agreed with noble's sha256() on every message length the tree uses,
// see wasmSelfTest; anything else — and everything where WebAssembly cannot start — stays on
// noble). In Chromium it hashes a 65-byte Merkle node about 3× faster than JavaScript can.
import { sha256 } from '@noble/hashes/sha2.js';
import { createSHA256 } from 'hash-wasm';

/** Messages this long or longer are hashed by hash-wasm once it is loaded (and self-tested). */
const LONG = 1024;

/**
 * H(x): SHA-256 of the bytes x; 32 bytes. Long messages (a transcript's canonical JSON, 100 KB
 * for 1,000 selections) go to hash-wasm once it has passed its self-test: several times faster.
 */
export function H(x) {
  if (wasm !== null && x.length >= LONG && wasmAllowed !== 'noble') {
    wasm.init();
    wasm.update(x);
    return wasm.digest('binary');
  }
  return sha256(x);
}

/** An incremental SHA-256 (update / digest), for hashing a message given in parts. */
export function hasher() {
  return sha256.create();
}

/** hash-wasm's SHA-256 once loaded and self-tested, else null. */
let wasm = null;
/** Why the WebAssembly SHA-256 is not used (null when it is, or while it loads). */
let wasmProblem = 'loading';

/**
 * Compares hash-wasm's SHA-256 with noble's sha256() on every length 0…200 and on long messages
 * (around LONG, hash-wasm's 16 KiB buffer, and 100 KB); throws on the first difference.
 */
function wasmSelfTest(h) {
  const lengths = [...Array.from({ length: 201 }, (_, len) => len), LONG, LONG + 1, 16383, 16384, 16385, 100_003];
  for (const len of lengths) {
    const msg = Uint8Array.from({ length: len }, (_, i) => (i * 167 + (i >> 8) * 7 + len * 13 + 5) & 0xff);
    h.init();
    h.update(msg);
    const got = h.digest('binary');
    const want = sha256(msg);
    for (let i = 0; i < 32; i++) {
      if (got[i] !== want[i]) throw new Error(`hash-wasm SHA-256 disagrees with @noble/hashes at ${len} bytes`);
    }
  }
}

/**
 * hash-wasm's WebAssembly instance behind `h`, when it can be reached: createSHA256() keeps it
 * private, so it is captured while createSHA256() instantiates it (WebAssembly.instantiate is
 * wrapped for that one call). Its one-shot export Hash_Calculate(length, 256) hashes the bytes at
 * Hash_GetBuffer() and leaves the digest there: one call into WebAssembly per message instead of
 * the three (init, update, digest), the copies and the result array of the public API, which in
 * Chromium cost as much as the hashing for the Merkle tree's 65-byte messages. Returns
 * { h, direct } with direct null when the instance did not have the expected exports (a future
 * hash-wasm): the public API is used then.
 */
async function createCaptured() {
  const wa = WebAssembly;
  const instantiate = wa.instantiate;
  let instance = null;
  wa.instantiate = function captureInstance(...args) {
    return instantiate.apply(this, args).then((r) => {
      instance = r instanceof wa.Instance ? r : (r?.instance ?? null);
      return r;
    });
  };
  let h;
  try {
    h = await createSHA256();
  } finally {
    wa.instantiate = instantiate;
  }
  const ex = instance?.exports;
  if (!ex || typeof ex.Hash_Calculate !== 'function' || typeof ex.Hash_GetBuffer !== 'function'
    || !(ex.memory instanceof wa.Memory)) return { h, direct: null };
  const at = ex.Hash_GetBuffer();
  // hash-wasm's buffer is 16 KiB (its MAX_HEAP) and its memory cannot grow, so the view stays valid.
  if (!(at >= 0 && at + 16384 <= ex.memory.buffer.byteLength)) return { h, direct: null };
  return { h, direct: { calc: ex.Hash_Calculate, buf: new Uint8Array(ex.memory.buffer, at, 16384) } };
}

/** The direct path's self-test: Hash_Calculate against noble's sha256() on every length 0…200. */
function directSelfTest(d) {
  for (let len = 0; len <= 200; len++) {
    for (let i = 0; i < len; i++) d.buf[i] = (i * 151 + len * 11 + 3) & 0xff;
    const want = sha256(d.buf.slice(0, len));
    d.calc(len, 256);
    for (let i = 0; i < 32; i++) {
      if (d.buf[i] !== want[i]) throw new Error(`hash-wasm Hash_Calculate disagrees with @noble/hashes at ${len} bytes`);
    }
  }
}

/** hash-wasm's one-shot entry point (see createCaptured), self-tested, or null. */
let direct = null;

/**
 * Starts loading the WebAssembly SHA-256 (once); resolves to true when the short-message hashing
 * below uses it, false when it stays on noble (no WebAssembly, a Content-Security-Policy without
 * 'wasm-unsafe-eval', or a failed self-test).
 */
let loading = null;
export function loadWasmSha256() {
  loading ??= (typeof WebAssembly === 'undefined' ? Promise.reject(new Error('no WebAssembly')) : createCaptured())
    .then(({ h, direct: d }) => {
      wasmSelfTest(h);
      if (d) {
        try {
          directSelfTest(d);
          direct = d;
        } catch {
          direct = null; // the public API passed its test: use that
        }
      }
      wasm = h;
      wasmProblem = null;
      return true;
    })
    .catch((e) => {
      wasmProblem = String(e?.message ?? e);
      return false;
    });
  return loading;
}

/** 'wasm' or 'noble': which SHA-256 ShortHasher uses now, and why not wasm. */
export function shortHashBackend() {
  if (!wasm) return { backend: 'noble', why: wasmProblem };
  return direct ? { backend: 'wasm', entry: 'Hash_Calculate' } : { backend: 'wasm', entry: 'api' };
}

/**
 * For tests: which SHA-256 new ShortHashers use: 'noble', 'api' (hash-wasm's public API) or
 * 'direct' (its Hash_Calculate, when loaded); true means the fastest loaded, false noble.
 */
let wasmAllowed = 'direct';
export function allowWasm(on) {
  wasmAllowed = on === true ? 'direct' : on === false ? 'noble' : on;
}

/**
 * SHA-256 of short messages (at most 119 bytes: one or two blocks) without per-call allocation,
 * for the hundreds of thousands of Merkle leaves and nodes of a large frame: hash-wasm's
 * SHA-256 once loadWasmSha256() has resolved (and passed its self-test), else noble's own
 * compression function (`process`, the FIPS 180-4 block function) with the padding (FIPS 180-4
 * §5.1.1: 0x80, zeros, the bit length as u64be) done here. A self-test against noble's complete
 * sha256() runs when this module loads, so a change of noble's internals fails loudly instead of
 * hashing wrongly; the known-answer vectors check it again.
 *
 * Usage: write the message into `h.buf[0 … len)`, then `h.digestInto(len, out, offset)` writes
 * the 32-byte hash into the Uint8Array `out` at `offset`.
 */
export class ShortHasher {
  constructor() {
    this.direct = wasmAllowed === 'direct' ? direct : null;
    this.wasm = wasmAllowed !== 'noble' && this.direct === null ? wasm : null;
    // noble's state, made only where noble hashes (a Merkle tree makes a ShortHasher per chunk).
    this.core = null;
    this.iv = null;
    if (this.direct) {
      // The message is written straight into hash-wasm's buffer (shared by every ShortHasher of
      // this thread: each message is hashed as soon as it is written). The digest lands there too.
      this.buf = this.direct.buf;
      this.calc = this.direct.calc;
      this.digest = this.buf.subarray(0, 32);
    } else {
      this.buf = new Uint8Array(512); // room for any §4.1 leaf; only [0, 128) is hashed here
    }
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, 512);
    // Views of buf[0 … len) by length, so the WebAssembly path allocates nothing per message.
    this.prefix = [];
    this.out = null;
    this.outView = null;
  }

  digestInto(len, out, off) {
    if (!(len >= 0 && len <= 119)) throw new RangeError(`ShortHasher: ${len} bytes`);
    if (this.direct !== null) {
      this.calc(len, 256);
      out.set(this.digest, off);
      return;
    }
    const w = this.wasm;
    if (w !== null) {
      let msg = this.prefix[len];
      if (msg === undefined) this.prefix[len] = msg = this.buf.subarray(0, len);
      w.init();
      w.update(msg);
      out.set(w.digest('binary'), off);
      return;
    }
    if (this.core === null) {
      this.core = sha256.create();
      this.iv = this.core.get();
    }
    const { buf, view, core } = this;
    const end = len <= 55 ? 64 : 128;
    buf[len] = 0x80;
    buf.fill(0, len + 1, end - 4);
    view.setUint32(end - 4, len * 8, false);
    const iv = this.iv;
    core.set(iv[0], iv[1], iv[2], iv[3], iv[4], iv[5], iv[6], iv[7]);
    core.process(view, 0);
    if (end === 128) core.process(view, 64);
    if (this.out !== out) {
      this.out = out;
      this.outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
    }
    const ov = this.outView;
    ov.setInt32(off, core.A, false);
    ov.setInt32(off + 4, core.B, false);
    ov.setInt32(off + 8, core.C, false);
    ov.setInt32(off + 12, core.D, false);
    ov.setInt32(off + 16, core.E, false);
    ov.setInt32(off + 20, core.F, false);
    ov.setInt32(off + 24, core.G, false);
    ov.setInt32(off + 28, core.H, false);
  }
}

// Self-test: every length 0…119 against noble's complete sha256().
(function selfTest() {
  const h = new ShortHasher();
  h.wasm = null;
  h.direct = null;
  const out = new Uint8Array(32);
  for (let len = 0; len <= 119; len++) {
    const msg = Uint8Array.from({ length: len }, (_, i) => (i * 131 + len * 7) & 0xff);
    h.buf.set(msg);
    h.digestInto(len, out, 0);
    const want = sha256(msg);
    for (let i = 0; i < 32; i++) {
      if (out[i] !== want[i]) throw new Error(`ShortHasher disagrees with sha256() at ${len} bytes: @noble/hashes changed`);
    }
  }
})();

// Start loading now (it is asynchronous); until it has resolved, ShortHasher uses noble.
loadWasmSha256();
