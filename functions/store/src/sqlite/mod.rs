//! The SQLite adapter: one file, WAL, foreign keys on, migrations applied at open.
//!
//! Every write runs in one `BEGIN IMMEDIATE` transaction that checks the idempotency key, applies
//! the domain transition, writes the records, appends the audit entry and records the response —
//! so a crash (even SIGKILL) at any point leaves either all of it or none of it, and concurrent
//! writers (threads or processes) serialise on SQLite's write lock. Unique keys and triggers in
//! the schema refuse a second commitment or draw and any update of an immutable table.

mod drafts;
pub mod files;
mod published_head;
mod replay;
mod schema;
mod snapshots;
mod timestamps;

pub use replay::Discrepancy;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{
    Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior, params,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use spotcheck_domain::draw::{Commitment, Transcript};
use spotcheck_domain::frame::{Frame, InspectorPool, TreeSummary};
use spotcheck_domain::ids::{Digest, PlanId, TargetId};
use spotcheck_domain::lifecycle::{
    Approval, AuditAction, AuditEntry, AuditHead, DecisionNumber, InspectionResult, PenaltyChange,
    PenaltyChangeKind, PenaltyDecision, PenaltyRecord, Plan, PlanChange, PlanSpec, PlanState,
    Publication, PublicationId, PublicationTransition, StoredTree, TreeKind, WriteMeta,
    decode_frame, decode_pool, encode_frame_chunks, encode_pool_chunks,
};
use spotcheck_domain::registry::{Record, RegistryKind, RegistrySnapshot};
use spotcheck_domain::store::{
    ApprovalReader, ApprovalWriter, AuditLog, DrawReader, DrawWriter, FrameReader, FrameWriter,
    PenaltyReader, PenaltyWriter, PlanReader, PlanWriter, PublicationReader, PublicationWriter,
    RegistryReader, RegistryWriter, ResultReader, ResultWriter, SnapshotInfo, StoreError,
    StoreResult,
};
use spotcheck_domain::time::Timestamp;
use tracing::instrument;

use crate::common::{
    from_json, json_line_chunks, key_reused, no_approval, payload_digest, penalty_publication,
    rebuild_snapshot, request_digest, result_publication, subject, to_json,
};

/// Frame entries per stored chunk (about 0.6 MB for typical ids).
pub const FRAME_ENTRIES_PER_CHUNK: usize = 16_384;
/// Pool entries per stored chunk.
pub const POOL_ENTRIES_PER_CHUNK: usize = 4_096;
/// Bytes of JSON lines per stored snapshot chunk.
pub const SNAPSHOT_CHUNK_BYTES: usize = 1 << 20;

/// A test hook called at named points inside write transactions (crash tests pause there).
pub type FaultHook = Arc<dyn Fn(&'static str, u64) + Send + Sync>;

/// The SQLite store. Cheap to clone; clones share one connection.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
    hook: Option<FaultHook>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Translates SQLite errors: busy/locked/full/I-O → `Unavailable`, constraint → `Conflict`,
/// corruption → `Corrupt`.
pub(crate) fn translate(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => match f.code {
            ErrorCode::ConstraintViolation => StoreError::Conflict {
                what: "record",
                id: String::new(),
                reason: msg.clone().unwrap_or_else(|| e.to_string()),
            },
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => StoreError::Corrupt {
                what: "database",
                reason: e.to_string(),
            },
            _ => StoreError::Unavailable(e.to_string()),
        },
        _ => StoreError::Unavailable(e.to_string()),
    }
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ConstraintViolation)
}

fn parse_digest(what: &'static str, s: &str) -> Result<Digest, StoreError> {
    s.parse()
        .map_err(|e: spotcheck_domain::ids::IdError| StoreError::Corrupt {
            what,
            reason: e.to_string(),
        })
}

