//! The public, read-only API: no login. Everything here is publishable as it is (redaction happens
//! before records are stored: no ID numbers, phones or addresses of natural persons exist in them;
//! penalties involving minors are never listed).

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use spotcheck_domain::draw::{CHECKS, Commitment, Transcript, verify};
use spotcheck_domain::frame::InclusionProof;
use spotcheck_domain::ids::{PlanId, TargetId};
use spotcheck_domain::lifecycle::{
    ApprovalStatus, InspectionResult, PenaltyRecord, Plan, PublicationId, PublicationKind,
    RecordRef,
};
use spotcheck_domain::registry::{CheckItem, RegistryKind};
use spotcheck_domain::store::ReadStore;

use super::support::{etag_value, frame_csv, immutable, immutable_tagged, plan_id, pool_csv};
use crate::PublicState;
use crate::error::ApiError;

/// The public routes, mounted under `/api/public`.
pub fn router<S: ReadStore + 'static>() -> Router<PublicState<S>> {
    Router::new()
        .route("/items", get(items::<S>))
        .route("/plans", get(plans::<S>))
        .route("/plans/{id}", get(plan::<S>))
        .route("/plans/{id}/commitment", get(commitment::<S>))
        .route("/plans/{id}/transcript", get(transcript::<S>))
        .route("/plans/{id}/frame.csv", get(frame::<S>))
        .route("/plans/{id}/pool.csv", get(pool::<S>))
        .route("/plans/{id}/verification", get(verification::<S>))
        .route("/plans/{id}/proof/{target}", get(proof::<S>))
        .route("/plans/{id}/results", get(results::<S>))
        .route("/penalties", get(penalties::<S>))
}

/// The current random spot-check item list (seed item 11).
#[utoipa::path(
    get,
    path = "/api/public/items",
    tag = "public",
    responses(
        (status = 200, description = "The current random spot-check item list (empty before one is imported)", body = Vec<CheckItem>),
        crate::error::CommonErrors
    )
)]
async fn items<S: ReadStore>(
    State(st): State<PublicState<S>>,
) -> Result<Json<Vec<CheckItem>>, ApiError> {
    let Some(info) = st.store.latest_snapshot(RegistryKind::Items).await? else {
        return Ok(Json(Vec::new()));
    };
    let snap = st.store.get_snapshot::<CheckItem>(info.number).await?;
    Ok(Json(snap.records().to_vec()))
}

#[utoipa::path(
    get,
    path = "/api/public/plans",
    tag = "public",
    responses(
        (status = 200, description = "Every plan", body = Vec<Plan>),
        crate::error::CommonErrors
    )
)]
async fn plans<S: ReadStore>(
    State(st): State<PublicState<S>>,
) -> Result<Json<Vec<Plan>>, ApiError> {
    Ok(Json(st.store.list_plans().await?))
}

#[utoipa::path(
    get,
    path = "/api/public/plans/{id}",
    tag = "public",
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`")),
    responses(
        (status = 200, description = "The plan and its state", body = Plan),
        crate::error::CommonErrors
    )
)]
async fn plan<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path(id): Path<String>,
) -> Result<Json<Plan>, ApiError> {
    Ok(Json(st.store.get_plan(&plan_id(&id)?).await?))
}

#[utoipa::path(
    get,
    path = "/api/public/plans/{id}/commitment",
    tag = "public",
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`")),
    responses(
        (status = 200, description = "The commitment's canonical JSON (immutable: strong `ETag` = its digest, a year of caching, 304 on `If-None-Match`)", body = Commitment),
        (status = 304, description = "Not modified"),
        crate::error::CommonErrors
    )
)]
async fn commitment<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let pid = plan_id(&id)?;
    if let Some(hit) = st.cache.get("commitment", pid.as_str()) {
        return Ok(immutable_tagged(
            &headers,
            hit.etag,
            "application/json",
            hit.bytes,
        ));
    }
    let c = st.store.get_commitment(&pid).await?;
    let bytes = Bytes::from(c.canonical_bytes()?);
    let hash = spotcheck_domain::encoding::sha256(&bytes);
    Ok(cache_and_respond(
        &st,
        "commitment",
        &pid,
        &hash,
        bytes,
        &headers,
    ))
}

