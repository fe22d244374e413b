//! # spotcheck-uploads
//!
//! Large registry files: uploaded straight to an object store (S3, through a presigned `PUT`) and
//! imported by the importer function, which records the outcome where the inspector API reads it.
//!
//! This crate holds what the upload routes (`spotcheck_api`, which re-exports it as
//! `spotcheck_api::large_upload`) and the importer (`functions/importer`) share — the
//! [`UploadBucket`] port, the key layout, the request record and the outcome document — and
//! neither HTTP nor AWS code: the S3 adapter lives in `spotcheck-lambda`, so `spotcheck serve`
//! (SQLite, no AWS) builds without it and answers the upload routes with a problem document
//! instead, and the importer function links no HTTP framework.
//!
//! # Key layout (one bucket)
//!
//! | Key | Written by | What |
//! |---|---|---|
//! | `requests/{upload_id}.json` | inspector API | [`UploadRequest`]: who asked, which registry, which department, the file name, the URL's expiry |
//! | `uploads/{department}/{kind}/{upload_id}` | the client, with the presigned URL | the registry file itself |
//! | `outcomes/{upload_id}.json` | importer | [`Outcome`]: the snapshot, or the bad rows (the first [`OUTCOME_ERRORS`]) |
//! | `outcomes/{upload_id}-errors.json` | importer | the bad rows (a JSON array, the first 100,000 problems), when there are more than [`OUTCOME_ERRORS`] |
//!
//! Outcomes are objects, not table items: a failed import's error list can be far larger than
//! DynamoDB's 400 KB item limit (and than an API response may be: the API returns the first rows
//! and a presigned link to the whole list).
//!
//! ```
//! use spotcheck_uploads::{UploadId, UploadKey};
//! use spotcheck_domain::registry::RegistryKind;
//! let id: UploadId = "0123456789abcdef0123456789abcdef".parse()?;
//! let key = UploadKey { department: "莆田市文化和旅游局".into(), kind: RegistryKind::Guides, id };
//! assert_eq!(key.to_string(), "uploads/莆田市文化和旅游局/guides/0123456789abcdef0123456789abcdef");
//! assert_eq!(UploadKey::parse(&key.to_string())?, key);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use spotcheck_domain::registry::{RegistryKind, RowError};
use spotcheck_domain::time::Timestamp;

/// How long a presigned upload URL stays valid.
pub const UPLOAD_URL_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// Largest registry file the importer reads (a 1,000,000-row guide file is about 120 MB).
pub const MAX_UPLOAD_BYTES: u64 = 256 * 1024 * 1024;

/// Bad rows kept in an [`Outcome`] itself; the whole list goes to
/// [`UploadId::errors_key`] when it is longer.
pub const OUTCOME_ERRORS: usize = 1000;

/// Prefix of the registry files.
pub const UPLOADS_PREFIX: &str = "uploads/";

/// A future returned by an [`UploadBucket`] method.
pub type BucketFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, BucketError>> + Send + 'a>>;

/// The object store the large-upload path needs: presigned uploads, small JSON documents and
/// size-limited reads. Implemented for S3 by `spotcheck_lambda::uploads::S3Uploads`, and in memory
/// by [`MemoryBucket`] for tests.
pub trait UploadBucket: Send + Sync {
    /// The bucket's name (events from any other bucket are refused).
    fn name(&self) -> &str;

    /// A URL that lets its holder `PUT` one object at `key` until `expires_in` has passed.
    ///
    /// # Errors
    /// [`BucketError::Failed`] if the request cannot be signed.
    fn presign_put<'a>(&'a self, key: &'a str, expires_in: Duration)
    -> BucketFuture<'a, Presigned>;

    /// A URL that lets its holder `GET` the object at `key` until `expires_in` has passed.
    ///
    /// # Errors
    /// [`BucketError::Failed`] if the request cannot be signed.
    fn presign_get<'a>(&'a self, key: &'a str, expires_in: Duration)
    -> BucketFuture<'a, Presigned>;

