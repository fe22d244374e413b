//! The plan lifecycle: create, commit, draw, cancel. Every surface (HTTP API, Lambda, CLI, demo)
//! calls these; none repeats their rules.
//!
//! # Commit is a saga whose retry completes it
//! A commit stores the frame and the pool (content-addressed: storing the same tree again writes
//! nothing), attaches them to the draft, and records the commitment, which moves the plan to
//! Committed in one atomic write. A crash between steps leaves at most a draft with stored trees
//! or attached trees, never a half-committed plan; a plain retry rebuilds the same trees, skips
//! what is already attached and finishes. [`CommitStep`] names each step for progress reports and
//! for the crash tests, which stop the process at every one of them.

use sha2::{Digest as _, Sha256};
use spotcheck_domain::draw::{
    CommitRequest, Commitment, DrawRequest, Entropy, Selection, WitnessContribution, commit, draw,
};
use spotcheck_domain::frame::{Frame, FrameBuilder, InspectorPool, PoolBuilder, TreeSummary};
use spotcheck_domain::ids::{Department, Digest, PlanId};
use spotcheck_domain::lifecycle::{
    IdempotencyKey, PartnerApproval, Plan, PlanChange, PlanSpec, PlanState, ScheduleError,
    SchedulePolicy, WriteMeta,
};
use spotcheck_domain::registry::{
    CheckItem, ExclusionRules, FrameProvenance, Guide, Inspector, OnlineOperator, PastCheck,
    Record, RegistryKind, RegistrySnapshot, Target, TargetKind, TravelAgency, build_frame,
};
use spotcheck_domain::store::{
    DrawReader, DrawWriter, FrameReader, FrameWriter, PlanReader, PlanWriter, RegistryReader,
    ResultReader, TimestampReader,
};
use spotcheck_domain::time::Timestamp;

use crate::ports::{Beacon, SecretSource};
use crate::staff::{Role, Staff};
use crate::{AppError, ErrorKind};

impl From<ScheduleError> for AppError {
    fn from(e: ScheduleError) -> Self {
        let kind = match e {
            ScheduleError::DrawTooEarly { .. } => ErrorKind::Conflict,
            _ => ErrorKind::Validation,
        };
        AppError::new(kind, e.code(), e.to_string())
    }
}

/// The idempotency key of one step of a multi-step request: the request's key and the step's
/// name (hashed when that would exceed the 128-character limit).
pub(crate) fn step_meta(meta: &WriteMeta, step: &str) -> Result<WriteMeta, AppError> {
    let raw = format!("{}:{step}", meta.key);
    let key: IdempotencyKey = if raw.len() <= 128 {
        raw.parse()
    } else {
        format!("h:{}", hex::encode(Sha256::digest(raw.as_bytes()))).parse()
    }
    .map_err(|e| AppError::internal(format!("derived key: {e}")))?;
    Ok(WriteMeta::new(key, meta.actor.clone(), meta.at))
}

/// The item a plan carries out, from the current item list; an unknown item, or one for another
/// kind of target, is refused.
async fn item_of<S: RegistryReader>(store: &S, spec: &PlanSpec) -> Result<CheckItem, AppError> {
    let info = store
        .latest_snapshot(RegistryKind::Items)
        .await?
        .ok_or_else(|| {
            AppError::conflict(
                "registry-missing",
                "no random spot-check item list (抽查事项清单) has been imported yet",
            )
        })?;
    let items = store.get_snapshot::<CheckItem>(info.number).await?;
    let item = items
        .records()
        .iter()
        .find(|i| i.code == spec.item)
        .cloned()
        .ok_or_else(|| {
            AppError::validation(
                "unknown-item",
                format!(
                    "item: {} is not on the current item list (snapshot {})",
                    spec.item, info.number
                ),
            )
        })?;
    if item.target_kind != spec.target_kind {
        return Err(AppError::validation(
            "item-target-mismatch",
            format!(
                "target_kind: item {} checks {:?}, not {:?}",
                item.code, item.target_kind, spec.target_kind
            ),
        ));
    }
    Ok(item)
}

