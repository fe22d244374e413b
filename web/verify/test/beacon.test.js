// drand beacon rounds (draw spec §7.3) in the independent verifier: real quicknet rounds verify
// with @noble/curves, corrupted ones are refused, and every beacon field of a transcript, changed,
// is named as functions/domain/src/draw/beacon.rs names it. No network: the rounds are the
// recorded ones of fixtures/beacons/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, loadVector, vectorInputs } from './support.js';
import { fromHex, toHex } from '../src/core/bytes.js';
import { H } from '../src/core/hash.js';
import { canonicalBytes } from '../src/core/canonical-json.js';
import { verifyDraw, CHECKS } from '../src/core/verify.js';
import {
  QUICKNET, KNOWN_CHAINS, MAX_ROUND, knownChain, roundTime, timestampOf, unixOf, firstRoundAtOrAfter,
  chooseRound, verifyRoundSignature, checkRound, checkSource, checkDrawBeacon, beaconTrailer,
} from '../src/core/beacon.js';

const recorded = (round) =>
  JSON.parse(readFileSync(join(ROOT, `fixtures/beacons/quicknet-${round}.json`), 'utf8'));
const R123 = recorded(123);
const R1000 = recorded(1000);
// drand fastnet's group key (as in beacon.rs's tests): a valid G2 point that is not quicknet's.
const FASTNET_KEY = 'a0b862a7527fee3a731bcb59280ab6abd62d5c0b6ea03dc4ddf6612fdfc9d01f01c31542541771903475eb1ec6615f8d0df0b8b6dce385811d6dcf8cbefb8759e5e616a3dfd054c928940766d9a5b9db91e3b697e5d70a975181e007f87fca5e';

test('the quicknet constants are the §7.3 table', () => {
  const spec = readFileSync(join(ROOT, 'docs/draw-spec.md'), 'utf8');
  const row = spec.split('\n').find((l) => l.startsWith('| quicknet |'));
  assert.ok(row, 'no quicknet row in the spec table');
  for (const s of [QUICKNET.chainHash, QUICKNET.publicKey, QUICKNET.scheme, String(QUICKNET.genesis), `${QUICKNET.period} s`]) {
    assert.ok(row.includes(s), `${s} is not in the spec's quicknet row`);
  }
  assert.deepEqual(KNOWN_CHAINS, [QUICKNET]);
  assert.equal(knownChain(QUICKNET.chainHash), QUICKNET);
  assert.equal(knownChain('11'.repeat(32)), null);
});

test('round times follow drand (genesis + (r − 1) · period), exactly up to 2^53 − 1', () => {
  assert.equal(roundTime(QUICKNET, 0), null);
  assert.equal(roundTime(QUICKNET, MAX_ROUND + 1), null);
  assert.equal(timestampOf(roundTime(QUICKNET, 1)), '2023-08-23T15:09:27Z');
  assert.equal(timestampOf(roundTime(QUICKNET, 123)), '2023-08-23T15:15:33Z');
  assert.equal(timestampOf(roundTime(QUICKNET, 1000)), '2023-08-23T15:59:24Z');
  // (2^53 − 2) · 3 is not a safe integer: the time is computed exactly in BigInt.
  assert.equal(roundTime(QUICKNET, MAX_ROUND), 1692803367n + (2n ** 53n - 2n) * 3n);
});

test('the promised round is the first at or after committed_at + margin', () => {
  const g = BigInt(QUICKNET.genesis);
  assert.equal(firstRoundAtOrAfter(QUICKNET, g - 100n), 1);
  assert.equal(firstRoundAtOrAfter(QUICKNET, g), 1);
  assert.equal(firstRoundAtOrAfter(QUICKNET, g + 1n), 2);
  assert.equal(firstRoundAtOrAfter(QUICKNET, g + 3n), 2);
  assert.equal(firstRoundAtOrAfter(QUICKNET, g + 4n), 3);
  for (let t = g - 5n; t < g + 40n; t++) {
    const r = firstRoundAtOrAfter(QUICKNET, t);
    assert.ok(roundTime(QUICKNET, r) >= t);
    if (r > 1) assert.ok(roundTime(QUICKNET, r - 1) < t);
  }
  // Vectors 18 and 19: committed 62 s and 62 s before their rounds, default margin 60 s.
  assert.deepEqual(chooseRound(QUICKNET, '2023-08-23T15:58:22Z'), { chain_hash: QUICKNET.chainHash, round: 1000 });
  assert.equal(chooseRound(QUICKNET, '2023-08-23T15:14:31Z').round, 123);
});

