//! Importing a file and storing it as the next snapshot, idempotently under one key.

use serde::Serialize;
use spotcheck_domain::lifecycle::WriteMeta;
use spotcheck_domain::registry::{
    CheckItem, Guide, Inspector, OnlineOperator, Record, References, RegistryKind,
    RegistrySnapshot, RowError, TravelAgency,
};
use spotcheck_domain::store::{RegistryReader, RegistryWriter, SnapshotInfo, StoreError};

/// How many earlier snapshot numbers a repeated delivery tries, newest first, to find the
/// snapshot its upload already made.
pub const RECOVERY_PROBES: u64 = 16;

/// Attempts when another upload takes the number this one chose.
const NUMBER_ATTEMPTS: usize = 3;

/// A file that imports nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejected {
    pub reason: String,
    pub errors: Vec<RowError>,
}

/// Imports `bytes` as the next snapshot of `kind` and stores it under `meta`'s key.
///
/// The outer error is the store's; the inner one the file's problems.
pub(crate) async fn import_and_store<S>(
    store: &S,
    meta: &WriteMeta,
    kind: RegistryKind,
    file_name: &str,
    bytes: &[u8],
) -> Result<Result<SnapshotInfo, Rejected>, StoreError>
where
    S: RegistryReader + RegistryWriter,
{
    let none = References::none;
    match kind {
        RegistryKind::Agencies => {
            run::<S, TravelAgency>(store, meta, file_name, bytes, none()).await
        }
        RegistryKind::Guides => {
            let refs = match store.latest_snapshot(RegistryKind::Agencies).await? {
                Some(i) => {
                    none().with_agencies(&store.get_snapshot::<TravelAgency>(i.number).await?)
                }
                None => none(),
            };
            run::<S, Guide>(store, meta, file_name, bytes, refs).await
        }
        RegistryKind::Operators => {
            run::<S, OnlineOperator>(store, meta, file_name, bytes, none()).await
        }
        RegistryKind::Inspectors => {
            let mut ids: Vec<String> = Vec::new();
            ids.extend(target_ids::<S, TravelAgency>(store).await?);
            ids.extend(target_ids::<S, Guide>(store).await?);
            ids.extend(target_ids::<S, OnlineOperator>(store).await?);
            run::<S, Inspector>(store, meta, file_name, bytes, none().with_targets(ids)).await
        }
        RegistryKind::Items => run::<S, CheckItem>(store, meta, file_name, bytes, none()).await,
    }
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
            what: "idempotency key",
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

async fn next_number<S: RegistryReader>(store: &S, kind: RegistryKind) -> Result<u64, StoreError> {
    Ok(store
        .latest_snapshot(kind)
        .await?
        .map_or(1, |i| i.number + 1))
}

async fn run<S, T>(
    store: &S,
    meta: &WriteMeta,
    file_name: &str,
    bytes: &[u8],
    refs: References,
) -> Result<Result<SnapshotInfo, Rejected>, StoreError>
where
    S: RegistryReader + RegistryWriter,
    T: Record + Serialize + Sync + Send,
{
    let make = |number: u64| -> Result<RegistrySnapshot<T>, Rejected> {
        spotcheck_import::import_bytes::<T>(file_name, bytes, &refs, number)
            .map(|i| i.snapshot)
            .map_err(|e| Rejected {
                reason: match e.validation_errors() {
                    Some(v) => format!(
                        "{} problem{} in {}: nothing was imported",
                        v.errors.len(),
                        if v.errors.len() == 1 { "" } else { "s" },
                        v.file
                    ),
                    None => e.to_string(),
                },
                errors: e
                    .validation_errors()
                    .map(|v| v.errors.clone())
                    .unwrap_or_default(),
            })
    };
    let mut number = next_number(store, T::KIND).await?;
    for attempt in 1..=NUMBER_ATTEMPTS {
        let snapshot = match make(number) {
            Ok(s) => s,
            Err(rejected) => return Ok(Err(rejected)),
        };
        match store.store_snapshot(meta, &snapshot).await {
            Ok(info) => return Ok(Ok(info)),
            Err(e) if is_key_reused(&e) => {
                drop(snapshot);
                return recover(store, meta, &make, number, e).await.map(Ok);
            }
            Err(e) if is_number_taken(&e) && attempt < NUMBER_ATTEMPTS => {
                tracing::info!(
                    number,
                    attempt,
                    "another upload took the snapshot number; trying the next one"
                );
                number = next_number(store, T::KIND).await?;
            }
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Unavailable(format!(
        "other uploads kept taking the next {} snapshot number; retry",
        T::KIND.code()
    )))
}

/// The key was used before: an earlier delivery stored this upload's snapshot under a number
/// below `tried`. Replaying the request with that number makes the store return the first result
/// (a request with another number is refused as a key reuse and writes nothing).
async fn recover<S, T, F>(
    store: &S,
    meta: &WriteMeta,
    make: &F,
    tried: u64,
    original: StoreError,
) -> Result<SnapshotInfo, StoreError>
where
    S: RegistryWriter,
    T: Record + Serialize + Sync + Send,
    F: Fn(u64) -> Result<RegistrySnapshot<T>, Rejected>,
{
    for number in (1..tried).rev().take(RECOVERY_PROBES as usize) {
        let Ok(snapshot) = make(number) else {
            break;
        };
        match store.store_snapshot(meta, &snapshot).await {
            Ok(info) => {
                tracing::info!(
                    number,
                    "repeated delivery: the upload's snapshot was already stored"
                );
                return Ok(info);
            }
            Err(e) if is_key_reused(&e) => {}
            Err(e) => return Err(e),
        }
    }
    Err(original)
}
