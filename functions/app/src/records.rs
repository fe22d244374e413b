//! Inspection results, penalty decisions and their approval for publication (four eyes: whoever
//! entered a record never approves it). Every surface calls these; none repeats their rules.

use spotcheck_domain::draw::Selection;
use spotcheck_domain::ids::{PlanId, TargetId};
use spotcheck_domain::lifecycle::{
    Approval, DecisionNumber, InspectionResult, LifecycleError, PenaltyChangeKind, PenaltyDecision,
    PenaltyRecord, Plan, PlanState, PublicationId, PublicationKind, RecordRef, ResultCode,
    WriteMeta, check_change_date, check_change_input,
};
use spotcheck_domain::registry::CheckMethod;
use spotcheck_domain::store::{
    ApprovalReader, ApprovalWriter, DrawReader, FrameReader, PenaltyReader, PenaltyWriter,
    PlanReader, ResultReader, ResultWriter, StoreError,
};
use spotcheck_domain::time::Timestamp;

use crate::AppError;
use crate::staff::{Role, Staff};

/// What an inspector enters about one checked target.
#[derive(Debug, Clone)]
pub struct ResultInput {
    /// The target checked (it must have been drawn in the plan).
    pub target: TargetId,
    /// The outcome.
    pub code: ResultCode,
    /// How it was checked.
    pub method: CheckMethod,
    /// What was found, as published once approved.
    pub findings: String,
    /// Follow-up required, if any.
    pub follow_up: Option<String>,
    /// The day the check was completed: between the draw's date and today.
    pub completed_on: chrono::NaiveDate,
}

/// The drawn plan's selection of `target`, or why there is none. A joint plan's results are
/// recorded by the departments of the target's team (each department records its own), so the
/// caller's department must be that of one of the inspectors assigned to it (403
/// `not-assigned-department`).
async fn selection_of<S: PlanReader + DrawReader + FrameReader>(
    store: &S,
    staff: &Staff,
    plan_id: &PlanId,
    target: &TargetId,
) -> Result<(Selection, Timestamp), AppError> {
    let plan = store.get_plan(plan_id).await?;
    if !plan.spec.involves(&staff.department) {
        staff.require_department(&plan.spec.department)?;
    }
    let PlanState::Drawn { drawn_at, .. } = plan.state else {
        return Err(AppError::conflict(
            "not-drawn",
            format!("plan {plan_id} has not been drawn"),
        ));
    };
    let selection = team_of(store, &plan, target).await?;
    if plan.spec.parameters.joint.is_some() {
        require_on_team(store, &plan, &selection, staff, "recorded").await?;
    }
    Ok((selection, drawn_at))
}

/// The drawn plan's selection of `target` (422 `not-selected` when it was not drawn).
async fn team_of<S: DrawReader>(
    store: &S,
    plan: &Plan,
    target: &TargetId,
) -> Result<Selection, AppError> {
    let plan_id = &plan.spec.id;
    store
        .get_transcript(plan_id)
        .await?
        .selections
        .into_iter()
        .find(|s| &s.target == target)
        .ok_or_else(|| {
            AppError::validation(
                "not-selected",
                format!("target: {target} was not drawn in plan {plan_id}"),
            )
        })
}

/// 403 `not-assigned-department` unless an inspector of the caller's department is on
/// `selection`'s team in the joint plan `plan` (the committed pool names each inspector's
/// department); `what` says what that department does with the result.
async fn require_on_team<S: FrameReader>(
    store: &S,
    plan: &Plan,
    selection: &Selection,
    staff: &Staff,
    what: &str,
) -> Result<(), AppError> {
    let plan_id = &plan.spec.id;
    let pool = match &plan.pool {
        Some(p) => store.get_pool(&p.root).await?,
        None => {
            return Err(AppError::internal(format!(
                "drawn plan {plan_id} has no pool"
            )));
        }
    };
    let assigned = selection.inspectors.iter().any(|i| {
        pool.entries()
            .iter()
            .any(|e| &e.id == i && e.department == staff.department)
    });
    if assigned {
        return Ok(());
    }
    Err(AppError::forbidden(
        "not-assigned-department",
        format!(
            "target: no inspector of your department {} is on the team assigned to {} in joint plan {plan_id}; its result is {what} by a department of an assigned inspector",
            staff.department, selection.target
        ),
    ))
}

/// Checks that the caller's department may approve or return the result of `target` in `plan`:
/// the plan's department; for a joint plan, a participating department with an inspector on
/// the target's team (the departments that record it), not necessarily the lead.
///
/// # Errors
/// 403 `other-department` for a department the plan does not involve; 403
/// `not-assigned-department` for a participating department not on the target's team; 422
/// `not-selected`.
pub(crate) async fn require_result_approver<S: DrawReader + FrameReader>(
    store: &S,
    staff: &Staff,
    plan: &Plan,
    target: &TargetId,
) -> Result<(), AppError> {
    if plan.spec.parameters.joint.is_none() || !plan.spec.involves(&staff.department) {
        return staff.require_department(&plan.spec.department);
    }
    let selection = team_of(store, plan, target).await?;
    require_on_team(store, plan, &selection, staff, "approved").await
}

