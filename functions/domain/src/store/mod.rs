//! Storage ports: the traits the service needs from a store, split by capability so that each
//! function holds only what it uses (the public read-only function gets the `*Reader` traits and
//! nothing else, mirrored by read-only IAM permissions).
//!
//! Implemented by `spotcheck-store` for SQLite (the default) and DynamoDB; one contract test suite
//! runs against both.
//!
//! # Async
//! Every method returns `impl Future<Output = Result<_, StoreError>> + Send`. DynamoDB is reached
//! over the network and a Lambda handler must not block its runtime thread, so the ports are
//! async; the futures are `Send` so a handler can run on a multi-threaded runtime (axum,
//! `tokio::spawn`). The domain crate itself stays free of any runtime: `Future` is in `core`.
//! Implementations may write `async fn` for these methods; the compiler then checks that their
//! futures are `Send`.
//!
//! # Invariants every implementation enforces in the storage itself
//! * a plan gets at most one commitment and one draw, ever, however many writers race;
//! * commitments, transcripts, stored frames/pools/snapshots, results, penalty decisions and
//!   published records are never modified (penalty changes are appended);
//! * every write appends exactly one hash-chained [`AuditEntry`] in the same atomic change as the
//!   records it describes;
//! * every write takes a [`WriteMeta`] with an idempotency key: a retry with the same key and
//!   request returns the first result and writes nothing; the same key with another request is a
//!   [`StoreError::Conflict`].

use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::draw::{Commitment, Transcript};
use crate::frame::{Frame, InspectorPool};
use crate::ids::{Digest, PlanId, TargetId};
use crate::lifecycle::{
    Approval, AuditEntry, AuditHead, DecisionNumber, InspectionResult, LifecycleError,
    PenaltyChangeKind, PenaltyDecision, PenaltyRecord, Plan, PlanChange, PlanSpec, Publication,
    PublicationId, PublicationTransition, StoredTree, TimestampRecord, WriteMeta,
};
use crate::registry::{Record, RegistryKind, RegistrySnapshot};
use crate::time::Timestamp;

mod drafts;
mod published_head;
mod snapshot_history;
pub use drafts::DraftWriter;
pub use published_head::{PublishedHead, PublishedHeadReader, PublishedHeadWriter};
pub use snapshot_history::SnapshotEntry;

/// The `what` of the [`StoreError::Conflict`] every adapter returns when an idempotency key is
/// reused for a different request (callers answer it differently from a state conflict).
pub const IDEMPOTENCY_KEY: &str = "idempotency key";

/// Why a store operation failed. Adapters translate their own errors into these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist.
    #[error("{what} {id} not found")]
    NotFound {
        /// What kind of record, e.g. `plan`.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// The write conflicts with what is stored: a different record under the same id, a stale
    /// version, an idempotency key reused for another request, a transition the state forbids.
    #[error("conflict on {what} {id}: {reason}")]
    Conflict {
        /// What kind of record.
        what: &'static str,
        /// Its id.
        id: String,
        /// What conflicts, in words a clerk can act on.
        reason: String,
    },
    /// The plan already has a commitment (a second commitment is never accepted).
    #[error("plan {0} is already committed")]
    AlreadyCommitted(PlanId),
    /// The plan has already been drawn (a plan is never re-drawn).
    #[error("plan {0} has already been drawn")]
    AlreadyDrawn(PlanId),
    /// The request is malformed or too large for the store.
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The store cannot be reached or is overloaded; the request may be retried (with the same
    /// idempotency key).
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Stored data fails an integrity check (damaged or tampered with).
    #[error("stored {what} is corrupt: {reason}")]
    Corrupt {
        /// What was being read.
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl StoreError {
    /// A stable, machine-readable code (for problem+json).
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "not-found",
            StoreError::Conflict { .. } => "conflict",
            StoreError::AlreadyCommitted(_) => "already-committed",
            StoreError::AlreadyDrawn(_) => "already-drawn",
            StoreError::Invalid(_) => "invalid",
            StoreError::Unavailable(_) => "unavailable",
            StoreError::Corrupt { .. } => "corrupt",
        }
    }

    /// Whether retrying the same request (same idempotency key) may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }

    /// Translates a lifecycle refusal about `what`/`id`.
    pub fn from_lifecycle(what: &'static str, id: impl Into<String>, e: LifecycleError) -> Self {
        match e {
            LifecycleError::AlreadyCommitted(p) => StoreError::AlreadyCommitted(p),
            LifecycleError::AlreadyDrawn(p) => StoreError::AlreadyDrawn(p),
            LifecycleError::Invalid { .. } => StoreError::Invalid(e.to_string()),
            other => StoreError::Conflict {
                what,
                id: id.into(),
                reason: other.to_string(),
            },
        }
    }
}

/// What the store records about a registry snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotInfo {
    /// Which registry.
    pub kind: RegistryKind,
    /// Its number (1, 2, … per kind).
    pub number: u64,
    /// Canonical hash of its records.
    pub hash: Digest,
    /// Number of records.
    pub records: u64,
    /// When it was stored.
    pub stored_at: Timestamp,
}

