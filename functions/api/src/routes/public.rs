//! The public, read-only API: no login. Every answer is rendered from the one public projection
//! ([`spotcheck_app::public::project`], [`Gate::Live`]), the same that renders the site: drafts are
//! not listed, unapproved results and decisions do not show, changed, revoked, credit-repaired and
//! expired decisions are taken down, cases involving minors never show, and every free text is
//! redacted (personal numbers removed, the full names of natural persons the registries know
//! masked). A record that may not be shown answers 404, exactly as one that does not exist.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use spotcheck_app::public::records::{PlanRecord, load_items, load_penalties, load_plans};
use spotcheck_app::public::{Gate, Public, project, reads};
use spotcheck_app::timestamps;
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::draw::{CHECKS, Commitment, Transcript, verify};
use spotcheck_domain::frame::InclusionProof;
use spotcheck_domain::ids::{PlanId, TargetId};
use spotcheck_domain::lifecycle::{InspectionResult, PenaltyRecord, Plan};
use spotcheck_domain::registry::CheckItem;
use spotcheck_domain::store::{ReadStore, StoreError};

use super::support::{etag_value, frame_csv, immutable, immutable_tagged, plan_id, pool_csv};
use crate::PublicState;
use crate::error::ApiError;

/// The official calendar (for the end of a decision's publication period), read once.
fn calendar() -> Result<&'static Calendar, ApiError> {
    static CALENDAR: std::sync::OnceLock<Result<Calendar, String>> = std::sync::OnceLock::new();
    CALENDAR
        .get_or_init(|| Calendar::embedded().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(ApiError::internal)
}

/// What the public may see of `records` now.
fn live(records: &spotcheck_app::public::records::Records) -> Result<Public, ApiError> {
    Ok(project(
        records,
        calendar()?,
        Gate::Live,
        (crate::system_clock())(),
    ))
}

/// The 404 of a plan that does not exist or may not be shown (a draft): the same answer for both.
fn no_plan(id: &str) -> ApiError {
    StoreError::NotFound {
        what: "plan",
        id: id.to_owned(),
    }
    .into()
}

/// The public form of plan `id`, or 404.
async fn public_plan<S: ReadStore>(store: &S, id: &str) -> Result<PlanRecord, ApiError> {
    Ok(reads::plan(store, &plan_id(id)?, calendar()?, (crate::system_clock())()).await?)
}

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
        .route("/plans/{id}/timestamps", get(timestamps::<S>))
        .route("/plans/{id}/timestamps/{file}", get(timestamp_file::<S>))
        .route("/plans/{id}/proof/{target}", get(proof::<S>))
        .route("/plans/{id}/results", get(results::<S>))
        .route("/penalties", get(penalties::<S>))
        .route("/audit-head", get(super::audit_head::audit_head::<S>))
        .route("/statistics", get(statistics::<S>))
}

/// Which statistics: a year, a department, or both (neither: every document).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatisticsQuery {
    /// Only this year (China time), e.g. `2026`.
    #[serde(default)]
    year: Option<i32>,
    /// Only this department, by its full name, e.g. `莆田市文化和旅游局`.
    #[serde(default)]
    department: Option<String>,
}

/// The yearly statistics per department, the same figures as the site's 统计 pages
/// (`spotcheck_app::statistics`), from what the public may see now.
#[utoipa::path(
    get,
    path = "/api/public/statistics",
    tag = "public",
    params(StatisticsQuery),
    responses(
        (status = 200, description = "One `spotcheck-statistics/1` document per year and department, oldest year first (empty when nothing matches). 400 `invalid-query` for a query that does not parse.", body = Vec<spotcheck_app::statistics::Statistics>),
        crate::error::CommonErrors
    )
)]
pub(crate) async fn statistics<S: ReadStore>(
    State(st): State<PublicState<S>>,
    query: Result<axum::extract::Query<StatisticsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<spotcheck_app::statistics::Statistics>>, ApiError> {
    let axum::extract::Query(q) = query.map_err(|e| {
        ApiError::bad_request(
            "invalid-query",
            format!("statistics query: {}", e.body_text()),
        )
    })?;
    let records = spotcheck_app::statistics::load(st.store.as_ref()).await?;
    let all = spotcheck_app::statistics::statistics(
        &records,
        calendar()?,
        Gate::Live,
        (crate::system_clock())(),
    );
    Ok(Json(
        all.into_iter()
            .filter(|s| q.year.is_none_or(|y| y == s.year))
            .filter(|s| q.department.as_deref().is_none_or(|d| d == s.department))
            .collect(),
    ))
}

/// The current random spot-check item list (seed item 11).
#[utoipa::path(
    get,
    path = "/api/public/items",
    tag = "public",
    responses(
        (status = 200, description = "The current random spot-check item list, free text redacted (empty before one is imported)", body = Vec<CheckItem>),
        crate::error::CommonErrors
    )
)]
async fn items<S: ReadStore>(
    State(st): State<PublicState<S>>,
) -> Result<Json<Vec<CheckItem>>, ApiError> {
    let public = live(&load_items(st.store.as_ref()).await?)?;
    Ok(Json(
        public
            .item_list()
            .map(|v| v.items.clone())
            .unwrap_or_default(),
    ))
}