#[utoipa::path(
    get,
    path = "/api/public/plans/{id}/transcript",
    tag = "public",
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`")),
    responses(
        (status = 200, description = "The transcript's canonical JSON (immutable: strong `ETag` = its digest, a year of caching, 304 on `If-None-Match`)", body = Transcript),
        (status = 304, description = "Not modified"),
        crate::error::CommonErrors
    )
)]
async fn transcript<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let pid = plan_id(&id)?;
    if let Some(hit) = st.cache.get("transcript", pid.as_str()) {
        return Ok(immutable_tagged(
            &headers,
            hit.etag,
            "application/json",
            hit.bytes,
        ));
    }
    let t = st.store.get_transcript(&pid).await?;
    let bytes = Bytes::from(t.canonical_bytes()?);
    Ok(cache_and_respond(
        &st,
        "transcript",
        &pid,
        &t.digest,
        bytes,
        &headers,
    ))
}

/// Remembers an immutable record's bytes and answers with them.
fn cache_and_respond<S>(
    st: &PublicState<S>,
    kind: &'static str,
    pid: &PlanId,
    digest: &spotcheck_domain::ids::Digest,
    bytes: Bytes,
    headers: &HeaderMap,
) -> Response {
    match etag_value(digest) {
        Some(etag) => {
            st.cache.put(
                kind,
                pid.as_str(),
                crate::cache::Cached {
                    etag: etag.clone(),
                    bytes: bytes.clone(),
                },
            );
            immutable_tagged(headers, etag, "application/json", bytes)
        }
        None => immutable(headers, digest, "application/json", bytes),
    }
}

#[utoipa::path(
    get,
    path = "/api/public/plans/{id}/frame.csv",
    tag = "public",
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`")),
    responses(
        (status = 200, description = "The frame as CSV `target_id,stratum` in canonical order (immutable: strong `ETag` = its digest, a year of caching, 304 on `If-None-Match`)", body = String, content_type = "text/csv"),
        (status = 304, description = "Not modified"),
        crate::error::CommonErrors
    )
)]
async fn frame<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let plan = st.store.get_plan(&plan_id(&id)?).await?;
    let summary = plan
        .frame
        .ok_or_else(|| ApiError::not_found(format!("plan {id} has no frame yet")))?;
    let frame = st.store.get_frame(&summary.root).await?;
    Ok(immutable(
        &headers,
        &summary.root,
        "text/csv; charset=utf-8",
        frame_csv(&frame),
    ))
}

#[utoipa::path(
    get,
    path = "/api/public/plans/{id}/pool.csv",
    tag = "public",
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`")),
    responses(
        (status = 200, description = "The inspector pool as CSV `inspector_id,department,conflicts` (immutable: strong `ETag` = its digest, a year of caching, 304 on `If-None-Match`)", body = String, content_type = "text/csv"),
        (status = 304, description = "Not modified"),
        crate::error::CommonErrors
    )
)]
async fn pool<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let plan = st.store.get_plan(&plan_id(&id)?).await?;
    let summary = plan
        .pool
        .ok_or_else(|| ApiError::not_found(format!("plan {id} has no inspector pool yet")))?;
    let pool = st.store.get_pool(&summary.root).await?;
    Ok(immutable(
        &headers,
        &summary.root,
        "text/csv; charset=utf-8",
        pool_csv(&pool),
    ))
}

/// The outcome of re-running a draw on the server.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Verification {
    plan: String,
    verified: bool,
    checks: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed_field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<String>,
    how_to_check_yourself: String,
}

/// The server re-runs the draw from the stored transcript, frame and pool. (Nobody needs to trust
/// this: the same check runs offline with `spotcheck verify` or the browser verifier.)
#[utoipa::path(
    get,
    path = "/api/public/plans/{id}/verification",
    tag = "public",
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`")),
    responses(
        (status = 200, description = "The server re-ran the draw from the stored transcript, frame and pool", body = Verification),
        crate::error::CommonErrors
    )
)]
async fn verification<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let pid = plan_id(&id)?;
    let t = st.store.get_transcript(&pid).await?;
    let frame = st.store.get_frame(&t.commitment.frame.root).await?;
    let pool = st.store.get_pool(&t.commitment.pool.root).await?;
    let outcome = verify(&t, &frame, &pool);
    let body = Verification {
        plan: pid.to_string(),
        verified: outcome.is_ok(),
        checks: CHECKS.to_vec(),
        failed_field: outcome.as_ref().err().map(|e| e.field().to_owned()),
        failure: outcome.as_ref().err().map(ToString::to_string),
        how_to_check_yourself: how_to_check_yourself(pid.as_str()),
    };
    Ok(Json(body).into_response())
}

