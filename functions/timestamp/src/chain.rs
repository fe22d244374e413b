//! The signer's certificate and its path to a trust anchor (RFC 3161 §2.3, RFC 5280 §6 in the
//! reduced form docs/draw-spec.md §16.3 states: signatures, validity at `genTime`, cA, no
//! revocation).

use chrono::{DateTime, Utc};
use cms::signed_data::SignerIdentifier;
use der::oid::ObjectIdentifier as Oid;
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectKeyIdentifier};

use crate::anchors::TrustAnchors;
use crate::crypto;
use crate::error::VerifyError;
use crate::oids;

/// The longest certificate chain followed from the signer to an anchor.
const MAX_CHAIN: usize = 8;

/// Whether `cert` is the one the `SignerInfo`'s `sid` names.
pub(crate) fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
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

pub(crate) fn subject(cert: &Certificate) -> String {
    cert.tbs_certificate.subject.to_string()
}

/// RFC 3161 §2.3: the TSA's certificate has exactly one extended key usage, id-kp-timeStamping,
/// and the extension is critical.
pub(crate) fn check_time_stamping_certificate(cert: &Certificate) -> Result<(), VerifyError> {
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
pub(crate) fn chain_to_anchor<'a>(
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