fn plan_state_code(state: &PlanState) -> &'static str {
    state.name()
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, sets WAL, foreign keys and a busy timeout,
    /// and applies pending migrations. The file, its WAL and shared-memory files and a folder
    /// created for them are owner-only ([`files`]).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] if the file cannot be opened or migrated;
    /// [`StoreError::Corrupt`] if it is not a spotcheck database, or is from a newer version.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        files::prepare_data_file(&path)
            .map_err(|e| StoreError::Unavailable(format!("{}: {e}", path.display())))?;
        let mut conn = Connection::open(&path).map_err(translate)?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(translate)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(translate)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unavailable(format!(
                "cannot enable WAL (journal_mode is {mode})"
            )));
        }
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")
            .map_err(translate)?;
        migrate(&mut conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            path,
            hook: None,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version() -> usize {
        schema::MIGRATIONS.len()
    }

    #[doc(hidden)]
    /// Installs a hook called at named points inside write transactions (crash tests).
    pub fn with_fault_hook(mut self, hook: FaultHook) -> Self {
        self.hook = Some(hook);
        self
    }

    /// Runs `f` on the connection, on tokio's blocking pool when inside a runtime.
    async fn run<R, F>(&self, f: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<R> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        let job = move || {
            let mut guard = conn
                .lock()
                .map_err(|_| StoreError::Unavailable("the connection lock is poisoned".into()))?;
            f(&mut guard)
        };
        match tokio::runtime::Handle::try_current() {
            Ok(h) => h
                .spawn_blocking(job)
                .await
                .map_err(|e| StoreError::Unavailable(format!("storage task failed: {e}")))?,
            Err(_) => job(),
        }
    }

    /// Runs an idempotent, audited write in one immediate transaction.
    async fn write<R, F>(
        &self,
        meta: &WriteMeta,
        op: &'static str,
        digest: Digest,
        body: F,
    ) -> StoreResult<R>
    where
        R: Serialize + DeserializeOwned + Send + 'static,
        F: FnOnce(&Transaction<'_>, &WriteMeta) -> StoreResult<R> + Send + 'static,
    {
        let meta = meta.clone();
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(translate)?;
            let prior: Option<(String, String, String)> = tx
                .query_row(
                    "SELECT operation, request_digest, response FROM idempotency WHERE key = ?1",
                    [meta.key.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(translate)?;
            if let Some((prior_op, prior_digest, response)) = prior {
                if prior_op == op && prior_digest == digest.to_hex() {
                    return from_json("idempotent response", &response);
                }
                return Err(key_reused(meta.key.as_str(), &prior_op));
            }
            let result = body(&tx, &meta)?;
            tx.execute(
                "INSERT INTO idempotency (key, operation, request_digest, response, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![meta.key.as_str(), op, digest.to_hex(), to_json(&result)?, meta.at.unix()],
            )
            .map_err(translate)?;
            tx.commit().map_err(translate)?;
            Ok(result)
        })
        .await
    }
}

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let current: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(translate)?;
    let target = schema::MIGRATIONS.len() as i64;
    if current > target {
        return Err(StoreError::Corrupt {
            what: "database",
            reason: format!("schema version {current} is newer than this program's {target}"),
        });
    }
    for (i, sql) in schema::MIGRATIONS
        .iter()
        .enumerate()
        .skip(current.max(0) as usize)
    {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(translate)?;
        // Another process may have migrated meanwhile.
        let now: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(translate)?;
        if now > i as i64 {
            continue;
        }
        tx.execute_batch(sql).map_err(translate)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))
            .map_err(translate)?;
        tx.commit().map_err(translate)?;
        tracing::info!(version = i + 1, "applied SQLite migration");
    }
    Ok(())
}

/// Appends the audit entry for this write, chained to the head, and moves the head.
fn audit(
    tx: &Transaction<'_>,
    meta: &WriteMeta,
    action: AuditAction,
    subject: String,
    payload: Digest,
) -> StoreResult<AuditEntry> {
    let head = read_head(tx)?;
    let entry = AuditEntry::next(head, meta.at, meta.actor.clone(), action, subject, payload);
    tx.execute(
        "INSERT INTO audit_log (seq, hash, doc) VALUES (?1, ?2, ?3)",
        params![entry.seq as i64, entry.hash.to_hex(), to_json(&entry)?],
    )
    .map_err(translate)?;
    tx.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        params![entry.seq as i64, entry.hash.to_hex()],
    )
    .map_err(translate)?;
    Ok(entry)
}

fn read_head(conn: &Connection) -> StoreResult<Option<AuditHead>> {
    let row: Option<(i64, String)> = conn
        .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
        .map_err(translate)?;
    row.map(|(seq, hash)| {
        Ok(AuditHead {
            seq: seq as u64,
            hash: parse_digest("audit head", &hash)?,
        })
    })
    .transpose()
}

fn load_plan(conn: &Connection, id: &PlanId) -> StoreResult<Plan> {
    let doc: Option<String> = conn
        .query_row("SELECT doc FROM plans WHERE id = ?1", [id.as_str()], |r| {
            r.get(0)
        })
        .optional()
        .map_err(translate)?;
    match doc {
        Some(d) => from_json("plan", &d),
        None => Err(StoreError::NotFound {
            what: "plan",
            id: id.to_string(),
        }),
    }
}

fn save_plan(tx: &Transaction<'_>, plan: &Plan, expected_version: u64) -> StoreResult<()> {
    let n = tx
        .execute(
            "UPDATE plans SET version = ?1, state = ?2, planned_draw_at = ?3, doc = ?4 WHERE id = ?5 AND version = ?6",
            params![
                plan.version as i64,
                plan_state_code(&plan.state),
                plan.spec.planned_draw_at.unix(),
                to_json(plan)?,
                plan.id().as_str(),
                expected_version as i64
            ],
        )
        .map_err(translate)?;
    if n != 1 {
        return Err(StoreError::Conflict {
            what: "plan",
            id: plan.id().to_string(),
            reason: "changed concurrently; read it again".into(),
        });
    }
    Ok(())
}

fn tree_info(conn: &Connection, kind: TreeKind, root: &Digest) -> StoreResult<Option<StoredTree>> {
    conn.query_row(
        "SELECT size, chunks, stored_at FROM trees WHERE kind = ?1 AND root = ?2",
        params![kind.code(), root.to_hex()],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )
    .optional()
    .map_err(translate)
    .map(|o| {
        o.map(|(size, chunks, at)| StoredTree {
            kind,
            summary: TreeSummary {
                root: *root,
                size: size as u64,
            },
            chunks: chunks as u32,
            stored_at: Timestamp::from_unix(at),
        })
    })
}

fn tree_chunks(
    conn: &Connection,
    kind: TreeKind,
    root: &Digest,
) -> StoreResult<(StoredTree, Vec<Vec<u8>>)> {
    let info = tree_info(conn, kind, root)?.ok_or_else(|| StoreError::NotFound {
        what: if kind == TreeKind::Frame {
            "frame"
        } else {
            "pool"
        },
        id: root.to_hex(),
    })?;
    let mut stmt = conn
        .prepare_cached("SELECT n, data FROM tree_chunks WHERE kind = ?1 AND root = ?2 ORDER BY n")
        .map_err(translate)?;
    let rows = stmt
        .query_map(params![kind.code(), root.to_hex()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
        })
        .map_err(translate)?;
    let mut chunks = Vec::with_capacity(info.chunks as usize);
    for (i, row) in rows.enumerate() {
        let (n, data) = row.map_err(translate)?;
        if n != i as i64 {
            return Err(StoreError::Corrupt {
                what: "tree chunks",
                reason: format!("chunk {i} is missing"),
            });
        }
        chunks.push(data);
    }
    if chunks.len() != info.chunks as usize {
        return Err(StoreError::Corrupt {
            what: "tree chunks",
            reason: format!("{} of {} chunks present", chunks.len(), info.chunks),
        });
    }
    Ok((info, chunks))
}

