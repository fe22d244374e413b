// RFC 3161 time-stamp tokens over a commitment hash (draw spec §16): checking one token (§16.3),
// its deadline (§16.4), and a draw's tokens together. Written from the spec; the ASN.1 and CMS
// structures are read with PKIjs / asn1js, signatures checked with WebCrypto. Each failure has
// the spec's code (`timestamp-…`), the same as the reference verifier's.
import * as asn1js from 'asn1js';
import { Certificate, IssuerAndSerialNumber, SignedData, TSTInfo, TimeStampResp } from 'pkijs';
import { bytesEqual, toHex } from './bytes.js';
import { knownChain, roundTime } from './beacon.js';
import { OID, SignatureFailure, digestOf, sha1Of, verifySignature } from './timestamp-crypto.js';
import { isDer } from './der.js';

const SIGNED_DATA = '1.2.840.113549.1.7.2';
const CT_TST_INFO = '1.2.840.113549.1.9.16.1.4';
const ATTR_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ATTR_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ATTR_SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
const ATTR_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const EXT_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const EXT_KEY_USAGE = '2.5.29.15';
const EXT_BASIC_CONSTRAINTS = '2.5.29.19';
const EXT_EXT_KEY_USAGE = '2.5.29.37';
const KP_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** The longest certificate chain followed from the signer to an anchor (§16.3 step 8). */
const MAX_CHAIN = 8;

/**
 * Why a token does not count: `code` is the spec's (§16.3, §16.4), `detail` says more (in English,
 * for developers and the tests). `facts` are what the detail states, as data: `reason` (which
 * check, a fixed word) and its values (names, hex, times as ns since 1970), so that the page says
 * it in its own words (src/ui/texts.js).
 */
export class TimestampError extends Error {
  constructor(code, detail, facts = {}) {
    super(`${code}: ${detail}`);
    this.name = 'TimestampError';
    this.code = code;
    this.detail = detail;
    this.facts = facts;
  }
}

/** Trust anchors that could not be read (not a token's failure: the input is wrong); `facts` as above. */
export class AnchorError extends Error {
  constructor(message, facts = {}) {
    super(message);
    this.facts = facts;
  }
}

const malformed = (what, reason, values = {}) => new TimestampError('timestamp-malformed', what, { reason, ...values });
const badAttributes = (what, reason, values = {}) => new TimestampError('timestamp-signed-attributes', what, { reason, ...values });
const certificateError = (cert, reason, why, values = {}) =>
  new TimestampError('timestamp-certificate', `certificate ${cert.subject}: ${reason}`, { reason: why, subject: cert.subject, ...values });

// ---- ASN.1 glue ----------------------------------------------------------------------------

const isUniversal = (node, tag) => node?.idBlock?.tagClass === 1 && node.idBlock.tagNumber === tag;
const isContext = (node, tag) => node?.idBlock?.tagClass === 3 && node.idBlock.tagNumber === tag;
const children = (node) => (Array.isArray(node?.valueBlock?.value) ? node.valueBlock.value : []);
const encoding = (node) => new Uint8Array(node.valueBeforeDecodeView);

/** One DER value filling `bytes` exactly, or null. */
function decodeWhole(bytes) {
  if (!isDer(bytes)) return null;
  let parsed;
  try {
    parsed = asn1js.fromBER(bytes);
  } catch {
    return null; // asn1js throws on some values it cannot read (e.g. a time)
  }
  return parsed.offset === -1 || parsed.offset !== bytes.length || parsed.result.error ? null : parsed.result;
}

const oidOf = (node) => (node instanceof asn1js.ObjectIdentifier ? node.valueBlock.toString() : null);

