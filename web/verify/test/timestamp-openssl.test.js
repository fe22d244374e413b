// Tokens from a real time-stamping authority (`openssl ts -reply`, with a test PKI made here by
// `openssl req` / `x509` / `ca`) checked by the JS verifier (draw spec §16.3): the algorithms of
// step 6 (RSA and ECDSA P-256/P-384, SHA-256/384/512), both ESS attributes, chains through an
// intermediate, and each refusal with the code the reference crate gives for the same case
// (functions/timestamp/tests/openssl_tsa.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { SignedData, TSTInfo, TimeStampResp } from 'pkijs';
import { TimestampError, checkBefore, readAnchorsPem, verifyResponse } from '../src/core/timestamp.js';
import { toHex } from '../src/core/bytes.js';
import { timestampDetailText } from '../src/ui/texts.js';

const HASH = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff);
const KEYS = {
  rsa: ['-newkey', 'rsa:2048'],
  p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
};
const TSA_EXT = 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\n'
  + 'extendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';
const CA_EXT = 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n'
  + 'authorityKeyIdentifier=keyid\n';

let dir;
let n = 0;
const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
const path = (f) => join(dir, f);
const subj = (cn) => `/C=CN/O=spotcheck test/CN=${cn}`;

function root(name, cn, key) {
  openssl('req', '-x509', '-nodes', '-days', '7300', '-subj', subj(cn), ...KEYS[key], '-keyout', `${name}.key`, '-out', `${name}.crt`,
    '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
}

function issue(name, cn, issuer, key, ext) {
  writeFileSync(path(`${name}.ext`), ext);
  openssl('req', '-new', '-nodes', '-subj', subj(cn), ...KEYS[key], '-keyout', `${name}.key`, '-out', `${name}.csr`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.crt`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '7000',
    '-extfile', `${name}.ext`, '-out', `${name}.crt`);
}

/** A TSA certificate valid only from `start` to `end` (YYYYMMDDHHMMSSZ), issued with `openssl ca`. */
function datedTsa(name, cn, issuer, start, end) {
  const db = `${name}-db`;
  execFileSync('mkdir', ['-p', path(db)]);
  writeFileSync(path(`${db}/index.txt`), '');
  writeFileSync(path(`${db}/serial`), '1000\n');
  writeFileSync(path(`${name}.ext`), TSA_EXT);
  writeFileSync(path(`${name}-ca.cnf`), `[ ca ]\ndefault_ca = dated\n[ dated ]\ndatabase = ${db}/index.txt\nnew_certs_dir = ${db}\n`
    + `serial = ${db}/serial\ndefault_md = sha256\npolicy = any\n[ any ]\ncommonName = supplied\n`);
  openssl('req', '-new', '-nodes', '-subj', subj(cn), ...KEYS.p256, '-keyout', `${name}.key`, '-out', `${name}.csr`);
  openssl('ca', '-batch', '-notext', '-config', `${name}-ca.cnf`, '-cert', `${issuer}.crt`, '-keyfile', `${issuer}.key`, '-in', `${name}.csr`,
    '-out', `${name}.crt`, '-startdate', start, '-enddate', end, '-extfile', `${name}.ext`);
}

/** An `openssl ts` authority signing as `name`: its signer digest, ESS hash, and extra chain certificates. */
function tsaConfig(name, { signerDigest = 'sha256', essAlg = 'sha256', chain = [] } = {}) {
  writeFileSync(path(`${name}.serial`), '01\n');
  writeFileSync(path(`${name}.cnf`), `[ tsa ]\ndefault_tsa = ${name}\n[ ${name} ]\nserial = ${path(`${name}.serial`)}\n`
    + `signer_digest = ${signerDigest}\ndefault_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1, millisecs:500, microsecs:7\n`
    + `ess_cert_id_alg = ${essAlg}\ntsa_name = yes\ncrypto_device = builtin\nordering = no\n`);
  if (chain.length) writeFileSync(path(`${name}.chain.pem`), chain.map((c) => readFileSync(path(`${c}.crt`), 'utf8')).join(''));
  return { name, chain: chain.length > 0 };
}

/** The DER TimeStampResp `openssl ts -reply` gives `tsa` for a query over `hash`. */
function reply(tsa, hash = HASH) {
  const q = `q-${n++}`;
  openssl('ts', '-query', '-digest', toHex(hash), '-sha256', '-cert', '-out', `${q}.tsq`);
  const args = ['ts', '-reply', '-config', `${tsa.name}.cnf`, '-signer', `${tsa.name}.crt`, '-inkey', `${tsa.name}.key`,
    '-queryfile', `${q}.tsq`, '-out', `${q}.tsr`];
  if (tsa.chain) args.push('-chain', `${tsa.name}.chain.pem`);
  openssl(...args);
  return new Uint8Array(readFileSync(path(`${q}.tsr`)));
}

/** The signed TSTInfo of a response. */
function tstOf(response) {
  const token = new TimeStampResp({ schema: asn1js.fromBER(response).result }).timeStampToken;
  return new Uint8Array(new SignedData({ schema: token.content }).encapContentInfo.eContent.valueBlock.valueHexView);
}

/** The TSTInfo of a real token, re-signed by `signer` with `openssl cms -sign`, in a granted response. */
function resigned(tsa, signer, cades) {
  const q = `c-${n++}`;
  writeFileSync(path(`${q}.der`), tstOf(reply(tsa)));
  const args = ['cms', '-sign', '-binary', '-nodetach', '-in', `${q}.der`, '-econtent_type', 'id-smime-ct-TSTInfo',
    '-signer', `${signer}.crt`, '-inkey', `${signer}.key`, '-md', 'sha256', '-outform', 'DER', '-out', `${q}.p7`];
  if (cades) args.push('-cades');
  openssl(...args);
  const contentInfo = asn1js.fromBER(new Uint8Array(readFileSync(path(`${q}.p7`)))).result;
  const status = new asn1js.Sequence({ value: [new asn1js.Integer({ value: 0 })] });
  return new Uint8Array(new asn1js.Sequence({ value: [status, contentInfo] }).toBER());
}

const anchorsOf = (...names) => readAnchorsPem(names.map((c) => readFileSync(path(`${c}.crt`), 'utf8')).join(''));
const codeOf = (promise) => promise.then(() => null, (e) => {
  if (!(e instanceof TimestampError)) throw e;
  return e.code;
});

let anchors;
let tsa;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'spotcheck-tsa-'));
  root('root', 'spotcheck test root', 'rsa');
  issue('inter', 'spotcheck test intermediate', 'root', 'p256', CA_EXT);
  issue('tsa', 'spotcheck test TSA', 'inter', 'rsa', TSA_EXT);
  tsa = tsaConfig('tsa', { chain: ['inter'] });
  anchors = anchorsOf('root');
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

test('an RSA authority under a P-256 intermediate under an RSA root: the token verifies, accuracy counted', async () => {
  const stamp = await verifyResponse(reply(tsa), HASH, anchors);
  assert.equal(stamp.authority, 'CN=spotcheck test TSA,O=spotcheck test,C=CN');
  assert.equal(stamp.anchor, 'CN=spotcheck test root,O=spotcheck test,C=CN');
  assert.equal(stamp.policy, '1.2.3.4.1');
  assert.equal(stamp.latest - stamp.genTime, 1_500_007_000n); // secs:1, millisecs:500, microsecs:7
  // Made just now: before a deadline in a minute, not before one an hour ago.
  const now = BigInt(Date.now()) * 1_000_000n;
  checkBefore(stamp, now + 60_000_000_000n);
  assert.throws(() => checkBefore(stamp, now - 3_600_000_000_000n), { code: 'timestamp-too-late' });
});

test('every supported signature: RSA and ECDSA P-256 / P-384, signer digests SHA-256/384/512, ESS v1 and v2', async () => {
  const cases = [['rsa', 'sha384', 'sha256'], ['rsa', 'sha512', 'sha1'], ['p256', 'sha256', 'sha1'], ['p256', 'sha512', 'sha384'],
    ['p384', 'sha384', 'sha512'], ['p384', 'sha256', 'sha256']];
  for (const [key, signerDigest, essAlg] of cases) {
    const name = `tsa-${key}-${signerDigest}-${essAlg}`;
    issue(name, `TSA ${key} ${signerDigest}`, 'root', key, TSA_EXT);
    const response = reply(tsaConfig(name, { signerDigest, essAlg }));
    // ESS v1 (signingCertificate, …2.12) with SHA-1, else v2 (signingCertificateV2, …2.47).
    const attr = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, essAlg === 'sha1' ? 0x0c : 0x2f];
    assert.ok(response.some((_, i) => attr.every((b, j) => response[i + j] === b)), `${name}: its ESS attribute`);
    const stamp = await verifyResponse(response, HASH, anchors);
    assert.equal(stamp.authority, `CN=TSA ${key} ${signerDigest},O=spotcheck test,C=CN`, name);
  }
});

test("the request's nonce, and another commitment's token", async () => {
  const response = reply(tsa);
  const tst = new TSTInfo({ schema: asn1js.fromBER(tstOf(response)).result });
  let nonce = toHex(tst.nonce.valueBlock.valueHexView).replace(/^00/, '');
  await verifyResponse(response, HASH, anchors, { nonce });
  nonce = (BigInt(`0x${nonce}`) ^ 1n).toString(16);
  assert.equal(await codeOf(verifyResponse(response, HASH, anchors, { nonce })), 'timestamp-nonce');
  const other = HASH.map((b) => b ^ 0xff);
  assert.equal(await codeOf(verifyResponse(reply(tsa, other), HASH, anchors)), 'timestamp-imprint');
});

test('without its intermediate in the token the signer does not chain; with the TSA itself as the anchor it does', async () => {
  const bare = tsaConfig('tsa');
  assert.equal(await codeOf(verifyResponse(reply(bare), HASH, anchors)), 'timestamp-untrusted');
  const stamp = await verifyResponse(reply(bare), HASH, anchorsOf('tsa'));
  assert.equal(stamp.anchor, stamp.authority);
  // The intermediate as the anchor is enough too.
  assert.equal((await verifyResponse(reply(bare), HASH, anchorsOf('inter'))).anchor,
    'CN=spotcheck test intermediate,O=spotcheck test,C=CN');
});

test("an intermediate whose signature has an unused bit does not extend the chain (the reference crate's reading)", async () => {
  const response = reply(tsa);
  // The intermediate's signature by the RSA root: BIT STRING of 257 bytes, the first the unused bits.
  const at = response.findIndex((_, i) => [0x03, 0x82, 0x01, 0x01, 0x00].every((b, j) => response[i + j] === b));
  assert.ok(at > 0);
  await verifyResponse(response, HASH, anchors);
  const bad = response.slice();
  bad[at + 4] = 0x01;
  assert.equal(await codeOf(verifyResponse(bad, HASH, anchors)), 'timestamp-untrusted');
});

test('an intermediate that is not a CA does not extend the chain', async () => {
  issue('fake-ca', 'fake intermediate', 'root', 'p256',
    'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyCertSign\nsubjectKeyIdentifier=hash\n');
  issue('under-leaf', 'TSA under a leaf', 'fake-ca', 'p256', TSA_EXT);
  const t = tsaConfig('under-leaf', { chain: ['fake-ca'] });
  assert.equal(await codeOf(verifyResponse(reply(t), HASH, anchors)), 'timestamp-untrusted');
});

test('a TSA certificate expired, or not yet valid, at genTime', async () => {
  datedTsa('old', 'expired TSA', 'root', '20200101000000Z', '20210101000000Z');
  await assert.rejects(verifyResponse(reply(tsaConfig('old')), HASH, anchors),
    (e) => e.code === 'timestamp-certificate' && /expired TSA/.test(e.detail) && /not valid at genTime/.test(e.detail)
      // The page's line: the validity period in 北京时间 (midnight UTC is 08:00 in Beijing).
      && /^证书 CN=expired TSA.* 在时间戳时间 \S+ \S+（北京时间）不在有效期内（有效期为 2020-01-01 08:00:00 至 2021-01-01 08:00:00，北京时间）。$/
        .test(timestampDetailText(e)));
  datedTsa('early', 'future TSA', 'root', '20400101000000Z', '20410101000000Z');
  assert.equal(await codeOf(verifyResponse(reply(tsaConfig('early')), HASH, anchors)), 'timestamp-certificate');
});

test('signed by a certificate not for time-stamping, or without the ESS binding: refused', async () => {
  // Control: the same re-signing by the TSA's own certificate verifies.
  const control = await verifyResponse(resigned(tsa, 'tsa', true), HASH, anchorsOf('root', 'inter'));
  assert.equal(control.authority, 'CN=spotcheck test TSA,O=spotcheck test,C=CN');
  issue('plain', 'plain signer', 'root', 'p256', 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n');
  await assert.rejects(verifyResponse(resigned(tsa, 'plain', true), HASH, anchors),
    (e) => e.code === 'timestamp-certificate' && /no extended key usage/.test(e.detail)
      && /^证书 CN=plain signer,O=spotcheck test,C=CN 没有扩展密钥用法/.test(timestampDetailText(e)));
  issue('lax', 'lax signer', 'root', 'p256',
    'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=timeStamping\n');
  await assert.rejects(verifyResponse(resigned(tsa, 'lax', true), HASH, anchors),
    (e) => e.code === 'timestamp-certificate' && /not critical/.test(e.detail) && /没有标为关键/.test(timestampDetailText(e)));
  // Without -cades openssl adds no ESS signing-certificate attribute.
  await assert.rejects(verifyResponse(resigned(tsa, 'tsa', false), HASH, anchorsOf('root', 'inter')),
    (e) => e.code === 'timestamp-signed-attributes' && /signingCertificate/.test(e.detail) && /^缺少签名证书/.test(timestampDetailText(e)));
});

test('a response that is not granted is refused as not granted', async () => {
  // PKIStatusInfo { status rejection (2), statusString "bad request" }, no token.
  const status = new asn1js.Sequence({ value: [new asn1js.Integer({ value: 2 }),
    new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: 'bad request' })] })] });
  const resp = new Uint8Array(new asn1js.Sequence({ value: [status] }).toBER());
  await assert.rejects(verifyResponse(resp, HASH, anchors), (e) => e.code === 'timestamp-not-granted' && /bad request/.test(e.detail)
    && timestampDetailText(e) === '时间戳机构没有签发时间戳（状态：拒绝），机构附言：“bad request”。');
  // Granted, but no token.
  const granted = new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Integer({ value: 0 })] })] }).toBER());
  assert.equal(await codeOf(verifyResponse(granted, HASH, anchors)), 'timestamp-malformed');
});