test('real quicknet rounds 123 and 1000 verify; randomness is SHA-256 of the signature', () => {
  for (const r of [R123, R1000]) {
    assert.equal(verifyRoundSignature(QUICKNET, r.round, fromHex(r.signature)), true, `round ${r.round}`);
    assert.equal(toHex(H(fromHex(r.signature))), r.randomness);
  }
});

test('corrupted rounds are refused: another round, flipped bits, another key, bad encodings', () => {
  // Round 123's signature presented as round 124, and round 1000's as 999 and 1001.
  assert.equal(verifyRoundSignature(QUICKNET, 124, fromHex(R123.signature)), false);
  assert.equal(verifyRoundSignature(QUICKNET, 999, fromHex(R1000.signature)), false);
  assert.equal(verifyRoundSignature(QUICKNET, 1001, fromHex(R1000.signature)), false);
  // One flipped bit anywhere: not a point, not in the subgroup, or not the signature.
  const good = fromHex(R1000.signature);
  for (const bit of [0, 1, 2, 7, 100, 200, 383]) {
    const bad = good.slice();
    bad[bit >> 3] ^= 0x80 >> (bit & 7);
    let ok;
    try {
      ok = verifyRoundSignature(QUICKNET, 1000, bad);
    } catch {
      ok = false;
    }
    assert.equal(ok, false, `bit ${bit}`);
  }
  // Another chain's key.
  assert.equal(verifyRoundSignature({ ...QUICKNET, publicKey: FASTNET_KEY }, 1000, good), false);
  // Wrong lengths, and the point at infinity.
  assert.throws(() => verifyRoundSignature(QUICKNET, 1000, good.subarray(0, 47)));
  assert.throws(() => verifyRoundSignature(QUICKNET, 1000, new Uint8Array([...good, 0])));
  let inf;
  try {
    inf = verifyRoundSignature(QUICKNET, 1000, fromHex(`c0${'00'.repeat(47)}`));
  } catch {
    inf = false;
  }
  assert.equal(inf, false);
});

test('7e/7f name the field: bad signature, bad randomness, and a broken key table entry', () => {
  const named = (f) => {
    try {
      f();
    } catch (e) {
      return [e.field, e.code];
    }
    return 'ok';
  };
  assert.equal(toHex(checkRound(QUICKNET, 1000, R1000.signature, R1000.randomness)), R1000.randomness);
  assert.deepEqual(named(() => checkRound(QUICKNET, 1001, R1000.signature, R1000.randomness)),
    ['entropy.drand.signature', 'beacon-signature']);
  assert.deepEqual(named(() => checkRound(QUICKNET, 1000, R1000.signature, R123.randomness)),
    ['entropy.drand.randomness', 'beacon-randomness']);
  // A key that is not a G2 point (last byte changed) is the table's fault, named as beacon.rs does.
  const broken = { ...QUICKNET, publicKey: `${QUICKNET.publicKey.slice(0, -1)}b` };
  assert.deepEqual(named(() => checkRound(broken, 1000, R1000.signature, R1000.randomness)),
    ['commitment.entropy_source.drand.chain_hash', 'beacon-chain-key']);
});

test('the beacon block of the entropy digest is 0x01 ‖ chain_hash ‖ u64be(round) ‖ randomness', () => {
  assert.equal(toHex(beaconTrailer(null)), '00');
  const b = { chainHash: fromHex(QUICKNET.chainHash), round: 1000, randomness: fromHex(R1000.randomness) };
  assert.equal(toHex(beaconTrailer(b)), `01${QUICKNET.chainHash}00000000000003e8${R1000.randomness}`);
});

test('commit-time checks: known chain, usable round, round strictly after committed_at', () => {
  const code = (f) => {
    try {
      f();
    } catch (e) {
      return [e.field, e.code];
    }
    return 'ok';
  };
  const src = (round, chain_hash = QUICKNET.chainHash) => ({ chain_hash, round });
  assert.equal(code(() => checkSource(src(1000), '2023-08-23T15:59:23Z')), 'ok');
  assert.deepEqual(code(() => checkSource(src(1000), '2023-08-23T15:59:24Z')),
    ['commitment.entropy_source.drand.round', 'beacon-round-not-after-commit']);
  assert.deepEqual(code(() => checkSource(src(0), '2023-08-23T15:00:00Z')),
    ['commitment.entropy_source.drand.round', 'beacon-invalid-round']);
  assert.deepEqual(code(() => checkSource(src(1000, '11'.repeat(32)), '2023-08-23T15:00:00Z')),
    ['commitment.entropy_source.drand.chain_hash', 'beacon-unknown-chain']);
  assert.deepEqual(code(() => checkDrawBeacon({ witnesses: [] }, { witnesses: [] }, '2023-08-23T15:00:00Z', '2023-08-23T16:00:00Z')),
    ['commitment.entropy_source', 'invalid-parameters']);
});

