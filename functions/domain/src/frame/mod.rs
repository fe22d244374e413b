//! Frames (the candidate targets of a plan) and inspector pools, in their canonical forms, with
//! RFC 6962 Merkle roots and inclusion proofs (docs/draw-spec.md §4–§5).
//!
//! ```
//! use spotcheck_domain::frame::FrameBuilder;
//! let mut b = FrameBuilder::new();
//! b.push("91350302MA2XN4QJ2B", "350302-A", 2)?;
//! b.push("D-3503-000123", "350303-B", 3)?;
//! let frame = b.finish()?;
//! assert_eq!(frame.len(), 2);
//! let proof = frame.prove("91350302MA2XN4QJ2B").ok_or("not found")?;
//! proof.verify()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod pool;
mod proof;

pub use pool::{InspectorPool, PoolBuilder, PoolEntry, PoolError};
pub use proof::InclusionProof;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::encoding::put_lp;
use crate::ids::{Digest, IdError, StratumKey, TargetId};
use crate::merkle::{MAX_IN_PLACE, MerkleBuilder, leaf_hash, sha256_in_place};

/// What a commitment records of a frame or pool: its Merkle root and its number of entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TreeSummary {
    /// RFC 6962 Merkle tree hash of the canonical entries.
    pub root: Digest,
    /// Number of entries (at most 2^53 − 1 when read, draw spec §3).
    #[serde(deserialize_with = "crate::draw::json_integer")]
    pub size: u64,
}

/// A problem with one frame entry or with the frame as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// A target id is malformed.
    #[error("line {line}, field target_id: {source}")]
    InvalidTarget {
        /// Line (or record number) the caller gave for the entry.
        line: u64,
        /// What is wrong.
        source: IdError,
    },
    /// A stratum key is malformed.
    #[error("line {line}, field stratum: {source}")]
    InvalidStratum {
        /// Line (or record number) the caller gave for the entry.
        line: u64,
        /// What is wrong.
        source: IdError,
    },
    /// The same target id appears twice.
    #[error(
        "line {second_line}, field target_id: duplicate target id {id:?} (first on line {first_line})"
    )]
    Duplicate {
        /// The repeated id.
        id: String,
        /// Line of the first occurrence.
        first_line: u64,
        /// Line of the repeat.
        second_line: u64,
    },
    /// More entries than the format allows (2^32 − 1, or 4 GiB of ids).
    #[error("the frame is too large for one draw")]
    TooLarge,
}

/// A frame in canonical form: entries sorted by target id (UTF-8 byte order), no duplicates.
///
/// Ids are kept in one contiguous buffer so a 1,000,000-entry frame costs about 30 MB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    ids: String,
    id_ends: Vec<u32>,
    strata: Vec<StratumKey>,
    entry_stratum: Vec<u32>,
}

