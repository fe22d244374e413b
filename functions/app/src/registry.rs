//! Registry import: the one use case that turns an uploaded file into the next snapshot of a
//! registry, called by the HTTP API (`POST /api/registries/{kind}`), the importer Lambda (large
//! uploads through S3) and `spotcheck import`.
//!
//! 1. References are taken from the store's latest snapshots (guides' agency licences against
//!    the agencies, inspectors' declared conflicts against every target registry) unless the
//!    caller supplies its own ([`ImportOptions::references`]).
//! 2. The file is read and validated within [`ImportLimits`] on tokio's blocking pool, so a large
//!    file never holds up the async runtime (health checks and other requests keep answering).
//! 3. A file with any bad row imports nothing: the error lists the first
//!    [`ImportLimits::max_problems`] problems (row, field, reason) and their total. A file without
//!    records is refused unless [`ImportOptions::allow_empty`].
//! 4. Content identical to the latest snapshot (the same canonical hash) stores nothing and answers
//!    that snapshot ([`ImportOutcome::created`] is `false`); otherwise the snapshot is stored as
//!    the next number under the caller's idempotency key. A race for the number is retried; a
//!    repeated request whose first delivery already stored its snapshot gets that snapshot back.

use serde::Serialize;
use spotcheck_domain::lifecycle::WriteMeta;
use spotcheck_domain::registry::{
    CheckItem, Guide, Inspector, OnlineOperator, ProblemSink, Record, References, RegistryKind,
    RegistrySnapshot, RowError, TravelAgency, ValidationErrors,
};
use spotcheck_domain::store::{RegistryReader, RegistryWriter, SnapshotInfo, StoreError};
pub use spotcheck_import::{Format, ImportLimits, SourceEncoding};

use crate::AppError;

/// How many earlier snapshot numbers a repeated request tries, newest first, to find the snapshot
/// its first delivery already stored.
pub const RECOVERY_PROBES: u64 = 16;

/// Attempts when another import takes the number this one chose.
const NUMBER_ATTEMPTS: usize = 3;

/// How an import runs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Resource limits (documented defaults: docs/registries.md, "Limits").
    pub limits: ImportLimits,
    /// Accept a file with a header and no records (an empty registry replaces the current one).
    pub allow_empty: bool,
    /// Check references against these instead of the store's latest snapshots.
    pub references: Option<References>,
    /// Where every problem of a refused file goes as well, however many the report keeps
    /// (the direct upload route's downloadable report).
    pub report: Option<ReportSink>,
}

/// A [`ProblemSink`] an import sends every problem to (see [`ImportOptions::report`]).
#[derive(Clone)]
pub struct ReportSink(pub std::sync::Arc<dyn ProblemSink>);

impl std::fmt::Debug for ReportSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReportSink")
    }
}

/// The problems of a refused file: the first ones met (file, row, column, value, kind, reason),
/// and how many there were in all. The HTTP API shows each as `{row, field, reason}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RowProblems {
    /// The first problems (at most [`ImportLimits::max_problems`]), by row.
    pub errors: Vec<RowError>,
    /// How many problems the file has in all.
    pub total: usize,
}

impl RowProblems {
    /// The reason of `e` in one line: its kind, the value (if any) and what is wrong.
    pub fn reason(e: &RowError) -> String {
        if e.value.is_empty() {
            format!("{}: {}", e.kind, e.reason)
        } else {
            format!("{}: {:?}: {}", e.kind, e.value, e.reason)
        }
    }
}