#[utoipa::path(
    get,
    path = "/api/public/plans",
    tag = "public",
    responses(
        (status = 200, description = "Every committed plan (drafts are not public), title and cancellation reason redacted", body = Vec<Plan>),
        crate::error::CommonErrors
    )
)]
async fn plans<S: ReadStore>(
    State(st): State<PublicState<S>>,
) -> Result<Json<Vec<Plan>>, ApiError> {
    let public = live(&load_plans(st.store.as_ref()).await?)?;
    Ok(Json(public.plans().map(|pr| pr.plan.clone()).collect()))
}

#[utoipa::path(
    get,
    path = "/api/public/plans/{id}",
    tag = "public",
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`")),
    responses(
        (status = 200, description = "The plan and its state, once committed (a draft answers 404), with its commitment's time-stamp tokens", body = PublicPlan),
        crate::error::CommonErrors
    )
)]
async fn plan<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path(id): Path<String>,
) -> Result<Json<PublicPlan>, ApiError> {
    let pr = public_plan(st.store.as_ref(), &id).await?;
    Ok(Json(PublicPlan {
        timestamps: pr
            .commitment
            .is_some()
            .then(|| public_timestamps(&pr.timestamps)),
        plan: pr.plan,
    }))
}

/// A plan as the public sees it: its fields, and (once committed) its time-stamp tokens.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PublicPlan {
    #[serde(flatten)]
    plan: Plan,
    /// The commitment's time-stamp tokens (files under `timestamps/`) and the trust anchors;
    /// absent before the commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamps: Option<PublicTimestamps>,
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
    let c = public_plan(st.store.as_ref(), &id)
        .await?
        .commitment
        .ok_or_else(|| no_plan(&id))?;
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
    let t = public_plan(st.store.as_ref(), &id)
        .await?
        .transcript
        .ok_or_else(|| no_transcript(&id))?;
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

/// The 404 of a draw that did not happen or may not be shown.
fn no_transcript(id: &str) -> ApiError {
    StoreError::NotFound {
        what: "transcript",
        id: id.to_owned(),
    }
    .into()
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
    let (summary, frame) = reads::frame(
        st.store.as_ref(),
        &plan_id(&id)?,
        calendar()?,
        (crate::system_clock())(),
    )
    .await?;
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
    let (summary, pool) = reads::pool(
        st.store.as_ref(),
        &plan_id(&id)?,
        calendar()?,
        (crate::system_clock())(),
    )
    .await?;
    Ok(immutable(
        &headers,
        &summary.root,
        "text/csv; charset=utf-8",
        pool_csv(&pool),
    ))
}

/// The public form of a plan's time-stamp tokens.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PublicTimestamps {
    /// Each obtained token: authority, `genTime`, signer, trust anchor, and its file
    /// (`timestamps/commitment.<authority>.tsr`, a DER `TimeStampResp`).
    tokens: Vec<timestamps::PublicTimestamp>,
    /// The trust anchors the tokens chain to (PEM), at `timestamps/tsa-anchors.pem`; `None`
    /// without a token. A verifier chooses its own anchors: these say which the bureau relied on.
    trust_anchors: Option<String>,
    /// What the tokens prove, or that the publication time rests on the bureau's word alone.
    statement: String,
}

fn public_timestamps(records: &[spotcheck_domain::lifecycle::TimestampRecord]) -> PublicTimestamps {
    let tokens = timestamps::public_timestamps(records);
    let statement = match tokens.iter().min_by_key(|t| t.latest) {
        Some(t) => format!(
            "the commitment existed by {} on the word of {} (RFC 3161 time-stamp by authority {}); check the token with `spotcheck verify` or `openssl ts -verify`",
            t.latest.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            t.signer,
            t.authority
        ),
        None => "no time-stamp token: the commitment's publication time rests on the bureau's word alone".to_owned(),
    };
    PublicTimestamps {
        trust_anchors: (!tokens.is_empty()).then(|| timestamps::ANCHORS_FILE.to_owned()),
        tokens,
        statement,
    }
}

/// The commitment's RFC 3161 time-stamp tokens (docs/draw-spec.md §16), once committed: which
/// authority stamped it when, and where each token and the trust anchors are.
#[utoipa::path(
    get,
    path = "/api/public/plans/{id}/timestamps",
    tag = "public",
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`")),
    responses(
        (status = 200, description = "The obtained tokens (possibly none) and what they prove", body = PublicTimestamps),
        crate::error::CommonErrors
    )
)]
async fn timestamps<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path(id): Path<String>,
) -> Result<Json<PublicTimestamps>, ApiError> {
    let pr = public_plan(st.store.as_ref(), &id).await?;
    if pr.commitment.is_none() {
        return Err(no_plan(&id));
    }
    Ok(Json(public_timestamps(&pr.timestamps)))
}