/** The short names RFC 4514 text uses for common attribute types. */
const SHORT_NAMES = new Map([
  ['2.5.4.3', 'CN'], ['2.5.4.5', 'SERIALNUMBER'], ['2.5.4.6', 'C'], ['2.5.4.7', 'L'], ['2.5.4.8', 'ST'],
  ['2.5.4.9', 'STREET'], ['2.5.4.10', 'O'], ['2.5.4.11', 'OU'], ['0.9.2342.19200300.100.1.1', 'UID'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
]);
/** PrintableString, UTF8String, IA5String, TeletexString: shown as text; other values as #hex. */
const TEXT_TAGS = new Set([19, 12, 22, 20]);

function escapeRdnValue(v) {
  const chars = [...v];
  return chars.map((c, i) => {
    if (c === '#' && i === 0) return '\\#';
    if (c === ' ' && (i === 0 || i === chars.length - 1)) return '\\ ';
    if ('"+,;<>\\'.includes(c)) return `\\${c}`;
    const n = c.codePointAt(0);
    if (n < 0x20 || n === 0x7f) return `\\${n.toString(16).padStart(2, '0')}`;
    return c;
  }).join('');
}

/** A DER Name as RFC 4514 text (last RDN first), e.g. `CN=spotcheck test TSA,O=spotcheck test,C=CN`. */
export function nameText(nameDer) {
  const name = decodeWhole(nameDer);
  if (!name) return toHex(nameDer);
  return children(name).map((rdn) => children(rdn).map((atv) => {
    const [type, value] = children(atv);
    const oid = oidOf(type) ?? '?';
    const short = SHORT_NAMES.get(oid);
    if (short && value && isUniversal(value, value.idBlock.tagNumber) && TEXT_TAGS.has(value.idBlock.tagNumber)) {
      return `${short}=${escapeRdnValue(value.valueBlock.value)}`;
    }
    return `${oid}=#${value ? toHex(encoding(value)) : ''}`;
  }).join('+')).reverse().join(',');
}

/**
 * A certificate: its DER, the parts of its TBSCertificate as DER (issuer, subject, SPKI, serial
 * number's content octets), and PKIjs's reading (validity, extensions, signature).
 */
function readCertificate(der) {
  const node = decodeWhole(der);
  if (!node) throw new Error('not a DER certificate');
  const pki = new Certificate({ schema: node });
  if (![0, 1, 2].includes(pki.version)) throw new Error(`version ${pki.version}`);
  const tbs = children(children(node)[0]);
  const at = isContext(tbs[0], 0) ? 1 : 0; // [0] version
  const [serial, , issuer, , subject, spki] = tbs.slice(at);
  return {
    der,
    pki,
    serial: serial.valueBlock.valueHexView,
    issuer: encoding(issuer),
    subject: encoding(subject),
    subjectText: nameText(encoding(subject)),
    spki: encoding(spki),
    tbs: new Uint8Array(pki.tbsView),
    get notBefore() { return Math.floor(pki.notBefore.value.getTime() / 1000); },
    get notAfter() { return Math.floor(pki.notAfter.value.getTime() / 1000); },
  };
}

/** The certificates of a PEM text (one or more `CERTIFICATE` blocks), as trust anchors. */
export function readAnchorsPem(text) {
  const blocks = [...String(text).matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) throw new AnchorError('no certificate given (a PEM file of CERTIFICATE blocks)', { reason: 'none' });
  return blocks.map((m, i) => {
    try {
      const b64 = m[1].replace(/\s+/g, '');
      const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      return readCertificate(der);
    } catch (e) {
      throw new AnchorError(`certificate ${i + 1}: ${e.message}`, { reason: 'certificate', index: i + 1 });
    }
  });
}

/** The extension `oid` of a certificate: { critical, value (DER octets) } or null. */
function extension(cert, oid) {
  const ext = (cert.pki.extensions ?? []).find((e) => e.extnID === oid);
  return ext ? { critical: ext.critical === true, value: ext.extnValue.valueBlock.valueHexView } : null;
}

// ---- times ---------------------------------------------------------------------------------

const NS = 1_000_000_000n;

/** `genTime` text `YYYYMMDDhhmmss[.f…]Z` (§16.3 step 1) → nanoseconds since 1970 (BigInt), or null. */
export function parseGenTime(text) {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d*))?Z$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  if (frac !== undefined && (frac === '' || frac.endsWith('0'))) return null;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(ms);
  // Calendar values out of range (month 13, 31 February, hour 24, second 60) are refused.
  if (Number.isNaN(ms) || back.getUTCFullYear() !== Number(y) || back.getUTCMonth() !== Number(mo) - 1
    || back.getUTCDate() !== Number(d) || back.getUTCHours() !== Number(h) || back.getUTCMinutes() !== Number(mi)
    || back.getUTCSeconds() !== Number(s)) return null;
  const nanos = frac === undefined ? 0n : BigInt(frac.slice(0, 9).padEnd(9, '0'));
  return BigInt(ms / 1000) * NS + nanos;
}

