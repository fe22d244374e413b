//! One publisher run: scan → schedule → publish/withdraw/expire → render → write → report.
//!
//! Idempotent and safe to run twice at once: a publication's id is derived from its record, each
//! store write carries an idempotency key derived from the publication and the step, and a write
//! that loses a race (another run scheduled or moved the publication first) is re-read and counted
//! as done by the other run. Nothing is published twice (the store refuses a second `publish`) and
//! nothing is lost (every run re-scans everything).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::lifecycle::{
    Actor, Approval, ApprovalStatus, IdempotencyKey, Publication, PublicationId, PublicationKind,
    PublicationState, PublicationTransition, RecordRef, WriteMeta,
};
use spotcheck_domain::store::{FrameReader, PublicationWriter, ReadStore, StoreError};
use spotcheck_domain::time::Timestamp;
use tracing::{info, warn};

use crate::duties::{
    DutyLine, Problem, deadlines_report, due_transitions, missing_publications, on_time,
};
use crate::error::SiteError;
use crate::records::{Records, load};
use crate::redact::{Redactor, scan_bytes};
use crate::render::{PlanFiles, RenderOptions, SiteFile, render};
use crate::sink::{SiteSink, SiteStats, update};
use crate::time::china_date;
use crate::view::{build_public, record_texts_of, slug};
use spotcheck_app::public::{Gate, frame_csv, pool_csv, project};

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// The run's clock (`--now`, or the system clock).
    pub now: Timestamp,
    /// Who writes, as recorded in the audit log.
    pub actor: Actor,
    /// "Falls due soon" horizon in working days (2).
    pub horizon: u32,
    /// Site settings.
    pub render: RenderOptions,
}

impl Options {
    /// Defaults for `now`: actor `service:publisher`, horizon 2 working days.
    ///
    /// # Errors
    /// Never in practice (the actor name is a constant).
    pub fn at(now: Timestamp) -> Result<Self, SiteError> {
        Ok(Self {
            now,
            actor: "service:publisher".parse().map_err(|e| SiteError::Encode {
                what: "actor".into(),
                reason: format!("{e}"),
            })?,
            horizon: 2,
            render: RenderOptions::default(),
        })
    }
}

/// A publication this run published.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedLine {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: PublicationKind,
    /// Deadline.
    pub deadline: Option<NaiveDate>,
    /// Provisional deadline.
    pub deadline_provisional: bool,
    /// On time?
    pub on_time: Option<bool>,
}

/// A publication this run withdrew or expired.
#[derive(Debug, Clone, Serialize)]
pub struct TakenDownLine {
    /// Id.
    pub id: String,
    /// `withdrawn` or `expired`.
    pub state: &'static str,
    /// The reason shown (withdrawals).
    pub reason: Option<String>,
}

/// A publication held back because its files would contain a personal number.
#[derive(Debug, Clone, Serialize)]
pub struct BlockedLine {
    /// Id.
    pub id: String,
    /// Which file or view.
    pub file: String,
    /// What was found.
    pub found: &'static str,
    /// The masked number.
    pub excerpt: String,
}

/// What a run did and what needs attention (`spotcheck publish` prints it as JSON).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `spotcheck-publish-report/1`.
    pub format: &'static str,
    /// The run's clock.
    pub now: Timestamp,
    /// Its date in China.
    pub today: NaiveDate,
    /// Publications scheduled by this run.
    pub scheduled: Vec<String>,
    /// Publications published by this run.
    pub published: Vec<PublishedLine>,
    /// Publications withdrawn or expired by this run.
    pub taken_down: Vec<TakenDownLine>,
    /// Steps another run did first (counted, not repeated).
    pub done_by_other_run: usize,
    /// Publications held back by redaction.
    pub blocked: Vec<BlockedLine>,
    /// Publications that could not be scheduled.
    pub problems: Vec<Problem>,
    /// Results and decisions entered but not yet approved by someone other than the person who
    /// entered them: held back (still pending; their deadline runs, so they also appear under
    /// `overdue` or `due_soon` when it nears).
    pub awaiting_approval: Vec<DutyLine>,
    /// Pending past their deadline.
    pub overdue: Vec<DutyLine>,
    /// Pending, due within the horizon.
    pub due_soon: Vec<DutyLine>,
    /// The site update.
    pub site: SiteStats,
}

