//! The audit log: append-only and hash-chained. Each entry's hash covers its own fields and the
//! previous entry's hash, so editing, removing or reordering any entry breaks the chain at a
//! place [`verify_chain`] names.
//!
//! Entry hash = `SHA-256(lp("spotcheck/v1/audit") ‖ u64_be(seq) ‖ lp(at) ‖ lp(actor) ‖ lp(action)
//! ‖ lp(subject) ‖ payload_digest ‖ prev_hash)`, with `at` in the fixed timestamp form and the
//! action in its snake_case code. The first entry's `prev_hash` is [`GENESIS_HASH`] (32 zero
//! bytes).

use serde::{Deserialize, Serialize};

use super::meta::Actor;
use crate::encoding::{put_lp, tagged_hash};
use crate::ids::Digest;
use crate::time::Timestamp;

/// The domain-separation tag of audit entry hashes.
pub const AUDIT_TAG: &str = "spotcheck/v1/audit";

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: Digest = Digest::from_bytes([0; 32]);

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A registry snapshot was stored.
    SnapshotStored,
    /// A frame was stored.
    FrameStored,
    /// An inspector pool was stored.
    PoolStored,
    /// A plan was created.
    PlanCreated,
    /// A draft plan was changed.
    PlanChanged,
    /// A plan was cancelled.
    PlanCancelled,
    /// A commitment was recorded.
    Committed,
    /// A draw was recorded.
    Drawn,
    /// An inspection result was recorded.
    ResultRecorded,
    /// A penalty decision was recorded.
    PenaltyRecorded,
    /// A penalty decision was changed or withdrawn.
    PenaltyChanged,
    /// A publication was scheduled.
    PublicationScheduled,
    /// A publication changed state.
    PublicationChanged,
    /// A result or decision was approved for publication.
    Approved,
    /// A time-stamp attempt on a commitment was recorded (pending, failed or obtained).
    TimestampRecorded,
    /// A result or decision awaiting approval was returned to its author with a reason.
    DraftReturned,
    /// A result awaiting approval was amended by its author (and so resubmitted).
    ResultAmended,
    /// A result awaiting approval was withdrawn by its author.
    ResultWithdrawn,
    /// A decision awaiting approval was amended by its author (and so resubmitted).
    PenaltyAmended,
    /// A decision awaiting approval was withdrawn by its author.
    PenaltyWithdrawn,
}

impl AuditAction {
    /// The snake_case code hashed into the entry.
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::SnapshotStored => "snapshot_stored",
            AuditAction::FrameStored => "frame_stored",
            AuditAction::PoolStored => "pool_stored",
            AuditAction::PlanCreated => "plan_created",
            AuditAction::PlanChanged => "plan_changed",
            AuditAction::PlanCancelled => "plan_cancelled",
            AuditAction::Committed => "committed",
            AuditAction::Drawn => "drawn",
            AuditAction::ResultRecorded => "result_recorded",
            AuditAction::PenaltyRecorded => "penalty_recorded",
            AuditAction::PenaltyChanged => "penalty_changed",
            AuditAction::PublicationScheduled => "publication_scheduled",
            AuditAction::PublicationChanged => "publication_changed",
            AuditAction::Approved => "approved",
            AuditAction::TimestampRecorded => "timestamp_recorded",
            AuditAction::DraftReturned => "draft_returned",
            AuditAction::ResultAmended => "result_amended",
            AuditAction::ResultWithdrawn => "result_withdrawn",
            AuditAction::PenaltyAmended => "penalty_amended",
            AuditAction::PenaltyWithdrawn => "penalty_withdrawn",
        }
    }
}

