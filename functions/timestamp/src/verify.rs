//! Verifying a time-stamp response against a commitment hash and trust anchors (RFC 3161 §2.4.2
//! and §4, RFC 5652 §5.4–§5.6, RFC 5035), and the deadline check.

use chrono::{DateTime, TimeDelta, Utc};
use cmpv2::status::PkiStatus;
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::OctetString;
use der::oid::ObjectIdentifier as Oid;
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectKeyIdentifier};
use x509_tsp::TimeStampResp;

use crate::anchors::TrustAnchors;
use crate::asn1::{IssuerSerial, SigningCertificate, SigningCertificateV2, TstInfo};
use crate::crypto::{self, DigestAlg, SignatureFailure};
use crate::oids;
use crate::request::Nonce;

/// The longest certificate chain followed from the signer to an anchor.
const MAX_CHAIN: usize = 8;

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

/// Why a time-stamp response does not prove that the commitment existed at its `genTime`.
/// [`VerifyError::code`] gives a stable code for each kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The bytes are not a time-stamp response of the expected shape.
    #[error("not a valid RFC 3161 time-stamp response: {0}")]
    Malformed(String),
    /// The authority did not grant a token.
    #[error("the authority did not grant a token (status {status}{})", text.as_deref().map(|t| format!(": {t}")).unwrap_or_default())]
    NotGranted {
        /// The PKIStatus name.
        status: String,
        /// The authority's own words, if any.
        text: Option<String>,
    },
    /// The token time-stamps another hash (or uses another hash algorithm) than the commitment's.
    #[error("the token time-stamps {found}, not the commitment hash {expected}")]
    Imprint {
        /// The commitment hash (hex).
        expected: String,
        /// What the token holds (`algorithm:hex`).
        found: String,
    },
    /// The token's nonce is missing or is not the request's.
    #[error("the token's nonce {found} is not the request's nonce {expected}")]
    Nonce {
        /// The request's nonce (hex).
        expected: String,
        /// The token's nonce (hex, or `none`).
        found: String,
    },
    /// The signer's certificate cannot be found, or is not a time-stamping certificate.
    #[error("signer: {0}")]
    Signer(String),
    /// The signed attributes are missing, incomplete or do not match the token.
    #[error("signed attributes: {0}")]
    SignedAttributes(String),
    /// The signature does not verify with the signer's key.
    #[error("the authority's signature over the token does not verify")]
    Signature,
    /// A certificate of the chain was not valid at `genTime` or is not fit for its place.
    #[error("certificate {subject}: {reason}")]
    Certificate {
        /// The certificate's subject.
        subject: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The signer's certificate does not chain up to any trust anchor.
    #[error("the signer {signer} does not chain up to a trust anchor ({anchors})")]
    Untrusted {
        /// The signer's subject.
        signer: String,
        /// The configured anchors' subjects.
        anchors: String,
    },
    /// An algorithm this verifier does not check (e.g. SM2, RSA-PSS).
    #[error("unsupported: {0}")]
    Unsupported(String),
}

impl VerifyError {
    /// A stable code for the kind of failure (for problem+json and verdicts).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "timestamp-malformed",
            Self::NotGranted { .. } => "timestamp-not-granted",
            Self::Imprint { .. } => "timestamp-imprint",
            Self::Nonce { .. } => "timestamp-nonce",
            Self::Signer(_) => "timestamp-signer",
            Self::SignedAttributes(_) => "timestamp-signed-attributes",
            Self::Signature => "timestamp-signature",
            Self::Certificate { .. } => "timestamp-certificate",
            Self::Untrusted { .. } => "timestamp-untrusted",
            Self::Unsupported(_) => "timestamp-unsupported",
        }
    }
}

/// The token's time is not before the deadline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("time-stamped at {gen_time} (latest {latest}), not before {deadline}")]
pub struct TooLate {
    /// The token's `genTime`.
    pub gen_time: DateTime<Utc>,
    /// `genTime` plus accuracy.
    pub latest: DateTime<Utc>,
    /// The deadline it had to beat.
    pub deadline: DateTime<Utc>,
}

impl TooLate {
    /// The stable code, `timestamp-too-late`.
    pub fn code(&self) -> &'static str {
        "timestamp-too-late"
    }
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

fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            ias.issuer == cert.tbs_certificate.issuer
                && ias.serial_number == cert.tbs_certificate.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            extension::<SubjectKeyIdentifier>(cert, &oids::SUBJECT_KEY_IDENTIFIER)
                .ok()
                .flatten()
                .is_some_and(|(_, found)| found.0 == ski.0)
        }
    }
}

