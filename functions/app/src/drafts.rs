//! Drafts before approval (审核): an approver returns a result or penalty decision to its author
//! with a reason; the author amends it (which resubmits it) or withdraws it; once approved it is
//! final (409 `already-approved`). Every step is audited by the store in the same write.

use spotcheck_domain::ids::{PlanId, TargetId};
use spotcheck_domain::lifecycle::{
    Approval, DecisionNumber, InspectionResult, LifecycleError, PenaltyDecision, PenaltyRecord,
    PlanState, PublicationId, PublicationKind, RecordRef, WriteMeta,
};
use spotcheck_domain::store::{
    ApprovalReader, DraftWriter, DrawReader, FrameReader, PenaltyReader, PlanReader, ResultReader,
    StoreError,
};
use spotcheck_domain::time::Timestamp;

use crate::AppError;
use crate::records::ResultInput;
use crate::staff::{Role, Staff};

fn result_id(plan: &PlanId, target: &TargetId) -> PublicationId {
    PublicationId::of(
        PublicationKind::CheckResult,
        &RecordRef::Result {
            plan: plan.clone(),
            target: target.clone(),
        },
    )
}

fn penalty_id(number: &DecisionNumber) -> PublicationId {
    PublicationId::of(
        PublicationKind::PenaltyDecision,
        &RecordRef::Penalty {
            number: number.clone(),
        },
    )
}

/// The domain's refusal of a draft step, with the house's codes.
fn refused(e: LifecycleError) -> AppError {
    match e {
        LifecycleError::InvalidTransition {
            state: "approved", ..
        } => AppError::conflict("already-approved", e.to_string()),
        LifecycleError::InvalidTransition {
            state: "returned", ..
        } => AppError::conflict("already-returned", e.to_string()),
        LifecycleError::Mismatch {
            field: "returned_by",
            ..
        } => AppError::conflict("own-entry", e.to_string()),
        LifecycleError::Mismatch { .. } => AppError::forbidden("not-author", e.to_string()),
        LifecycleError::Invalid { .. } => AppError::validation("invalid-reason", e.to_string()),
        other => other.into(),
    }
}

/// The store's refusal of a draft step applied against what is stored now (a racing approval).
fn raced(id: &PublicationId, e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { .. } => AppError::conflict(
            "already-approved",
            format!("{id} was approved or changed meanwhile: {e}"),
        ),
        StoreError::NotFound { .. } => not_a_draft(id),
        other => other.into(),
    }
}

fn not_a_draft(id: &PublicationId) -> AppError {
    AppError::conflict(
        "not-a-draft",
        format!("{id} was entered before approvals were required and is published without one"),
    )
}

/// The approval awaiting for `id`, or 409 `not-a-draft`.
async fn awaiting<S: ApprovalReader>(store: &S, id: &PublicationId) -> Result<Approval, AppError> {
    store.get_approval(id).await?.ok_or_else(|| not_a_draft(id))
}

async fn return_draft<S: ApprovalReader + DraftWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    id: &PublicationId,
    reason: &str,
) -> Result<Approval, AppError> {
    if !(staff.has(Role::Supervisor) || staff.has(Role::Publisher)) {
        return Err(AppError::forbidden(
            "missing-role",
            "returning a record to its author needs the supervisor or publisher role",
        ));
    }
    awaiting(store, id)
        .await?
        .return_to_author(&meta.actor, meta.at, reason)
        .map_err(refused)?;
    store
        .return_draft(meta, id, reason.to_owned())
        .await
        .map_err(|e| raced(id, e))
}

/// Returns a result awaiting approval to its author with a reason (supervisor or publisher of
/// the plan's department, not its author; for a joint plan, of a participating department with
/// an inspector on the target's team, as for its approval).
///
/// # Errors
/// 403 (`not-assigned-department` for a joint plan's department not on the target's team); 404 without such a result; 409 `own-entry`, `already-approved`, `already-returned`,
/// `not-a-draft`; 422 `invalid-reason` (empty, over 500 characters, control characters).
pub async fn return_result<
    S: PlanReader + DrawReader + FrameReader + ResultReader + ApprovalReader + DraftWriter,
>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    plan_id: &PlanId,
    target: &TargetId,
    reason: &str,
) -> Result<Approval, AppError> {
    let plan = store.get_plan(plan_id).await?;
    crate::records::require_result_approver(store, staff, &plan, target).await?;
    store.get_result(plan_id, target).await?;
    return_draft(store, staff, meta, &result_id(plan_id, target), reason).await
}

/// Returns a penalty decision awaiting approval to its author with a reason (supervisor or
/// publisher of the deciding department, not its author).
///
/// # Errors
/// As [`return_result`].
pub async fn return_penalty<S: PenaltyReader + ApprovalReader + DraftWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    number: &DecisionNumber,
    reason: &str,
) -> Result<Approval, AppError> {
    let existing = store.get_penalty(number).await?;
    staff.require_department(&existing.decision.authority)?;
    return_draft(store, staff, meta, &penalty_id(number), reason).await
}

