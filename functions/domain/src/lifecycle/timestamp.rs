//! Time-stamp tokens of a commitment (docs/draw-spec.md §16): for each configured time-stamping
//! authority, whether a token has been obtained, is still awaited, or the last attempt failed and
//! why. An obtained token is final: it is published beside the commitment as
//! `commitment.<authority>.tsr` and never replaced.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{LifecycleError, check_text};
use crate::ids::{IdError, PlanId};
use crate::time::Timestamp;

/// A configured authority's short name: 1–32 characters of `a-z`, `0-9` and `-`, starting with
/// a letter or digit. It names the published file, `commitment.<name>.tsr`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AuthorityName(String);

impl AuthorityName {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name of the published token file, `commitment.<name>.tsr`.
    pub fn file_name(&self) -> String {
        format!("commitment.{}.tsr", self.0)
    }
}

impl fmt::Display for AuthorityName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for AuthorityName {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = (1..=32).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdError::new(
                "authority name",
                s,
                "must be 1-32 characters of a-z, 0-9 and '-', not starting with '-' (e.g. tsa-1)",
            ))
        }
    }
}

impl Serialize for AuthorityName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AuthorityName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

crate::ids::openapi_string!(AuthorityName, pattern = r"^[a-z0-9][a-z0-9-]{0,31}$");

/// Where one authority's token stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TimestampStatus {
    /// Asked for (or about to be); no answer recorded yet.
    Pending,
    /// The last attempt failed; a retry may still obtain a token.
    Failed {
        /// A stable code (`tsa-unavailable`, `tsa-refused`, `tsa-invalid`, `tsa-client`).
        code: String,
        /// What went wrong, in words.
        reason: String,
    },
    /// A token was obtained and verified against the trust anchors. Final.
    Obtained {
        /// The DER `TimeStampResp` exactly as the authority sent it (hex), published as
        /// `commitment.<authority>.tsr`.
        #[serde(with = "hex")]
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        response: Vec<u8>,
        /// The token's `genTime`.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        gen_time: DateTime<Utc>,
        /// `genTime` plus the token's accuracy: the latest moment the hash can have been seen.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        latest: DateTime<Utc>,
        /// The signing certificate's subject: who vouches for the time.
        signer: String,
        /// The trust anchor's subject the signer chains to.
        anchor: String,
        /// That trust anchor's certificate (PEM), published so a verifier sees which root the
        /// bureau relied on (a verifier chooses its own anchors).
        anchor_pem: String,
    },
}

impl TimestampStatus {
    /// `pending`, `failed` or `obtained`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Failed { .. } => "failed",
            Self::Obtained { .. } => "obtained",
        }
    }
}

/// One authority's time-stamp of one plan's commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimestampRecord {
    /// The plan whose commitment is time-stamped.
    pub plan: PlanId,
    /// The authority's configured name.
    pub authority: AuthorityName,
    /// The authority's URL.
    pub url: String,
    /// Where it stands.
    #[serde(flatten)]
    pub status: TimestampStatus,
    /// Attempts recorded so far (each may have retried within its time limit).
    pub attempts: u32,
    /// When this record was last written.
    pub updated_at: Timestamp,
}

impl TimestampRecord {
    /// Whether a token was obtained.
    pub fn is_obtained(&self) -> bool {
        matches!(self.status, TimestampStatus::Obtained { .. })
    }

    /// The published file name, `commitment.<authority>.tsr`.
    pub fn file_name(&self) -> String {
        self.authority.file_name()
    }

    /// Checks the record's fields.
    ///
    /// # Errors
    /// [`LifecycleError::Invalid`] naming the field.
    pub fn validate(&self) -> Result<(), LifecycleError> {
        check_text("url", &self.url, 500, true)?;
        if let TimestampStatus::Failed { code, reason } = &self.status {
            check_text("code", code, 64, true)?;
            check_text("reason", reason, 2000, false)?;
        }
        if let TimestampStatus::Obtained { response, .. } = &self.status
            && (response.is_empty() || response.len() > 64 * 1024)
        {
            return Err(LifecycleError::Invalid {
                field: "response",
                reason: format!(
                    "a time-stamp response of {} bytes (1 to 65536 allowed)",
                    response.len()
                ),
            });
        }
        Ok(())
    }

    /// Whether `next` may replace `self` (the stored record of the same plan and authority): an
    /// obtained token is final; anything else may be followed by a newer attempt.
    ///
    /// # Errors
    /// [`LifecycleError::InvalidTransition`] when a token is already obtained, or when `next`
    /// belongs to another plan or authority.
    pub fn check_replace(&self, next: &TimestampRecord) -> Result<(), LifecycleError> {
        if self.plan != next.plan || self.authority != next.authority {
            return Err(LifecycleError::Mismatch {
                field: "authority",
                reason: format!(
                    "record {}/{} cannot replace {}/{}",
                    next.plan, next.authority, self.plan, self.authority
                ),
            });
        }
        if self.is_obtained() {
            return Err(LifecycleError::InvalidTransition {
                subject: format!("time-stamp {}/{}", self.plan, self.authority),
                action: "replace",
                state: "obtained",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: TimestampStatus) -> Result<TimestampRecord, Box<dyn std::error::Error>> {
        Ok(TimestampRecord {
            plan: "PT-2026-001".parse()?,
            authority: "tsa-1".parse()?,
            url: "http://127.0.0.1:1/tsa".into(),
            status,
            attempts: 1,
            updated_at: Timestamp::from_unix(1_800_000_000),
        })
    }

    #[test]
    fn authority_names_are_short_lowercase_file_safe_words() {
        assert!("tsa-1".parse::<AuthorityName>().is_ok());
        assert!("cfca".parse::<AuthorityName>().is_ok());
        for bad in ["", "-x", "TSA", "a/b", "a.b", "時間", &"a".repeat(33)] {
            assert!(bad.parse::<AuthorityName>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn an_obtained_token_is_final_and_a_failure_may_be_retried()
    -> Result<(), Box<dyn std::error::Error>> {
        let failed = record(TimestampStatus::Failed {
            code: "tsa-unavailable".into(),
            reason: "timed out".into(),
        })?;
        let obtained = record(TimestampStatus::Obtained {
            response: vec![0x30, 0x00],
            gen_time: DateTime::from_timestamp(1_800_000_000, 0).ok_or("time")?,
            latest: DateTime::from_timestamp(1_800_000_001, 0).ok_or("time")?,
            signer: "CN=t".into(),
            anchor: "CN=a".into(),
            anchor_pem: String::new(),
        })?;
        assert!(failed.check_replace(&obtained).is_ok());
        assert!(obtained.check_replace(&failed).is_err());
        assert!(obtained.check_replace(&obtained).is_err());
        let json = serde_json::to_value(&obtained)?;
        assert_eq!(json["status"], "obtained");
        assert_eq!(json["response"], "3000");
        let back: TimestampRecord = serde_json::from_value(json)?;
        assert_eq!(back, obtained);
        Ok(())
    }
}