/// Refuses a personal number (ID card, mobile) in text that goes into a commitment or a
/// transcript: those are published byte for byte (their hashes are what anyone checks), so they
/// can never be redacted afterwards.
fn refuse_personal_numbers(field: &str, text: &str) -> Result<(), AppError> {
    match crate::public::redact::scan(text).first() {
        None => Ok(()),
        Some(f) => Err(AppError::validation(
            "personal-data",
            format!(
                "{field}: holds what looks like a {} ({}); it would be published byte for byte in the commitment or transcript, which cannot be redacted",
                f.kind.as_str(),
                f.excerpt
            ),
        )),
    }
}

/// The rules of a joint plan (spec §17.2) that a draft can break: the lead is the department
/// running the plan (`joint-lead-mismatch`), the partners are distinct others and the team can
/// hold every required department (`invalid-joint`, `team-too-small`).
fn check_joint(spec: &PlanSpec) -> Result<(), AppError> {
    let Some(joint) = &spec.parameters.joint else {
        return Ok(());
    };
    if joint.lead != spec.department {
        return Err(AppError::validation(
            "joint-lead-mismatch",
            format!(
                "parameters.joint.lead: the lead department of a joint plan is the department running it ({}), not {}",
                spec.department, joint.lead
            ),
        ));
    }
    spotcheck_domain::draw::check_joint_rules(&spec.parameters)
        .map_err(|(field, e)| AppError::validation(e.code(), format!("parameters.{field}: {e}")))
}

/// Checks everything a draft must satisfy at `now`: its text, what it promises, its schedule
/// and its item.
async fn check_spec<S: RegistryReader>(
    store: &S,
    spec: &PlanSpec,
    now: Timestamp,
    policy: &SchedulePolicy,
) -> Result<CheckItem, AppError> {
    check_joint(spec)?;
    spec.validate()?;
    spec.check_draft()?;
    for (i, w) in spec.entropy_source.witnesses.iter().enumerate() {
        refuse_personal_numbers(&format!("entropy_source.witnesses[{i}]"), w.as_str())?;
    }
    spec.check_schedule(now, policy)?;
    item_of(store, spec).await
}

/// Creates a draft plan (inspector, own department).
///
/// # Errors
/// 403 outside the caller's role or department; 422 for a bad text, a draft that no draw could
/// keep, a schedule outside the notice and horizon, an unknown item; 409 if the id exists.
pub async fn create_plan<S: RegistryReader + PlanWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    spec: PlanSpec,
    now: Timestamp,
    policy: &SchedulePolicy,
) -> Result<Plan, AppError> {
    staff.require(Role::Inspector)?;
    staff.require_department(&spec.department)?;
    check_spec(store, &spec, now, policy).await?;
    Ok(store.create_plan(meta, spec).await?)
}

/// A plan the caller's department runs. A partner department of a joint plan is told that only
/// the lead may do this (`joint-plan-lead-only`); any other department, `other-department`.
async fn load_own_plan<S: PlanReader>(
    store: &S,
    staff: &Staff,
    id: &PlanId,
) -> Result<Plan, AppError> {
    let plan = store.get_plan(id).await?;
    if plan.spec.partners().contains(&staff.department) {
        return Err(AppError::forbidden(
            "joint-plan-lead-only",
            format!(
                "plan {id} is a joint plan led by {}; your department {} takes part as a partner and may approve its participation (POST /api/plans/{id}/partner-approval), not change, commit, draw or cancel the plan",
                plan.spec.department, staff.department
            ),
        ));
    }
    staff.require_department(&plan.spec.department)?;
    Ok(plan)
}

fn refuse_state(plan: &Plan, action: &str) -> AppError {
    let pid = plan.id();
    match &plan.state {
        PlanState::Committed {
            commitment_hash, ..
        } => AppError::conflict(
            "already-committed",
            format!(
                "plan {pid} is already committed (commitment {commitment_hash}); GET /api/public/plans/{pid}/commitment"
            ),
        ),
        PlanState::Drawn {
            transcript_digest, ..
        } => AppError::conflict(
            "already-drawn",
            format!(
                "plan {pid} has already been drawn (transcript {transcript_digest}); GET /api/public/plans/{pid}/transcript"
            ),
        ),
        other => AppError::conflict(
            "invalid-transition",
            format!("plan {pid} is {} and cannot be {action}", other.name()),
        ),
    }
}

