//! A registry's snapshot history (`GET /api/registries/{kind}/snapshots`): every import that
//! became a snapshot, newest first, paged backwards with `before` and bounded by `limit`.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use spotcheck_app::history::{self, SnapshotHistory};
use spotcheck_domain::registry::RegistryKind;

use super::inspector::WriteStore;
use crate::InspectorState;
use crate::auth::Principal;
use crate::error::ApiError;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct HistoryQuery {
    /// Only snapshots numbered below this one: the next page back (a page's `next_before`).
    #[serde(default)]
    before: Option<u64>,
    /// How many snapshots, 1–100 (default 20).
    #[serde(default)]
    limit: Option<usize>,
}

/// The snapshots of a registry, newest first (any staff role): number, hash, record count, when
/// and by whom each was imported.
#[utoipa::path(
    get,
    path = "/api/registries/{kind}/snapshots",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("kind" = RegistryKind, Path, description = "Which registry"),
        HistoryQuery
    ),
    responses(
        (status = 200, description = "A page of the registry's snapshots, newest first; `next_before` is the `before` of the next page. 422 `invalid-query` for a limit outside 1–100 or a `before` of 0; 400 `invalid-query` for a query that does not parse.", body = SnapshotHistory),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn list<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    Path(kind): Path<String>,
    query: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SnapshotHistory>, ApiError> {
    let kind = crate::large_upload::parse_kind(&kind)
        .map_err(|e| ApiError::bad_request("invalid-path", e))?;
    let Query(q) = query.map_err(|e| {
        ApiError::bad_request(
            "invalid-query",
            format!("snapshots query: {}", e.body_text()),
        )
    })?;
    Ok(Json(
        history::snapshot_history(&*st.store, &principal.staff()?, kind, q.before, q.limit).await?,
    ))
}
