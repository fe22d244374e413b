//! # spotcheck-importer
//!
//! The AWS Lambda function that imports large registry files. An administrator asks the inspector
//! API for an upload URL (`POST /api/registries/{kind}/uploads`), which records the request at
//! `requests/{upload_id}.json` and presigns a `PUT` to `uploads/{department}/{kind}/{upload_id}`
//! in the upload bucket. When the file lands, S3 sends an "Object Created" event to EventBridge,
//! whose rule invokes this function; it
//!
//! 1. parses the event ([`parse_event`]) and the key ([`UploadKey::parse`]): anything that is not
//!    `uploads/{department}/{kind}/{upload_id}` with a known kind and a request record that agrees
//!    is refused with an error naming the key (logged; nothing is written);
//! 2. returns at once if `outcomes/{upload_id}.json` already exists (a repeated delivery);
//! 3. reads the file (at most [`MAX_UPLOAD_BYTES`]) and imports it through the application core's
//!    registry-import use case ([`spotcheck_app::registry::import_registry`], the one the direct
//!    upload route and `spotcheck import` call): references checked against the latest
//!    snapshots, the limits of [`spotcheck_app::registry::ImportLimits`], an empty file refused,
//!    content identical to the latest snapshot answered with that snapshot;
//! 4. stores the snapshot with the store's [`RegistryWriter`] under the idempotency key
//!    `upload:{upload_id}` and the requesting administrator as actor;
//! 5. writes the [`Outcome`] — the snapshot's number, hash and record count, or the bad rows —
//!    to `outcomes/{upload_id}.json`, where the inspector API reads it (more than
//!    [`OUTCOME_ERRORS`] bad rows: the first [`MAX_PROBLEMS`] of them to
//!    `outcomes/{upload_id}-errors.json` first; the outcome always counts them all).
//!
//! # At-least-once delivery
//!
//! EventBridge may deliver an event twice, and Lambda retries a failed invocation. One upload id
//! makes at most one snapshot: the store records the idempotency key in the same transaction as
//! the snapshot, so a second delivery that races the first is answered with the first result. A
//! delivery that comes after the first stored its snapshot but before it wrote the outcome
//! (a crash, a timeout) finds the key taken for a different snapshot number; it then replays the
//! request with the numbers below, newest first, until the store recognises the original request
//! and returns its result ([`RECOVERY_PROBES`] at most). Nothing is written twice.
//!
//! A file with any bad row stores nothing and its outcome lists every row.
#![warn(missing_docs)]

mod event;
mod store;

use serde::Serialize;
use spotcheck_domain::lifecycle::{Actor, WriteMeta};
use spotcheck_domain::store::{RegistryReader, RegistryWriter, SnapshotInfo, StoreError};
use spotcheck_domain::time::Timestamp;
use spotcheck_uploads::{
    BucketError, MAX_UPLOAD_BYTES, OUTCOME_ERRORS, Outcome, OutcomeResult, UploadBucket, UploadId,
    UploadKey, UploadRequest,
};

pub use event::{ObjectCreated, parse_event};
pub use store::{MAX_PROBLEMS, RECOVERY_PROBES};

/// Largest request record read (they are a few hundred bytes).
const MAX_RECORD_BYTES: u64 = 64 * 1024;

/// Why an event was not handled. Every variant names the object or upload it is about.
#[derive(Debug, thiserror::Error)]
pub enum ImporterError {
    /// The event is not an S3 "Object Created" event of the upload bucket.
    #[error("event refused: {0}")]
    Event(String),
    /// The object is not a registry upload (outside `uploads/`, unknown kind, malformed id).
    #[error("object refused: {0}")]
    Key(String),
    /// No request record agrees with the object.
    #[error("upload {upload_id} refused: {reason}")]
    Request {
        /// The upload.
        upload_id: UploadId,
        /// What is wrong.
        reason: String,
    },
    /// The bucket failed.
    #[error("upload bucket: {0}")]
    Bucket(#[from] BucketError),
    /// The store failed; the outcome says so when the failure is final.
    #[error("upload {upload_id}: store: {source}")]
    Store {
        /// The upload.
        upload_id: UploadId,
        /// The cause.
        #[source]
        source: StoreError,
    },
}

impl ImporterError {
    /// Whether running the same event again may succeed (Lambda retries failed invocations).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Bucket(BucketError::Failed { .. }) => true,
            Self::Store { source, .. } => source.is_retryable(),
            _ => false,
        }
    }
}