fn put_tree(
    tx: &Transaction<'_>,
    meta: &WriteMeta,
    kind: TreeKind,
    summary: TreeSummary,
    chunks: &[Vec<u8>],
    hook: Option<&FaultHook>,
) -> StoreResult<StoredTree> {
    if let Some(existing) = tree_info(tx, kind, &summary.root)? {
        return Ok(existing);
    }
    let stored = StoredTree {
        kind,
        summary,
        chunks: u32::try_from(chunks.len())
            .map_err(|_| StoreError::Invalid("too many chunks".into()))?,
        stored_at: meta.at,
    };
    tx.execute(
        "INSERT INTO trees (kind, root, size, chunks, stored_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            kind.code(),
            summary.root.to_hex(),
            summary.size as i64,
            stored.chunks,
            meta.at.unix()
        ],
    )
    .map_err(translate)?;
    let mut stmt = tx
        .prepare_cached("INSERT INTO tree_chunks (kind, root, n, data) VALUES (?1, ?2, ?3, ?4)")
        .map_err(translate)?;
    let root = summary.root.to_hex();
    for (n, c) in chunks.iter().enumerate() {
        stmt.execute(params![kind.code(), root, n as i64, c])
            .map_err(translate)?;
        if let Some(h) = hook {
            h("tree-chunk", n as u64);
        }
    }
    let action = match kind {
        TreeKind::Frame => AuditAction::FrameStored,
        TreeKind::Pool => AuditAction::PoolStored,
    };
    audit(
        tx,
        meta,
        action,
        subject(kind.code(), summary.root),
        summary.root,
    )?;
    Ok(stored)
}

impl FrameReader for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn get_frame(&self, root: &Digest) -> StoreResult<Frame> {
        let root = *root;
        self.run(move |c| {
            let (info, chunks) = tree_chunks(c, TreeKind::Frame, &root)?;
            decode_frame(chunks.iter().map(Vec::as_slice), &info.summary).map_err(|e| {
                StoreError::Corrupt {
                    what: "frame",
                    reason: e.to_string(),
                }
            })
        })
        .await
    }

    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn get_pool(&self, root: &Digest) -> StoreResult<InspectorPool> {
        let root = *root;
        self.run(move |c| {
            let (info, chunks) = tree_chunks(c, TreeKind::Pool, &root)?;
            decode_pool(chunks.iter().map(Vec::as_slice), &info.summary).map_err(|e| {
                StoreError::Corrupt {
                    what: "pool",
                    reason: e.to_string(),
                }
            })
        })
        .await
    }
}

impl FrameWriter for SqliteStore {
    #[instrument(skip(self, meta, frame), fields(store = "sqlite", key = %meta.key, entries = frame.len()), err)]
    async fn put_frame(&self, meta: &WriteMeta, frame: &Frame) -> StoreResult<StoredTree> {
        let summary = frame.summary();
        let digest = request_digest("put_frame", &summary)?;
        let chunks = encode_frame_chunks(frame, FRAME_ENTRIES_PER_CHUNK);
        let hook = self.hook.clone();
        self.write(meta, "put_frame", digest, move |tx, meta| {
            put_tree(tx, meta, TreeKind::Frame, summary, &chunks, hook.as_ref())
        })
        .await
    }

    #[instrument(skip(self, meta, pool), fields(store = "sqlite", key = %meta.key, entries = pool.len()), err)]
    async fn put_pool(&self, meta: &WriteMeta, pool: &InspectorPool) -> StoreResult<StoredTree> {
        let summary = pool.summary();
        let digest = request_digest("put_pool", &summary)?;
        let chunks = encode_pool_chunks(pool, POOL_ENTRIES_PER_CHUNK);
        let hook = self.hook.clone();
        self.write(meta, "put_pool", digest, move |tx, meta| {
            put_tree(tx, meta, TreeKind::Pool, summary, &chunks, hook.as_ref())
        })
        .await
    }
}

fn snapshot_info(
    conn: &Connection,
    kind: RegistryKind,
    number: u64,
) -> StoreResult<Option<SnapshotInfo>> {
    conn.query_row(
        "SELECT hash, records, stored_at FROM snapshots WHERE kind = ?1 AND number = ?2",
        params![kind.code(), number as i64],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )
    .optional()
    .map_err(translate)?
    .map(|(hash, records, at)| {
        Ok(SnapshotInfo {
            kind,
            number,
            hash: parse_digest("snapshot", &hash)?,
            records: records as u64,
            stored_at: Timestamp::from_unix(at),
        })
    })
    .transpose()
}

