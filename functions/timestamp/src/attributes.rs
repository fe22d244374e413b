//! The signed attributes of the token's one `SignerInfo` (RFC 5652 §5.3 and §11, RFC 2634 §5.4,
//! RFC 5035): what binds the signature to the `TSTInfo` and to the signer's certificate.

use cms::signed_data::SignerInfo;
use der::asn1::OctetString;
use der::oid::ObjectIdentifier as Oid;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;

use crate::asn1::{IssuerSerial, SigningCertificate, SigningCertificateV2};
use crate::crypto::{self, DigestAlg};
use crate::error::VerifyError;
use crate::oids;

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

pub(crate) fn check_signed_attributes(
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
