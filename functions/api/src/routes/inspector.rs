//! The inspector API: the plan lifecycle (create, commit, draw, cancel), inspection results,
//! penalty decisions and registry uploads. Every route needs a token; roles and departments are
//! checked per route.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use spotcheck_app::plans;
use spotcheck_app::queries::{self, Assignment, Duty, PendingApproval};
use spotcheck_app::records::{self, ChangeInput, ResultInput};
use spotcheck_app::{Role as AppRole, Staff};
use spotcheck_domain::canonical_json::to_canonical_bytes;
use spotcheck_domain::draw::{Commitment, Selection, WitnessContribution};
use spotcheck_domain::ids::{Digest, PlanId, TargetId};
use spotcheck_domain::lifecycle::{
    Approval, DecisionNumber, InspectionResult, PenaltyChangeKind, PenaltyDecision, PenaltyRecord,
    Plan, PlanSpec, ResultCode,
};
use spotcheck_domain::registry::{CheckMethod, RegistryKind};
use spotcheck_domain::store::{
    ApprovalWriter, DraftWriter, DrawWriter, FrameWriter, PenaltyWriter, PlanWriter,
    PublicationWriter, ReadStore, RegistryWriter, ResultWriter, TimestampWriter,
};

use super::support::plan_id;
use crate::auth::{Principal, Role};
use crate::error::ApiError;
use crate::extract::{StrictJson, write_meta};
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
    + TimestampWriter
    + DraftWriter
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
        + TimestampWriter
        + DraftWriter
{
}

/// How every POST's `Idempotency-Key` works, as the OpenAPI document says it.
pub(crate) const IDEMPOTENCY_KEY_DOC: &str = "1-128 characters from `A-Z a-z 0-9 . _ - : /`, scoped to you and the route: a retry with the same key and body replays the first outcome; the same key with another body is 422 `idempotency-key-reused`. Without one, the key is derived from you, the route and the body, so an identical plain retry is recognised too.";

/// The inspector routes, mounted under `/api`.
pub fn router<S: WriteStore + 'static>() -> Router<InspectorState<S>> {
    Router::new()
        .route("/me", get(me))
        .route("/plans", post(create_plan::<S>))
        .route("/plans", get(list_plans::<S>))
        .route("/plans/preview", post(preview_plan::<S>))
        .route("/plans/{id}", put(amend_plan::<S>))
        .route("/plans/{id}/withdraw", post(withdraw_plan::<S>))
        .route("/approvals", get(pending_approvals::<S>))
        .route("/drafts", get(super::drafts::my_drafts::<S>))
        .route("/duties", get(duties::<S>))
        .route("/assignments", get(assignments::<S>))
        .route("/registries/{kind}", get(search_registry::<S>))
        .route(
            "/registries/{kind}/snapshots",
            get(super::history::list::<S>),
        )
        .route(
            "/plans/{id}/results/{target}",
            put(super::drafts::amend_result::<S>),
        )
        .route(
            "/plans/{id}/results/{target}/return",
            post(super::drafts::return_result::<S>),
        )
        .route(
            "/plans/{id}/results/{target}/withdraw",
            post(super::drafts::withdraw_result::<S>),
        )
        .route(
            "/penalties/{number}",
            put(super::drafts::amend_penalty::<S>),
        )
        .route(
            "/penalties/{number}/return",
            post(super::drafts::return_penalty::<S>),
        )
        .route(
            "/penalties/{number}/withdraw",
            post(super::drafts::withdraw_penalty::<S>),
        )
        .route("/audit", get(audit_log::<S>))
        .route("/plans/{id}/commit", post(commit_plan::<S>))
        .route(
            "/plans/{id}/partner-approval",
            post(super::joint::approve_partner::<S>),
        )
        .route("/plans/{id}/draw", post(draw_plan::<S>))
        .route("/plans/{id}/cancel", post(cancel_plan::<S>))
        .route("/plans/{id}/timestamps", get(super::timestamps::list::<S>))
        .route(
            "/plans/{id}/timestamps",
            post(super::timestamps::retry::<S>),
        )
        .route("/plans/{id}/results", post(record_result::<S>))
        .route("/penalties", post(record_penalty::<S>))
        .route("/penalties/{number}/changes", post(change_penalty::<S>))
        .route(
            "/plans/{id}/results/{target}/approval",
            post(approve_result::<S>),
        )
        .route("/penalties/{number}/approval", post(approve_penalty::<S>))
        .route("/exports/{layout}", get(super::exports::download::<S>))
        .route(
            "/penalties/{number}/changes/{seq}/approval",
            post(approve_penalty_change::<S>),
        )
        .route(
            "/registries/{kind}",
            post(upload_registry::<S>).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/registries/{kind}/reports/{report_id}",
            get(crate::routes::reports::download),
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

/// The caller as the application core sees them.
fn staff(principal: &Principal) -> Result<Staff, ApiError> {
    principal.staff()
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
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
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
    let now = (st.clock)();
    let meta = write_meta(&headers, &principal, "POST /plans", &canonical(&spec)?, now)?;
    let plan = plans::create_plan(
        &*st.store,
        &staff(&principal)?,
        &meta,
        spec,
        now,
        &st.schedule,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(plan)).into_response())
}