impl Report {
    /// A report of a run at `now` that has done nothing yet.
    pub fn empty(now: Timestamp) -> Self {
        Self {
            format: "spotcheck-publish-report/1",
            now,
            today: china_date(now),
            scheduled: Vec::new(),
            published: Vec::new(),
            taken_down: Vec::new(),
            done_by_other_run: 0,
            blocked: Vec::new(),
            awaiting_approval: Vec::new(),
            problems: Vec::new(),
            overdue: Vec::new(),
            due_soon: Vec::new(),
            site: SiteStats::default(),
        }
    }
}

/// A name for this run, unique among runs (clock, process, sequence), so the store tells this
/// run's writes from another run's: a second run's attempt is refused and counted as done by the
/// other run instead of being replayed as its own. Retries inside one run reuse the same key.
fn run_id(now: Timestamp) -> String {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}-{}-{n}", now.unix(), std::process::id())
}

fn key(run: &str, step: &str, id: &PublicationId) -> Result<IdempotencyKey, SiteError> {
    let h = hex::encode(Sha256::digest(id.as_str().as_bytes()));
    format!("publisher:{run}:{step}:{}", &h[..40])
        .parse()
        .map_err(|e| SiteError::Encode {
            what: "idempotency key".into(),
            reason: format!("{e}"),
        })
}

fn advanced(p: &Publication, t: &PublicationTransition) -> bool {
    match t {
        PublicationTransition::Publish => p.state != PublicationState::Pending,
        PublicationTransition::Withdraw { .. } | PublicationTransition::Expire => {
            matches!(
                p.state,
                PublicationState::Withdrawn { .. } | PublicationState::Expired { .. }
            )
        }
    }
}