    /// Writes `body` (JSON) at `key`, replacing what was there.
    ///
    /// # Errors
    /// [`BucketError::Failed`].
    fn put_json<'a>(&'a self, key: &'a str, body: Vec<u8>) -> BucketFuture<'a, ()>;

    /// The object at `key`, or `None` if there is none.
    ///
    /// # Errors
    /// [`BucketError::TooLarge`] if it is larger than `max_bytes` (nothing is read then);
    /// [`BucketError::Failed`].
    fn get<'a>(&'a self, key: &'a str, max_bytes: u64) -> BucketFuture<'a, Option<Vec<u8>>>;
}

/// A presigned request: send the file with this method, URL and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presigned {
    /// `PUT`.
    pub method: String,
    /// The URL, signature included.
    pub url: String,
    /// Headers the request must carry (signed ones included).
    pub headers: Vec<(String, String)>,
}

/// Why the object store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BucketError {
    /// The object is larger than the caller accepts.
    #[error("s3://{bucket}/{key} is {size} bytes, more than the {limit} bytes accepted")]
    TooLarge {
        /// Bucket.
        bucket: String,
        /// Key.
        key: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The request failed (network, permissions, service).
    #[error("s3://{bucket}/{key}: {reason}")]
    Failed {
        /// Bucket.
        bucket: String,
        /// Key.
        key: String,
        /// What went wrong.
        reason: String,
    },
}

/// An upload's id: 32 lowercase hex characters (128 bits, random or derived from an
/// `Idempotency-Key`). It is the importer's idempotency key, so one upload makes at most one
/// snapshot however often its event is delivered.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UploadId(String);

impl UploadId {
    /// An id from 16 bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(hex::encode(bytes))
    }

    /// A fresh random id from the OS generator.
    ///
    /// # Errors
    /// The OS generator's failure, in words.
    pub fn random() -> Result<Self, String> {
        let mut b = [0u8; 16];
        getrandom::fill(&mut b).map_err(|e| format!("OS random generator: {e}"))?;
        Ok(Self::from_bytes(b))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `requests/{id}.json`.
    pub fn request_key(&self) -> String {
        format!("requests/{}.json", self.0)
    }

    /// `outcomes/{id}.json`.
    pub fn outcome_key(&self) -> String {
        format!("outcomes/{}.json", self.0)
    }

    /// `outcomes/{id}-errors.json`: the bad rows (the first 100,000 problems), when there are more
    /// than [`OUTCOME_ERRORS`].
    pub fn errors_key(&self) -> String {
        format!("outcomes/{}-errors.json", self.0)
    }
}

impl FromStr for UploadId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!(
                "upload id {s:?} is not 32 lowercase hexadecimal characters"
            ))
        }
    }
}

impl TryFrom<String> for UploadId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<UploadId> for String {
    fn from(id: UploadId) -> Self {
        id.0
    }
}

impl std::fmt::Display for UploadId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A registry kind from its code (`agencies`, `guides`, `operators`, `inspectors`, `items`).
///
/// # Errors
/// A message listing the codes.
pub fn parse_kind(code: &str) -> Result<RegistryKind, String> {
    match code {
        "agencies" => Ok(RegistryKind::Agencies),
        "guides" => Ok(RegistryKind::Guides),
        "operators" => Ok(RegistryKind::Operators),
        "inspectors" => Ok(RegistryKind::Inspectors),
        "items" => Ok(RegistryKind::Items),
        other => Err(format!(
            "unknown registry {other:?}: agencies, guides, operators, inspectors or items"
        )),
    }
}

/// Where an uploaded file lives: `uploads/{department}/{kind}/{upload_id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadKey {
    /// The uploading department, as the token names it.
    pub department: String,
    /// The registry.
    pub kind: RegistryKind,
    /// The upload.
    pub id: UploadId,
}

