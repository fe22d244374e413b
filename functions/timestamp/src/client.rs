//! The port through which a commitment hash reaches a time-stamping authority, and the use case
//! that asks for a token and verifies it before anyone stores it.

use std::future::Future;

use crate::anchors::TrustAnchors;
use crate::error::VerifyError;
use crate::request::{Nonce, build_request};
use crate::verify::{Stamp, verify_response};

/// Why no usable token came back from an authority.
#[derive(Debug, thiserror::Error)]
pub enum TsaError {
    /// The authority could not be reached or did not answer in time, after every retry. The
    /// commitment may be stamped later; the draw waits when the plan requires a token.
    #[error(
        "time-stamping authority {authority} unavailable after {attempts} attempt(s): {reasons}"
    )]
    Unavailable {
        /// The authority (its URL).
        authority: String,
        /// Attempts made.
        attempts: u32,
        /// What went wrong each time, in order.
        reasons: String,
    },
    /// The authority answered and refused (an HTTP 4xx, or a PKIStatus of rejection). Retrying
    /// the same request will not help.
    #[error("time-stamping authority {authority} refused the request: {reason}")]
    Refused {
        /// The authority.
        authority: String,
        /// Its answer.
        reason: String,
    },
    /// The authority answered with something that is not a valid token for this request.
    #[error("time-stamping authority {authority} answered with an invalid token: {reason}")]
    Invalid {
        /// The authority.
        authority: String,
        /// What is wrong.
        reason: String,
    },
    /// The request could not be built or the client could not be set up.
    #[error("time-stamp client: {0}")]
    Client(String),
}

impl TsaError {
    /// A stable code for the kind of failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unavailable { .. } => "tsa-unavailable",
            Self::Refused { .. } => "tsa-refused",
            Self::Invalid { .. } => "tsa-invalid",
            Self::Client(_) => "tsa-client",
        }
    }
}

/// A time-stamping authority (the port).
pub trait TsaClient {
    /// Who this is (e.g. the authority's URL), for messages and the stored token's label.
    fn authority(&self) -> &str;

    /// Sends a DER `TimeStampReq` and returns the DER `TimeStampResp`.
    ///
    /// # Errors
    /// Implementations return [`TsaError::Unavailable`] when the authority cannot be reached or
    /// times out (after their own bounded retries), [`TsaError::Refused`] when it answers with a
    /// refusal, and [`TsaError::Invalid`] when the answer is not a time-stamp response at all.
    fn stamp(&self, request_der: Vec<u8>)
    -> impl Future<Output = Result<Vec<u8>, TsaError>> + Send;
}

/// A token obtained and verified: the response bytes to store and publish (`commitment.tsr`)
/// and what they prove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamped {
    /// The DER `TimeStampResp`, exactly as the authority sent it.
    pub response: Vec<u8>,
    /// What the token says.
    pub stamp: Stamp,
}

/// Asks `tsa` to time-stamp `commitment_hash` with `nonce` and verifies the answer against
/// `anchors` before returning it: a token that would not verify later is never stored.
///
/// # Errors
/// Whatever `tsa` returns; [`TsaError::Refused`] for a response that does not grant a token;
/// [`TsaError::Invalid`] for one that fails any other check.
pub async fn stamp_commitment<C: TsaClient + Sync>(
    tsa: &C,
    commitment_hash: &[u8; 32],
    nonce: Nonce,
    anchors: &TrustAnchors,
) -> Result<Stamped, TsaError> {
    let request = build_request(commitment_hash, nonce)
        .map_err(|e| TsaError::Client(format!("building the request: {e}")))?;
    let response = tsa.stamp(request).await?;
    match verify_response(&response, commitment_hash, Some(nonce), anchors) {
        Ok(stamp) => Ok(Stamped { response, stamp }),
        Err(e @ VerifyError::NotGranted { .. }) => Err(TsaError::Refused {
            authority: tsa.authority().to_owned(),
            reason: e.to_string(),
        }),
        Err(e) => Err(TsaError::Invalid {
            authority: tsa.authority().to_owned(),
            reason: format!("{} ({})", e, e.code()),
        }),
    }
}
