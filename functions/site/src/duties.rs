//! What the law requires of the records in the store, as pure functions: which publications must
//! exist ([`missing_publications`]), which state changes are due ([`due_transitions`]), and which
//! duties are overdue or fall due soon ([`deadlines_report`]).
//!
//! Scheduling happens here, in the publisher's scan, not in the API's write path: both hosts (the
//! `spotcheck publish` command and the Lambda function) then behave the same, a record written by
//! any means gets its publication, and the scan is idempotent (a publication's id is derived from
//! its kind and record, so it can only be scheduled once).

use chrono::NaiveDate;
use serde::Serialize;
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::lifecycle::{
    PenaltyChangeKind, PenaltyRecord, PlanState, Publication, PublicationId, PublicationKind,
    PublicationState, PublicationTransition, RecordRef,
};
use spotcheck_domain::registry::RegistryKind;
use spotcheck_domain::time::Timestamp;

use crate::records::Records;
use crate::time::china_date;

/// A publication the scan could not schedule (e.g. an event date before the calendar's coverage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The publication id it would have had.
    pub id: String,
    /// Why.
    pub reason: String,
}

struct Scan<'a> {
    out: Vec<Publication>,
    problems: Vec<Problem>,
    records: &'a Records,
    calendar: &'a Calendar,
    at: Timestamp,
}

impl Scan<'_> {
    fn want(&mut self, kind: PublicationKind, record: RecordRef, event_date: NaiveDate) {
        let id = PublicationId::of(kind, &record);
        if self.records.publication(id.as_str()).is_some() {
            return;
        }
        match Publication::schedule(kind, record, event_date, self.calendar, self.at) {
            Ok(p) => self.out.push(p),
            Err(e) => self.problems.push(Problem {
                id: id.to_string(),
                reason: e.to_string(),
            }),
        }
    }
}

/// The first change that takes a decision down, with the withdrawal it calls for (`None` for credit
/// repair, which ends publication without a withdrawal notice).
pub fn withdrawing_change(
    p: &PenaltyRecord,
) -> Option<&spotcheck_domain::lifecycle::PenaltyChange> {
    p.changes.first()
}

/// The publications the records call for that the store does not have yet.
///
/// * each item-list version → `item-list` (20 working days from when it was stored);
/// * each committed plan → `plan` (with its commitment; no statutory deadline: published at once);
/// * each drawn plan → `draw` (the transcript; at once);
/// * each result → `check-result` (20 working days from completion);
/// * each decision not involving a minor → `penalty-decision` (7 working days from the decision);
/// * each such decision changed, revoked or confirmed void after it was published →
///   `penalty-withdrawal` (3 working days from the change taking effect). Credit repair ends
///   publication without a notice, and so does a change to a decision never published.
pub fn missing_publications(
    records: &Records,
    calendar: &Calendar,
    at: Timestamp,
) -> (Vec<Publication>, Vec<Problem>) {
    let mut s = Scan {
        out: Vec::new(),
        problems: Vec::new(),
        records,
        calendar,
        at,
    };
    for v in &records.item_lists {
        let record = RecordRef::Snapshot {
            registry: RegistryKind::Items,
            number: v.info.number,
        };
        let date = china_date(v.info.stored_at);
        s.want(PublicationKind::ItemList, record, date);
    }
    for pr in records.plans.values() {
        let plan = &pr.plan;
        if let Some(c) = &pr.commitment {
            let record = RecordRef::Plan {
                plan: plan.spec.id.clone(),
            };
            let date = china_date(c.committed_at);
            s.want(PublicationKind::Plan, record, date);
        }
        if let (PlanState::Drawn { drawn_at, .. }, Some(_)) = (&plan.state, &pr.transcript) {
            let record = RecordRef::Plan {
                plan: plan.spec.id.clone(),
            };
            let date = china_date(*drawn_at);
            s.want(PublicationKind::Draw, record, date);
        }
        for r in &pr.results {
            let record = RecordRef::Result {
                plan: r.plan.clone(),
                target: r.target.clone(),
            };
            s.want(PublicationKind::CheckResult, record, r.completed_on);
        }
    }
    for p in &records.penalties {
        if !p.decision.publishable() {
            continue;
        }
        let record = RecordRef::Penalty {
            number: p.decision.number.clone(),
        };
        s.want(
            PublicationKind::PenaltyDecision,
            record.clone(),
            p.decision.decided_on,
        );
        // A withdrawal notice announces that a published decision was taken down: only for a
        // decision that was published (one changed while still pending is withdrawn silently).
        let decision_id = PublicationId::of(PublicationKind::PenaltyDecision, &record);
        let was_published = records
            .publication(decision_id.as_str())
            .is_some_and(Publication::was_published);
        if let Some(change) = withdrawing_change(p)
            && change.kind != PenaltyChangeKind::CreditRepaired
            && was_published
        {
            s.want(
                PublicationKind::PenaltyWithdrawal,
                record,
                change.effective_on,
            );
        }
    }
    (s.out, s.problems)
}

