//! The audit head as publication runs published it: a public copy of the log's head, so that the
//! public side (which may not read the audit log itself) can serve it, and anyone who kept an
//! earlier head can check later that the log still holds it (`spotcheck audit verify
//! --against-head`).

use std::future::Future;

use serde::{Deserialize, Serialize};

use super::StoreResult;
use crate::lifecycle::AuditHead;
use crate::time::Timestamp;

/// The audit log's head (`seq`, `hash`) as of a publication run, and when that run published it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedHead {
    /// The head.
    pub head: AuditHead,
    /// When the run published it.
    pub published_at: Timestamp,
}

/// Reads the newest published head (a public record: the public function may hold this port).
pub trait PublishedHeadReader: Send + Sync {
    /// The head the newest publication run published (the highest `seq` recorded), if any.
    ///
    /// # Errors
    /// [`super::StoreError::Corrupt`] for a record that does not decode;
    /// [`super::StoreError::Unavailable`].
    fn published_head(&self) -> impl Future<Output = StoreResult<Option<PublishedHead>>> + Send;
}

/// Records a published head (the publisher's port).
///
/// This is not an audited write — an audit entry for it would move the very head it records — and
/// it takes no idempotency key: records are append-only, one per head `seq`; recording a `seq`
/// already recorded keeps the first record and succeeds.
pub trait PublishedHeadWriter: Send + Sync {
    /// Records `head` as published at `at`.
    ///
    /// # Errors
    /// [`super::StoreError::Unavailable`].
    fn record_published_head(
        &self,
        head: &AuditHead,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}