impl Frame {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.id_ends.len()
    }

    /// Whether the frame has no entries.
    pub fn is_empty(&self) -> bool {
        self.id_ends.is_empty()
    }

    /// The target id at canonical index `i`. Panics never: out of range gives `""`.
    pub fn id(&self, i: usize) -> &str {
        let end = self.id_ends.get(i).copied().unwrap_or(0) as usize;
        let start = if i == 0 {
            0
        } else {
            self.id_ends.get(i - 1).copied().unwrap_or(0) as usize
        };
        self.ids.get(start..end).unwrap_or("")
    }

    /// Index into [`Frame::strata`] of entry `i`'s stratum.
    pub fn stratum_index(&self, i: usize) -> usize {
        self.entry_stratum.get(i).copied().unwrap_or(0) as usize
    }

    /// The stratum of entry `i`.
    pub fn stratum(&self, i: usize) -> Option<&StratumKey> {
        self.strata.get(self.stratum_index(i))
    }

    /// The distinct strata, sorted by UTF-8 bytes.
    pub fn strata(&self) -> &[StratumKey] {
        &self.strata
    }

    /// Canonical index of a target id, by binary search.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.id(mid).as_bytes().cmp(id.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// For each stratum (in [`Frame::strata`] order), the canonical indices of its members, ascending.
    pub fn members_by_stratum(&self) -> Vec<Vec<u32>> {
        let mut out = vec![Vec::new(); self.strata.len()];
        for (i, s) in self.entry_stratum.iter().enumerate() {
            if let Some(v) = out.get_mut(*s as usize) {
                v.push(i as u32);
            }
        }
        out
    }

    /// Number of entries in each stratum, in [`Frame::strata`] order.
    pub fn stratum_sizes(&self) -> Vec<u64> {
        let mut out = vec![0u64; self.strata.len()];
        for &s in &self.entry_stratum {
            if let Some(v) = out.get_mut(s as usize) {
                *v += 1;
            }
        }
        out
    }

    /// For each stratum, its members' canonical indices (ascending), laid out one stratum after the
    /// other in one array; stratum `s` occupies `starts[s]..starts[s + 1]`.
    pub fn members_flat(&self) -> (Vec<u32>, Vec<u32>) {
        let mut starts = vec![0u32; self.strata.len() + 1];
        for &s in &self.entry_stratum {
            starts[s as usize + 1] += 1;
        }
        for s in 1..starts.len() {
            starts[s] += starts[s - 1];
        }
        let mut next = starts.clone();
        let mut members = vec![0u32; self.len()];
        for (i, &s) in self.entry_stratum.iter().enumerate() {
            members[next[s as usize] as usize] = i as u32;
            next[s as usize] += 1;
        }
        (members, starts)
    }

    /// The target id of entry `i` as a [`TargetId`] (already validated when the frame was built).
    pub fn target_id(&self, i: usize) -> TargetId {
        TargetId::from_validated(self.id(i))
    }

    /// Appends entry `i`'s leaf bytes, `lp(target_id) ‖ lp(stratum)` (spec §4.1), to `buf`.
    pub fn write_leaf(&self, i: usize, buf: &mut Vec<u8>) {
        put_lp(buf, self.id(i).as_bytes());
        put_lp(buf, self.stratum(i).map_or("", |s| s.as_str()).as_bytes());
    }

    /// The RFC 6962 leaf hash of entry `i`.
    pub fn leaf_hash(&self, i: usize) -> Digest {
        let id = self.id(i).as_bytes();
        let stratum = self.stratum(i).map_or("", |s| s.as_str()).as_bytes();
        // The usual leaf (0x00 ‖ lp(id) ‖ lp(stratum), about 40 bytes) is laid out on the stack and
        // hashed in place; a longer one takes the general path.
        let len = 9 + id.len() + stratum.len();
        if len <= MAX_IN_PLACE {
            let mut buf = [0u8; 3 * 64];
            let (a, b) = (5 + id.len(), 9 + id.len());
            buf[1..5].copy_from_slice(&(id.len() as u32).to_be_bytes());
            buf[5..a].copy_from_slice(id);
            buf[a..b].copy_from_slice(&(stratum.len() as u32).to_be_bytes());
            buf[b..len].copy_from_slice(stratum);
            if let Some(d) = sha256_in_place(&mut buf, len) {
                return d;
            }
        }
        let mut buf = Vec::with_capacity(len);
        self.write_leaf(i, &mut buf);
        leaf_hash(&buf)
    }

    /// Root and size (spec §4.2).
    pub fn summary(&self) -> TreeSummary {
        let mut b = MerkleBuilder::new();
        for i in 0..self.len() {
            b.push_leaf_hash(self.leaf_hash(i));
        }
        TreeSummary {
            root: b.root(),
            size: self.len() as u64,
        }
    }

    /// An inclusion proof for `target`, or `None` if it is not in the frame.
    pub fn prove(&self, target: &str) -> Option<InclusionProof> {
        let index = self.index_of(target)?;
        let leaves: Vec<Digest> = (0..self.len()).map(|i| self.leaf_hash(i)).collect();
        let path = crate::merkle::audit_path(&leaves, index)?;
        Some(InclusionProof {
            frame_root: crate::merkle::root_of(&leaves),
            frame_size: self.len() as u64,
            index: index as u64,
            target: target.parse().ok()?,
            stratum: self.stratum(index)?.clone(),
            path,
        })
    }

    /// Entries in canonical order as `(target id, stratum)`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &StratumKey)> + '_ {
        (0..self.len()).filter_map(|i| Some((self.id(i), self.stratum(i)?)))
    }
}

/// Collects frame entries in any order and produces the canonical [`Frame`].
#[derive(Debug, Default)]
pub struct FrameBuilder {
    ids: String,
    id_ends: Vec<u32>,
    lines: Vec<u64>,
    stratum_lookup: HashMap<String, u32>,
    stratum_names: Vec<String>,
    entry_stratum: Vec<u32>,
}

