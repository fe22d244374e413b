//! Replays the audit log against the state tables: every row of `plans`, `commitments`,
//! `transcripts`, `results`, `approvals`, `penalties`, `penalty_changes`, `publications`,
//! `snapshots` and `trees` must be what an audit entry recorded (same subject, and the digest of
//! its content equal to the entry's payload digest), and every audited record must still be
//! there. A row edited, inserted or deleted behind the application's back, which the hash chain
//! alone cannot see, is named with its table and key.
//!
//! What is compared, per table:
//! * `commitments`, `transcripts`: the content's own hash (commitment hash, transcript digest)
//!   against the `committed` / `drawn` entry of `plan:<id>`, and against the row's hash column.
//! * `results`: SHA-256 of the canonical JSON of the result against `result_recorded`.
//! * `approvals`: an approved row needs an `approved` entry of `approval:<id>` with the digest of
//!   its document; an `approved` entry needs an approved row; the `approved` column must agree
//!   with the document.
//! * `penalties` (`penalty_recorded`, digest of the decision), `penalty_changes` (the n-th
//!   `penalty_changed` entry of `penalty:<number>`, digest of the change).
//! * `publications`: the digest of the document against the last `publication_scheduled` or
//!   `publication_changed` entry, and the state column against the document.
//! * `plans`: a `plan_created` entry for every plan; while the last entry of the plan is a
//!   create, change or cancel, the digest of the document against it; the state against the
//!   `committed` / `drawn` entries (the document after a commit or draw is not itself digested).
//! * `snapshots`: the hash column against `snapshot_stored`; `trees`: one `frame_stored` /
//!   `pool_stored` entry per stored root (the chunks' content is checked when they are read).
//! * `timestamps`: the digest of each time-stamp record against the last `timestamp_recorded`
//!   entry of `timestamp:<plan>/<authority>`, and the status column against the document.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use serde::de::DeserializeOwned;
use spotcheck_domain::draw::{Commitment, Transcript};
use spotcheck_domain::ids::Digest;
use spotcheck_domain::lifecycle::{
    Approval, AuditAction, AuditEntry, InspectionResult, PenaltyChange, PenaltyRecord, Plan,
    Publication, TimestampRecord,
};
use spotcheck_domain::store::StoreResult;

use super::translate;
pub use crate::replay::Discrepancy;
use crate::replay::{Audited, PENALTY_DRAFT, RESULT_DRAFT, Report, digest_of};

/// The stored document, or `None` (reported as edited) when it no longer parses.
fn parse<T: DeserializeOwned>(
    report: &mut Report,
    table: &'static str,
    key: &str,
    doc: &str,
) -> Option<T> {
    match serde_json::from_str(doc) {
        Ok(v) => Some(v),
        Err(e) => {
            report.add(
                table,
                key,
                format!("edited: the stored document does not parse ({e})"),
            );
            None
        }
    }
}

fn rows<const N: usize>(c: &Connection, sql: &str) -> StoreResult<Vec<[String; N]>> {
    let mut stmt = c.prepare(sql).map_err(translate)?;
    let out = stmt
        .query_map([], |r| {
            let mut a: [String; N] = std::array::from_fn(|_| String::new());
            for (i, slot) in a.iter_mut().enumerate() {
                *slot = match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                    rusqlite::types::ValueRef::Null => String::new(),
                    v => v.as_str().map(str::to_owned).unwrap_or_default(),
                };
            }
            Ok(a)
        })
        .map_err(translate)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(translate)?;
    Ok(out)
}

/// Every difference between the state tables and `entries` (the audit log, whose chain the caller
/// checks separately), in table order.
pub(crate) fn replay(c: &Connection, entries: &[AuditEntry]) -> StoreResult<Vec<Discrepancy>> {
    let audited = Audited::new(entries);
    let mut report = Report::new("table");
    plans(c, &audited, &mut report)?;
    commitments(c, &audited, &mut report)?;
    transcripts(c, &audited, &mut report)?;
    results(c, &audited, &mut report)?;
    approvals(c, &audited, &mut report)?;
    penalties(c, &audited, &mut report)?;
    publications(c, &audited, &mut report)?;
    snapshots_and_trees(c, &audited, &mut report)?;
    timestamps(c, &audited, &mut report)?;
    Ok(report.into_found())
}