/// Shorthand for the futures the ports return.
pub type StoreResult<T> = Result<T, StoreError>;

/// Reads registry snapshots and item-list versions (the item list is the `items` registry).
pub trait RegistryReader: Send + Sync {
    /// The newest snapshot of `kind`, if any.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    fn latest_snapshot(
        &self,
        kind: RegistryKind,
    ) -> impl Future<Output = StoreResult<Option<SnapshotInfo>>> + Send;

    /// Snapshot `number` of `T`'s registry, with its records.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Corrupt`] if the records no longer hash to the
    /// stored hash; [`StoreError::Unavailable`].
    fn get_snapshot<T>(
        &self,
        number: u64,
    ) -> impl Future<Output = StoreResult<RegistrySnapshot<T>>> + Send
    where
        T: Record + serde::de::DeserializeOwned + Send;

    /// Up to `limit` snapshots of `kind` numbered below `before` (all when `None`), newest first,
    /// each with who stored it.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`]; [`StoreError::Unavailable`].
    fn list_snapshots(
        &self,
        kind: RegistryKind,
        before: Option<u64>,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Vec<SnapshotEntry>>> + Send;
}

/// Stores registry snapshots (immutable once stored).
pub trait RegistryWriter: Send + Sync {
    /// Stores a snapshot. Its number must be the next unused number of its registry.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] if the number is taken (by a different snapshot) or is not the
    /// next one; [`StoreError::Invalid`], [`StoreError::Unavailable`].
    fn store_snapshot<T>(
        &self,
        meta: &WriteMeta,
        snapshot: &RegistrySnapshot<T>,
    ) -> impl Future<Output = StoreResult<SnapshotInfo>> + Send
    where
        T: Record + Serialize + Sync;
}

/// Reads stored frames and pools.
pub trait FrameReader: Send + Sync {
    /// The frame with this root, rebuilt and checked against the root.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Corrupt`], [`StoreError::Unavailable`].
    fn get_frame(&self, root: &Digest) -> impl Future<Output = StoreResult<Frame>> + Send;

    /// The pool with this root, rebuilt and checked against the root.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Corrupt`], [`StoreError::Unavailable`].
    fn get_pool(&self, root: &Digest) -> impl Future<Output = StoreResult<InspectorPool>> + Send;
}

/// Stores frames and pools, content-addressed by Merkle root. Storing an identical tree again
/// returns the first record and writes nothing.
pub trait FrameWriter: Send + Sync {
    /// Stores a frame's canonical entries; all or nothing.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] (idempotency key reused), [`StoreError::Unavailable`].
    fn put_frame(
        &self,
        meta: &WriteMeta,
        frame: &Frame,
    ) -> impl Future<Output = StoreResult<StoredTree>> + Send;

