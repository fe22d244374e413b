//! Importing a file and storing it as the next snapshot, through the application core's one
//! registry-import use case ([`spotcheck_app::registry::import_registry`]).

use spotcheck_app::registry::{ImportLimits, ImportOptions};
use spotcheck_domain::lifecycle::WriteMeta;
use spotcheck_domain::registry::{RegistryKind, RowError};
use spotcheck_domain::store::{RegistryReader, RegistryWriter, SnapshotInfo, StoreError};

pub use spotcheck_app::registry::RECOVERY_PROBES;

/// Problems kept for a refused file: the outcome holds the first
/// [`spotcheck_uploads::OUTCOME_ERRORS`], the errors object up to this many (memory
/// stays bounded however many rows are bad; the total is always counted).
pub const MAX_PROBLEMS: usize = 100_000;

/// A file that imports nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejected {
    pub reason: String,
    /// How many problems in all.
    pub total: usize,
    /// The first of them.
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
    bytes: Vec<u8>,
) -> Result<Result<SnapshotInfo, Rejected>, StoreError>
where
    S: RegistryReader + RegistryWriter,
{
    let options = ImportOptions {
        limits: ImportLimits {
            max_problems: MAX_PROBLEMS,
            ..ImportLimits::default()
        },
        ..ImportOptions::default()
    };
    match spotcheck_app::registry::import_registry(store, meta, kind, file_name, bytes, options)
        .await
    {
        Ok(outcome) => Ok(Ok(outcome.info)),
        Err(e) => {
            use spotcheck_app::error::ErrorKind as K;
            match e.kind() {
                K::Validation => {
                    let (total, errors) = e
                        .problems()
                        .map(|p| (p.total, p.errors.clone()))
                        .unwrap_or_default();
                    Ok(Err(Rejected {
                        reason: e.message().to_owned(),
                        total,
                        errors,
                    }))
                }
                K::Unavailable => Err(StoreError::Unavailable(e.message().to_owned())),
                K::Conflict => Err(StoreError::Conflict {
                    what: "snapshot",
                    id: kind.code().to_owned(),
                    reason: e.message().to_owned(),
                }),
                _ => Err(StoreError::Invalid(e.message().to_owned())),
            }
        }
    }
}
