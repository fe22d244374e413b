//! The history of a registry's snapshots, newest first; who stored each is read from its
//! `snapshot_stored` audit entry (the entry's actor), written in the same transaction.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use spotcheck_domain::lifecycle::Actor;
use spotcheck_domain::registry::RegistryKind;
use spotcheck_domain::store::{SnapshotEntry, StoreError, StoreResult};

use super::{snapshot_info, translate};
use crate::common::subject;

/// Up to `limit` snapshots of `kind` numbered below `before`, newest first.
pub(super) fn list(
    c: &Connection,
    kind: RegistryKind,
    before: Option<u64>,
    limit: usize,
) -> StoreResult<Vec<SnapshotEntry>> {
    let below = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
    let numbers: Vec<i64> = c
        .prepare_cached(
            "SELECT number FROM snapshots WHERE kind = ?1 AND number < ?2 ORDER BY number DESC LIMIT ?3",
        )
        .map_err(translate)?
        .query_map(
            params![kind.code(), below, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| r.get(0),
        )
        .map_err(translate)?
        .collect::<Result<_, _>>()
        .map_err(translate)?;
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let mut actors: HashMap<String, String> = HashMap::new();
    let mut stmt = c
        .prepare_cached(
            "SELECT json_extract(doc, '$.subject'), json_extract(doc, '$.actor') FROM audit_log \
             WHERE json_extract(doc, '$.action') = 'snapshot_stored' \
             AND json_extract(doc, '$.subject') LIKE ?1",
        )
        .map_err(translate)?;
    let rows = stmt
        .query_map([format!("snapshot:{}/%", kind.code())], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(translate)?;
    for row in rows {
        let (subj, actor) = row.map_err(translate)?;
        actors.entry(subj).or_insert(actor);
    }
    let mut out = Vec::with_capacity(numbers.len());
    for n in numbers {
        let number = n as u64;
        let info = snapshot_info(c, kind, number)?.ok_or_else(|| StoreError::NotFound {
            what: "snapshot",
            id: format!("{kind}/{number}"),
        })?;
        let stored_by = actors
            .get(&subject("snapshot", format!("{kind}/{number}")))
            .map(|a| a.parse::<Actor>())
            .transpose()
            .map_err(|e| StoreError::Corrupt {
                what: "audit log",
                reason: format!("the actor of snapshot {kind}/{number}: {e}"),
            })?;
        out.push(SnapshotEntry { info, stored_by });
    }
    Ok(out)
}