/// `timestamps`: the digest of each record against the last `timestamp_recorded` entry of
/// `timestamp:<plan>/<authority>`, the status column against the document, and every audited
/// record still there.
fn timestamps(c: &Connection, a: &Audited<'_>, r: &mut Report) -> StoreResult<()> {
    let mut seen = BTreeSet::new();
    for [plan, authority, status, doc] in rows::<4>(
        c,
        "SELECT plan_id, authority, status, doc FROM timestamps ORDER BY plan_id, authority",
    )? {
        let key = format!("{plan}/{authority}");
        seen.insert(key.clone());
        let Some(record) = parse::<TimestampRecord>(r, "timestamps", &key, &doc) else {
            continue;
        };
        if record.status.name() != status {
            r.add(
                "timestamps",
                &key,
                format!(
                    "edited: the status column says {status}, the document {}",
                    record.status.name()
                ),
            );
        }
        if let Some(d) = digest_of(&record) {
            let entry = a.last(AuditAction::TimestampRecorded, &format!("timestamp:{key}"));
            r.compare("timestamps", &key, entry, d, AuditAction::TimestampRecorded);
        }
    }
    let recorded = (AuditAction::TimestampRecorded, "timestamp:");
    r.deleted(a, "timestamps", recorded, &seen, "recorded");
    Ok(())
}

fn plans(c: &Connection, a: &Audited<'_>, r: &mut Report) -> StoreResult<()> {
    let mut seen = BTreeSet::new();
    for [id, state, doc] in rows::<3>(c, "SELECT id, state, doc FROM plans ORDER BY id")? {
        seen.insert(id.clone());
        let subject = format!("plan:{id}");
        if a.last(AuditAction::PlanCreated, &subject).is_none() {
            r.add(
                "plans",
                &id,
                "inserted: no plan_created entry in the audit log records this plan",
            );
            continue;
        }
        let Some(plan) = parse::<Plan>(r, "plans", &id, &doc) else {
            continue;
        };
        let name = plan.state.name();
        if name != state {
            r.add(
                "plans",
                &id,
                format!("edited: the state column says {state}, the document {name}"),
            );
        }
        r.plan_document(a, &id, &plan);
        r.plan_state(a, &id, name);
    }
    r.deleted(
        a,
        "plans",
        (AuditAction::PlanCreated, "plan:"),
        &seen,
        "created",
    );
    Ok(())
}

fn commitments(c: &Connection, a: &Audited<'_>, r: &mut Report) -> StoreResult<()> {
    let mut seen = BTreeSet::new();
    for [id, hash, doc] in rows::<3>(
        c,
        "SELECT plan_id, hash, doc FROM commitments ORDER BY plan_id",
    )? {
        seen.insert(id.clone());
        let Some(commitment) = parse::<Commitment>(r, "commitments", &id, &doc) else {
            continue;
        };
        let Ok(computed) = commitment.hash() else {
            r.add(
                "commitments",
                &id,
                "edited: the commitment cannot be hashed",
            );
            continue;
        };
        if computed.to_hex() != hash {
            r.add(
                "commitments",
                &id,
                format!("edited: the hash column {hash} is not the document's hash {computed}"),
            );
        }
        let entry = a.last(AuditAction::Committed, &format!("plan:{id}"));
        r.compare("commitments", &id, entry, computed, AuditAction::Committed);
    }
    r.deleted(
        a,
        "commitments",
        (AuditAction::Committed, "plan:"),
        &seen,
        "committed",
    );
    Ok(())
}

fn transcripts(c: &Connection, a: &Audited<'_>, r: &mut Report) -> StoreResult<()> {
    let mut seen = BTreeSet::new();
    for [id, digest, doc] in rows::<3>(
        c,
        "SELECT plan_id, digest, doc FROM transcripts ORDER BY plan_id",
    )? {
        seen.insert(id.clone());
        let Some(t) = parse::<Transcript>(r, "transcripts", &id, &doc) else {
            continue;
        };
        let Ok(computed) = t.compute_digest() else {
            r.add(
                "transcripts",
                &id,
                "edited: the transcript cannot be digested",
            );
            continue;
        };
        if computed != t.digest || computed.to_hex() != digest {
            r.add(
                "transcripts",
                &id,
                format!(
                    "edited: its content digests to {computed}, but it says {} and the digest column {digest}",
                    t.digest
                ),
            );
        }
        let entry = a.last(AuditAction::Drawn, &format!("plan:{id}"));
        r.compare("transcripts", &id, entry, computed, AuditAction::Drawn);
    }
    r.deleted(
        a,
        "transcripts",
        (AuditAction::Drawn, "plan:"),
        &seen,
        "drawn",
    );
    Ok(())
}

