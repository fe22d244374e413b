//! The inspector API: the plan lifecycle (create, commit, draw, cancel), inspection results,
//! penalty decisions and registry uploads. Every route needs a token; roles and departments are
//! checked per route.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use spotcheck_domain::canonical_json::to_canonical_bytes;
use spotcheck_domain::draw::{
    CommitRequest, Commitment, DrawRequest, Entropy, Selection, WitnessContribution, commit, draw,
};
use spotcheck_domain::frame::{Frame, FrameBuilder, InspectorPool, PoolBuilder};
use spotcheck_domain::ids::{Digest, PlanId, TargetId};
use spotcheck_domain::lifecycle::{
    Approval, DecisionNumber, InspectionResult, PenaltyChangeKind, PenaltyDecision, PenaltyRecord,
    Plan, PlanChange, PlanSpec, PlanState, PublicationId, PublicationKind, RecordRef, ResultCode,
};
use spotcheck_domain::registry::{
    CheckItem, CheckMethod, ExclusionRules, Guide, Inspector, OnlineOperator, Record, RegistryKind,
    RegistrySnapshot, Target, TargetKind, TravelAgency, build_frame,
};
use spotcheck_domain::store::{
    ApprovalWriter, DrawWriter, FrameWriter, PenaltyWriter, PlanWriter, PublicationWriter,
    ReadStore, RegistryWriter, ResultWriter, StoreError,
};

use super::support::plan_id;
use crate::auth::{Principal, Role};
use crate::error::ApiError;
use crate::extract::{StrictJson, sub_meta, write_meta};
use crate::{InspectorState, UPLOAD_BODY_LIMIT};

/// Everything the inspector API needs from a store.
pub trait WriteStore:
    ReadStore
    + RegistryWriter
    + FrameWriter
    + PlanWriter
    + DrawWriter
    + ResultWriter
    + PenaltyWriter
    + PublicationWriter
    + ApprovalWriter
{
}

impl<T> WriteStore for T where
    T: ReadStore
        + RegistryWriter
        + FrameWriter
        + PlanWriter
        + DrawWriter
        + ResultWriter
        + PenaltyWriter
        + PublicationWriter
        + ApprovalWriter
{
}

/// The inspector routes, mounted under `/api`.
pub fn router<S: WriteStore + 'static>() -> Router<InspectorState<S>> {
    Router::new()
        .route("/me", get(me))
        .route("/plans", post(create_plan::<S>))
        .route("/plans/{id}/commit", post(commit_plan::<S>))
        .route("/plans/{id}/draw", post(draw_plan::<S>))
        .route("/plans/{id}/cancel", post(cancel_plan::<S>))
        .route("/plans/{id}/results", post(record_result::<S>))
        .route("/penalties", post(record_penalty::<S>))
        .route("/penalties/{number}/changes", post(change_penalty::<S>))
        .route(
            "/plans/{id}/results/{target}/approval",
            post(approve_result::<S>),
        )
        .route("/penalties/{number}/approval", post(approve_penalty::<S>))
        .route(
            "/registries/{kind}",
            post(upload_registry::<S>).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .layer(DefaultBodyLimit::max(crate::JSON_BODY_LIMIT))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Me {
    subject: String,
    department: String,
    roles: Vec<Role>,
}

#[utoipa::path(
    get,
    path = "/api/me",
    tag = "inspector",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Who the token says you are", body = Me),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn me(principal: Principal) -> Json<Me> {
    Json(Me {
        subject: principal.subject,
        department: principal.department.to_string(),
        roles: principal.roles,
    })
}

fn canonical<T: Serialize>(v: &T) -> Result<Vec<u8>, ApiError> {
    to_canonical_bytes(v).map_err(ApiError::internal)
}

#[utoipa::path(
    post,
    path = "/api/plans",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "1-128 characters from `A-Z a-z 0-9 . _ - : /`; a retry with the same key replays the first outcome. Without one, a key is derived from caller, route and body.")
    ),
    request_body(content = PlanSpec, content_type = "application/json"),
    responses(
        (status = 201, description = "The plan, as a draft", body = Plan),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn create_plan<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    StrictJson(spec): StrictJson<PlanSpec>,
) -> Result<Response, ApiError> {
    principal.require(Role::Inspector)?;
    principal.require_department(&spec.department)?;
    spec.validate()?;
    let meta = write_meta(
        &headers,
        &principal,
        "POST /plans",
        &canonical(&spec)?,
        (st.clock)(),
    )?;
    let plan = st.store.create_plan(&meta, spec).await?;
    Ok((StatusCode::CREATED, Json(plan)).into_response())
}