// Vector 18's frozen transcript with one change, verified against its frame and pool.
const v18 = loadVector('18-drand-quicknet.json');
const { frame, pool } = vectorInputs(v18.inputs);
const original = v18.expected.transcript;

async function failureAfter(change, { rehash = false, published = false } = {}) {
  const t = structuredClone(original);
  change(t);
  if (rehash) t.commitment_hash = toHex(H(canonicalBytes(t.commitment)));
  const r = await verifyDraw({ transcript: t, published: published ? original.commitment : null,
    loadFrame: () => frame, loadPool: () => pool });
  return r.ok ? 'ok' : r.failure;
}

test('vector 18 verifies and its drand check reports the round and chain', async () => {
  const r = await verifyDraw({ transcript: original, loadFrame: () => frame, loadPool: () => pool });
  assert.ok(r.ok, JSON.stringify(r.failure));
  const ids = CHECKS.map((c) => c.id);
  assert.equal(ids.indexOf('drand'), ids.indexOf('witnesses') + 1);
  // §14: 7a–7g (drand), then 7h (drawn_at), then step 8.
  assert.equal(ids.indexOf('drawn_at'), ids.indexOf('drand') + 1);
  assert.equal(ids.indexOf('entropy_digest'), ids.indexOf('drawn_at') + 1);
  const drand = r.checks.find((c) => c.id === 'drand');
  assert.equal(drand.status, 'pass');
  assert.deepEqual(drand.beacon, {
    chain: 'quicknet', chain_hash: QUICKNET.chainHash, round: 1000, time: '2023-08-23T15:59:24Z', randomness: R1000.randomness,
  });
  assert.equal(r.summary.drand.round, 1000);
  // A witness-only draw passes the check with no beacon to show.
  const v1 = loadVector('01-minimal.json');
  const w = vectorInputs(v1.inputs);
  const r1 = await verifyDraw({ transcript: v1.expected.transcript, loadFrame: () => w.frame, loadPool: () => w.pool });
  assert.ok(r1.ok);
  assert.equal(r1.checks.find((c) => c.id === 'drand').beacon, null);
});

test('every beacon change is named as the reference verifier names it (beacon.rs BeaconError::field)', async () => {
  const flip = (hex, bit) => {
    const b = fromHex(hex);
    b[bit >> 3] ^= 0x80 >> (bit & 7);
    return toHex(b);
  };
  const cases = [
    // [what, change, field, code, options]
    ['one flipped signature bit (last)', (t) => (t.entropy.drand.signature = flip(t.entropy.drand.signature, 383)),
      'entropy.drand.signature', 'beacon-signature'],
    ['one flipped signature bit (compression flag)', (t) => (t.entropy.drand.signature = flip(t.entropy.drand.signature, 0)),
      'entropy.drand.signature', 'beacon-signature'],
    ['flipped bit, randomness its SHA-256', (t) => {
      t.entropy.drand.signature = flip(t.entropy.drand.signature, 100);
      t.entropy.drand.randomness = toHex(H(fromHex(t.entropy.drand.signature)));
    }, 'entropy.drand.signature', 'beacon-signature'],
    ['round 123\'s signature as round 1000', (t) => {
      t.entropy.drand.signature = R123.signature;
      t.entropy.drand.randomness = R123.randomness;
    }, 'entropy.drand.signature', 'beacon-signature'],
    ['a 47-byte signature', (t) => (t.entropy.drand.signature = t.entropy.drand.signature.slice(0, -2)),
      'entropy.drand.signature', 'beacon-signature'],
    ['the point at infinity', (t) => (t.entropy.drand.signature = `c0${'00'.repeat(47)}`),
      'entropy.drand.signature', 'beacon-signature'],
    ['randomness not SHA-256 of the signature', (t) => (t.entropy.drand.randomness = '00'.repeat(32)),
      'entropy.drand.randomness', 'beacon-randomness'],
    ['wrong round (1001)', (t) => (t.entropy.drand.round = 1001), 'entropy.drand.round', 'beacon-round-mismatch'],
    ['wrong round (0)', (t) => (t.entropy.drand.round = 0), 'entropy.drand.round', 'beacon-round-mismatch'],
    ['wrong chain hash', (t) => (t.entropy.drand.chain_hash = '11'.repeat(32)), 'entropy.drand.chain_hash', 'beacon-chain-mismatch'],
    ['no beacon round in the transcript', (t) => delete t.entropy.drand, 'entropy.drand', 'beacon-missing'],
    ['drawn one second before the round', (t) => (t.drawn_at = '2023-08-23T15:59:23Z'), 'drawn_at', 'beacon-too-early'],
    // A changed promise is caught by the commitment hash before the beacon checks...
    ['committed round changed', (t) => (t.commitment.entropy_source.drand.round = 999), 'commitment_hash'],
    ['committed chain changed', (t) => (t.commitment.entropy_source.drand.chain_hash = '11'.repeat(32)), 'commitment_hash'],
    // ...and, with the commitment hash recomputed too, by 7c.
    ['unknown committed chain (rehashed)', (t) => {
      t.commitment.entropy_source.drand.chain_hash = '11'.repeat(32);
      t.entropy.drand.chain_hash = '11'.repeat(32);
    }, 'commitment.entropy_source.drand.chain_hash', 'beacon-unknown-chain', { rehash: true }],
    ['round not after the commitment (rehashed)', (t) => (t.commitment.committed_at = '2023-08-23T15:59:24Z'),
      'commitment.entropy_source.drand.round', 'beacon-round-not-after-commit', { rehash: true }],
    ['committed round 0 (rehashed)', (t) => {
      t.commitment.entropy_source.drand.round = 0;
      t.entropy.drand.round = 0;
    }, 'commitment.entropy_source.drand.round', 'beacon-invalid-round', { rehash: true }],
    ['neither witness nor beacon (rehashed)', (t) => {
      delete t.commitment.entropy_source.drand;
      delete t.entropy.drand;
    }, 'commitment.entropy_source', 'invalid-parameters', { rehash: true }],
    ['a beacon round the commitment does not promise (rehashed)', (t) => {
      delete t.commitment.entropy_source.drand;
      t.commitment.entropy_source.witnesses = ['W'];
      t.entropy.witnesses = [{ name: 'W', value: '1' }];
    }, 'entropy.drand', 'beacon-unexpected', { rehash: true }],
    // With the published commitment, a changed promise is named exactly (§14 step 0).
    ['committed round changed (published)', (t) => (t.commitment.entropy_source.drand.round = 999),
      'commitment.entropy_source.drand.round', undefined, { published: true }],
    ['beacon promise removed (published)', (t) => delete t.commitment.entropy_source.drand,
      'commitment.entropy_source.drand', undefined, { published: true }],
  ];
  for (const [what, change, field, code, options] of cases) {
    const f = await failureAfter(change, options);
    assert.notEqual(f, 'ok', what);
    assert.equal(f.field, field, `${what}: ${JSON.stringify(f)}`);
    if (code !== undefined) {
      assert.equal(f.check, 'drand', what);
      assert.equal(f.code, code, what);
    }
  }
});

