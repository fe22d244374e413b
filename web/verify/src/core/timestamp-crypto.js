// Digests and signature checks for time-stamp tokens (draw spec §16.3 step 6): RSA PKCS #1 v1.5
// and ECDSA on P-256 / P-384 with SHA-256, SHA-384 or SHA-512, by WebCrypto (the browser's, or
// node:crypto's webcrypto in the tests). Anything else is reported as unsupported, never accepted.
import * as asn1js from 'asn1js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { isDer } from './der.js';

export const OID = Object.freeze({
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  ecPublicKey: '1.2.840.10045.2.1',
  secp256r1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
});

/** The digests a signature or a message digest may use: OID → { name (WebCrypto), fn }. */
const DIGESTS = new Map([
  [OID.sha256, { name: 'SHA-256', fn: sha256 }],
  [OID.sha384, { name: 'SHA-384', fn: sha384 }],
  [OID.sha512, { name: 'SHA-512', fn: sha512 }],
]);

/** The digest algorithm of `oid` ({ name, fn }), or null when unsupported. */
export const digestOf = (oid) => DIGESTS.get(oid) ?? null;

/** SHA-1, only for RFC 2634 `ESSCertID` certificate hashes, never for a signature. */
export const sha1Of = (bytes) => sha1(bytes);

const SIGNATURES = new Map([
  [OID.sha256WithRSA, { rsa: true, digest: OID.sha256 }],
  [OID.sha384WithRSA, { rsa: true, digest: OID.sha384 }],
  [OID.sha512WithRSA, { rsa: true, digest: OID.sha512 }],
  [OID.ecdsaWithSha256, { rsa: false, digest: OID.sha256 }],
  [OID.ecdsaWithSha384, { rsa: false, digest: OID.sha384 }],
  [OID.ecdsaWithSha512, { rsa: false, digest: OID.sha512 }],
]);

const CURVES = new Map([[OID.secp256r1, { name: 'P-256', size: 32 }], [OID.secp384r1, { name: 'P-384', size: 48 }]]);

/** Why a signature was not accepted: `unsupported` (with what), or invalid. */
export class SignatureFailure extends Error {
  constructor(unsupported = null, facts = {}) {
    super(unsupported ?? 'invalid signature');
    this.unsupported = unsupported;
    /** What is unsupported, as data: { what: 'rsa-no-digest' | 'digest' | 'algorithm' | 'rsa-key' | 'ec-key' | 'ec-curve' | 'curve', oid? }. */
    this.facts = facts;
  }
}

/** The parts of a DER SubjectPublicKeyInfo: its algorithm OID and parameters (an asn1js node). */
function spkiParts(spkiDer) {
  const parsed = asn1js.fromBER(spkiDer);
  const alg = parsed.offset === -1 ? null : parsed.result.valueBlock?.value?.[0]?.valueBlock?.value;
  if (!alg || !(alg[0] instanceof asn1js.ObjectIdentifier)) throw new SignatureFailure();
  return { oid: alg[0].valueBlock.toString(), params: alg[1] ?? null };
}

/** An ECDSA-Sig-Value (DER SEQUENCE of r, s) as WebCrypto's r ‖ s, each `size` bytes. */
function rawEcdsa(der, size) {
  if (der[0] !== 0x30 || !isDer(der)) throw new SignatureFailure();
  const parsed = asn1js.fromBER(der);
  if (parsed.offset !== der.length || !(parsed.result instanceof asn1js.Sequence)) throw new SignatureFailure();
  const parts = parsed.result.valueBlock.value;
  if (parts.length !== 2 || !parts.every((p) => p instanceof asn1js.Integer)) throw new SignatureFailure();
  const out = new Uint8Array(2 * size);
  parts.forEach((p, i) => {
    let v = p.valueBlock.valueHexView;
    if (v.length > 0 && v[0] & 0x80) throw new SignatureFailure(); // negative
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v.length > size) throw new SignatureFailure();
    out.set(v, (i + 1) * size - v.length);
  });
  return out;
}

/**
 * Checks `signature` over `message` with the key `spkiDer` under `algorithm` (an OID).
 * `digestHint` is the separately named digest CMS uses with the bare rsaEncryption algorithm.
 * Resolves when it verifies; rejects with SignatureFailure otherwise.
 */
export async function verifySignature(subtle, spkiDer, algorithm, digestHint, message, signature) {
  let sig = SIGNATURES.get(algorithm);
  if (algorithm === OID.rsaEncryption) {
    if (digestHint === null) throw new SignatureFailure('rsaEncryption without a digest', { what: 'rsa-no-digest' });
    if (!DIGESTS.has(digestHint)) throw new SignatureFailure(`digest algorithm ${digestHint}`, { what: 'digest', oid: digestHint });
    sig = { rsa: true, digest: digestHint };
  }
  if (!sig) throw new SignatureFailure(`signature algorithm ${algorithm}`, { what: 'algorithm', oid: algorithm });
  const hash = DIGESTS.get(sig.digest).name;
  const key = spkiParts(spkiDer);
  if (sig.rsa) {
    if (key.oid !== OID.rsaEncryption) throw new SignatureFailure('an RSA signature by a key that is not RSA', { what: 'rsa-key' });
    let pub;
    try {
      pub = await subtle.importKey('spki', spkiDer, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify']);
    } catch {
      throw new SignatureFailure();
    }
    if (!(await subtle.verify('RSASSA-PKCS1-v1_5', pub, signature, message))) throw new SignatureFailure();
    return;
  }
  if (key.oid !== OID.ecPublicKey) throw new SignatureFailure('an ECDSA signature by a key that is not an EC key', { what: 'ec-key' });
  if (!(key.params instanceof asn1js.ObjectIdentifier)) throw new SignatureFailure('an EC key without a named curve', { what: 'ec-curve' });
  const curveOid = key.params.valueBlock.toString();
  const curve = CURVES.get(curveOid);
  if (!curve) throw new SignatureFailure(`elliptic curve ${curveOid}`, { what: 'curve', oid: curveOid });
  const raw = rawEcdsa(signature, curve.size);
  let pub;
  try {
    pub = await subtle.importKey('spki', spkiDer, { name: 'ECDSA', namedCurve: curve.name }, false, ['verify']);
  } catch {
    throw new SignatureFailure();
  }
  if (!(await subtle.verify({ name: 'ECDSA', hash }, pub, raw, message))) throw new SignatureFailure();
}
