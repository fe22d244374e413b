//! What staff read: their department's plans by state (drafts included), the approvals waiting
//! for them with the exact public rendering beside what was entered, the publication duties with
//! their deadlines (the overdue ones flagged), and an inspector's own assignments.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use spotcheck_domain::ids::{Department, PlanId, TargetId};
use spotcheck_domain::lifecycle::{
    ApprovalStatus, InspectionResult, PenaltyDecision, Plan, PlanState, PublicationId,
    PublicationKind, PublicationState, RecordRef,
};
use spotcheck_domain::store::{FrameReader, PlanReader, ReadStore};
use spotcheck_domain::time::Timestamp;

use crate::AppError;
use crate::public::records::{PlanRecord, load};
use crate::public::redact::Redactor;
use crate::public::time::china_date;
use crate::staff::{Role, Staff};

/// The department's plans, every state (drafts included), or those in `state` (`draft`,
/// `committed`, `drawn`, `cancelled`), by planned draw time then id; joint plans it takes part in
/// as a partner included.
///
/// # Errors
/// 403 without a staff role; 422 for an unknown state.
pub async fn plans<S: PlanReader>(
    store: &S,
    staff: &Staff,
    state: Option<&str>,
) -> Result<Vec<Plan>, AppError> {
    staff.require_plan_reader()?;
    if let Some(s) = state
        && !["draft", "committed", "drawn", "cancelled"].contains(&s)
    {
        return Err(AppError::validation(
            "invalid-query",
            format!("state: {s:?} is not draft, committed, drawn or cancelled"),
        ));
    }
    Ok(store
        .list_plans()
        .await?
        .into_iter()
        .filter(|p| p.spec.involves(&staff.department))
        .filter(|p| state.is_none_or(|s| p.state.name() == s))
        .collect())
}

/// A text as entered and as it will be published.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rendered {
    /// Which field.
    pub field: &'static str,
    /// As entered.
    pub entered: String,
    /// As the public will read it (numbers removed, natural persons' names masked).
    pub public: String,
}

/// A record waiting for someone's approval before it is published.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingApproval {
    /// The publication it awaits (the route to approve it follows from `plan`/`target` or
    /// `decision`).
    pub id: String,
    /// `check_result`, `penalty_decision` or `penalty_change`.
    pub kind: &'static str,
    /// The plan, for a result.
    pub plan: Option<PlanId>,
    /// The target, for a result.
    pub target: Option<TargetId>,
    /// The decision number, for a decision or a change of one.
    pub decision: Option<String>,
    /// The change's number, for a change or withdrawal of a decision.
    pub change: Option<u32>,
    /// Who entered it (never the one who may approve it).
    pub entered_by: String,
    /// When.
    pub entered_at: Timestamp,
    /// Its free-text fields, as entered and as they will be published.
    pub texts: Vec<Rendered>,
    /// The return to its author with the reason, while it waits for their amendment.
    pub returned: Option<spotcheck_domain::lifecycle::Returned>,
}

/// One of the caller's own results or decisions waiting for approval, whole, so its author can
/// amend it (prefilled) or withdraw it; `returned` when an approver sent it back with a reason.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyDraft {
    /// The publication it awaits.
    pub id: String,
    /// `check_result` or `penalty_decision`.
    pub kind: &'static str,
    /// When it was entered (or last amended).
    pub entered_at: Timestamp,
    /// The return to its author with the reason, until they amend it.
    pub returned: Option<spotcheck_domain::lifecycle::Returned>,
    /// The result, for `check_result`.
    pub result: Option<InspectionResult>,
    /// The decision, for `penalty_decision`.
    pub decision: Option<PenaltyDecision>,
    /// Whether the decision has changes entered (then it can no longer be amended or withdrawn).
    pub has_changes: bool,
}