/** `YYYY-MM-DDTHH:MM:SS[.fff[fff[fff]]]Z` → nanoseconds since 1970 (BigInt), or null. */
export function parseRfc3339(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (Number.isNaN(ms)) return null;
  return BigInt(ms / 1000) * NS + BigInt((m[7] ?? '').padEnd(9, '0'));
}

/** Nanoseconds since 1970 as RFC 3339 in UTC: whole seconds, or 3, 6 or 9 digits of fraction. */
export function rfc3339(ns, offsetHours = 0) {
  const shifted = ns + BigInt(offsetHours * 3600) * NS;
  const secs = shifted / NS - (shifted % NS < 0n ? 1n : 0n);
  const frac = shifted - secs * NS;
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  if (frac === 0n) return base;
  let digits = frac.toString().padStart(9, '0');
  if (digits.endsWith('000000')) digits = digits.slice(0, 3);
  else if (digits.endsWith('000')) digits = digits.slice(0, 6);
  return `${base}.${digits}`;
}

/** A time for people: UTC as `…Z`. */
export const utcText = (ns) => `${rfc3339(ns)}Z`;
/** A time for people in 北京时间 (UTC+8): `2026-12-07 00:43:56`. */
export const beijingText = (ns) => rfc3339(ns, 8).replace('T', ' ');

// ---- §16.3 ---------------------------------------------------------------------------------

/** PKIStatus names, for the message of a response that was not granted. */
const STATUS_NAMES = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'];