/// One token, `commitment.<authority>.tsr` (the DER `TimeStampResp` exactly as the authority
/// sent it, `application/timestamp-reply`), or `tsa-anchors.pem` (the trust anchors the tokens
/// chain to).
#[utoipa::path(
    get,
    path = "/api/public/plans/{id}/timestamps/{file}",
    tag = "public",
    params(("id" = PlanId, Path, description = "Plan id, e.g. `PT-2026-001`"),
        ("file" = String, Path, description = "`commitment.<authority>.tsr` or `tsa-anchors.pem`")),
    responses(
        (status = 200, description = "The token (DER) or the anchors (PEM); immutable: strong `ETag`, 304 on `If-None-Match`"),
        (status = 304, description = "Not modified"),
        crate::error::CommonErrors
    )
)]
async fn timestamp_file<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let pr = public_plan(st.store.as_ref(), &id).await?;
    let missing = || {
        ApiError::not_found(format!(
            "plan {id} has no published time-stamp file {file:?}"
        ))
    };
    if file == timestamps::ANCHORS_FILE {
        let pem = timestamps::anchors_pem(&pr.timestamps);
        if pem.is_empty() {
            return Err(missing());
        }
        // Not immutable: a token obtained later may chain to another anchor.
        return Ok((
            [(axum::http::header::CONTENT_TYPE, "application/x-pem-file")],
            pem,
        )
            .into_response());
    }
    let der = timestamps::token_file(&pr.timestamps, &file).ok_or_else(missing)?;
    let digest = spotcheck_domain::encoding::sha256(der);
    Ok(immutable(
        &headers,
        &digest,
        "application/timestamp-reply",
        der.to_vec(),
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
    /// The commitment's time-stamp tokens checked (docs/draw-spec.md §16.3, §16.4).
    timestamps: TimestampVerdict,
    how_to_check_yourself: String,
}

/// What the server found of the commitment's time-stamp tokens.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TimestampVerdict {
    /// Whether a token proves the commitment existed before the deadline.
    proven: bool,
    /// The deadline the tokens had to beat: the promised drand round's time, else `drawn_at`.
    deadline: String,
    /// The verdict in words (without a token: the publication time rests on the bureau's word
    /// alone).
    verdict: String,
    /// Each token: its file, and what it proves or why it does not count.
    tokens: Vec<TokenCheck>,
    /// The trust anchors checked against: the plan's published `tsa-anchors.pem`
    /// (`timestamps/tsa-anchors.pem`); `None` without a token.
    trust_anchors: Option<String>,
}

