//! RFC 9457 problem details: every error the API returns, with a stable `code`.
//!
//! 4xx responses say what to fix; 5xx responses say nothing internal (the cause is logged).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error response: `application/problem+json` with `type`, `title`, `status`, `detail`, `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
}

/// The body of every error response (RFC 9457 problem details, `application/problem+json`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `https://spotcheck.invalid/problems/<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status's reason phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong and, for 4xx, what to fix.
    pub detail: String,
    /// A stable machine-readable code, e.g. `invalid-json`, `already-drawn`, `forbidden`.
    pub code: String,
}

/// The error responses every route may give, for the OpenAPI document.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum CommonErrors {
    /// 400.
    #[response(
        status = 400,
        description = "Malformed request (path, header or body); `detail` says what to fix",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    /// 404.
    #[response(
        status = 404,
        description = "No such resource",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    /// 5xx.
    #[response(
        status = "5XX",
        description = "Server or store failure; nothing internal is said",
        content_type = "application/problem+json"
    )]
    Server(Problem),
}

/// The further error responses of authenticated routes, for the OpenAPI document.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum AuthErrors {
    /// 401.
    #[response(
        status = 401,
        description = "Missing, expired or wrongly signed token",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    /// 403.
    #[response(
        status = 403,
        description = "Role or department does not allow this",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    /// 409.
    #[response(
        status = 409,
        description = "The resource's state forbids this (e.g. already drawn)",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    /// 413.
    #[response(
        status = 413,
        description = "Body too large",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    /// 415.
    #[response(
        status = 415,
        description = "Body is not `application/json`",
        content_type = "application/problem+json"
    )]
    UnsupportedMediaType(Problem),
    /// 422.
    #[response(
        status = 422,
        description = "Well-formed but unacceptable (e.g. an infeasible draw)",
        content_type = "application/problem+json"
    )]
    Unprocessable(Problem),
}

impl ApiError {
    /// An error with this status, stable code and user-facing detail.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
        }
    }

    /// 400: the request is malformed; `detail` says what to fix.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    /// 401: no or invalid credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// 403: authenticated but not allowed.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// 404: no such resource.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// 409: the resource's state forbids this.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// 422: well-formed but unacceptable (e.g. an infeasible draw).
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }

    /// 500 or 503: logs `cause`, tells the client nothing internal.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server could not complete the request; it has been logged",
        )
    }

    /// 503 for a store that is temporarily unavailable; logs `cause`.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        tracing::warn!(error = %cause, "store unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the service is temporarily unavailable; retry with the same Idempotency-Key",
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The human-readable detail.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: format!("https://spotcheck.invalid/problems/{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_owned(),
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut resp = (self.status, bytes).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

impl From<spotcheck_app::AppError> for ApiError {
    fn from(e: spotcheck_app::AppError) -> Self {
        use spotcheck_app::error::ErrorKind as K;
        let status = match e.kind() {
            K::Validation => StatusCode::UNPROCESSABLE_ENTITY,
            K::Conflict => StatusCode::CONFLICT,
            K::Forbidden => StatusCode::FORBIDDEN,
            K::NotFound => StatusCode::NOT_FOUND,
            K::Unavailable => return ApiError::unavailable(e),
            K::Internal => return ApiError::internal(e),
        };
        ApiError::new(status, e.code(), e.message())
    }
}

impl From<spotcheck_domain::draw::DrawError> for ApiError {
    fn from(e: spotcheck_domain::draw::DrawError) -> Self {
        spotcheck_app::AppError::from(e).into()
    }
}

impl From<spotcheck_domain::store::StoreError> for ApiError {
    fn from(e: spotcheck_domain::store::StoreError) -> Self {
        spotcheck_app::AppError::from(e).into()
    }
}

impl From<spotcheck_domain::lifecycle::LifecycleError> for ApiError {
    fn from(e: spotcheck_domain::lifecycle::LifecycleError) -> Self {
        spotcheck_app::AppError::from(e).into()
    }
}