impl UploadKey {
    /// Parses an object key. The department is everything between `uploads/` and the last two
    /// segments, so a department name containing `/` still round-trips.
    ///
    /// # Errors
    /// A message saying what is wrong with the key: not under `uploads/`, too few segments, an
    /// unknown registry kind, a malformed upload id.
    pub fn parse(key: &str) -> Result<Self, String> {
        let rest = key.strip_prefix(UPLOADS_PREFIX).ok_or_else(|| {
            format!("object key {key:?} is not under {UPLOADS_PREFIX}: not a registry upload")
        })?;
        let mut parts = rest.rsplitn(3, '/');
        let (Some(id), Some(kind), Some(department)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "object key {key:?} is not {UPLOADS_PREFIX}{{department}}/{{kind}}/{{upload_id}}"
            ));
        };
        if department.is_empty() {
            return Err(format!("object key {key:?} names no department"));
        }
        let kind = parse_kind(kind).map_err(|e| format!("object key {key:?}: {e}"))?;
        let id = id.parse().map_err(|e| format!("object key {key:?}: {e}"))?;
        Ok(Self {
            department: department.to_owned(),
            kind,
            id,
        })
    }
}

impl std::fmt::Display for UploadKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{UPLOADS_PREFIX}{}/{}/{}",
            self.department,
            self.kind.code(),
            self.id
        )
    }
}

/// What the API records when it hands out an upload URL (`requests/{id}.json`): the importer
/// takes the department, registry, file name and actor from here, never from the uploader's
/// object metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadRequest {
    /// The upload.
    pub upload_id: UploadId,
    /// The registry.
    pub kind: RegistryKind,
    /// The department whose administrator asked.
    pub department: String,
    /// The file's name, for error reports and `.xlsx` recognition.
    pub file_name: String,
    /// The token subject of who asked (the audit log's actor for the snapshot).
    pub requested_by: String,
    /// When.
    pub requested_at: Timestamp,
    /// When the upload URL stops working.
    pub expires_at: Timestamp,
}

impl UploadRequest {
    /// Where the file goes.
    pub fn key(&self) -> UploadKey {
        UploadKey {
            department: self.department.clone(),
            kind: self.kind,
            id: self.upload_id.clone(),
        }
    }
}

/// What the importer records when it has finished (`outcomes/{id}.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The upload.
    pub upload_id: UploadId,
    /// The registry.
    pub kind: RegistryKind,
    /// The department it was uploaded for.
    pub department: String,
    /// The file's name.
    pub file_name: String,
    /// The S3 entity tag of the object imported (a later overwrite is recognised and ignored).
    pub etag: Option<String>,
    /// When the importer finished.
    pub finished_at: Timestamp,
    /// Succeeded or failed.
    #[serde(flatten)]
    pub result: OutcomeResult,
}

/// How an import ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OutcomeResult {
    /// Stored as a snapshot.
    Succeeded {
        /// The snapshot's number.
        number: u64,
        /// Its canonical hash (hex).
        hash: String,
        /// Its record count.
        records: u64,
    },
    /// Nothing was stored.
    Failed {
        /// What went wrong, in one sentence.
        reason: String,
        /// How many problems the file has in all (0 when it could not be fetched at all).
        error_count: usize,
        /// The problems, the first [`OUTCOME_ERRORS`] of them; the first 100,000 are at
        /// [`UploadId::errors_key`] when `error_count` is larger.
        errors: Vec<RowError>,
    },
}

/// An in-memory [`UploadBucket`] (tests; nothing is signed: the "URL" is `memory://bucket/key`).
#[derive(Debug, Default)]
pub struct MemoryBucket {
    name: String,
    objects: std::sync::Mutex<std::collections::BTreeMap<String, Vec<u8>>>,
}

impl MemoryBucket {
    /// An empty bucket.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            objects: Default::default(),
        }
    }

    /// Stores an object (what a client's `PUT` would do).
    pub fn insert(&self, key: &str, body: Vec<u8>) {
        if let Ok(mut m) = self.objects.lock() {
            m.insert(key.to_owned(), body);
        }
    }

    /// Removes an object.
    pub fn remove(&self, key: &str) {
        if let Ok(mut m) = self.objects.lock() {
            m.remove(key);
        }
    }

    /// Every key, in order.
    pub fn keys(&self) -> Vec<String> {
        self.objects
            .lock()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn failed(&self, key: &str, reason: &str) -> BucketError {
        BucketError::Failed {
            bucket: self.name.clone(),
            key: key.to_owned(),
            reason: reason.to_owned(),
        }
    }
}