impl From<&ValidationErrors> for RowProblems {
    fn from(v: &ValidationErrors) -> Self {
        Self {
            errors: v.errors.clone(),
            total: v.total,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The snapshot: the new one, or the latest one when the content was identical.
    pub info: SnapshotInfo,
    /// Whether a new snapshot was stored (`false`: identical to the latest, nothing stored).
    pub created: bool,
    /// The container format read.
    pub format: Format,
    /// The text encoding detected.
    pub encoding: SourceEncoding,
    /// What references were checked against, in words (e.g. for the CLI).
    pub checked: Vec<String>,
}

/// A file validated into a snapshot, not stored.
#[derive(Debug, Clone)]
pub struct Checked<T> {
    /// The snapshot (numbered as asked).
    pub snapshot: RegistrySnapshot<T>,
    /// The container format read.
    pub format: Format,
    /// The text encoding detected.
    pub encoding: SourceEncoding,
}

/// Validates `bytes` as snapshot `number` of `T`'s registry against `refs`, within the options'
/// limits, refusing an empty file unless allowed. Synchronous and CPU-bound: async callers use
/// [`import_registry`], which runs it on the blocking pool.
///
/// # Errors
/// [`AppError`] `invalid-registry` (422) with [`AppError::problems`]; `empty-registry` (422).
pub fn check<T: Record>(
    file_name: &str,
    bytes: &[u8],
    refs: &References,
    number: u64,
    options: &ImportOptions,
) -> Result<Checked<T>, AppError> {
    let sink = options.report.as_ref().map(|r| &*r.0);
    let imported = spotcheck_import::import_bytes_reporting::<T>(
        file_name,
        bytes,
        refs,
        number,
        &options.limits,
        sink,
    )
    .map_err(|e| match e.validation_errors() {
        Some(v) => invalid(v),
        None => AppError::validation("invalid-registry", e.to_string()),
    })?;
    if imported.snapshot.is_empty() && !options.allow_empty {
        return Err(AppError::validation(
            "empty-registry",
            format!(
                "{file_name} has no {} records: an empty file would replace the registry with \
                 nothing (allow an empty registry explicitly to do that)",
                T::KIND.code()
            ),
        ));
    }
    Ok(Checked {
        snapshot: imported.snapshot,
        format: imported.format,
        encoding: imported.encoding,
    })
}

/// The 422 of a file with bad rows.
pub fn invalid(v: &ValidationErrors) -> AppError {
    AppError::validation(
        "invalid-registry",
        format!(
            "{} problem(s) in {}: nothing was imported{}",
            v.total,
            v.file,
            if v.is_truncated() {
                format!(" (the first {} are listed)", v.errors.len())
            } else {
                String::new()
            }
        ),
    )
    .with_problems(RowProblems::from(v))
}

/// Imports `bytes` (named `file_name`: `.xlsx` or CSV, sniffed) as the next snapshot of `kind`
/// and stores it under `meta`: see the module documentation for the steps.
///
/// # Errors
/// 422 `invalid-registry` (with the row problems) or `empty-registry`; the store's errors
/// (409 when other imports kept taking the number, 503 when it is unavailable).
pub async fn import_registry<S, B>(
    store: &S,
    meta: &WriteMeta,
    kind: RegistryKind,
    file_name: &str,
    bytes: B,
    options: ImportOptions,
) -> Result<ImportOutcome, AppError>
where
    S: RegistryReader + RegistryWriter,
    B: AsRef<[u8]> + Send + 'static,
{
    match kind {
        RegistryKind::Agencies => {
            run::<S, TravelAgency, B>(store, meta, file_name, bytes, options).await
        }
        RegistryKind::Guides => run::<S, Guide, B>(store, meta, file_name, bytes, options).await,
        RegistryKind::Operators => {
            run::<S, OnlineOperator, B>(store, meta, file_name, bytes, options).await
        }
        RegistryKind::Inspectors => {
            run::<S, Inspector, B>(store, meta, file_name, bytes, options).await
        }
        RegistryKind::Items => run::<S, CheckItem, B>(store, meta, file_name, bytes, options).await,
    }
}

/// The references a `kind` file is checked against, from the store's latest snapshots, with a
/// sentence each saying what was checked.
///
/// # Errors
/// The store's.
pub async fn stored_references<S: RegistryReader>(
    store: &S,
    kind: RegistryKind,
) -> Result<(References, Vec<String>), AppError> {
    let mut refs = References::none();
    let mut checked = Vec::new();
    match kind {
        RegistryKind::Guides => match store.latest_snapshot(RegistryKind::Agencies).await? {
            Some(i) => {
                let agencies = store.get_snapshot::<TravelAgency>(i.number).await?;
                refs = refs.with_agencies(&agencies);
                checked.push(format!(
                    "agency licences checked against stored agency snapshot #{}",
                    i.number
                ));
            }
            None => {
                checked.push("agency licences NOT checked (no agency registry stored)".to_owned())
            }
        },
        RegistryKind::Inspectors => {
            let mut ids = Vec::new();
            ids.extend(target_ids::<S, TravelAgency>(store).await?);
            ids.extend(target_ids::<S, Guide>(store).await?);
            ids.extend(target_ids::<S, OnlineOperator>(store).await?);
            if ids.is_empty() {
                checked
                    .push("declared conflicts NOT checked (no target registry stored)".to_owned());
            } else {
                checked.push(format!(
                    "conflicts checked against the {} stored targets",
                    ids.len()
                ));
                refs = refs.with_targets(ids);
            }
        }
        RegistryKind::Agencies | RegistryKind::Operators | RegistryKind::Items => {}
    }
    Ok((refs, checked))
}

/// The ids of the latest snapshot of `T`'s registry (none if there is none).
async fn target_ids<S, T>(store: &S) -> Result<Vec<String>, StoreError>
where
    S: RegistryReader,
    T: Record + serde::de::DeserializeOwned + Send,
{
    Ok(match store.latest_snapshot(T::KIND).await? {
        Some(i) => store
            .get_snapshot::<T>(i.number)
            .await?
            .records()
            .iter()
            .map(|r| r.id().to_owned())
            .collect(),
        None => Vec::new(),
    })
}

fn is_key_reused(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Conflict {
            what: spotcheck_domain::store::IDEMPOTENCY_KEY,
            ..
        }
    )
}

fn is_number_taken(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Conflict {
            what: "snapshot",
            ..
        }
    )
}