    /// Stores a pool's canonical entries; all or nothing.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] (idempotency key reused), [`StoreError::Unavailable`].
    fn put_pool(
        &self,
        meta: &WriteMeta,
        pool: &InspectorPool,
    ) -> impl Future<Output = StoreResult<StoredTree>> + Send;
}

/// Reads plans.
pub trait PlanReader: Send + Sync {
    /// One plan.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Unavailable`].
    fn get_plan(&self, id: &PlanId) -> impl Future<Output = StoreResult<Plan>> + Send;

    /// Every plan, by planned draw time then id.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    fn list_plans(&self) -> impl Future<Output = StoreResult<Vec<Plan>>> + Send;
}

/// Creates, changes and cancels plans.
pub trait PlanWriter: Send + Sync {
    /// Creates a draft.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] if the id exists; [`StoreError::Invalid`] for bad fields;
    /// [`StoreError::Unavailable`].
    fn create_plan(
        &self,
        meta: &WriteMeta,
        spec: PlanSpec,
    ) -> impl Future<Output = StoreResult<Plan>> + Send;

    /// Changes a draft whose version is `expected_version`. Attached frames and pools must be
    /// stored first.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Conflict`] for a stale version, or a frame/pool not
    /// stored; [`StoreError::AlreadyCommitted`] / [`StoreError::AlreadyDrawn`] outside Draft;
    /// [`StoreError::Invalid`]; [`StoreError::Unavailable`].
    fn change_plan(
        &self,
        meta: &WriteMeta,
        id: &PlanId,
        expected_version: u64,
        change: PlanChange,
    ) -> impl Future<Output = StoreResult<Plan>> + Send;

    /// Cancels a plan before its draw.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::AlreadyDrawn`]; [`StoreError::Conflict`] if
    /// already cancelled; [`StoreError::Invalid`]; [`StoreError::Unavailable`].
    fn cancel_plan(
        &self,
        meta: &WriteMeta,
        id: &PlanId,
        reason: String,
    ) -> impl Future<Output = StoreResult<Plan>> + Send;
}

/// Reads commitments and transcripts.
pub trait DrawReader: Send + Sync {
    /// The plan's commitment.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Corrupt`], [`StoreError::Unavailable`].
    fn get_commitment(&self, plan: &PlanId)
    -> impl Future<Output = StoreResult<Commitment>> + Send;

    /// The plan's commitment if it has one: `None` for a plan never committed (a draft, or one
    /// cancelled before its commit), an expected answer rather than a failure.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`], [`StoreError::Unavailable`].
    fn find_commitment(
        &self,
        plan: &PlanId,
    ) -> impl Future<Output = StoreResult<Option<Commitment>>> + Send;

    /// The plan's draw transcript.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Corrupt`], [`StoreError::Unavailable`].
    fn get_transcript(&self, plan: &PlanId)
    -> impl Future<Output = StoreResult<Transcript>> + Send;
}

/// Records commitments and draws: each at most once per plan, atomically with the plan's state
/// and the audit entry.
pub trait DrawWriter: Send + Sync {
    /// Records the commitment and moves the plan Draft → Committed.
    ///
    /// # Errors
    /// [`StoreError::AlreadyCommitted`] (also for every loser of a race);
    /// [`StoreError::AlreadyDrawn`]; [`StoreError::NotFound`] (no such plan);
    /// [`StoreError::Conflict`] if the commitment does not match the plan (frame, pool,
    /// parameters, entropy source) or the plan was cancelled; [`StoreError::Unavailable`].
    fn record_commitment(
        &self,
        meta: &WriteMeta,
        commitment: &Commitment,
    ) -> impl Future<Output = StoreResult<Plan>> + Send;

