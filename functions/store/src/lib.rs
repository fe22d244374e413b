//! # spotcheck-store
//!
//! The storage adapters behind the domain's ports ([`spotcheck_domain::store`]): an embedded
//! SQLite file ([`SqliteStore`], the default for the CLI and `spotcheck serve`) and DynamoDB
//! ([`DynamoStore`], in production on Lambda). Both enforce the same invariants in the storage
//! itself — one commitment and one draw per plan, immutable records, a hash-chained append-only
//! audit log, atomic multi-record changes and idempotent writes — and both pass one contract test
//! suite (`tests/contract/`). The design, the SQLite schema and the DynamoDB single-table layout
//! are in `docs/storage.md`.
//!
//! Each adapter is a cargo feature: `sqlite` (the default) and `dynamodb`; `AnyStore`, the
//! run-time choice between them, exists when both are on.
//!
//! ```
//! use spotcheck_domain::lifecycle::verify_chain;
//! use spotcheck_domain::store::{AuditLog, FrameReader, FrameWriter};
//! use spotcheck_store::{SqliteStore, testkit};
//!
//! # fn main() -> Result<(), testkit::BoxError> {
//! let dir = tempfile::tempdir()?;
//! let store = SqliteStore::open(dir.path().join("spotcheck.sqlite"))?;
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! rt.block_on(async {
//!     let frame = testkit::frame(100)?;
//!     let stored = store.put_frame(&testkit::meta("k1")?, &frame).await?;
//!     assert_eq!(store.get_frame(&stored.summary.root).await?, frame);
//!     let log = store.audit_entries().await?;
//!     verify_chain(&log, store.audit_head().await?)?;
//!     Ok::<(), testkit::BoxError>(())
//! })
//! # }
//! ```
#![warn(missing_docs)]

#[cfg(all(feature = "sqlite", feature = "dynamodb"))]
mod any;
mod common;
#[cfg(feature = "dynamodb")]
pub mod dynamo;
pub mod replay;
#[cfg(feature = "sqlite")]
pub mod sqlite;
#[doc(hidden)]
pub mod testkit;

#[cfg(all(feature = "sqlite", feature = "dynamodb"))]
pub use any::{AnyStore, StoreConfig};
#[cfg(feature = "dynamodb")]
pub use dynamo::{DynamoConfig, DynamoStore};
pub use replay::{Discrepancy, replay_through_ports};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