async fn latest<S: WriteStore, T>(
    store: &S,
    kind: RegistryKind,
) -> Result<RegistrySnapshot<T>, ApiError>
where
    T: Record + serde::de::DeserializeOwned + Send,
{
    let info = store.latest_snapshot(kind).await?.ok_or_else(|| {
        ApiError::conflict(
            "registry-missing",
            format!("no {} registry has been imported yet", kind.code()),
        )
    })?;
    Ok(store.get_snapshot::<T>(info.number).await?)
}

fn frame_from<T: Target>(
    snapshot: &RegistrySnapshot<T>,
    spec: &PlanSpec,
    rules: &ExclusionRules,
) -> Result<(Frame, spotcheck_domain::registry::FrameProvenance), ApiError> {
    let selection = build_frame(snapshot, &spec.filter, spec.stratum_scheme, rules)
        .map_err(|e| ApiError::unprocessable("frame", e.to_string()))?;
    let mut b = FrameBuilder::new();
    for (i, (id, s)) in selection.entries.iter().enumerate() {
        b.push(id.as_str(), s.as_str(), i as u64)
            .map_err(|e| ApiError::unprocessable("frame", e.to_string()))?;
    }
    let frame = b
        .finish()
        .map_err(|e| ApiError::unprocessable("frame", e.to_string()))?;
    Ok((frame, selection.provenance))
}

/// The pool of a plan: the inspectors of the plan's department whose specialties include the
/// target kind (or who list none).
fn pool_from(
    inspectors: &RegistrySnapshot<Inspector>,
    spec: &PlanSpec,
) -> Result<InspectorPool, ApiError> {
    let mut b = PoolBuilder::new();
    for (i, ins) in inspectors.records().iter().enumerate() {
        let fits = ins.department == spec.department
            && (ins.specialties.is_empty() || ins.specialties.contains(&spec.target_kind));
        if fits {
            b.push_fields(
                ins.id.as_str(),
                ins.department.as_str(),
                ins.conflicts.iter().map(|c| c.as_str()),
                i as u64,
            )
            .map_err(|e| ApiError::unprocessable("pool", e.to_string()))?;
        }
    }
    b.finish()
        .map_err(|e| ApiError::unprocessable("pool", e.to_string()))
}

/// Commit: builds the frame from the latest registry snapshot and the pool from the roster,
/// stores both, derives the sealed secret and records the commitment. Supervisor only.
#[utoipa::path(
    post,
    path = "/api/plans/{id}/commit",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("Idempotency-Key" = Option<String>, Header, description = "1-128 characters from `A-Z a-z 0-9 . _ - : /`; a retry with the same key replays the first outcome. Without one, a key is derived from caller, route and body.")
    ),
    responses(
        (status = 201, description = "Frame and pool frozen; the commitment is published", body = CommitResponse),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn commit_plan<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(Role::Supervisor)?;
    let pid = plan_id(&id)?;
    let plan = st.store.get_plan(&pid).await?;
    principal.require_department(&plan.spec.department)?;
    match &plan.state {
        PlanState::Draft => {}
        PlanState::Committed {
            commitment_hash, ..
        } => {
            return Err(ApiError::conflict(
                "already-committed",
                format!(
                    "plan {pid} is already committed (commitment {commitment_hash}); GET /api/public/plans/{pid}/commitment"
                ),
            ));
        }
        other => {
            return Err(ApiError::conflict(
                "invalid-transition",
                format!("plan {pid} is {} and cannot be committed", other.name()),
            ));
        }
    }
    let now = (st.clock)();
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /plans/{pid}/commit"),
        &[],
        now,
    )?;
    let rules = ExclusionRules {
        plan_date: now
            .to_datetime()
            .map(|t| t.date_naive())
            .ok_or_else(|| ApiError::internal("clock out of range"))?,
        repeat_limit: item_repeat_limit(&*st.store, &plan.spec).await?,
        history: Vec::new(),
    };
    let (frame, provenance) = match plan.spec.target_kind {
        TargetKind::Agency => frame_from(
            &latest::<S, TravelAgency>(&st.store, RegistryKind::Agencies).await?,
            &plan.spec,
            &rules,
        )?,
        TargetKind::Guide => frame_from(
            &latest::<S, Guide>(&st.store, RegistryKind::Guides).await?,
            &plan.spec,
            &rules,
        )?,
        TargetKind::OnlineOperator => frame_from(
            &latest::<S, OnlineOperator>(&st.store, RegistryKind::Operators).await?,
            &plan.spec,
            &rules,
        )?,
    };
    let roster = latest::<S, Inspector>(&st.store, RegistryKind::Inspectors).await?;
    let pool = pool_from(&roster, &plan.spec)?;

    let secret = st.sealer.secret_for(&pid, now);
    // Check feasibility before anything is written.
    let commitment = commit(
        CommitRequest {
            plan_id: pid.clone(),
            committed_at: now,
            parameters: plan.spec.parameters.clone(),
            entropy_source: plan.spec.entropy_source.clone(),
        },
        &frame,
        &pool,
        &secret,
    )?;
    let stored_frame = st
        .store
        .put_frame(&sub_meta(&meta, "frame")?, &frame)
        .await?;
    let stored_pool = st.store.put_pool(&sub_meta(&meta, "pool")?, &pool).await?;
    let plan = st
        .store
        .change_plan(
            &sub_meta(&meta, "attach-frame")?,
            &pid,
            plan.version,
            PlanChange::AttachFrame {
                frame: stored_frame.summary,
                provenance: Some(provenance),
            },
        )
        .await?;
    st.store
        .change_plan(
            &sub_meta(&meta, "attach-pool")?,
            &pid,
            plan.version,
            PlanChange::AttachPool {
                pool: stored_pool.summary,
            },
        )
        .await?;
    let plan = st.store.record_commitment(&meta, &commitment).await?;
    let commitment_hash = commitment.hash()?;
    Ok((
        StatusCode::CREATED,
        Json(CommitResponse {
            plan,
            commitment,
            commitment_hash,
        }),
    )
        .into_response())
}