test('the drand members are read strictly, naming the member', async () => {
  const cases = [
    [(t) => (t.entropy.drand.signature = ''), 'entropy.drand.signature'],
    [(t) => (t.entropy.drand.signature = 'ab'.repeat(97)), 'entropy.drand.signature'],
    [(t) => (t.entropy.drand.signature = `${t.entropy.drand.signature}0`), 'entropy.drand.signature'],
    [(t) => (t.entropy.drand.signature = `zz${t.entropy.drand.signature.slice(2)}`), 'entropy.drand.signature'],
    [(t) => (t.entropy.drand.randomness = 'ab'), 'entropy.drand.randomness'],
    [(t) => (t.entropy.drand.round = -1), 'entropy.drand.round'],
    [(t) => (t.entropy.drand.round = '1000'), 'entropy.drand.round'],
    [(t) => (t.entropy.drand.extra = 1), 'entropy.drand.extra'],
    [(t) => delete t.entropy.drand.randomness, 'entropy.drand.randomness'],
    [(t) => (t.entropy.drand = null), 'entropy.drand'],
    [(t) => (t.entropy.beacon = {}), 'entropy.beacon'],
    [(t) => (t.commitment.entropy_source.drand.extra = 1), 'commitment.entropy_source.drand.extra'],
    [(t) => delete t.commitment.entropy_source.drand.round, 'commitment.entropy_source.drand.round'],
    [(t) => (t.commitment.entropy_source.drand.chain_hash = 'quicknet'), 'commitment.entropy_source.drand.chain_hash'],
  ];
  for (const [change, field] of cases) {
    const f = await failureAfter(change);
    assert.equal(f.check, 'format', JSON.stringify(f));
    assert.equal(f.field, field);
  }
  // Upper-case hex is read and hashed in its writer form (§3), as the reference CLI does.
  assert.equal(await failureAfter((t) => {
    t.entropy.drand.signature = t.entropy.drand.signature.toUpperCase();
    t.entropy.drand.chain_hash = t.entropy.drand.chain_hash.toUpperCase();
    t.commitment.entropy_source.drand.chain_hash = t.commitment.entropy_source.drand.chain_hash.toUpperCase();
  }), 'ok');
});
