//! Drafts before approval (审核), routed by [`super::inspector::router`]: an approver returns a
//! result or decision to its author with a reason; its author amends it (`PUT`, which resubmits
//! it) or withdraws it (`POST …/withdraw`, like a plan draft's); once approved each is refused
//! with 409 `already-approved`. Every step is audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use spotcheck_app::drafts;
use spotcheck_app::queries::{self, MyDraft};
use spotcheck_app::records::ResultInput;
use spotcheck_domain::canonical_json::to_canonical_bytes;
use spotcheck_domain::ids::{PlanId, TargetId};
use spotcheck_domain::lifecycle::{
    Approval, DecisionNumber, InspectionResult, PenaltyDecision, PenaltyRecord, ResultCode,
};
use spotcheck_domain::registry::CheckMethod;

use super::inspector::{IDEMPOTENCY_KEY_DOC, WriteStore};
use super::support::plan_id;
use crate::InspectorState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::{StrictJson, write_meta};

fn canonical<T: Serialize>(v: &T) -> Result<Vec<u8>, ApiError> {
    to_canonical_bytes(v).map_err(ApiError::internal)
}

fn target_id(raw: &str) -> Result<TargetId, ApiError> {
    raw.parse()
        .map_err(|e| ApiError::bad_request("invalid-path", format!("target: {e}")))
}

fn decision_number(raw: &str) -> Result<DecisionNumber, ApiError> {
    raw.parse()
        .map_err(|e| ApiError::bad_request("invalid-path", format!("decision number: {e}")))
}

/// Why a draft goes back to its author.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReturnBody {
    /// 1–500 characters, no control characters; shown to the author beside the draft.
    reason: String,
}

/// A result's amendable fields (the target and its inspectors stay as drawn).
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AmendResultBody {
    code: ResultCode,
    method: CheckMethod,
    findings: String,
    #[serde(default)]
    follow_up: Option<String>,
    completed_on: chrono::NaiveDate,
}

/// Your own results and decisions not yet approved (any staff member), whole, returned ones first
/// with the approver's reason: what you may still amend (`PUT`) or withdraw.
#[utoipa::path(
    get,
    path = "/api/drafts",
    tag = "inspector",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your drafts awaiting approval", body = Vec<MyDraft>),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn my_drafts<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
) -> Result<Json<Vec<MyDraft>>, ApiError> {
    Ok(Json(
        queries::my_drafts(&*st.store, &principal.staff()?).await?,
    ))
}

/// Returns a result awaiting approval to its author with a reason (supervisor or publisher of the
/// plan's department, not its author; for a joint plan, of a participating department with an
/// inspector on the target's team, else 403 `not-assigned-department`). Audited.
#[utoipa::path(
    post,
    path = "/api/plans/{id}/results/{target}/return",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("target" = TargetId, Path, description = "The checked target's id"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
    ),
    request_body(content = ReturnBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The approval, now returned with the reason. 409 `own-entry`, `already-approved`, `already-returned` or `not-a-draft`; 422 `invalid-reason`.", body = Approval),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn return_result<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path((id, target)): Path<(String, String)>,
    StrictJson(body): StrictJson<ReturnBody>,
) -> Result<Response, ApiError> {
    let pid = plan_id(&id)?;
    let target = target_id(&target)?;
    let route = format!("POST /plans/{pid}/results/{target}/return");
    let meta = write_meta(
        &headers,
        &principal,
        &route,
        &canonical(&body)?,
        (st.clock)(),
    )?;
    let approval = drafts::return_result(
        &*st.store,
        &principal.staff()?,
        &meta,
        &pid,
        &target,
        &body.reason,
    )
    .await?;
    Ok(Json(approval).into_response())
}

/// Amends a result awaiting approval (its author only): outcome, method, findings, follow-up and
/// completion day, checked as at entry; resubmits it for approval (a return is cleared). Audited.
#[utoipa::path(
    put,
    path = "/api/plans/{id}/results/{target}",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("target" = TargetId, Path, description = "The checked target's id"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
    ),
    request_body(content = AmendResultBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The amended result. 403 `not-author`; 409 `already-approved` or `not-a-draft`.", body = InspectionResult),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn amend_result<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path((id, target)): Path<(String, String)>,
    StrictJson(body): StrictJson<AmendResultBody>,
) -> Result<Response, ApiError> {
    let pid = plan_id(&id)?;
    let target = target_id(&target)?;
    let now = (st.clock)();
    let route = format!("PUT /plans/{pid}/results/{target}");
    let meta = write_meta(&headers, &principal, &route, &canonical(&body)?, now)?;
    let input = ResultInput {
        target,
        code: body.code,
        method: body.method,
        findings: body.findings,
        follow_up: body.follow_up,
        completed_on: body.completed_on,
    };
    let stored =
        drafts::amend_result(&*st.store, &principal.staff()?, &meta, &pid, input, now).await?;
    Ok(Json(stored).into_response())
}