impl RegistryReader for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn latest_snapshot(&self, kind: RegistryKind) -> StoreResult<Option<SnapshotInfo>> {
        self.run(move |c| {
            let n: Option<i64> = c
                .query_row(
                    "SELECT MAX(number) FROM snapshots WHERE kind = ?1",
                    [kind.code()],
                    |r| r.get(0),
                )
                .map_err(translate)?;
            match n {
                Some(n) => snapshot_info(c, kind, n as u64),
                None => Ok(None),
            }
        })
        .await
    }

    #[instrument(skip(self), fields(store = "sqlite", kind = %T::KIND), err)]
    async fn get_snapshot<T>(&self, number: u64) -> StoreResult<RegistrySnapshot<T>>
    where
        T: Record + DeserializeOwned + Send,
    {
        let kind = T::KIND;
        let (info, chunks) = self
            .run(move |c| {
                let info = snapshot_info(c, kind, number)?.ok_or_else(|| StoreError::NotFound {
                    what: "snapshot",
                    id: format!("{kind}/{number}"),
                })?;
                let mut stmt = c
                    .prepare_cached("SELECT data FROM snapshot_chunks WHERE kind = ?1 AND number = ?2 ORDER BY n")
                    .map_err(translate)?;
                let chunks = stmt
                    .query_map(params![kind.code(), number as i64], |r| r.get::<_, Vec<u8>>(0))
                    .map_err(translate)?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(translate)?;
                Ok((info, chunks))
            })
            .await?;
        rebuild_snapshot(info, &chunks)
    }

    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn list_snapshots(
        &self,
        kind: RegistryKind,
        before: Option<u64>,
        limit: usize,
    ) -> StoreResult<Vec<spotcheck_domain::store::SnapshotEntry>> {
        self.run(move |c| snapshots::list(c, kind, before, limit))
            .await
    }
}

impl RegistryWriter for SqliteStore {
    #[instrument(skip(self, meta, snapshot), fields(store = "sqlite", key = %meta.key, kind = %T::KIND, number = snapshot.number()), err)]
    async fn store_snapshot<T>(
        &self,
        meta: &WriteMeta,
        snapshot: &RegistrySnapshot<T>,
    ) -> StoreResult<SnapshotInfo>
    where
        T: Record + Serialize + Sync,
    {
        let kind = T::KIND;
        let number = snapshot.number();
        let hash = snapshot.hash();
        let records = snapshot.len() as u64;
        let digest = request_digest("store_snapshot", &(kind, number, hash))?;
        let chunks = json_line_chunks(snapshot.records(), SNAPSHOT_CHUNK_BYTES)?;
        self.write(meta, "store_snapshot", digest, move |tx, meta| {
            if let Some(existing) = snapshot_info(tx, kind, number)? {
                if existing.hash == hash {
                    return Ok(existing);
                }
                return Err(StoreError::Conflict {
                    what: "snapshot",
                    id: format!("{kind}/{number}"),
                    reason: format!("number {number} already holds a snapshot with hash {}", existing.hash),
                });
            }
            let max: Option<i64> = tx
                .query_row("SELECT MAX(number) FROM snapshots WHERE kind = ?1", [kind.code()], |r| r.get(0))
                .map_err(translate)?;
            let next = max.map_or(1, |m| m as u64 + 1);
            crate::common::check_next_snapshot(kind, number, next)?;
            let info = SnapshotInfo {
                kind,
                number,
                hash,
                records,
                stored_at: meta.at,
            };
            tx.execute(
                "INSERT INTO snapshots (kind, number, hash, records, chunks, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![kind.code(), number as i64, hash.to_hex(), records as i64, chunks.len() as i64, meta.at.unix()],
            )
            .map_err(translate)?;
            let mut stmt = tx
                .prepare_cached("INSERT INTO snapshot_chunks (kind, number, n, data) VALUES (?1, ?2, ?3, ?4)")
                .map_err(translate)?;
            for (n, c) in chunks.iter().enumerate() {
                stmt.execute(params![kind.code(), number as i64, n as i64, c]).map_err(translate)?;
            }
            audit(tx, meta, AuditAction::SnapshotStored, subject("snapshot", format!("{kind}/{number}")), hash)?;
            Ok(info)
        })
        .await
    }
}

impl PlanReader for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn get_plan(&self, id: &PlanId) -> StoreResult<Plan> {
        let id = id.clone();
        self.run(move |c| load_plan(c, &id)).await
    }

    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn list_plans(&self) -> StoreResult<Vec<Plan>> {
        self.run(|c| {
            let mut stmt = c
                .prepare_cached("SELECT doc FROM plans ORDER BY planned_draw_at, id")
                .map_err(translate)?;
            let docs = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(translate)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(translate)?;
            docs.iter().map(|d| from_json("plan", d)).collect()
        })
        .await
    }
}

