//! The public API on AWS Lambda: `spotcheck_api::public_router` under `lambda_http`, over the
//! DynamoDB store, holding read ports only (its IAM role may only read the table).

use std::sync::Arc;

use spotcheck_lambda::{connect, dynamo_config, init_logging, process_env};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    init_logging();
    let config = dynamo_config(&process_env)?;
    let store = connect(&config).await?;
    lambda_http::run(spotcheck_api::public_router(Arc::new(store))).await
}
