//! The large-upload routes over HTTP on 127.0.0.1, for the API fuzzing suite
//! (`scripts/test.d/50-api-fuzz.sh`): `spotcheck serve` has no upload bucket, so there both routes
//! answer 404 `large-uploads-unavailable`. This serves `spotcheck_api::uploads_router` (what the
//! `upload-api` function deploys) over an S3 bucket on a local S3-compatible endpoint (moto),
//! authenticating the local server's tokens with its HMAC key, and prints its base URL on the first
//! line of output once it listens.
//!
//! usage: `fuzz_upload_server S3_ENDPOINT BUCKET JWT_KEY_FILE` (the key file as `spotcheck serve`
//! writes it: 32 bytes in hex).

use std::sync::Arc;

use spotcheck_api::{Authenticator, UploadState, system_clock};
use spotcheck_lambda::uploads::{S3Config, S3Uploads};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint, bucket, key_file] = args.as_slice() else {
        return Err("usage: fuzz_upload_server S3_ENDPOINT BUCKET JWT_KEY_FILE".into());
    };
    let text = std::fs::read_to_string(key_file).map_err(|e| format!("{key_file}: {e}"))?;
    let key = from_hex(text.trim()).ok_or_else(|| format!("{key_file}: not a hex key"))?;
    let s3 = S3Uploads::connect(&S3Config::local(bucket, endpoint)).await;
    s3.client().create_bucket().bucket(bucket).send().await?;
    let app = spotcheck_api::uploads_router(UploadState {
        auth: Authenticator::local(&key)?,
        clock: system_clock(),
        bucket: Some(Arc::new(s3)),
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    println!("http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}
