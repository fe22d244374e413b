//! Large registry files (the direct route, `POST /api/registries/{kind}`, takes up to
//! [`crate::UPLOAD_BODY_LIMIT`]): `POST /api/registries/{kind}/uploads` hands out a presigned `PUT`
//! URL into the upload bucket and records the request; the importer function imports the file
//! when it lands and records the outcome; `GET /api/registries/{kind}/uploads/{upload_id}` reads
//! it. Registrar only, like the direct route; an upload is visible only to the department it was made
//! for. Without an upload bucket (`spotcheck serve`) both routes answer 404 (`large-uploads-unavailable`: the
//! route does not exist on this deployment, and there is no upload to read) with a problem
//! document that points at the direct route. See [`crate::large_upload`].

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use spotcheck_domain::registry::{RegistryKind, RowError};
use spotcheck_domain::time::Timestamp;

use crate::auth::{Authenticator, HasAuthenticator, Principal};
use crate::error::ApiError;
use crate::extract::StrictJson;
use crate::large_upload::{
    BucketError, MAX_UPLOAD_BYTES, Outcome, OutcomeResult, UPLOAD_URL_LIFETIME, UploadBucket,
    UploadId, UploadRequest, parse_kind,
};
use crate::{Clock, UPLOAD_BODY_LIMIT};

/// What the upload handlers hold.
#[derive(Clone)]
pub struct UploadState {
    /// Who is calling.
    pub auth: Authenticator,
    /// Now.
    pub clock: Clock,
    /// The upload bucket; `None` where there is none (the local server).
    pub bucket: Option<Arc<dyn UploadBucket>>,
}

impl HasAuthenticator for UploadState {
    fn authenticator(&self) -> &Authenticator {
        &self.auth
    }
}

/// The upload routes (full paths, under `/api`).
pub fn router() -> Router<UploadState> {
    Router::new()
        .route("/api/registries/{kind}/uploads", post(request_upload))
        .route(
            "/api/registries/{kind}/uploads/{upload_id}",
            get(upload_status),
        )
}

fn bucket(st: &UploadState) -> Result<&dyn UploadBucket, ApiError> {
    st.bucket.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "large-uploads-unavailable",
            format!(
                "large registry files go through S3 and the importer function, which only the AWS deployment has; \
                 here, send the file itself with POST /api/registries/{{kind}} (up to {} MiB)",
                UPLOAD_BODY_LIMIT / (1024 * 1024)
            ),
        )
    })
}

fn kind_from_path(kind: &str) -> Result<RegistryKind, ApiError> {
    parse_kind(kind).map_err(|e| ApiError::bad_request("invalid-path", e))
}

fn bucket_error(e: BucketError) -> ApiError {
    ApiError::unavailable(e)
}

/// What a client sends to ask for an upload URL.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UploadBody {
    /// The file's name (error reports name it; `.xlsx` selects the spreadsheet reader).
    file_name: String,
}

/// Where and how to send the file.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UploadTicket {
    upload_id: String,
    /// `PUT`.
    method: String,
    /// The presigned URL: send the file as the request body.
    url: String,
    /// Headers the `PUT` must carry (often none).
    headers: std::collections::BTreeMap<String, String>,
    /// When the URL stops working.
    #[schema(value_type = String, example = "2026-11-26T08:45:00Z")]
    expires_at: Timestamp,
    /// Largest file the importer accepts, in bytes.
    max_bytes: u64,
    /// Where to read the outcome.
    status_url: String,
}