/// The caller's own results and decisions not yet approved (any staff member: each sees only
/// what they entered), returned ones first, then newest first.
///
/// # Errors
/// 500 when the store cannot be read.
pub async fn my_drafts<S: ReadStore>(store: &S, staff: &Staff) -> Result<Vec<MyDraft>, AppError> {
    let records = load(store).await?;
    let mine = |id: &PublicationId| {
        records
            .approvals
            .get(id.as_str())
            .filter(|a| ApprovalStatus::of(Some(a)) == ApprovalStatus::Awaiting)
            .filter(|a| a.recorded_by == staff.actor)
    };
    let mut out = Vec::new();
    for pr in records.plans.values() {
        for r in &pr.results {
            let id = PublicationId::of(
                PublicationKind::CheckResult,
                &RecordRef::Result {
                    plan: r.plan.clone(),
                    target: r.target.clone(),
                },
            );
            if let Some(a) = mine(&id) {
                out.push(MyDraft {
                    id: id.to_string(),
                    kind: "check_result",
                    entered_at: a.recorded_at,
                    returned: a.returned.clone(),
                    result: Some(r.clone()),
                    decision: None,
                    has_changes: false,
                });
            }
        }
    }
    for p in &records.penalties {
        let id = PublicationId::of(
            PublicationKind::PenaltyDecision,
            &RecordRef::Penalty {
                number: p.decision.number.clone(),
            },
        );
        if let Some(a) = mine(&id) {
            out.push(MyDraft {
                id: id.to_string(),
                kind: "penalty_decision",
                entered_at: a.recorded_at,
                returned: a.returned.clone(),
                result: None,
                decision: Some(p.decision.clone()),
                has_changes: !p.changes.is_empty(),
            });
        }
    }
    out.sort_by(|a, b| {
        b.returned
            .is_some()
            .cmp(&a.returned.is_some())
            .then(b.entered_at.cmp(&a.entered_at))
    });
    Ok(out)
}