/// Amends a draft (inspector, own department): replaces its spec, checked like a new one.
///
/// # Errors
/// As [`create_plan`]; 409 once committed, drawn or cancelled, or for a stale `expected_version`.
pub async fn amend_plan<S: RegistryReader + PlanReader + PlanWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    spec: PlanSpec,
    expected_version: u64,
    now: Timestamp,
    policy: &SchedulePolicy,
) -> Result<Plan, AppError> {
    staff.require(Role::Inspector)?;
    let plan = load_own_plan(store, staff, &spec.id).await?;
    staff.require_department(&spec.department)?;
    if plan.state != PlanState::Draft {
        return Err(refuse_state(&plan, "amended"));
    }
    check_spec(store, &spec, now, policy).await?;
    Ok(store
        .change_plan(
            meta,
            &plan.spec.id,
            expected_version,
            PlanChange::Revise { spec },
        )
        .await?)
}

/// The past checks of `item`: every recorded result of a drawn plan of that item, dated by its
/// completion (the history the repeat limit, 不重复抽查期限, is applied to).
async fn history<S: PlanReader + ResultReader>(
    store: &S,
    item: &CheckItem,
) -> Result<Vec<PastCheck>, AppError> {
    let mut out = Vec::new();
    for plan in store.list_plans().await? {
        if plan.spec.item != item.code || !matches!(plan.state, PlanState::Drawn { .. }) {
            continue;
        }
        for result in store.list_results(plan.id()).await? {
            out.push(PastCheck {
                target: result.target,
                checked_on: result.completed_on,
            });
        }
    }
    Ok(out)
}

async fn latest<S: RegistryReader, T>(
    store: &S,
    kind: RegistryKind,
) -> Result<RegistrySnapshot<T>, AppError>
where
    T: Record + serde::de::DeserializeOwned + Send,
{
    let info = store.latest_snapshot(kind).await?.ok_or_else(|| {
        AppError::conflict(
            "registry-missing",
            format!("no {} registry has been imported yet", kind.code()),
        )
    })?;
    Ok(store.get_snapshot::<T>(info.number).await?)
}

fn frame_from<T: Target>(
    snapshot: &RegistrySnapshot<T>,
    spec: &PlanSpec,
    rules: &ExclusionRules,
) -> Result<(Frame, FrameProvenance), AppError> {
    let bad = |e: String| AppError::validation("frame", e);
    let selection = build_frame(snapshot, &spec.filter, spec.stratum_scheme, rules)
        .map_err(|e| bad(e.to_string()))?;
    let mut b = FrameBuilder::new();
    for (i, (id, s)) in selection.entries.iter().enumerate() {
        b.push(id.as_str(), s.as_str(), i as u64)
            .map_err(|e| bad(e.to_string()))?;
    }
    let frame = b.finish().map_err(|e| bad(e.to_string()))?;
    Ok((frame, selection.provenance))
}

/// The pool of a plan: the inspectors of the plan's department (for a joint plan, of the lead's
/// and every partner's: one tree whose leaves carry the department, spec §17.3) whose specialties
/// include the target kind (or who list none).
fn pool_from(
    inspectors: &RegistrySnapshot<Inspector>,
    spec: &PlanSpec,
) -> Result<InspectorPool, AppError> {
    let bad = |e: String| AppError::validation("pool", e);
    let mut b = PoolBuilder::new();
    for (i, ins) in inspectors.records().iter().enumerate() {
        let fits = spec.involves(&ins.department)
            && (ins.specialties.is_empty() || ins.specialties.contains(&spec.target_kind));
        if fits {
            b.push_fields(
                ins.id.as_str(),
                ins.department.as_str(),
                ins.conflicts.iter().map(|c| c.as_str()),
                i as u64,
            )
            .map_err(|e| bad(e.to_string()))?;
        }
    }
    b.finish().map_err(|e| bad(e.to_string()))
}

