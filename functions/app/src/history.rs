//! A registry's snapshot history for staff: every import that became a snapshot, newest first,
//! paged backwards and bounded.

use serde::Serialize;
use spotcheck_domain::registry::RegistryKind;
use spotcheck_domain::store::RegistryReader;
use spotcheck_domain::time::Timestamp;

use crate::AppError;
use crate::staff::Staff;

/// The most snapshots one page lists.
pub const HISTORY_MAX: usize = 100;
/// How many a page lists when the caller does not say.
pub const HISTORY_DEFAULT: usize = 20;

/// One snapshot of a registry's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotHistoryEntry {
    /// Its number (1, 2, … per registry).
    pub number: u64,
    /// Canonical hash of its records.
    pub hash: String,
    /// Number of records.
    pub records: u64,
    /// When it was stored.
    pub stored_at: Timestamp,
    /// Who imported it (their staff id), when the store knows.
    pub stored_by: Option<String>,
}

/// A page of a registry's snapshot history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotHistory {
    /// The snapshots, newest first.
    pub snapshots: Vec<SnapshotHistoryEntry>,
    /// The `before` of the next (older) page; absent on the last page.
    pub next_before: Option<u64>,
}

/// Up to `limit` (1–[`HISTORY_MAX`], default [`HISTORY_DEFAULT`]) snapshots of `kind` numbered
/// below `before`, newest first (any staff role: the registries are shared).
///
/// # Errors
/// 403 without a staff role; 422 `invalid-query` for a limit of 0 or above [`HISTORY_MAX`], or a
/// `before` of 0.
pub async fn snapshot_history<S: RegistryReader>(
    store: &S,
    staff: &Staff,
    kind: RegistryKind,
    before: Option<u64>,
    limit: Option<usize>,
) -> Result<SnapshotHistory, AppError> {
    if staff.roles.is_empty() {
        return Err(AppError::forbidden(
            "missing-role",
            "reading a registry's history needs a staff role",
        ));
    }
    let limit = limit.unwrap_or(HISTORY_DEFAULT);
    if limit == 0 || limit > HISTORY_MAX {
        return Err(AppError::validation(
            "invalid-query",
            format!("limit: {limit} is not between 1 and {HISTORY_MAX}"),
        ));
    }
    if before == Some(0) {
        return Err(AppError::validation(
            "invalid-query",
            "before: snapshot numbers start at 1",
        ));
    }
    // One more than asked tells whether an older page exists.
    let mut found = store.list_snapshots(kind, before, limit + 1).await?;
    let more = found.len() > limit;
    found.truncate(limit);
    let next_before = if more {
        found.last().map(|e| e.info.number)
    } else {
        None
    };
    Ok(SnapshotHistory {
        snapshots: found
            .into_iter()
            .map(|e| SnapshotHistoryEntry {
                number: e.info.number,
                hash: e.info.hash.to_string(),
                records: e.info.records,
                stored_at: e.info.stored_at,
                stored_by: e.stored_by.map(|a| a.as_str().to_owned()),
            })
            .collect(),
        next_before,
    })
}
