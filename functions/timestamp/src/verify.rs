//! Verifying a time-stamp response against a commitment hash and trust anchors (RFC 3161 §2.4.2
//! and §4, RFC 5652 §5.4–§5.6, RFC 5035), and the deadline check.

use chrono::{DateTime, TimeDelta, Utc};
use cmpv2::status::PkiStatus;
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::OctetString;
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_tsp::TimeStampResp;

use crate::anchors::TrustAnchors;
use crate::asn1::TstInfo;
use crate::attributes::check_signed_attributes;
use crate::chain::{chain_to_anchor, check_time_stamping_certificate, identifies};
use crate::crypto::{self, SignatureFailure};
use crate::error::{TooLate, VerifyError};
use crate::oids;
use crate::request::Nonce;

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// `genTime`: when the authority says it saw the commitment hash.
    pub gen_time: DateTime<Utc>,
    /// `genTime` plus the token's stated accuracy: the latest moment the hash can have been seen.
    /// Equal to `gen_time` when the token states no accuracy.
    pub latest: DateTime<Utc>,
    /// The signing certificate's subject (RFC 4514 text): who vouches for the time.
    pub authority: String,
    /// The trust anchor the signer chains to (its subject).
    pub anchor: String,
    /// The token's serial number (lowercase hex), unique per authority.
    pub serial: String,
    /// The authority's policy under which the token was issued (dotted OID).
    pub policy: String,
}

/// Checks that the stamp proves the commitment existed strictly before `deadline` (the drand
/// round's time for a beacon draw; `drawn_at` or the witnesses' ceremony time otherwise): its
/// latest time, `genTime` plus accuracy, must be earlier.
///
/// # Errors
/// [`TooLate`] otherwise.
pub fn check_before(stamp: &Stamp, deadline: DateTime<Utc>) -> Result<(), TooLate> {
    if stamp.latest < deadline {
        Ok(())
    } else {
        Err(TooLate {
            gen_time: stamp.gen_time,
            latest: stamp.latest,
            deadline,
        })
    }
}