/** The canonical DER INTEGER content of a u64 nonce given as hex. */
function nonceInteger(hex) {
  let v = BigInt(`0x${hex}`);
  const out = [];
  do {
    out.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if (out[0] & 0x80) out.unshift(0);
  return Uint8Array.from(out);
}

/**
 * Whether the `sid` of a SignerInfo names `cert`: PKIjs reads it as an IssuerAndSerialNumber, or
 * leaves the [0] subjectKeyIdentifier as an asn1js node.
 */
function identifies(sid, cert) {
  if (isContext(sid, 0)) {
    const ski = extension(cert, EXT_SUBJECT_KEY_IDENTIFIER);
    const found = ski && decodeWhole(ski.value);
    return Boolean(found && isUniversal(found, 4) && bytesEqual(found.valueBlock.valueHexView, sid.valueBlock.valueHexView));
  }
  if (!(sid instanceof IssuerAndSerialNumber)) return false;
  return bytesEqual(new Uint8Array(sid.issuer.valueBeforeDecode), cert.issuer)
    && bytesEqual(sid.serialNumber.valueBlock.valueHexView, cert.serial);
}

/** The single value (an asn1js node) of signed attribute `oid`, or null when absent. */
function attribute(attrs, oid) {
  const found = attrs.filter((a) => a.type === oid);
  if (found.length === 0) return null;
  if (found.length > 1) throw badAttributes(`attribute ${oid} appears twice`, 'attribute-twice', { oid });
  if (found[0].values.length !== 1) throw badAttributes(`attribute ${oid} does not have exactly one value`, 'attribute-values', { oid });
  return found[0].values[0];
}

/** Whether an RFC 5035 IssuerSerial (an asn1js node) names `cert`: its serial and a directoryName. */
function namesCertificate(issuerSerial, cert) {
  const [names, serial] = children(issuerSerial);
  if (!names || !(serial instanceof asn1js.Integer) || !bytesEqual(serial.valueBlock.valueHexView, cert.serial)) return false;
  return children(names).some((n) => isContext(n, 4) && children(n).length === 1 && bytesEqual(encoding(children(n)[0]), cert.issuer));
}

/**
 * The first ESSCertID(v2) of a signingCertificate(V2) value: { hashOid (null: SHA-1), hash,
 * issuerSerial | null }. Throws a message when it does not decode.
 */
function firstEssCertId(value, v2) {
  const label = v2 ? 'signingCertificateV2' : 'signingCertificate';
  const ess = (what) => badAttributes(`${label}${what}`, 'ess-decode', { attribute: label });
  if (!(value instanceof asn1js.Sequence)) throw ess(': not a SEQUENCE');
  const [certs] = children(value);
  if (!(certs instanceof asn1js.Sequence)) throw ess(': no certs');
  const first = children(certs)[0];
  if (!first) throw ess(' names no certificate');
  if (!(first instanceof asn1js.Sequence)) throw ess(': an ESSCertID is not a SEQUENCE');
  const parts = [...children(first)];
  let hashOid = null;
  if (v2) {
    hashOid = OID.sha256;
    if (parts[0] instanceof asn1js.Sequence) hashOid = oidOf(children(parts.shift())[0]);
  }
  const [hash, issuerSerial] = parts;
  if (!isUniversal(hash, 4) || (issuerSerial && !(issuerSerial instanceof asn1js.Sequence)) || parts.length > 2 || hashOid === '') {
    throw ess(': an ESSCertID does not decode');
  }
  return { hashOid, hash: hash.valueBlock.valueHexView, issuerSerial: issuerSerial ?? null };
}

/** Step 5: content type, message digest over the TSTInfo, ESS signing certificate. */
function checkSignedAttributes(signerInfo, tstDer, signer) {
  if (!signerInfo.signedAttrs) throw badAttributes('none', 'none');
  const attrs = signerInfo.signedAttrs.attributes;
  const contentType = attribute(attrs, ATTR_CONTENT_TYPE);
  if (!contentType) throw badAttributes('no content-type attribute', 'no-content-type');
  const ct = oidOf(contentType);
  if (ct === null) throw badAttributes('content-type: not an object identifier', 'content-type-not-oid');
  if (ct !== CT_TST_INFO) throw badAttributes(`content-type is ${ct}, not TSTInfo`, 'content-type', { oid: ct });
  const digestOid = signerInfo.digestAlgorithm.algorithmId;
  const digest = digestOf(digestOid);
  if (!digest) throw new TimestampError('timestamp-unsupported', `digest algorithm ${digestOid}`, { reason: 'digest', oid: digestOid });
  const md = attribute(attrs, ATTR_MESSAGE_DIGEST);
  if (!md) throw badAttributes('no message-digest attribute', 'no-message-digest');
  if (!isUniversal(md, 4) || md.idBlock.isConstructed) throw badAttributes('message-digest: not an OCTET STRING', 'message-digest-form');
  if (!bytesEqual(md.valueBlock.valueHexView, digest.fn(tstDer))) {
    throw badAttributes('the message digest is not the digest of the TSTInfo (the token was altered)', 'message-digest');
  }
  let ess;
  let hash;
  const v2 = attribute(attrs, ATTR_SIGNING_CERTIFICATE_V2);
  if (v2) {
    ess = firstEssCertId(v2, true);
    const alg = digestOf(ess.hashOid);
    if (!alg) throw new TimestampError('timestamp-unsupported', `ESSCertIDv2 hash ${ess.hashOid}`, { reason: 'ess-hash', oid: ess.hashOid });
    hash = alg.fn(signer.der);
  } else {
    const v1 = attribute(attrs, ATTR_SIGNING_CERTIFICATE);
    if (!v1) throw badAttributes('no signingCertificate or signingCertificateV2 attribute', 'no-signing-certificate');
    ess = firstEssCertId(v1, false);
    hash = sha1Of(signer.der);
  }
  if (!bytesEqual(ess.hash, hash)) throw badAttributes("the ESS certificate hash does not name the signer's certificate", 'ess-hash');
  if (ess.issuerSerial && !namesCertificate(ess.issuerSerial, signer)) {
    throw badAttributes("the ESS issuer and serial do not name the signer's certificate", 'ess-issuer-serial');
  }
}

/** Step 7: the extended key usage, critical, is id-kp-timeStamping alone (RFC 3161 §2.3). */
function checkTimeStampingCertificate(cert) {
  const eku = extension(cert, EXT_EXT_KEY_USAGE);
  let reason;
  let why;
  const usages = eku && decodeWhole(eku.value);
  if (!eku) [reason, why] = ["has no extended key usage (a TSA's must be id-kp-timeStamping)", 'no-eku'];
  else if (!(usages instanceof asn1js.Sequence) || !children(usages).every((u) => oidOf(u) !== null)) {
    [reason, why] = ['extended key usage does not parse', 'eku-form'];
  } else if (!eku.critical) [reason, why] = ['its extended key usage is not critical', 'eku-not-critical'];
  else if (children(usages).length === 1 && oidOf(children(usages)[0]) === KP_TIME_STAMPING) return;
  else [reason, why] = ['its extended key usage is not id-kp-timeStamping alone', 'eku-not-time-stamping'];
  throw certificateError({ subject: cert.subjectText }, reason, why);
}

function checkValidAt(cert, atSeconds) {
  if (cert.notBefore <= atSeconds && atSeconds <= cert.notAfter) return;
  const [from, to] = [BigInt(cert.notBefore) * NS, BigInt(cert.notAfter) * NS];
  throw certificateError({ subject: cert.subjectText }, `not valid at genTime (valid ${utcText(from)} to ${utcText(to)})`,
    'not-valid', { at: BigInt(atSeconds) * NS, notBefore: from, notAfter: to });
}

/** Whether `issuer` issued `cert`: names match and its key verifies `cert`'s signature. */
async function signedBy(subtle, cert, issuer) {
  if (!bytesEqual(cert.issuer, issuer.subject)) return false;
  // A signature is a whole number of bytes: a BIT STRING with unused bits is no signature.
  if (cert.pki.signatureValue.valueBlock.unusedBits !== 0) return false;
  try {
    await verifySignature(subtle, issuer.spki, cert.pki.signatureAlgorithm.algorithmId, null, cert.tbs,
      cert.pki.signatureValue.valueBlock.valueHexView);
    return true;
  } catch {
    return false;
  }
}

/** An intermediate may issue certificates: basicConstraints cA, and keyCertSign if key usage is stated. */
function isCa(cert) {
  const bc = extension(cert, EXT_BASIC_CONSTRAINTS);
  const bcValue = bc && decodeWhole(bc.value);
  const first = bcValue instanceof asn1js.Sequence ? children(bcValue)[0] : null;
  const ca = first instanceof asn1js.Boolean && first.valueBlock.value === true;
  const ku = extension(cert, EXT_KEY_USAGE);
  if (!ku) return ca;
  const bits = decodeWhole(ku.value);
  if (!(bits instanceof asn1js.BitString)) return false;
  const octets = bits.valueBlock.valueHexView;
  return ca && octets.length > 0 && (octets[0] & 0x04) !== 0; // bit 5, keyCertSign
}

/** Step 8: from the signer through the token's certificates to an anchor; returns the anchor. */
async function chainToAnchor(subtle, signer, pool, anchors, atSeconds) {
  let current = signer;
  for (let i = 0; i < MAX_CHAIN; i++) {
    checkValidAt(current, atSeconds);
    if (anchors.some((a) => bytesEqual(a.der, current.der))) return current;
    for (const anchor of anchors) {
      if (await signedBy(subtle, current, anchor)) {
        checkValidAt(anchor, atSeconds);
        return anchor;
      }
    }
    let next = null;
    for (const c of pool) {
      if (c !== current && !bytesEqual(c.der, current.der) && isCa(c) && await signedBy(subtle, current, c)) {
        next = c;
        break;
      }
    }
    if (!next) break;
    current = next;
  }
  throw new TimestampError('timestamp-untrusted',
    `the signer ${signer.subjectText} does not chain up to a trust anchor (${anchors.map((a) => a.subjectText).join('; ')})`,
    { reason: 'untrusted', signer: signer.subjectText, anchors: anchors.map((a) => a.subjectText) });
}

const inRange = (v, max) => v === undefined || (Number.isSafeInteger(v) && v >= 0 && v <= max);

/** Step 1: the bytes as a granted TimeStampResp → { signedData (PKIjs), node (asn1js), tstDer, tst, genTime }. */
function readResponse(bytes) {
  const root = decodeWhole(bytes);
  if (!root) throw malformed('TimeStampResp: not one DER value', 'not-der');
  let response;
  try {
    response = new TimeStampResp({ schema: root });
  } catch (e) {
    throw malformed(`TimeStampResp: ${e.message}`, 'response');
  }
  const status = response.status.status;
  if (status !== 0 && status !== 1) {
    const text = (response.status.statusStrings ?? []).map((s) => s.valueBlock.value).join('; ');
    throw new TimestampError('timestamp-not-granted',
      `the authority did not grant a token (status ${STATUS_NAMES[status] ?? status}${text ? `: ${text}` : ''})`,
      { reason: 'not-granted', status: STATUS_NAMES[status] ?? String(status), text });
  }
  if (!response.timeStampToken) throw malformed('a granted response without a token', 'no-token');
  const token = response.timeStampToken;
  if (token.contentType !== SIGNED_DATA) throw malformed(`the token is ${token.contentType}, not SignedData`, 'not-signed-data', { oid: token.contentType });
  let signedData;
  try {
    signedData = new SignedData({ schema: token.content });
  } catch (e) {
    throw malformed(`SignedData: ${e.message}`, 'signed-data');
  }
  // CMSVersion 0–5 (RFC 5652 §5.1), here and in the SignerInfo.
  if (![signedData.version, ...signedData.signerInfos.map((i) => i.version)].every((v) => Number.isInteger(v) && v >= 0 && v <= 5)) {
    throw malformed('SignedData: a version that is not a CMSVersion', 'cms-version');
  }
  const encap = signedData.encapContentInfo;
  if (encap.eContentType !== CT_TST_INFO) {
    throw malformed(`the signed content is ${encap.eContentType}, not TSTInfo`, 'not-tst-info', { oid: encap.eContentType });
  }
  if (!encap.eContent) throw malformed('no TSTInfo in the token', 'no-tst-info');
  if (!isUniversal(encap.eContent, 4) || encap.eContent.idBlock.isConstructed) throw malformed('eContent: not an OCTET STRING', 'e-content');
  const tstDer = new Uint8Array(encap.eContent.valueBlock.valueHexView);
  const tstNode = decodeWhole(tstDer);
  let tst;
  try {
    if (!tstNode) throw new Error('not one DER value');
    tst = new TSTInfo({ schema: tstNode });
  } catch (e) {
    throw malformed(`TSTInfo: ${e.message}`, 'tst-info');
  }
  if (tst.version !== 1) throw malformed(`TSTInfo: version ${tst.version}, not 1`, 'tst-version', { version: tst.version });
  // Accuracy: seconds a non-negative integer, millis and micros 16-bit unsigned (as the reference reads them).
  const acc = tst.accuracy;
  if (acc && !(inRange(acc.seconds, 2 ** 53) && inRange(acc.millis, 65535) && inRange(acc.micros, 65535))) {
    throw malformed('TSTInfo: accuracy out of range', 'accuracy');
  }
  const genTimeNode = children(tstNode)[4];
  const genTimeText = isUniversal(genTimeNode, 24) ? String.fromCharCode(...genTimeNode.valueBlock.valueHexView) : '';
  const genTime = parseGenTime(genTimeText);
  if (genTime === null) throw malformed(`TSTInfo: genTime ${genTimeText} is not YYYYMMDDhhmmss[.f]Z`, 'gen-time', { text: genTimeText });
  // The token's certificates, as DER (only plain certificates: other choices are ignored).
  const certsNode = children(token.content).find((n) => isContext(n, 0)) ?? null;
  return { signedData, certsNode, tstDer, tst, genTime };
}

/**
 * Checks a DER `TimeStampResp` (§16.3) for `commitmentHash` (32 bytes) against `anchors`
 * (readAnchorsPem). `nonce` (hex) only when this verifier made the request. Resolves to what it
 * states: { genTime, latest (BigInt ns), authority, anchor, serial, policy }; rejects with a
 * TimestampError naming the first check that fails.
 */
export async function verifyResponse(bytes, commitmentHash, anchors, { nonce = null, subtle = globalThis.crypto?.subtle } = {}) {
  if (!subtle) throw new Error('WebCrypto (crypto.subtle) is not available');
  const { signedData, certsNode, tstDer, tst, genTime } = readResponse(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));

  // 2. The imprint is the commitment hash, under SHA-256.
  const imprint = tst.messageImprint;
  const hashed = imprint.hashedMessage.valueBlock.valueHexView;
  if (imprint.hashAlgorithm.algorithmId !== OID.sha256 || !bytesEqual(hashed, commitmentHash)) {
    const alg = imprint.hashAlgorithm.algorithmId === OID.sha256 ? 'sha256' : imprint.hashAlgorithm.algorithmId;
    throw new TimestampError('timestamp-imprint',
      `the token time-stamps ${alg}:${toHex(hashed)}, not the commitment hash ${toHex(commitmentHash)}`,
      { reason: 'imprint', algorithm: alg, hash: toHex(hashed), commitmentHash: toHex(commitmentHash) });
  }

  // 3. The nonce is the request's.
  if (nonce !== null) {
    const found = tst.nonce ? tst.nonce.valueBlock.valueHexView : null;
    if (!found || !bytesEqual(found, nonceInteger(nonce))) {
      throw new TimestampError('timestamp-nonce',
        `the token's nonce ${found ? toHex(found) : 'none'} is not the request's nonce ${nonce}`,
        { reason: 'nonce', found: found ? toHex(found) : null, nonce });
    }
  }

  // 4. One signer, whose certificate is among the token's or the anchors.
  if (signedData.signerInfos.length !== 1) {
    throw new TimestampError('timestamp-signer', `the token has ${signedData.signerInfos.length} signers; RFC 3161 allows only the authority`,
      { reason: 'signers', count: signedData.signerInfos.length });
  }
  const signerInfo = signedData.signerInfos[0];
  const pool = [];
  for (const node of children(certsNode)) {
    if (!(node instanceof asn1js.Sequence)) continue; // other CertificateChoices
    try {
      pool.push(readCertificate(encoding(node)));
    } catch (e) {
      throw malformed(`a certificate of the token: ${e.message}`, 'token-certificate');
    }
  }
  const signer = [...pool, ...anchors].find((c) => identifies(signerInfo.sid, c));
  if (!signer) {
    throw new TimestampError('timestamp-signer', "the signer's certificate is neither in the token nor a trust anchor", { reason: 'no-signer' });
  }

  // 5. Signed attributes.
  checkSignedAttributes(signerInfo, tstDer, signer);

  // 6. The signature over the signed attributes (as a SET OF).
  try {
    await verifySignature(subtle, signer.spki, signerInfo.signatureAlgorithm.algorithmId, signerInfo.digestAlgorithm.algorithmId,
      new Uint8Array(signerInfo.signedAttrs.encodedValue), signerInfo.signature.valueBlock.valueHexView);
  } catch (e) {
    if (!(e instanceof SignatureFailure)) throw e;
    if (e.unsupported) throw new TimestampError('timestamp-unsupported', e.unsupported, { reason: 'signature', ...e.facts });
    throw new TimestampError('timestamp-signature', "the authority's signature over the token does not verify", { reason: 'signature' });
  }

  // 7, 8. A time-stamping certificate, chaining to an anchor, every certificate valid at genTime.
  checkTimeStampingCertificate(signer);
  const atSeconds = Number(genTime / NS);
  const anchor = await chainToAnchor(subtle, signer, pool, anchors, atSeconds);

  const acc = tst.accuracy;
  const accuracy = acc
    ? BigInt(acc.seconds ?? 0) * NS + (BigInt(acc.millis ?? 0) * 1000n + BigInt(acc.micros ?? 0)) * 1000n
    : 0n;
  return {
    genTime,
    latest: genTime + accuracy,
    authority: signer.subjectText,
    anchor: anchor.subjectText,
    serial: toHex(tst.serialNumber.valueBlock.valueHexView),
    policy: tst.policy,
  };
}