impl UploadBucket for MemoryBucket {
    fn name(&self) -> &str {
        &self.name
    }

    fn presign_put<'a>(&'a self, key: &'a str, _: Duration) -> BucketFuture<'a, Presigned> {
        Box::pin(async move {
            Ok(Presigned {
                method: "PUT".into(),
                url: format!("memory://{}/{key}", self.name),
                headers: Vec::new(),
            })
        })
    }

    fn presign_get<'a>(&'a self, key: &'a str, _: Duration) -> BucketFuture<'a, Presigned> {
        Box::pin(async move {
            Ok(Presigned {
                method: "GET".into(),
                url: format!("memory://{}/{key}", self.name),
                headers: Vec::new(),
            })
        })
    }

    fn put_json<'a>(&'a self, key: &'a str, body: Vec<u8>) -> BucketFuture<'a, ()> {
        Box::pin(async move {
            let mut m = self
                .objects
                .lock()
                .map_err(|_| self.failed(key, "lock poisoned"))?;
            m.insert(key.to_owned(), body);
            Ok(())
        })
    }

    fn get<'a>(&'a self, key: &'a str, max_bytes: u64) -> BucketFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let m = self
                .objects
                .lock()
                .map_err(|_| self.failed(key, "lock poisoned"))?;
            match m.get(key) {
                Some(b) if b.len() as u64 > max_bytes => Err(BucketError::TooLarge {
                    bucket: self.name.clone(),
                    key: key.to_owned(),
                    size: b.len() as u64,
                    limit: max_bytes,
                }),
                Some(b) => Ok(Some(b.clone())),
                None => Ok(None),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> Result<UploadId, String> {
        "0123456789abcdef0123456789abcdef".parse()
    }

    #[test]
    fn keys_outside_uploads_or_with_unknown_kinds_or_bad_ids_are_refused_with_the_reason()
    -> Result<(), String> {
        let id = id()?;
        let e = UploadKey::parse(&format!("outcomes/{id}.json")).err();
        assert!(e.is_some_and(|e| e.contains("not under uploads/")));
        let e = UploadKey::parse(&format!("uploads/d/people/{id}")).err();
        assert!(e.is_some_and(|e| e.contains("unknown registry \"people\"")));
        let e = UploadKey::parse("uploads/d/guides/XYZ").err();
        assert!(e.is_some_and(|e| e.contains("32 lowercase hexadecimal")));
        let e = UploadKey::parse(&format!("uploads/guides/{id}")).err();
        assert!(e.is_some_and(|e| e.contains("{department}/{kind}/{upload_id}")));
        let k = UploadKey::parse(&format!("uploads/a/b/inspectors/{id}"))?;
        assert_eq!(k.department, "a/b");
        assert_eq!(k.kind, RegistryKind::Inspectors);
        Ok(())
    }

    #[test]
    fn an_outcome_is_a_flat_json_object_with_its_status() -> Result<(), Box<dyn std::error::Error>>
    {
        let o = Outcome {
            upload_id: id()?,
            kind: RegistryKind::Guides,
            department: "d".into(),
            file_name: "g.csv".into(),
            etag: None,
            finished_at: Timestamp::from_unix(0),
            result: OutcomeResult::Succeeded {
                number: 3,
                hash: "ab".into(),
                records: 9,
            },
        };
        let v = serde_json::to_value(&o)?;
        assert_eq!(v["status"], "succeeded");
        assert_eq!(v["number"], 3);
        assert_eq!(v["kind"], "guides");
        assert_eq!(serde_json::from_value::<Outcome>(v)?, o);
        Ok(())
    }

    #[test]
    fn random_ids_parse_and_differ() -> Result<(), String> {
        let a = UploadId::random()?;
        let b = UploadId::random()?;
        assert_ne!(a, b);
        assert_eq!(a.as_str().parse::<UploadId>()?, a);
        Ok(())
    }
}