/// The stored result of a drawn plan, its draw time, and its awaiting approval, for its author.
async fn own_result<S: PlanReader + ResultReader + ApprovalReader>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    plan_id: &PlanId,
    target: &TargetId,
    step: fn(&Approval, &WriteMeta) -> Result<(), LifecycleError>,
) -> Result<(InspectionResult, Timestamp), AppError> {
    staff.require(Role::Inspector)?;
    let plan = store.get_plan(plan_id).await?;
    if !plan.spec.involves(&staff.department) {
        staff.require_department(&plan.spec.department)?;
    }
    let existing = store.get_result(plan_id, target).await?;
    let PlanState::Drawn { drawn_at, .. } = plan.state else {
        return Err(AppError::conflict(
            "not-drawn",
            format!("plan {plan_id} has not been drawn"),
        ));
    };
    let approval = awaiting(store, &result_id(plan_id, target)).await?;
    step(&approval, meta).map_err(refused)?;
    Ok((existing, drawn_at))
}

fn can_amend(a: &Approval, meta: &WriteMeta) -> Result<(), LifecycleError> {
    a.resubmit(&meta.actor, meta.at).map(|_| ())
}

fn can_withdraw(a: &Approval, meta: &WriteMeta) -> Result<(), LifecycleError> {
    a.check_withdraw(&meta.actor)
}

/// Amends a result awaiting approval (its author, an inspector): the outcome, method, findings,
/// follow-up and completion day are replaced and checked as at entry; the target and its
/// inspectors stay. Resubmits it for approval (a return is cleared).
///
/// # Errors
/// 403 (`not-author` for anyone but its author); 404; 409 `already-approved`, `not-a-draft`,
/// `not-drawn`; 422 as [`crate::records::record_result`].
pub async fn amend_result<S: PlanReader + ResultReader + ApprovalReader + DraftWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    plan_id: &PlanId,
    input: ResultInput,
    now: Timestamp,
) -> Result<InspectionResult, AppError> {
    let (existing, drawn_at) =
        own_result(store, staff, meta, plan_id, &input.target, can_amend).await?;
    let result = InspectionResult {
        code: input.code,
        method: input.method,
        findings: input.findings,
        follow_up: input.follow_up,
        completed_on: input.completed_on,
        ..existing
    };
    result.validate()?;
    result.check_dates(drawn_at, now)?;
    let id = result_id(plan_id, &result.target);
    store
        .amend_result(meta, result)
        .await
        .map_err(|e| raced(&id, e))
}

/// Withdraws a result awaiting approval (its author): the result and its approval are deleted, so
/// the target can be recorded again.
///
/// # Errors
/// 403 (`not-author`); 404; 409 `already-approved`, `not-a-draft`.
pub async fn withdraw_result<S: PlanReader + ResultReader + ApprovalReader + DraftWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    plan_id: &PlanId,
    target: &TargetId,
) -> Result<InspectionResult, AppError> {
    own_result(store, staff, meta, plan_id, target, can_withdraw).await?;
    store
        .withdraw_result(meta, plan_id, target)
        .await
        .map_err(|e| raced(&result_id(plan_id, target), e))
}

/// The stored decision without changes and its awaiting approval, for its author.
async fn own_penalty<S: PenaltyReader + ApprovalReader>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    number: &DecisionNumber,
    step: fn(&Approval, &WriteMeta) -> Result<(), LifecycleError>,
) -> Result<PenaltyRecord, AppError> {
    staff.require(Role::Inspector)?;
    let existing = store.get_penalty(number).await?;
    staff.require_department(&existing.decision.authority)?;
    let approval = awaiting(store, &penalty_id(number)).await?;
    step(&approval, meta).map_err(refused)?;
    if !existing.changes.is_empty() {
        return Err(AppError::conflict(
            "has-changes",
            format!("decision {number} has recorded changes; it is no longer a draft"),
        ));
    }
    Ok(existing)
}

/// Amends a decision awaiting approval (its author): the whole decision is replaced (same number
/// and deciding authority) and checked as at entry. Resubmits it for approval.
///
/// # Errors
/// 403 (`not-author`); 404; 409 `already-approved`, `not-a-draft`, `has-changes`; 422
/// `mismatch` for another number, as [`crate::records::record_penalty`] otherwise.
pub async fn amend_penalty<
    S: PlanReader
        + DrawReader
        + FrameReader
        + ResultReader
        + PenaltyReader
        + ApprovalReader
        + DraftWriter,
>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    number: &DecisionNumber,
    decision: PenaltyDecision,
    now: Timestamp,
) -> Result<PenaltyRecord, AppError> {
    if decision.number != *number {
        return Err(AppError::validation(
            "mismatch",
            format!(
                "number: the body's {} differs from the path's {number}",
                decision.number
            ),
        ));
    }
    let existing = own_penalty(store, staff, meta, number, can_amend).await?;
    if decision.authority != existing.decision.authority {
        return Err(AppError::validation(
            "mismatch",
            "authority: a decision's deciding authority cannot be changed",
        ));
    }
    decision.validate()?;
    let opened = crate::records::case_opened_on(store, staff, &decision).await?;
    decision.check_dates(opened, now)?;
    store
        .amend_penalty(meta, decision)
        .await
        .map_err(|e| raced(&penalty_id(number), e))
}

/// Withdraws a decision awaiting approval (its author): the decision and its approval are deleted.
///
/// # Errors
/// 403 (`not-author`); 404; 409 `already-approved`, `not-a-draft`, `has-changes`.
pub async fn withdraw_penalty<S: PenaltyReader + ApprovalReader + DraftWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    number: &DecisionNumber,
) -> Result<PenaltyRecord, AppError> {
    own_penalty(store, staff, meta, number, can_withdraw).await?;
    store
        .withdraw_penalty(meta, number)
        .await
        .map_err(|e| raced(&penalty_id(number), e))
}