/// One department's part of a pool (its entries, as a tree of their own): what a partner approves
/// and what the commit's pool must still hold of it.
///
/// # Errors
/// 422 `department-pool-empty` when the pool holds none of the department's inspectors.
fn department_part(pool: &InspectorPool, department: &Department) -> Result<TreeSummary, AppError> {
    let bad = |e: String| AppError::internal(format!("department part of a pool: {e}"));
    let mut b = PoolBuilder::new();
    let mut n = 0u64;
    for e in pool
        .entries()
        .iter()
        .filter(|e| &e.department == department)
    {
        b.push_fields(
            e.id.as_str(),
            e.department.as_str(),
            e.conflicts.iter().map(|c| c.as_str()),
            n,
        )
        .map_err(|e| bad(e.to_string()))?;
        n += 1;
    }
    if n == 0 {
        return Err(AppError::validation(
            "department-pool-empty",
            format!(
                "the inspector registry holds no inspector of {department} for this plan's target kind"
            ),
        ));
    }
    Ok(b.finish().map_err(|e| bad(e.to_string()))?.summary())
}

/// The frame (the latest registry snapshot of the target kind, filtered, with the repeat limit's
/// exclusions as of the China date of `now`) and the inspector pool that a commit of `spec` at
/// `now` draws from: one function, so the preview shows exactly what commit will commit to.
async fn frame_and_pool<S: RegistryReader + PlanReader + ResultReader>(
    store: &S,
    spec: &PlanSpec,
    item: &CheckItem,
    now: Timestamp,
) -> Result<(Frame, FrameProvenance, InspectorPool), AppError> {
    // The bureau's date (China), like the dates results are completed on.
    let plan_date = now
        .china_date()
        .ok_or_else(|| AppError::internal("clock out of range"))?;
    let rules = ExclusionRules {
        plan_date,
        repeat_limit: item.repeat_limit.clone(),
        history: match item.repeat_limit {
            Some(_) => history(store, item).await?,
            None => Vec::new(),
        },
    };
    let (frame, provenance) = match spec.target_kind {
        TargetKind::Agency => frame_from(
            &latest::<S, TravelAgency>(store, RegistryKind::Agencies).await?,
            spec,
            &rules,
        )?,
        TargetKind::Guide => frame_from(
            &latest::<S, Guide>(store, RegistryKind::Guides).await?,
            spec,
            &rules,
        )?,
        TargetKind::OnlineOperator => frame_from(
            &latest::<S, OnlineOperator>(store, RegistryKind::Operators).await?,
            spec,
            &rules,
        )?,
    };
    let roster = latest::<S, Inspector>(store, RegistryKind::Inspectors).await?;
    let pool = pool_from(&roster, spec)?;
    Ok((frame, provenance, pool))
}

/// The steps of a commit, in order, reported to the observer as each is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitStep {
    /// The frame is stored.
    FrameStored,
    /// The pool is stored.
    PoolStored,
    /// The frame is attached to the draft.
    FrameAttached,
    /// The pool is attached to the draft.
    PoolAttached,
    /// The commitment is recorded and the plan is Committed.
    Committed,
}

impl CommitStep {
    /// Every step, in order.
    pub const ALL: [CommitStep; 5] = [
        CommitStep::FrameStored,
        CommitStep::PoolStored,
        CommitStep::FrameAttached,
        CommitStep::PoolAttached,
        CommitStep::Committed,
    ];

    /// The step's name (`frame-stored`, …).
    pub fn name(self) -> &'static str {
        match self {
            CommitStep::FrameStored => "frame-stored",
            CommitStep::PoolStored => "pool-stored",
            CommitStep::FrameAttached => "frame-attached",
            CommitStep::PoolAttached => "pool-attached",
            CommitStep::Committed => "committed",
        }
    }
}

