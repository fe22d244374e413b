//! The trust anchors: the certificates of the time-stamping authorities' roots that a verifier
//! accepts (the published plan lists them).

use der::{Decode, DecodePem, Encode};
use x509_cert::Certificate;

/// Why trust anchors could not be read.
#[derive(Debug, thiserror::Error)]
#[error("trust anchors: {0}")]
pub struct AnchorError(String);

/// Certificates trusted as the end of a time-stamping authority's chain. A token verifies only if
/// its signer's certificate is one of them or chains up to one of them.
#[derive(Debug, Clone)]
pub struct TrustAnchors {
    certs: Vec<Certificate>,
}

impl TrustAnchors {
    /// One or more PEM `CERTIFICATE` blocks.
    ///
    /// # Errors
    /// [`AnchorError`] if the text holds no certificate or one that does not parse.
    pub fn from_pem(pem: &str) -> Result<Self, AnchorError> {
        // Block by block rather than x509-cert's `load_pem_chain`, which overflows (a panic in
        // debug builds) on text without a certificate.
        const BEGIN: &str = "-----BEGIN";
        const END: &str = "-----END CERTIFICATE-----";
        let mut certs = Vec::new();
        let mut rest = pem;
        while let Some(start) = rest.find(BEGIN) {
            let n = certs.len() + 1;
            let end = rest[start..]
                .find(END)
                .map(|e| start + e + END.len())
                .ok_or_else(|| AnchorError(format!("certificate {n}: no {END} line")))?;
            let cert = Certificate::from_pem(&rest[start..end])
                .map_err(|e| AnchorError(format!("certificate {n}: not a PEM certificate: {e}")))?;
            certs.push(cert);
            rest = &rest[end..];
        }
        if !rest.trim().is_empty() && !certs.is_empty() {
            return Err(AnchorError(
                "text after the last certificate's END line".into(),
            ));
        }
        Self::from_certificates(certs)
    }

    /// DER certificates.
    ///
    /// # Errors
    /// [`AnchorError`] if the list is empty or a certificate does not parse.
    pub fn from_der<'a>(certs: impl IntoIterator<Item = &'a [u8]>) -> Result<Self, AnchorError> {
        let certs = certs
            .into_iter()
            .enumerate()
            .map(|(i, der)| {
                Certificate::from_der(der)
                    .map_err(|e| AnchorError(format!("certificate {}: {e}", i + 1)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_certificates(certs)
    }

    fn from_certificates(certs: Vec<Certificate>) -> Result<Self, AnchorError> {
        if certs.is_empty() {
            return Err(AnchorError("no certificate given".into()));
        }
        Ok(Self { certs })
    }

    /// The anchors' subject names (RFC 4514 text), for display.
    pub fn subjects(&self) -> Vec<String> {
        self.certs
            .iter()
            .map(|c| c.tbs_certificate.subject.to_string())
            .collect()
    }

    pub(crate) fn certificates(&self) -> &[Certificate] {
        &self.certs
    }

    /// Whether `cert` is itself one of the anchors (byte for byte).
    pub(crate) fn contains(&self, cert: &Certificate) -> bool {
        let Ok(der) = cert.to_der() else {
            return false;
        };
        self.certs
            .iter()
            .any(|a| a.to_der().is_ok_and(|a| a == der))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANCHOR: &str = include_str!("../../../fixtures/timestamps/anchor.pem");

    #[test]
    fn text_without_a_certificate_is_refused_by_name_not_by_a_panic() {
        for text in [
            "",
            "   \n",
            "garbage",
            "-----BEGIN CERTIFICATE-----\nAAAA",
            "-----END CERTIFICATE-----",
        ] {
            let e = TrustAnchors::from_pem(text).err().map(|e| e.to_string());
            assert!(
                e.is_some_and(|m| m.starts_with("trust anchors: ")),
                "{text:?}"
            );
        }
        let truncated = &ANCHOR[..ANCHOR.len() / 2];
        assert!(TrustAnchors::from_pem(truncated).is_err());
        let wrong = ANCHOR.replace("CERTIFICATE", "PRIVATE KEY");
        assert!(TrustAnchors::from_pem(&wrong).is_err());
    }

    #[test]
    fn one_or_more_certificates_are_read() -> Result<(), AnchorError> {
        assert_eq!(TrustAnchors::from_pem(ANCHOR)?.subjects().len(), 1);
        let two = format!("{ANCHOR}\n{ANCHOR}");
        assert_eq!(TrustAnchors::from_pem(&two)?.subjects().len(), 2);
        assert!(TrustAnchors::from_pem(&format!("{ANCHOR}trailing")).is_err());
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn no_text_panics(text in ".{0,400}") {
            let _ = TrustAnchors::from_pem(&text);
            let _ = TrustAnchors::from_pem(&format!("-----BEGIN CERTIFICATE-----\n{text}\n-----END CERTIFICATE-----"));
        }
    }
}