impl FrameBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one entry; `line` is echoed in errors (a CSV line number, or a record number).
    ///
    /// # Errors
    /// [`FrameError::InvalidTarget`] / [`FrameError::InvalidStratum`] for malformed fields,
    /// [`FrameError::TooLarge`] past the format's limits. Duplicates are found by [`FrameBuilder::finish`].
    pub fn push(&mut self, target: &str, stratum: &str, line: u64) -> Result<(), FrameError> {
        TargetId::validate(target).map_err(|source| FrameError::InvalidTarget { line, source })?;
        StratumKey::validate(stratum)
            .map_err(|source| FrameError::InvalidStratum { line, source })?;
        let s = match self.stratum_lookup.get(stratum) {
            Some(&s) => s,
            None => {
                let s =
                    u32::try_from(self.stratum_names.len()).map_err(|_| FrameError::TooLarge)?;
                self.stratum_lookup.insert(stratum.to_owned(), s);
                self.stratum_names.push(stratum.to_owned());
                s
            }
        };
        self.ids.push_str(target);
        let end = u32::try_from(self.ids.len()).map_err(|_| FrameError::TooLarge)?;
        self.id_ends.push(end);
        self.lines.push(line);
        self.entry_stratum.push(s);
        Ok(())
    }

    /// Number of entries pushed so far.
    pub fn len(&self) -> usize {
        self.id_ends.len()
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.id_ends.is_empty()
    }

    fn raw_id(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.id_ends[i - 1] as usize
        };
        &self.ids[start..self.id_ends[i] as usize]
    }

    /// Sorts, rejects duplicates and returns the canonical frame.
    ///
    /// # Errors
    /// [`FrameError::Duplicate`] naming both lines of the first repeated id (in sorted order).
    pub fn finish(self) -> Result<Frame, FrameError> {
        let n = self.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            self.raw_id(a as usize)
                .as_bytes()
                .cmp(self.raw_id(b as usize).as_bytes())
                .then(a.cmp(&b))
        });
        for w in order.windows(2) {
            let (a, b) = (w[0] as usize, w[1] as usize);
            if self.raw_id(a) == self.raw_id(b) {
                return Err(FrameError::Duplicate {
                    id: self.raw_id(a).to_owned(),
                    first_line: self.lines[a],
                    second_line: self.lines[b],
                });
            }
        }
        // Strata in byte order, and a map from insertion index to sorted index.
        let mut sorted: Vec<u32> = (0..self.stratum_names.len() as u32).collect();
        sorted.sort_unstable_by(|&a, &b| {
            self.stratum_names[a as usize]
                .as_bytes()
                .cmp(self.stratum_names[b as usize].as_bytes())
        });
        let mut remap = vec![0u32; sorted.len()];
        for (new, &old) in sorted.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let strata = sorted
            .iter()
            .map(|&old| {
                StratumKey::try_from(self.stratum_names[old as usize].as_str())
                    .map_err(|source| FrameError::InvalidStratum { line: 0, source })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut ids = String::with_capacity(self.ids.len());
        let mut id_ends = Vec::with_capacity(n);
        let mut entry_stratum = Vec::with_capacity(n);
        for &i in &order {
            ids.push_str(self.raw_id(i as usize));
            id_ends.push(ids.len() as u32);
            entry_stratum.push(remap[self.entry_stratum[i as usize] as usize]);
        }
        Ok(Frame {
            ids,
            id_ends,
            strata,
            entry_stratum,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(entries: &[(&str, &str)]) -> Result<Frame, FrameError> {
        let mut b = FrameBuilder::new();
        for (i, (id, s)) in entries.iter().enumerate() {
            b.push(id, s, i as u64 + 2)?;
        }
        b.finish()
    }

    #[test]
    fn canonical_form_is_independent_of_input_order() -> Result<(), FrameError> {
        let a = frame(&[("b", "x"), ("a", "y"), ("莆田", "x")])?;
        let b = frame(&[("莆田", "x"), ("b", "x"), ("a", "y")])?;
        assert_eq!(a, b);
        assert_eq!(a.summary(), b.summary());
        assert_eq!(a.id(0), "a");
        assert_eq!(a.id(2), "莆田");
        assert_eq!(a.strata().len(), 2);
        assert_eq!(a.index_of("b"), Some(1));
        assert_eq!(a.index_of("c"), None);
        assert_eq!(a.members_by_stratum(), vec![vec![1, 2], vec![0]]);
        Ok(())
    }

    #[test]
    fn duplicates_name_both_lines() {
        let err = frame(&[("a", "x"), ("b", "x"), ("a", "y")]).err();
        assert_eq!(
            err,
            Some(FrameError::Duplicate {
                id: "a".into(),
                first_line: 2,
                second_line: 4
            })
        );
    }

    #[test]
    fn malformed_fields_name_the_line_and_field() {
        let err = frame(&[("a", "x"), ("b c", "x")])
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|m| m.starts_with("line 3, field target_id")),
            "{err:?}"
        );
        let err = frame(&[("a", "")]).err().map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|m| m.contains("field stratum")),
            "{err:?}"
        );
    }

    #[test]
    fn changing_a_stratum_changes_the_root() -> Result<(), FrameError> {
        let a = frame(&[("a", "x"), ("b", "x")])?;
        let b = frame(&[("a", "x"), ("b", "y")])?;
        assert_ne!(a.summary().root, b.summary().root);
        Ok(())
    }
}
