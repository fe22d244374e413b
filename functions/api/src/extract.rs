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

/// Write metadata for a request: the `Idempotency-Key` header if given, otherwise a key derived
/// from the caller, the route and the body (so an identical retry is recognised as one); the caller
/// as actor; now.
pub fn write_meta(
    headers: &HeaderMap,
    principal: &Principal,
    route: &str,
    body: &[u8],
    at: Timestamp,
) -> Result<WriteMeta, ApiError> {
    let key: IdempotencyKey = match headers.get("idempotency-key") {
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid-idempotency-key",
                    "Idempotency-Key must be 1-128 characters from A-Z a-z 0-9 . _ - : /",
                )
            })?,
        None => {
            let mut h = Sha256::new();
            for part in [principal.subject.as_bytes(), route.as_bytes(), body] {
                h.update((part.len() as u64).to_be_bytes());
                h.update(part);
            }
            format!("auto:{}", hex::encode(h.finalize()))
                .parse()
                .map_err(|e| ApiError::internal(format!("derived key: {e}")))?
        }
    };
    let actor: Actor = principal
        .subject
        .parse()
        .map_err(|e| ApiError::bad_request("invalid-subject", format!("token subject: {e}")))?;
    Ok(WriteMeta::new(key, actor, at))
}

/// Derives the key of a sub-step of one request (`…:frame`, `…:pool`), so a retried request
/// replays every step idempotently.
pub fn sub_meta(meta: &WriteMeta, step: &str) -> Result<WriteMeta, ApiError> {
    let raw = format!("{}:{step}", meta.key);
    let key: IdempotencyKey = if raw.len() <= 128 {
        raw.parse()
    } else {
        format!("h:{}", hex::encode(Sha256::digest(raw.as_bytes()))).parse()
    }
    .map_err(|e| ApiError::internal(format!("derived key: {e}")))?;
    Ok(WriteMeta::new(key, meta.actor.clone(), meta.at))
}