    /// Records the transcript and moves the plan Committed → Drawn.
    ///
    /// # Errors
    /// [`StoreError::AlreadyDrawn`] (also for every loser of a race); [`StoreError::NotFound`];
    /// [`StoreError::Conflict`] for a transcript of another commitment, a plan not committed or
    /// cancelled, or a transcript whose digest does not check; [`StoreError::Unavailable`].
    fn record_draw(
        &self,
        meta: &WriteMeta,
        transcript: &Transcript,
    ) -> impl Future<Output = StoreResult<Plan>> + Send;
}

/// Reads inspection results.
pub trait ResultReader: Send + Sync {
    /// One result.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Unavailable`].
    fn get_result(
        &self,
        plan: &PlanId,
        target: &TargetId,
    ) -> impl Future<Output = StoreResult<InspectionResult>> + Send;

    /// A plan's results, by target id.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    fn list_results(
        &self,
        plan: &PlanId,
    ) -> impl Future<Output = StoreResult<Vec<InspectionResult>>> + Send;
}

/// Records inspection results (immutable once recorded).
pub trait ResultWriter: Send + Sync {
    /// Records the result of a drawn target, and in the same write its [`Approval`], awaiting,
    /// with `meta.actor` as the person who entered it (see [`ApprovalWriter`]).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] (no such plan); [`StoreError::Conflict`] if the plan is not drawn,
    /// the target was not drawn, or a result already exists; [`StoreError::Invalid`];
    /// [`StoreError::Unavailable`].
    fn record_result(
        &self,
        meta: &WriteMeta,
        result: InspectionResult,
    ) -> impl Future<Output = StoreResult<InspectionResult>> + Send;
}

/// Reads penalty decisions.
pub trait PenaltyReader: Send + Sync {
    /// One decision with its changes.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Unavailable`].
    fn get_penalty(
        &self,
        number: &DecisionNumber,
    ) -> impl Future<Output = StoreResult<PenaltyRecord>> + Send;

    /// Every decision, by decision date then number.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    fn list_penalties(&self) -> impl Future<Output = StoreResult<Vec<PenaltyRecord>>> + Send;
}

/// Records penalty decisions (immutable) and their later changes (append-only).
pub trait PenaltyWriter: Send + Sync {
    /// Records a decision, and in the same write its [`Approval`], awaiting, with `meta.actor`
    /// as the person who entered it (see [`ApprovalWriter`]).
    ///
    /// # Errors
    /// [`StoreError::Conflict`] if the number exists; [`StoreError::Invalid`];
    /// [`StoreError::Unavailable`].
    fn record_penalty(
        &self,
        meta: &WriteMeta,
        decision: PenaltyDecision,
    ) -> impl Future<Output = StoreResult<PenaltyRecord>> + Send;

    /// Appends a change or withdrawal with its reason.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Conflict`] once withdrawn or for a change dated
    /// before the decision; [`StoreError::Invalid`]; [`StoreError::Unavailable`].
    fn change_penalty(
        &self,
        meta: &WriteMeta,
        number: &DecisionNumber,
        kind: PenaltyChangeKind,
        reason: String,
        new_result: Option<String>,
        effective_on: chrono::NaiveDate,
    ) -> impl Future<Output = StoreResult<PenaltyRecord>> + Send;
}

/// Reads publications.
pub trait PublicationReader: Send + Sync {
    /// One publication.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Unavailable`].
    fn get_publication(
        &self,
        id: &PublicationId,
    ) -> impl Future<Output = StoreResult<Publication>> + Send;

    /// Every publication, by deadline then id.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    fn list_publications(&self) -> impl Future<Output = StoreResult<Vec<Publication>>> + Send;
}

/// Schedules publications and moves them forward.
pub trait PublicationWriter: Send + Sync {
    /// Schedules a publication (state Pending).
    ///
    /// # Errors
    /// [`StoreError::Conflict`] if one exists with this id; [`StoreError::Invalid`] if not
    /// Pending; [`StoreError::Unavailable`].
    fn schedule_publication(
        &self,
        meta: &WriteMeta,
        publication: Publication,
    ) -> impl Future<Output = StoreResult<Publication>> + Send;