/// What a commit returns.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CommitResponse {
    plan: Plan,
    commitment: Commitment,
    commitment_hash: Digest,
}

/// What a draw returns (the whole transcript is at `/api/public/plans/{id}/transcript`).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct DrawResponse {
    plan: Plan,
    transcript_digest: Digest,
    selections: Vec<Selection>,
}

async fn item_repeat_limit<S: WriteStore>(
    store: &S,
    spec: &PlanSpec,
) -> Result<Option<spotcheck_domain::registry::RepeatLimit>, ApiError> {
    let Some(info) = store.latest_snapshot(RegistryKind::Items).await? else {
        return Ok(None);
    };
    let items = store.get_snapshot::<CheckItem>(info.number).await?;
    Ok(items
        .records()
        .iter()
        .find(|i| i.code == spec.item)
        .and_then(|i| i.repeat_limit.clone()))
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DrawBody {
    witnesses: Vec<WitnessContribution>,
}

/// Draw: the witnesses' values arrive; the plan is drawn at most once. Supervisor only.
#[utoipa::path(
    post,
    path = "/api/plans/{id}/draw",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("Idempotency-Key" = Option<String>, Header, description = "1-128 characters from `A-Z a-z 0-9 . _ - : /`; a retry with the same key replays the first outcome. Without one, a key is derived from caller, route and body.")
    ),
    request_body(content = DrawBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Drawn, at most once", body = DrawResponse),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn draw_plan<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<DrawBody>,
) -> Result<Response, ApiError> {
    principal.require(Role::Supervisor)?;
    let pid = plan_id(&id)?;
    let plan = st.store.get_plan(&pid).await?;
    principal.require_department(&plan.spec.department)?;
    match &plan.state {
        PlanState::Committed { .. } => {}
        PlanState::Drawn {
            transcript_digest, ..
        } => {
            return Err(ApiError::conflict(
                "already-drawn",
                format!(
                    "plan {pid} has already been drawn (transcript {transcript_digest}); GET /api/public/plans/{pid}/transcript"
                ),
            ));
        }
        other => {
            return Err(ApiError::conflict(
                "invalid-transition",
                format!("plan {pid} is {} and cannot be drawn", other.name()),
            ));
        }
    }
    let commitment = st.store.get_commitment(&pid).await?;
    let secret = st.sealer.secret_for(&pid, commitment.committed_at);
    if secret.commitment() != commitment.secret_commitment {
        return Err(ApiError::internal(format!(
            "the master key does not reproduce plan {pid}'s committed secret (was it rotated?)"
        )));
    }
    let frame = st.store.get_frame(&commitment.frame.root).await?;
    let pool = st.store.get_pool(&commitment.pool.root).await?;
    let now = (st.clock)();
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /plans/{pid}/draw"),
        &canonical(&body)?,
        now,
    )?;
    let transcript = draw(
        DrawRequest {
            commitment,
            secret,
            entropy: Entropy {
                witnesses: body.witnesses,
                // Beacon rounds are fetched by `spotcheck draw --relay`; the API takes witnesses.
                drand: None,
            },
            drawn_at: now,
        },
        &frame,
        &pool,
    )
    .map_err(|e| match e {
        spotcheck_domain::draw::DrawError::EntropyMismatch(m) => {
            ApiError::unprocessable("entropy-mismatch", m)
        }
        other => ApiError::from(other),
    })?;
    let plan = st.store.record_draw(&meta, &transcript).await?;
    Ok((
        StatusCode::CREATED,
        Json(DrawResponse {
            plan,
            transcript_digest: transcript.digest,
            selections: transcript.selections,
        }),
    )
        .into_response())
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CancelBody {
    reason: String,
}

