//! Joint plans (部门联合双随机抽查, draw spec §17), the partners' side: a partner department's
//! supervisor approves its participation and the pool of its inspectors before the lead may
//! commit. Everything else about a joint plan goes through the ordinary plan routes, where the
//! lead acts and a partner is refused with `joint-plan-lead-only`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use spotcheck_app::plans;
use spotcheck_domain::canonical_json::to_canonical_bytes;
use spotcheck_domain::ids::PlanId;
use spotcheck_domain::lifecycle::Plan;

use super::inspector::WriteStore;
use super::support::plan_id;
use crate::InspectorState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::{StrictJson, write_meta};

/// What a partner approves.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartnerApprovalBody {
    /// The version of the plan the supervisor read and approves (409 `stale-version` if it
    /// changed since).
    expected_version: u64,
}

/// A partner department approves its part in a joint plan.
///
/// Supervisor of a partner department: approves its participation, and its inspectors of the
/// plan's target kind in the latest inspector registry snapshot, which the commit must hold
/// unchanged (else 409 `partner-pool-changed`, and the partner approves again). The body names
/// the version of the plan approved (`{"expected_version": 3}`), so approving again after a
/// change is a new request; a new approval replaces the department's earlier one, and an
/// amendment of the plan withdraws every approval. The lead's commit is refused with 409
/// `partner-approval-missing` until every partner has approved.
///
/// Refusals: 403 `missing-role` (supervisor needed), `not-a-partner` (the lead, a department the
/// plan does not name, or a plan that is not joint); 409 `already-committed`, `already-drawn`,
/// `invalid-transition` (not a draft), `stale-version` (the plan changed since
/// `expected_version`), `registry-missing` (no inspector registry); 422 `department-pool-empty`
/// (no inspector of the department for the plan's target kind).
#[utoipa::path(
    post,
    path = "/api/plans/{id}/partner-approval",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("Idempotency-Key" = Option<String>, Header, description = super::inspector::IDEMPOTENCY_KEY_DOC)
    ),
    request_body(content = PartnerApprovalBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The plan, with the department's approval in `partner_approvals`", body = Plan),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn approve_partner<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<PartnerApprovalBody>,
) -> Result<Response, ApiError> {
    let pid = plan_id(&id)?;
    let now = (st.clock)();
    let canonical = to_canonical_bytes(&body).map_err(ApiError::internal)?;
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /plans/{pid}/partner-approval"),
        &canonical,
        now,
    )?;
    let plan = plans::approve_partner(
        &*st.store,
        &principal.staff()?,
        &meta,
        &pid,
        body.expected_version,
        now,
    )
    .await?;
    Ok(Json(plan).into_response())
}