async fn run<S, T, B>(
    store: &S,
    meta: &WriteMeta,
    file_name: &str,
    bytes: B,
    options: ImportOptions,
) -> Result<ImportOutcome, AppError>
where
    S: RegistryReader + RegistryWriter,
    T: Record + Serialize + Sync + Send + 'static,
    B: AsRef<[u8]> + Send + 'static,
{
    let (refs, checked) = match options.references.clone() {
        Some(r) => (r, Vec::new()),
        None => stored_references(store, T::KIND).await?,
    };
    let latest = store.latest_snapshot(T::KIND).await?;
    let number = latest.map_or(1, |i| i.number + 1);
    let name = file_name.to_owned();
    let checked_file = tokio::task::spawn_blocking(move || {
        let result = check::<T>(&name, bytes.as_ref(), &refs, number, &options);
        drop(bytes);
        result
    })
    .await
    .map_err(|e| AppError::internal(format!("the import task failed: {e}")))??;
    let Checked {
        snapshot,
        format,
        encoding,
    } = checked_file;
    let outcome = |info: SnapshotInfo, created: bool| ImportOutcome {
        info,
        created,
        format,
        encoding,
        checked: checked.clone(),
    };
    if let Some(prev) = latest
        && prev.hash == snapshot.hash()
    {
        tracing::info!(
            kind = T::KIND.code(),
            number = prev.number,
            "identical to the latest snapshot: nothing stored"
        );
        return Ok(outcome(prev, false));
    }
    let mut snapshot = snapshot;
    for attempt in 1..=NUMBER_ATTEMPTS {
        match store.store_snapshot(meta, &snapshot).await {
            Ok(info) => return Ok(outcome(info, true)),
            Err(e) if is_key_reused(&e) => {
                let number = snapshot.number();
                return recover(store, meta, snapshot, number, e)
                    .await
                    .map(|(info, created)| outcome(info, created));
            }
            Err(e) if is_number_taken(&e) && attempt < NUMBER_ATTEMPTS => {
                let latest = store.latest_snapshot(T::KIND).await?;
                if let Some(prev) = latest
                    && prev.hash == snapshot.hash()
                {
                    return Ok(outcome(prev, false));
                }
                let number = latest.map_or(1, |i| i.number + 1);
                tracing::info!(
                    number,
                    attempt,
                    "another import took the snapshot number; trying the next one"
                );
                snapshot = snapshot.renumbered(number);
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::conflict(
        "snapshot-number-taken",
        format!(
            "other imports kept taking the next {} snapshot number; retry",
            T::KIND.code()
        ),
    ))
}

/// The key was used before: an earlier delivery of this request stored its snapshot under a
/// number below `tried`. Replaying the request with that number makes the store return the first
/// result (a request with another number is refused as a key reuse and writes nothing).
async fn recover<S, T>(
    store: &S,
    meta: &WriteMeta,
    mut snapshot: RegistrySnapshot<T>,
    tried: u64,
    original: StoreError,
) -> Result<(SnapshotInfo, bool), AppError>
where
    S: RegistryWriter,
    T: Record + Serialize + Sync + Send,
{
    for number in (1..tried).rev().take(RECOVERY_PROBES as usize) {
        snapshot = snapshot.renumbered(number);
        match store.store_snapshot(meta, &snapshot).await {
            Ok(info) => {
                tracing::info!(number, "repeated request: its snapshot was already stored");
                return Ok((info, true));
            }
            Err(e) if is_key_reused(&e) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(original.into())
}
