//! `GET /api/public/audit-head`: the audit log's head as the newest publication run published it
//! (the same document as the site's `audit-head.json`, plus when it was published). Whoever keeps
//! a copy can later run `spotcheck audit verify --against-head <copy or this URL>`: a log cut short
//! or rewound no longer holds that entry with that hash.
//!
//! The public function may not read the audit log itself (its partition holds who did what); it
//! reads the public copy each publication run records
//! ([`spotcheck_domain::store::PublishedHeadReader`]).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use spotcheck_domain::store::ReadStore;

use crate::PublicState;
use crate::error::ApiError;

/// The format name, shared with the site's `audit-head.json`.
pub const FORMAT: &str = "spotcheck-audit-head/1";

/// The published head.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AuditHeadDoc {
    /// `spotcheck-audit-head/1`.
    format: &'static str,
    /// The head (`null` before the first publication run that found a non-empty log).
    #[schema(value_type = Option<Object>, example = json!({"seq": 42, "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}))]
    head: Option<spotcheck_domain::lifecycle::AuditHead>,
    /// When the run published it.
    #[schema(value_type = Option<String>, example = "2026-11-26T01:00:00Z")]
    published_at: Option<spotcheck_domain::time::Timestamp>,
}

/// The audit log's head (`seq`, `hash`) as the newest publication run published it.
#[utoipa::path(
    get,
    path = "/api/public/audit-head",
    tag = "public",
    responses(
        (status = 200, description = "The head the newest publication run published (`head` is null before any); keep it and check it later with `spotcheck audit verify --against-head`", body = AuditHeadDoc),
        crate::error::CommonErrors
    )
)]
pub(crate) async fn audit_head<S: ReadStore>(
    State(st): State<PublicState<S>>,
) -> Result<Response, ApiError> {
    let published = st.store.published_head().await?;
    let mut resp = Json(AuditHeadDoc {
        format: FORMAT,
        head: published.map(|p| p.head),
        published_at: published.map(|p| p.published_at),
    })
    .into_response();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(resp)
}