#[utoipa::path(
    post,
    path = "/api/plans/{id}/cancel",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("Idempotency-Key" = Option<String>, Header, description = "1-128 characters from `A-Z a-z 0-9 . _ - : /`; a retry with the same key replays the first outcome. Without one, a key is derived from caller, route and body.")
    ),
    request_body(content = CancelBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Cancelled, with its public reason", body = Plan),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn cancel_plan<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<CancelBody>,
) -> Result<Response, ApiError> {
    principal.require(Role::Supervisor)?;
    let pid = plan_id(&id)?;
    let plan = st.store.get_plan(&pid).await?;
    principal.require_department(&plan.spec.department)?;
    if body.reason.trim().is_empty() {
        return Err(ApiError::bad_request(
            "invalid",
            "a cancellation needs a public reason",
        ));
    }
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /plans/{pid}/cancel"),
        &canonical(&body)?,
        (st.clock)(),
    )?;
    let plan = st.store.cancel_plan(&meta, &pid, body.reason).await?;
    Ok(Json(plan).into_response())
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResultBody {
    target: TargetId,
    code: ResultCode,
    method: CheckMethod,
    findings: String,
    #[serde(default)]
    follow_up: Option<String>,
    completed_on: chrono::NaiveDate,
}

#[utoipa::path(
    post,
    path = "/api/plans/{id}/results",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("Idempotency-Key" = Option<String>, Header, description = "1-128 characters from `A-Z a-z 0-9 . _ - : /`; a retry with the same key replays the first outcome. Without one, a key is derived from caller, route and body.")
    ),
    request_body(content = ResultBody, content_type = "application/json"),
    responses(
        (status = 201, description = "The stored result", body = InspectionResult),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn record_result<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<ResultBody>,
) -> Result<Response, ApiError> {
    principal.require(Role::Inspector)?;
    let pid = plan_id(&id)?;
    let plan = st.store.get_plan(&pid).await?;
    principal.require_department(&plan.spec.department)?;
    let transcript = st.store.get_transcript(&pid).await.map_err(|e| match e {
        spotcheck_domain::store::StoreError::NotFound { .. } => {
            ApiError::conflict("not-drawn", format!("plan {pid} has not been drawn yet"))
        }
        other => ApiError::from(other),
    })?;
    let selection = transcript
        .selections
        .iter()
        .find(|s| s.target == body.target)
        .ok_or_else(|| {
            ApiError::unprocessable(
                "not-selected",
                format!("{} was not drawn in plan {pid}", body.target),
            )
        })?;
    let now = (st.clock)();
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /plans/{pid}/results"),
        &canonical(&body)?,
        now,
    )?;
    let result = InspectionResult {
        plan: pid,
        target: body.target,
        code: body.code,
        method: body.method,
        inspectors: selection.inspectors.clone(),
        findings: body.findings,
        follow_up: body.follow_up,
        completed_on: body.completed_on,
        recorded_at: now,
    };
    result.validate()?;
    let stored = st.store.record_result(&meta, result).await?;
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}

