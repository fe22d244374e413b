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
