//! Inspector pools: who may be drawn, their department and their declared conflicts of interest.

use std::collections::HashMap;

use crate::encoding::put_lp;
use crate::frame::TreeSummary;
use crate::ids::{Department, IdError, InspectorId, TargetId};
use crate::merkle::{MerkleBuilder, leaf_hash};

/// One inspector as the draw sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolEntry {
    /// The inspector.
    pub id: InspectorId,
    /// Their department.
    pub department: Department,
    /// Targets they declared a relation with (回避): never assigned to these. Sorted, distinct.
    pub conflicts: Vec<TargetId>,
}

impl PoolEntry {
    /// Appends the leaf bytes (spec §5.1):
    /// `lp(id) ‖ lp(department) ‖ u32_be(count) ‖ lp(conflict)…` with conflicts sorted.
    pub fn write_leaf(&self, buf: &mut Vec<u8>) {
        put_lp(buf, self.id.as_str().as_bytes());
        put_lp(buf, self.department.as_str().as_bytes());
        buf.extend_from_slice(&(self.conflicts.len() as u32).to_be_bytes());
        for c in &self.conflicts {
            put_lp(buf, c.as_str().as_bytes());
        }
    }
}

/// A problem with one pool entry or the pool as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// A field is malformed.
    #[error("line {line}, field {field}: {source}")]
    Invalid {
        /// Line (or record number).
        line: u64,
        /// Column name.
        field: &'static str,
        /// What is wrong.
        source: IdError,
    },
    /// The same inspector appears twice.
    #[error(
        "line {second_line}, field inspector_id: duplicate inspector {id:?} (first on line {first_line})"
    )]
    Duplicate {
        /// The repeated id.
        id: String,
        /// First occurrence.
        first_line: u64,
        /// Repeat.
        second_line: u64,
    },
    /// An inspector lists the same conflict twice.
    #[error("line {line}, field conflicts: target {target:?} is listed twice")]
    DuplicateConflict {
        /// Line.
        line: u64,
        /// The repeated target.
        target: String,
    },
}

/// A pool in canonical form: sorted by inspector id, no duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InspectorPool {
    entries: Vec<PoolEntry>,
}

impl InspectorPool {
    /// The entries in canonical order.
    pub fn entries(&self) -> &[PoolEntry] {
        &self.entries
    }

    /// Number of inspectors.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Root and size (spec §5.2).
    pub fn summary(&self) -> TreeSummary {
        let mut b = MerkleBuilder::new();
        let mut buf = Vec::with_capacity(128);
        for e in &self.entries {
            buf.clear();
            e.write_leaf(&mut buf);
            b.push_leaf_hash(leaf_hash(&buf));
        }
        TreeSummary {
            root: b.root(),
            size: self.entries.len() as u64,
        }
    }

    /// For every target named in some conflict list, the canonical indices of the inspectors that
    /// declared it, ascending.
    pub fn conflicts_by_target(&self) -> HashMap<&str, Vec<u32>> {
        let mut m: HashMap<&str, Vec<u32>> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            for c in &e.conflicts {
                m.entry(c.as_str()).or_default().push(i as u32);
            }
        }
        m
    }
}

/// Collects pool entries in any order.
#[derive(Debug, Default)]
pub struct PoolBuilder {
    entries: Vec<(PoolEntry, u64)>,
}

impl PoolBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one inspector from text fields; `conflicts` are target ids in any order.
    ///
    /// # Errors
    /// [`PoolError::Invalid`] naming the field, [`PoolError::DuplicateConflict`].
    pub fn push_fields<'a>(
        &mut self,
        id: &str,
        department: &str,
        conflicts: impl IntoIterator<Item = &'a str>,
        line: u64,
    ) -> Result<(), PoolError> {
        let invalid = |field| {
            move |source| PoolError::Invalid {
                line,
                field,
                source,
            }
        };
        let id: InspectorId = id.parse().map_err(invalid("inspector_id"))?;
        let department: Department = department.parse().map_err(invalid("department"))?;
        let conflicts = conflicts
            .into_iter()
            .map(|c| c.parse::<TargetId>().map_err(invalid("conflicts")))
            .collect::<Result<Vec<_>, _>>()?;
        self.push(
            PoolEntry {
                id,
                department,
                conflicts,
            },
            line,
        )
    }

    /// Adds one inspector.
    ///
    /// # Errors
    /// [`PoolError::DuplicateConflict`] if a target is listed twice.
    pub fn push(&mut self, mut entry: PoolEntry, line: u64) -> Result<(), PoolError> {
        entry
            .conflicts
            .sort_unstable_by(|a, b| a.as_str().as_bytes().cmp(b.as_str().as_bytes()));
        if let Some(w) = entry.conflicts.windows(2).find(|w| w[0] == w[1]) {
            return Err(PoolError::DuplicateConflict {
                line,
                target: w[0].to_string(),
            });
        }
        self.entries.push((entry, line));
        Ok(())
    }

    /// Sorts and rejects duplicate inspectors.
    ///
    /// # Errors
    /// [`PoolError::Duplicate`] naming both lines.
    pub fn finish(mut self) -> Result<InspectorPool, PoolError> {
        self.entries.sort_by(|a, b| {
            a.0.id
                .as_str()
                .as_bytes()
                .cmp(b.0.id.as_str().as_bytes())
                .then(a.1.cmp(&b.1))
        });
        if let Some(w) = self.entries.windows(2).find(|w| w[0].0.id == w[1].0.id) {
            return Err(PoolError::Duplicate {
                id: w[0].0.id.to_string(),
                first_line: w[0].1,
                second_line: w[1].1,
            });
        }
        Ok(InspectorPool {
            entries: self.entries.into_iter().map(|(e, _)| e).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_order_and_conflict_index() -> Result<(), PoolError> {
        let mut b = PoolBuilder::new();
        b.push_fields("ZF2", "城厢区文体旅游局", ["T2", "T1"], 2)?;
        b.push_fields("ZF1", "莆田市文化和旅游局", [], 3)?;
        let p = b.finish()?;
        assert_eq!(p.entries()[0].id.as_str(), "ZF1");
        assert_eq!(p.entries()[1].conflicts[0].as_str(), "T1");
        assert_eq!(p.conflicts_by_target().get("T2"), Some(&vec![1]));
        Ok(())
    }

    #[test]
    fn rejects_duplicates() -> Result<(), PoolError> {
        let mut b = PoolBuilder::new();
        assert!(matches!(
            b.push_fields("ZF1", "D", ["T1", "T1"], 2),
            Err(PoolError::DuplicateConflict { line: 2, .. })
        ));
        b.push_fields("ZF1", "D", [], 3)?;
        b.push_fields("ZF1", "E", [], 4)?;
        assert!(matches!(
            b.finish(),
            Err(PoolError::Duplicate {
                first_line: 3,
                second_line: 4,
                ..
            })
        ));
        Ok(())
    }

    #[test]
    fn conflicts_and_department_are_committed() -> Result<(), PoolError> {
        let one = |dept: &str, conflicts: &[&str]| -> Result<TreeSummary, PoolError> {
            let mut b = PoolBuilder::new();
            b.push_fields("ZF1", dept, conflicts.iter().copied(), 2)?;
            Ok(b.finish()?.summary())
        };
        let base = one("D", &[])?;
        assert_ne!(base, one("E", &[])?);
        assert_ne!(base, one("D", &["T1"])?);
        Ok(())
    }
}
