//! The time-stamp request (RFC 3161 §2.4.1).

use der::Encode;
use der::asn1::{Any, Int, OctetString};
use spki::AlgorithmIdentifier;
use x509_tsp::{MessageImprint, TimeStampReq, TspVersion};

use crate::oids;

/// A request nonce: a random number the caller draws for each request, so a response cannot be
/// replayed from an earlier request for the same commitment (RFC 3161 §2.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nonce(u64);

impl Nonce {
    /// The nonce `value` (draw it from a cryptographic random source).
    pub const fn new(value: u64) -> Self {
        Self(value)
    }

    /// The number.
    pub const fn value(&self) -> u64 {
        self.0
    }

    /// As a DER INTEGER (positive, minimal).
    pub(crate) fn to_int(self) -> Result<Int, der::Error> {
        let bytes = self.0.to_be_bytes();
        let first = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len() - 1);
        let mut minimal = Vec::with_capacity(9);
        if bytes[first] & 0x80 != 0 {
            minimal.push(0);
        }
        minimal.extend_from_slice(&bytes[first..]);
        Int::new(&minimal)
    }
}

/// The DER `TimeStampReq` for a commitment: message imprint SHA-256 with the commitment hash as
/// the hashed message (the commitment hash *is* the SHA-256 of the published `commitment.json`,
/// so `openssl ts -query -data commitment.json -sha256` asks for the same imprint), the caller's
/// nonce, no policy, and `certReq` true so the response carries the authority's certificate.
///
/// # Errors
/// Only if DER encoding fails, which it does not for these fixed shapes.
pub fn build_request(commitment_hash: &[u8; 32], nonce: Nonce) -> Result<Vec<u8>, der::Error> {
    let request = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifier {
                oid: oids::SHA256,
                parameters: Some(Any::null()),
            },
            hashed_message: OctetString::new(commitment_hash.to_vec())?,
        },
        req_policy: None,
        nonce: Some(nonce.to_int()?),
        cert_req: true,
        extensions: None,
    };
    request.to_der()
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Decode;

    #[test]
    fn nonces_encode_as_minimal_positive_integers() -> Result<(), der::Error> {
        assert_eq!(Nonce::new(0).to_int()?.as_bytes(), [0]);
        assert_eq!(Nonce::new(0x7f).to_int()?.as_bytes(), [0x7f]);
        assert_eq!(Nonce::new(0x80).to_int()?.as_bytes(), [0, 0x80]);
        assert_eq!(Nonce::new(0x0100).to_int()?.as_bytes(), [1, 0]);
        assert_eq!(
            Nonce::new(u64::MAX).to_int()?.as_bytes(),
            [0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
        Ok(())
    }

    #[test]
    fn the_request_carries_the_commitment_hash_the_nonce_and_cert_req() -> Result<(), der::Error> {
        let hash = [0xab; 32];
        let der = build_request(&hash, Nonce::new(0x1234_5678_9abc_def0))?;
        let back = TimeStampReq::from_der(&der)?;
        assert_eq!(back.message_imprint.hash_algorithm.oid, oids::SHA256);
        assert_eq!(back.message_imprint.hashed_message.as_bytes(), hash);
        assert_eq!(
            back.nonce.as_ref().map(Int::as_bytes),
            Some(&[0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0][..])
        );
        assert!(back.cert_req);
        assert!(back.req_policy.is_none());
        Ok(())
    }
}