/// Commit: builds the frame from the latest registry snapshot and the pool from the roster,
/// stores both, derives the sealed secret and records the commitment. Supervisor only. A joint
/// plan (`parameters.joint`, draw spec §17) is committed by the lead department once every
/// partner has approved (else 409 `partner-approval-missing` naming them; 409
/// `partner-pool-changed` when a partner's inspectors changed since its approval), and its pool
/// holds every participating department's inspectors (a `spotcheck-draw/2` commitment).
#[utoipa::path(
    post,
    path = "/api/plans/{id}/commit",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
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
    let pid = plan_id(&id)?;
    let now = (st.clock)();
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /plans/{pid}/commit"),
        &[],
        now,
    )?;
    let committed = plans::commit_plan(
        &*st.store,
        &st.sealer,
        &staff(&principal)?,
        &meta,
        &pid,
        now,
        &st.schedule,
        &|_| {},
    )
    .await?;
    // Then the commitment hash goes to each time-stamping authority (bounded by the adapter's
    // time limit and retries); a failure is recorded, never undoes the commit.
    let timestamps =
        super::timestamps::stamp_after_commit(&st, &meta, &pid, &committed.plan).await?;
    Ok((
        StatusCode::CREATED,
        Json(CommitResponse {
            plan: committed.plan,
            commitment: committed.commitment,
            commitment_hash: committed.commitment_hash,
            timestamps,
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
    /// Each configured time-stamping authority's status (`pending`, `failed` with the reason, or
    /// `obtained`); empty when none is configured.
    timestamps: Vec<spotcheck_domain::lifecycle::TimestampRecord>,
}

/// What a draw returns (the whole transcript is at `/api/public/plans/{id}/transcript`).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct DrawResponse {
    plan: Plan,
    transcript_digest: Digest,
    selections: Vec<Selection>,
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
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
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
    let pid = plan_id(&id)?;
    let now = (st.clock)();
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /plans/{pid}/draw"),
        &canonical(&body)?,
        now,
    )?;
    let drawn = plans::draw_plan(
        &*st.store,
        &st.sealer,
        st.beacon.as_deref(),
        &staff(&principal)?,
        &meta,
        &pid,
        body.witnesses,
        now,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(DrawResponse {
            plan: drawn.plan,
            transcript_digest: drawn.transcript_digest,
            selections: drawn.selections,
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
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
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
    let pid = plan_id(&id)?;
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /plans/{pid}/cancel"),
        &canonical(&body)?,
        (st.clock)(),
    )?;
    let plan =
        plans::cancel_plan(&*st.store, &staff(&principal)?, &meta, &pid, body.reason).await?;
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
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
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
    let pid = plan_id(&id)?;
    let now = (st.clock)();
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /plans/{pid}/results"),
        &canonical(&body)?,
        now,
    )?;
    let input = ResultInput {
        target: body.target,
        code: body.code,
        method: body.method,
        findings: body.findings,
        follow_up: body.follow_up,
        completed_on: body.completed_on,
    };
    let stored =
        records::record_result(&*st.store, &staff(&principal)?, &meta, &pid, input, now).await?;
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}

/// Records a penalty decision of your department (inspector); it awaits another member's approval.
/// It may name the plan it came of: your department's plan, or a joint plan your department takes
/// part in (lead or partner); naming a target the joint draw selected needs an inspector of your
/// department on that target's team (403 `not-assigned-department`).
#[utoipa::path(
    post,
    path = "/api/penalties",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
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
    let now = (st.clock)();
    let meta = write_meta(
        &headers,
        &principal,
        "POST /penalties",
        &canonical(&decision)?,
        now,
    )?;
    let record =
        records::record_penalty(&*st.store, &staff(&principal)?, &meta, decision, now).await?;
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
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
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
    let number = decision_number(&number)?;
    let now = (st.clock)();
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /penalties/{number}/changes"),
        &canonical(&body)?,
        now,
    )?;
    let input = ChangeInput {
        kind: body.kind,
        reason: body.reason,
        new_result: body.new_result,
        effective_on: body.effective_on,
    };
    let record =
        records::change_penalty(&*st.store, &staff(&principal)?, &meta, &number, input, now)
            .await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

fn decision_number(text: &str) -> Result<DecisionNumber, ApiError> {
    text.parse()
        .map_err(|e| ApiError::bad_request("invalid-path", format!("decision number: {e}")))
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

impl UploadQuery {
    /// Reads `allow_empty=true|false`; anything else in it is a 400 problem, not axum's text.
    fn parse(query: Option<&str>) -> Result<Self, ApiError> {
        let mut allow_empty = false;
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if key == "allow_empty" {
                allow_empty = match value {
                    "true" | "1" => true,
                    "false" | "0" | "" => false,
                    other => {
                        return Err(ApiError::bad_request(
                            "invalid-query",
                            format!("allow_empty must be true or false, not {other:?}"),
                        ));
                    }
                };
            }
        }
        Ok(Self { allow_empty })
    }
}

/// Uploads a registry file (CSV or .xlsx, UTF-8 or GB18030) as the next snapshot. Registrar only (the registries are shared by every department).
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
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
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
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    reports: Option<axum::Extension<std::sync::Arc<crate::routes::reports::ProblemReports>>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    staff(&principal)?.require(AppRole::Registrar)?;
    let query = UploadQuery::parse(query.as_deref())?;
    let kind = crate::large_upload::parse_kind(&kind)
        .map_err(|e| ApiError::bad_request("invalid-path", e))?;
    let file_name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("upload.csv")
        .to_owned();
    // Every problem also goes to a report file the uploader can download (crate::reports).
    let report = reports.and_then(|r| r.0.begin(&principal, kind, &file_name));
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
        report: report.clone().map(|r| {
            let sink: std::sync::Arc<dyn spotcheck_domain::registry::ProblemSink> = r;
            spotcheck_app::registry::ReportSink(sink)
        }),
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
        Ok(o) => {
            if let Some(r) = &report {
                r.discard();
            }
            o
        }
        Err(e) => {
            let kept = match (&report, e.problems()) {
                (Some(r), Some(p)) if p.total > p.errors.len() => r.keep(p.total),
                (Some(r), _) => {
                    r.discard();
                    None
                }
                _ => None,
            };
            let named = kept.map(|id| (id.clone(), crate::routes::reports::report_url(kind, &id)));
            return Ok(crate::routes::uploads::registry_error(e, named));
        }
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

/// Approves a result for publication (supervisor or publisher of the plan's department, not its
/// author). For a joint plan: of a participating department with an inspector on the target's
/// team (a department that records it), not necessarily the lead; another participating
/// department gets 403 `not-assigned-department`, a department the plan does not involve 403
/// `other-department`.
#[utoipa::path(
    post,
    path = "/api/plans/{id}/results/{target}/approval",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("target" = TargetId, Path, description = "The checked target's id"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
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
    let pid = plan_id(&id)?;
    let target: TargetId = target
        .parse()
        .map_err(|e| ApiError::bad_request("invalid-path", format!("target: {e}")))?;
    let route = format!("POST /plans/{pid}/results/{target}/approval");
    let meta = write_meta(&headers, &principal, &route, &[], (st.clock)())?;
    let approval =
        records::approve_result(&*st.store, &staff(&principal)?, &meta, &pid, &target).await?;
    Ok((StatusCode::OK, Json(approval)).into_response())
}

#[utoipa::path(
    post,
    path = "/api/penalties/{number}/approval",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("number" = DecisionNumber, Path, description = "Decision number, e.g. `莆文旅罚〔2026〕12号`"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
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
    let number = decision_number(&number)?;
    let route = format!("POST /penalties/{number}/approval");
    let meta = write_meta(&headers, &principal, &route, &[], (st.clock)())?;
    let approval =
        records::approve_penalty(&*st.store, &staff(&principal)?, &meta, &number).await?;
    Ok((StatusCode::OK, Json(approval)).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PlansQuery {
    /// Only plans in this state: `draft`, `committed`, `drawn` or `cancelled`.
    #[serde(default)]
    state: Option<String>,
}

/// The department's plans, drafts included, and the joint plans it takes part in (inspector,
/// supervisor or publisher; the public sees committed plans only).
#[utoipa::path(
    get,
    path = "/api/plans",
    tag = "inspector",
    security(("bearer" = [])),
    params(PlansQuery),
    responses(
        (status = 200, description = "Your department's plans, by planned draw time then id", body = Vec<Plan>),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn list_plans<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    axum::extract::Query(q): axum::extract::Query<PlansQuery>,
) -> Result<Json<Vec<Plan>>, ApiError> {
    Ok(Json(
        queries::plans(&*st.store, &staff(&principal)?, q.state.as_deref()).await?,
    ))
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AmendBody {
    /// The version the amendment was made against (409 if the draft changed since).
    expected_version: u64,
    /// The new spec (same id).
    spec: PlanSpec,
}

/// Amends an unpublished draft: the whole spec is replaced and checked as at creation. Audited.
#[utoipa::path(
    put,
    path = "/api/plans/{id}",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
    ),
    request_body(content = AmendBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The amended draft", body = Plan),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn amend_plan<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<AmendBody>,
) -> Result<Response, ApiError> {
    let pid = plan_id(&id)?;
    if body.spec.id != pid {
        return Err(ApiError::unprocessable(
            "mismatch",
            format!(
                "spec.id {} differs from the path's plan {pid}",
                body.spec.id
            ),
        ));
    }
    let now = (st.clock)();
    let meta = write_meta(
        &headers,
        &principal,
        &format!("PUT /plans/{pid}"),
        &canonical(&body)?,
        now,
    )?;
    let plan = plans::amend_plan(
        &*st.store,
        &staff(&principal)?,
        &meta,
        body.spec,
        body.expected_version,
        now,
        &st.schedule,
    )
    .await?;
    Ok(Json(plan).into_response())
}

/// Withdraws an unpublished draft, with a reason (audited; a draft is never public).
#[utoipa::path(
    post,
    path = "/api/plans/{id}/withdraw",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
    ),
    request_body(content = CancelBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The draft, withdrawn (state cancelled)", body = Plan),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn withdraw_plan<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<CancelBody>,
) -> Result<Response, ApiError> {
    let pid = plan_id(&id)?;
    let meta = write_meta(
        &headers,
        &principal,
        &format!("POST /plans/{pid}/withdraw"),
        &canonical(&body)?,
        (st.clock)(),
    )?;
    let plan =
        plans::withdraw_draft(&*st.store, &staff(&principal)?, &meta, &pid, body.reason).await?;
    Ok(Json(plan).into_response())
}

/// The results and decisions of your department waiting for your approval (supervisor or
/// publisher; never your own entries), each text beside its public rendering. A joint plan's
/// results are listed to each participating department with an inspector on the target's team
/// (the ones it may approve), partners included.
#[utoipa::path(
    get,
    path = "/api/approvals",
    tag = "inspector",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approvals you may give", body = Vec<PendingApproval>),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn pending_approvals<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
) -> Result<Json<Vec<PendingApproval>>, ApiError> {
    Ok(Json(
        queries::pending_approvals(&*st.store, &staff(&principal)?).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DutiesQuery {
    /// Only the duties pending past their deadline.
    #[serde(default)]
    overdue: bool,
}

/// Your department's publication duties with their legal deadlines, pending first; `overdue`
/// flags those past their deadline.
#[utoipa::path(
    get,
    path = "/api/duties",
    tag = "inspector",
    security(("bearer" = [])),
    params(DutiesQuery),
    responses(
        (status = 200, description = "Publication duties", body = Vec<Duty>),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn duties<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    axum::extract::Query(q): axum::extract::Query<DutiesQuery>,
) -> Result<Json<Vec<Duty>>, ApiError> {
    Ok(Json(
        queries::duties(&*st.store, &staff(&principal)?, (st.clock)(), q.overdue).await?,
    ))
}

/// Your assignments as an inspector: the drawn targets you go to (your token's subject is your
/// roster id), with whom, and whether the result is recorded; joint plans your department takes
/// part in included.
#[utoipa::path(
    get,
    path = "/api/assignments",
    tag = "inspector",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your assignments", body = Vec<Assignment>),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn assignments<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
) -> Result<Json<Vec<Assignment>>, ApiError> {
    Ok(Json(
        queries::assignments(&*st.store, &staff(&principal)?).await?,
    ))
}

/// Approves a change or withdrawal of a decision for publication: its reason and new result are
/// public text, approved by someone other than the person who entered the change (supervisor or
/// publisher). The decision itself left the public site when the change was recorded.
#[utoipa::path(
    post,
    path = "/api/penalties/{number}/changes/{seq}/approval",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("number" = DecisionNumber, Path, description = "Decision number, e.g. `莆文旅罚〔2026〕12号`"),
        ("seq" = u32, Path, description = "The change's number (1 for the first)"),
        ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)
    ),
    responses(
        (status = 200, description = "The change is approved for publication. 409 `own-entry`, `already-approved` or `needs-no-approval`.", body = Approval),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn approve_penalty_change<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    headers: HeaderMap,
    Path((number, seq)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let number = decision_number(&number)?;
    let seq: u32 = seq.parse().map_err(|_| {
        ApiError::bad_request(
            "invalid-path",
            format!("change number {seq:?} is not a number"),
        )
    })?;
    let route = format!("POST /penalties/{number}/changes/{seq}/approval");
    let meta = write_meta(&headers, &principal, &route, &[], (st.clock)())?;
    let approval =
        records::approve_penalty_change(&*st.store, &staff(&principal)?, &meta, &number, seq)
            .await?;
    Ok((StatusCode::OK, Json(approval)).into_response())
}

/// Previews a draft before it is saved: the candidates from the latest registry snapshot (the
/// repeat limit's exclusions with their reasons), each stratum's sample size, the inspector pool
/// and the feasibility check commit makes. Nothing is stored; the schedule is not checked.
#[utoipa::path(
    post,
    path = "/api/plans/preview",
    tag = "inspector",
    security(("bearer" = [])),
    request_body(content = PlanSpec, content_type = "application/json"),
    responses(
        (status = 200, description = "What the draft would commit to now; `infeasible` says why commit would refuse it", body = spotcheck_app::plans::Preview),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn preview_plan<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    StrictJson(spec): StrictJson<PlanSpec>,
) -> Result<Json<plans::Preview>, ApiError> {
    Ok(Json(
        plans::preview_plan(&*st.store, &staff(&principal)?, &spec, (st.clock)()).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    /// Only entries before this one (its `seq`): the next page back.
    #[serde(default)]
    before: Option<u64>,
    /// How many entries, at most 200 (default 50).
    #[serde(default)]
    limit: Option<usize>,
    /// Only entries whose subject, actor or action contains this text.
    #[serde(default)]
    q: Option<String>,
}

/// The audit log of your department's records, newest first (supervisor): plans (joint plans your
/// department takes part in included) with their frames and pools, results, decisions, approvals,
/// and the shared registry snapshots. A decision withdrawn before approval stays listed for its
/// department (known from its actors: you, or inspectors of your department in the roster).
#[utoipa::path(
    get,
    path = "/api/audit",
    tag = "inspector",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "Audit entries, newest first", body = Vec<queries::AuditRecord>),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn audit_log<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    axum::extract::Query(q): axum::extract::Query<AuditQuery>,
) -> Result<Json<Vec<queries::AuditRecord>>, ApiError> {
    Ok(Json(
        queries::audit_log(
            &*st.store,
            &staff(&principal)?,
            q.before,
            q.limit.unwrap_or(50),
            q.q.as_deref(),
        )
        .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchQuery {
    /// Text to find in a record: a name, credit code, licence or card number, region code.
    #[serde(default)]
    q: Option<String>,
}

/// Searches the newest snapshot of a registry (any staff role): its number, hash and size, and
/// the first 50 records containing `q`.
#[utoipa::path(
    get,
    path = "/api/registries/{kind}",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("kind" = RegistryKind, Path, description = "Which registry"),
        SearchQuery
    ),
    responses(
        (status = 200, description = "The newest snapshot and the matching records", body = queries::RegistrySearch),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
async fn search_registry<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    Path(kind): Path<String>,
    axum::extract::Query(q): axum::extract::Query<SearchQuery>,
) -> Result<Json<queries::RegistrySearch>, ApiError> {
    let kind = crate::large_upload::parse_kind(&kind)
        .map_err(|e| ApiError::bad_request("invalid-path", e))?;
    Ok(Json(
        queries::search_registry(
            &*st.store,
            &staff(&principal)?,
            kind,
            q.q.as_deref().unwrap_or(""),
        )
        .await?,
    ))
}
