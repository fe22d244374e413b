// drand beacon rounds (draw spec §7.3) and the beacon slot of the entropy digest (§7.2).
//
// A commitment may fix a future round of a known drand chain (`entropy_source.drand`:
// {chain_hash, round}); the transcript then records that round as the relays publish it
// (`entropy.drand`: {chain_hash, round, signature, randomness}). This file:
//   - knows the chains of the §7.3 table (only quicknet), with their public keys, so a verifier
//     needs no network: the signature is in the transcript, the key is here;
//   - computes a round's time (genesis + (round − 1) · period, in BigInt so every round up to
//     2^53 − 1 is exact) and the round a commitment should promise;
//   - checks a round's BLS signature for scheme `bls-unchained-g1-rfc9380` with @noble/curves
//     (`bls12_381.shortSignatures`: signature in G1, public key in G2; message SHA-256(u64be(round)),
//     hashed to G1 by RFC 9380 with DST BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_); no pairing
//     code is written here;
//   - runs verification steps 7a–7g of §7.3 in order (checkDrawBeacon), each failure a FieldError
//     naming the same JSON path and code as the reference verifier (functions/domain/src/draw/beacon.rs);
//   - returns the trailing bytes of the entropy digest input: 0x00 without a beacon round,
//     0x01 ‖ chain_hash(32) ‖ u64be(round) ‖ randomness(32) with one.
// verify.js runs checkDrawBeacon as its `drand` check, between `witnesses` and `entropy_digest`;
// draw.js runs checkSource when committing and checkDrawBeacon when drawing (vectors 18–22).
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { H } from './hash.js';
import { bytesEqual, concat, fromHex, toHex, u64be } from './bytes.js';
import { FieldError } from './errors.js';

/** The largest round canonical JSON carries (§3, §7.3). */
export const MAX_ROUND = 2 ** 53 - 1;

/** RFC 9380 domain separation tag of scheme bls-unchained-g1-rfc9380. */
export const QUICKNET_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';

/** drand quicknet, as in the §7.3 table (from the chain's /info document). */
export const QUICKNET = Object.freeze({
  name: 'quicknet',
  chainHash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  scheme: 'bls-unchained-g1-rfc9380',
  publicKey: '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  genesis: 1692803367, // 2023-08-23T15:09:27Z, round 1
  period: 3,
});

/** The chains a commitment may name (§7.3 "Known chains"). */
export const KNOWN_CHAINS = Object.freeze([QUICKNET]);

/** The known chain with this (lower-case hex) chain hash, or null. */
export function knownChain(chainHashHex) {
  return KNOWN_CHAINS.find((c) => c.chainHash === chainHashHex) ?? null;
}

/** Unix seconds of `YYYY-MM-DDTHH:MM:SSZ` (already checked by text-rules.js), as a BigInt. */
export const unixOf = (timestamp) => BigInt(Date.parse(timestamp) / 1000);