/// Records the result of a drawn target (inspector, own department; for a joint plan, a
/// department with an inspector on the target's team); it awaits another member's approval
/// before it is public.
///
/// # Errors
/// 403; 409 if the plan is not drawn or a result exists; 422 for a target not drawn, bad text,
/// or a `completed_on` before the draw or after today.
pub async fn record_result<S: PlanReader + DrawReader + FrameReader + ResultWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    plan_id: &PlanId,
    input: ResultInput,
    now: Timestamp,
) -> Result<InspectionResult, AppError> {
    staff.require(Role::Inspector)?;
    let (selection, drawn_at) = selection_of(store, staff, plan_id, &input.target).await?;
    let result = InspectionResult {
        plan: plan_id.clone(),
        target: input.target,
        code: input.code,
        method: input.method,
        inspectors: selection.inspectors,
        findings: input.findings,
        follow_up: input.follow_up,
        completed_on: input.completed_on,
        recorded_at: now,
    };
    result.validate()?;
    result.check_dates(drawn_at, now)?;
    Ok(store.record_result(meta, result).await?)
}

/// The day a decision's case began, when the decision names its check: the check's completion,
/// or else the draw's date. A plan is named by its department; a joint plan by any department
/// it involves (lead or partner), and when the decision also names a target the draw selected,
/// the deciding department must have an inspector on that target's team (it took part in the
/// check; 403 `not-assigned-department`).
pub(crate) async fn case_opened_on<S: PlanReader + DrawReader + FrameReader + ResultReader>(
    store: &S,
    staff: &Staff,
    decision: &PenaltyDecision,
) -> Result<Option<chrono::NaiveDate>, AppError> {
    let Some(plan_id) = &decision.plan else {
        return Ok(None);
    };
    let plan = store.get_plan(plan_id).await?;
    let joint = plan.spec.parameters.joint.is_some();
    if !(joint && plan.spec.involves(&staff.department)) {
        staff.require_department(&plan.spec.department)?;
    }
    let PlanState::Drawn { drawn_at, .. } = plan.state else {
        return Err(AppError::validation(
            "not-drawn",
            format!("plan: {plan_id} has not been drawn, so no case can have come of it"),
        ));
    };
    if joint && let Some(target) = &decision.target {
        let selection = store
            .get_transcript(plan_id)
            .await?
            .selections
            .into_iter()
            .find(|s| &s.target == target);
        if let Some(selection) = selection {
            require_on_team(store, &plan, &selection, staff, "checked and decided").await?;
        }
    }
    if let Some(target) = &decision.target {
        match store.get_result(plan_id, target).await {
            Ok(r) => return Ok(Some(r.completed_on)),
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(drawn_at.to_datetime().map(|t| t.date_naive()))
}

/// Records a penalty decision (inspector, the deciding authority is their department); it awaits
/// another member's approval before it is public. A decision may name the plan it came of: its
/// department's plan, or a joint plan the department takes part in (see `case_opened_on`).
///
/// # Errors
/// 403 (`not-assigned-department` for a joint plan's target whose team has no inspector of the
/// department); 409 if the number exists; 422 for bad text, a date in the future or before its case.
pub async fn record_penalty<
    S: PlanReader + DrawReader + FrameReader + ResultReader + PenaltyWriter,
>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    decision: PenaltyDecision,
    now: Timestamp,
) -> Result<PenaltyRecord, AppError> {
    staff.require(Role::Inspector)?;
    staff.require_department(&decision.authority)?;
    decision.validate()?;
    let opened = case_opened_on(store, staff, &decision).await?;
    decision.check_dates(opened, now)?;
    Ok(store.record_penalty(meta, decision).await?)
}

/// A later change or withdrawal of a decision.
#[derive(Debug, Clone)]
pub struct ChangeInput {
    /// What happened.
    pub kind: PenaltyChangeKind,
    /// Why, as published.
    pub reason: String,
    /// The new result, for a change (and only then).
    pub new_result: Option<String>,
    /// The day it took effect: between the decision's date and today.
    pub effective_on: chrono::NaiveDate,
}

/// Appends a change or withdrawal to a decision (inspector, own department), validated like the
/// decision itself: the reason and any new result are checked as public text, a new result
/// only with a change, the date between the decision and today.
///
/// # Errors
/// 403; 404; 409 once withdrawn; 422 for bad text or dates.
pub async fn change_penalty<S: PenaltyReader + PenaltyWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    number: &DecisionNumber,
    input: ChangeInput,
    now: Timestamp,
) -> Result<PenaltyRecord, AppError> {
    staff.require(Role::Inspector)?;
    let existing = store.get_penalty(number).await?;
    staff.require_department(&existing.decision.authority)?;
    check_change_input(input.kind, &input.reason, input.new_result.as_deref())?;
    check_change_date(input.effective_on, existing.decision.decided_on, now)?;
    Ok(store
        .change_penalty(
            meta,
            number,
            input.kind,
            input.reason,
            input.new_result,
            input.effective_on,
        )
        .await?)
}