// ---- §16.4 ---------------------------------------------------------------------------------

/** Throws `timestamp-too-late` unless the stamp's latest time is strictly before `deadline` (ns). */
export function checkBefore(stamp, deadline) {
  if (stamp.latest < deadline) return;
  throw new TimestampError('timestamp-too-late',
    `time-stamped at ${utcText(stamp.genTime)} (latest ${utcText(stamp.latest)}), not before ${utcText(deadline)}`,
    { reason: 'too-late', genTime: stamp.genTime, latest: stamp.latest, deadline });
}

/**
 * The deadline of a draw's tokens (§16.4), in ns since 1970: the promised drand round's time for
 * a commitment with a drand source, otherwise the transcript's `drawn_at`. `transcript` is the
 * parsed JSON (its `commitment` inside). Returns { ns, reason: 'drand' | 'drawn_at' } or null when
 * it cannot be read (the draw's own checks then name what is wrong).
 */
export function deadlineOf(transcript) {
  const drand = transcript?.commitment?.entropy_source?.drand;
  if (drand) {
    const chain = knownChain(drand.chain_hash);
    const t = chain ? roundTime(chain, drand.round) : null;
    return t === null ? null : { ns: t * NS, reason: 'drand', round: drand.round, chain: chain.name };
  }
  const ns = typeof transcript?.drawn_at === 'string' ? parseRfc3339(transcript.drawn_at) : null;
  return ns === null ? null : { ns, reason: 'drawn_at' };
}

