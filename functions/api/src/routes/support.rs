//! Small pieces shared by handlers: path parsing, immutable responses, CSV downloads.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use spotcheck_domain::ids::{Digest, PlanId};

use crate::error::ApiError;

/// Parses a plan id from the path with a 400 that says what is wrong.
pub fn plan_id(raw: &str) -> Result<PlanId, ApiError> {
    raw.parse()
        .map_err(|e| ApiError::bad_request("invalid-path", format!("plan id: {e}")))
}

/// A response for an immutable record: strong `ETag` (its digest), a year of caching, and 304 when
/// the client already has it.
pub fn immutable(
    request_headers: &HeaderMap,
    etag: &Digest,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response {
    match etag_value(etag) {
        Some(tag) => immutable_tagged(request_headers, tag, content_type, body.into()),
        None => (StatusCode::OK, body.into()).into_response(),
    }
}

/// The strong `ETag` header value of a digest.
pub fn etag_value(etag: &Digest) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("\"{etag}\"")).ok()
}

/// [`immutable`] with the `ETag` header value already built (the cached path).
pub fn immutable_tagged(
    request_headers: &HeaderMap,
    tag: HeaderValue,
    content_type: &'static str,
    body: Bytes,
) -> Response {
    let matches = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().as_bytes() == tag.as_bytes() || t.trim() == "*")
        });
    let mut resp = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, body).into_response()
    };
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::ETAG, tag);
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    resp
}

// The frame and pool files as published: one writer, shared with the site (their cells are the
// committed ids, so they are not formula-neutralised; see `spotcheck_app::public`).
pub use spotcheck_app::public::{frame_csv, pool_csv};