/// The newest entry's sequence number and hash: what a new entry chains to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    /// The newest entry's `seq`.
    pub seq: u64,
    /// The newest entry's `hash`.
    pub hash: Digest,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// 1 for the first entry, +1 after.
    pub seq: u64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: Actor,
    /// What.
    pub action: AuditAction,
    /// To what, e.g. `plan:PT-2026-001`.
    pub subject: String,
    /// SHA-256 of the canonical JSON of the stored record (or request).
    pub payload_digest: Digest,
    /// The previous entry's hash ([`GENESIS_HASH`] for the first).
    pub prev_hash: Digest,
    /// This entry's hash.
    pub hash: Digest,
}

impl AuditEntry {
    /// The entry that follows `head` (or the first entry when `head` is `None`).
    pub fn next(
        head: Option<AuditHead>,
        at: Timestamp,
        actor: Actor,
        action: AuditAction,
        subject: String,
        payload_digest: Digest,
    ) -> Self {
        let (seq, prev_hash) = match head {
            Some(h) => (h.seq + 1, h.hash),
            None => (1, GENESIS_HASH),
        };
        let mut e = Self {
            seq,
            at,
            actor,
            action,
            subject,
            payload_digest,
            prev_hash,
            hash: GENESIS_HASH,
        };
        e.hash = e.compute_hash();
        e
    }

    /// Recomputes the hash from the other fields.
    pub fn compute_hash(&self) -> Digest {
        let mut buf = Vec::with_capacity(256);
        buf.extend_from_slice(&self.seq.to_be_bytes());
        put_lp(&mut buf, self.at.to_string().as_bytes());
        put_lp(&mut buf, self.actor.as_str().as_bytes());
        put_lp(&mut buf, self.action.code().as_bytes());
        put_lp(&mut buf, self.subject.as_bytes());
        buf.extend_from_slice(self.payload_digest.as_bytes());
        buf.extend_from_slice(self.prev_hash.as_bytes());
        tagged_hash(AUDIT_TAG, &[&buf])
    }

    /// This entry as a head.
    pub fn head(&self) -> AuditHead {
        AuditHead {
            seq: self.seq,
            hash: self.hash,
        }
    }
}

/// Where the audit chain is broken, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditChainError {
    /// The entry's content does not match its hash: it was edited.
    #[error(
        "entry seq {seq} (position {position}) was edited: its hash does not match its content"
    )]
    Edited {
        /// The entry's seq.
        seq: u64,
        /// Its position in the log as stored (0-based).
        position: usize,
    },
    /// Entries are missing.
    #[error("entries seq {first}..={last} were removed (found seq {found} at position {position})")]
    Removed {
        /// First missing seq.
        first: u64,
        /// Last missing seq.
        last: u64,
        /// The seq found instead.
        found: u64,
        /// Where.
        position: usize,
    },
    /// An entry is out of order.
    #[error("entry seq {seq} is out of order (at position {position}, expected seq {expected})")]
    Reordered {
        /// The entry's seq.
        seq: u64,
        /// Where it is.
        position: usize,
        /// The seq expected there.
        expected: u64,
    },
    /// An entry does not chain to its predecessor although both hash correctly: the predecessor
    /// was replaced wholesale (edited with its hash recomputed).
    #[error(
        "entry seq {seq} does not chain to entry seq {previous}: entry seq {previous} was replaced"
    )]
    Replaced {
        /// The entry whose prev_hash does not match.
        seq: u64,
        /// The entry that was replaced.
        previous: u64,
    },
    /// The newest entries are missing: the log ends before the recorded head.
    #[error("entries after seq {last} were removed: the head records seq {head_seq}")]
    TailRemoved {
        /// The last seq present.
        last: u64,
        /// The head's seq.
        head_seq: u64,
    },
    /// The head does not match the last entry.
    #[error("the head (seq {head_seq}) does not match the last entry (seq {last})")]
    HeadMismatch {
        /// The head's seq.
        head_seq: u64,
        /// The last entry's seq.
        last: u64,
    },
}

