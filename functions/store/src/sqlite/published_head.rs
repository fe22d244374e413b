//! Published audit heads (table `published_audit_heads`, created on first use): one row per head
//! `seq` a publication run published, never changed. Not audited (see
//! [`spotcheck_domain::store::PublishedHeadWriter`]).

use rusqlite::{Connection, OptionalExtension, params};
use spotcheck_domain::lifecycle::AuditHead;
use spotcheck_domain::store::{
    PublishedHead, PublishedHeadReader, PublishedHeadWriter, StoreError, StoreResult,
};
use spotcheck_domain::time::Timestamp;
use tracing::instrument;

use super::{SqliteStore, parse_digest, translate};

const CREATE: &str = "CREATE TABLE IF NOT EXISTS published_audit_heads (
    seq INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    published_at TEXT NOT NULL
) STRICT";

fn newest(c: &Connection) -> StoreResult<Option<PublishedHead>> {
    c.execute_batch(CREATE).map_err(translate)?;
    let row: Option<(i64, String, String)> = c
        .query_row(
            "SELECT seq, hash, published_at FROM published_audit_heads ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(translate)?;
    row.map(|(seq, hash, at)| {
        Ok(PublishedHead {
            head: AuditHead {
                seq: seq as u64,
                hash: parse_digest("published audit head", &hash)?,
            },
            published_at: at.parse().map_err(|e| StoreError::Corrupt {
                what: "published audit head",
                reason: format!("published_at {at:?}: {e}"),
            })?,
        })
    })
    .transpose()
}

impl PublishedHeadReader for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn published_head(&self) -> StoreResult<Option<PublishedHead>> {
        self.run(|c| newest(c)).await
    }
}

impl PublishedHeadWriter for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn record_published_head(&self, head: &AuditHead, at: Timestamp) -> StoreResult<()> {
        let head = *head;
        self.run(move |c| {
            c.execute_batch(CREATE).map_err(translate)?;
            c.execute(
                "INSERT OR IGNORE INTO published_audit_heads (seq, hash, published_at) VALUES (?1, ?2, ?3)",
                params![head.seq as i64, head.hash.to_hex(), at.to_string()],
            )
            .map_err(translate)?;
            Ok(())
        })
        .await
    }
}
