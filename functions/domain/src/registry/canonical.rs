//! The canonical byte encoding a snapshot hash is computed over (specified in
//! `docs/registries.md`, "Snapshot hash").
//!
//! ```text
//! hash = SHA-256( str("spotcheck/registry-snapshot/v1") || str(kind) || u64be(count) || record* )
//! record = u32be(field count) || field*
//! field  = str(s)                        -- a text, code, number, flag ("1"/"0") or "" for none
//!        | u32be(n) || str(item)*        -- a list (languages, specialties, conflicts, methods)
//! str(s) = u32be(byte length of s as UTF-8) || UTF-8 bytes of s
//! ```
//!
//! Records are hashed in snapshot order (ascending id, compared as UTF-8 bytes). Which fields are
//! strings and which are lists is fixed per registry kind, so the encoding is unambiguous.

use sha2::{Digest as _, Sha256};

use crate::ids::Digest;

/// The domain-separation tag that opens every snapshot hash.
pub const SNAPSHOT_TAG: &str = "spotcheck/registry-snapshot/v1";

/// Accumulates the canonical encoding of one record.
#[derive(Debug, Default)]
pub struct CanonicalWriter {
    buf: Vec<u8>,
}

impl CanonicalWriter {
    /// Starts a record with `fields` fields, clearing the buffer.
    pub fn begin(&mut self, fields: u32) {
        self.buf.clear();
        self.buf.extend_from_slice(&fields.to_be_bytes());
    }

    /// A string field.
    pub fn str(&mut self, s: &str) {
        let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// A list field.
    pub fn list<'s>(&mut self, items: impl ExactSizeIterator<Item = &'s str>) {
        let n = u32::try_from(items.len()).unwrap_or(u32::MAX);
        self.buf.extend_from_slice(&n.to_be_bytes());
        for item in items {
            self.str(item);
        }
    }

    /// A yes/no field, as `"1"` or `"0"`.
    pub fn flag(&mut self, b: bool) {
        self.str(if b { "1" } else { "0" });
    }

    /// The bytes written since [`Self::begin`].
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }
}

/// Incremental snapshot hasher.
pub(crate) struct SnapshotHasher {
    sha: Sha256,
    writer: CanonicalWriter,
}

impl SnapshotHasher {
    pub(crate) fn new(kind: &str, count: u64) -> Self {
        let mut sha = Sha256::new();
        let mut writer = CanonicalWriter::default();
        writer.buf.clear();
        writer.str(SNAPSHOT_TAG);
        writer.str(kind);
        writer.buf.extend_from_slice(&count.to_be_bytes());
        sha.update(&writer.buf);
        Self { sha, writer }
    }

    pub(crate) fn record(&mut self, encode: impl FnOnce(&mut CanonicalWriter)) {
        encode(&mut self.writer);
        self.sha.update(self.writer.bytes());
    }

    pub(crate) fn finish(self) -> Digest {
        Digest::from_bytes(self.sha.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_length_prefixed_big_endian() {
        let mut w = CanonicalWriter::default();
        w.begin(2);
        w.str("莆");
        w.list(["a", ""].into_iter());
        assert_eq!(
            w.bytes(),
            &[
                0, 0, 0, 2, 0, 0, 0, 3, 0xe8, 0x8e, 0x86, 0, 0, 0, 2, 0, 0, 0, 1, b'a', 0, 0, 0, 0
            ]
        );
    }

    #[test]
    fn empty_snapshot_hash_is_a_known_answer() {
        // SHA-256 of str(tag) || str("guides") || u64be(0), computed independently:
        // printf '\0\0\0\x1espotcheck/registry-snapshot/v1\0\0\0\x06guides\0\0\0\0\0\0\0\0' | sha256sum
        let d = SnapshotHasher::new("guides", 0).finish();
        let mut pre = Vec::new();
        pre.extend_from_slice(&30u32.to_be_bytes());
        pre.extend_from_slice(SNAPSHOT_TAG.as_bytes());
        pre.extend_from_slice(&6u32.to_be_bytes());
        pre.extend_from_slice(b"guides");
        pre.extend_from_slice(&0u64.to_be_bytes());
        assert_eq!(d, Digest::from_bytes(Sha256::digest(&pre).into()));
    }
}
