//! What a draw's tokens prove together (docs/draw-spec.md §16.4): each token checked on its own,
//! the publication time proven by any one that passes every check and beats the deadline, every
//! failure kept. One function so that every verifier (CLI, HTTP endpoint, browser) says the same.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::anchors::TrustAnchors;
use crate::error::{TooLate, VerifyError};
use crate::verify::{Stamp, check_before, verify_response};

/// Why one token does not count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenFailure {
    /// It does not verify (§16.3).
    #[error(transparent)]
    Invalid(#[from] VerifyError),
    /// It verifies but was made too late (§16.4); what it says is kept.
    #[error(transparent)]
    TooLate(#[from] TooLate),
}

impl TokenFailure {
    /// The stable code (`timestamp-…`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(e) => e.code(),
            Self::TooLate(e) => e.code(),
        }
    }
}

/// One token's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOutcome {
    /// The token's label (its file name or authority).
    pub label: String,
    /// What it proves, or why it does not count.
    pub result: Result<Stamp, TokenFailure>,
}

/// The outcome of all of a draw's tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The deadline the tokens had to beat.
    pub deadline: DateTime<Utc>,
    /// Every token, in the order given.
    pub outcomes: Vec<TokenOutcome>,
}

impl Assessment {
    /// The token that proves the earliest time, if any token counts.
    pub fn proven(&self) -> Option<&Stamp> {
        self.outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().ok())
            .min_by_key(|s| s.latest)
    }

    /// The tokens that do not count, with why.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &TokenFailure)> {
        self.outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().err().map(|e| (o.label.as_str(), e)))
    }

    /// The verdict in words: when the commitment provably existed and on whose word, or that its
    /// publication time rests on the bureau's word alone.
    pub fn summary(&self) -> String {
        let deadline = self.deadline.to_rfc3339_opts(SecondsFormat::Secs, true);
        match self.proven() {
            Some(s) => format!(
                "the commitment existed by {} (RFC 3161 time-stamp by {}), before {deadline}",
                s.latest.to_rfc3339_opts(SecondsFormat::AutoSi, true),
                s.authority
            ),
            None if self.outcomes.is_empty() => "no time-stamp token: the commitment's \
                publication time rests on the bureau's word alone"
                .to_owned(),
            None => format!(
                "no time-stamp token counts ({} refused): the commitment's publication time \
                 rests on the bureau's word alone",
                self.outcomes.len()
            ),
        }
    }
}

/// Checks each `(label, DER TimeStampResp)` for `commitment_hash` against `anchors` (§16.3, no
/// nonce: a later verifier does not know it) and `deadline` (§16.4).
pub fn assess<'a>(
    tokens: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    commitment_hash: &[u8; 32],
    deadline: DateTime<Utc>,
    anchors: &TrustAnchors,
) -> Assessment {
    let outcomes = tokens
        .into_iter()
        .map(|(label, der)| TokenOutcome {
            label: label.to_owned(),
            result: verify_response(der, commitment_hash, None, anchors)
                .map_err(TokenFailure::from)
                .and_then(|stamp| {
                    check_before(&stamp, deadline)
                        .map(|()| stamp)
                        .map_err(TokenFailure::from)
                }),
        })
        .collect();
    Assessment { deadline, outcomes }
}