/// Withdraws a result awaiting approval (its author only): it and its approval are deleted, so
/// the target can be recorded anew. Audited.
#[utoipa::path(
    post,
    path = "/api/plans/{id}/results/{target}/withdraw",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("target" = TargetId, Path, description = "The checked target's id"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
    ),
    responses(
        (status = 200, description = "The withdrawn result. 403 `not-author`; 409 `already-approved` or `not-a-draft`.", body = InspectionResult),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn withdraw_result<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path((id, target)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let pid = plan_id(&id)?;
    let target = target_id(&target)?;
    let route = format!("POST /plans/{pid}/results/{target}/withdraw");
    let meta = write_meta(&headers, &principal, &route, &[], (st.clock)())?;
    let withdrawn =
        drafts::withdraw_result(&*st.store, &principal.staff()?, &meta, &pid, &target).await?;
    Ok(Json(withdrawn).into_response())
}

/// Returns a decision awaiting approval to its author with a reason (supervisor or publisher of
/// the deciding department, not its author). Audited.
#[utoipa::path(
    post,
    path = "/api/penalties/{number}/return",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("number" = DecisionNumber, Path, description = "Decision number, e.g. `莆文旅罚〔2026〕12号`"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
    ),
    request_body(content = ReturnBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The approval, now returned with the reason. 409 `own-entry`, `already-approved`, `already-returned` or `not-a-draft`; 422 `invalid-reason`.", body = Approval),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn return_penalty<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(number): Path<String>,
    StrictJson(body): StrictJson<ReturnBody>,
) -> Result<Response, ApiError> {
    let number = decision_number(&number)?;
    let route = format!("POST /penalties/{number}/return");
    let meta = write_meta(
        &headers,
        &principal,
        &route,
        &canonical(&body)?,
        (st.clock)(),
    )?;
    let approval = drafts::return_penalty(
        &*st.store,
        &principal.staff()?,
        &meta,
        &number,
        &body.reason,
    )
    .await?;
    Ok(Json(approval).into_response())
}

/// Amends a decision awaiting approval and without changes (its author only): the whole
/// decision, same number and deciding authority, checked as at entry; resubmits it. Audited.
#[utoipa::path(
    put,
    path = "/api/penalties/{number}",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("number" = DecisionNumber, Path, description = "Decision number, e.g. `莆文旅罚〔2026〕12号`"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
    ),
    request_body(content = PenaltyDecision, content_type = "application/json"),
    responses(
        (status = 200, description = "The amended decision. 403 `not-author`; 409 `already-approved`, `not-a-draft` or `has-changes`; 422 `mismatch` for another number or authority.", body = PenaltyRecord),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn amend_penalty<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(number): Path<String>,
    StrictJson(decision): StrictJson<PenaltyDecision>,
) -> Result<Response, ApiError> {
    let number = decision_number(&number)?;
    let now = (st.clock)();
    let route = format!("PUT /penalties/{number}");
    let meta = write_meta(&headers, &principal, &route, &canonical(&decision)?, now)?;
    let record = drafts::amend_penalty(
        &*st.store,
        &principal.staff()?,
        &meta,
        &number,
        decision,
        now,
    )
    .await?;
    Ok(Json(record).into_response())
}

/// Withdraws a decision awaiting approval and without changes (its author only): it and its
/// approval are deleted. Audited.
#[utoipa::path(
    post,
    path = "/api/penalties/{number}/withdraw",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("number" = DecisionNumber, Path, description = "Decision number, e.g. `莆文旅罚〔2026〕12号`"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
    ),
    responses(
        (status = 200, description = "The withdrawn decision. 403 `not-author`; 409 `already-approved`, `not-a-draft` or `has-changes`.", body = PenaltyRecord),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn withdraw_penalty<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let number = decision_number(&number)?;
    let route = format!("POST /penalties/{number}/withdraw");
    let meta = write_meta(&headers, &principal, &route, &[], (st.clock)())?;
    let record = drafts::withdraw_penalty(&*st.store, &principal.staff()?, &meta, &number).await?;
    Ok(Json(record).into_response())
}