fn results(c: &Connection, a: &Audited<'_>, r: &mut Report) -> StoreResult<()> {
    let mut seen = BTreeSet::new();
    for [plan, target, doc] in rows::<3>(
        c,
        "SELECT plan_id, target, doc FROM results ORDER BY plan_id, target",
    )? {
        let key = format!("{plan}/{target}");
        seen.insert(key.clone());
        let Some(result) = parse::<InspectionResult>(r, "results", &key, &doc) else {
            continue;
        };
        if result.plan.as_str() != plan || result.target.as_str() != target {
            r.add(
                "results",
                &key,
                format!(
                    "edited: the document is the result of {}/{}",
                    result.plan, result.target
                ),
            );
        }
        if let Some(d) = digest_of(&result) {
            let entry = a.written(
                &format!("result:{key}"),
                AuditAction::ResultRecorded,
                AuditAction::ResultAmended,
            );
            r.compare("results", &key, entry, d, AuditAction::ResultRecorded);
        }
    }
    seen.extend(a.withdrawn("result:", RESULT_DRAFT));
    let recorded = (AuditAction::ResultRecorded, "result:");
    r.deleted(a, "results", recorded, &seen, "recorded");
    Ok(())
}

fn approvals(c: &Connection, a: &Audited<'_>, r: &mut Report) -> StoreResult<()> {
    let mut approved_rows = BTreeSet::new();
    for [id, approved, doc] in rows::<3>(c, "SELECT id, approved, doc FROM approvals ORDER BY id")?
    {
        let Some(approval) = parse::<Approval>(r, "approvals", &id, &doc) else {
            continue;
        };
        let column = approved != "0";
        if column != approval.is_approved() {
            r.add(
                "approvals",
                &id,
                format!(
                    "edited: the approved column says {column}, the document {}",
                    approval.is_approved()
                ),
            );
        }
        let entry = a.last(AuditAction::Approved, &format!("approval:{id}"));
        if column || approval.is_approved() {
            approved_rows.insert(id.clone());
            if let Some(d) = digest_of(&approval) {
                r.compare("approvals", &id, entry, d, AuditAction::Approved);
            }
        } else if let Some(e) = entry {
            r.add(
                "approvals",
                &id,
                format!(
                    "edited: audit entry seq {} approved it, but the row is not approved",
                    e.seq
                ),
            );
        }
    }
    for id in a.subjects(AuditAction::Approved, "approval:") {
        let exists = c
            .query_row("SELECT 1 FROM approvals WHERE id = ?1", [&id], |_| Ok(()))
            .is_ok();
        if !exists {
            r.add(
                "approvals",
                id,
                "deleted: audited as approved, but not in the table",
            );
        }
    }
    Ok(())
}

fn penalties(c: &Connection, a: &Audited<'_>, r: &mut Report) -> StoreResult<()> {
    let mut seen = BTreeSet::new();
    for [number, doc] in rows::<2>(c, "SELECT number, doc FROM penalties ORDER BY number")? {
        seen.insert(number.clone());
        let Some(record) = parse::<PenaltyRecord>(r, "penalties", &number, &doc) else {
            continue;
        };
        if let Some(d) = digest_of(&record.decision) {
            let entry = a.written(
                &format!("penalty:{number}"),
                AuditAction::PenaltyRecorded,
                AuditAction::PenaltyAmended,
            );
            r.compare("penalties", &number, entry, d, AuditAction::PenaltyRecorded);
        }
    }
    seen.extend(a.withdrawn("penalty:", PENALTY_DRAFT));
    let recorded = (AuditAction::PenaltyRecorded, "penalty:");
    r.deleted(a, "penalties", recorded, &seen, "recorded");
    let mut changes: BTreeMap<String, Vec<(String, Option<Digest>)>> = BTreeMap::new();
    for [number, seq, doc] in rows::<3>(
        c,
        "SELECT number, seq, doc FROM penalty_changes ORDER BY number, seq",
    )? {
        let key = format!("{number}#{seq}");
        let d =
            parse::<PenaltyChange>(r, "penalty_changes", &key, &doc).and_then(|ch| digest_of(&ch));
        changes.entry(number).or_default().push((key, d));
    }
    let mut numbers: BTreeSet<String> = changes.keys().cloned().collect();
    numbers.extend(a.subjects(AuditAction::PenaltyChanged, "penalty:"));
    for number in numbers {
        let audited = a.all(AuditAction::PenaltyChanged, &format!("penalty:{number}"));
        let stored = changes.get(&number).map_or(&[][..], Vec::as_slice);
        r.penalty_changes(&number, audited, stored);
    }
    Ok(())
}

