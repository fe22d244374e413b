//! The trust anchors: the certificates of the time-stamping authorities' roots that a verifier
//! accepts (the published plan lists them).

use der::{Decode, Encode};
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
        let certs = Certificate::load_pem_chain(pem.as_bytes())
            .map_err(|e| AnchorError(format!("not a PEM certificate list: {e}")))?;
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
