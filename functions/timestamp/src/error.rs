//! Why a token does not count: the verification error and the deadline error, each with a
//! stable code.

use chrono::{DateTime, Utc};

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
