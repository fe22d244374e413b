//! Digests and signature checks: RSA PKCS #1 v1.5 and ECDSA on P-256 / P-384, with SHA-256,
//! SHA-384 or SHA-512. Anything else is reported as unsupported, never accepted.

use der::oid::ObjectIdentifier as Oid;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::pkcs8::DecodePublicKey;
use sha2::Digest;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::oids;

/// A digest algorithm a signature or a message digest may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DigestAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlg {
    pub(crate) fn from_oid(oid: &Oid) -> Option<Self> {
        match *oid {
            oids::SHA256 => Some(Self::Sha256),
            oids::SHA384 => Some(Self::Sha384),
            oids::SHA512 => Some(Self::Sha512),
            _ => None,
        }
    }

    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SignatureFailure {
    /// An algorithm, key type or curve this crate does not check.
    Unsupported(String),
    /// The key or signature is malformed, or the signature does not verify.
    Invalid,
}

/// Checks `signature` over `message` with the key `key` under `algorithm`. `digest_hint` is the
/// separately named digest algorithm CMS uses with the bare `rsaEncryption` signature algorithm.
pub(crate) fn verify_signature(
    key: &SubjectPublicKeyInfoOwned,
    algorithm: &AlgorithmIdentifierOwned,
    digest_hint: Option<&Oid>,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureFailure> {
    let unsupported = |what: &str| SignatureFailure::Unsupported(what.to_owned());
    let (is_rsa, digest) = match algorithm.oid {
        oids::RSA_ENCRYPTION => {
            let hint = digest_hint.ok_or_else(|| unsupported("rsaEncryption without a digest"))?;
            let digest = DigestAlg::from_oid(hint)
                .ok_or_else(|| unsupported(&format!("digest algorithm {hint}")))?;
            (true, digest)
        }
        oids::SHA256_WITH_RSA => (true, DigestAlg::Sha256),
        oids::SHA384_WITH_RSA => (true, DigestAlg::Sha384),
        oids::SHA512_WITH_RSA => (true, DigestAlg::Sha512),
        oids::ECDSA_WITH_SHA256 => (false, DigestAlg::Sha256),
        oids::ECDSA_WITH_SHA384 => (false, DigestAlg::Sha384),
        oids::ECDSA_WITH_SHA512 => (false, DigestAlg::Sha512),
        other => return Err(unsupported(&format!("signature algorithm {other}"))),
    };
    let hashed = digest.digest(message);
    if is_rsa {
        if key.algorithm.oid != oids::RSA_ENCRYPTION {
            return Err(unsupported("an RSA signature by a key that is not RSA"));
        }
        let der = der::Encode::to_der(key).map_err(|_| SignatureFailure::Invalid)?;
        let public =
            rsa::RsaPublicKey::from_public_key_der(&der).map_err(|_| SignatureFailure::Invalid)?;
        let scheme = match digest {
            DigestAlg::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
            DigestAlg::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
            DigestAlg::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
        };
        return public
            .verify(scheme, &hashed, signature)
            .map_err(|_| SignatureFailure::Invalid);
    }
    if key.algorithm.oid != oids::EC_PUBLIC_KEY {
        return Err(unsupported(
            "an ECDSA signature by a key that is not an EC key",
        ));
    }
    let curve = key
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<Oid>().ok())
        .ok_or_else(|| unsupported("an EC key without a named curve"))?;
    let point = key.subject_public_key.raw_bytes();
    match curve {
        oids::SECP256R1 => {
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| SignatureFailure::Invalid)?;
            let sig = p256::ecdsa::Signature::from_der(signature)
                .map_err(|_| SignatureFailure::Invalid)?;
            vk.verify_prehash(&hashed, &sig)
                .map_err(|_| SignatureFailure::Invalid)
        }
        oids::SECP384R1 => {
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| SignatureFailure::Invalid)?;
            let sig = p384::ecdsa::Signature::from_der(signature)
                .map_err(|_| SignatureFailure::Invalid)?;
            vk.verify_prehash(&hashed, &sig)
                .map_err(|_| SignatureFailure::Invalid)
        }
        other => Err(unsupported(&format!("elliptic curve {other}"))),
    }
}

/// SHA-1, only for `ESSCertID` certificate hashes (RFC 2634), never for a signature.
pub(crate) fn sha1(data: &[u8]) -> Vec<u8> {
    sha1::Sha1::digest(data).to_vec()
}
