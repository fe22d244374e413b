//! The registry upload bucket on S3: the [`UploadBucket`] port of `spotcheck_uploads`,
//! used by the inspector API (presigned uploads, request records, outcomes) and by the importer
//! (the uploaded file, outcomes).

use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use spotcheck_uploads::{BucketError, BucketFuture, Presigned, UploadBucket};

/// Where the upload bucket is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Config {
    /// The bucket.
    pub bucket: String,
    /// Endpoint override (moto, MinIO); `None` for AWS.
    pub endpoint: Option<String>,
    /// Region; `None` for the default chain (`AWS_REGION` on Lambda).
    pub region: Option<String>,
    /// Path-style addressing (`http://host/bucket/key`), which local servers need.
    pub path_style: bool,
    /// Fixed dummy credentials (for a local endpoint that ignores them).
    pub local_credentials: bool,
}

impl S3Config {
    /// The bucket on AWS, default credentials chain, virtual-hosted addressing.
    pub fn aws(bucket: impl Into<String>) -> Self {
        Self {
            bucket: bucket.into(),
            endpoint: None,
            region: None,
            path_style: false,
            local_credentials: false,
        }
    }

    /// A local S3-compatible endpoint (moto): path-style, dummy credentials, `us-east-1`.
    pub fn local(bucket: impl Into<String>, endpoint: impl Into<String>) -> Self {
        Self {
            bucket: bucket.into(),
            endpoint: Some(endpoint.into()),
            region: Some("us-east-1".into()),
            path_style: true,
            local_credentials: true,
        }
    }
}

/// The upload bucket. Cheap to clone.
#[derive(Debug, Clone)]
pub struct S3Uploads {
    client: Client,
    bucket: String,
}

impl S3Uploads {
    /// Builds the client (once, in `main`).
    pub async fn connect(config: &S3Config) -> Self {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(r) = &config.region {
            loader = loader.region(aws_config::Region::new(r.clone()));
        }
        if let Some(e) = &config.endpoint {
            loader = loader.endpoint_url(e);
        }
        if config.local_credentials {
            loader = loader.credentials_provider(aws_sdk_s3::config::Credentials::new(
                "local",
                "local",
                None,
                None,
                "spotcheck-local",
            ));
        }
        let sdk = loader.load().await;
        let s3 = aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(config.path_style)
            .build();
        Self {
            client: Client::from_conf(s3),
            bucket: config.bucket.clone(),
        }
    }

    /// The SDK client (tests create the bucket with it).
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn failed(&self, key: &str, reason: impl std::fmt::Display) -> BucketError {
        BucketError::Failed {
            bucket: self.bucket.clone(),
            key: key.to_owned(),
            reason: reason.to_string(),
        }
    }
}

/// The port's view of a presigned request: method, URL and the headers the client must send.
fn presigned(req: &aws_sdk_s3::presigning::PresignedRequest) -> Presigned {
    Presigned {
        method: req.method().to_owned(),
        url: req.uri().to_owned(),
        headers: req
            .headers()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    }
}

impl UploadBucket for S3Uploads {
    fn name(&self) -> &str {
        &self.bucket
    }

    fn presign_put<'a>(
        &'a self,
        key: &'a str,
        expires_in: Duration,
    ) -> BucketFuture<'a, Presigned> {
        Box::pin(async move {
            let config =
                PresigningConfig::expires_in(expires_in).map_err(|e| self.failed(key, e))?;
            let req = self
                .client
                .put_object()
                .bucket(&self.bucket)
                .key(key)
                .presigned(config)
                .await
                .map_err(|e| self.failed(key, DisplayErrorContext(e)))?;
            Ok(presigned(&req))
        })
    }

    fn presign_get<'a>(
        &'a self,
        key: &'a str,
        expires_in: Duration,
    ) -> BucketFuture<'a, Presigned> {
        Box::pin(async move {
            let config =
                PresigningConfig::expires_in(expires_in).map_err(|e| self.failed(key, e))?;
            let req = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(key)
                .presigned(config)
                .await
                .map_err(|e| self.failed(key, DisplayErrorContext(e)))?;
            Ok(presigned(&req))
        })
    }

    fn put_json<'a>(&'a self, key: &'a str, body: Vec<u8>) -> BucketFuture<'a, ()> {
        Box::pin(async move {
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(key)
                .content_type("application/json")
                .body(ByteStream::from(body))
                .send()
                .await
                .map_err(|e| self.failed(key, DisplayErrorContext(e)))?;
            Ok(())
        })
    }

    fn get<'a>(&'a self, key: &'a str, max_bytes: u64) -> BucketFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let got = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(key)
                .send()
                .await;
            let object = match got {
                Ok(o) => o,
                Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => {
                    return Ok(None);
                }
                Err(e) => return Err(self.failed(key, DisplayErrorContext(e))),
            };
            let size = object.content_length().unwrap_or(0).max(0) as u64;
            if size > max_bytes {
                return Err(BucketError::TooLarge {
                    bucket: self.bucket.clone(),
                    key: key.to_owned(),
                    size,
                    limit: max_bytes,
                });
            }
            let bytes = object
                .body
                .collect()
                .await
                .map_err(|e| self.failed(key, e))?
                .into_bytes();
            Ok(Some(bytes.to_vec()))
        })
    }
}
