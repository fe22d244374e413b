//! The `spotcheck-publisher` Lambda binary: configuration, clients built once, then
//! [`spotcheck_publisher::handle`] under `lambda_runtime`. See the library's docs. Logs and the
//! table's client come from `spotcheck-lambda`, the setup every function shares.
#![recursion_limit = "256"]

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;
use spotcheck_publisher::config::Config;
use spotcheck_publisher::handle;
use spotcheck_publisher::s3::S3Site;

#[tokio::main]
async fn main() -> Result<(), Error> {
    spotcheck_lambda::init_logging();
    let config = Config::from_env(&|k| std::env::var(k).ok())?;
    let calendar = config.calendar()?;
    let store = spotcheck_lambda::connect(&config.dynamo).await?;
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
