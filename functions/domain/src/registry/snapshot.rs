//! Immutable, numbered registry snapshots with their canonical hash.

use std::collections::HashSet;

use super::canonical::{CanonicalWriter, SnapshotHasher};
use super::table::{ColumnSpec, Row};
use super::{Cells, References};
use crate::ids::Digest;

/// Which registry (or list) a file or snapshot holds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegistryKind {
    /// 旅行社名录.
    Agencies,
    /// 导游名录.
    Guides,
    /// 在线旅游经营者名录.
    Operators,
    /// 执法检查人员名录.
    Inspectors,
    /// 随机抽查事项清单.
    Items,
}

impl RegistryKind {
    /// The name used in the snapshot hash and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Self::Agencies => "agencies",
            Self::Guides => "guides",
            Self::Operators => "operators",
            Self::Inspectors => "inspectors",
            Self::Items => "items",
        }
    }
}

impl std::fmt::Display for RegistryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A record type that can be imported, snapshotted and hashed.
pub trait Record: Sized {
    /// Which registry holds this record type.
    const KIND: RegistryKind;
    /// The columns of its import file, in canonical (hash) order.
    const COLUMNS: &'static [ColumnSpec];
    /// Headers whose presence rejects the file.
    const FORBIDDEN: &'static [&'static str] = &[];

    /// The record's unique id (the snapshot's sort key).
    fn id(&self) -> &str;

    /// Parses one row, reporting every problem through `cells`; `None` if any was found.
    fn parse_row<R: Row + ?Sized>(cells: &mut Cells<'_, R>, refs: &References) -> Option<Self>;

    /// Writes the canonical encoding (see [`super::canonical`]).
    fn encode(&self, out: &mut CanonicalWriter);
}

/// An immutable registry snapshot: records sorted by id, unique ids, and the canonical hash.
///
/// The number is assigned by whoever stores snapshots (the next unused number for the kind); the
/// hash covers the records only, so re-importing identical data gives the same hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrySnapshot<T> {
    number: u64,
    records: Vec<T>,
    hash: Digest,
}

/// Two records of a would-be snapshot share an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("duplicate id {id:?} (positions {first} and {second})")]
pub struct DuplicateId {
    /// The repeated id.
    pub id: String,
    /// Position (0-based, input order) of the first occurrence.
    pub first: usize,
    /// Position of the repeat.
    pub second: usize,
}

impl<T: Record> RegistrySnapshot<T> {
    /// Sorts `records` by id, checks ids are unique, and hashes them.
    ///
    /// # Errors
    /// Every [`DuplicateId`], with the input positions of both records.
    pub fn from_records(number: u64, mut records: Vec<T>) -> Result<Self, Vec<DuplicateId>> {
        let mut order: Vec<usize> = (0..records.len()).collect();
        let sorted = records.windows(2).all(|w| w[0].id() < w[1].id());
        if !sorted {
            order.sort_by(|&a, &b| records[a].id().cmp(records[b].id()).then(a.cmp(&b)));
            let dups: Vec<DuplicateId> = order
                .windows(2)
                .filter(|w| records[w[0]].id() == records[w[1]].id())
                .map(|w| DuplicateId {
                    id: records[w[1]].id().to_owned(),
                    first: w[0],
                    second: w[1],
                })
                .collect();
            if !dups.is_empty() {
                return Err(dups);
            }
            apply_permutation(&mut records, &mut order);
        }
        let hash = hash_records(&records);
        Ok(Self {
            number,
            records,
            hash,
        })
    }
}

impl<T> RegistrySnapshot<T> {
    /// The snapshot number.
    pub fn number(&self) -> u64 {
        self.number
    }
    /// The records, sorted by id.
    pub fn records(&self) -> &[T] {
        &self.records
    }
    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }
    /// Whether the snapshot has no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    /// The canonical SHA-256 hash.
    pub fn hash(&self) -> Digest {
        self.hash
    }
    /// The same records as snapshot `number` (the hash covers the records only, so it is
    /// unchanged): for a store that found the number it chose already taken.
    pub fn renumbered(mut self, number: u64) -> Self {
        self.number = number;
        self
    }
}

impl<T: Record> RegistrySnapshot<T> {
    /// Which registry this is.
    pub fn kind(&self) -> RegistryKind {
        T::KIND
    }
    /// The record with `id`, if any.
    pub fn get(&self, id: &str) -> Option<&T> {
        self.records
            .binary_search_by(|r| r.id().cmp(id))
            .ok()
            .and_then(|i| self.records.get(i))
    }
    /// Every id, e.g. to check references from another file.
    pub fn ids(&self) -> HashSet<String> {
        self.records.iter().map(|r| r.id().to_owned()).collect()
    }
}

/// The canonical hash of records already in snapshot order.
pub fn hash_records<T: Record>(records: &[T]) -> Digest {
    let mut h = SnapshotHasher::new(T::KIND.code(), records.len() as u64);
    for r in records {
        h.record(|w| r.encode(w));
    }
    h.finish()
}

/// Reorders `items` so that `items[i]` becomes the old `items[order[i]]`, in place, by following
/// cycles (no second copy of the records). `order` is consumed as scratch space.
fn apply_permutation<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..items.len() {
        if order[start] == usize::MAX {
            continue;
        }
        let mut current = start;
        loop {
            let source = order[current];
            order[current] = usize::MAX;
            if source == start || source == usize::MAX {
                break;
            }
            items.swap(current, source);
            current = source;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn permutation_is_applied_in_place(mut v in proptest::collection::vec(any::<u16>(), 0..50)) {
            let mut order: Vec<usize> = (0..v.len()).collect();
            order.sort_by_key(|&i| v[i]);
            let mut expected = v.clone();
            expected.sort();
            apply_permutation(&mut v, &mut order);
            prop_assert_eq!(v, expected);
        }
    }
}