/**
 * All of a draw's tokens (§16.4): each `{ label, bytes }` checked on its own, without a nonce.
 * Resolves to { deadline, outcomes: [{ label, stamp | null, error: { code, detail, facts } | null }],
 * proven: the stamp with the earliest latest time among those that count, or null }.
 */
export async function assessTokens(tokens, commitmentHash, deadline, anchors, options = {}) {
  const outcomes = [];
  for (const { label, bytes } of tokens) {
    let stamp = null;
    try {
      stamp = await verifyResponse(bytes, commitmentHash, anchors, options);
      checkBefore(stamp, deadline);
      outcomes.push({ label, stamp, error: null });
    } catch (e) {
      if (!(e instanceof TimestampError)) throw e;
      outcomes.push({ label, stamp, error: { code: e.code, detail: e.detail, facts: e.facts } });
    }
  }
  const counting = outcomes.filter((o) => o.error === null).map((o) => o.stamp);
  const proven = counting.reduce((best, s) => (best === null || s.latest < best.latest ? s : best), null);
  return { deadline, outcomes, proven };
}

/** The verdict in words (简体中文): when the commitment provably existed, or that only the bureau says so. */
export function assessmentText(assessment) {
  const { proven, outcomes, deadline } = assessment;
  if (proven) {
    return `承诺最晚在 ${beijingText(proven.latest)}（北京时间）已经存在：由时间戳机构 ${proven.authority} 签名证明（RFC 3161），`
      + `早于截止时间 ${beijingText(deadline)}（北京时间）。`;
  }
  if (outcomes.length === 0) {
    return '没有时间戳：承诺的公布时间只有抽查机关自己的说法为凭，没有独立的时间戳机构证明它在随机数产生之前就已存在。';
  }
  return `没有一个时间戳有效（${outcomes.length} 个未通过）：承诺的公布时间只有抽查机关自己的说法为凭。`;
}