/// Checks a log, in stored order, against its recorded head (if any). Returns the number of
/// entries checked.
///
/// # Errors
/// The first break found, naming the entry: [`AuditChainError::Edited`], `Removed`,
/// `Reordered`, `Replaced`, `TailRemoved`, `HeadMismatch`.
pub fn verify_chain(
    entries: &[AuditEntry],
    head: Option<AuditHead>,
) -> Result<u64, AuditChainError> {
    let mut prev: Option<&AuditEntry> = None;
    for (position, e) in entries.iter().enumerate() {
        let expected = prev.map_or(1, |p| p.seq + 1);
        if e.seq != expected {
            // A later seq: entries missing, unless the missing ones appear further on (moved).
            if e.seq > expected && !entries[position..].iter().any(|x| x.seq == expected) {
                return Err(AuditChainError::Removed {
                    first: expected,
                    last: e.seq - 1,
                    found: e.seq,
                    position,
                });
            }
            return Err(AuditChainError::Reordered {
                seq: e.seq,
                position,
                expected,
            });
        }
        if e.compute_hash() != e.hash {
            return Err(AuditChainError::Edited {
                seq: e.seq,
                position,
            });
        }
        let want_prev = prev.map_or(GENESIS_HASH, |p| p.hash);
        if e.prev_hash != want_prev {
            return Err(AuditChainError::Replaced {
                seq: e.seq,
                previous: prev.map_or(0, |p| p.seq),
            });
        }
        prev = Some(e);
    }
    let last = prev.map_or(0, |p| p.seq);
    if let Some(h) = head {
        if h.seq > last {
            return Err(AuditChainError::TailRemoved {
                last,
                head_seq: h.seq,
            });
        }
        if prev.map(AuditEntry::head) != Some(h) {
            return Err(AuditChainError::HeadMismatch {
                head_seq: h.seq,
                last,
            });
        }
    }
    Ok(entries.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(n: u64) -> Result<Vec<AuditEntry>, Box<dyn std::error::Error>> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let e = AuditEntry::next(
                out.last().map(AuditEntry::head),
                Timestamp::from_unix(1_800_000_000 + i as i64),
                "clerk".parse()?,
                AuditAction::PlanCreated,
                format!("plan:P{i}"),
                crate::encoding::sha256(&i.to_be_bytes()),
            );
            out.push(e);
        }
        Ok(out)
    }

    #[test]
    fn an_intact_log_verifies() -> Result<(), Box<dyn std::error::Error>> {
        let l = log(5)?;
        assert_eq!(verify_chain(&l, l.last().map(AuditEntry::head)), Ok(5));
        assert_eq!(verify_chain(&[], None), Ok(0));
        Ok(())
    }

    #[test]
    fn every_kind_of_tampering_names_the_entry() -> Result<(), Box<dyn std::error::Error>> {
        let l = log(5)?;
        let head = l.last().map(AuditEntry::head);

        let mut edited = l.clone();
        edited[2].subject = "plan:other".into();
        assert_eq!(
            verify_chain(&edited, head),
            Err(AuditChainError::Edited {
                seq: 3,
                position: 2
            })
        );

        let mut replaced = l.clone();
        replaced[2].subject = "plan:other".into();
        replaced[2].hash = replaced[2].compute_hash();
        assert_eq!(
            verify_chain(&replaced, head),
            Err(AuditChainError::Replaced {
                seq: 4,
                previous: 3
            })
        );

        let mut removed = l.clone();
        removed.remove(1);
        assert!(matches!(
            verify_chain(&removed, head),
            Err(AuditChainError::Removed {
                first: 2,
                last: 2,
                ..
            })
        ));

        let mut reordered = l.clone();
        reordered.swap(1, 3);
        assert!(matches!(
            verify_chain(&reordered, head),
            Err(AuditChainError::Reordered {
                seq: 4,
                position: 1,
                expected: 2
            })
        ));

        let mut tail = l.clone();
        tail.pop();
        assert_eq!(
            verify_chain(&tail, head),
            Err(AuditChainError::TailRemoved {
                last: 4,
                head_seq: 5
            })
        );
        Ok(())
    }
}