/// What a commit returns.
#[derive(Debug, Clone)]
pub struct Committed {
    /// The plan, now Committed.
    pub plan: Plan,
    /// The published commitment.
    pub commitment: Commitment,
    /// Its hash (SHA-256 of its canonical JSON).
    pub commitment_hash: Digest,
}

/// What the commit needs from a store.
pub trait CommitStore:
    RegistryReader + PlanReader + PlanWriter + FrameWriter + DrawReader + DrawWriter + ResultReader
{
}
impl<T> CommitStore for T where
    T: RegistryReader
        + PlanReader
        + PlanWriter
        + FrameWriter
        + DrawReader
        + DrawWriter
        + ResultReader
{
}

/// Commits a draft (supervisor, own department): builds the frame from the latest registry
/// snapshot, leaving out what the item's repeat limit excludes given the stored history of
/// completed checks (the provenance lists each exclusion and why), builds the pool from the
/// roster, derives the sealed secret, and records the commitment. `observe` hears each step.
///
/// # Errors
/// 403 outside role or department; 409 unless a draft, or a registry is missing; 422 for a
/// schedule the notice no longer allows, an unknown item, an infeasible draw.
#[allow(clippy::too_many_arguments)]
pub async fn commit_plan<S: CommitStore>(
    store: &S,
    secrets: &dyn SecretSource,
    staff: &Staff,
    meta: &WriteMeta,
    id: &PlanId,
    now: Timestamp,
    policy: &SchedulePolicy,
    observe: &(dyn Fn(CommitStep) + Sync),
) -> Result<Committed, AppError> {
    staff.require(Role::Supervisor)?;
    let plan = load_own_plan(store, staff, id).await?;
    if let PlanState::Committed { .. } = plan.state {
        // A retry of the request that committed it (same idempotency key) gets the first answer:
        // the store replays a write whose key and request it has seen; any other request is
        // told the plan is committed.
        let existing = store.get_commitment(id).await?;
        return match store
            .record_commitment(&step_meta(meta, "commitment")?, &existing)
            .await
        {
            Ok(plan) => Ok(Committed {
                plan,
                commitment_hash: existing.hash()?,
                commitment: existing,
            }),
            Err(_) => Err(refuse_state(&plan, "committed")),
        };
    }
    if plan.state != PlanState::Draft {
        return Err(refuse_state(&plan, "committed"));
    }
    let missing = plan.missing_partner_approvals();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|d| d.as_str()).collect();
        return Err(AppError::conflict(
            "partner-approval-missing",
            format!(
                "plan {id} is a joint plan and awaits the approval of {} (each partner's supervisor: POST /api/plans/{id}/partner-approval)",
                names.join(", ")
            ),
        ));
    }
    let item = check_spec(store, &plan.spec, now, policy).await?;
    let spec = &plan.spec;
    let (frame, provenance, pool) = frame_and_pool(store, spec, &item, now).await?;
    for approval in &plan.partner_approvals {
        let now_part = department_part(&pool, &approval.department)?;
        if now_part != approval.pool {
            return Err(AppError::conflict(
                "partner-pool-changed",
                format!(
                    "{}'s inspectors in the registry are no longer those it approved (snapshot {}: pool {} of {}; now {} of {}); its supervisor approves again",
                    approval.department,
                    approval.inspectors_snapshot,
                    approval.pool.root,
                    approval.pool.size,
                    now_part.root,
                    now_part.size
                ),
            ));
        }
    }

    let secret = secrets.seal(id, now).await?;
    // Feasibility is checked before anything is written.
    let commitment = commit(
        CommitRequest {
            plan_id: id.clone(),
            committed_at: now,
            parameters: spec.parameters.clone(),
            entropy_source: spec.entropy_source.clone(),
        },
        &frame,
        &pool,
        &secret,
    )?;
    let commitment_hash = commitment.hash().map_err(AppError::from)?;

    // Content-addressed: the step keys name the tree, so a retry with other trees (the registry
    // changed meanwhile) is a new step, and one with the same trees is a replay.
    let stored_frame = store
        .put_frame(
            &step_meta(meta, &format!("frame:{}", commitment.frame.root))?,
            &frame,
        )
        .await?;
    observe(CommitStep::FrameStored);
    let stored_pool = store
        .put_pool(
            &step_meta(meta, &format!("pool:{}", commitment.pool.root))?,
            &pool,
        )
        .await?;
    observe(CommitStep::PoolStored);

    let mut plan = plan;
    if plan.frame.as_ref() != Some(&stored_frame.summary)
        || plan.provenance.as_ref() != Some(&provenance)
    {
        plan = store
            .change_plan(
                &step_meta(meta, &format!("attach-frame:v{}", plan.version))?,
                id,
                plan.version,
                PlanChange::AttachFrame {
                    frame: stored_frame.summary,
                    provenance: Some(provenance),
                },
            )
            .await?;
    }
    observe(CommitStep::FrameAttached);
    if plan.pool.as_ref() != Some(&stored_pool.summary) {
        store
            .change_plan(
                &step_meta(meta, &format!("attach-pool:v{}", plan.version))?,
                id,
                plan.version,
                PlanChange::AttachPool {
                    pool: stored_pool.summary,
                },
            )
            .await?;
    }
    observe(CommitStep::PoolAttached);
    let plan = store
        .record_commitment(&step_meta(meta, "commitment")?, &commitment)
        .await?;
    observe(CommitStep::Committed);
    Ok(Committed {
        plan,
        commitment,
        commitment_hash,
    })
}