#[utoipa::path(
    post,
    path = "/api/penalties",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "1-128 characters from `A-Z a-z 0-9 . _ - : /`; a retry with the same key replays the first outcome. Without one, a key is derived from caller, route and body.")
    ),
    request_body(content = PenaltyDecision, content_type = "application/json"),
    responses(
        (status = 201, description = "The stored decision", body = PenaltyRecord),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn record_penalty<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    StrictJson(decision): StrictJson<PenaltyDecision>,
) -> Result<Response, ApiError> {
    principal.require(Role::Inspector)?;
    principal.require_department(&decision.authority)?;
    decision.validate()?;
    let meta = write_meta(
        &headers,
        &principal,
        "POST /penalties",
        &canonical(&decision)?,
        (st.clock)(),
    )?;
    let record = st.store.record_penalty(&meta, decision).await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChangeBody {
    kind: PenaltyChangeKind,
    reason: String,
    #[serde(default)]
    new_result: Option<String>,
    effective_on: chrono::NaiveDate,
}

#[utoipa::path(
    post,
    path = "/api/penalties/{number}/changes",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("number" = DecisionNumber, Path, description = "Decision number, e.g. `莆文旅罚〔2026〕12号`"),
        ("Idempotency-Key" = Option<String>, Header, description = "1-128 characters from `A-Z a-z 0-9 . _ - : /`; a retry with the same key replays the first outcome. Without one, a key is derived from caller, route and body.")
    ),
    request_body(content = ChangeBody, content_type = "application/json"),
    responses(
        (status = 201, description = "The decision with the change appended", body = PenaltyRecord),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn change_penalty<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(number): Path<String>,
    StrictJson(body): StrictJson<ChangeBody>,
) -> Result<Response, ApiError> {
    principal.require(Role::Inspector)?;
    let number: DecisionNumber = number
        .parse()
        .map_err(|e| ApiError::bad_request("invalid-path", format!("decision number: {e}")))?;
    let existing = st.store.get_penalty(&number).await?;
    principal.require_department(&existing.decision.authority)?;
    if body.reason.trim().is_empty() {
        return Err(ApiError::bad_request(
            "invalid",
            "a change or withdrawal needs its reason",
        ));
    }
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /penalties/{number}/changes"),
        &canonical(&body)?,
        (st.clock)(),
    )?;
    let record = st
        .store
        .change_penalty(
            &meta,
            &number,
            body.kind,
            body.reason,
            body.new_result,
            body.effective_on,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Imported {
    kind: &'static str,
    number: u64,
    hash: String,
    records: u64,
    /// `false` when the file's content was identical to the latest snapshot: nothing was stored
    /// and `number` is that snapshot's.
    created: bool,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UploadQuery {
    /// Accept a file with a header and no records (it replaces the registry with an empty one).
    #[serde(default)]
    allow_empty: bool,
}

/// Uploads a registry file (CSV or .xlsx, UTF-8 or GB18030) as the next snapshot. Admin only.
/// A file with any bad row imports nothing; the 422 lists the rows and fields (the first 1,000
/// problems and their total). A file identical to the latest snapshot stores nothing (200 with
/// that snapshot); a file without records is refused unless `allow_empty=true`.
#[utoipa::path(
    post,
    path = "/api/registries/{kind}",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("kind" = RegistryKind, Path, description = "Which registry"),
        UploadQuery,
        ("X-File-Name" = Option<String>, Header, description = "Original file name; `.xlsx` selects the spreadsheet reader, otherwise CSV (UTF-8 or GB18030); a file that starts like a ZIP is read as .xlsx whatever its name"),
        ("Idempotency-Key" = Option<String>, Header, description = "1-128 characters from `A-Z a-z 0-9 . _ - : /`; a retry with the same key replays the first outcome. Without one, a key is derived from caller, route and body.")
    ),
    request_body(content = Vec<u8>, content_type = "text/csv"),
    responses(
        (status = 201, description = "Imported as the next snapshot", body = Imported),
        (status = 200, description = "Identical to the latest snapshot: nothing stored", body = Imported),
        (status = 422, description = "Refused: `invalid-registry` lists `errors` ({row, field, reason}, the first 1,000) and `total`; `empty-registry`", body = crate::routes::uploads::RegistryProblem, content_type = "application/problem+json"),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn upload_registry<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(kind): Path<String>,
    axum::extract::Query(query): axum::extract::Query<UploadQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    principal.require(Role::Admin)?;
    let kind = crate::large_upload::parse_kind(&kind)
        .map_err(|e| ApiError::bad_request("invalid-path", e))?;
    let file_name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("upload.csv")
        .to_owned();
    // Hashing a large body for the idempotency key is CPU work too: off the async workers.
    let meta = {
        let (headers, principal, body, now) = (headers, principal, body.clone(), (st.clock)());
        tokio::task::spawn_blocking(move || {
            write_meta(
                &headers,
                &principal,
                &format!("POST /registries/{}", kind.code()),
                &body,
                now,
            )
        })
        .await
        .map_err(ApiError::internal)??
    };
    let options = spotcheck_app::registry::ImportOptions {
        allow_empty: query.allow_empty,
        ..Default::default()
    };
    // Reading and validating run on the blocking pool inside the use case.
    let outcome = match spotcheck_app::registry::import_registry(
        st.store.as_ref(),
        &meta,
        kind,
        &file_name,
        body,
        options,
    )
    .await
    {
        Ok(o) => o,
        Err(e) => return Ok(crate::routes::uploads::registry_error(e)),
    };
    let info = outcome.info;
    Ok((
        if outcome.created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(Imported {
            kind: info.kind.code(),
            number: info.number,
            hash: info.hash.to_string(),
            records: info.records,
            created: outcome.created,
        }),
    )
        .into_response())
}

/// Approving needs the supervisor or the publisher role (approve and publish), in the record's
/// department; the store refuses the person who entered the record.
fn require_approver(principal: &Principal) -> Result<(), ApiError> {
    if principal.has(Role::Supervisor) || principal.has(Role::Publisher) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "approving a record for publication needs the supervisor or publisher role",
        ))
    }
}