impl PlanWriter for SqliteStore {
    #[instrument(skip(self, meta, spec), fields(store = "sqlite", key = %meta.key, plan = %spec.id), err)]
    async fn create_plan(&self, meta: &WriteMeta, spec: PlanSpec) -> StoreResult<Plan> {
        spec.validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("create_plan", &spec)?;
        self.write(meta, "create_plan", digest, move |tx, meta| {
            let plan = Plan::new(spec, meta.at);
            let res = tx.execute(
                "INSERT INTO plans (id, version, state, planned_draw_at, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![plan.id().as_str(), plan.version as i64, plan.state.name(), plan.spec.planned_draw_at.unix(), to_json(&plan)?],
            );
            match res {
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Conflict {
                        what: "plan",
                        id: plan.id().to_string(),
                        reason: "a plan with this id exists".into(),
                    });
                }
                other => other.map_err(translate)?,
            };
            audit(tx, meta, AuditAction::PlanCreated, subject("plan", plan.id()), payload_digest(&plan)?)?;
            Ok(plan)
        })
        .await
    }

    #[instrument(skip(self, meta, change), fields(store = "sqlite", key = %meta.key), err)]
    async fn change_plan(
        &self,
        meta: &WriteMeta,
        id: &PlanId,
        expected_version: u64,
        change: PlanChange,
    ) -> StoreResult<Plan> {
        let digest = request_digest("change_plan", &(id, expected_version, &change))?;
        let id = id.clone();
        self.write(meta, "change_plan", digest, move |tx, meta| {
            let plan = load_plan(tx, &id)?;
            let before = plan.version;
            let needed = crate::common::tree_needed(&change);
            let next = plan
                .change(change, meta.at)
                .map_err(|e| StoreError::from_lifecycle("plan", id.as_str(), e))?;
            crate::common::check_plan_version(&id, expected_version, before)?;
            if let Some((kind, summary)) = needed {
                let stored = tree_info(tx, kind, &summary.root)?.map(|t| t.summary);
                crate::common::check_tree_stored(&id, kind, &summary, stored)?;
            }
            save_plan(tx, &next, before)?;
            audit(
                tx,
                meta,
                AuditAction::PlanChanged,
                subject("plan", &id),
                payload_digest(&next)?,
            )?;
            Ok(next)
        })
        .await
    }

    #[instrument(skip(self, meta, reason), fields(store = "sqlite", key = %meta.key), err)]
    async fn cancel_plan(
        &self,
        meta: &WriteMeta,
        id: &PlanId,
        reason: String,
    ) -> StoreResult<Plan> {
        let digest = request_digest("cancel_plan", &(id, &reason))?;
        let id = id.clone();
        self.write(meta, "cancel_plan", digest, move |tx, meta| {
            let plan = load_plan(tx, &id)?;
            let before = plan.version;
            let next = plan
                .cancel(reason, meta.at)
                .map_err(|e| StoreError::from_lifecycle("plan", id.as_str(), e))?;
            save_plan(tx, &next, before)?;
            audit(
                tx,
                meta,
                AuditAction::PlanCancelled,
                subject("plan", &id),
                payload_digest(&next)?,
            )?;
            Ok(next)
        })
        .await
    }
}

impl DrawReader for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn get_commitment(&self, plan: &PlanId) -> StoreResult<Commitment> {
        self.find_commitment(plan)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "commitment",
                id: plan.to_string(),
            })
    }

    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn find_commitment(&self, plan: &PlanId) -> StoreResult<Option<Commitment>> {
        let id = plan.clone();
        self.run(move |c| {
            let doc: Option<String> = c
                .query_row(
                    "SELECT doc FROM commitments WHERE plan_id = ?1",
                    [id.as_str()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(translate)?;
            doc.map(|d| from_json("commitment", &d)).transpose()
        })
        .await
    }

    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn get_transcript(&self, plan: &PlanId) -> StoreResult<Transcript> {
        let id = plan.clone();
        self.run(move |c| load_transcript(c, &id)).await
    }
}

fn load_transcript(c: &Connection, id: &PlanId) -> StoreResult<Transcript> {
    let doc: Option<String> = c
        .query_row(
            "SELECT doc FROM transcripts WHERE plan_id = ?1",
            [id.as_str()],
            |r| r.get(0),
        )
        .optional()
        .map_err(translate)?;
    doc.map_or_else(
        || {
            Err(StoreError::NotFound {
                what: "transcript",
                id: id.to_string(),
            })
        },
        |d| from_json("transcript", &d),
    )
}

impl DrawWriter for SqliteStore {
    #[instrument(skip(self, meta, commitment), fields(store = "sqlite", key = %meta.key, plan = %commitment.plan_id), err)]
    async fn record_commitment(
        &self,
        meta: &WriteMeta,
        commitment: &Commitment,
    ) -> StoreResult<Plan> {
        let hash = commitment
            .hash()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("record_commitment", &hash)?;
        let commitment = commitment.clone();
        self.write(meta, "record_commitment", digest, move |tx, meta| {
            let id = commitment.plan_id.clone();
            let plan = load_plan(tx, &id)?;
            let before = plan.version;
            let next = plan
                .commit(&commitment, hash, meta.at)
                .map_err(|e| StoreError::from_lifecycle("plan", id.as_str(), e))?;
            let res = tx.execute(
                "INSERT INTO commitments (plan_id, hash, doc) VALUES (?1, ?2, ?3)",
                params![id.as_str(), hash.to_hex(), to_json(&commitment)?],
            );
            match res {
                Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyCommitted(id)),
                other => other.map_err(translate)?,
            };
            save_plan(tx, &next, before)?;
            audit(tx, meta, AuditAction::Committed, subject("plan", &id), hash)?;
            Ok(next)
        })
        .await
    }

    #[instrument(skip(self, meta, transcript), fields(store = "sqlite", key = %meta.key, plan = %transcript.commitment.plan_id), err)]
    async fn record_draw(&self, meta: &WriteMeta, transcript: &Transcript) -> StoreResult<Plan> {
        crate::common::check_transcript_digest(transcript)?;
        let digest = request_digest("record_draw", &transcript.digest)?;
        let transcript = transcript.clone();
        let hook = self.hook.clone();
        self.write(meta, "record_draw", digest, move |tx, meta| {
            let id = transcript.commitment.plan_id.clone();
            let plan = load_plan(tx, &id)?;
            let before = plan.version;
            let next = plan
                .mark_drawn(&transcript, meta.at)
                .map_err(|e| StoreError::from_lifecycle("plan", id.as_str(), e))?;
            let res = tx.execute(
                "INSERT INTO transcripts (plan_id, digest, doc) VALUES (?1, ?2, ?3)",
                params![
                    id.as_str(),
                    transcript.digest.to_hex(),
                    to_json(&transcript)?
                ],
            );
            match res {
                Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyDrawn(id)),
                other => other.map_err(translate)?,
            };
            if let Some(h) = &hook {
                h("draw-transcript-written", 0);
            }
            save_plan(tx, &next, before)?;
            audit(
                tx,
                meta,
                AuditAction::Drawn,
                subject("plan", &id),
                transcript.digest,
            )?;
            Ok(next)
        })
        .await
    }
}