/// Why the domain refuses `actor`'s approval of `approval` as it is stored, if it does.
fn refusal(approval: &Approval, meta: &WriteMeta) -> Option<AppError> {
    let e = approval.approve(&meta.actor, meta.at).err()?;
    Some(match e {
        LifecycleError::Mismatch {
            field: "approved_by",
            ..
        } => AppError::conflict("own-entry", e.to_string()),
        LifecycleError::InvalidTransition {
            state: "returned", ..
        } => AppError::conflict("returned-to-author", e.to_string()),
        LifecycleError::InvalidTransition { .. } => {
            AppError::conflict("already-approved", e.to_string())
        }
        other => other.into(),
    })
}

/// Approves a record's publication as `meta.actor`: the domain refuses the person who entered
/// it; the store applies the approval atomically. The loser of a race is told what won (an
/// approval, or a return to the author), from the record as it is after.
async fn approve<S: ApprovalReader + ApprovalWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    id: &PublicationId,
) -> Result<Approval, AppError> {
    if !(staff.has(Role::Supervisor) || staff.has(Role::Publisher)) {
        return Err(AppError::forbidden(
            "missing-role",
            "approving a record for publication needs the supervisor or publisher role",
        ));
    }
    let needs_none = || {
        AppError::conflict(
            "needs-no-approval",
            format!("{id} was entered before approvals were required and is published without one"),
        )
    };
    let awaiting = store.get_approval(id).await?.ok_or_else(needs_none)?;
    if let Some(e) = refusal(&awaiting, meta) {
        return Err(e);
    }
    match store.approve(meta, id).await {
        Ok(approval) => Ok(approval),
        Err(StoreError::NotFound { .. }) => Err(needs_none()),
        Err(StoreError::Conflict { .. }) => Err(store
            .get_approval(id)
            .await?
            .and_then(|now| refusal(&now, meta))
            .unwrap_or_else(|| {
                AppError::conflict(
                    "already-approved",
                    format!("{id} has already been approved"),
                )
            })),
        Err(other) => Err(other.into()),
    }
}

/// Approves a result for publication (supervisor or publisher of the plan's department, not the
/// person who entered it). For a joint plan, of a participating department with an inspector
/// on the target's team (a department that records it), not necessarily the lead.
///
/// # Errors
/// 403 (`not-assigned-department` for a joint plan's department not on the target's team); 404
/// without such a result; 409 `own-entry`, `already-approved`, `needs-no-approval`.
pub async fn approve_result<
    S: PlanReader + DrawReader + FrameReader + ResultReader + ApprovalReader + ApprovalWriter,
>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    plan_id: &PlanId,
    target: &TargetId,
) -> Result<Approval, AppError> {
    let plan = store.get_plan(plan_id).await?;
    require_result_approver(store, staff, &plan, target).await?;
    store.get_result(plan_id, target).await?;
    let id = PublicationId::of(
        PublicationKind::CheckResult,
        &RecordRef::Result {
            plan: plan_id.clone(),
            target: target.clone(),
        },
    );
    approve(store, staff, meta, &id).await
}

/// Approves a penalty decision for publication (supervisor or publisher of the deciding
/// department, not the person who entered it).
///
/// # Errors
/// As [`approve_result`].
pub async fn approve_penalty<S: PenaltyReader + ApprovalReader + ApprovalWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    number: &DecisionNumber,
) -> Result<Approval, AppError> {
    let existing = store.get_penalty(number).await?;
    staff.require_department(&existing.decision.authority)?;
    let id = PublicationId::of(
        PublicationKind::PenaltyDecision,
        &RecordRef::Penalty {
            number: number.clone(),
        },
    );
    approve(store, staff, meta, &id).await
}

/// Approves change `seq` of a decision for publication (supervisor or publisher of the deciding
/// department, not the person who entered the change): a change or withdrawal publishes text of
/// its own, so it goes through the same four eyes as the decision. (The decision itself leaves
/// the public site as soon as the change is recorded: taking a record down needs no approval.)
///
/// # Errors
/// As [`approve_result`]; 404 without such a change.
pub async fn approve_penalty_change<S: PenaltyReader + ApprovalReader + ApprovalWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    number: &DecisionNumber,
    seq: u32,
) -> Result<Approval, AppError> {
    let existing = store.get_penalty(number).await?;
    staff.require_department(&existing.decision.authority)?;
    if !existing.changes.iter().any(|c| c.seq == seq) {
        return Err(AppError::not_found(
            "not-found",
            format!("decision {number} has no change {seq}"),
        ));
    }
    approve(
        store,
        staff,
        meta,
        &PublicationId::of_penalty_change(number, seq),
    )
    .await
}
