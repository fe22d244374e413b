//! # spotcheck-lambda
//!
//! The small amount of code every spotcheck Lambda function shares: its configuration from
//! environment variables (named once, here, so `infra/template.yaml` can be checked against them),
//! JSON logs for CloudWatch, the DynamoDB store (feature `dynamodb`) and the registry upload bucket
//! (feature `uploads`). It depends on neither the HTTP crate nor SQLite, so each function links
//! only what it deploys with.
//!
//! | Variable | Used by | Meaning |
//! |---|---|---|
//! | `SPOTCHECK_TABLE` | all | DynamoDB table name |
//! | `SPOTCHECK_DYNAMODB_ENDPOINT` | all (optional) | endpoint override (tests, local emulators) |
//! | `SPOTCHECK_UPLOAD_BUCKET` | inspector-api, importer | the registry upload bucket ([`uploads`]) |
//! | `RUST_LOG` | all (optional) | log filter, default `info` |
#![warn(missing_docs)]

#[cfg(feature = "uploads")]
pub mod uploads;

#[cfg(feature = "dynamodb")]
use spotcheck_store::{DynamoConfig, DynamoStore};

/// Every environment variable a spotcheck function reads.
pub const ENV_VARS: &[&str] = &[
    "SPOTCHECK_TABLE",
    "SPOTCHECK_DYNAMODB_ENDPOINT",
    "SPOTCHECK_UPLOAD_BUCKET",
    "SPOTCHECK_MIN_NOTICE_MINUTES",
    "RUST_LOG",
];

/// A function could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A required variable is missing or malformed.
    #[error("environment variable {name}: {reason}")]
    Env {
        /// The variable.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The store could not be reached.
    #[error("store: {0}")]
    Store(#[from] spotcheck_domain::store::StoreError),
}

/// Reads a variable through `get` (the process environment in production, a map in tests).
fn required(
    get: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<String, StartError> {
    get(name)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| StartError::Env {
            name,
            reason: "is not set".into(),
        })
}

#[cfg(feature = "dynamodb")]
/// The DynamoDB configuration from `SPOTCHECK_TABLE` and `SPOTCHECK_DYNAMODB_ENDPOINT`.
///
/// # Errors
/// [`StartError::Env`] if the table is not named.
pub fn dynamo_config(get: &dyn Fn(&str) -> Option<String>) -> Result<DynamoConfig, StartError> {
    let table = required(get, "SPOTCHECK_TABLE")?;
    Ok(
        match get("SPOTCHECK_DYNAMODB_ENDPOINT").filter(|e| !e.is_empty()) {
            Some(endpoint) => DynamoConfig::local(table, endpoint),
            None => DynamoConfig::aws(table),
        },
    )
}

/// The scheduling policy: the minimum notice between commit and planned draw from
/// `SPOTCHECK_MIN_NOTICE_MINUTES` (default 1440, 24 hours), the horizon one year.
///
/// # Errors
/// [`StartError::Env`] if the variable is set and not a whole number of minutes.
pub fn schedule_policy(
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<spotcheck_domain::lifecycle::SchedulePolicy, StartError> {
    let mut policy = spotcheck_domain::lifecycle::SchedulePolicy::default();
    if let Some(text) = get("SPOTCHECK_MIN_NOTICE_MINUTES").filter(|v| !v.trim().is_empty()) {
        let minutes: u32 = text.trim().parse().map_err(|_| StartError::Env {
            name: "SPOTCHECK_MIN_NOTICE_MINUTES",
            reason: format!("{text:?} is not a whole number of minutes"),
        })?;
        policy.min_notice_secs = i64::from(minutes) * 60;
    }
    Ok(policy)
}

#[cfg(feature = "uploads")]
/// The registry upload bucket from `SPOTCHECK_UPLOAD_BUCKET` (on AWS; tests build
/// [`uploads::S3Config::local`] themselves).
///
/// # Errors
/// [`StartError::Env`] if the bucket is not named.
pub fn upload_bucket(
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<uploads::S3Config, StartError> {
    Ok(uploads::S3Config::aws(required(
        get,
        "SPOTCHECK_UPLOAD_BUCKET",
    )?))
}

#[cfg(feature = "dynamodb")]
/// Connects to the table.
///
/// # Errors
/// [`StartError::Store`] if the client cannot be built.
pub async fn connect(config: &DynamoConfig) -> Result<DynamoStore, StartError> {
    DynamoStore::connect(config)
        .await
        .map_err(StartError::Store)
}

/// JSON logs on stdout (CloudWatch), filtered by `RUST_LOG` (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_target(false)
        .without_time()
        .try_init();
}

/// The process environment as a lookup function.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The system clock, read per event.
pub fn now() -> spotcheck_domain::time::Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    spotcheck_domain::time::Timestamp::from_unix(i64::try_from(secs).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[cfg(feature = "dynamodb")]
    #[test]
    fn a_missing_table_is_named() {
        let e = dynamo_config(&env(&[])).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("environment variable SPOTCHECK_TABLE: is not set")
        );
    }

    #[cfg(feature = "uploads")]
    #[test]
    fn the_upload_bucket_must_be_named() -> Result<(), StartError> {
        let e = upload_bucket(&env(&[])).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("environment variable SPOTCHECK_UPLOAD_BUCKET: is not set")
        );
        let c = upload_bucket(&env(&[("SPOTCHECK_UPLOAD_BUCKET", "b")]))?;
        assert_eq!(c.bucket, "b");
        assert!(c.endpoint.is_none() && !c.path_style);
        Ok(())
    }

    #[cfg(feature = "dynamodb")]
    #[test]
    fn an_endpoint_override_points_at_a_local_table() -> Result<(), StartError> {
        let c = dynamo_config(&env(&[
            ("SPOTCHECK_TABLE", "t"),
            ("SPOTCHECK_DYNAMODB_ENDPOINT", "http://127.0.0.1:5000"),
        ]))?;
        assert_eq!(c.endpoint.as_deref(), Some("http://127.0.0.1:5000"));
        assert_eq!(c.table, "t");
        Ok(())
    }
}