/// The approvals waiting in the caller's department that the caller may give (supervisor or
/// publisher; never their own entries), with each text as it will be published. A joint plan's
/// results are listed to each participating department with an inspector on the target's team
/// (those it may approve, [`crate::records::approve_result`]), partners included.
///
/// # Errors
/// 403 without the supervisor or publisher role.
pub async fn pending_approvals<S: ReadStore>(
    store: &S,
    staff: &Staff,
) -> Result<Vec<PendingApproval>, AppError> {
    if !(staff.has(Role::Supervisor) || staff.has(Role::Publisher)) {
        return Err(AppError::forbidden(
            "missing-role",
            "approvals are given by the supervisor or publisher role",
        ));
    }
    let records = load(store).await?;
    let redactor = Redactor::new(&records.names.persons);
    let render = |field: &'static str, text: &str| Rendered {
        field,
        entered: text.to_owned(),
        public: redactor.text(text),
    };
    let awaiting = |id: &PublicationId| {
        records
            .approvals
            .get(id.as_str())
            .filter(|a| ApprovalStatus::of(Some(a)) == ApprovalStatus::Awaiting)
            .filter(|a| a.recorded_by != staff.actor)
    };
    let mut out = Vec::new();
    for pr in records.plans.values() {
        if !pr.plan.spec.involves(&staff.department) {
            continue;
        }
        let team = team_targets(store, pr, &staff.department).await?;
        for r in &pr.results {
            if team
                .as_ref()
                .is_some_and(|t| !t.contains(r.target.as_str()))
            {
                continue;
            }
            let id = PublicationId::of(
                PublicationKind::CheckResult,
                &RecordRef::Result {
                    plan: r.plan.clone(),
                    target: r.target.clone(),
                },
            );
            if let Some(a) = awaiting(&id) {
                let mut texts = vec![render("findings", &r.findings)];
                if let Some(f) = &r.follow_up {
                    texts.push(render("follow_up", f));
                }
                out.push(PendingApproval {
                    id: id.to_string(),
                    kind: "check_result",
                    plan: Some(r.plan.clone()),
                    target: Some(r.target.clone()),
                    decision: None,
                    change: None,
                    entered_by: a.recorded_by.to_string(),
                    entered_at: a.recorded_at,
                    texts,
                    returned: a.returned.clone(),
                });
            }
        }
    }
    for p in &records.penalties {
        let d = &p.decision;
        if d.authority != staff.department {
            continue;
        }
        let id = PublicationId::of(
            PublicationKind::PenaltyDecision,
            &RecordRef::Penalty {
                number: d.number.clone(),
            },
        );
        if let Some(a) = awaiting(&id) {
            out.push(PendingApproval {
                id: id.to_string(),
                kind: "penalty_decision",
                plan: d.plan.clone(),
                target: d.target.clone(),
                decision: Some(d.number.to_string()),
                change: None,
                entered_by: a.recorded_by.to_string(),
                entered_at: a.recorded_at,
                texts: vec![
                    render("cause", &d.cause),
                    render("legal_basis", &d.legal_basis),
                    render("conditions", &d.conditions),
                    render("result", &d.result),
                ],
                returned: a.returned.clone(),
            });
        }
        for c in &p.changes {
            let id = PublicationId::of_penalty_change(&d.number, c.seq);
            if let Some(a) = awaiting(&id) {
                let mut texts = vec![render("reason", &c.reason)];
                if let Some(n) = &c.new_result {
                    texts.push(render("new_result", n));
                }
                out.push(PendingApproval {
                    id: id.to_string(),
                    kind: "penalty_change",
                    plan: d.plan.clone(),
                    target: d.target.clone(),
                    decision: Some(d.number.to_string()),
                    change: Some(c.seq),
                    entered_by: a.recorded_by.to_string(),
                    entered_at: a.recorded_at,
                    texts,
                    returned: a.returned.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// For a joint plan, the drawn targets whose team holds an inspector of `department` (the
/// committed pool names each inspector's department); `None` for a plan of one department.
async fn team_targets<S: FrameReader>(
    store: &S,
    pr: &PlanRecord,
    department: &Department,
) -> Result<Option<BTreeSet<String>>, AppError> {
    if pr.plan.spec.parameters.joint.is_none() {
        return Ok(None);
    }
    let (Some(t), Some(p)) = (&pr.transcript, &pr.plan.pool) else {
        return Ok(Some(BTreeSet::new()));
    };
    let pool = store.get_pool(&p.root).await?;
    let ours: BTreeSet<&str> = pool
        .entries()
        .iter()
        .filter(|e| &e.department == department)
        .map(|e| e.id.as_str())
        .collect();
    Ok(Some(
        t.selections
            .iter()
            .filter(|s| s.inspectors.iter().any(|i| ours.contains(i.as_str())))
            .map(|s| s.target.to_string())
            .collect(),
    ))
}

/// A publication the department owes, with its deadline.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Duty {
    /// The publication.
    pub id: String,
    /// What is published (`plan`, `draw`, `check_result`, `penalty_decision`, …).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: PublicationKind,
    /// The day that started the clock.
    pub event_date: chrono::NaiveDate,
    /// The legal deadline (working days counted), if the calendar covers it.
    pub deadline: Option<chrono::NaiveDate>,
    /// `pending`, `published`, `withdrawn` or `expired`.
    pub state: &'static str,
    /// Pending past its deadline.
    pub overdue: bool,
    /// For a pending duty not yet overdue: the official working days after today up to and
    /// including the deadline (0: due today); `None` otherwise or beyond the calendar.
    pub working_days_left: Option<u32>,
}

/// The working days `d` with `today < d <= deadline` in `calendar`; `None` when the deadline has
/// passed or a day is outside the calendar.
fn working_days_left(
    calendar: &spotcheck_domain::calendar::Calendar,
    today: chrono::NaiveDate,
    deadline: chrono::NaiveDate,
) -> Option<u32> {
    if deadline < today {
        return None;
    }
    let mut n = 0;
    for day in today
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= deadline)
        .take(800)
    {
        if calendar.is_working_day(day)? {
            n += 1;
        }
    }
    Some(n)
}

/// The department's publication duties (a joint plan's results to each department on the target's
/// team, its plan and draw to the lead), the pending ones first by deadline, each flagged when
/// overdue (`now` in China's calendar). With `overdue_only`, only the overdue ones.
///
/// # Errors
/// 403 without a staff role.
pub async fn duties<S: ReadStore>(
    store: &S,
    staff: &Staff,
    now: Timestamp,
    overdue_only: bool,
) -> Result<Vec<Duty>, AppError> {
    staff.require_plan_reader()?;
    let records = load(store).await?;
    let today = china_date(now);
    let calendar = spotcheck_domain::calendar::Calendar::embedded().ok();
    // A joint plan's results are owed by each department on the target's team, partners
    // included (they record and approve them); its plan and draw by the lead.
    let mut teams: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (id, pr) in &records.plans {
        if pr.plan.spec.involves(&staff.department)
            && let Some(t) = team_targets(store, pr, &staff.department).await?
        {
            teams.insert(id.as_str(), t);
        }
    }
    let department_of = |r: &RecordRef| -> Option<bool> {
        Some(match r {
            RecordRef::Plan { plan } => {
                records.plans.get(plan.as_str())?.plan.spec.department == staff.department
            }
            RecordRef::Result { plan, target } => match teams.get(plan.as_str()) {
                Some(team) => team.contains(target.as_str()),
                None => records.plans.get(plan.as_str())?.plan.spec.department == staff.department,
            },
            RecordRef::Penalty { number } => {
                records
                    .penalties
                    .iter()
                    .find(|p| &p.decision.number == number)?
                    .decision
                    .authority
                    == staff.department
            }
            RecordRef::Snapshot { .. } => true,
        })
    };
    let mut out: Vec<Duty> = records
        .publications
        .iter()
        .filter(|p| department_of(&p.record) == Some(true))
        .map(|p| {
            let pending = matches!(p.state, PublicationState::Pending);
            Duty {
                id: p.id.to_string(),
                kind: p.kind,
                event_date: p.event_date,
                deadline: p.deadline,
                state: match p.state {
                    PublicationState::Pending => "pending",
                    PublicationState::Published { .. } => "published",
                    PublicationState::Withdrawn { .. } => "withdrawn",
                    PublicationState::Expired { .. } => "expired",
                },
                overdue: pending && p.deadline.is_some_and(|d| d < today),
                working_days_left: match (pending, p.deadline, &calendar) {
                    (true, Some(d), Some(c)) => working_days_left(c, today, d),
                    _ => None,
                },
            }
        })
        .filter(|d| !overdue_only || d.overdue)
        .collect();
    out.sort_by(|a, b| {
        (a.state != "pending", a.deadline, &a.id).cmp(&(b.state != "pending", b.deadline, &b.id))
    });
    Ok(out)
}

/// One target an inspector was assigned to by a draw.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    /// The plan.
    pub plan: PlanId,
    /// Its title.
    pub title: String,
    /// The target to check.
    pub target: TargetId,
    /// The other inspectors who go.
    pub with: Vec<String>,
    /// Whether its result has been recorded.
    pub result_recorded: bool,
}

/// The caller's own assignments: the drawn targets of their department's plans (and of the joint
/// plans it takes part in) whose inspectors include them (an inspector's token subject is their
/// roster id).
///
/// # Errors
/// 403 without the inspector role.
pub async fn assignments<S: ReadStore>(
    store: &S,
    staff: &Staff,
) -> Result<Vec<Assignment>, AppError> {
    staff.require(Role::Inspector)?;
    let me = staff.actor.as_str();
    let records = load(store).await?;
    let mut out = Vec::new();
    for pr in records.plans.values() {
        let spec = &pr.plan.spec;
        if !spec.involves(&staff.department) || !matches!(pr.plan.state, PlanState::Drawn { .. }) {
            continue;
        }
        let Some(t) = &pr.transcript else { continue };
        for s in &t.selections {
            if !s.inspectors.iter().any(|i| i.as_str() == me) {
                continue;
            }
            out.push(Assignment {
                plan: spec.id.clone(),
                title: spec.title.clone(),
                target: s.target.clone(),
                with: s
                    .inspectors
                    .iter()
                    .map(|i| i.as_str().to_owned())
                    .filter(|i| i != me)
                    .collect(),
                result_recorded: pr.results.iter().any(|r| r.target == s.target),
            });
        }
    }
    Ok(out)
}

/// One entry of the audit log as a supervisor browses it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    /// Its position in the hash chain (1 for the first).
    pub seq: u64,
    /// When.
    pub at: Timestamp,
    /// Who (the token's subject).
    pub actor: String,
    /// What (`plan_created`, `committed`, `drawn`, `result_recorded`, `approved`, …).
    pub action: String,
    /// To what, e.g. `plan:PT-2026-001`.
    pub subject: String,
    /// The entry's hash (`spotcheck audit verify` checks the chain).
    pub hash: String,
}

/// The most entries one page of [`audit_log`] returns.
pub const AUDIT_PAGE_MAX: usize = 200;

/// The audit log as the department's supervisors see it, newest first: the entries about the
/// department's plans (their frames and pools) and the joint plans it takes part in (lead or
/// partner), their results, the department's decisions and approvals, and the registry snapshots
/// every department shares. A decision no longer stored (withdrawn before approval and not
/// entered again) stays in the chain: its entries are shown to the department of the people who
/// acted on it (only the deciding department's staff may), known from the newest inspector
/// roster (an inspector's token subject is their roster id) or because the caller is one of them. `before` pages back (entries with a smaller
/// `seq`), `limit` is at most [`AUDIT_PAGE_MAX`], and `query` keeps the entries whose subject,
/// actor or action contains it.
///
/// # Errors
/// 403 without the supervisor role.
pub async fn audit_log<S: ReadStore>(
    store: &S,
    staff: &Staff,
    before: Option<u64>,
    limit: usize,
    query: Option<&str>,
) -> Result<Vec<AuditRecord>, AppError> {
    staff.require(Role::Supervisor)?;
    let records = load(store).await?;
    let mut own: Vec<String> = Vec::new();
    for pr in records.plans.values() {
        let plan = &pr.plan;
        if !plan.spec.involves(&staff.department) {
            continue;
        }
        own.push(plan.spec.id.to_string());
        if let Some(f) = &plan.frame {
            own.push(format!("frame:{}", f.root));
        }
        if let Some(p) = &plan.pool {
            own.push(format!("pool:{}", p.root));
        }
    }
    for p in &records.penalties {
        if p.decision.authority == staff.department {
            own.push(p.decision.number.to_string());
        }
    }
    let entries = store.audit_entries().await?;
    own.extend(gone_decisions(store, staff, &records, &entries).await?);
    // A subject names a record by its id after a `:` and before a `/`, `:` or its end.
    let names_own = |subject: &str| {
        subject.starts_with("snapshot:")
            || own.iter().any(|id| {
                subject == id
                    || subject.match_indices(id.as_str()).any(|(i, _)| {
                        let before_ok = i == 0 || subject[..i].ends_with(':');
                        let rest = &subject[i + id.len()..];
                        before_ok
                            && (rest.is_empty() || rest.starts_with('/') || rest.starts_with(':'))
                    })
            })
    };
    let query = query.map(str::trim).filter(|q| !q.is_empty());
    let mut out: Vec<AuditRecord> = entries
        .into_iter()
        .filter(|e| before.is_none_or(|b| e.seq < b))
        .filter(|e| names_own(&e.subject))
        .map(|e| AuditRecord {
            seq: e.seq,
            at: e.at,
            actor: e.actor.to_string(),
            action: e.action.code().to_owned(),
            subject: e.subject,
            hash: e.hash.to_string(),
        })
        .filter(|r| {
            query.is_none_or(|q| {
                r.subject.contains(q) || r.actor.contains(q) || r.action.contains(q)
            })
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.seq));
    out.truncate(limit.clamp(1, AUDIT_PAGE_MAX));
    Ok(out)
}

/// The numbers of the decisions the audit log names (`penalty:<number>`) that are no longer
/// stored and that the caller's department acted on: an actor of one of their entries is the
/// caller or an inspector of the department in the newest roster.
async fn gone_decisions<S: ReadStore>(
    store: &S,
    staff: &Staff,
    records: &crate::public::records::Records,
    entries: &[spotcheck_domain::lifecycle::AuditEntry],
) -> Result<Vec<String>, AppError> {
    let stored: BTreeSet<&str> = records
        .penalties
        .iter()
        .map(|p| p.decision.number.as_str())
        .collect();
    let mut actors: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in entries {
        if let Some(number) = e.subject.strip_prefix("penalty:")
            && !stored.contains(number)
        {
            actors.entry(number).or_default().insert(e.actor.as_str());
        }
    }
    if actors.is_empty() {
        return Ok(Vec::new());
    }
    let kind = spotcheck_domain::registry::RegistryKind::Inspectors;
    let roster = match store.latest_snapshot(kind).await? {
        Some(info) => store
            .get_snapshot::<spotcheck_domain::registry::Inspector>(info.number)
            .await?
            .records()
            .iter()
            .filter(|i| i.department == staff.department)
            .map(|i| i.id.to_string())
            .collect(),
        None => BTreeSet::new(),
    };
    Ok(actors
        .into_iter()
        .filter(|(_, who)| {
            who.iter()
                .any(|a| *a == staff.actor.as_str() || roster.contains(*a))
        })
        .map(|(number, _)| number.to_owned())
        .collect())
}

/// The latest snapshot of a registry and the records of it that match a search.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrySearch {
    /// The snapshot searched (the newest), `0` when none was imported.
    pub snapshot: u64,
    /// Its canonical hash (empty when none).
    pub hash: String,
    /// Its number of records.
    pub records: u64,
    /// When it was stored.
    pub stored_at: Option<Timestamp>,
    /// The matching records as stored (at most [`SEARCH_MAX`]), in snapshot order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub hits: Vec<serde_json::Value>,
}

