// What the page says about time-stamp tokens and about failures that state times: Chinese
// sentences with full-width punctuation, never the core's English detail, and every time in
// 北京时间 (UTC+8), labelled, also when the date changes at midnight in Beijing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  AnchorError, TimestampError, assessTokens, checkBefore, parseRfc3339, readAnchorsPem,
} from '../src/core/timestamp.js';
import { checkDrawnAt } from '../src/core/draw.js';
import { checkSource, QUICKNET } from '../src/core/beacon.js';
import { verifyDraw } from '../src/core/verify.js';
import { fromHex } from '../src/core/bytes.js';
import {
  TIMESTAMP_CODE_TEXT, anchorErrorText, failureText, timestampDetailText, valueText,
} from '../src/ui/texts.js';
import { loadVector, runVector, vectorInputs } from './support.js';

const DIR = fileURLToPath(new URL('../../../fixtures/timestamps/', import.meta.url));
const VECTORS = JSON.parse(readFileSync(join(DIR, 'vectors.json'), 'utf8'));
const ANCHORS = readAnchorsPem(readFileSync(join(DIR, VECTORS.anchor), 'utf8'));
const HASH = fromHex(VECTORS.vectors[0].commitment_hash);
const file = (name) => new Uint8Array(readFileSync(join(DIR, name)));
const ns = (t) => parseRfc3339(t);

/** The authorities' names are shown as the certificates spell them (RFC 4514): not sentences. */
const NAMES = /(?:CN|O|OU|C|L|ST)=[^，；（）]*/g;
/**
 * Two English words in a row (`not valid`, `time-stamped at`), once names, codes and hex are taken
 * out; ASN.1 type names in capitals (OCTET STRING) are terms, not sentences.
 */
function assertNoEnglish(text) {
  const rest = text.replace(NAMES, '').replace(/\b[0-9a-f]{16,}\b/g, '').replace(/timestamp-[a-z-]+/g, '');
  assert.doesNotMatch(rest, /[A-Za-z]*[a-z][A-Za-z]*[ ,:]+[A-Za-z]*[a-z][A-Za-z]*/, text);
  assert.doesNotMatch(rest, /\b(?:not|the|is|at|of|no|does|before|latest)\b/i, text);
}
const CJK = /[\u4e00-\u9fff]/;
const HALF_WIDTH = /[\u4e00-\u9fff][,:;?!]|[\u4e00-\u9fff] ?\(|\) ?[\u4e00-\u9fff]|[,;] [\u4e00-\u9fff]|: [\u4e00-\u9fff]/;
function assertPublic(text) {
  assert.match(text, CJK, text);
  assert.doesNotMatch(text, HALF_WIDTH, text);
  assertNoEnglish(text);
  assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z(?!）)/, `a UTC time outside a 北京时间 label: ${text}`);
}

test('a token made after its deadline: the detail line is Chinese and gives the times in 北京时间, crossing midnight', () => {
  // 16:30 UTC on 1 March is 00:30 on 2 March in Beijing.
  const stamp = { genTime: ns('2026-03-01T16:30:00Z'), latest: ns('2026-03-01T16:30:01.5Z') };
  let error;
  try {
    checkBefore(stamp, ns('2026-03-01T16:29:00Z'));
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TimestampError);
  assert.match(error.detail, /2026-03-01T16:30:00Z/, 'the core keeps its detail (UTC, for developers)');
  const text = timestampDetailText(error);
  assert.equal(text, '时间戳时间为 2026-03-02 00:30:00（北京时间），计入误差最晚为 2026-03-02 00:30:01.500（北京时间），'
    + '不早于截止时间 2026-03-02 00:29:00（北京时间）。');
  assertPublic(text);
});

test('the known-answer tokens that do not count: each detail line is Chinese, the late one in 北京时间', async () => {
  const tokens = VECTORS.vectors.map((v) => ({ label: v.name, bytes: file(v.file) }));
  // Judged against the deadline of the vectors' after-round draw (2026-12-06T16:42:54Z).
  const a = await assessTokens(tokens, HASH, ns('2026-12-06T16:42:54Z'), ANCHORS);
  const texts = Object.fromEntries(a.outcomes.filter((o) => o.error).map((o) => [o.label, timestampDetailText(o.error)]));
  assert.deepEqual(Object.keys(texts).sort(), ['after-round', 'valid', 'wrong-imprint', 'wrong-signer']);
  for (const t of Object.values(texts)) assertPublic(t);
  assert.match(texts['after-round'], /^时间戳时间为 2026-12-07 00:43:\d\d（北京时间）.*不早于截止时间 2026-12-07 00:42:54（北京时间）。$/);
  assert.match(texts['wrong-imprint'], /^时间戳证明的哈希是 SHA-256 [0-9a-f]{64}，本次承诺的哈希是 c81d075c/);
  assert.match(texts['wrong-signer'], /^签名者 CN=spotcheck test TSA,O=spotcheck test,C=CN 的证书不能追溯到所提供的信任根证书（CN=spotcheck test root/);
});

test('every refusal of a changed token is worded from its facts, never the bare meaning of its code', async () => {
  // A seeded set of one-byte changes of the valid token, reaching most of the checks of §16.3.
  const valid = file('valid.tsr');
  let seed = 20260301;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  const codes = new Set();
  for (let i = 0; i < 250; i++) {
    const bytes = valid.slice();
    const at = next() % bytes.length;
    bytes[at] ^= 1 << (next() % 8);
    const [o] = (await assessTokens([{ label: 'x', bytes }], HASH, ns('2026-12-06T16:44:57Z'), ANCHORS)).outcomes;
    if (!o.error) continue;
    codes.add(o.error.code);
    const text = timestampDetailText(o.error);
    assert.notEqual(text, `${TIMESTAMP_CODE_TEXT[o.error.code]}。`, `${o.error.code} (${o.error.detail}) has no worded reason`);
    assertPublic(text);
  }
  assert.ok(codes.size >= 3, [...codes].join(' '));
});

