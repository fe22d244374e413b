//! The event: EventBridge's envelope (`aws_lambda_events`) around S3's "Object Created" detail
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html>).

use aws_lambda_events::eventbridge::EventBridgeEvent;
use serde::{Deserialize, Serialize};

use crate::ImporterError;

/// The detail of an S3 "Object Created" event (the fields the importer uses).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct S3Detail {
    bucket: S3Bucket,
    object: S3Object,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct S3Bucket {
    name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct S3Object {
    key: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    etag: Option<String>,
    #[serde(default)]
    version_id: Option<String>,
}

/// An object that was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectCreated {
    /// Its bucket.
    pub bucket: String,
    /// Its key, as the event gives it (possibly percent-encoded).
    pub key: String,
    /// Its size in bytes, if the event says.
    pub size: Option<u64>,
    /// Its entity tag, if the event says.
    pub etag: Option<String>,
    /// Its version, in a versioned bucket.
    pub version_id: Option<String>,
}

/// Parses an EventBridge event and checks that it is S3's "Object Created".
///
/// # Errors
/// [`ImporterError::Event`] naming what is missing or different.
pub fn parse_event(payload: serde_json::Value) -> Result<ObjectCreated, ImporterError> {
    let event: EventBridgeEvent<S3Detail> = serde_json::from_value(payload).map_err(|e| {
        ImporterError::Event(format!(
            "not an EventBridge S3 \"Object Created\" event: {e}"
        ))
    })?;
    if event.source != "aws.s3" || event.detail_type != "Object Created" {
        return Err(ImporterError::Event(format!(
            "expected source \"aws.s3\" and detail-type \"Object Created\", got {:?} and {:?}",
            event.source, event.detail_type
        )));
    }
    tracing::debug!(reason = ?event.detail.reason, "object created");
    Ok(ObjectCreated {
        bucket: event.detail.bucket.name,
        key: event.detail.object.key,
        size: event.detail.object.size,
        etag: event.detail.object.etag,
        version_id: event.detail.object.version_id,
    })
}
