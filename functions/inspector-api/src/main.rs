//! The inspector API on AWS Lambda: `spotcheck_api::inspector_router` under `lambda_http`, over
//! the DynamoDB store. API Gateway's JWT authorizer (Cognito) checks tokens; the router reads the
//! claims from the request context. The large-upload routes are served by `upload-api`
//! (`functions/upload-api`), which API Gateway routes them to; this function holds no S3 access.

mod tsa;

use std::sync::Arc;

use spotcheck_api::staff_networks::{StaffNetworks, guard};
use spotcheck_api::{Authenticator, InspectorState, system_clock};
use spotcheck_lambda::{connect, dynamo_config, init_logging, process_env};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    init_logging();
    let config = dynamo_config(&process_env)?;
    // Plan secrets are computed inside KMS (GenerateMac); the environment names the key, no secret.
    let sealer = spotcheck_kms::plan_key_sealer(&process_env).await?;
    // Requests from outside the staff networks are refused before any handler (empty: no list).
    let networks = StaffNetworks::parse(&process_env("SPOTCHECK_STAFF_CIDRS").unwrap_or_default())
        .map_err(|reason| format!("environment variable SPOTCHECK_STAFF_CIDRS: {reason}"))?;
    let store = connect(&config).await?;
    let state = InspectorState {
        store: Arc::new(store),
        auth: Authenticator::ApiGateway,
        sealer,
        clock: system_clock(),
        // Beacon plans are drawn with the round fetched from drand's public relays.
        beacon: Some(Arc::new(spotcheck_beacon::HttpRelays::with_defaults()?)),
        // Each commitment's hash goes to the configured time-stamping authorities (none if unset).
        timestamper: tsa::from_env(&process_env)?,
        schedule: spotcheck_lambda::schedule_policy(&process_env)?,
    };
    lambda_http::run(guard(spotcheck_api::inspector_router(state), networks)).await
}
