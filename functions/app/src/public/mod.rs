//! The one public projection: what the public may see of the stored records, or nothing.
//!
//! Every public byte — the public API's JSON and CSV, the site's pages, JSON files and feeds — is
//! rendered from [`project`], which applies, in one place:
//!
//! * **approval** — a result or decision shows only once someone other than the person who entered
//!   it approved it (records from before approvals existed have none and stay publishable);
//! * **drafts** — a plan shows only once committed (a draft's title and witnesses are not public;
//!   a committed plan keeps showing after a cancellation, with the reason);
//! * **minors** — a decision in a case involving a minor never shows;
//! * **take-down** — a decision that was changed, revoked, confirmed void or credit-repaired stops
//!   showing at once (a change or revocation is announced by its withdrawal notice; credit repair
//!   ends publication without one); a decision past its publication period (3 months or 3 years
//!   after it was published) stops showing; a publication withdrawn or expired by the publisher
//!   never shows again;
//! * **redaction** — every free-text field (titles, findings, follow-up, 案由, 处罚依据/条件/程序/
//!   结果, change reasons and new results, cancellation reasons, item texts) loses ID, phone, bank
//!   and address numbers, and the full name of every natural person the registries know (every
//!   guide) is masked wherever it appears ([`redact::Redactor`]); organisations' registered names
//!   lose numbers only (they are published in full);
//! * **hashed files** — a commitment or transcript cannot be redacted without breaking its hash,
//!   so a plan whose commitment (or a draw whose transcript) contains a personal number or a known
//!   full name is withheld instead.
//!
//! The [`Gate`] says which audience asks: the public API shows a record as soon as it may be
//! public ([`Gate::Live`]); the site shows what the publisher has published ([`Gate::Published`]),
//! and checks what publishing would show ([`Gate::Staged`]). All three apply the same rules above.
//! See `docs/publication.md`.

pub mod reads;
pub mod records;
pub mod redact;
pub mod time;

mod csv;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::lifecycle::{
    ApprovalStatus, InspectionResult, Party, PenaltyChangeKind, PenaltyRecord, PlanState,
    Publication, PublicationId, PublicationKind, PublicationState, RecordRef,
};
use spotcheck_domain::registry::{CheckItem, RegistryKind};
use spotcheck_domain::time::Timestamp;

pub use csv::{frame_csv, pool_csv};

use records::{ItemListVersion, PlanRecord, Records};
use redact::Redactor;
use time::china_date;

/// Which audience a projection is for. Every gate applies the same rules; they differ only in
/// whether a record waits for the publisher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The public API: a record shows as soon as it may be public, whether or not the publisher
    /// has run since (a pending or not yet scheduled publication does not hold it back).
    Live,
    /// The site: a record shows once the publisher has published it.
    Published,
    /// What the site would show once the pending publications are published (the redaction
    /// check before publishing).
    Staged,
}

impl Gate {
    /// Whether a record with this publication (or none yet) may show.
    fn shows(self, p: Option<&Publication>) -> bool {
        matches!(
            (self, p.map(|p| &p.state)),
            (_, Some(PublicationState::Published { .. }))
                | (Gate::Live | Gate::Staged, Some(PublicationState::Pending))
                | (Gate::Live, None)
        )
    }
}

/// What the public may see: the records that may show, redacted.
#[derive(Debug, Clone, Default)]
pub struct Public {
    /// The public subset of the records, every free text redacted. Plans are only those that
    /// show; a plan's transcript is present only if its draw shows, its results only those that
    /// show; item lists only the versions that show; penalties every decision whose decision or
    /// withdrawal notice shows (see [`Public::decisions`] and [`Public::withdrawals`]).
    /// Publications are those of the register (a case involving a minor has none); names hold no
    /// natural person's full name.
    pub records: Records,
    /// Decision numbers whose decision shows (never changed, not expired).
    pub decisions: BTreeSet<String>,
    /// Decision numbers whose withdrawal notice shows (changed, revoked or confirmed void).
    pub withdrawals: BTreeSet<String>,
}

