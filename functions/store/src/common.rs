//! Helpers shared by both adapters: request digests for idempotency, JSON documents, chunking.

use serde::Serialize;
use serde::de::DeserializeOwned;
use spotcheck_domain::canonical_json::to_canonical_bytes;
use spotcheck_domain::encoding::sha256;
use spotcheck_domain::ids::Digest;
use spotcheck_domain::registry::{Record, RegistrySnapshot};
use spotcheck_domain::store::{SnapshotInfo, StoreError, StoreResult};

/// SHA-256 of the canonical JSON of `{"op": op, "request": request}`: what an idempotency key is
/// bound to. The actor and the clock are left out, so a retry made later by the same client
/// matches.
pub(crate) fn request_digest<T: Serialize + ?Sized>(
    op: &str,
    request: &T,
) -> Result<Digest, StoreError> {
    let v = serde_json::json!({ "op": op, "request": request });
    let bytes = to_canonical_bytes(&v).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(sha256(&bytes))
}

/// SHA-256 of the canonical JSON of a record (the audit entry's payload digest).
pub(crate) fn payload_digest<T: Serialize + ?Sized>(value: &T) -> Result<Digest, StoreError> {
    let bytes = to_canonical_bytes(value).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(sha256(&bytes))
}

/// Serialises a stored document.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// Parses a stored document; failure means the stored data is damaged.
pub(crate) fn from_json<T: DeserializeOwned>(what: &'static str, s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt {
        what,
        reason: e.to_string(),
    })
}