/// Asks for a presigned URL to upload a large registry file; the importer imports it once it has
/// arrived. Registrar only.
#[utoipa::path(
    post,
    path = "/api/registries/{kind}/uploads",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("kind" = RegistryKind, Path, description = "Which registry"),
        ("Idempotency-Key" = Option<String>, Header, description = "1-128 characters from `A-Z a-z 0-9 . _ - : /`; a retry with the same key returns the same upload id (with a fresh URL). Without one, every request is a new upload.")
    ),
    request_body(content = UploadBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Send the file with `method` to `url` with `headers` before `expires_at`, then poll `status_url`", body = UploadTicket),
        (status = 404, description = "No upload bucket here (the local server; code `large-uploads-unavailable`): send the file with `POST /api/registries/{kind}`", content_type = "application/problem+json"),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn request_upload(
    State(st): State<UploadState>,
    principal: Principal,
    headers: HeaderMap,
    Path(kind): Path<String>,
    StrictJson(body): StrictJson<UploadBody>,
) -> Result<Response, ApiError> {
    principal.staff()?.require(spotcheck_app::Role::Registrar)?;
    let kind = kind_from_path(&kind)?;
    let bucket = bucket(&st)?;
    let file_name = body.file_name.trim();
    if file_name.is_empty()
        || file_name.len() > 255
        || file_name.chars().any(|c| c.is_control() || c == '/')
    {
        return Err(ApiError::bad_request(
            "invalid-file-name",
            "file_name must be 1-255 bytes without '/' or control characters, e.g. guides.csv",
        ));
    }
    let upload_id = upload_id(&headers, &principal, kind)?;
    let now = (st.clock)();
    let expires_at = Timestamp::from_unix(now.unix() + UPLOAD_URL_LIFETIME.as_secs() as i64);
    let request = UploadRequest {
        upload_id: upload_id.clone(),
        kind,
        department: principal.department.to_string(),
        file_name: file_name.to_owned(),
        requested_by: principal.subject.clone(),
        requested_at: now,
        expires_at,
    };
    let record = serde_json::to_vec(&request).map_err(ApiError::internal)?;
    // The request is recorded before the URL exists, so the importer always finds it.
    bucket
        .put_json(&upload_id.request_key(), record)
        .await
        .map_err(bucket_error)?;
    let key = request.key().to_string();
    let presigned = bucket
        .presign_put(&key, UPLOAD_URL_LIFETIME)
        .await
        .map_err(bucket_error)?;
    tracing::info!(upload_id = %upload_id, kind = kind.code(), "upload URL issued");
    Ok((
        StatusCode::CREATED,
        Json(UploadTicket {
            status_url: format!("/api/registries/{}/uploads/{upload_id}", kind.code()),
            upload_id: upload_id.to_string(),
            method: presigned.method,
            url: presigned.url,
            headers: presigned.headers.into_iter().collect(),
            expires_at,
            max_bytes: MAX_UPLOAD_BYTES,
        }),
    )
        .into_response())
}

/// The upload id: derived from the caller, the registry and the `Idempotency-Key` when there is
/// one (so a retry names the same upload), otherwise random.
fn upload_id(
    headers: &HeaderMap,
    principal: &Principal,
    kind: RegistryKind,
) -> Result<UploadId, ApiError> {
    let Some(v) = headers.get("idempotency-key") else {
        return UploadId::random().map_err(ApiError::internal);
    };
    let key: spotcheck_domain::lifecycle::IdempotencyKey = v
        .to_str()
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid-idempotency-key",
                "Idempotency-Key must be 1-128 characters from A-Z a-z 0-9 . _ - : /",
            )
        })?;
    let mut h = Sha256::new();
    for part in [
        principal.subject.as_bytes(),
        kind.code().as_bytes(),
        key.as_str().as_bytes(),
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    let digest = h.finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    Ok(UploadId::from_bytes(id))
}

/// Where an upload stands.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum UploadPhase {
    /// The file has not arrived or is being imported.
    Pending,
    /// Imported as a snapshot.
    Succeeded,
    /// Nothing was imported; `errors` lists the bad rows (the first 1,000; `error_count` counts all).
    Failed,
}

/// One bad row of a failed upload.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UploadRowError {
    file: String,
    /// As a spreadsheet numbers it: the header is row 1.
    row: u64,
    column: String,
    value: String,
    /// e.g. `bad_check_character` (docs/registries.md).
    kind: String,
    reason: String,
}

impl From<RowError> for UploadRowError {
    fn from(e: RowError) -> Self {
        Self {
            file: e.file,
            row: e.row,
            column: e.column,
            value: e.value,
            kind: e.kind.code().to_owned(),
            reason: e.reason,
        }
    }
}

/// The snapshot a successful upload became.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UploadSnapshot {
    number: u64,
    hash: String,
    records: u64,
}

/// An upload's status.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UploadStatus {
    upload_id: String,
    kind: RegistryKind,
    file_name: String,
    status: UploadPhase,
    /// When the upload URL stops (or stopped) working; a pending upload past it never arrived.
    #[schema(value_type = Option<String>)]
    upload_expires_at: Option<Timestamp>,
    /// When the importer finished.
    #[schema(value_type = Option<String>)]
    finished_at: Option<Timestamp>,
    /// Succeeded: the snapshot.
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot: Option<UploadSnapshot>,
    /// Failed: what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// Failed: how many bad rows in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    error_count: Option<usize>,
    /// Failed: the bad rows (every one, or the first 1,000 when `errors_url` is given).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<UploadRowError>,
    /// Failed with more than 1,000 bad rows: a link (valid 15 minutes) to a JSON array of every one.
    #[serde(skip_serializing_if = "Option::is_none")]
    errors_url: Option<String>,
}

