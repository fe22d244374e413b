//! Stored frames and pools: their canonical entries, encoded as the spec's leaf bytes and cut into
//! chunks, so a published download or a verifier rebuilds exactly the committed tree.
//!
//! A chunk is the concatenation of whole leaves in canonical order: for a frame
//! `lp(target_id) ‖ lp(stratum)` per entry (spec §4.1), for a pool
//! `lp(id) ‖ lp(department) ‖ u32_be(count) ‖ lp(conflict)…` per inspector (spec §5.1). Chunks are
//! self-contained, so any chunk decodes on its own.

use serde::{Deserialize, Serialize};

use crate::frame::{Frame, FrameBuilder, InspectorPool, PoolBuilder, TreeSummary};
use crate::time::Timestamp;

/// Frame or pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TreeKind {
    /// A frame of targets.
    Frame,
    /// An inspector pool.
    Pool,
}

impl TreeKind {
    /// `frame` or `pool`.
    pub fn code(self) -> &'static str {
        match self {
            TreeKind::Frame => "frame",
            TreeKind::Pool => "pool",
        }
    }
}

/// What the store records about a stored frame or pool (content-addressed by its root).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredTree {
    /// Frame or pool.
    pub kind: TreeKind,
    /// Root and size.
    pub summary: TreeSummary,
    /// Number of chunks the entries are stored in.
    pub chunks: u32,
    /// When it was first stored.
    pub stored_at: Timestamp,
}

/// Stored entries that do not decode (the storage was damaged or tampered with).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// A chunk ends inside a leaf.
    #[error("chunk {chunk} is truncated at byte {offset}")]
    Truncated {
        /// The chunk.
        chunk: usize,
        /// Where.
        offset: usize,
    },
    /// A field is not valid UTF-8 or not a valid identifier.
    #[error("chunk {chunk}, entry {entry}: {reason}")]
    Invalid {
        /// The chunk.
        chunk: usize,
        /// The entry (0-based over the whole tree).
        entry: u64,
        /// What is wrong.
        reason: String,
    },
    /// The decoded entries do not have the expected root.
    #[error("the stored entries have root {actual}, expected {expected}")]
    RootMismatch {
        /// Expected root.
        expected: crate::ids::Digest,
        /// Root of what was decoded.
        actual: crate::ids::Digest,
    },
}

/// Splits a frame's leaves into chunks of at most `entries_per_chunk` entries.
pub fn encode_frame_chunks(frame: &Frame, entries_per_chunk: usize) -> Vec<Vec<u8>> {
    let per = entries_per_chunk.max(1);
    let mut out = Vec::with_capacity(frame.len().div_ceil(per));
    let mut i = 0;
    while i < frame.len() {
        let end = (i + per).min(frame.len());
        let mut buf = Vec::with_capacity((end - i) * 40);
        for j in i..end {
            frame.write_leaf(j, &mut buf);
        }
        out.push(buf);
        i = end;
    }
    out
}

/// Splits a pool's leaves into chunks of at most `entries_per_chunk` inspectors.
pub fn encode_pool_chunks(pool: &InspectorPool, entries_per_chunk: usize) -> Vec<Vec<u8>> {
    pool.entries()
        .chunks(entries_per_chunk.max(1))
        .map(|c| {
            let mut buf = Vec::with_capacity(c.len() * 64);
            for e in c {
                e.write_leaf(&mut buf);
            }
            buf
        })
        .collect()
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    chunk: usize,
}

impl<'a> Reader<'a> {
    fn u32(&mut self) -> Result<u32, CodecError> {
        let b = self
            .buf
            .get(self.pos..self.pos + 4)
            .ok_or(CodecError::Truncated {
                chunk: self.chunk,
                offset: self.pos,
            })?;
        self.pos += 4;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn lp(&mut self, entry: u64) -> Result<&'a str, CodecError> {
        let n = self.u32()? as usize;
        let b = self
            .buf
            .get(self.pos..self.pos + n)
            .ok_or(CodecError::Truncated {
                chunk: self.chunk,
                offset: self.pos,
            })?;
        self.pos += n;
        std::str::from_utf8(b).map_err(|e| CodecError::Invalid {
            chunk: self.chunk,
            entry,
            reason: e.to_string(),
        })
    }
    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }
}

