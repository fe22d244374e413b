//! The importer on AWS Lambda: EventBridge's S3 "Object Created" events of the upload bucket in,
//! snapshots into DynamoDB and outcomes into the bucket out (see the library's documentation).
//!
//! | Variable | Required | Meaning |
//! |---|---|---|
//! | `SPOTCHECK_TABLE` | yes | DynamoDB table name |
//! | `SPOTCHECK_UPLOAD_BUCKET` | yes | the registry upload bucket |
//! | `SPOTCHECK_DYNAMODB_ENDPOINT` | no | endpoint override (tests, emulators) |
//! | `RUST_LOG` | no | log filter (default `info`) |

#![recursion_limit = "256"]

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;
use spotcheck_lambda::uploads::S3Uploads;
use spotcheck_lambda::{connect, dynamo_config, init_logging, process_env, upload_bucket};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    init_logging();
    let store = connect(&dynamo_config(&process_env)?).await?;
    let bucket = S3Uploads::connect(&upload_bucket(&process_env)?).await;
    let (store, bucket) = (&store, &bucket);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        spotcheck_importer::invoke(store, bucket, event.payload, spotcheck_lambda::now())
            .await
            .map_err(Error::from)
    }))
    .await
}
