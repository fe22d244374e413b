//! Time-stamp tokens of commitments (docs/draw-spec.md §16), staff side: each configured
//! authority's status for a plan (`GET /api/plans/{id}/timestamps`, what the console shows beside
//! the commitment) and the retry of the authorities still without a token
//! (`POST /api/plans/{id}/timestamps`). The commit route stamps right after the commitment is
//! recorded ([`stamp_after_commit`]).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use spotcheck_app::timestamps;
use spotcheck_domain::ids::PlanId;
use spotcheck_domain::lifecycle::{Plan, TimestampRecord, WriteMeta};

use super::inspector::WriteStore;
use super::support::plan_id;
use crate::InspectorState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::write_meta;

/// After a commit (or its replay): sends the commitment hash to every configured authority still
/// without a token and returns every authority's status. Nothing when none is configured, or the
/// plan is already drawn (a replayed commit of a drawn plan).
pub(crate) async fn stamp_after_commit<S: WriteStore>(
    st: &InspectorState<S>,
    meta: &WriteMeta,
    id: &PlanId,
    plan: &Plan,
) -> Result<Vec<TimestampRecord>, ApiError> {
    let Some(tsa) = st.timestamper.as_deref() else {
        return Ok(Vec::new());
    };
    if !matches!(
        plan.state,
        spotcheck_domain::lifecycle::PlanState::Committed { .. }
    ) {
        return Ok(Vec::new());
    }
    let clock = st.clock.clone();
    Ok(timestamps::stamp_commitment_of(&*st.store, tsa, meta, id, move || clock()).await?)
}

/// Each time-stamping authority's status for the plan's commitment: `pending` (not asked yet, or
/// no answer recorded), `failed` (the last attempt's code and reason, and how many attempts), or
/// `obtained` (the token, its `gen_time`, signer and trust anchor). Staff of the plan's department.
#[utoipa::path(
    get,
    path = "/api/plans/{id}/timestamps",
    tag = "inspector",
    security(("bearer" = [])),
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`")),
    responses(
        (status = 200, description = "Every configured authority's status, by authority name", body = Vec<TimestampRecord>),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn list<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<Vec<TimestampRecord>>, ApiError> {
    let pid = plan_id(&id)?;
    Ok(Json(
        timestamps::timestamps_of(
            &*st.store,
            st.timestamper.as_deref(),
            &principal.staff()?,
            &pid,
            (st.clock)(),
        )
        .await?,
    ))
}

/// Asks again every authority that has not given a token for the plan's commitment (a TSA was
/// down or slow at the commit); answers every authority's status. Supervisor only; the plan must
/// be committed and not yet drawn. No body.
#[utoipa::path(
    post,
    path = "/api/plans/{id}/timestamps",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("Idempotency-Key" = Option<String>, Header, description = "As for every POST")
    ),
    responses(
        (status = 200, description = "Every configured authority's status after the retry", body = Vec<TimestampRecord>),
        (status = 409, description = "`timestamp-not-committed`: the plan is not committed or is already drawn; `tsa-not-configured`: this server has no time-stamping authority"),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn retry<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Vec<TimestampRecord>>, ApiError> {
    let pid = plan_id(&id)?;
    let now = (st.clock)();
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /plans/{pid}/timestamps"),
        &[],
        now,
    )?;
    let clock = st.clock.clone();
    Ok(Json(
        timestamps::retry_timestamps(
            &*st.store,
            st.timestamper.as_deref(),
            &principal.staff()?,
            &meta,
            &pid,
            move || clock(),
        )
        .await?,
    ))
}
