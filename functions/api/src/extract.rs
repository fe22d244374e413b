//! Request extractors with problem+json rejections: strict JSON bodies and write metadata.

use axum::extract::{FromRequest, Request};
use axum::http::HeaderMap;
use serde::de::DeserializeOwned;
use sha2::{Digest as _, Sha256};
use spotcheck_domain::lifecycle::{Actor, IdempotencyKey, WriteMeta};
use spotcheck_domain::time::Timestamp;

use crate::auth::Principal;
use crate::error::ApiError;

/// A JSON body parsed strictly (the target types reject unknown fields); every failure is a 400 or
/// 415 that says what to fix, with the line and column for syntax errors.
pub struct StrictJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for StrictJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send the body as Content-Type: application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(e.status(), "bad-body", e.body_text()))?;
        serde_json::from_slice(&bytes).map(StrictJson).map_err(|e| {
            ApiError::bad_request(
                "invalid-json",
                format!(
                    "request body, line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ),
            )
        })
    }
}

/// Write metadata for a request: the caller as actor, now, and the idempotency key under which the
/// store recognises a retry.
///
/// The key is scoped to the caller and the route: the stored key is a hash of the caller's
/// subject and department, the route (with its path parameters) and the client's
/// `Idempotency-Key` — or, without one, the request body, so that an identical plain retry is
/// recognised too. No caller can therefore claim or predict another caller's key: the same
/// client key sent by two people, or to two routes, names two different requests.
pub fn write_meta(
    headers: &HeaderMap,
    principal: &Principal,
    route: &str,
    body: &[u8],
    at: Timestamp,
) -> Result<WriteMeta, ApiError> {
    let client: Option<String> = match headers.get("idempotency-key") {
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<IdempotencyKey>().ok())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid-idempotency-key",
                        "Idempotency-Key must be 1-128 characters from A-Z a-z 0-9 . _ - : /",
                    )
                })?
                .to_string(),
        ),
        None => None,
    };
    let mut h = Sha256::new();
    let parts: [&[u8]; 6] = [
        b"spotcheck/v1/idempotency",
        principal.subject.as_bytes(),
        principal.department.as_str().as_bytes(),
        route.as_bytes(),
        if client.is_some() {
            &b"key"[..]
        } else {
            &b"body"[..]
        },
        client.as_deref().map_or(body, str::as_bytes),
    ];
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    let key: IdempotencyKey = format!("s:{}", hex::encode(h.finalize()))
        .parse()
        .map_err(|e| ApiError::internal(format!("derived key: {e}")))?;
    let actor: Actor = principal
        .subject
        .parse()
        .map_err(|e| ApiError::bad_request("invalid-subject", format!("token subject: {e}")))?;
    Ok(WriteMeta::new(key, actor, at))
}
