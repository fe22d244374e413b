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
//! The event is ignored (any EventBridge payload works); the response is a short summary.

mod config;
mod emf;
mod s3;

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::time::Timestamp;
use spotcheck_site::publisher::{Options, run};
use spotcheck_store::DynamoStore;

use crate::config::Config;
use crate::s3::S3Site;

async fn handle(
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
        "files_written": report.site.written,
        "files_deleted": report.site.deleted,
    }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .without_time()
        .with_current_span(false)
        .init();
    let config = Config::from_env(&|k| std::env::var(k).ok())?;
    let calendar = config.calendar()?;
    let store = DynamoStore::connect(&config.dynamo).await?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let site = S3Site::new(
        aws_sdk_s3::Client::new(&aws),
        config.bucket.clone(),
        config.prefix.clone(),
    );
    let (store, calendar, site, config) = (&store, &calendar, &site, &config);
    lambda_runtime::run(service_fn(move |_event: LambdaEvent<Value>| async move {
        handle(store, calendar, site, config).await
    }))
    .await
}