/// Records as JSON lines, cut into chunks of at most `max_bytes` (a record larger than that gets
/// a chunk of its own).
pub(crate) fn json_line_chunks<T: Serialize>(
    records: &[T],
    max_bytes: usize,
) -> Result<Vec<Vec<u8>>, StoreError> {
    let mut out = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    for r in records {
        let line = serde_json::to_vec(r).map_err(|e| StoreError::Invalid(e.to_string()))?;
        if !cur.is_empty() && cur.len() + line.len() + 1 > max_bytes {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend_from_slice(&line);
        cur.push(b'\n');
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// Parses JSON-lines chunks back into records.
pub(crate) fn parse_json_lines<T: DeserializeOwned>(
    chunks: &[Vec<u8>],
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    for (i, c) in chunks.iter().enumerate() {
        for line in c.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            out.push(
                serde_json::from_slice(line).map_err(|e| StoreError::Corrupt {
                    what: "snapshot",
                    reason: format!("chunk {i}: {e}"),
                })?,
            );
        }
    }
    Ok(out)
}

/// The conflict returned when an idempotency key is reused for a different request.
pub(crate) fn key_reused(key: &str, op: &str) -> StoreError {
    StoreError::Conflict {
        what: spotcheck_domain::store::IDEMPOTENCY_KEY,
        id: key.to_owned(),
        reason: format!(
            "already used for a different request (first used for {op}); use a new key for a new request"
        ),
    }
}

/// The subject string of an audit entry.
pub(crate) fn subject(kind: &str, id: impl std::fmt::Display) -> String {
    format!("{kind}:{id}")
}

/// The publication a result's approval unlocks.
pub(crate) fn result_publication(
    plan: &spotcheck_domain::ids::PlanId,
    target: &spotcheck_domain::ids::TargetId,
) -> spotcheck_domain::lifecycle::PublicationId {
    use spotcheck_domain::lifecycle::{PublicationId, PublicationKind, RecordRef};
    PublicationId::of(
        PublicationKind::CheckResult,
        &RecordRef::Result {
            plan: plan.clone(),
            target: target.clone(),
        },
    )
}

/// The publication a decision's approval unlocks.
pub(crate) fn penalty_publication(
    number: &spotcheck_domain::lifecycle::DecisionNumber,
) -> spotcheck_domain::lifecycle::PublicationId {
    use spotcheck_domain::lifecycle::{PublicationId, PublicationKind, RecordRef};
    PublicationId::of(
        PublicationKind::PenaltyDecision,
        &RecordRef::Penalty {
            number: number.clone(),
        },
    )
}

/// "No approval awaits": no such record, or one entered before approvals existed.
pub(crate) fn no_approval(id: &spotcheck_domain::lifecycle::PublicationId) -> StoreError {
    StoreError::NotFound {
        what: "approval",
        id: id.to_string(),
    }
}

/// Refuses a transcript whose digest does not match its content (before it is recorded).
pub(crate) fn check_transcript_digest(
    transcript: &spotcheck_domain::draw::Transcript,
) -> StoreResult<()> {
    let computed = transcript
        .compute_digest()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    if computed != transcript.digest {
        return Err(StoreError::Invalid(format!(
            "the transcript's digest {} does not match its content ({computed})",
            transcript.digest
        )));
    }
    Ok(())
}

/// Refuses a new publication that is not pending at version 1.
pub(crate) fn check_new_publication(
    publication: &spotcheck_domain::lifecycle::Publication,
) -> StoreResult<()> {
    if publication.state != spotcheck_domain::lifecycle::PublicationState::Pending
        || publication.version != 1
    {
        return Err(StoreError::Invalid(
            "a new publication must be pending, at version 1".into(),
        ));
    }
    Ok(())
}

/// The tree a plan change attaches (frame or pool, with its root and size), which must be stored
/// before the change is recorded.
pub(crate) fn tree_needed(
    change: &spotcheck_domain::lifecycle::PlanChange,
) -> Option<(
    spotcheck_domain::lifecycle::TreeKind,
    spotcheck_domain::frame::TreeSummary,
)> {
    use spotcheck_domain::lifecycle::{PlanChange, TreeKind};
    match change {
        PlanChange::AttachFrame { frame, .. } => Some((TreeKind::Frame, *frame)),
        PlanChange::AttachPool { pool } => Some((TreeKind::Pool, *pool)),
        PlanChange::Revise { .. } | PlanChange::ApprovePartner { .. } => None,
    }
}

/// A conflict unless the plan is still at the version the caller read (`expected`).
pub(crate) fn check_plan_version(
    id: &spotcheck_domain::ids::PlanId,
    expected: u64,
    actual: u64,
) -> StoreResult<()> {
    if actual != expected {
        return Err(StoreError::Conflict {
            what: "plan",
            id: id.to_string(),
            reason: format!("stale version {expected}: the plan is at version {actual}"),
        });
    }
    Ok(())
}

/// A conflict unless the store holds the tree a plan change names: `stored` is the summary stored
/// under the change's root and kind, if any.
pub(crate) fn check_tree_stored(
    id: &spotcheck_domain::ids::PlanId,
    kind: spotcheck_domain::lifecycle::TreeKind,
    summary: &spotcheck_domain::frame::TreeSummary,
    stored: Option<spotcheck_domain::frame::TreeSummary>,
) -> StoreResult<()> {
    if stored.as_ref() == Some(summary) {
        return Ok(());
    }
    Err(StoreError::Conflict {
        what: "plan",
        id: id.to_string(),
        reason: format!(
            "{} {} (size {}) is not stored; store it first",
            kind.code(),
            summary.root,
            summary.size
        ),
    })
}

/// A conflict unless the plan a result is recorded for has been drawn (`id`: `plan/target`).
pub(crate) fn check_result_plan_drawn(
    plan: &spotcheck_domain::lifecycle::Plan,
    result: &spotcheck_domain::lifecycle::InspectionResult,
    id: &str,
) -> StoreResult<()> {
    if matches!(
        plan.state,
        spotcheck_domain::lifecycle::PlanState::Drawn { .. }
    ) {
        return Ok(());
    }
    Err(StoreError::Conflict {
        what: "result",
        id: id.to_owned(),
        reason: format!("plan {} is {}, not drawn", result.plan, plan.state.name()),
    })
}

/// A conflict unless the result's target was drawn in the plan's draw (`id`: `plan/target`).
pub(crate) fn check_result_target_drawn(
    transcript: &spotcheck_domain::draw::Transcript,
    result: &spotcheck_domain::lifecycle::InspectionResult,
    id: &str,
) -> StoreResult<()> {
    if transcript
        .selections
        .iter()
        .any(|s| s.target == result.target)
    {
        return Ok(());
    }
    Err(StoreError::Conflict {
        what: "result",
        id: id.to_owned(),
        reason: format!(
            "target {} was not drawn in plan {}",
            result.target, result.plan
        ),
    })
}

/// A conflict unless `number` is the next snapshot number of `kind` (`next`: one after the latest).
pub(crate) fn check_next_snapshot(
    kind: spotcheck_domain::registry::RegistryKind,
    number: u64,
    next: u64,
) -> StoreResult<()> {
    if number == next {
        return Ok(());
    }
    Err(StoreError::Conflict {
        what: "snapshot",
        id: format!("{kind}/{number}"),
        reason: format!("the next snapshot number of {kind} is {next}"),
    })
}

/// Parses stored snapshot chunks and checks the records still hash to the stored hash.
pub(crate) fn rebuild_snapshot<T: Record + DeserializeOwned>(
    info: SnapshotInfo,
    chunks: &[Vec<u8>],
) -> StoreResult<RegistrySnapshot<T>> {
    let records: Vec<T> = parse_json_lines(chunks)?;
    let snap =
        RegistrySnapshot::from_records(info.number, records).map_err(|d| StoreError::Corrupt {
            what: "snapshot",
            reason: format!("{} duplicate ids", d.len()),
        })?;
    if snap.hash() != info.hash {
        return Err(StoreError::Corrupt {
            what: "snapshot",
            reason: format!(
                "records hash to {}, stored hash is {}",
                snap.hash(),
                info.hash
            ),
        });
    }
    Ok(snap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use spotcheck_domain::frame::TreeSummary;
    use spotcheck_domain::ids::{Digest, PlanId};
    use spotcheck_domain::lifecycle::{PlanChange, TreeKind};
    use spotcheck_domain::registry::RegistryKind;

    type R = Result<(), Box<dyn std::error::Error>>;

    fn plan() -> Result<PlanId, Box<dyn std::error::Error>> {
        Ok("PT-2026-001".parse()?)
    }

    fn tree(byte: u8, size: u64) -> TreeSummary {
        TreeSummary {
            root: Digest::from_bytes([byte; 32]),
            size,
        }
    }

    /// The reason of a conflict; an error for anything else.
    fn conflict_reason(r: StoreResult<()>) -> Result<String, String> {
        match r {
            Err(StoreError::Conflict { reason, .. }) => Ok(reason),
            other => Err(format!("expected a conflict, got {other:?}")),
        }
    }

    #[test]
    fn a_stale_version_is_a_conflict_naming_both_versions() -> R {
        assert!(check_plan_version(&plan()?, 3, 3).is_ok());
        let reason = conflict_reason(check_plan_version(&plan()?, 2, 3))?;
        assert_eq!(reason, "stale version 2: the plan is at version 3");
        Ok(())
    }

    #[test]
    fn a_change_needs_exactly_the_tree_it_names() -> R {
        let pool = tree(1, 40);
        let change = PlanChange::AttachPool { pool };
        assert_eq!(tree_needed(&change), Some((TreeKind::Pool, pool)));
        assert!(check_tree_stored(&plan()?, TreeKind::Pool, &pool, Some(pool)).is_ok());
        // Nothing stored, or another size under the same root.
        for stored in [None, Some(tree(1, 41))] {
            let reason =
                conflict_reason(check_tree_stored(&plan()?, TreeKind::Pool, &pool, stored))?;
            assert!(
                reason.ends_with("(size 40) is not stored; store it first"),
                "{reason}"
            );
        }
        Ok(())
    }

    #[test]
    fn only_the_next_snapshot_number_is_accepted() -> R {
        assert!(check_next_snapshot(RegistryKind::Guides, 4, 4).is_ok());
        for number in [3, 5] {
            let reason = conflict_reason(check_next_snapshot(RegistryKind::Guides, number, 4))?;
            assert!(reason.ends_with("is 4"), "{reason}");
        }
        Ok(())
    }
}
