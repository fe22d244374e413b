// RFC 3161 time-stamp tokens (draw spec §16) in the JS verifier: every known-answer token of
// fixtures/timestamps/ gives the outcome vectors.json records (the Rust crate functions/timestamp
// reproduces the same file), changed bytes never change what a token says, and the deadline rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  TimestampError, assessTokens, assessmentText, beijingText, checkBefore, deadlineOf, nameText, parseGenTime,
  parseRfc3339, readAnchorsPem, utcText, verifyResponse,
} from '../src/core/timestamp.js';
import { fromHex } from '../src/core/bytes.js';
import { QUICKNET } from '../src/core/beacon.js';

const DIR = fileURLToPath(new URL('../../../fixtures/timestamps/', import.meta.url));
const VECTORS = JSON.parse(readFileSync(join(DIR, 'vectors.json'), 'utf8'));
const ANCHORS = readAnchorsPem(readFileSync(join(DIR, VECTORS.anchor), 'utf8'));
const HASH = fromHex(VECTORS.vectors[0].commitment_hash);
const file = (name) => new Uint8Array(readFileSync(join(DIR, name)));
const byName = (name) => VECTORS.vectors.find((v) => v.name === name);

/** What a stamp says, in the form of vectors.json's `expected`. */
const said = (s) => ({ gen_time: utcText(s.genTime), latest: utcText(s.latest), authority: s.authority, anchor: s.anchor,
  serial: s.serial, policy: s.policy });

/** The outcome of one vector: its stamp (as `expected`) or its error code, after the deadline check. */
async function outcome(v, { nonce = v.nonce, anchors = ANCHORS, hash = fromHex(v.commitment_hash) } = {}) {
  try {
    const stamp = await verifyResponse(file(v.file), hash, anchors, { nonce });
    checkBefore(stamp, parseRfc3339(v.deadline));
    return { expected: said(stamp) };
  } catch (e) {
    if (!(e instanceof TimestampError)) throw e;
    return { want_err: e.code };
  }
}

test('there are the four known-answer tokens of §16.5', () => {
  assert.deepEqual(VECTORS.vectors.map((v) => v.name), ['valid', 'wrong-imprint', 'wrong-signer', 'after-round']);
  assert.equal(ANCHORS.length, 1);
});

for (const v of VECTORS.vectors) {
  test(`vector ${v.name}: ${v.want_err ?? 'verifies'}, with the request's nonce and without`, async () => {
    const want = v.want_err ? { want_err: v.want_err } : { expected: v.expected };
    assert.deepEqual(await outcome(v), want);
    assert.deepEqual(await outcome(v, { nonce: null }), want);
  });
}

test("each vector's deadline is its quicknet round's time, read from a commitment promising that round", () => {
  for (const v of VECTORS.vectors) {
    const transcript = { drawn_at: '2030-01-01T00:00:00Z',
      commitment: { entropy_source: { witnesses: [], drand: { chain_hash: QUICKNET.chainHash, round: v.round } } } };
    const d = deadlineOf(transcript);
    assert.equal(d.reason, 'drand');
    assert.equal(utcText(d.ns), v.deadline, v.name);
  }
  // Without a round: the transcript's drawn_at.
  const d = deadlineOf({ drawn_at: '2026-11-27T09:30:00Z', commitment: { entropy_source: { witnesses: ['w'] } } });
  assert.deepEqual([d.reason, utcText(d.ns)], ['drawn_at', '2026-11-27T09:30:00Z']);
  assert.equal(deadlineOf({ commitment: { entropy_source: { witnesses: [] } } }), null);
});

test('a token for the commitment does not time-stamp another hash', async () => {
  const other = new Uint8Array(32);
  const r = await outcome(byName('valid'), { hash: other });
  assert.deepEqual(r, { want_err: 'timestamp-imprint' });
});

test("the request's nonce must be the token's; a later verifier skips it", async () => {
  assert.deepEqual(await outcome(byName('valid'), { nonce: '1111222233334445' }), { want_err: 'timestamp-nonce' });
  assert.deepEqual(await outcome(byName('valid'), { nonce: 'f111222233334444' }), { want_err: 'timestamp-nonce' });
});