/// What became of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Handled {
    /// Stored as a snapshot (or found already stored by an earlier delivery).
    Imported {
        /// The upload.
        upload_id: UploadId,
        /// The snapshot.
        #[serde(skip)]
        info: SnapshotInfo,
        /// Its number.
        number: u64,
    },
    /// The file was refused; the outcome lists why.
    Rejected {
        /// The upload.
        upload_id: UploadId,
        /// How many bad rows.
        errors: usize,
    },
    /// The outcome already existed: a repeated delivery, nothing done.
    AlreadyDone {
        /// The upload.
        upload_id: UploadId,
    },
}

/// The S3 key as the event gives it, decoded: S3 notifications percent-encode keys (a space as
/// `+`), and departments are Chinese. Keys without `%` or `+` are taken as they are.
fn decode_key(raw: &str) -> Result<String, ImporterError> {
    if !raw.contains(['%', '+']) {
        return Ok(raw.to_owned());
    }
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|e| {
            ImporterError::Key(format!("object key {raw:?} is not UTF-8 once decoded: {e}"))
        })
}

/// Handles one "Object Created" event: see the crate documentation for the steps.
///
/// # Errors
/// [`ImporterError::Event`], [`ImporterError::Key`] and [`ImporterError::Request`] for events
/// that are not registry uploads (nothing is written); [`ImporterError::Bucket`] and
/// [`ImporterError::Store`] when a service fails (retryable ones are left for Lambda's retry; a
/// final store failure is also recorded in the outcome).
pub async fn handle<S, B>(
    store: &S,
    bucket: &B,
    event: &ObjectCreated,
    now: Timestamp,
) -> Result<Handled, ImporterError>
where
    S: RegistryReader + RegistryWriter,
    B: UploadBucket + ?Sized,
{
    if event.bucket != bucket.name() {
        return Err(ImporterError::Event(format!(
            "object {:?} is in bucket {:?}, but this importer serves {:?}",
            event.key,
            event.bucket,
            bucket.name()
        )));
    }
    let key = UploadKey::parse(&decode_key(&event.key)?).map_err(ImporterError::Key)?;
    let id = key.id.clone();
    let refused = |reason: String| ImporterError::Request {
        upload_id: id.clone(),
        reason,
    };
    let Some(record) = bucket.get(&id.request_key(), MAX_RECORD_BYTES).await? else {
        return Err(refused(format!(
            "no request record at {}: upload with a URL from POST /api/registries/{}/uploads",
            id.request_key(),
            key.kind.code()
        )));
    };
    let request: UploadRequest = serde_json::from_slice(&record)
        .map_err(|e| refused(format!("{}: {e}", id.request_key())))?;
    if request.upload_id != id || request.kind != key.kind || request.department != key.department {
        return Err(refused(format!(
            "the object key does not match its request record ({} upload for another department or registry)",
            request.kind.code()
        )));
    }
    if let Some(prior) = bucket.get(&id.outcome_key(), u64::MAX).await? {
        let prior: Option<Outcome> = serde_json::from_slice(&prior).ok();
        if prior.as_ref().and_then(|o| o.etag.as_ref()) != event.etag.as_ref() {
            tracing::warn!(
                upload_id = %id,
                "the upload was overwritten after its import; the new content is ignored (ask for a new upload URL)"
            );
        } else {
            tracing::info!(upload_id = %id, "repeated delivery: the outcome already exists");
        }
        return Ok(Handled::AlreadyDone { upload_id: id });
    }

    let finish = |result: OutcomeResult| Outcome {
        upload_id: id.clone(),
        kind: request.kind,
        department: request.department.clone(),
        file_name: request.file_name.clone(),
        etag: event.etag.clone(),
        finished_at: now,
        result,
    };
    let object_key = request.key().to_string();
    let bytes = match bucket.get(&object_key, MAX_UPLOAD_BYTES).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            let reason = format!("the uploaded file {object_key} no longer exists");
            write_outcome(bucket, &finish(failed(reason))).await?;
            return Ok(Handled::Rejected {
                upload_id: id,
                errors: 0,
            });
        }
        Err(BucketError::TooLarge { size, limit, .. }) => {
            let reason = format!(
                "the file is {size} bytes; at most {limit} bytes are imported: split the registry or remove unused columns"
            );
            write_outcome(bucket, &finish(failed(reason))).await?;
            return Ok(Handled::Rejected {
                upload_id: id,
                errors: 0,
            });
        }
        Err(e) => return Err(e.into()),
    };

    let meta = WriteMeta::new(
        format!("upload:{id}")
            .parse()
            .map_err(|e| refused(format!("idempotency key: {e}")))?,
        request
            .requested_by
            .parse::<Actor>()
            .or_else(|_| "service:importer".parse())
            .map_err(|e| refused(format!("actor: {e}")))?,
        now,
    );
    let stored =
        store::import_and_store(store, &meta, request.kind, &request.file_name, bytes).await;
    match stored {
        Ok(Ok(info)) => {
            write_outcome(
                bucket,
                &finish(OutcomeResult::Succeeded {
                    number: info.number,
                    hash: info.hash.to_hex(),
                    records: info.records,
                }),
            )
            .await?;
            tracing::info!(upload_id = %id, kind = info.kind.code(), number = info.number, records = info.records, "imported");
            Ok(Handled::Imported {
                upload_id: id,
                number: info.number,
                info,
            })
        }
        Ok(Err(mut rejected)) => {
            let errors = rejected.total;
            if rejected.errors.len() > OUTCOME_ERRORS {
                // Every row, first: the outcome that points at it is written last.
                let all = serde_json::to_vec(&rejected.errors).map_err(|e| {
                    ImporterError::Bucket(BucketError::Failed {
                        bucket: bucket.name().to_owned(),
                        key: id.errors_key(),
                        reason: format!("encode the error list: {e}"),
                    })
                })?;
                bucket.put_json(&id.errors_key(), all).await?;
                rejected.errors.truncate(OUTCOME_ERRORS);
            }
            write_outcome(
                bucket,
                &finish(OutcomeResult::Failed {
                    reason: rejected.reason,
                    error_count: errors,
                    errors: rejected.errors,
                }),
            )
            .await?;
            tracing::info!(upload_id = %id, kind = request.kind.code(), errors, "refused: nothing imported");
            Ok(Handled::Rejected {
                upload_id: id,
                errors,
            })
        }
        Err(source) => {
            if !source.is_retryable() {
                let reason = format!("the file is valid but could not be stored: {source}");
                write_outcome(bucket, &finish(failed(reason))).await?;
            }
            Err(ImporterError::Store {
                upload_id: id,
                source,
            })
        }
    }
}