/// A partner department approves its part in a joint plan (supervisor of that department): its
/// participation and its pool, its inspectors of the plan's target kind in the latest inspector
/// registry snapshot, which the commit will hold unchanged. `expected_version` is the version of
/// the plan the supervisor read and approves. Approving again replaces the earlier approval (e.g.
/// after the registry changed); a revision of the plan withdraws them all.
///
/// # Errors
/// 403 `missing-role`; 403 `not-a-partner` for the lead or a department the plan does not name;
/// 409 unless a draft, `stale-version` when the plan changed since `expected_version`, or no
/// inspector registry; 422 `department-pool-empty`.
pub async fn approve_partner<S: RegistryReader + PlanReader + PlanWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    id: &PlanId,
    expected_version: u64,
    now: Timestamp,
) -> Result<Plan, AppError> {
    staff.require(Role::Supervisor)?;
    let plan = store.get_plan(id).await?;
    if !plan.spec.partners().contains(&staff.department) {
        let why = if plan.spec.parameters.joint.is_none() {
            format!("plan {id} is not a joint plan")
        } else if plan.spec.department == staff.department {
            format!(
                "your department {} leads plan {id}; only its partner departments approve their participation",
                staff.department
            )
        } else {
            format!(
                "your department {} is not a partner department of plan {id}",
                staff.department
            )
        };
        return Err(AppError::forbidden("not-a-partner", why));
    }
    if plan.state != PlanState::Draft {
        return Err(refuse_state(&plan, "approved by a partner"));
    }
    if plan.version != expected_version {
        return Err(AppError::conflict(
            "stale-version",
            format!(
                "expected_version: plan {id} is at version {}, not {expected_version}; read it again and approve what it now says",
                plan.version
            ),
        ));
    }
    let roster = latest::<S, Inspector>(store, RegistryKind::Inspectors).await?;
    let part = department_part(&pool_from(&roster, &plan.spec)?, &staff.department)?;
    let approval = PartnerApproval {
        department: staff.department.clone(),
        inspectors_snapshot: roster.number(),
        pool: part,
        approved_at: now,
    };
    Ok(store
        .change_plan(
            meta,
            id,
            expected_version,
            PlanChange::ApprovePartner { approval },
        )
        .await?)
}

/// What a draw returns (the whole transcript is public at `/api/public/plans/{id}/transcript`).
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The plan, now Drawn.
    pub plan: Plan,
    /// The transcript's digest.
    pub transcript_digest: Digest,
    /// Who was drawn, with their inspectors.
    pub selections: Vec<Selection>,
}

