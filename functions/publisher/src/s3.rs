//! The website in an S3 bucket: the [`SiteSink`] the Lambda function writes through. The manifest
//! (`site-manifest.json` under the prefix) records every file's SHA-256, so a run uploads only
//! what changed and deletes what is gone.

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use spotcheck_site::SiteError;
use spotcheck_site::sink::{MANIFEST, Manifest, SiteSink};

/// A bucket and key prefix.
#[derive(Debug, Clone)]
pub struct S3Site {
    client: Client,
    bucket: String,
    prefix: String,
}

impl S3Site {
    /// The site under `prefix` (empty or ending in `/`) in `bucket`.
    pub fn new(client: Client, bucket: String, prefix: String) -> Self {
        Self {
            client,
            bucket,
            prefix,
        }
    }

    fn key(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    fn err(&self, path: &str, e: impl std::fmt::Display) -> SiteError {
        SiteError::Output {
            path: format!("s3://{}/{}", self.bucket, self.key(path)),
            reason: e.to_string(),
        }
    }
}

/// Cache lifetime: immutable draw files for a year, everything else briefly.
fn cache_control(path: &str) -> &'static str {
    if path.ends_with("/commitment.json")
        || path.ends_with("/transcript.json")
        || path.ends_with(".csv")
    {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    }
}

impl SiteSink for S3Site {
    async fn read_manifest(&self) -> Result<Manifest, SiteError> {
        let got = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.key(MANIFEST))
            .send()
            .await;
        match got {
            Ok(o) => {
                let bytes = o
                    .body
                    .collect()
                    .await
                    .map_err(|e| self.err(MANIFEST, e))?
                    .into_bytes();
                serde_json::from_slice(&bytes).map_err(|e| self.err(MANIFEST, e))
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => {
                Ok(Manifest::default())
            }
            Err(e) => Err(self.err(MANIFEST, aws_sdk_s3::error::DisplayErrorContext(e))),
        }
    }

    async fn write_manifest(&self, manifest: &Manifest) -> Result<(), SiteError> {
        let body = serde_json::to_vec_pretty(manifest).map_err(|e| self.err(MANIFEST, e))?;
        self.put(MANIFEST, "application/json", &body).await
    }

    async fn put(&self, path: &str, content_type: &str, body: &[u8]) -> Result<(), SiteError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(self.key(path))
            .content_type(content_type)
            .cache_control(cache_control(path))
            .body(ByteStream::from(body.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.err(path, aws_sdk_s3::error::DisplayErrorContext(e)))
    }

    async fn delete(&self, path: &str) -> Result<(), SiteError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(self.key(path))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.err(path, aws_sdk_s3::error::DisplayErrorContext(e)))
    }

    async fn exists(&self, _path: &str) -> bool {
        // The manifest is the bucket's record; checking each object would cost a request per file.
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draw_files_are_cached_for_long_pages_briefly() {
        assert!(cache_control("plans/P/transcript.json").contains("immutable"));
        assert!(cache_control("plans/P/frame.csv").contains("immutable"));
        assert_eq!(cache_control("plans/P/index.html"), "public, max-age=300");
        assert_eq!(cache_control("plans/index.json"), "public, max-age=300");
    }
}