/// One token's check.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TokenCheck {
    /// `commitment.<authority>.tsr`.
    file: String,
    /// Whether it counts.
    ok: bool,
    /// `genTime`, when it verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    gen_time: Option<String>,
    /// The signer, when it verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    authority: Option<String>,
    /// The `timestamp-…` code of why it does not count.
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    /// Why it does not count, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// Checks the plan's stored tokens against the anchors published with them.
fn timestamp_verdict(
    t: &Transcript,
    records: &[spotcheck_domain::lifecycle::TimestampRecord],
) -> Result<TimestampVerdict, ApiError> {
    let deadline = timestamps::transcript_deadline(t)
        .ok_or_else(|| ApiError::internal("the draw's deadline is out of range"))?;
    let tokens: Vec<(String, Vec<u8>)> = records
        .iter()
        .filter_map(|r| match &r.status {
            spotcheck_domain::lifecycle::TimestampStatus::Obtained { response, .. } => {
                Some((r.file_name(), response.clone()))
            }
            _ => None,
        })
        .collect();
    let anchors = timestamps::anchors_pem(records);
    let assessment = match timestamps::assess_tokens(
        &tokens,
        &t.commitment_hash,
        deadline,
        &anchors,
    ) {
        Ok(a) => a,
        Err(e) => {
            return Ok(TimestampVerdict {
                proven: false,
                deadline: deadline.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                verdict: format!(
                    "the tokens could not be checked ({e}): the commitment's publication time rests on the bureau's word alone"
                ),
                tokens: tokens
                    .iter()
                    .map(|(file, _)| TokenCheck {
                        file: file.clone(),
                        ok: false,
                        gen_time: None,
                        authority: None,
                        code: Some(e.code().to_owned()),
                        reason: Some(e.to_string()),
                    })
                    .collect(),
                trust_anchors: Some(timestamps::ANCHORS_FILE.to_owned()),
            });
        }
    };
    let checks = assessment
        .outcomes
        .iter()
        .map(|o| match &o.result {
            Ok(s) => TokenCheck {
                file: o.label.clone(),
                ok: true,
                gen_time: Some(
                    s.gen_time
                        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                ),
                authority: Some(s.authority.clone()),
                code: None,
                reason: None,
            },
            Err(e) => TokenCheck {
                file: o.label.clone(),
                ok: false,
                gen_time: None,
                authority: None,
                code: Some(e.code().to_owned()),
                reason: Some(e.to_string()),
            },
        })
        .collect();
    Ok(TimestampVerdict {
        proven: assessment.proven().is_some(),
        deadline: deadline.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        verdict: assessment.summary(),
        tokens: checks,
        trust_anchors: (!tokens.is_empty()).then(|| timestamps::ANCHORS_FILE.to_owned()),
    })
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
    let (t, frame, pool) = reads::draw(
        st.store.as_ref(),
        &pid,
        calendar()?,
        (crate::system_clock())(),
    )
    .await?;
    let outcome = verify(&t, &frame, &pool);
    let records: Vec<_> = st
        .store
        .list_timestamps(&pid)
        .await?
        .into_iter()
        .filter(spotcheck_domain::lifecycle::TimestampRecord::is_obtained)
        .collect();
    let body = Verification {
        plan: pid.to_string(),
        verified: outcome.is_ok(),
        checks: CHECKS.to_vec(),
        failed_field: outcome.as_ref().err().map(|e| e.field().to_owned()),
        failure: outcome.as_ref().err().map(ToString::to_string),
        timestamps: timestamp_verdict(&t, &records)?,
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
    let (_, frame) = reads::frame(
        st.store.as_ref(),
        &plan_id(&id)?,
        calendar()?,
        (crate::system_clock())(),
    )
    .await?;
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
        (status = 200, description = "Recorded inspection results, once approved for publication, findings and follow-up redacted", body = Vec<InspectionResult>),
        crate::error::CommonErrors
    )
)]
async fn results<S: ReadStore>(
    State(st): State<PublicState<S>>,
    Path(id): Path<String>,
) -> Result<Json<Vec<InspectionResult>>, ApiError> {
    Ok(Json(public_plan(st.store.as_ref(), &id).await?.results))
}

/// Penalty decisions that may be published now: approved, never those involving minors, never
/// changed, revoked, confirmed void or credit-repaired (taken down at once; `changes` is always
/// empty), not past their publication period; free text redacted.
#[utoipa::path(
    get,
    path = "/api/public/penalties",
    tag = "public",
    responses(
        (status = 200, description = "The penalty decisions currently published: approved, not involving a minor, not changed, revoked or credit-repaired, not expired; free text redacted", body = Vec<PenaltyRecord>),
        crate::error::CommonErrors
    )
)]
async fn penalties<S: ReadStore>(
    State(st): State<PublicState<S>>,
) -> Result<Json<Vec<PenaltyRecord>>, ApiError> {
    let public = live(&load_penalties(st.store.as_ref()).await?)?;
    Ok(Json(public.decisions().cloned().collect()))
}