/** §2 form of Unix seconds (a BigInt); beyond what a Date can show (year 275760), `Unix n`. */
export function timestampOf(seconds) {
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return `Unix ${seconds}`;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Time of round r ≥ 1 (Unix seconds, BigInt): genesis + (r − 1) · period; null for 0 or r > 2^53 − 1. */
export function roundTime(chain, round) {
  if (!Number.isSafeInteger(round) || round < 1) return null;
  return BigInt(chain.genesis) + BigInt(round - 1) * BigInt(chain.period);
}

/** The first round whose time is at or after Unix time t (§7.3 "Choosing the round"). */
export function firstRoundAtOrAfter(chain, t) {
  const since = BigInt(t) - BigInt(chain.genesis);
  if (since <= 0n) return 1;
  const p = BigInt(chain.period);
  return Number((since + p - 1n) / p + 1n);
}

/** The round a commitment made at `committedAt` promises: the first at least `margin` s later. */
export function chooseRound(chain, committedAt, marginSeconds = 60) {
  return { chain_hash: chain.chainHash, round: firstRoundAtOrAfter(chain, unixOf(committedAt) + BigInt(marginSeconds)) };
}

const u64 = (round) => u64be(BigInt(round));

const fail = (field, code, detail, values = {}) => new FieldError(field, detail, { code, ...values });

const keys = new Map(); // public key hex → the decoded G2 point, checked once (on the curve, in the subgroup)

function publicKeyOf(chain) {
  if (!keys.has(chain.publicKey)) keys.set(chain.publicKey, bls12_381.G2.Point.fromHex(chain.publicKey));
  return keys.get(chain.publicKey);
}

/**
 * §7.3 signature check (scheme bls-unchained-g1-rfc9380): true iff `signature` (bytes) is the
 * chain's signature of `round`. Malformed bytes (not 48 bytes, not a compressed G1 point, not in
 * the prime-order subgroup) are an error whose message says why.
 */
export function verifyRoundSignature(chain, round, signature, key = publicKeyOf(chain)) {
  if (chain.scheme !== 'bls-unchained-g1-rfc9380') throw new Error(`unknown scheme ${chain.scheme}`);
  const bls = bls12_381.shortSignatures;
  const sig = bls.Signature.fromBytes(signature); // throws on a malformed point
  const message = H(u64(round)); // unchained: no previous signature
  return bls.verify(sig, bls.hash(message, QUICKNET_DST), key);
}

/**
 * §7.3 steps 7e and 7f for a recorded round of `chain` (hex as in the transcript's writer form).
 * Returns the randomness bytes; throws a FieldError naming the field, as the reference verifier.
 */
export function checkRound(chain, round, signatureHex, randomnessHex) {
  let key;
  try {
    key = publicKeyOf(chain);
  } catch (e) {
    // A broken table entry, not a bad transcript; named as beacon.rs names it.
    throw fail('commitment.entropy_source.drand.chain_hash', 'beacon-chain-key', `drand ${chain.name} 链的公钥无效：${e.message}`);
  }
  const signature = fromHex(signatureHex);
  let valid;
  try {
    valid = verifyRoundSignature(chain, round, signature, key);
  } catch (e) {
    throw fail('entropy.drand.signature', 'beacon-signature', `第 ${round} 轮的签名格式错误：${e.message}`);
  }
  if (!valid) {
    throw fail('entropy.drand.signature', 'beacon-signature',
      `BLS 签名验证失败：这不是 drand ${chain.name} 链用其公钥对第 ${round} 轮的签名`);
  }
  const randomness = H(signature);
  if (!bytesEqual(randomness, fromHex(randomnessHex))) {
    throw fail('entropy.drand.randomness', 'beacon-randomness', 'randomness 不是签名的 SHA-256',
      { recorded: randomnessHex, recomputed: toHex(randomness) });
  }
  return randomness;
}

/**
 * §7.3 commitment check (7c; also what committing requires): the chain is known, the round is
 * usable and published strictly after `committedAt`. Returns { chain, time } (time: Unix seconds).
 */
export function checkSource(source, committedAt, path = 'commitment.entropy_source.drand') {
  const chain = knownChain(source.chain_hash);
  if (!chain) {
    throw fail(`${path}.chain_hash`, 'beacon-unknown-chain',
      `未知的 drand 链 ${source.chain_hash}（本页面只认识 quicknet ${QUICKNET.chainHash.slice(0, 8)}…，《抽取规范》第 7.3 节）`);
  }
  const time = roundTime(chain, source.round);
  if (time === null) {
    throw fail(`${path}.round`, 'beacon-invalid-round', `drand 轮次 ${source.round} 不可用（轮次从 1 到 2^53 − 1）`);
  }
  if (time <= unixOf(committedAt)) {
    throw fail(`${path}.round`, 'beacon-round-not-after-commit',
      `drand ${chain.name} 第 ${source.round} 轮发布于 ${timestampOf(time)}，不晚于承诺时间 ${committedAt}：承诺时其数值可能已为人所知`,
      { facts: { chain: chain.name, round: source.round, roundTime: timestampOf(time), committedAt } });
  }
  return { chain, time };
}

/**
 * §7.3 steps 7a–7g, in order, on the writer forms of `commitment.entropy_source` (source) and
 * `entropy` (given) of a transcript. Throws the first failure as a FieldError naming its field
 * (as the reference verifier does); returns null without a beacon round, else
 * { chain, chain_hash, round, time, randomness } for display.
 */
export function checkDrawBeacon(source, given, committedAt, drawnAt) {
  // 7a
  if (source.witnesses.length === 0 && source.drand === undefined) {
    throw fail('commitment.entropy_source', 'invalid-parameters', '既没有指定见证人，也没有指定 drand 轮次（见《抽取规范》第 7.3 节）');
  }
  // 7b
  if (source.drand === undefined && given.drand === undefined) return null;
  if (given.drand === undefined) {
    throw fail('entropy.drand', 'beacon-missing', `承诺指定了 drand 第 ${source.drand.round} 轮，誊本中却没有该轮的数据`);
  }
  if (source.drand === undefined) {
    throw fail('entropy.drand', 'beacon-unexpected', '誊本中有 drand 轮次，但承诺没有指定任何 drand 轮次');
  }
  // 7c
  const { chain, time } = checkSource(source.drand, committedAt);
  // 7d
  const b = given.drand;
  if (b.chain_hash !== source.drand.chain_hash) {
    throw fail('entropy.drand.chain_hash', 'beacon-chain-mismatch', '该轮次来自与承诺不同的 drand 链',
      { recorded: b.chain_hash, recomputed: source.drand.chain_hash });
  }
  if (b.round !== source.drand.round) {
    throw fail('entropy.drand.round', 'beacon-round-mismatch', '该轮次不是承诺指定的轮次',
      { recorded: b.round, recomputed: source.drand.round });
  }
  // 7e, 7f
  checkRound(chain, b.round, b.signature, b.randomness);
  // 7g
  if (unixOf(drawnAt) < time) {
    throw fail('drawn_at', 'beacon-too-early',
      `drand 第 ${b.round} 轮发布于 ${timestampOf(time)}，抽取时间 ${drawnAt} 早于此时间`,
      { recorded: drawnAt, recomputed: `≥ ${timestampOf(time)}`, facts: { round: b.round, roundTime: timestampOf(time), drawnAt } });
  }
  return { chain: chain.name, chain_hash: chain.chainHash, round: b.round, time: timestampOf(time), randomness: b.randomness };
}

/** The beacon of an `entropy` writer form as digest input ({ chainHash, round, randomness } bytes), or null. */
export function beaconOf(entropy) {
  const d = entropy.drand;
  if (d === undefined) return null;
  return { chainHash: fromHex(d.chain_hash), round: d.round, randomness: fromHex(d.randomness) };
}

/** The trailing bytes of the entropy digest input: 0x00, or 0x01 ‖ chain_hash ‖ u64be(round) ‖ randomness. */
export function beaconTrailer(beacon) {
  if (beacon == null) return new Uint8Array([0x00]);
  return concat(new Uint8Array([0x01]), beacon.chainHash, u64(beacon.round), beacon.randomness);
}
