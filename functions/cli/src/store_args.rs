//! The shared `--store` options: flatten [`StoreArgs`] into any command that reads or writes the
//! store (`#[command(flatten)] store: StoreArgs`).
//!
//! `--store dynamodb` needs the binary built with the feature `dynamodb` (it links the AWS SDK's
//! DynamoDB client); without it, [`Store`] is the SQLite store and `--store dynamodb` is refused
//! with the command that builds it.

use std::path::PathBuf;

#[cfg(feature = "dynamodb")]
use spotcheck_store::{DynamoConfig, StoreConfig};

use crate::exit::Failure;

/// The store the commands open: SQLite or DynamoDB, chosen by `--store`.
#[cfg(feature = "dynamodb")]
pub type Store = spotcheck_store::AnyStore;
/// The store the commands open: SQLite (this binary was built without the feature `dynamodb`).
#[cfg(not(feature = "dynamodb"))]
pub type Store = spotcheck_store::SqliteStore;

/// What `--store dynamodb` answers in a binary built without DynamoDB support.
#[cfg(not(feature = "dynamodb"))]
pub const NO_DYNAMODB: &str = "--store dynamodb: this spotcheck was built without DynamoDB support; \
build it with `cargo build --release -p spotcheck-cli --features dynamodb`";

/// Which storage adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StoreKind {
    /// An embedded SQLite file (the default).
    Sqlite,
    /// A DynamoDB table.
    Dynamodb,
}

/// Where the data lives.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// Storage adapter.
    #[arg(long, value_enum, default_value_t = StoreKind::Sqlite)]
    pub store: StoreKind,
    /// The SQLite database file (with --store sqlite).
    #[arg(long, value_name = "FILE", default_value = "spotcheck.sqlite")]
    pub data: PathBuf,
    /// DynamoDB endpoint, e.g. http://127.0.0.1:8000 for a local emulator (with --store dynamodb;
    /// default: AWS, with the usual AWS_* configuration).
    #[arg(long, value_name = "URL")]
    pub dynamodb_endpoint: Option<String>,
    /// DynamoDB table name (with --store dynamodb).
    #[arg(long, value_name = "NAME", default_value = "spotcheck")]
    pub table: String,
}

impl StoreArgs {
    /// The adapter configuration these options describe.
    #[cfg(feature = "dynamodb")]
    pub fn config(&self) -> StoreConfig {
        match self.store {
            StoreKind::Sqlite => StoreConfig::Sqlite(self.data.clone()),
            StoreKind::Dynamodb => StoreConfig::Dynamo(match &self.dynamodb_endpoint {
                Some(url) => DynamoConfig::local(self.table.clone(), url.clone()),
                None => DynamoConfig::aws(self.table.clone()),
            }),
        }
    }

    /// Opens the store. With `must_exist`, a missing SQLite file is an error instead of a new,
    /// empty database (for commands that only read).
    ///
    /// # Errors
    /// [`Failure::BadInput`] naming the missing file; the store's open errors.
    pub async fn open(&self, must_exist: bool) -> Result<Store, Failure> {
        if must_exist && self.store == StoreKind::Sqlite && !self.data.exists() {
            return Err(Failure::bad_input(format!(
                "{}: no such database (give --data FILE)",
                self.data.display()
            )));
        }
        #[cfg(feature = "dynamodb")]
        let opened = Store::open(&self.config()).await;
        #[cfg(not(feature = "dynamodb"))]
        let opened = match self.store {
            StoreKind::Sqlite => Store::open(&self.data),
            StoreKind::Dynamodb => return Err(Failure::bad_input(NO_DYNAMODB)),
        };
        opened.map_err(|e| Failure::Other(anyhow::anyhow!(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(feature = "dynamodb"))]
    #[tokio::test]
    async fn dynamodb_in_a_binary_built_without_it_is_refused_with_the_build_command() {
        let dir = tempfile::tempdir().ok();
        let args = StoreArgs {
            store: StoreKind::Dynamodb,
            data: dir.map(|d| d.path().join("x.sqlite")).unwrap_or_default(),
            dynamodb_endpoint: Some("http://127.0.0.1:9".into()),
            table: "t".into(),
        };
        let e = args.open(false).await.err();
        assert!(
            matches!(&e, Some(Failure::BadInput(m)) if m.contains("--features dynamodb")),
            "{e:?}"
        );
    }
}