impl Public {
    /// The plans that show, by id.
    pub fn plans(&self) -> impl Iterator<Item = &PlanRecord> {
        self.records.plans.values()
    }

    /// The plan `id`, if it shows.
    pub fn plan(&self, id: &str) -> Option<&PlanRecord> {
        self.records.plans.get(id)
    }

    /// The decisions that show, in stored order (none has changes: a changed decision does not
    /// show).
    pub fn decisions(&self) -> impl Iterator<Item = &PenaltyRecord> {
        self.records
            .penalties
            .iter()
            .filter(|p| self.decisions.contains(p.decision.number.as_str()))
    }

    /// The decisions whose withdrawal notice shows.
    pub fn withdrawals(&self) -> impl Iterator<Item = &PenaltyRecord> {
        self.records
            .penalties
            .iter()
            .filter(|p| self.withdrawals.contains(p.decision.number.as_str()))
    }

    /// The newest item-list version that shows.
    pub fn item_list(&self) -> Option<&ItemListVersion> {
        self.records.item_lists.last()
    }
}

/// The last day a published penalty stays up: 3 calendar months (minor) or 3 years after its
/// publication day.
pub fn removal_date(
    p: &PenaltyRecord,
    published_at: Timestamp,
    calendar: &Calendar,
) -> Option<NaiveDate> {
    calendar
        .deadline(p.decision.removal_rule(), china_date(published_at))
        .ok()
        .map(|d| d.date)
}

/// Whether the approval of the record behind `id` lets it be published.
fn approved(records: &Records, id: &PublicationId) -> bool {
    ApprovalStatus::of(records.approvals.get(id.as_str())).publishable()
}

fn result_id(r: &InspectionResult) -> PublicationId {
    PublicationId::of(
        PublicationKind::CheckResult,
        &RecordRef::Result {
            plan: r.plan.clone(),
            target: r.target.clone(),
        },
    )
}

fn redact_item(r: &Redactor, i: &CheckItem) -> CheckItem {
    CheckItem {
        name: r.text(&i.name),
        legal_basis: r.text(&i.legal_basis),
        content: r.text(&i.content),
        ..i.clone()
    }
}

fn redact_result(r: &Redactor, res: &InspectionResult) -> InspectionResult {
    InspectionResult {
        findings: r.text(&res.findings),
        follow_up: res.follow_up.as_deref().map(|f| r.text(f)),
        ..res.clone()
    }
}

fn redact_penalty(r: &Redactor, p: &PenaltyRecord, with_changes: bool) -> PenaltyRecord {
    let mut out = p.clone();
    let d = &mut out.decision;
    // An organisation's registered name is published in full (numbers still removed): masking
    // the guides' names in it would turn `南少林文化旅行社` into `南少林*化旅行社`.
    if let Party::Organisation { name, .. } = &mut d.party {
        *name = redact::redact_text(name);
    }
    d.cause = r.text(&d.cause);
    d.legal_basis = r.text(&d.legal_basis);
    d.conditions = r.text(&d.conditions);
    d.procedure = r.text(&d.procedure);
    d.result = r.text(&d.result);
    // The credit-platform fields: a natural person's ID document is for the exchange only, and a
    // legal representative's name goes to the credit platform, not to the website.
    d.disclosure = d.disclosure.as_ref().map(|x| {
        let mut x = x.public();
        x.legal_representative = None;
        x.violation_type = r.text(&x.violation_type);
        x.licence = x.licence.as_deref().map(|l| r.text(l));
        x.remarks = x.remarks.as_deref().map(|l| r.text(l));
        x
    });
    if with_changes {
        for c in &mut out.changes {
            c.reason = r.text(&c.reason);
            c.new_result = c.new_result.as_deref().map(|n| r.text(n));
        }
    } else {
        out.changes.clear();
    }
    out
}

/// Whether canonical bytes that cannot be redacted (a commitment, a transcript) are clean.
fn clean(r: &Redactor, bytes: Option<Vec<u8>>) -> bool {
    bytes.is_some_and(|b| r.scan_bytes(&b).is_empty())
}