/// The offline check a verification answer suggests: the four published files under the names
/// the README's walkthrough uses, and the `spotcheck verify` command over them.
pub fn how_to_check_yourself(plan: &str) -> String {
    format!(
        "download /api/public/plans/{plan}/transcript as transcript.json, /api/public/plans/{plan}/commitment as commitment.json, /api/public/plans/{plan}/frame.csv and /api/public/plans/{plan}/pool.csv, then run: spotcheck verify transcript.json --frame frame.csv --pool pool.csv --commitment commitment.json"
    )
}

/// "Was my business in the frame?": an RFC 9162 inclusion proof against the committed root.
#[utoipa::path(
    get,
    path = "/api/public/plans/{id}/proof/{target}",
    tag = "public",
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("target" = TargetId, Path, description = "The target id, e.g. a unified credit code")),
    responses(
        (status = 200, description = "An RFC 9162 inclusion proof against the committed frame root", body = InclusionProof),
        crate::error::CommonErrors
    )
)]
async fn proof<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path((id, target)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let plan = st.store.get_plan(&plan_id(&id)?).await?;
    let summary = plan
        .frame
        .ok_or_else(|| ApiError::not_found(format!("plan {id} has no frame yet")))?;
    let frame = st.store.get_frame(&summary.root).await?;
    let proof = frame
        .prove(&target)
        .ok_or_else(|| ApiError::not_found(format!("{target} is not in the frame of plan {id}")))?;
    Ok(Json(proof).into_response())
}

#[utoipa::path(
    get,
    path = "/api/public/plans/{id}/results",
    tag = "public",
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`")),
    responses(
        (status = 200, description = "Recorded inspection results, once approved for publication", body = Vec<InspectionResult>),
        crate::error::CommonErrors
    )
)]
async fn results<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path(id): Path<String>,
) -> Result<Json<Vec<InspectionResult>>, ApiError> {
    let mut out = Vec::new();
    for r in st.store.list_results(&plan_id(&id)?).await? {
        let pub_id = PublicationId::of(
            PublicationKind::CheckResult,
            &RecordRef::Result {
                plan: r.plan.clone(),
                target: r.target.clone(),
            },
        );
        if approved(st.store.as_ref(), &pub_id).await? {
            out.push(r);
        }
    }
    Ok(Json(out))
}

/// Whether a result or decision may be shown: approved, or entered before approvals existed
/// (see `docs/publication.md`). Unapproved records are not public anywhere.
async fn approved<S: ReadStore>(store: &S, id: &PublicationId) -> Result<bool, ApiError> {
    let a = store.get_approval(id).await?;
    Ok(ApprovalStatus::of(a.as_ref()).publishable())
}

/// Penalty decisions that may be published (approved, never those involving minors), with their
/// changes and withdrawals.
#[utoipa::path(
    get,
    path = "/api/public/penalties",
    tag = "public",
    responses(
        (status = 200, description = "Publishable penalty decisions with their changes and withdrawals", body = Vec<PenaltyRecord>),
        crate::error::CommonErrors
    )
)]
async fn penalties<S: ReadStore>(
    State(st): State<PublicState<S>>,
) -> Result<Json<Vec<PenaltyRecord>>, ApiError> {
    let mut list = Vec::new();
    for p in st.store.list_penalties().await? {
        let pub_id = PublicationId::of(
            PublicationKind::PenaltyDecision,
            &RecordRef::Penalty {
                number: p.decision.number.clone(),
            },
        );
        if p.decision.publishable() && approved(st.store.as_ref(), &pub_id).await? {
            list.push(p);
        }
    }
    Ok(Json(list))
}
