//! # spotcheck-publisher
//!
//! The AWS Lambda function that publishes (一公开): run by an EventBridge schedule (e.g. every
//! hour on working days), it does exactly what `spotcheck publish --due` does locally — schedules
//! every publishable record with its statutory deadline, publishes what is due, withdraws changed
//! or revoked penalty decisions, expires penalties at the end of their period — over the DynamoDB
//! store, writes the public website to an S3 bucket (only the files that changed), logs the JSON
//! report, and emits the overdue count as a CloudWatch metric (an EMF log line).
//!
//! ## Configuration (environment variables)
//!
//! | Variable | Required | Meaning |
//! |---|---|---|
//! | `SPOTCHECK_TABLE` | yes | DynamoDB table name |
//! | `SPOTCHECK_SITE_BUCKET` | yes | S3 bucket the website is written to |
//! | `SPOTCHECK_SITE_PREFIX` | no | key prefix inside the bucket, e.g. `public/` (default: none) |
//! | `SPOTCHECK_SITE_BASE_URL` | no | the site's public URL, for feeds and download commands |
//! | `SPOTCHECK_SITE_TITLE` | no | title shown on every page |
//! | `SPOTCHECK_SITE_CONFIG` | no | the site configuration file (the bureau's identity, deployed with the function; docs/publication.md) |
//! | `SPOTCHECK_CALENDAR_FILE` | no | a calendar file (deployed with the function) merged over the embedded years |
//! | `SPOTCHECK_DYNAMODB_ENDPOINT` | no | endpoint override (tests, emulators) |
//! | `SPOTCHECK_METRIC_NAMESPACE` | no | CloudWatch namespace of the metrics (default `Spotcheck`) |
//! | `RUST_LOG` | no | log filter (default `info`) |
//!
//! IAM: `dynamodb:GetItem`, `Query`, `PutItem`, `TransactWriteItems` on the table (publications
//! are written), `s3:GetObject`, `PutObject`, `DeleteObject` on the bucket prefix. Run it with
//! **reserved concurrency 1**: the store-level steps are idempotent and race-safe, but two
//! concurrent site uploads could leave the older rendering last.
//!
//! The event is ignored (any EventBridge payload works); the response is a short summary
//! ([`handle`]). `main.rs` only reads the configuration, builds the clients once and hands
//! [`handle`] to `lambda_runtime`; the tests call [`handle`] directly (against moto, see
//! `tests/s3_site.rs` and `scripts/test.d/36-site-s3.sh`).

#![warn(missing_docs)]

pub mod config;
pub mod emf;
pub mod s3;

use serde_json::{Value, json};
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::time::Timestamp;
use spotcheck_site::publisher::{Options, run};
use spotcheck_store::DynamoStore;

use crate::config::Config;
use crate::s3::S3Site;

/// What the handler returns to the runtime on failure.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// One invocation: a whole publisher run as of now, the report logged as JSON, the EMF metrics
/// line printed, and a short summary returned.
///
/// # Errors
/// The run's [`spotcheck_site::SiteError`] (store, calendar, redaction, S3), boxed.
pub async fn handle(
    store: &DynamoStore,
    calendar: &Calendar,
    site: &S3Site,
    config: &Config,
) -> Result<Value, Error> {
    let now = Timestamp::from_datetime(chrono::Utc::now());
    let mut opts = Options::at(now)?;
    opts.render.base_url = config.base_url.clone();
    if let Some(t) = &config.site_title {
        opts.render.site_title = t.clone();
    }
    if let Some(f) = &config.site_config {
        opts.render.identity = Some(spotcheck_site::identity::SiteIdentity::load(
            std::path::Path::new(f),
        )?);
    }
    let report = run(store, calendar, site, &opts, || Ok(())).await?;
    tracing::info!(report = %serde_json::to_string(&report)?, "publisher report");
    println!(
        "{}",
        emf::overdue_line(&config.metric_namespace, &report, now)
    );
    Ok(json!({
        "published": report.published.len(),
        "taken_down": report.taken_down.len(),
        "overdue": report.overdue.len(),
        "due_soon": report.due_soon.len(),
        "blocked": report.blocked.len(),
        "awaiting_approval": report.awaiting_approval.len(),
        "files_written": report.site.written,
        "files_deleted": report.site.deleted,
    }))
}