/// Verifies a DER `TimeStampResp` (the `.tsr` file an authority returns) for `commitment_hash`:
/// status granted, then [`verify_token`] on its token.
///
/// # Errors
/// [`VerifyError`] naming the first check that fails.
pub fn verify_response(
    response_der: &[u8],
    commitment_hash: &[u8; 32],
    nonce: Option<Nonce>,
    anchors: &TrustAnchors,
) -> Result<Stamp, VerifyError> {
    let response = TimeStampResp::from_der(response_der)
        .map_err(|e| VerifyError::Malformed(format!("TimeStampResp: {e}")))?;
    match response.status.status {
        PkiStatus::Accepted | PkiStatus::GrantedWithMods => {}
        other => {
            let text = response.status.status_string.as_ref().map(|parts| {
                parts
                    .iter()
                    .map(|p| p.as_str().to_owned())
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            return Err(VerifyError::NotGranted {
                status: format!("{other:?}"),
                text,
            });
        }
    }
    let token = response
        .time_stamp_token
        .ok_or_else(|| VerifyError::Malformed("a granted response without a token".into()))?;
    verify_token(&token, commitment_hash, nonce, anchors)
}

/// Verifies a `TimeStampToken` (a CMS `ContentInfo` holding `SignedData` over a `TSTInfo`).
///
/// # Errors
/// [`VerifyError`] naming the first check that fails.
pub fn verify_token(
    token: &ContentInfo,
    commitment_hash: &[u8; 32],
    nonce: Option<Nonce>,
    anchors: &TrustAnchors,
) -> Result<Stamp, VerifyError> {
    let malformed = |what: &str, e: der::Error| VerifyError::Malformed(format!("{what}: {e}"));
    if token.content_type != oids::SIGNED_DATA {
        return Err(VerifyError::Malformed(format!(
            "the token is {}, not SignedData",
            token.content_type
        )));
    }
    let content = token.content.to_der().map_err(|e| malformed("token", e))?;
    let signed = SignedData::from_der(&content).map_err(|e| malformed("SignedData", e))?;

    // 1. The content is a TSTInfo, and it time-stamps the commitment hash.
    let encap = &signed.encap_content_info;
    if encap.econtent_type != oids::CT_TST_INFO {
        return Err(VerifyError::Malformed(format!(
            "the signed content is {}, not TSTInfo",
            encap.econtent_type
        )));
    }
    let tst_der = encap
        .econtent
        .as_ref()
        .ok_or_else(|| VerifyError::Malformed("no TSTInfo in the token".into()))?
        .decode_as::<OctetString>()
        .map_err(|e| malformed("eContent", e))?
        .into_bytes();
    let tst = TstInfo::from_der(&tst_der).map_err(|e| malformed("TSTInfo", e))?;
    let imprint = &tst.message_imprint;
    if imprint.hash_algorithm.oid != oids::SHA256
        || imprint.hashed_message.as_bytes() != commitment_hash
    {
        let alg = match imprint.hash_algorithm.oid {
            oids::SHA256 => "sha256".to_owned(),
            other => other.to_string(),
        };
        return Err(VerifyError::Imprint {
            expected: hex::encode(commitment_hash),
            found: format!("{alg}:{}", hex::encode(imprint.hashed_message.as_bytes())),
        });
    }

    // 2. The nonce is the request's.
    if let Some(nonce) = nonce {
        let expected = nonce
            .to_int()
            .map_err(|e| VerifyError::Malformed(format!("nonce: {e}")))?;
        if tst.nonce.as_ref() != Some(&expected) {
            return Err(VerifyError::Nonce {
                expected: format!("{:016x}", nonce.value()),
                found: tst
                    .nonce
                    .as_ref()
                    .map_or_else(|| "none".to_owned(), |n| hex::encode(n.as_bytes())),
            });
        }
    }
    let gen_time = tst.gen_time.time();

    // 3. One signer, whose certificate is in the token or among the anchors.
    let signer_info = match signed.signer_infos.0.as_slice() {
        [one] => one,
        more => {
            return Err(VerifyError::Signer(format!(
                "the token has {} signers; RFC 3161 allows only the authority",
                more.len()
            )));
        }
    };
    let pool: Vec<Certificate> = signed
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c.clone()),
                    CertificateChoices::Other(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let signer = pool
        .iter()
        .chain(anchors.certificates())
        .find(|c| identifies(&signer_info.sid, c))
        .ok_or_else(|| {
            VerifyError::Signer(
                "the signer's certificate is neither in the token nor a trust anchor".into(),
            )
        })?;
    let signer_der = signer
        .to_der()
        .map_err(|e| malformed("signer certificate", e))?;

    // 4. Signed attributes: content type, message digest over the TSTInfo, signing certificate.
    check_signed_attributes(signer_info, &tst_der, signer, &signer_der)?;

    // 5. The signature over the signed attributes verifies with the signer's key.
    let signed_attrs = signer_info
        .signed_attrs
        .as_ref()
        .ok_or_else(|| VerifyError::SignedAttributes("none".into()))?
        .to_der()
        .map_err(|e| malformed("signed attributes", e))?;
    crypto::verify_signature(
        &signer.tbs_certificate.subject_public_key_info,
        &signer_info.signature_algorithm,
        Some(&signer_info.digest_alg.oid),
        &signed_attrs,
        signer_info.signature.as_bytes(),
    )
    .map_err(|f| match f {
        SignatureFailure::Invalid => VerifyError::Signature,
        SignatureFailure::Unsupported(what) => VerifyError::Unsupported(what),
    })?;

    // 6. The signer is a time-stamping certificate, valid at genTime, chaining to an anchor.
    check_time_stamping_certificate(signer)?;
    let anchor = chain_to_anchor(signer, &pool, anchors, gen_time)?;

    let latest = tst
        .accuracy
        .as_ref()
        .map_or(Some(gen_time), |a| {
            let micros = i64::from(a.millis.unwrap_or(0))
                .checked_mul(1000)?
                .checked_add(i64::from(a.micros.unwrap_or(0)))?;
            let seconds = i64::try_from(a.seconds.unwrap_or(0)).ok()?;
            gen_time
                .checked_add_signed(TimeDelta::try_seconds(seconds)?)?
                .checked_add_signed(TimeDelta::microseconds(micros))
        })
        .ok_or_else(|| VerifyError::Malformed("accuracy out of range".into()))?;
    Ok(Stamp {
        gen_time,
        latest,
        authority: signer.tbs_certificate.subject.to_string(),
        anchor: anchor.tbs_certificate.subject.to_string(),
        serial: hex::encode(tst.serial_number.as_bytes()),
        policy: tst.policy.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(latest: &str) -> Result<Stamp, chrono::ParseError> {
        let t = DateTime::parse_from_rfc3339(latest)?.with_timezone(&Utc);
        Ok(Stamp {
            gen_time: t,
            latest: t,
            authority: "CN=t".into(),
            anchor: "CN=a".into(),
            serial: "01".into(),
            policy: "1.2.3".into(),
        })
    }

    #[test]
    fn the_deadline_is_strict() -> Result<(), Box<dyn std::error::Error>> {
        let s = stamp("2026-12-06T10:00:00.5Z")?;
        let at = |t: &str| DateTime::parse_from_rfc3339(t).map(|t| t.with_timezone(&Utc));
        assert!(check_before(&s, at("2026-12-06T10:00:01Z")?).is_ok());
        let e = check_before(&s, at("2026-12-06T10:00:00Z")?);
        assert_eq!(e.map_err(|e| e.code()), Err("timestamp-too-late"));
        let s = stamp("2026-12-06T10:00:00Z")?;
        assert!(check_before(&s, at("2026-12-06T10:00:00Z")?).is_err());
        Ok(())
    }
}