async fn approve<S: WriteStore>(
    st: &InspectorState<S>,
    principal: &Principal,
    headers: &HeaderMap,
    route: &str,
    id: &PublicationId,
) -> Result<Response, ApiError> {
    let meta = write_meta(headers, principal, route, &[], (st.clock)())?;
    let approval = st.store.approve(&meta, id).await.map_err(|e| match e {
        StoreError::NotFound { .. } => ApiError::conflict(
            "needs-no-approval",
            format!("{id} was entered before approvals were required and is published without one"),
        ),
        StoreError::Conflict { reason, .. } if reason.contains("another member") => {
            ApiError::conflict("own-entry", reason)
        }
        StoreError::Conflict { reason, .. } => ApiError::conflict("already-approved", reason),
        other => ApiError::from(other),
    })?;
    Ok((StatusCode::OK, Json(approval)).into_response())
}

#[utoipa::path(
    post,
    path = "/api/plans/{id}/results/{target}/approval",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("target" = TargetId, Path, description = "The checked target's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "1-128 characters from `A-Z a-z 0-9 . _ - : /`; a retry with the same key replays the first outcome. Without one, a key is derived from caller and route.")
    ),
    responses(
        (status = 200, description = "The result is approved for publication (by someone other than the person who entered it; role supervisor or publisher). 409 `own-entry`, `already-approved` or `needs-no-approval` (entered before approvals existed).", body = Approval),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn approve_result<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path((id, target)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    require_approver(&principal)?;
    let pid = plan_id(&id)?;
    let target: TargetId = target
        .parse()
        .map_err(|e| ApiError::bad_request("invalid-path", format!("target: {e}")))?;
    let plan = st.store.get_plan(&pid).await?;
    principal.require_department(&plan.spec.department)?;
    st.store.get_result(&pid, &target).await?;
    let pub_id = PublicationId::of(
        PublicationKind::CheckResult,
        &RecordRef::Result {
            plan: pid.clone(),
            target: target.clone(),
        },
    );
    let route = format!("POST /plans/{pid}/results/{target}/approval");
    approve(&st, &principal, &headers, &route, &pub_id).await
}

#[utoipa::path(
    post,
    path = "/api/penalties/{number}/approval",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("number" = DecisionNumber, Path, description = "Decision number, e.g. `莆文旅罚〔2026〕12号`"),
        ("Idempotency-Key" = Option<String>, Header, description = "1-128 characters from `A-Z a-z 0-9 . _ - : /`; a retry with the same key replays the first outcome. Without one, a key is derived from caller and route.")
    ),
    responses(
        (status = 200, description = "The decision is approved for publication (by someone other than the person who entered it; role supervisor or publisher). 409 `own-entry`, `already-approved` or `needs-no-approval` (entered before approvals existed).", body = Approval),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn approve_penalty<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    require_approver(&principal)?;
    let number: DecisionNumber = number
        .parse()
        .map_err(|e| ApiError::bad_request("invalid-path", format!("decision number: {e}")))?;
    let existing = st.store.get_penalty(&number).await?;
    principal.require_department(&existing.decision.authority)?;
    let pub_id = PublicationId::of(
        PublicationKind::PenaltyDecision,
        &RecordRef::Penalty {
            number: number.clone(),
        },
    );
    let route = format!("POST /penalties/{number}/approval");
    approve(&st, &principal, &headers, &route, &pub_id).await
}