/// What the draw needs from a store.
pub trait DrawStore: PlanReader + DrawReader + DrawWriter + FrameReader + TimestampReader {}
impl<T> DrawStore for T where T: PlanReader + DrawReader + DrawWriter + FrameReader + TimestampReader
{}

/// Draws a committed plan (supervisor, own department), once, not before its `planned_draw_at`,
/// with the witnesses' values and, when the commitment promised one, the drand round fetched
/// through `beacon`.
///
/// # Errors
/// 403 outside role or department; 409 unless committed, before the planned time (the error
/// names it) or before the beacon round's time; 422 for witnesses that do not match the
/// commitment; 503 when the beacon is unavailable or not configured for a beacon plan.
#[allow(clippy::too_many_arguments)]
pub async fn draw_plan<S: DrawStore>(
    store: &S,
    secrets: &dyn SecretSource,
    beacon: Option<&dyn Beacon>,
    staff: &Staff,
    meta: &WriteMeta,
    id: &PlanId,
    witnesses: Vec<WitnessContribution>,
    now: Timestamp,
) -> Result<Drawn, AppError> {
    staff.require(Role::Supervisor)?;
    let plan = load_own_plan(store, staff, id).await?;
    if let PlanState::Drawn { .. } = plan.state {
        // As for commit: the request that drew it, retried with its key, gets the first answer.
        let existing = store.get_transcript(id).await?;
        return match store.record_draw(meta, &existing).await {
            Ok(_) if existing.entropy.witnesses != witnesses => Err(AppError::validation(
                "idempotency-key-reused",
                format!(
                    "this Idempotency-Key drew plan {id} with other witness values; send a new key for a different request"
                ),
            )),
            Ok(plan) => Ok(Drawn {
                plan,
                transcript_digest: existing.digest,
                selections: existing.selections,
            }),
            Err(_) => Err(refuse_state(&plan, "drawn")),
        };
    }
    if !matches!(plan.state, PlanState::Committed { .. }) {
        return Err(refuse_state(&plan, "drawn"));
    }
    plan.spec.check_draw_time(now)?;
    for (i, w) in witnesses.iter().enumerate() {
        refuse_personal_numbers(&format!("witnesses[{i}].value"), w.value.as_str())?;
    }
    let commitment = store.get_commitment(id).await?;
    // A plan that requires a time-stamp token waits for one (docs/draw-spec.md §16).
    crate::timestamps::require_token(
        &plan,
        commitment
            .entropy_source
            .drand
            .as_ref()
            .map(|d| (&d.chain_hash, d.round)),
        &store.list_timestamps(id).await?,
        now,
    )?;
    let secret = secrets
        .unseal(id, commitment.committed_at, &commitment.secret_commitment)
        .await?;
    let drand = match &commitment.entropy_source.drand {
        None => None,
        Some(promised) => {
            let beacon = beacon.ok_or_else(|| {
                AppError::new(
                    ErrorKind::Unavailable,
                    "beacon-unavailable",
                    format!(
                        "plan {id} promises drand round {}, and this server has no beacon source configured",
                        promised.round
                    ),
                )
            })?;
            Some(beacon.promised_round(promised, now).await?)
        }
    };
    let frame = store.get_frame(&commitment.frame.root).await?;
    let pool = store.get_pool(&commitment.pool.root).await?;
    let transcript = draw(
        DrawRequest {
            commitment,
            secret,
            entropy: Entropy { witnesses, drand },
            drawn_at: now,
        },
        &frame,
        &pool,
    )?;
    let plan = store.record_draw(meta, &transcript).await?;
    Ok(Drawn {
        plan,
        transcript_digest: transcript.digest,
        selections: transcript.selections,
    })
}

/// Cancels a plan before its draw (supervisor, own department), with a public reason.
///
/// # Errors
/// 403; 422 without a reason; 409 once drawn or cancelled.
pub async fn cancel_plan<S: PlanReader + PlanWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    id: &PlanId,
    reason: String,
) -> Result<Plan, AppError> {
    staff.require(Role::Supervisor)?;
    load_own_plan(store, staff, id).await?;
    if reason.trim().is_empty() {
        return Err(AppError::validation(
            "reason-missing",
            "reason: a cancellation needs a public reason",
        ));
    }
    Ok(store.cancel_plan(meta, id, reason).await?)
}