/// A plan's public form, or `None` if it must not show.
fn project_plan(
    records: &Records,
    r: &Redactor,
    gate: Gate,
    pr: &PlanRecord,
) -> Option<PlanRecord> {
    let commitment = pr.commitment.as_ref()?;
    if pr.plan.state == PlanState::Draft {
        return None;
    }
    let rec = RecordRef::Plan {
        plan: pr.plan.spec.id.clone(),
    };
    let find = |kind| records.publication(PublicationId::of(kind, &rec).as_str());
    if !gate.shows(find(PublicationKind::Plan)) || !clean(r, commitment.canonical_bytes().ok()) {
        return None;
    }
    let transcript = pr
        .transcript
        .as_ref()
        .filter(|t| gate.shows(find(PublicationKind::Draw)) && clean(r, t.canonical_bytes().ok()))
        .cloned();
    let results = pr
        .results
        .iter()
        .filter(|res| {
            let id = result_id(res);
            approved(records, &id) && gate.shows(records.publication(id.as_str()))
        })
        .map(|res| redact_result(r, res))
        .collect();
    let mut plan = pr.plan.clone();
    plan.spec.title = r.text(&plan.spec.title);
    if let PlanState::Cancelled { reason, .. } = &mut plan.state {
        *reason = r.text(reason);
    }
    Some(PlanRecord {
        plan,
        commitment: Some(commitment.clone()),
        transcript,
        results,
        timestamps: pr.timestamps.clone(),
    })
}

/// Whether a decision shows, and whether its withdrawal notice shows.
fn penalty_shows(
    records: &Records,
    calendar: &Calendar,
    gate: Gate,
    today: NaiveDate,
    p: &PenaltyRecord,
) -> (bool, bool) {
    let rec = RecordRef::Penalty {
        number: p.decision.number.clone(),
    };
    let decision_id = PublicationId::of(PublicationKind::PenaltyDecision, &rec);
    if !p.decision.publishable() || !approved(records, &decision_id) {
        return (false, false);
    }
    let decision_pub = records.publication(decision_id.as_str());
    let expired = match decision_pub.map(|d| &d.state) {
        Some(PublicationState::Published { published_at }) => {
            removal_date(p, *published_at, calendar).is_none_or(|last| today > last)
        }
        _ => false,
    };
    let decision = p.changes.is_empty() && !expired && gate.shows(decision_pub);
    // The decision leaves at once when a change is recorded (taking down needs no approval); the
    // withdrawal notice publishes the change's own text, so it waits for the change's approval.
    // A notice announces that something published was taken down: none for a decision that
    // never was (revoked while pending or awaiting approval).
    let withdrawal = decision_pub.is_some_and(Publication::was_published)
        && p.changes.first().is_some_and(|c| {
            c.kind != PenaltyChangeKind::CreditRepaired
                && approved(
                    records,
                    &PublicationId::of_penalty_change(&p.decision.number, c.seq),
                )
        })
        && gate.shows(
            records
                .publication(PublicationId::of(PublicationKind::PenaltyWithdrawal, &rec).as_str()),
        );
    (decision, withdrawal)
}