    /// Publishes, withdraws or expires a publication.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Conflict`] if the transition does not apply to the
    /// current state; [`StoreError::Invalid`]; [`StoreError::Unavailable`].
    fn transition_publication(
        &self,
        meta: &WriteMeta,
        id: &PublicationId,
        transition: PublicationTransition,
    ) -> impl Future<Output = StoreResult<Publication>> + Send;
}

/// Reads approvals of results and decisions (strongly consistent: the publisher decides on it).
pub trait ApprovalReader: Send + Sync {
    /// The approval of the result's or decision's publication `id`; `None` if there is none: no
    /// such record, or a record entered before approvals existed (publishable, see
    /// [`crate::lifecycle::ApprovalStatus::Legacy`]).
    ///
    /// # Errors
    /// [`StoreError::Corrupt`]; [`StoreError::Unavailable`].
    fn get_approval(
        &self,
        id: &PublicationId,
    ) -> impl Future<Output = StoreResult<Option<Approval>>> + Send;
}

/// Approves results and decisions for publication.
pub trait ApprovalWriter: Send + Sync {
    /// Approves the publication `id` as `meta.actor` at `meta.at`
    /// ([`Approval::approve`]), with an audit entry.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if no approval awaits (no such record, or one entered before
    /// approvals existed); [`StoreError::Conflict`] if `meta.actor` entered the record or it is
    /// already approved (also for the loser of a race); [`StoreError::Unavailable`].
    fn approve(
        &self,
        meta: &WriteMeta,
        id: &PublicationId,
    ) -> impl Future<Output = StoreResult<Approval>> + Send;
}

/// Reads the time-stamp records of commitments (docs/draw-spec.md §16).
pub trait TimestampReader: Send + Sync {
    /// Every authority's record for `plan`'s commitment, by authority name; empty when none.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`]; [`StoreError::Unavailable`].
    fn list_timestamps(
        &self,
        plan: &PlanId,
    ) -> impl Future<Output = StoreResult<Vec<TimestampRecord>>> + Send;
}

/// Records time-stamp attempts and tokens beside a commitment.
pub trait TimestampWriter: Send + Sync {
    /// Stores `record` as the plan's record for its authority (inserting or replacing a pending
    /// or failed one, [`TimestampRecord::check_replace`]), with an audit entry.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if the plan has no commitment; [`StoreError::Conflict`] if a
    /// token is already obtained from that authority (also for the loser of a race);
    /// [`StoreError::Invalid`] for a record that fails [`TimestampRecord::validate`];
    /// [`StoreError::Unavailable`].
    fn record_timestamp(
        &self,
        meta: &WriteMeta,
        record: &TimestampRecord,
    ) -> impl Future<Output = StoreResult<TimestampRecord>> + Send;
}

/// Reads the audit log (appended to only by the writes above, never directly).
pub trait AuditLog: Send + Sync {
    /// Every entry, in stored order.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] for an entry that does not decode; [`StoreError::Unavailable`].
    fn audit_entries(&self) -> impl Future<Output = StoreResult<Vec<AuditEntry>>> + Send;

    /// The recorded head (the newest entry's seq and hash), if any entry exists.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    fn audit_head(&self) -> impl Future<Output = StoreResult<Option<AuditHead>>> + Send;
}

/// Everything read-only: what the public function may hold.
pub trait ReadStore:
    RegistryReader
    + FrameReader
    + PlanReader
    + DrawReader
    + ResultReader
    + PenaltyReader
    + PublicationReader
    + ApprovalReader
    + TimestampReader
    + AuditLog
    + PublishedHeadReader
{
}

impl<T> ReadStore for T where
    T: RegistryReader
        + FrameReader
        + PlanReader
        + DrawReader
        + ResultReader
        + PenaltyReader
        + PublicationReader
        + ApprovalReader
        + TimestampReader
        + AuditLog
        + PublishedHeadReader
{
}
