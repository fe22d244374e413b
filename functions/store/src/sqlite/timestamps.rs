//! Time-stamp records beside the commitments (table `timestamps`, migration 3): one row per plan
//! and authority; a pending or failed row is replaced by the next attempt, an obtained one is
//! final (the domain's rule, and a trigger).

use rusqlite::{OptionalExtension, params};
use spotcheck_domain::ids::PlanId;
use spotcheck_domain::lifecycle::{AuditAction, TimestampRecord, WriteMeta};
use spotcheck_domain::store::{StoreError, StoreResult, TimestampReader, TimestampWriter};
use tracing::instrument;

use super::{SqliteStore, audit, translate};
use crate::common::{from_json, payload_digest, request_digest, subject, to_json};

impl TimestampReader for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn list_timestamps(&self, plan: &PlanId) -> StoreResult<Vec<TimestampRecord>> {
        let id = plan.clone();
        self.run(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT doc FROM timestamps WHERE plan_id = ?1 ORDER BY authority")
                .map_err(translate)?;
            let docs = stmt
                .query_map([id.as_str()], |r| r.get::<_, String>(0))
                .map_err(translate)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(translate)?;
            docs.iter()
                .map(|d| from_json("time-stamp record", d))
                .collect()
        })
        .await
    }
}

impl TimestampWriter for SqliteStore {
    #[instrument(skip(self, meta, record), fields(store = "sqlite", key = %meta.key, plan = %record.plan, authority = %record.authority), err)]
    async fn record_timestamp(
        &self,
        meta: &WriteMeta,
        record: &TimestampRecord,
    ) -> StoreResult<TimestampRecord> {
        record
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("record_timestamp", record)?;
        let record = record.clone();
        self.write(meta, "record_timestamp", digest, move |tx, meta| {
            let committed: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM commitments WHERE plan_id = ?1",
                    [record.plan.as_str()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(translate)?;
            if committed.is_none() {
                return Err(StoreError::NotFound {
                    what: "commitment",
                    id: record.plan.to_string(),
                });
            }
            let key = format!("{}/{}", record.plan, record.authority);
            let current: Option<String> = tx
                .query_row(
                    "SELECT doc FROM timestamps WHERE plan_id = ?1 AND authority = ?2",
                    params![record.plan.as_str(), record.authority.as_str()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(translate)?;
            match current {
                Some(doc) => {
                    let current: TimestampRecord = from_json("time-stamp record", &doc)?;
                    current
                        .check_replace(&record)
                        .map_err(|e| StoreError::from_lifecycle("time-stamp", &key, e))?;
                    tx.execute(
                        "UPDATE timestamps SET status = ?1, doc = ?2 WHERE plan_id = ?3 AND authority = ?4 AND status <> 'obtained'",
                        params![
                            record.status.name(),
                            to_json(&record)?,
                            record.plan.as_str(),
                            record.authority.as_str()
                        ],
                    )
                    .map_err(translate)?;
                }
                None => {
                    tx.execute(
                        "INSERT INTO timestamps (plan_id, authority, status, doc) VALUES (?1, ?2, ?3, ?4)",
                        params![
                            record.plan.as_str(),
                            record.authority.as_str(),
                            record.status.name(),
                            to_json(&record)?
                        ],
                    )
                    .map_err(translate)?;
                }
            }
            audit(
                tx,
                meta,
                AuditAction::TimestampRecorded,
                subject("timestamp", &key),
                payload_digest(&record)?,
            )?;
            Ok(record)
        })
        .await
    }
}