/// The single value of the signed attribute `oid`, if present.
fn attribute<'a>(
    info: &'a SignerInfo,
    oid: &Oid,
) -> Result<Option<&'a der::asn1::Any>, VerifyError> {
    let Some(attrs) = info.signed_attrs.as_ref() else {
        return Err(VerifyError::SignedAttributes("none".into()));
    };
    let mut found = attrs.iter().filter(|a| a.oid == *oid);
    let Some(attr) = found.next() else {
        return Ok(None);
    };
    if found.next().is_some() {
        return Err(VerifyError::SignedAttributes(format!(
            "attribute {oid} appears twice"
        )));
    }
    match attr.values.as_slice() {
        [value] => Ok(Some(value)),
        _ => Err(VerifyError::SignedAttributes(format!(
            "attribute {oid} does not have exactly one value"
        ))),
    }
}

fn check_signed_attributes(
    info: &SignerInfo,
    tst_der: &[u8],
    signer: &Certificate,
    signer_der: &[u8],
) -> Result<(), VerifyError> {
    let bad = |what: String| VerifyError::SignedAttributes(what);
    let content_type = attribute(info, &oids::ATTR_CONTENT_TYPE)?
        .ok_or_else(|| bad("no content-type attribute".into()))?
        .decode_as::<Oid>()
        .map_err(|e| bad(format!("content-type: {e}")))?;
    if content_type != oids::CT_TST_INFO {
        return Err(bad(format!("content-type is {content_type}, not TSTInfo")));
    }
    let digest_alg = DigestAlg::from_oid(&info.digest_alg.oid).ok_or_else(|| {
        VerifyError::Unsupported(format!("digest algorithm {}", info.digest_alg.oid))
    })?;
    let digest = attribute(info, &oids::ATTR_MESSAGE_DIGEST)?
        .ok_or_else(|| bad("no message-digest attribute".into()))?
        .decode_as::<OctetString>()
        .map_err(|e| bad(format!("message-digest: {e}")))?;
    if digest.as_bytes() != digest_alg.digest(tst_der) {
        return Err(bad(
            "the message digest is not the digest of the TSTInfo (the token was altered)".into(),
        ));
    }

    // ESS signing certificate (RFC 3161 §2.4.1, RFC 5035): the first ESSCertID names the signer.
    let (hash, issuer_serial) =
        if let Some(v2) = attribute(info, &oids::ATTR_SIGNING_CERTIFICATE_V2)? {
            let v2 = v2
                .decode_as::<SigningCertificateV2>()
                .map_err(|e| bad(format!("signingCertificateV2: {e}")))?;
            let first = v2
                .certs
                .into_iter()
                .next()
                .ok_or_else(|| bad("signingCertificateV2 names no certificate".into()))?;
            let alg = DigestAlg::from_oid(&first.hash_oid()).ok_or_else(|| {
                VerifyError::Unsupported(format!("ESSCertIDv2 hash {}", first.hash_oid()))
            })?;
            let matches = first.cert_hash.as_bytes() == alg.digest(signer_der);
            (matches, first.issuer_serial)
        } else if let Some(v1) = attribute(info, &oids::ATTR_SIGNING_CERTIFICATE)? {
            let v1 = v1
                .decode_as::<SigningCertificate>()
                .map_err(|e| bad(format!("signingCertificate: {e}")))?;
            let first = v1
                .certs
                .into_iter()
                .next()
                .ok_or_else(|| bad("signingCertificate names no certificate".into()))?;
            let matches = first.cert_hash.as_bytes() == crypto::sha1(signer_der);
            (matches, first.issuer_serial)
        } else {
            return Err(bad(
                "no signingCertificate or signingCertificateV2 attribute".into(),
            ));
        };
    if !hash {
        return Err(bad(
            "the ESS certificate hash does not name the signer's certificate".into(),
        ));
    }
    if let Some(issuer_serial) = issuer_serial
        && !names_certificate(&issuer_serial, signer)
    {
        return Err(bad(
            "the ESS issuer and serial do not name the signer's certificate".into(),
        ));
    }
    Ok(())
}

fn names_certificate(issuer_serial: &IssuerSerial, cert: &Certificate) -> bool {
    issuer_serial.serial_number == cert.tbs_certificate.serial_number
        && issuer_serial.issuer.iter().any(
            |n| matches!(n, GeneralName::DirectoryName(name) if *name == cert.tbs_certificate.issuer),
        )
}