/// Rebuilds a frame from its chunks (in order) and checks it has the `expected` summary.
///
/// # Errors
/// [`CodecError`] for damaged chunks or a root that is not the expected one.
pub fn decode_frame<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
    expected: &TreeSummary,
) -> Result<Frame, CodecError> {
    let mut b = FrameBuilder::new();
    let mut entry = 0u64;
    for (chunk, buf) in chunks.into_iter().enumerate() {
        let mut r = Reader { buf, pos: 0, chunk };
        while !r.done() {
            let id = r.lp(entry)?;
            let stratum = r.lp(entry)?;
            b.push(id, stratum, entry)
                .map_err(|e| CodecError::Invalid {
                    chunk,
                    entry,
                    reason: e.to_string(),
                })?;
            entry += 1;
        }
    }
    let frame = b.finish().map_err(|e| CodecError::Invalid {
        chunk: 0,
        entry,
        reason: e.to_string(),
    })?;
    let actual = frame.summary();
    if actual != *expected {
        return Err(CodecError::RootMismatch {
            expected: expected.root,
            actual: actual.root,
        });
    }
    Ok(frame)
}

/// Rebuilds a pool from its chunks (in order) and checks it has the `expected` summary.
///
/// # Errors
/// [`CodecError`] for damaged chunks or a root that is not the expected one.
pub fn decode_pool<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
    expected: &TreeSummary,
) -> Result<InspectorPool, CodecError> {
    let mut b = PoolBuilder::new();
    let mut entry = 0u64;
    for (chunk, buf) in chunks.into_iter().enumerate() {
        let mut r = Reader { buf, pos: 0, chunk };
        while !r.done() {
            let id = r.lp(entry)?;
            let department = r.lp(entry)?;
            let n = r.u32()?;
            let mut conflicts = Vec::with_capacity(n.min(1024) as usize);
            for _ in 0..n {
                conflicts.push(r.lp(entry)?);
            }
            b.push_fields(id, department, conflicts, entry)
                .map_err(|e| CodecError::Invalid {
                    chunk,
                    entry,
                    reason: e.to_string(),
                })?;
            entry += 1;
        }
    }
    let pool = b.finish().map_err(|e| CodecError::Invalid {
        chunk: 0,
        entry,
        reason: e.to_string(),
    })?;
    let actual = pool.summary();
    if actual != *expected {
        return Err(CodecError::RootMismatch {
            expected: expected.root,
            actual: actual.root,
        });
    }
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_pools_round_trip_through_chunks() -> Result<(), Box<dyn std::error::Error>> {
        let mut b = FrameBuilder::new();
        for i in 0..1000 {
            b.push(
                &format!("T{i:05}"),
                if i % 3 == 0 { "350302-A" } else { "莆田-B" },
                i,
            )?;
        }
        let frame = b.finish()?;
        let chunks = encode_frame_chunks(&frame, 77);
        assert_eq!(chunks.len(), 13);
        let back = decode_frame(chunks.iter().map(Vec::as_slice), &frame.summary())?;
        assert_eq!(back, frame);

        let mut p = PoolBuilder::new();
        for i in 0..10 {
            p.push_fields(
                &format!("ZF{i}"),
                "莆田市文化和旅游局",
                ["T00001", "T00002"],
                i,
            )?;
        }
        let pool = p.finish()?;
        let chunks = encode_pool_chunks(&pool, 3);
        assert_eq!(
            decode_pool(chunks.iter().map(Vec::as_slice), &pool.summary())?,
            pool
        );

        let mut bad = encode_frame_chunks(&frame, 1000);
        if let Some(c) = bad.first_mut() {
            c.truncate(c.len() - 1);
        }
        assert!(decode_frame(bad.iter().map(Vec::as_slice), &frame.summary()).is_err());
        Ok(())
    }
}