impl ResultReader for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn get_result(&self, plan: &PlanId, target: &TargetId) -> StoreResult<InspectionResult> {
        let (plan, target) = (plan.clone(), target.clone());
        self.run(move |c| {
            let doc: Option<String> = c
                .query_row(
                    "SELECT doc FROM results WHERE plan_id = ?1 AND target = ?2",
                    [plan.as_str(), target.as_str()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(translate)?;
            doc.map_or_else(
                || {
                    Err(StoreError::NotFound {
                        what: "result",
                        id: format!("{plan}/{target}"),
                    })
                },
                |d| from_json("result", &d),
            )
        })
        .await
    }

    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn list_results(&self, plan: &PlanId) -> StoreResult<Vec<InspectionResult>> {
        let plan = plan.clone();
        self.run(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT doc FROM results WHERE plan_id = ?1 ORDER BY target")
                .map_err(translate)?;
            let docs = stmt
                .query_map([plan.as_str()], |r| r.get::<_, String>(0))
                .map_err(translate)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(translate)?;
            docs.iter().map(|d| from_json("result", d)).collect()
        })
        .await
    }
}

impl ResultWriter for SqliteStore {
    #[instrument(skip(self, meta, result), fields(store = "sqlite", key = %meta.key, plan = %result.plan, target = %result.target), err)]
    async fn record_result(
        &self,
        meta: &WriteMeta,
        result: InspectionResult,
    ) -> StoreResult<InspectionResult> {
        result
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("record_result", &result)?;
        self.write(meta, "record_result", digest, move |tx, meta| {
            let plan = load_plan(tx, &result.plan)?;
            let id = format!("{}/{}", result.plan, result.target);
            crate::common::check_result_plan_drawn(&plan, &result, &id)?;
            let transcript = load_transcript(tx, &result.plan)?;
            crate::common::check_result_target_drawn(&transcript, &result, &id)?;
            let res = tx.execute(
                "INSERT INTO results (plan_id, target, doc) VALUES (?1, ?2, ?3)",
                params![
                    result.plan.as_str(),
                    result.target.as_str(),
                    to_json(&result)?
                ],
            );
            match res {
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Conflict {
                        what: "result",
                        id,
                        reason:
                            "a result is already recorded for this target; results are immutable"
                                .into(),
                    });
                }
                other => other.map_err(translate)?,
            };
            insert_approval(
                tx,
                &Approval::awaiting(
                    result_publication(&result.plan, &result.target),
                    meta.actor.clone(),
                    meta.at,
                ),
            )?;
            audit(
                tx,
                meta,
                AuditAction::ResultRecorded,
                subject("result", &id),
                payload_digest(&result)?,
            )?;
            Ok(result)
        })
        .await
    }
}

fn load_penalty(c: &Connection, number: &DecisionNumber) -> StoreResult<PenaltyRecord> {
    let doc: Option<String> = c
        .query_row(
            "SELECT doc FROM penalties WHERE number = ?1",
            [number.as_str()],
            |r| r.get(0),
        )
        .optional()
        .map_err(translate)?;
    let Some(doc) = doc else {
        return Err(StoreError::NotFound {
            what: "penalty",
            id: number.to_string(),
        });
    };
    let mut record: PenaltyRecord = from_json("penalty", &doc)?;
    let mut stmt = c
        .prepare_cached("SELECT doc FROM penalty_changes WHERE number = ?1 ORDER BY seq")
        .map_err(translate)?;
    let docs = stmt
        .query_map([number.as_str()], |r| r.get::<_, String>(0))
        .map_err(translate)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(translate)?;
    record.changes = docs
        .iter()
        .map(|d| from_json::<PenaltyChange>("penalty change", d))
        .collect::<Result<_, _>>()?;
    Ok(record)
}

impl PenaltyReader for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn get_penalty(&self, number: &DecisionNumber) -> StoreResult<PenaltyRecord> {
        let number = number.clone();
        self.run(move |c| load_penalty(c, &number)).await
    }

    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn list_penalties(&self) -> StoreResult<Vec<PenaltyRecord>> {
        self.run(|c| {
            let mut stmt = c
                .prepare_cached("SELECT number FROM penalties ORDER BY decided_on, number")
                .map_err(translate)?;
            let numbers = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(translate)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(translate)?;
            numbers
                .iter()
                .map(|n| {
                    let n: DecisionNumber =
                        n.parse().map_err(|e: spotcheck_domain::ids::IdError| {
                            StoreError::Corrupt {
                                what: "penalty",
                                reason: e.to_string(),
                            }
                        })?;
                    load_penalty(c, &n)
                })
                .collect()
        })
        .await
    }
}