fn failed(reason: String) -> OutcomeResult {
    OutcomeResult::Failed {
        reason,
        error_count: 0,
        errors: Vec::new(),
    }
}

async fn write_outcome<B: UploadBucket + ?Sized>(
    bucket: &B,
    outcome: &Outcome,
) -> Result<(), ImporterError> {
    let body = serde_json::to_vec(outcome).map_err(|e| {
        ImporterError::Bucket(BucketError::Failed {
            bucket: bucket.name().to_owned(),
            key: outcome.upload_id.outcome_key(),
            reason: format!("encode the outcome: {e}"),
        })
    })?;
    bucket
        .put_json(&outcome.upload_id.outcome_key(), body)
        .await?;
    Ok(())
}

/// The Lambda entry point's body: parses `payload` as an EventBridge S3 "Object Created" event,
/// [`handle`]s it, logs what happened (ids and counts; never row contents) and returns a short
/// JSON summary.
///
/// # Errors
/// As [`handle`]; the error is logged first.
pub async fn invoke<S, B>(
    store: &S,
    bucket: &B,
    payload: serde_json::Value,
    now: Timestamp,
) -> Result<serde_json::Value, ImporterError>
where
    S: RegistryReader + RegistryWriter,
    B: UploadBucket + ?Sized,
{
    let result = match parse_event(payload) {
        Ok(event) => handle(store, bucket, &event, now).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(handled) => Ok(serde_json::to_value(&handled).unwrap_or_default()),
        Err(e) => {
            tracing::error!(error = %e, retryable = e.is_retryable(), "registry upload not imported");
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests;
