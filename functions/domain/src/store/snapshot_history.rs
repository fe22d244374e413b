//! The history of a registry's snapshots: every stored snapshot, newest first, with who stored it.

use serde::{Deserialize, Serialize};

use super::SnapshotInfo;
use crate::lifecycle::Actor;

/// One snapshot in a registry's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotEntry {
    /// What the store records about the snapshot.
    pub info: SnapshotInfo,
    /// Who stored it (the actor of its write), when the store knows.
    pub stored_by: Option<Actor>,
}
