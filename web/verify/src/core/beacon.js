// The beacon slot of the entropy digest (draw spec §7.2).
//
// Version 1 never uses a beacon: the digest ends with the single byte 0x00 ("no beacon round").
// The spec reserves 0x01 ‖ chain_hash(32) ‖ u64be(round) ‖ randomness(32) for a drand round.
// When a later spec version uses it, add here:
//   - reading `entropy.beacon` / `entropy_source.beacon` (a v1 verifier MUST reject them, which
//     model.js does by refusing unknown members);
//   - verifying the round's BLS signature against the chain's public key (e.g. @noble/curves
//     bls12-381) and that randomness = H(signature);
//   - a check entry in verify.js's CHECKS list, run before `entropy_digest`.
// and return the 0x01 form from beaconTrailer().
import { concat, u64be } from './bytes.js';

/** The trailing bytes of the entropy digest input for `beacon` (null in version 1). */
export function beaconTrailer(beacon) {
  if (beacon == null) return new Uint8Array([0x00]);
  // Reserved layout (§7.2); not accepted by any v1 reader, kept so the encoding lives in one place.
  return concat(new Uint8Array([0x01]), beacon.chainHash, u64be(beacon.round), beacon.randomness);
}