/// The most records one search returns.
pub const SEARCH_MAX: usize = 50;

/// Searches the newest snapshot of a registry (any staff role): the records with a text field
/// containing `query` (a name, credit code, licence or card number, region code). An empty
/// query returns the first records.
///
/// # Errors
/// 403 without a staff role.
pub async fn search_registry<S: ReadStore>(
    store: &S,
    staff: &Staff,
    kind: spotcheck_domain::registry::RegistryKind,
    query: &str,
) -> Result<RegistrySearch, AppError> {
    use spotcheck_domain::registry::{
        CheckItem, Guide, Inspector, OnlineOperator, RegistryKind, TravelAgency,
    };
    if staff.roles.is_empty() {
        return Err(AppError::new(
            crate::ErrorKind::Forbidden,
            "missing-role",
            "this needs a staff role",
        ));
    }
    let Some(info) = store.latest_snapshot(kind).await? else {
        return Ok(RegistrySearch {
            snapshot: 0,
            hash: String::new(),
            records: 0,
            stored_at: None,
            hits: Vec::new(),
        });
    };
    let q = query.trim();
    let hits = match kind {
        RegistryKind::Agencies => matches(
            store
                .get_snapshot::<TravelAgency>(info.number)
                .await?
                .records(),
            q,
        ),
        RegistryKind::Guides => {
            matches(store.get_snapshot::<Guide>(info.number).await?.records(), q)
        }
        RegistryKind::Operators => matches(
            store
                .get_snapshot::<OnlineOperator>(info.number)
                .await?
                .records(),
            q,
        ),
        RegistryKind::Inspectors => matches(
            store
                .get_snapshot::<Inspector>(info.number)
                .await?
                .records(),
            q,
        ),
        RegistryKind::Items => matches(
            store
                .get_snapshot::<CheckItem>(info.number)
                .await?
                .records(),
            q,
        ),
    };
    Ok(RegistrySearch {
        snapshot: info.number,
        hash: info.hash.to_string(),
        records: info.records,
        stored_at: Some(info.stored_at),
        hits,
    })
}