/// What the public may see of `records` at `now`, for `gate`'s audience. See the module
/// documentation for the rules.
///
/// ```
/// use spotcheck_app::public::{Gate, project, records::Records};
/// use spotcheck_domain::calendar::Calendar;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let public = project(&Records::default(), &Calendar::embedded()?, Gate::Live, "2026-11-26T01:00:00Z".parse()?);
/// assert_eq!(public.plans().count(), 0);
/// # Ok(())
/// # }
/// ```
pub fn project(records: &Records, calendar: &Calendar, gate: Gate, now: Timestamp) -> Public {
    let r = Redactor::new(&records.names.persons);
    let today = china_date(now);
    let mut out = Public::default();
    let p = &mut out.records;
    for v in &records.item_lists {
        let rec = RecordRef::Snapshot {
            registry: RegistryKind::Items,
            number: v.info.number,
        };
        if gate
            .shows(records.publication(PublicationId::of(PublicationKind::ItemList, &rec).as_str()))
        {
            p.item_lists.push(ItemListVersion {
                info: v.info,
                items: v.items.iter().map(|i| redact_item(&r, i)).collect(),
            });
        }
    }
    for (id, pr) in &records.plans {
        if let Some(pp) = project_plan(records, &r, gate, pr) {
            p.plans.insert(id.clone(), pp);
        }
    }
    let mut hidden = BTreeSet::new();
    for pen in &records.penalties {
        if !pen.decision.publishable() {
            hidden.insert(pen.decision.number.to_string());
        }
        let (decision, withdrawal) = penalty_shows(records, calendar, gate, today, pen);
        let number = pen.decision.number.to_string();
        if decision {
            out.decisions.insert(number.clone());
        }
        if withdrawal {
            out.withdrawals.insert(number);
        }
        if decision || withdrawal {
            let mut shown = redact_penalty(&r, pen, withdrawal);
            // A change's text is public only once someone other than its author approved it.
            shown.changes.retain(|c| {
                approved(
                    records,
                    &PublicationId::of_penalty_change(&pen.decision.number, c.seq),
                )
            });
            p.penalties.push(shown);
        }
    }
    p.publications = records
        .publications
        .iter()
        .filter(|pb| !matches!(&pb.record, RecordRef::Penalty { number } if hidden.contains(number.as_str())))
        .map(|pb| {
            let mut pb = pb.clone();
            if let PublicationState::Withdrawn { reason, .. } = &mut pb.state {
                *reason = r.text(reason);
            }
            pb
        })
        .collect();
    p.reindex();
    p.names.targets = records
        .names
        .targets
        .iter()
        .map(|(k, v)| (k.clone(), redact::redact_text(v)))
        .collect();
    p.names.inspectors = records.names.inspectors.clone();
    p.approvals = records.approvals.clone();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use spotcheck_domain::lifecycle::{Approval, PenaltyDecision, PublicationTransition};

    type R = Result<(), Box<dyn std::error::Error>>;

    fn decision(number: &str) -> Result<PenaltyRecord, Box<dyn std::error::Error>> {
        Ok(PenaltyRecord {
            decision: PenaltyDecision {
                number: number.parse()?,
                party: Party::Organisation {
                    name: "莆田张静琳旅行社".into(),
                    credit_code: None,
                },
                cause: "当事人张静琳于2026年带团，电话13812345678".into(),
                legal_basis: "《旅行社条例》".into(),
                conditions: "住龙桥街88号3幢".into(),
                procedure: "普通程序".into(),
                result: "罚款".into(),
                authority: "莆田市文化和旅游局".parse()?,
                decided_on: "2026-11-20".parse()?,
                minor: false,
                involves_minor: false,
                target: None,
                plan: None,
                disclosure: None,
            },
            changes: Vec::new(),
            recorded_at: "2026-11-20T01:00:00Z".parse()?,
        })
    }

    fn publication(
        number: &str,
        state: Option<PublicationTransition>,
        cal: &Calendar,
    ) -> Result<Publication, Box<dyn std::error::Error>> {
        let at: Timestamp = "2026-11-21T01:00:00Z".parse()?;
        let p = Publication::schedule(
            PublicationKind::PenaltyDecision,
            RecordRef::Penalty {
                number: number.parse()?,
            },
            "2026-11-20".parse()?,
            cal,
            at,
        )?;
        Ok(match state {
            Some(t) => p.transition(t, at)?,
            None => p,
        })
    }

    #[test]
    fn every_gate_applies_approval_minors_take_down_and_redaction() -> R {
        let cal = Calendar::embedded()?;
        let now: Timestamp = "2026-11-22T01:00:00Z".parse()?;
        let mut r = Records::default();
        r.names.persons.push("张静琳".into());
        // 1: approved, not yet scheduled. 2: awaiting approval. 3: a minor's case. 4: revoked.
        // 5: published. 6: withdrawn by the publisher. 7: credit-repaired.
        for n in 1..=7 {
            let mut p = decision(&format!("罚{n}号"))?;
            if n == 3 {
                p.decision.involves_minor = true;
            }
            if n == 4 || n == 7 {
                let kind = if n == 4 {
                    PenaltyChangeKind::Revoked
                } else {
                    PenaltyChangeKind::CreditRepaired
                };
                p = p.with_change(kind, "理由".into(), None, "2026-11-21".parse()?, now)?;
            }
            r.penalties.push(p);
        }
        let id2 = PublicationId::of(
            PublicationKind::PenaltyDecision,
            &RecordRef::Penalty {
                number: "罚2号".parse()?,
            },
        );
        r.approvals.insert(
            id2.to_string(),
            Approval::awaiting(id2, "inspector-1".parse()?, now),
        );
        r.publications.push(publication(
            "罚5号",
            Some(PublicationTransition::Publish),
            &cal,
        )?);
        // A notice announces the withdrawal of something published: 罚4号 was.
        r.publications.push(publication(
            "罚4号",
            Some(PublicationTransition::Publish),
            &cal,
        )?);
        r.publications.push(publication(
            "罚6号",
            Some(PublicationTransition::Withdraw {
                reason: "撤回".into(),
            }),
            &cal,
        )?);
        r.reindex();

        let live = project(&r, &cal, Gate::Live, now);
        assert_eq!(
            live.decisions
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["罚1号", "罚5号"]
        );
        assert_eq!(
            live.withdrawals
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["罚4号"],
            "a revocation's notice shows; credit repair has none"
        );
        let site = project(&r, &cal, Gate::Published, now);
        assert!(
            site.withdrawals.is_empty(),
            "the notice is not published yet"
        );
        assert_eq!(
            site.decisions
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["罚5号"]
        );
        let shown = live.decisions().next().ok_or("none")?;
        assert_eq!(shown.decision.cause, "当事人张**于2026年带团，电话[已隐去]");
        assert_eq!(shown.decision.conditions, "住龙桥街[已隐去]");
        assert!(
            matches!(&shown.decision.party, Party::Organisation { name, .. } if name == "莆田张静琳旅行社"),
            "a registered name is published in full"
        );
        assert!(live.records.names.persons.is_empty());
        // Three years after publication, the decision is gone even before the publisher expires it.
        let later: Timestamp = "2029-12-01T01:00:00Z".parse()?;
        let late = project(&r, &cal, Gate::Live, later);
        assert!(!late.decisions.contains("罚5号"));
        Ok(())
    }

    #[test]
    fn a_withdrawal_notice_shows_only_for_a_decision_that_was_published() -> R {
        let cal = Calendar::embedded()?;
        let now: Timestamp = "2026-11-22T01:00:00Z".parse()?;
        let at: Timestamp = "2026-11-21T02:00:00Z".parse()?;
        let mut r = Records::default();
        // 8: revoked before anything was published. 9: published, then revoked and withdrawn.
        for n in [8, 9] {
            let p = decision(&format!("罚{n}号"))?.with_change(
                PenaltyChangeKind::Revoked,
                "理由".into(),
                None,
                "2026-11-21".parse()?,
                now,
            )?;
            r.penalties.push(p);
        }
        let withdraw = PublicationTransition::Withdraw {
            reason: "处罚决定撤销：理由".into(),
        };
        r.publications
            .push(publication("罚8号", Some(withdraw.clone()), &cal)?);
        r.publications.push(
            publication("罚9号", Some(PublicationTransition::Publish), &cal)?
                .transition(withdraw, at)?,
        );
        for n in [8, 9] {
            let rec = RecordRef::Penalty {
                number: format!("罚{n}号").parse()?,
            };
            r.publications.push(
                Publication::schedule(
                    PublicationKind::PenaltyWithdrawal,
                    rec,
                    "2026-11-21".parse()?,
                    &cal,
                    at,
                )?
                .transition(PublicationTransition::Publish, at)?,
            );
        }
        r.reindex();
        for gate in [Gate::Live, Gate::Published, Gate::Staged] {
            let p = project(&r, &cal, gate, now);
            assert_eq!(
                p.withdrawals.iter().map(String::as_str).collect::<Vec<_>>(),
                ["罚9号"],
                "{gate:?}: a notice for a decision never published"
            );
        }
        Ok(())
    }
}