fn publications(c: &Connection, a: &Audited<'_>, r: &mut Report) -> StoreResult<()> {
    let mut seen = BTreeSet::new();
    for [id, state, doc] in rows::<3>(c, "SELECT id, state, doc FROM publications ORDER BY id")? {
        seen.insert(id.clone());
        let Some(p) = parse::<Publication>(r, "publications", &id, &doc) else {
            continue;
        };
        if p.state.name() != state {
            r.add(
                "publications",
                &id,
                format!(
                    "edited: the state column says {state}, the document {}",
                    p.state.name()
                ),
            );
        }
        r.publication(a, &id, &p);
    }
    let scheduled = (AuditAction::PublicationScheduled, "publication:");
    r.deleted(a, "publications", scheduled, &seen, "scheduled");
    Ok(())
}

fn snapshots_and_trees(c: &Connection, a: &Audited<'_>, r: &mut Report) -> StoreResult<()> {
    let mut seen = BTreeSet::new();
    for [kind, number, hash] in rows::<3>(
        c,
        "SELECT kind, number, hash FROM snapshots ORDER BY kind, number",
    )? {
        let key = format!("{kind}/{number}");
        seen.insert(key.clone());
        match a.last(AuditAction::SnapshotStored, &format!("snapshot:{key}")) {
            None => r.add(
                "snapshots",
                &key,
                "inserted: no snapshot_stored entry in the audit log records this row",
            ),
            Some(e) if e.payload_digest.to_hex() != hash => r.add(
                "snapshots",
                &key,
                format!(
                    "edited: hash {hash} is not what audit entry seq {} recorded ({})",
                    e.seq, e.payload_digest
                ),
            ),
            Some(_) => {}
        }
    }
    let stored = (AuditAction::SnapshotStored, "snapshot:");
    r.deleted(a, "snapshots", stored, &seen, "stored");
    let mut seen = BTreeSet::new();
    for [kind, root] in rows::<2>(c, "SELECT kind, root FROM trees ORDER BY kind, root")? {
        let key = format!("{kind}:{root}");
        seen.insert(key.clone());
        let action = if kind == "frame" {
            AuditAction::FrameStored
        } else {
            AuditAction::PoolStored
        };
        match a.last(action, &key) {
            None => r.add(
                "trees",
                &key,
                format!(
                    "inserted: no {} entry in the audit log records this tree",
                    action.code()
                ),
            ),
            Some(e) if e.payload_digest.to_hex() != root => r.add(
                "trees",
                &key,
                format!("edited: audit entry seq {} recorded another root", e.seq),
            ),
            Some(_) => {}
        }
    }
    for (action, prefix) in [
        (AuditAction::FrameStored, "frame:"),
        (AuditAction::PoolStored, "pool:"),
    ] {
        for root in a.subjects(action, prefix) {
            let key = format!("{prefix}{root}");
            if !seen.contains(&key) {
                r.add(
                    "trees",
                    key,
                    "deleted: audited as stored, but not in the table",
                );
            }
        }
    }
    Ok(())
}

impl super::SqliteStore {
    /// Replays the audit log against every state table ([`self`](crate::sqlite::replay)); an
    /// empty list when they agree. Check the chain itself with
    /// [`verify_chain`](spotcheck_domain::lifecycle::verify_chain).
    ///
    /// # Errors
    /// The store's read errors.
    pub async fn replay_audit(&self) -> StoreResult<Vec<Discrepancy>> {
        use spotcheck_domain::store::AuditLog;
        let entries = self.audit_entries().await?;
        self.run(move |c| replay(c, &entries)).await
    }
}