test('the certificate, nonce and unsupported-algorithm details are Chinese, with a validity period in 北京时间', () => {
  const cert = timestampDetailText({ code: 'timestamp-certificate', facts: { reason: 'not-valid', subject: 'CN=old TSA,C=CN',
    at: ns('2026-03-01T16:30:00Z'), notBefore: ns('2025-01-01T00:00:00Z'), notAfter: ns('2026-02-28T16:00:00Z') } });
  assert.equal(cert, '证书 CN=old TSA,C=CN 在时间戳时间 2026-03-02 00:30:00（北京时间）不在有效期内'
    + '（有效期为 2025-01-01 08:00:00 至 2026-03-01 00:00:00，北京时间）。');
  assertPublic(cert);
  const texts = [
    timestampDetailText({ code: 'timestamp-nonce', facts: { reason: 'nonce', found: null, nonce: '1111222233334444' } }),
    timestampDetailText({ code: 'timestamp-unsupported', facts: { reason: 'signature', what: 'algorithm', oid: '1.2.156.10197.1.501' } }),
    timestampDetailText({ code: 'timestamp-not-granted', facts: { reason: 'not-granted', status: 'waiting', text: '' } }),
    timestampDetailText({ code: 'timestamp-certificate', facts: { reason: 'no-eku', subject: 'CN=x' } }),
    anchorErrorText(new AnchorError('no certificate given', { reason: 'none' })),
  ];
  assert.equal(texts[2], '时间戳机构没有签发时间戳（状态：等待中）。');
  assert.match(texts[1], /SM2 签名（SM3 摘要）（1\.2\.156\.10197\.1\.501）本页面不支持/);
  for (const t of texts) assertPublic(t);
  let anchors;
  try {
    readAnchorsPem('not a pem');
  } catch (e) {
    anchors = e;
  }
  assert.equal(anchorErrorText(anchors), '其中没有证书（应为含 CERTIFICATE 块的 PEM 文件）。');
});

test('a draw dated before its commitment: the reason gives both times in 北京时间, across midnight', async () => {
  let error;
  try {
    checkDrawnAt('2026-03-01T16:30:00Z', '2026-03-01T15:59:59Z');
  } catch (e) {
    error = e;
  }
  assert.equal(error.code, 'drawn-before-commit');
  assert.match(error.detail, /2026-03-01T15:59:59Z/, 'the core keeps its detail');
  const text = failureText(error);
  assert.equal(text, '抽取时间 2026-03-01 23:59:59（北京时间）早于承诺时间 2026-03-02 00:30:00（北京时间）。');
  assertPublic(text);
  assert.equal(valueText(error.recomputed), '不早于 2026-03-02 00:30:00（北京时间，即 2026-03-01T16:30:00Z）');
  assert.equal(valueText('ab12'), 'ab12');

  // Through the verifier: the report's failure carries the facts the page words.
  const v = loadVector('01-minimal.json');
  const { transcript } = runVector(v.inputs);
  const inputs = vectorInputs(v.inputs);
  const early = { ...transcript, drawn_at: '2000-01-01T16:00:00Z' };
  const report = await verifyDraw({ transcript: early, published: null, loadFrame: () => inputs.frame,
    loadPool: () => inputs.pool });
  assert.equal(report.failure?.field, 'drawn_at', JSON.stringify(report.failure));
  assert.deepEqual(report.failure.facts, { drawnAt: '2000-01-01T16:00:00Z', committedAt: transcript.commitment.committed_at });
  const said = failureText(report.failure);
  assert.match(said, /^抽取时间 2000-01-02 00:00:00（北京时间）早于承诺时间 /);
  assertPublic(said);
});

test('a drand round not after the commitment: both times in 北京时间, across midnight', () => {
  // Round 1000 of quicknet was published at 2023-08-23T15:59:24Z, 23:59:24 in Beijing.
  let error;
  try {
    checkSource({ chain_hash: QUICKNET.chainHash, round: 1000 }, '2023-08-23T16:00:00Z');
  } catch (e) {
    error = e;
  }
  assert.equal(error.code, 'beacon-round-not-after-commit');
  const text = failureText(error);
  assert.equal(text, 'drand quicknet 第 1000 轮发布于 2023-08-23 23:59:24（北京时间），不晚于承诺时间 2023-08-24 00:00:00（北京时间）：'
    + '承诺时其数值可能已为人所知。');
  assertPublic(text.replace('drand quicknet', ''));
  const early = failureText({ code: 'beacon-too-early', detail: '…',
    facts: { round: 1000, roundTime: '2023-08-23T15:59:24Z', drawnAt: '2023-08-23T15:59:00Z' } });
  assert.equal(early, 'drand 第 1000 轮发布于 2023-08-23 23:59:24（北京时间），抽取时间 2023-08-23 23:59:00（北京时间）早于此时间。');
  // A sentence without facts still shows any UTC time in 北京时间.
  assert.equal(failureText({ detail: '记录值 2026-03-01T16:30:00Z 不对' }), '记录值 2026-03-02 00:30:00（北京时间） 不对');
});
