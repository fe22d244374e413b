// Secret commitment (§7.1), entropy digest (§7.2) and the keys of §10.
import { H, lp, taggedHash, TAGS } from './encoding.js';
import { concat, u32be } from './bytes.js';
import { beaconTrailer } from './beacon.js';

export const SPEC_VERSION = 'spotcheck-draw/1';
/** A joint draw of several departments (§17). */
export const JOINT_SPEC_VERSION = 'spotcheck-draw/2';
/** The versions this verifier implements. */
export const SUPPORTED_VERSIONS = Object.freeze([SPEC_VERSION, JOINT_SPEC_VERSION]);

/** secret_commitment = Ht("spotcheck/v1/secret", secret). */
export const secretCommitment = (secret) => taggedHash(TAGS.secret, secret);

/** entropy_digest = Ht(entropy, u32be(w) ‖ lp(name_i) ‖ lp(value_i) … ‖ beacon trailer). */
export function entropyDigest(witnesses, beacon = null) {
  const parts = [u32be(witnesses.length)];
  for (const w of witnesses) parts.push(lp(w.name), lp(w.value));
  parts.push(beaconTrailer(beacon));
  return taggedHash(TAGS.entropy, concat(...parts));
}

/** draw_key = Ht(draw-key, lp(spec version) ‖ commitment_hash ‖ secret ‖ entropy_digest) (§10, §17.1). */
export const drawKey = (commitmentHash, secret, entropyDigestBytes, version = SPEC_VERSION) =>
  taggedHash(TAGS.drawKey, lp(version), commitmentHash, secret, entropyDigestBytes);

/** stratum_key(s) = Ht(stratum, draw_key ‖ lp(s)). */
export const stratumKey = (key, s) => taggedHash(TAGS.stratum, key, lp(s));

/** assign_key = Ht(assign, draw_key). */
export const assignKey = (key) => taggedHash(TAGS.assign, key);

export { H };