/// Schedules, publishes, withdraws and expires what is due, in the store.
///
/// # Errors
/// [`SiteError::Store`] for failures other than lost races; [`SiteError::Calendar`].
pub async fn apply_duties<S>(
    store: &S,
    calendar: &Calendar,
    opts: &Options,
    report: &mut Report,
) -> Result<Records, SiteError>
where
    S: ReadStore + PublicationWriter,
{
    let today = china_date(opts.now);
    let run = run_id(opts.now);
    let mut records = load(store).await?;
    let (missing, problems) = missing_publications(&records, calendar, opts.now);
    report.problems = problems;
    for p in missing {
        let id = p.id.clone();
        let meta = WriteMeta::new(key(&run, "schedule", &id)?, opts.actor.clone(), opts.now);
        match store.schedule_publication(&meta, p).await {
            Ok(_) => {
                info!(publication = %id, "scheduled");
                report.scheduled.push(id.to_string());
            }
            Err(StoreError::Conflict { .. }) if store.get_publication(&id).await.is_ok() => {
                report.done_by_other_run += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
    records.publications = store.list_publications().await?;
    records.reindex();

    // Redaction check of what is about to be published: the views as the projection would show
    // them, and the hashed files (commitment, transcript) as stored, which cannot be redacted —
    // for personal numbers and for the full names of the natural persons the registries know.
    let mut blocked_ids = BTreeSet::new();
    let staged = project(&records, calendar, Gate::Staged, opts.now);
    let scanner = Redactor::new(&records.names.persons);
    for p in &records.publications {
        if p.state != PublicationState::Pending {
            continue;
        }
        for (file, bytes) in record_texts_of(&records, &staged.records, calendar, p) {
            // Views come from the projection, which has already masked the known names in free
            // text (an inspector, an official published by name, may share a guide's name);
            // the hashed files cannot be masked, so a known name there holds the record back.
            let hashed = file.ends_with("commitment.json") || file.ends_with("transcript.json");
            let hits = if hashed {
                scanner.scan_bytes(&bytes)
            } else {
                scan_bytes(&bytes)
            };
            if let Some(hit) = hits.into_iter().next() {
                warn!(publication = %p.id, file, found = hit.kind.as_str(), "held back: personal number");
                report.blocked.push(BlockedLine {
                    id: p.id.to_string(),
                    file,
                    found: hit.kind.as_str(),
                    excerpt: hit.excerpt,
                });
                blocked_ids.insert(p.id.clone());
                break;
            }
        }
    }
    // Approval: a result or decision is published only once someone other than the person who
    // entered it has approved it (records entered before approvals existed have none and stay
    // publishable). Read strongly consistent, per record, just before deciding.
    for p in &records.publications {
        if p.state != PublicationState::Pending || !Approval::required_for(p.kind) {
            continue;
        }
        let approval = store.get_approval(&p.id).await?;
        if !ApprovalStatus::of(approval.as_ref()).publishable() {
            info!(publication = %p.id, "held back: awaiting approval");
            report.awaiting_approval.push(DutyLine::of(p));
            blocked_ids.insert(p.id.clone());
        }
    }
    // A withdrawal notice publishes the change's own text (reason, new result): it waits for the
    // change's approval by someone other than its author, as the projection does. (Taking the
    // decision down does not wait.)
    for p in &records.publications {
        if p.state != PublicationState::Pending || p.kind != PublicationKind::PenaltyWithdrawal {
            continue;
        }
        let RecordRef::Penalty { number } = &p.record else {
            continue;
        };
        let Some(change) = records
            .penalties
            .iter()
            .find(|r| &r.decision.number == number)
            .and_then(|r| r.changes.first())
        else {
            continue;
        };
        let approval = store
            .get_approval(&PublicationId::of_penalty_change(number, change.seq))
            .await?;
        if !ApprovalStatus::of(approval.as_ref()).publishable() {
            info!(publication = %p.id, "held back: change awaiting approval");
            report.awaiting_approval.push(DutyLine::of(p));
            blocked_ids.insert(p.id.clone());
        }
    }
    let due = due_transitions(&records, calendar, today, &|id| blocked_ids.contains(id));
    for d in due {
        let step = match &d.transition {
            PublicationTransition::Publish => "publish",
            PublicationTransition::Withdraw { .. } => "withdraw",
            PublicationTransition::Expire => "expire",
        };
        let meta = WriteMeta::new(key(&run, step, &d.id)?, opts.actor.clone(), opts.now);
        match store
            .transition_publication(&meta, &d.id, d.transition.clone())
            .await
        {
            Ok(p) => {
                info!(publication = %p.id, state = p.state.name(), "moved");
                match &p.state {
                    PublicationState::Published { .. } => report.published.push(PublishedLine {
                        id: p.id.to_string(),
                        kind: p.kind,
                        deadline: p.deadline,
                        deadline_provisional: p.deadline_provisional,
                        on_time: on_time(&p),
                    }),
                    s => report.taken_down.push(TakenDownLine {
                        id: p.id.to_string(),
                        state: s.name(),
                        reason: match s {
                            PublicationState::Withdrawn { reason, .. } => Some(reason.clone()),
                            _ => None,
                        },
                    }),
                }
            }
            Err(StoreError::Conflict { .. }) => {
                let now = store.get_publication(&d.id).await?;
                if advanced(&now, &d.transition) {
                    report.done_by_other_run += 1;
                } else {
                    return Err(SiteError::Store(StoreError::Conflict {
                        what: "publication",
                        id: d.id.to_string(),
                        reason: format!("could not {step}; state is {}", now.state.name()),
                    }));
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    records.publications = store.list_publications().await?;
    records.reindex();
    let (overdue, due_soon) =
        deadlines_report(&records.publications, calendar, today, opts.horizon)?;
    for o in &overdue {
        warn!(publication = %o.id, deadline = ?o.deadline, "OVERDUE");
    }
    for o in &due_soon {
        info!(publication = %o.id, deadline = ?o.deadline, "due within {} working days", opts.horizon);
    }
    report.overdue = overdue;
    report.due_soon = due_soon;
    Ok(records)
}

/// The site files for `records`, loading frames and pools only where the published copy is not
/// already the one with the same Merkle root.
///
/// # Errors
/// [`SiteError::Store`], rendering errors.
pub async fn render_site<S, K>(
    store: &S,
    sink: &K,
    records: &Records,
    calendar: &Calendar,
    opts: &Options,
) -> Result<Vec<SiteFile>, SiteError>
where
    S: FrameReader,
    K: SiteSink,
{
    let public = project(records, calendar, Gate::Published, opts.now);
    let model = build_public(&public, calendar, opts.render.base_url.as_deref(), opts.now);
    let manifest = sink.read_manifest().await?;
    let mut plan_files = BTreeMap::new();
    for v in &model.plans {
        let Some(pr) = records.plans.get(&v.id) else {
            continue;
        };
        let mut files = PlanFiles {
            commitment: pr
                .commitment
                .as_ref()
                .and_then(|c| c.canonical_bytes().ok()),
            timestamps: timestamp_files(&pr.timestamps),
            ..PlanFiles::default()
        };
        if v.draw.is_some()
            && let Some(t) = &pr.transcript
        {
            files.transcript = t.canonical_bytes().ok();
        }
        let dir = format!("plans/{}", slug(&v.id));
        if let Some(s) = &pr.plan.frame {
            let root = s.root.to_hex();
            let path = format!("{dir}/frame.csv");
            let keep = manifest
                .files
                .get(&path)
                .is_some_and(|e| e.source.as_deref() == Some(&root))
                && sink.exists(&path).await;
            let body = if keep {
                None
            } else {
                Some(frame_csv(&store.get_frame(&s.root).await?))
            };
            files.frame = Some((root, body));
        }
        if let Some(s) = &pr.plan.pool {
            let root = s.root.to_hex();
            let path = format!("{dir}/pool.csv");
            let keep = manifest
                .files
                .get(&path)
                .is_some_and(|e| e.source.as_deref() == Some(&root))
                && sink.exists(&path).await;
            let body = if keep {
                None
            } else {
                Some(pool_csv(&store.get_pool(&s.root).await?))
            };
            files.pool = Some((root, body));
        }
        plan_files.insert(slug(&v.id), files);
    }
    let mut files = render(&model, &plan_files, &opts.render)?;
    let stats = spotcheck_app::statistics::of_public(records, &public, china_date(opts.now));
    files.extend(crate::stats::render(&stats, &opts.render)?);
    Ok(files)
}

/// `audit-head.json`: the audit log's head (its length `seq` and the newest entry's `hash`) as of
/// this run (also in every feed, and recorded for the public API's `GET /api/public/audit-head`). Anyone who keeps a copy can later run `spotcheck audit verify --against-head
/// <copy or URL>`: a log cut short or rewound no longer holds that entry with that hash.
///
/// # Errors
/// [`SiteError`] if it cannot be serialised.
pub fn audit_head_file(
    head: Option<spotcheck_domain::lifecycle::AuditHead>,
) -> Result<SiteFile, SiteError> {
    let body = serde_json::json!({"format": "spotcheck-audit-head/1", "head": head});
    let mut bytes = serde_json::to_vec_pretty(&body)
        .map_err(|e| SiteError::Store(StoreError::Invalid(e.to_string())))?;
    bytes.push(b'\n');
    Ok(SiteFile {
        path: "audit-head.json".into(),
        content_type: "application/json",
        body: Some(bytes),
        source: None,
    })
}

/// A whole run. `lock` is taken around rendering and writing (a local folder's lock; on S3 the
/// function runs with reserved concurrency 1).
///
/// # Errors
/// See [`apply_duties`], [`render_site`] and [`update`].
pub async fn run<S, K, L>(
    store: &S,
    calendar: &Calendar,
    sink: &K,
    opts: &Options,
    lock: impl FnOnce() -> Result<L, SiteError>,
) -> Result<Report, SiteError>
where
    S: ReadStore + PublicationWriter + spotcheck_domain::store::PublishedHeadWriter,
    K: SiteSink,
{
    let mut report = Report::empty(opts.now);
    apply_duties(store, calendar, opts, &mut report).await?;
    let guard = lock()?;
    // Re-read under the lock, so the last writer renders the newest state.
    let records = load(store).await?;
    // The head goes into the feeds, `audit-head.json` and (once the files are written) the
    // public copy the public API serves.
    let head = store.audit_head().await?;
    let mut with_head = opts.clone();
    with_head.render.audit_head = head;
    let mut files = render_site(store, sink, &records, calendar, &with_head).await?;
    files.push(audit_head_file(head)?);
    report.site = update(sink, &files).await?;
    if let Some(h) = head {
        store.record_published_head(&h, opts.now).await?;
    }
    drop(guard);
    info!(
        scheduled = report.scheduled.len(),
        published = report.published.len(),
        taken_down = report.taken_down.len(),
        overdue = report.overdue.len(),
        due_soon = report.due_soon.len(),
        written = report.site.written,
        deleted = report.site.deleted,
        "publisher run done"
    );
    Ok(report)
}

/// A plan's published time-stamp files: each obtained token as `commitment.<authority>.tsr`, and
/// `tsa-anchors.pem`, the trust anchors they chain to.
fn timestamp_files(
    records: &[spotcheck_domain::lifecycle::TimestampRecord],
) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = records
        .iter()
        .filter_map(|r| match &r.status {
            spotcheck_domain::lifecycle::TimestampStatus::Obtained { response, .. } => {
                Some((r.file_name(), response.clone()))
            }
            _ => None,
        })
        .collect();
    let anchors = spotcheck_app::timestamps::anchors_pem(records);
    if !anchors.is_empty() {
        files.push((
            spotcheck_app::timestamps::ANCHORS_FILE.to_owned(),
            anchors.into_bytes(),
        ));
    }
    files
}
