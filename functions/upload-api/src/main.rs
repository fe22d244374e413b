//! The large registry upload routes on AWS Lambda: `spotcheck_api::uploads_router` under
//! `lambda_http`, over the S3 upload bucket (`SPOTCHECK_UPLOAD_BUCKET`). API Gateway sends
//! `POST /api/registries/{kind}/uploads` and `GET /api/registries/{kind}/uploads/{upload_id}` here
//! (behind the same Cognito JWT authorizer as the inspector API), so only this function holds
//! the bucket's permissions and the inspector function stays free of the S3 client; the importer
//! (`functions/importer`) does the rest. It never touches the table.

use std::sync::Arc;

use spotcheck_api::{Authenticator, UploadState, system_clock};
use spotcheck_lambda::uploads::S3Uploads;
use spotcheck_lambda::{init_logging, process_env, upload_bucket};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    init_logging();
    let bucket = S3Uploads::connect(&upload_bucket(&process_env)?).await;
    lambda_http::run(spotcheck_api::uploads_router(UploadState {
        auth: Authenticator::ApiGateway,
        clock: system_clock(),
        bucket: Some(Arc::new(bucket)),
    }))
    .await
}