/// Chinese label of a change kind, as shown with a withdrawal.
pub fn change_label(kind: PenaltyChangeKind) -> &'static str {
    match kind {
        PenaltyChangeKind::Changed => "处罚决定变更",
        PenaltyChangeKind::Revoked => "处罚决定撤销",
        PenaltyChangeKind::ConfirmedUnlawfulOrVoid => "处罚决定被确认违法或无效",
        PenaltyChangeKind::CreditRepaired => "信用修复",
    }
}

/// One state change the publisher is about to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// Which publication.
    pub id: PublicationId,
    /// The change.
    pub transition: PublicationTransition,
}

fn penalty_of<'a>(
    by_number: &std::collections::HashMap<&str, &'a PenaltyRecord>,
    record: &RecordRef,
) -> Option<&'a PenaltyRecord> {
    match record {
        RecordRef::Penalty { number } => by_number.get(number.as_str()).copied(),
        _ => None,
    }
}

pub use spotcheck_app::public::removal_date;

/// The state changes due on `today`, in an order that is safe to apply one by one:
///
/// 1. a decision whose penalty was changed, revoked or confirmed void is **withdrawn** (its reason
///    shown) before its withdrawal notice is published; after credit repair it is **expired**
///    (withdrawn if it was never published);
/// 2. a decision involving a minor that was scheduled by someone else is withdrawn unpublished;
/// 3. a published decision past its publication period is **expired**;
/// 4. every other pending publication is **published** (a record is entered by the responsible
///    department — 谁检查、谁录入、谁公开 — so entering it approves it).
///
/// `blocked` publications (their files failed redaction) are left pending.
pub fn due_transitions(
    records: &Records,
    calendar: &Calendar,
    today: NaiveDate,
    blocked: &dyn Fn(&PublicationId) -> bool,
) -> Vec<Due> {
    let mut takedowns = Vec::new();
    let mut publish = Vec::new();
    // The reason is kept with the withdrawn publication (and shown in the run's report): redacted
    // like every public text.
    let redactor = spotcheck_app::public::redact::Redactor::new(&records.names.persons);
    let by_number: std::collections::HashMap<&str, &PenaltyRecord> = records
        .penalties
        .iter()
        .map(|p| (p.decision.number.as_str(), p))
        .collect();
    for p in &records.publications {
        let penalty = penalty_of(&by_number, &p.record);
        if p.kind == PublicationKind::PenaltyDecision
            && let Some(pen) = penalty
        {
            if let Some(change) = withdrawing_change(pen) {
                let t = match (&p.state, change.kind) {
                    (PublicationState::Published { .. }, PenaltyChangeKind::CreditRepaired) => {
                        Some(PublicationTransition::Expire)
                    }
                    (PublicationState::Pending | PublicationState::Published { .. }, _) => {
                        Some(PublicationTransition::Withdraw {
                            reason: format!(
                                "{}：{}",
                                change_label(change.kind),
                                redactor.text(&change.reason)
                            ),
                        })
                    }
                    _ => None,
                };
                if let Some(transition) = t {
                    takedowns.push(Due {
                        id: p.id.clone(),
                        transition,
                    });
                }
                continue;
            }
            if !pen.decision.publishable() {
                if matches!(
                    p.state,
                    PublicationState::Pending | PublicationState::Published { .. }
                ) {
                    takedowns.push(Due {
                        id: p.id.clone(),
                        transition: PublicationTransition::Withdraw {
                            reason: "涉及未成年人，依法不予公开".into(),
                        },
                    });
                }
                continue;
            }
            if let PublicationState::Published { published_at } = p.state
                && removal_date(pen, published_at, calendar).is_some_and(|last| today > last)
            {
                takedowns.push(Due {
                    id: p.id.clone(),
                    transition: PublicationTransition::Expire,
                });
                continue;
            }
        }
        if p.kind == PublicationKind::PenaltyWithdrawal
            && penalty.is_some_and(|pen| !pen.decision.publishable())
        {
            continue;
        }
        // A notice scheduled for a decision that was never published (by an older version of
        // this scan) announces nothing: withdrawn unpublished.
        if p.kind == PublicationKind::PenaltyWithdrawal
            && p.state == PublicationState::Pending
            && let RecordRef::Penalty { number } = &p.record
        {
            let decision = PublicationId::of(
                PublicationKind::PenaltyDecision,
                &RecordRef::Penalty {
                    number: number.clone(),
                },
            );
            if !records
                .publication(decision.as_str())
                .is_some_and(Publication::was_published)
            {
                takedowns.push(Due {
                    id: p.id.clone(),
                    transition: PublicationTransition::Withdraw {
                        reason: "原处罚决定未曾公开，无需发布撤回公告".into(),
                    },
                });
                continue;
            }
        }
        if p.state == PublicationState::Pending && !blocked(&p.id) {
            publish.push(Due {
                id: p.id.clone(),
                transition: PublicationTransition::Publish,
            });
        }
    }
    takedowns.extend(publish);
    takedowns
}

