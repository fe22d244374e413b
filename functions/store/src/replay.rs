//! Replaying the audit log against the stored records. The SQLite adapter compares every row of
//! its state tables ([`crate::sqlite`], `sqlite/replay.rs`); [`replay_through_ports`] does what
//! the read ports allow on any store (DynamoDB included): plans, commitments, transcripts, results,
//! approvals, penalty decisions and their changes, publications. A record edited, inserted or
//! deleted behind the application's back is named with its kind and key.
//!
//! Through the ports, what no port lists cannot be seen: an approval row for a record that does not
//! exist, registry snapshots and stored trees (their content is checked when read), and a record
//! whose stored form no longer parses shows as a read error of that record.

use std::collections::{BTreeMap, BTreeSet};

use spotcheck_domain::ids::Digest;
use spotcheck_domain::lifecycle::{AuditAction, AuditEntry, Plan, PlanState, Publication};
use spotcheck_domain::store::{ReadStore, StoreError, StoreResult};

use crate::common::{payload_digest, penalty_publication, result_publication};

/// One difference between a state table and the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Discrepancy {
    /// The table, e.g. `approvals`.
    pub table: &'static str,
    /// The row's key, e.g. `check-result:PT-2026-001/91350300MA00000001`.
    pub key: String,
    /// What is wrong: `edited`, `inserted` (a row no entry records) or `deleted` (an entry whose
    /// row is gone), with the detail.
    pub problem: String,
}

impl std::fmt::Display for Discrepancy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.table, self.key, self.problem)
    }
}

/// A result's entries as a draft: recorded, amended, withdrawn.
pub(crate) const RESULT_DRAFT: [AuditAction; 3] = [
    AuditAction::ResultRecorded,
    AuditAction::ResultAmended,
    AuditAction::ResultWithdrawn,
];

/// A decision's entries as a draft: recorded, amended, withdrawn.
pub(crate) const PENALTY_DRAFT: [AuditAction; 3] = [
    AuditAction::PenaltyRecorded,
    AuditAction::PenaltyAmended,
    AuditAction::PenaltyWithdrawn,
];

/// The audit entries by action and subject, in log order.
pub(crate) struct Audited<'a> {
    by: BTreeMap<(&'static str, String), Vec<&'a AuditEntry>>,
}

impl<'a> Audited<'a> {
    pub(crate) fn new(entries: &'a [AuditEntry]) -> Self {
        let mut by: BTreeMap<(&'static str, String), Vec<&'a AuditEntry>> = BTreeMap::new();
        for e in entries {
            by.entry((e.action.code(), e.subject.clone()))
                .or_default()
                .push(e);
        }
        Self { by }
    }

    pub(crate) fn all(&self, action: AuditAction, subject: &str) -> &[&'a AuditEntry] {
        self.by
            .get(&(action.code(), subject.to_owned()))
            .map_or(&[], Vec::as_slice)
    }

    pub(crate) fn last(&self, action: AuditAction, subject: &str) -> Option<&'a AuditEntry> {
        self.all(action, subject).last().copied()
    }

    /// The latest entry about `subject` of any of `actions`.
    pub(crate) fn latest(&self, actions: &[AuditAction], subject: &str) -> Option<&'a AuditEntry> {
        actions
            .iter()
            .filter_map(|act| self.last(*act, subject))
            .max_by_key(|e| e.seq)
    }

    /// The entry that last wrote a draft's content: recorded or amended (drafts awaiting
    /// approval are amended in place).
    pub(crate) fn written(
        &self,
        subject: &str,
        recorded: AuditAction,
        amended: AuditAction,
    ) -> Option<&'a AuditEntry> {
        self.latest(&[recorded, amended], subject)
    }

    /// The drafts (without their `kind:` prefix) whose last entry is a withdrawal: no longer in
    /// the store, rightly.
    pub(crate) fn withdrawn(
        &self,
        prefix: &str,
        [recorded, amended, withdrawn]: [AuditAction; 3],
    ) -> BTreeSet<String> {
        self.subjects(withdrawn, prefix)
            .into_iter()
            .filter(|k| {
                self.latest(&[recorded, amended, withdrawn], &format!("{prefix}{k}"))
                    .is_some_and(|e| e.action == withdrawn)
            })
            .collect()
    }

    /// Subjects (without their `kind:` prefix) that have an entry of `action`.
    pub(crate) fn subjects(&self, action: AuditAction, prefix: &str) -> BTreeSet<String> {
        self.by
            .keys()
            .filter(|(a, _)| *a == action.code())
            .filter_map(|(_, s)| s.strip_prefix(prefix).map(str::to_owned))
            .collect()
    }
}