/// The status of a large upload: pending, succeeded (with the snapshot) or failed (with every
/// bad row). Registrar only; only the department the upload was made for sees it.
#[utoipa::path(
    get,
    path = "/api/registries/{kind}/uploads/{upload_id}",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("kind" = RegistryKind, Path, description = "Which registry"),
        ("upload_id" = String, Path, description = "The id `POST /api/registries/{kind}/uploads` returned")
    ),
    responses(
        (status = 200, description = "Pending, succeeded or failed", body = UploadStatus),
        (status = 404, description = "No such upload, or no upload bucket here (the local server; code `large-uploads-unavailable`)", content_type = "application/problem+json"),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn upload_status(
    State(st): State<UploadState>,
    principal: Principal,
    Path((kind, upload_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    principal.staff()?.require(spotcheck_app::Role::Registrar)?;
    let kind = kind_from_path(&kind)?;
    let bucket = bucket(&st)?;
    let id: UploadId = upload_id
        .parse()
        .map_err(|e: String| ApiError::bad_request("invalid-path", e))?;
    let department = principal.department.to_string();
    let not_found = || {
        ApiError::not_found(format!(
            "no {} upload {id} for your department",
            kind.code()
        ))
    };
    let read = |key: String| async move {
        bucket
            .get(&key, 64 * 1024 * 1024)
            .await
            .map_err(bucket_error)
    };
    if let Some(bytes) = read(id.outcome_key()).await? {
        let outcome: Outcome = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::internal(format!("{}: {e}", id.outcome_key())))?;
        if outcome.department != department || outcome.kind != kind {
            return Err(not_found());
        }
        let request: Option<UploadRequest> = read(id.request_key())
            .await?
            .and_then(|b| serde_json::from_slice(&b).ok());
        let mut status = UploadStatus {
            upload_id: id.to_string(),
            kind,
            file_name: outcome.file_name,
            status: UploadPhase::Pending,
            upload_expires_at: request.map(|r| r.expires_at),
            finished_at: Some(outcome.finished_at),
            snapshot: None,
            reason: None,
            error_count: None,
            errors: Vec::new(),
            errors_url: None,
        };
        match outcome.result {
            OutcomeResult::Succeeded {
                number,
                hash,
                records,
            } => {
                status.status = UploadPhase::Succeeded;
                status.snapshot = Some(UploadSnapshot {
                    number,
                    hash,
                    records,
                });
            }
            OutcomeResult::Failed {
                reason,
                error_count,
                errors,
            } => {
                if error_count > errors.len() {
                    let all = bucket
                        .presign_get(&id.errors_key(), UPLOAD_URL_LIFETIME)
                        .await
                        .map_err(bucket_error)?;
                    status.errors_url = Some(all.url);
                }
                status.status = UploadPhase::Failed;
                status.reason = Some(reason);
                status.error_count = Some(error_count);
                status.errors = errors.into_iter().map(UploadRowError::from).collect();
            }
        }
        return Ok(Json(status).into_response());
    }
    let Some(bytes) = read(id.request_key()).await? else {
        return Err(not_found());
    };
    let request: UploadRequest = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::internal(format!("{}: {e}", id.request_key())))?;
    if request.department != department || request.kind != kind {
        return Err(not_found());
    }
    Ok(Json(UploadStatus {
        upload_id: id.to_string(),
        kind,
        file_name: request.file_name,
        status: UploadPhase::Pending,
        upload_expires_at: Some(request.expires_at),
        finished_at: None,
        snapshot: None,
        reason: None,
        error_count: None,
        errors: Vec::new(),
        errors_url: None,
    })
    .into_response())
}

/// The problem document of a refused registry file: the common fields, and for
/// `invalid-registry` the first problems (row, field, reason) and their total.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RegistryProblem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    kind: String,
    /// The HTTP status's reason phrase.
    title: String,
    /// The HTTP status code.
    status: u16,
    /// What went wrong and what to fix.
    detail: String,
    /// A stable machine-readable code: `invalid-registry`, `empty-registry`.
    code: String,
    /// The first problems (at most 1,000), by row.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<RegistryRowProblem>,
    /// How many problems the file has in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<usize>,
    /// When `total` is more than `errors` lists: the full report's id…
    #[serde(skip_serializing_if = "Option::is_none")]
    report_id: Option<String>,
    /// …and where to download it (CSV of every problem; only you can, until it expires).
    #[serde(skip_serializing_if = "Option::is_none")]
    report_url: Option<String>,
}

/// One problem of a refused registry file.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RegistryRowProblem {
    /// 1-based spreadsheet row (the header is row 1).
    row: u64,
    /// The column's canonical name; empty for a whole-row or whole-file problem.
    field: String,
    /// What is wrong.
    reason: String,
}

/// The response for an error of the registry-import use case: a 422 with its row problems listed,
/// any other error as every route maps it.
/// When a full report was kept, it is named (`(report_id, report_url)`).
pub(crate) fn registry_error(
    e: spotcheck_app::AppError,
    report: Option<(String, String)>,
) -> Response {
    let Some(problems) = e.problems().cloned() else {
        return ApiError::from(e).into_response();
    };
    let api = ApiError::from(e);
    let body = RegistryProblem {
        kind: format!("https://spotcheck.invalid/problems/{}", api.code()),
        title: api
            .status()
            .canonical_reason()
            .unwrap_or("Error")
            .to_owned(),
        status: api.status().as_u16(),
        detail: api.detail().to_owned(),
        code: api.code().to_owned(),
        errors: problems
            .errors
            .into_iter()
            .map(|p| RegistryRowProblem {
                row: p.row,
                reason: spotcheck_app::registry::RowProblems::reason(&p),
                field: p.column,
            })
            .collect(),
        total: Some(problems.total),
        report_id: report.as_ref().map(|r| r.0.clone()),
        report_url: report.map(|r| r.1),
    };
    let mut resp = (api.status(), Json(body)).into_response();
    resp.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/problem+json"),
    );
    resp
}