/// Withdraws an unpublished draft (inspector, own department): it is cancelled with the reason,
/// audited like every write, and never published (drafts are not public).
///
/// # Errors
/// As [`cancel_plan`]; 409 unless a draft.
pub async fn withdraw_draft<S: PlanReader + PlanWriter>(
    store: &S,
    staff: &Staff,
    meta: &WriteMeta,
    id: &PlanId,
    reason: String,
) -> Result<Plan, AppError> {
    staff.require(Role::Inspector)?;
    let plan = load_own_plan(store, staff, id).await?;
    if plan.state != PlanState::Draft {
        return Err(refuse_state(&plan, "withdrawn"));
    }
    if reason.trim().is_empty() {
        return Err(AppError::validation(
            "reason-missing",
            "reason: a withdrawal needs a reason",
        ));
    }
    Ok(store.cancel_plan(meta, id, reason).await?)
}

/// Why a previewed draft could not be committed as it stands (the code and message commit would
/// answer).
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewProblem {
    /// The stable code, e.g. `sample-too-large`.
    pub code: String,
    /// What is wrong.
    pub message: String,
}

/// What a draft would commit to now.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preview {
    /// Candidates in the frame (after the filter and the repeat limit's exclusions).
    pub candidates: u64,
    /// The latest registry snapshot the frame was built from.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub provenance: FrameProvenance,
    /// Inspectors in the pool (the department's, of the target kind; for a joint plan, every
    /// participating department's).
    pub inspectors: u64,
    /// Each stratum's population and sample size (empty when they cannot be computed).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub strata: Vec<spotcheck_domain::draw::StratumPlan>,
    /// Why commit would refuse the draw (feasibility, sample sizes), if it would.
    pub infeasible: Option<PreviewProblem>,
}

/// Previews a draft (inspector, own department): the frame from the latest registry snapshot
/// with the repeat limit's exclusions and their reasons, the inspector pool, each stratum's sample
/// size, and the feasibility check commit makes, all by commit's own steps. Nothing is stored and
/// no secret is derived; the schedule is not checked (the draft is still being written).
///
/// # Errors
/// 403 outside role or department; 409 when a registry is missing; 422 for a spec no draft may
/// have or an unknown item. An infeasible draw is not an error: it is `infeasible`.
pub async fn preview_plan<S: RegistryReader + PlanReader + ResultReader>(
    store: &S,
    staff: &Staff,
    spec: &PlanSpec,
    now: Timestamp,
) -> Result<Preview, AppError> {
    staff.require(Role::Inspector)?;
    staff.require_department(&spec.department)?;
    check_joint(spec)?;
    spec.validate()?;
    spec.check_draft()?;
    let item = item_of(store, spec).await?;
    let (frame, provenance, pool) = frame_and_pool(store, spec, &item, now).await?;
    let problem = |e: spotcheck_domain::draw::DrawError| {
        let e = AppError::from(e);
        PreviewProblem {
            code: e.code().to_owned(),
            message: e.message().to_owned(),
        }
    };
    let strata = spotcheck_domain::draw::plan_strata(&frame, &spec.parameters);
    // The commitment's own checks, with a throw-away secret: only feasibility is read from it.
    let checked = commit(
        CommitRequest {
            plan_id: spec.id.clone(),
            committed_at: now,
            parameters: spec.parameters.clone(),
            entropy_source: spec.entropy_source.clone(),
        },
        &frame,
        &pool,
        &spotcheck_domain::draw::Secret::from_bytes([0; 32]),
    );
    let infeasible = match (&strata, checked) {
        (Err(e), _) => Some(problem(e.clone())),
        (Ok(_), Err(e)) => Some(problem(e)),
        (Ok(_), Ok(_)) => None,
    };
    Ok(Preview {
        candidates: frame.len() as u64,
        provenance,
        inspectors: pool.len() as u64,
        strata: strata.unwrap_or_default(),
        infeasible,
    })
}