impl PenaltyWriter for SqliteStore {
    #[instrument(skip(self, meta, decision), fields(store = "sqlite", key = %meta.key, number = %decision.number), err)]
    async fn record_penalty(
        &self,
        meta: &WriteMeta,
        decision: PenaltyDecision,
    ) -> StoreResult<PenaltyRecord> {
        decision
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("record_penalty", &decision)?;
        self.write(meta, "record_penalty", digest, move |tx, meta| {
            let record = PenaltyRecord {
                decision,
                changes: Vec::new(),
                recorded_at: meta.at,
            };
            let number = record.decision.number.clone();
            let res = tx.execute(
                "INSERT INTO penalties (number, decided_on, doc) VALUES (?1, ?2, ?3)",
                params![number.as_str(), record.decision.decided_on.to_string(), to_json(&record)?],
            );
            match res {
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Conflict {
                        what: "penalty",
                        id: number.to_string(),
                        reason: "a decision with this number is recorded; decisions are immutable (record a change instead)".into(),
                    });
                }
                other => other.map_err(translate)?,
            };
            insert_approval(
                tx,
                &Approval::awaiting(penalty_publication(&number), meta.actor.clone(), meta.at),
            )?;
            audit(tx, meta, AuditAction::PenaltyRecorded, subject("penalty", &number), payload_digest(&record.decision)?)?;
            Ok(record)
        })
        .await
    }

    #[instrument(skip(self, meta, reason, new_result), fields(store = "sqlite", key = %meta.key), err)]
    async fn change_penalty(
        &self,
        meta: &WriteMeta,
        number: &DecisionNumber,
        kind: PenaltyChangeKind,
        reason: String,
        new_result: Option<String>,
        effective_on: chrono::NaiveDate,
    ) -> StoreResult<PenaltyRecord> {
        let digest = request_digest(
            "change_penalty",
            &(number, kind, &reason, &new_result, effective_on),
        )?;
        let number = number.clone();
        self.write(meta, "change_penalty", digest, move |tx, meta| {
            let record = load_penalty(tx, &number)?;
            let next = record
                .with_change(kind, reason, new_result, effective_on, meta.at)
                .map_err(|e| StoreError::from_lifecycle("penalty", number.as_str(), e))?;
            let change = next
                .changes
                .last()
                .ok_or_else(|| StoreError::Invalid("no change".into()))?;
            tx.execute(
                "INSERT INTO penalty_changes (number, seq, doc) VALUES (?1, ?2, ?3)",
                params![number.as_str(), change.seq, to_json(change)?],
            )
            .map_err(translate)?;
            insert_approval(
                tx,
                &Approval::awaiting(
                    PublicationId::of_penalty_change(&number, change.seq),
                    meta.actor.clone(),
                    meta.at,
                ),
            )?;
            audit(
                tx,
                meta,
                AuditAction::PenaltyChanged,
                subject("penalty", &number),
                payload_digest(change)?,
            )?;
            Ok(next)
        })
        .await
    }
}

fn load_publication(c: &Connection, id: &PublicationId) -> StoreResult<Publication> {
    let doc: Option<String> = c
        .query_row(
            "SELECT doc FROM publications WHERE id = ?1",
            [id.as_str()],
            |r| r.get(0),
        )
        .optional()
        .map_err(translate)?;
    doc.map_or_else(
        || {
            Err(StoreError::NotFound {
                what: "publication",
                id: id.to_string(),
            })
        },
        |d| from_json("publication", &d),
    )
}

impl PublicationReader for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn get_publication(&self, id: &PublicationId) -> StoreResult<Publication> {
        let id = id.clone();
        self.run(move |c| load_publication(c, &id)).await
    }

    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn list_publications(&self) -> StoreResult<Vec<Publication>> {
        self.run(|c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT doc FROM publications ORDER BY deadline IS NULL, deadline, id",
                )
                .map_err(translate)?;
            let docs = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(translate)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(translate)?;
            docs.iter().map(|d| from_json("publication", d)).collect()
        })
        .await
    }
}

impl PublicationWriter for SqliteStore {
    #[instrument(skip(self, meta, publication), fields(store = "sqlite", key = %meta.key, id = %publication.id), err)]
    async fn schedule_publication(
        &self,
        meta: &WriteMeta,
        publication: Publication,
    ) -> StoreResult<Publication> {
        crate::common::check_new_publication(&publication)?;
        let digest = request_digest("schedule_publication", &publication)?;
        self.write(meta, "schedule_publication", digest, move |tx, meta| {
            let res = tx.execute(
                "INSERT INTO publications (id, state, deadline, version, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    publication.id.as_str(),
                    publication.state.name(),
                    publication.deadline.map(|d| d.to_string()),
                    publication.version as i64,
                    to_json(&publication)?
                ],
            );
            match res {
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Conflict {
                        what: "publication",
                        id: publication.id.to_string(),
                        reason: "already scheduled".into(),
                    });
                }
                other => other.map_err(translate)?,
            };
            audit(tx, meta, AuditAction::PublicationScheduled, subject("publication", &publication.id), payload_digest(&publication)?)?;
            Ok(publication)
        })
        .await
    }

    #[instrument(skip(self, meta, transition), fields(store = "sqlite", key = %meta.key), err)]
    async fn transition_publication(
        &self,
        meta: &WriteMeta,
        id: &PublicationId,
        transition: PublicationTransition,
    ) -> StoreResult<Publication> {
        let digest = request_digest("transition_publication", &(id, &transition))?;
        let id = id.clone();
        self.write(meta, "transition_publication", digest, move |tx, meta| {
            let p = load_publication(tx, &id)?;
            let before = p.version;
            let next = p
                .transition(transition, meta.at)
                .map_err(|e| StoreError::from_lifecycle("publication", id.as_str(), e))?;
            let n = tx
                .execute(
                    "UPDATE publications SET state = ?1, version = ?2, doc = ?3 WHERE id = ?4 AND version = ?5",
                    params![next.state.name(), next.version as i64, to_json(&next)?, id.as_str(), before as i64],
                )
                .map_err(translate)?;
            if n != 1 {
                return Err(StoreError::Conflict {
                    what: "publication",
                    id: id.to_string(),
                    reason: "changed concurrently".into(),
                });
            }
            audit(tx, meta, AuditAction::PublicationChanged, subject("publication", &id), payload_digest(&next)?)?;
            Ok(next)
        })
        .await
    }
}

