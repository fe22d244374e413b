//! A cache of immutable published records (commitments and transcripts never change once stored),
//! so a public GET of one is a hash-map lookup instead of a store read, a JSON parse and a
//! canonical re-serialisation.

use std::collections::HashMap;
use std::sync::RwLock;

use axum::body::Bytes;
use axum::http::HeaderValue;

/// The most records kept; when full, the cache starts over (records are cheap to rebuild).
const MAX_ENTRIES: usize = 4096;

/// A record's canonical bytes and its strong `ETag` header value.
#[derive(Clone)]
pub(crate) struct Cached {
    /// The `ETag` header value: the quoted digest.
    pub etag: HeaderValue,
    /// The canonical JSON bytes.
    pub bytes: Bytes,
}

/// Canonical bytes of immutable records by kind and plan id.
#[derive(Default)]
pub(crate) struct ImmutableCache {
    entries: RwLock<HashMap<(&'static str, String), Cached>>,
}

impl ImmutableCache {
    /// The cached record, if any.
    pub fn get(&self, kind: &'static str, id: &str) -> Option<Cached> {
        let map = self.entries.read().ok()?;
        map.get(&(kind, id.to_owned())).cloned()
    }

    /// Remembers a record (only ever call this with a record that can no longer change).
    pub fn put(&self, kind: &'static str, id: &str, value: Cached) {
        if let Ok(mut map) = self.entries.write() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert((kind, id.to_owned()), value);
        }
    }
}
