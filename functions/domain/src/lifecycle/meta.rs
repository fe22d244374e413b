//! What every write carries: who, when, and an idempotency key.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::IdError;
use crate::time::Timestamp;

/// A client-chosen key that makes a write safe to retry: the first request with a key is carried
/// out; a retry with the same key and the same request returns the first result and writes
/// nothing; the same key with a different request is a conflict.
///
/// 1–128 characters from `A-Z a-z 0-9 . _ - : /`, e.g. a UUID.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdempotencyKey(String);
crate::ids::string_newtype_impls!(IdempotencyKey);

impl FromStr for IdempotencyKey {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':' | b'/');
        if s.is_empty() || s.len() > 128 || !s.bytes().all(ok) {
            return Err(IdError::new(
                "idempotency key",
                s,
                "must be 1-128 characters from A-Z a-z 0-9 . _ - : /",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

/// Who made a change, as recorded in the audit log: a staff account, a service or `cli:<user>`.
/// 1–128 bytes, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Actor(String);
crate::ids::string_newtype_impls!(Actor);

impl FromStr for Actor {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || s.len() > 128 || s.chars().any(char::is_control) || s.trim() != s {
            return Err(IdError::new(
                "actor",
                s,
                "must be 1-128 bytes, without control characters or surrounding spaces",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

/// The envelope of every write: the idempotency key, the actor and the caller's clock (the
/// domain never reads a clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteMeta {
    /// The idempotency key.
    pub key: IdempotencyKey,
    /// Who is writing.
    pub actor: Actor,
    /// When, as the caller's clock says.
    pub at: Timestamp,
}

impl WriteMeta {
    /// Builds the envelope.
    pub fn new(key: IdempotencyKey, actor: Actor, at: Timestamp) -> Self {
        Self { key, actor, at }
    }
}