/// The discrepancies found so far. Both replays (SQLite's rows, any store's read ports) apply the
/// rules below; only where the records live differs, and the messages say it.
pub(crate) struct Report {
    found: Vec<Discrepancy>,
    /// `table` (SQLite's state tables) or `store` (what the read ports return).
    place: &'static str,
}

impl Report {
    pub(crate) fn new(place: &'static str) -> Self {
        Self {
            found: Vec::new(),
            place,
        }
    }

    pub(crate) fn into_found(self) -> Vec<Discrepancy> {
        self.found
    }

    pub(crate) fn add(
        &mut self,
        table: &'static str,
        key: impl Into<String>,
        problem: impl Into<String>,
    ) {
        self.found.push(Discrepancy {
            table,
            key: key.into(),
            problem: problem.into(),
        });
    }

    /// Compares a row's digest with the entry that should record it.
    pub(crate) fn compare(
        &mut self,
        table: &'static str,
        key: &str,
        entry: Option<&AuditEntry>,
        digest: Digest,
        action: AuditAction,
    ) {
        match entry {
            None => self.add(
                table,
                key,
                format!(
                    "inserted: no {} entry in the audit log records this row",
                    action.code()
                ),
            ),
            Some(e) if e.payload_digest != digest => self.add(
                table,
                key,
                format!(
                    "edited: its content (digest {digest}) is not what audit entry seq {} recorded ({})",
                    e.seq, e.payload_digest
                ),
            ),
            Some(_) => {}
        }
    }

    /// Every subject audited with `action` (under `prefix`) that is not in `seen`: deleted.
    pub(crate) fn deleted(
        &mut self,
        a: &Audited<'_>,
        table: &'static str,
        (action, prefix): (AuditAction, &str),
        seen: &BTreeSet<String>,
        audited_as: &str,
    ) {
        for key in a.subjects(action, prefix) {
            if !seen.contains(&key) {
                let problem = format!(
                    "deleted: audited as {audited_as}, but not in the {}",
                    self.place
                );
                self.add(table, key, problem);
            }
        }
    }

    /// A plan's document against the entry that last wrote it (created, changed or cancelled),
    /// unless a commit or draw came after it (the document after one is not itself digested).
    pub(crate) fn plan_document(&mut self, a: &Audited<'_>, id: &str, plan: &Plan) {
        let subject = format!("plan:{id}");
        let last_doc = a.latest(
            &[
                AuditAction::PlanCreated,
                AuditAction::PlanChanged,
                AuditAction::PlanCancelled,
            ],
            &subject,
        );
        let last_lifecycle = a.latest(&[AuditAction::Committed, AuditAction::Drawn], &subject);
        if let Some(d) = last_doc
            && last_lifecycle.is_none_or(|l| l.seq < d.seq)
            && let Some(digest) = digest_of(plan)
        {
            self.compare("plans", id, Some(d), digest, d.action);
        }
    }

    /// A plan's state (`name`) against its `committed` and `drawn` entries: drawn once drawn,
    /// committed (or cancelled) once committed, neither without such an entry.
    pub(crate) fn plan_state(&mut self, a: &Audited<'_>, id: &str, name: &str) {
        let subject = format!("plan:{id}");
        let committed = a.last(AuditAction::Committed, &subject).is_some();
        let drawn = a.last(AuditAction::Drawn, &subject).is_some();
        let expected = if drawn {
            Some("drawn")
        } else if committed && name != "cancelled" {
            Some("committed")
        } else {
            None
        };
        let place = self.place;
        match expected {
            Some(want) if name != want => self.add(
                "plans",
                id,
                format!("edited: the audit log has the plan {want}, the {place} {name}"),
            ),
            None if matches!(name, "committed" | "drawn") => self.add(
                "plans",
                id,
                format!(
                    "edited: the {place} has the plan {name}, but no such entry is in the audit log"
                ),
            ),
            _ => {}
        }
    }

    /// A publication's document against its last `publication_scheduled` or
    /// `publication_changed` entry.
    pub(crate) fn publication(&mut self, a: &Audited<'_>, id: &str, p: &Publication) {
        let entry = a.latest(
            &[
                AuditAction::PublicationScheduled,
                AuditAction::PublicationChanged,
            ],
            &format!("publication:{id}"),
        );
        if let Some(d) = digest_of(p) {
            self.compare(
                "publications",
                id,
                entry,
                d,
                AuditAction::PublicationScheduled,
            );
        }
    }