fn insert_approval(tx: &Transaction<'_>, approval: &Approval) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO approvals (id, approved, doc) VALUES (?1, ?2, ?3)",
        params![
            approval.id.as_str(),
            i64::from(approval.is_approved()),
            to_json(approval)?
        ],
    )
    .map_err(translate)?;
    Ok(())
}

fn load_approval(c: &Connection, id: &PublicationId) -> StoreResult<Option<Approval>> {
    let doc: Option<String> = c
        .query_row(
            "SELECT doc FROM approvals WHERE id = ?1",
            [id.as_str()],
            |r| r.get(0),
        )
        .optional()
        .map_err(translate)?;
    doc.map(|d| from_json("approval", &d)).transpose()
}

impl ApprovalReader for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn get_approval(&self, id: &PublicationId) -> StoreResult<Option<Approval>> {
        let id = id.clone();
        self.run(move |c| load_approval(c, &id)).await
    }
}

impl ApprovalWriter for SqliteStore {
    #[instrument(skip(self, meta), fields(store = "sqlite", key = %meta.key), err)]
    async fn approve(&self, meta: &WriteMeta, id: &PublicationId) -> StoreResult<Approval> {
        let digest = request_digest("approve", id)?;
        let id = id.clone();
        self.write(meta, "approve", digest, move |tx, meta| {
            let current = load_approval(tx, &id)?.ok_or_else(|| no_approval(&id))?;
            let next = current
                .approve(&meta.actor, meta.at)
                .map_err(|e| StoreError::from_lifecycle("approval", id.as_str(), e))?;
            let n = tx
                .execute(
                    "UPDATE approvals SET approved = 1, doc = ?1 WHERE id = ?2 AND approved = 0",
                    params![to_json(&next)?, id.as_str()],
                )
                .map_err(translate)?;
            if n != 1 {
                return Err(StoreError::Conflict {
                    what: "approval",
                    id: id.to_string(),
                    reason: "approved concurrently".into(),
                });
            }
            audit(
                tx,
                meta,
                AuditAction::Approved,
                subject("approval", &id),
                payload_digest(&next)?,
            )?;
            Ok(next)
        })
        .await
    }
}

impl AuditLog for SqliteStore {
    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn audit_entries(&self) -> StoreResult<Vec<AuditEntry>> {
        self.run(|c| {
            let mut stmt = c
                .prepare_cached("SELECT doc FROM audit_log ORDER BY position")
                .map_err(translate)?;
            let docs = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(translate)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(translate)?;
            docs.iter().map(|d| from_json("audit entry", d)).collect()
        })
        .await
    }

    #[instrument(skip(self), fields(store = "sqlite"), err)]
    async fn audit_head(&self) -> StoreResult<Option<AuditHead>> {
        self.run(|c| read_head(c)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    fn decision(number: &str) -> Result<PenaltyDecision, testkit::BoxError> {
        Ok(serde_json::from_value(serde_json::json!({
            "number": number,
            "party": {"kind": "organisation", "name": "莆田市某旅行社有限公司", "credit_code": null},
            "cause": "未按规定公示", "legal_basis": "《旅行社条例》", "conditions": "现场检查发现",
            "procedure": "普通程序", "result": "警告", "authority": "莆田市文化和旅游局",
            "decided_on": "2026-10-09", "minor": false, "involves_minor": false,
            "target": null, "plan": null
        }))?)
    }

    /// A database written before approvals existed (schema 1) is migrated, and what it holds
    /// stays publishable: no approval row means "entered when entering was approving".
    #[tokio::test]
    async fn records_from_before_approvals_need_none_and_new_ones_await_one()
    -> Result<(), testkit::BoxError> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("v1.sqlite");
        let old = decision("莆文旅罚〔2025〕1号")?;
        {
            let conn = Connection::open(&path)?;
            conn.execute_batch(schema::MIGRATIONS.first().ok_or("no migration")?)?;
            conn.execute_batch("PRAGMA user_version = 1")?;
            let record = PenaltyRecord {
                decision: old.clone(),
                changes: Vec::new(),
                recorded_at: testkit::AT,
            };
            conn.execute(
                "INSERT INTO penalties (number, decided_on, doc) VALUES (?1, ?2, ?3)",
                params![
                    old.number.as_str(),
                    old.decided_on.to_string(),
                    to_json(&record)?
                ],
            )?;
        }
        let store = SqliteStore::open(&path)?;
        assert_eq!(store.get_penalty(&old.number).await?.decision, old);
        let id = penalty_publication(&old.number);
        assert_eq!(store.get_approval(&id).await?, None);
        let other = WriteMeta::new("ap".parse()?, "supervisor".parse()?, testkit::AT);
        assert!(matches!(
            store.approve(&other, &id).await,
            Err(StoreError::NotFound { .. })
        ));

        let new = decision("莆文旅罚〔2026〕1号")?;
        store
            .record_penalty(&testkit::meta("new")?, new.clone())
            .await?;
        let awaiting = store
            .get_approval(&penalty_publication(&new.number))
            .await?
            .ok_or("a new decision has no approval")?;
        assert!(!awaiting.is_approved());
        Ok(())
    }
}
