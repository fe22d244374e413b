//! The shared `--store` options: flatten [`StoreArgs`] into any command that reads or writes the
//! store (`#[command(flatten)] store: StoreArgs`).

use std::path::PathBuf;

use spotcheck_store::{AnyStore, DynamoConfig, StoreConfig};

use crate::exit::Failure;

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
    pub async fn open(&self, must_exist: bool) -> Result<AnyStore, Failure> {
        if must_exist && self.store == StoreKind::Sqlite && !self.data.exists() {
            return Err(Failure::bad_input(format!(
                "{}: no such database (give --data FILE)",
                self.data.display()
            )));
        }
        AnyStore::open(&self.config())
            .await
            .map_err(|e| Failure::Other(anyhow::anyhow!(e)))
    }
}