/// The extension `oid` of `cert`, decoded, with its criticality.
fn extension<'a, T: Decode<'a>>(
    cert: &'a Certificate,
    oid: &Oid,
) -> Result<Option<(bool, T)>, der::Error> {
    let Some(exts) = cert.tbs_certificate.extensions.as_ref() else {
        return Ok(None);
    };
    match exts.iter().find(|e| e.extn_id == *oid) {
        Some(e) => Ok(Some((e.critical, T::from_der(e.extn_value.as_bytes())?))),
        None => Ok(None),
    }
}

fn subject(cert: &Certificate) -> String {
    cert.tbs_certificate.subject.to_string()
}

/// RFC 3161 §2.3: the TSA's certificate has exactly one extended key usage, id-kp-timeStamping,
/// and the extension is critical.
fn check_time_stamping_certificate(cert: &Certificate) -> Result<(), VerifyError> {
    let reason = match extension::<ExtendedKeyUsage>(cert, &oids::EXT_KEY_USAGE) {
        Err(e) => format!("extended key usage does not parse: {e}"),
        Ok(None) => "has no extended key usage (a TSA's must be id-kp-timeStamping)".into(),
        Ok(Some((false, _))) => "its extended key usage is not critical".into(),
        Ok(Some((true, eku))) if eku.0 == [oids::KP_TIME_STAMPING] => return Ok(()),
        Ok(Some((true, _))) => "its extended key usage is not id-kp-timeStamping alone".into(),
    };
    Err(VerifyError::Certificate {
        subject: subject(cert),
        reason,
    })
}

fn check_valid_at(cert: &Certificate, at: DateTime<Utc>) -> Result<(), VerifyError> {
    let validity = &cert.tbs_certificate.validity;
    let secs = |t: x509_cert::time::Time| i64::try_from(t.to_unix_duration().as_secs()).ok();
    let not_before = secs(validity.not_before);
    let not_after = secs(validity.not_after);
    let at_secs = at.timestamp();
    let valid =
        not_before.is_some_and(|nb| nb <= at_secs) && not_after.is_some_and(|na| at_secs <= na);
    if valid {
        Ok(())
    } else {
        Err(VerifyError::Certificate {
            subject: subject(cert),
            reason: format!(
                "not valid at genTime {} (valid {} to {})",
                at.format("%Y-%m-%dT%H:%M:%SZ"),
                validity.not_before,
                validity.not_after
            ),
        })
    }
}

fn signed_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return false;
    }
    let Ok(tbs) = cert.tbs_certificate.to_der() else {
        return false;
    };
    let Some(signature) = cert.signature.as_bytes() else {
        return false;
    };
    crypto::verify_signature(
        &issuer.tbs_certificate.subject_public_key_info,
        &cert.signature_algorithm,
        None,
        &tbs,
        signature,
    )
    .is_ok()
}

/// An intermediate may issue certificates: basicConstraints cA, and keyCertSign if key usage is
/// stated.
fn is_ca(cert: &Certificate) -> bool {
    let ca = matches!(
        extension::<BasicConstraints>(cert, &oids::BASIC_CONSTRAINTS),
        Ok(Some((_, bc))) if bc.ca
    );
    let may_sign = match extension::<KeyUsage>(cert, &oids::KEY_USAGE) {
        Ok(None) => true,
        Ok(Some((_, ku))) => ku.key_cert_sign(),
        Err(_) => false,
    };
    ca && may_sign
}

/// Follows issuers from `signer` through the token's certificates to a trust anchor, checking
/// each signature and each certificate's validity at `at`. Returns the anchor reached.
fn chain_to_anchor<'a>(
    signer: &'a Certificate,
    pool: &'a [Certificate],
    anchors: &'a TrustAnchors,
    at: DateTime<Utc>,
) -> Result<&'a Certificate, VerifyError> {
    let mut current = signer;
    for _ in 0..MAX_CHAIN {
        check_valid_at(current, at)?;
        if anchors.contains(current) {
            return Ok(current);
        }
        if let Some(anchor) = anchors
            .certificates()
            .iter()
            .find(|a| signed_by(current, a))
        {
            check_valid_at(anchor, at)?;
            return Ok(anchor);
        }
        match pool
            .iter()
            .find(|c| *c != current && is_ca(c) && signed_by(current, c))
        {
            Some(next) => current = next,
            None => break,
        }
    }
    Err(VerifyError::Untrusted {
        signer: subject(signer),
        anchors: anchors.subjects().join("; "),
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