/// A duty shown in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DutyLine {
    /// The publication id.
    pub id: String,
    /// Its kind.
    pub kind: PublicationKind,
    /// The deadline.
    pub deadline: Option<NaiveDate>,
    /// Whether the deadline is provisional (a year not yet announced).
    pub deadline_provisional: bool,
}

impl DutyLine {
    /// The line of a publication.
    pub fn of(p: &Publication) -> Self {
        Self {
            id: p.id.to_string(),
            kind: p.kind,
            deadline: p.deadline,
            deadline_provisional: p.deadline_provisional,
        }
    }
}

/// Pending publications past their deadline, and those whose deadline falls within the next
/// `horizon` working days (today included).
///
/// # Errors
/// The calendar's errors for `today`.
pub fn deadlines_report(
    publications: &[Publication],
    calendar: &Calendar,
    today: NaiveDate,
    horizon: u32,
) -> Result<(Vec<DutyLine>, Vec<DutyLine>), spotcheck_domain::calendar::CalendarError> {
    let limit = calendar.add_working_days(today, horizon)?.date;
    let mut overdue = Vec::new();
    let mut soon = Vec::new();
    for p in publications {
        if p.state != PublicationState::Pending {
            continue;
        }
        match p.deadline {
            Some(d) if d < today => overdue.push(DutyLine::of(p)),
            Some(d) if d <= limit => soon.push(DutyLine::of(p)),
            _ => {}
        }
    }
    Ok((overdue, soon))
}

/// Whether a publication met its deadline: `Some(true)` on time, `Some(false)` late, `None` when
/// not (or no longer) published or when no deadline applies.
pub fn on_time(p: &Publication) -> Option<bool> {
    match (&p.state, p.deadline) {
        (PublicationState::Published { published_at }, Some(d)) => {
            Some(china_date(*published_at) <= d)
        }
        _ => None,
    }
}