    /// A penalty's stored changes (key and digest, in order) against its `penalty_changed`
    /// entries: the n-th change is what the n-th entry recorded, and no entry is left over.
    pub(crate) fn penalty_changes(
        &mut self,
        number: &str,
        audited: &[&AuditEntry],
        stored: &[(String, Option<Digest>)],
    ) {
        for (i, (key, d)) in stored.iter().enumerate() {
            if let Some(d) = d {
                self.compare(
                    "penalty_changes",
                    key,
                    audited.get(i).copied(),
                    *d,
                    AuditAction::PenaltyChanged,
                );
            }
        }
        for e in audited.iter().skip(stored.len()) {
            let problem = format!(
                "deleted: audit entry seq {} recorded a change that is not in the {}",
                e.seq, self.place
            );
            self.add("penalty_changes", format!("{number}#{}", e.seq), problem);
        }
    }
}

pub(crate) fn digest_of<T: serde::Serialize>(v: &T) -> Option<Digest> {
    payload_digest(v).ok()
}

fn read_error(r: &mut Report, table: &'static str, key: &str, e: &StoreError) {
    r.add(table, key, format!("edited: it cannot be read: {e}"));
}

/// Every difference between what `store`'s read ports return and `entries` (its audit log, whose
/// chain the caller checks separately).
///
/// # Errors
/// [`StoreError::Unavailable`] and other errors of the listing reads.
pub async fn replay_through_ports<S: ReadStore>(
    store: &S,
    entries: &[AuditEntry],
) -> StoreResult<Vec<Discrepancy>> {
    let a = Audited::new(entries);
    let mut r = Report::new("store");
    let plans = store.list_plans().await?;
    let mut seen_plans = BTreeSet::new();
    let mut approval_ids = BTreeSet::new();
    let mut seen_results = BTreeSet::new();
    let (mut seen_commitments, mut seen_transcripts) = (BTreeSet::new(), BTreeSet::new());
    for plan in &plans {
        let id = plan.id().to_string();
        seen_plans.insert(id.clone());
        let subject = format!("plan:{id}");
        if a.last(AuditAction::PlanCreated, &subject).is_none() {
            r.add(
                "plans",
                &id,
                "inserted: no plan_created entry in the audit log records this plan",
            );
        }
        r.plan_document(&a, &id, plan);
        r.plan_state(&a, &id, plan.state.name());
        let committed = a.last(AuditAction::Committed, &subject);
        let drawn = a.last(AuditAction::Drawn, &subject);
        let may_have_commitment = committed.is_some()
            || !matches!(plan.state, PlanState::Draft | PlanState::Cancelled { .. });
        if may_have_commitment {
            match store.get_commitment(plan.id()).await {
                Ok(c) => {
                    seen_commitments.insert(id.clone());
                    match c.hash() {
                        Ok(h) => {
                            r.compare("commitments", &id, committed, h, AuditAction::Committed)
                        }
                        Err(_) => r.add(
                            "commitments",
                            &id,
                            "edited: the commitment cannot be hashed",
                        ),
                    }
                }
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => read_error(&mut r, "commitments", &id, &e),
            }
        }
        if drawn.is_some() || matches!(plan.state, PlanState::Drawn { .. }) {
            match store.get_transcript(plan.id()).await {
                Ok(t) => {
                    seen_transcripts.insert(id.clone());
                    match t.compute_digest() {
                        Ok(d) if d == t.digest => {
                            r.compare("transcripts", &id, drawn, d, AuditAction::Drawn)
                        }
                        Ok(d) => r.add(
                            "transcripts",
                            &id,
                            format!(
                                "edited: its content digests to {d}, but it says {}",
                                t.digest
                            ),
                        ),
                        Err(_) => r.add(
                            "transcripts",
                            &id,
                            "edited: the transcript cannot be digested",
                        ),
                    }
                }
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => read_error(&mut r, "transcripts", &id, &e),
            }
            match store.list_results(plan.id()).await {
                Ok(results) => {
                    for res in results {
                        let key = format!("{}/{}", res.plan, res.target);
                        seen_results.insert(key.clone());
                        approval_ids.insert(result_publication(&res.plan, &res.target));
                        if let Some(d) = digest_of(&res) {
                            let entry = a.written(
                                &format!("result:{key}"),
                                AuditAction::ResultRecorded,
                                AuditAction::ResultAmended,
                            );
                            r.compare("results", &key, entry, d, AuditAction::ResultRecorded);
                        }
                    }
                }
                Err(e) => read_error(&mut r, "results", &id, &e),
            }
        }
    }
    let plan_created = (AuditAction::PlanCreated, "plan:");
    r.deleted(&a, "plans", plan_created, &seen_plans, "created");
    let committed = (AuditAction::Committed, "plan:");
    r.deleted(&a, "commitments", committed, &seen_commitments, "committed");
    let drawn = (AuditAction::Drawn, "plan:");
    r.deleted(&a, "transcripts", drawn, &seen_transcripts, "drawn");
    seen_results.extend(a.withdrawn("result:", RESULT_DRAFT));
    let recorded = (AuditAction::ResultRecorded, "result:");
    r.deleted(&a, "results", recorded, &seen_results, "recorded");

    // Time-stamp records of every plan with a commitment.
    let mut seen_timestamps = BTreeSet::new();
    for id in &seen_commitments {
        let Ok(pid) = id.parse::<spotcheck_domain::ids::PlanId>() else {
            continue;
        };
        match store.list_timestamps(&pid).await {
            Ok(records) => {
                for rec in records {
                    let key = format!("{}/{}", rec.plan, rec.authority);
                    seen_timestamps.insert(key.clone());
                    if let Some(d) = digest_of(&rec) {
                        let entry =
                            a.last(AuditAction::TimestampRecorded, &format!("timestamp:{key}"));
                        r.compare("timestamps", &key, entry, d, AuditAction::TimestampRecorded);
                    }
                }
            }
            Err(e) => read_error(&mut r, "timestamps", id, &e),
        }
    }
    let stamped = (AuditAction::TimestampRecorded, "timestamp:");
    r.deleted(&a, "timestamps", stamped, &seen_timestamps, "recorded");

    let penalties = store.list_penalties().await?;
    let mut seen_penalties = BTreeSet::new();
    for p in &penalties {
        let number = p.decision.number.to_string();
        seen_penalties.insert(number.clone());
        approval_ids.insert(penalty_publication(&p.decision.number));
        let subject = format!("penalty:{number}");
        if let Some(d) = digest_of(&p.decision) {
            r.compare(
                "penalties",
                &number,
                a.written(
                    &subject,
                    AuditAction::PenaltyRecorded,
                    AuditAction::PenaltyAmended,
                ),
                d,
                AuditAction::PenaltyRecorded,
            );
        }
        let stored: Vec<(String, Option<Digest>)> = p
            .changes
            .iter()
            .map(|ch| (format!("{number}#{}", ch.seq), digest_of(ch)))
            .collect();
        let audited = a.all(AuditAction::PenaltyChanged, &subject);
        r.penalty_changes(&number, audited, &stored);
    }
    seen_penalties.extend(a.withdrawn("penalty:", PENALTY_DRAFT));
    let penalty_recorded = (AuditAction::PenaltyRecorded, "penalty:");
    r.deleted(
        &a,
        "penalties",
        penalty_recorded,
        &seen_penalties,
        "recorded",
    );

    let mut approved_subjects = a.subjects(AuditAction::Approved, "approval:");
    let mut ids: BTreeMap<String, spotcheck_domain::lifecycle::PublicationId> = approval_ids
        .into_iter()
        .map(|id| (id.to_string(), id))
        .collect();
    for s in &approved_subjects {
        if !ids.contains_key(s)
            && let Ok(id) = s.parse()
        {
            ids.insert(s.clone(), id);
        }
    }
    for (key, id) in &ids {
        let entry = a.last(AuditAction::Approved, &format!("approval:{key}"));
        match store.get_approval(id).await {
            Ok(Some(approval)) if approval.is_approved() => {
                approved_subjects.remove(key);
                if let Some(d) = digest_of(&approval) {
                    r.compare("approvals", key, entry, d, AuditAction::Approved);
                }
            }
            Ok(Some(_)) => {
                approved_subjects.remove(key);
                if let Some(e) = entry {
                    r.add(
                        "approvals",
                        key,
                        format!("edited: audit entry seq {} approved it, but the store has it not approved", e.seq),
                    );
                }
            }
            Ok(None) => {}
            Err(e) => read_error(&mut r, "approvals", key, &e),
        }
    }
    for key in approved_subjects {
        r.add(
            "approvals",
            key,
            "deleted: audited as approved, but not in the store",
        );
    }

    let publications = store.list_publications().await?;
    let mut seen_publications = BTreeSet::new();
    for p in &publications {
        let id = p.id.to_string();
        seen_publications.insert(id.clone());
        r.publication(&a, &id, p);
    }
    let scheduled = (AuditAction::PublicationScheduled, "publication:");
    r.deleted(
        &a,
        "publications",
        scheduled,
        &seen_publications,
        "scheduled",
    );
    Ok(r.into_found())
}
