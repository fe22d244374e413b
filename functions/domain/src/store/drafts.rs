//! Drafts: results and penalty decisions awaiting approval can be returned to their author with a
//! reason, amended (which resubmits them) or withdrawn by their author; once approved they are
//! final. The rules are the domain's ([`Approval::return_to_author`], [`Approval::resubmit`],
//! [`Approval::check_withdraw`]); the store applies them inside its atomic write against the
//! approval as stored, so a draft approved in the meantime is refused, never changed.

use std::future::Future;

use super::StoreResult;
use crate::ids::{PlanId, TargetId};
use crate::lifecycle::{
    Approval, DecisionNumber, InspectionResult, PenaltyDecision, PenaltyRecord, PublicationId,
    WriteMeta,
};

/// Returns, amends and withdraws drafts of results and decisions.
pub trait DraftWriter: Send + Sync {
    /// Returns the draft whose publication is `id` to its author with `reason`, as `meta.actor`
    /// ([`Approval::return_to_author`]), with a `draft_returned` audit entry.
    ///
    /// # Errors
    /// [`StoreError::NotFound`](super::StoreError::NotFound) if no approval awaits;
    /// [`StoreError::Conflict`](super::StoreError::Conflict) once approved, while returned, or by
    /// its author; [`StoreError::Invalid`](super::StoreError::Invalid) for a bad reason;
    /// [`StoreError::Unavailable`](super::StoreError::Unavailable).
    fn return_draft(
        &self,
        meta: &WriteMeta,
        id: &PublicationId,
        reason: String,
    ) -> impl Future<Output = StoreResult<Approval>> + Send;

    /// Replaces a result awaiting approval by `result` (same plan and target) and resubmits it
    /// ([`Approval::resubmit`] as `meta.actor`), with a `result_amended` audit entry.
    ///
    /// # Errors
    /// `NotFound` without such a result or approval; `Conflict` once approved or when
    /// `meta.actor` did not enter it; `Unavailable`.
    fn amend_result(
        &self,
        meta: &WriteMeta,
        result: InspectionResult,
    ) -> impl Future<Output = StoreResult<InspectionResult>> + Send;

    /// Deletes a result awaiting approval and its approval ([`Approval::check_withdraw`] as
    /// `meta.actor`), with a `result_withdrawn` audit entry; returns what was withdrawn.
    ///
    /// # Errors
    /// As [`DraftWriter::amend_result`].
    fn withdraw_result(
        &self,
        meta: &WriteMeta,
        plan: &PlanId,
        target: &TargetId,
    ) -> impl Future<Output = StoreResult<InspectionResult>> + Send;

    /// Replaces a decision awaiting approval, without changes, by `decision` (same number) and
    /// resubmits it, with a `penalty_amended` audit entry.
    ///
    /// # Errors
    /// As [`DraftWriter::amend_result`]; `Conflict` if the decision has changes.
    fn amend_penalty(
        &self,
        meta: &WriteMeta,
        decision: PenaltyDecision,
    ) -> impl Future<Output = StoreResult<PenaltyRecord>> + Send;

    /// Deletes a decision awaiting approval, without changes, and its approval, with a
    /// `penalty_withdrawn` audit entry; returns what was withdrawn.
    ///
    /// # Errors
    /// As [`DraftWriter::amend_penalty`].
    fn withdraw_penalty(
        &self,
        meta: &WriteMeta,
        number: &DecisionNumber,
    ) -> impl Future<Output = StoreResult<PenaltyRecord>> + Send;
}
