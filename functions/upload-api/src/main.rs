//! The large registry upload routes on AWS Lambda: `spotcheck_api::uploads_router` under
//! `lambda_http`, over the S3 upload bucket (`SPOTCHECK_UPLOAD_BUCKET`). API Gateway sends
//! `POST /api/registries/{kind}/uploads` and `GET /api/registries/{kind}/uploads/{upload_id}` here
//! (behind the same Cognito JWT authorizer as the inspector API), so only this function holds
//! the bucket's permissions and the inspector function stays free of the S3 client; the importer
//! (`functions/importer`) does the rest. It never touches the table.

use std::sync::Arc;

use spotcheck_api::staff_networks::{StaffNetworks, guard};
use spotcheck_api::{Authenticator, UploadState, system_clock};
use spotcheck_lambda::uploads::S3Uploads;
use spotcheck_lambda::{init_logging, process_env, upload_bucket};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    init_logging();
    let bucket = S3Uploads::connect(&upload_bucket(&process_env)?).await;
    // Requests from outside the staff networks are refused before any handler (empty: no list).
    let networks = StaffNetworks::parse(&process_env("SPOTCHECK_STAFF_CIDRS").unwrap_or_default())
        .map_err(|reason| format!("environment variable SPOTCHECK_STAFF_CIDRS: {reason}"))?;
    let router = spotcheck_api::uploads_router(UploadState {
        auth: Authenticator::ApiGateway,
        clock: system_clock(),
        bucket: Some(Arc::new(bucket)),
    });
    lambda_http::run(guard(router, networks)).await
}