test("the TSA's own certificate configured as the anchor is trusted; another root is not", async () => {
  // The TSA certificate the token carries, found by its subject, as a PEM anchor.
  const der = file('valid.tsr');
  const pem = (bytes) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(bytes).toString('base64')}\n-----END CERTIFICATE-----\n`;
  const { default: asn1 } = await import('asn1js').then((m) => ({ default: m }));
  const certs = [];
  const walk = (node) => {
    const kids = Array.isArray(node?.valueBlock?.value) ? node.valueBlock.value : [];
    if (node instanceof asn1.Sequence && kids.length === 3 && kids[0] instanceof asn1.Sequence && kids[2] instanceof asn1.BitString) {
      certs.push(new Uint8Array(node.valueBeforeDecodeView));
    }
    kids.forEach(walk);
  };
  walk(asn1.fromBER(der).result);
  const tsa = certs.map((c) => readAnchorsPem(pem(c))[0]).find((c) => c.subjectText.startsWith('CN=spotcheck test TSA'));
  assert.ok(tsa, 'the token carries the TSA certificate');
  const stamp = await verifyResponse(der, HASH, [tsa]);
  assert.equal(stamp.anchor, 'CN=spotcheck test TSA,O=spotcheck test,C=CN');
  // The wrong-signer token's TSA has the same name under another root: not this certificate.
  await assert.rejects(verifyResponse(file('wrong-signer.tsr'), HASH, [tsa]), { code: 'timestamp-untrusted' });
});

test('one good token among bad ones proves the time; the bad ones are still reported', async () => {
  const valid = byName('valid');
  const tokens = ['wrong-signer.tsr', 'valid.tsr', 'wrong-imprint.tsr'].map((label) => ({ label, bytes: file(label) }));
  const a = await assessTokens(tokens, HASH, parseRfc3339(valid.deadline), ANCHORS);
  assert.equal(utcText(a.proven.genTime), valid.expected.gen_time);
  assert.deepEqual(a.outcomes.filter((o) => o.error).map((o) => [o.label, o.error.code]),
    [['wrong-signer.tsr', 'timestamp-untrusted'], ['wrong-imprint.tsr', 'timestamp-imprint']]);
  assert.match(assessmentText(a), /^承诺最晚在 2026-12-07 00:43:57（北京时间）已经存在：由时间戳机构 CN=spotcheck test TSA/);
  // Before a deadline the good token does not beat, nothing is proven, and it says so.
  const early = await assessTokens(tokens, HASH, a.proven.genTime - 1_000_000_000n, ANCHORS);
  assert.equal(early.proven, null);
  assert.ok(early.outcomes.some((o) => o.label === 'valid.tsr' && o.error.code === 'timestamp-too-late'));
  assert.match(assessmentText(early), /只有抽查机关自己的说法为凭/);
  const none = await assessTokens([], HASH, a.proven.genTime, ANCHORS);
  assert.match(assessmentText(none), /^没有时间戳：承诺的公布时间只有抽查机关自己的说法为凭/);
});

test('the deadline is strict and counts the accuracy and fractions of a second', () => {
  const at = (t) => parseRfc3339(t);
  const s = { genTime: at('2026-12-06T10:00:00.5Z'), latest: at('2026-12-06T10:00:00.5Z') };
  checkBefore(s, at('2026-12-06T10:00:01Z'));
  assert.throws(() => checkBefore(s, at('2026-12-06T10:00:00Z')), { code: 'timestamp-too-late' });
  assert.throws(() => checkBefore(s, at('2026-12-06T10:00:00.5Z')), { code: 'timestamp-too-late' });
  checkBefore(s, at('2026-12-06T10:00:00.500000001Z'));
});

test('genTime is read as RFC 3161 writes it, and nothing else', () => {
  const t = (text) => {
    const ns = parseGenTime(text);
    return ns === null ? null : utcText(ns);
  };
  assert.equal(t('20261206163542Z'), '2026-12-06T16:35:42Z');
  assert.equal(t('20261206163542.25Z'), '2026-12-06T16:35:42.250Z');
  assert.equal(t('20261206163542.1234567891Z'), '2026-12-06T16:35:42.123456789Z');
  for (const bad of ['20261206163542', '202612061635Z', '20261206163542.Z', '20261206163542.50Z', '20261206163542+0800',
    '20261306163542Z', '2026120616354aZ', '20261206163542.5.5Z', '20260230120000Z', '20261206246000Z']) {
    assert.equal(t(bad), null, bad);
  }
  assert.equal(beijingText(parseGenTime('20261206163542Z')), '2026-12-07 00:35:42');
});

test('names are shown as RFC 4514 text, last RDN first, special characters escaped', () => {
  // SEQUENCE { SET { SEQ { C, "CN" } }, SET { SEQ { CN, UTF8 "a,b " } } }
  const name = Uint8Array.from([0x30, 0x1a,
    0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x43, 0x4e,
    0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x02, 0x2c, 0x20]);
  assert.equal(nameText(name), 'CN=\\,\\ ,C=CN');
});

/** A small seeded generator (xorshift32), so a failure can be replayed. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

test('every single-byte change of the signed TSTInfo is refused; the signature and a cut too', async () => {
  const der = file('valid.tsr');
  const original = await verifyResponse(der, HASH, ANCHORS);
  // The signed TSTInfo: the eContent's octets, located in the response by decoding it.
  const asn1 = await import('asn1js');
  const { SignedData, TimeStampResp } = await import('pkijs');
  const token = new TimeStampResp({ schema: asn1.fromBER(der).result }).timeStampToken;
  const tst = new SignedData({ schema: token.content }).encapContentInfo.eContent.valueBlock.valueHexView;
  const start = der.findIndex((_, i) => tst.every((b, j) => der[i + j] === b));
  assert.ok(start > 0 && tst.length > 100);
  const end = start + tst.length;
  for (let i = start; i < end; i++) {
    const bad = der.slice();
    bad[i] ^= 0x01;
    await assert.rejects(verifyResponse(bad, HASH, ANCHORS), TimestampError, `byte ${i} changed and the token still verified`);
  }
  const bad = der.slice();
  bad[bad.length - 1] ^= 0x01;
  await assert.rejects(verifyResponse(bad, HASH, ANCHORS),
    (e) => ['timestamp-signature', 'timestamp-malformed'].includes(e.code));
  await assert.rejects(verifyResponse(der.slice(0, der.length - 10), HASH, ANCHORS), { code: 'timestamp-malformed' });
  assert.deepEqual(await verifyResponse(der, HASH, ANCHORS), original);
});

test('no change to a token changes what it says (random edits and cuts, seeded)', async () => {
  const der = file('valid.tsr');
  const original = await verifyResponse(der, HASH, ANCHORS);
  const seed = Number(process.env.TSR_SEED ?? Date.now() % 1_000_000);
  const next = rng(seed);
  let refused = 0;
  for (let n = 0; n < 300; n++) {
    let bytes = der.slice();
    const edits = 1 + (next() % 3);
    for (let k = 0; k < edits; k++) bytes[next() % bytes.length] ^= 1 + (next() % 255);
    if (next() % 4 === 0) bytes = bytes.slice(0, next() % bytes.length);
    try {
      const stamp = await verifyResponse(bytes, HASH, ANCHORS);
      assert.deepEqual(stamp, original, `seed ${seed}, case ${n}`);
    } catch (e) {
      assert.ok(e instanceof TimestampError, `seed ${seed}, case ${n}: ${e?.stack ?? e}`);
      refused++;
    }
  }
  assert.ok(refused > 200, `seed ${seed}: only ${refused} of 300 refused`);
  // Arbitrary bytes are refused with a code, never another exception.
  for (let n = 0; n < 100; n++) {
    const bytes = Uint8Array.from({ length: next() % 3000 }, () => next() & 0xff);
    if (n % 2) bytes[0] = 0x30;
    await assert.rejects(verifyResponse(bytes, HASH, ANCHORS), TimestampError);
  }
});

test('trust anchors are PEM certificates', () => {
  assert.throws(() => readAnchorsPem('not a certificate'), /no certificate/);
  assert.throws(() => readAnchorsPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'), /certificate 1/);
  assert.equal(ANCHORS[0].subjectText, 'CN=spotcheck test root,O=spotcheck test,C=CN');
});

/** The index of `pattern` (bytes) in `bytes` from `from`, or −1. */
function indexOf(bytes, pattern, from = 0) {
  for (let i = from; i + pattern.length <= bytes.length; i++) if (pattern.every((b, j) => bytes[i + j] === b)) return i;
  return -1;
}

test('what a DER decoder refuses is refused, as the reference crate does (found by comparing the two on changed tokens)', async () => {
  const der = file('valid.tsr');
  const changed = async (i, xor) => {
    assert.ok(i >= 0);
    const bad = der.slice();
    bad[i] ^= xor;
    return verifyResponse(bad, HASH, ANCHORS).then(() => 'verifies', (e) => e.code);
  };
  // The outer length one byte shorter: asn1js alone reads the elements past it.
  assert.equal(await changed(3, 0x80), 'timestamp-malformed');
  // SignedData version 3 → 0x83 (negative: not a CMSVersion).
  assert.equal(await changed(indexOf(der, [0x02, 0x01, 0x03, 0x31]) + 2, 0x80), 'timestamp-malformed');
  // The digest algorithm's OID with a first subidentifier const-oid refuses.
  assert.equal(await changed(indexOf(der, [0x06, 0x09, 0x60, 0x86, 0x48]) + 2, 0x80), 'timestamp-malformed');
  // eContent as [4] rather than an OCTET STRING.
  const tst = indexOf(der, [0x30, 0x81, 0xa8, 0x02, 0x01, 0x01]);
  assert.equal(await changed(tst - 3, 0x80), 'timestamp-malformed');
  // A carried certificate of version 4 (0x02 → 0x03).
  assert.equal(await changed(indexOf(der, [0xa0, 0x03, 0x02, 0x01, 0x02], 900) + 4, 0x01), 'timestamp-malformed');
  // A validity year before 1970 (UTCTime 46… → 56…: 1956).
  assert.equal(await changed(indexOf(der, [0x17, 0x0d, 0x34, 0x36], 900) + 2, 0x01), 'timestamp-malformed');
  // The accuracy's seconds negative (1 → 0x81).
  assert.equal(await changed(indexOf(der, [0x30, 0x03, 0x02, 0x01, 0x01], tst) + 4, 0x80), 'timestamp-malformed');
  // The ECDSA signature's SEQUENCE tag, and its length one short: not a DER signature.
  const sig = indexOf(der, [0x30, 0x45, 0x02], der.length - 80);
  assert.equal(await changed(sig, 0x20), 'timestamp-signature');
  assert.equal(await changed(sig + 1, 0x01), 'timestamp-signature');
});

test('the DER rules checked before reading: lengths, tags, INTEGER, OBJECT IDENTIFIER, BOOLEAN, times', async () => {
  const { isDer } = await import('../src/core/der.js');
  const ok = (...b) => isDer(Uint8Array.from(b));
  assert.ok(ok(0x30, 0x03, 0x02, 0x01, 0x05));
  assert.ok(!ok(0x30, 0x02, 0x02, 0x01, 0x05), 'an element past its parent');
  assert.ok(!ok(0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00), 'indefinite length');
  assert.ok(!ok(0x30, 0x81, 0x03, 0x02, 0x01, 0x05), 'a long form for a short length');
  assert.ok(!ok(0x02, 0x02, 0x00, 0x05), 'INTEGER with a needless leading zero');
  assert.ok(ok(0x02, 0x02, 0x00, 0x85));
  assert.ok(!ok(0x02, 0x00), 'empty INTEGER');
  assert.ok(!ok(0x01, 0x01, 0x01), 'BOOLEAN other than 00 or FF');
  assert.ok(ok(0x06, 0x03, 0x55, 0x04, 0x03));
  assert.ok(!ok(0x06, 0x02, 0x2a, 0x03), 'an OBJECT IDENTIFIER of two bytes (const-oid wants three)');
  assert.ok(!ok(0x06, 0x03, 0xd5, 0x04, 0x03), 'a first subidentifier above 119');
  assert.ok(!ok(0x06, 0x03, 0x55, 0x04, 0x83), 'an unfinished subidentifier');
  assert.ok(!ok(0x24, 0x03, 0x04, 0x01, 0x00), 'a constructed OCTET STRING');
  assert.ok(!ok(0x1f, 0x21, 0x00), 'a tag number above 30');
  assert.ok(!ok(0x0d, 0x00), 'a universal tag the decoder does not know');
  const time = (tag, s) => ok(tag, s.length, ...[...s].map((c) => c.charCodeAt(0)));
  assert.ok(time(0x17, '261206164356Z'));
  assert.ok(!time(0x17, '561206164356Z'), 'UTCTime 1956: before 1970');
  assert.ok(!time(0x17, '260230164356Z'), '30 February');
  assert.ok(time(0x18, '20261206164356.25Z'));
  assert.ok(!time(0x18, '20261206164356.250Z'), 'a trailing zero');
});