/// The records (as JSON) with a string anywhere in them that contains `q`.
fn matches<T: Serialize>(records: &[T], q: &str) -> Vec<serde_json::Value> {
    fn contains(v: &serde_json::Value, q: &str) -> bool {
        match v {
            serde_json::Value::String(s) => s.contains(q),
            serde_json::Value::Array(a) => a.iter().any(|x| contains(x, q)),
            serde_json::Value::Object(o) => o.values().any(|x| contains(x, q)),
            _ => false,
        }
    }
    records
        .iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .filter(|v| q.is_empty() || contains(v, q))
        .take(SEARCH_MAX)
        .collect()
}

#[cfg(test)]
mod working_day_tests {
    use super::working_days_left;
    use spotcheck_domain::calendar::Calendar;

    fn day(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn counts_official_working_days_after_today() -> Result<(), Box<dyn std::error::Error>> {
        let cal = Calendar::embedded()?;
        // Monday 23 November 2026 to Friday 27th: Tuesday to Friday.
        assert_eq!(
            working_days_left(&cal, day("2026-11-23"), day("2026-11-27")),
            Some(4)
        );
        // Over a weekend: Friday 27th to Monday 30th is one working day (the Monday).
        assert_eq!(
            working_days_left(&cal, day("2026-11-27"), day("2026-11-30")),
            Some(1)
        );
        // Due today, and past due.
        assert_eq!(
            working_days_left(&cal, day("2026-11-27"), day("2026-11-27")),
            Some(0)
        );
        assert_eq!(
            working_days_left(&cal, day("2026-11-27"), day("2026-11-26")),
            None
        );
        // 1 to 7 October 2026 are holidays: from 30 September to 9 October only the 8th and 9th
        // count.
        assert_eq!(
            working_days_left(&cal, day("2026-09-30"), day("2026-10-09")),
            Some(2)
        );
        Ok(())
    }
}
