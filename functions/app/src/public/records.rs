//! Everything a public projection reads from the store (I/O at the edge; [`super::project`] works on
//! these plain values): [`load`] reads it all (the publisher, once per run), [`load_plan`] one plan
//! (the public API's per-plan routes).

use std::collections::{BTreeMap, HashMap};

use spotcheck_domain::draw::{Commitment, Transcript};
use spotcheck_domain::ids::PlanId;
use spotcheck_domain::lifecycle::{
    Approval, InspectionResult, PenaltyRecord, Plan, PlanState, Publication, PublicationId,
    PublicationKind, RecordRef, TimestampRecord,
};
use spotcheck_domain::registry::{
    CheckItem, Guide, Inspector, OnlineOperator, Record, RegistryKind, TravelAgency,
};
use spotcheck_domain::store::{ReadStore, SnapshotInfo, StoreError};

use super::redact::mask_name;

/// One version of the item list (a snapshot of the `items` registry).
#[derive(Debug, Clone)]
pub struct ItemListVersion {
    /// Its number and when it was stored.
    pub info: SnapshotInfo,
    /// The items.
    pub items: Vec<CheckItem>,
}

/// A plan with what its lifecycle produced.
#[derive(Debug, Clone)]
pub struct PlanRecord {
    /// The plan.
    pub plan: Plan,
    /// Its commitment, once committed.
    pub commitment: Option<Commitment>,
    /// Its transcript, once drawn.
    pub transcript: Option<Transcript>,
    /// Its results, by target.
    pub results: Vec<InspectionResult>,
    /// Its commitment's time-stamp tokens, as obtained (docs/draw-spec.md §16; pending and
    /// failed attempts are the staff's business and are left out).
    pub timestamps: Vec<TimestampRecord>,
}

/// Display names for ids: businesses (guides masked) and inspectors.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Target id (credit code, licence, guide card) → published name (guides masked).
    pub targets: HashMap<String, String>,
    /// Inspector id → name and certificate number (officials acting in office, published under
    /// 行政执法公示).
    pub inspectors: HashMap<String, (String, String)>,
    /// The full names of the natural persons the registries know (every guide), masked wherever
    /// they appear in public free text. Never published.
    pub persons: Vec<String>,
}

/// What one run works on.
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// Every item-list version, oldest first.
    pub item_lists: Vec<ItemListVersion>,
    /// Plans by id.
    pub plans: BTreeMap<String, PlanRecord>,
    /// Every penalty decision with its changes.
    pub penalties: Vec<PenaltyRecord>,
    /// Every publication.
    pub publications: Vec<Publication>,
    /// Names.
    pub names: Names,
    /// Publication id → index in `publications` (rebuilt by [`Records::reindex`]).
    pub index: HashMap<String, usize>,
    /// The approvals of results and decisions, by publication id (a record without one was
    /// entered before approvals existed: publishable, [`spotcheck_domain::lifecycle::ApprovalStatus::Legacy`]).
    pub approvals: HashMap<String, Approval>,
}

impl Records {
    /// The publication with this id.
    pub fn publication(&self, id: &str) -> Option<&Publication> {
        if self.index.len() == self.publications.len() {
            return self.index.get(id).and_then(|&i| self.publications.get(i));
        }
        self.publications.iter().find(|p| p.id.as_str() == id)
    }

    /// Rebuilds the publication index after `publications` changed.
    pub fn reindex(&mut self) {
        self.index = self
            .publications
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.to_string(), i))
            .collect();
    }
}

async fn latest<S: ReadStore>(
    store: &S,
    kind: RegistryKind,
) -> Result<Option<SnapshotInfo>, StoreError> {
    store.latest_snapshot(kind).await
}

/// Loads names from the newest registry snapshots. Guides' names are masked here, before anything
/// else sees them.
async fn load_names<S: ReadStore>(store: &S) -> Result<Names, StoreError> {
    let mut names = Names::default();
    if let Some(i) = latest(store, RegistryKind::Agencies).await? {
        for a in store
            .get_snapshot::<TravelAgency>(i.number)
            .await?
            .records()
        {
            names
                .targets
                .insert(a.credit_code.to_string(), a.name.clone());
            names.targets.insert(a.licence.to_string(), a.name.clone());
        }
    }
    if let Some(i) = latest(store, RegistryKind::Guides).await? {
        for g in store.get_snapshot::<Guide>(i.number).await?.records() {
            names.targets.insert(g.id().to_owned(), mask_name(&g.name));
            names.persons.push(g.name.clone());
        }
    }
    if let Some(i) = latest(store, RegistryKind::Operators).await? {
        for o in store
            .get_snapshot::<OnlineOperator>(i.number)
            .await?
            .records()
        {
            names.targets.insert(o.id().to_owned(), o.name.clone());
        }
    }
    if let Some(i) = latest(store, RegistryKind::Inspectors).await? {
        for p in store.get_snapshot::<Inspector>(i.number).await?.records() {
            names
                .inspectors
                .insert(p.id().to_owned(), (p.name.clone(), p.certificate.clone()));
        }
    }
    Ok(names)
}

async fn item_lists<S: ReadStore>(store: &S) -> Result<Vec<ItemListVersion>, StoreError> {
    let mut item_lists = Vec::new();
    if let Some(info) = latest(store, RegistryKind::Items).await? {
        for n in 1..=info.number {
            let snap = store.get_snapshot::<CheckItem>(n).await?;
            let v_info = if n == info.number {
                info
            } else {
                SnapshotInfo {
                    kind: RegistryKind::Items,
                    number: n,
                    hash: snap.hash(),
                    records: snap.len() as u64,
                    // Older versions: the stored time is not kept in the snapshot itself; the
                    // publication (scheduled when the version was current) carries its dates.
                    stored_at: info.stored_at,
                }
            };
            item_lists.push(ItemListVersion {
                info: v_info,
                items: snap.records().to_vec(),
            });
        }
    }
    Ok(item_lists)
}

/// Only the full names of the natural persons the registries know (the newest guide registry):
/// all the projection needs to redact when nothing is shown by display name (the public API).
async fn load_persons<S: ReadStore>(store: &S) -> Result<Names, StoreError> {
    let mut names = Names::default();
    if let Some(i) = latest(store, RegistryKind::Guides).await? {
        names.persons = store
            .get_snapshot::<Guide>(i.number)
            .await?
            .records()
            .iter()
            .map(|g| g.name.clone())
            .collect();
    }
    Ok(names)
}

/// Reads everything the publisher needs.
///
/// # Errors
/// The store's errors.
pub async fn load<S: ReadStore>(store: &S) -> Result<Records, StoreError> {
    let item_lists = item_lists(store).await?;
    let mut plans = BTreeMap::new();
    for plan in store.list_plans().await? {
        let pr = plan_record(store, plan).await?;
        plans.insert(pr.plan.spec.id.to_string(), pr);
    }
    let mut records = Records {
        item_lists,
        plans,
        penalties: store.list_penalties().await?,
        publications: store.list_publications().await?,
        names: load_names(store).await?,
        index: HashMap::new(),
        approvals: HashMap::new(),
    };
    records.approvals = approvals(store, &records).await?;
    records.reindex();
    Ok(records)
}

/// A plan with its commitment, transcript and results, as far as its state has them.
async fn plan_record<S: ReadStore>(store: &S, plan: Plan) -> Result<PlanRecord, StoreError> {
    let id = plan.spec.id.clone();
    let committed = !matches!(plan.state, PlanState::Draft)
        && !matches!(&plan.state, PlanState::Cancelled { .. });
    let commitment = match (&plan.state, committed) {
        (_, true) => Some(store.get_commitment(&id).await?),
        // Cancelled before or after its commit: only the store knows, and none is no failure.
        (PlanState::Cancelled { .. }, _) => store.find_commitment(&id).await?,
        _ => None,
    };
    let drawn = matches!(plan.state, PlanState::Drawn { .. });
    let transcript = if drawn {
        Some(store.get_transcript(&id).await?)
    } else {
        None
    };
    let results = if drawn {
        store.list_results(&id).await?
    } else {
        Vec::new()
    };
    let timestamps = if commitment.is_some() {
        store
            .list_timestamps(&id)
            .await?
            .into_iter()
            .filter(TimestampRecord::is_obtained)
            .collect()
    } else {
        Vec::new()
    };
    Ok(PlanRecord {
        plan,
        commitment,
        transcript,
        results,
        timestamps,
    })
}

/// The publication ids of the results and decisions in `records` (the records that need an
/// approval).
fn approval_ids(records: &Records) -> Vec<PublicationId> {
    let results = records.plans.values().flat_map(|pr| {
        pr.results.iter().map(|r| {
            PublicationId::of(
                PublicationKind::CheckResult,
                &RecordRef::Result {
                    plan: r.plan.clone(),
                    target: r.target.clone(),
                },
            )
        })
    });
    let penalties = records.penalties.iter().flat_map(|p| {
        let decision = PublicationId::of(
            PublicationKind::PenaltyDecision,
            &RecordRef::Penalty {
                number: p.decision.number.clone(),
            },
        );
        let changes = p
            .changes
            .iter()
            .map(|c| PublicationId::of_penalty_change(&p.decision.number, c.seq));
        std::iter::once(decision).chain(changes)
    });
    results.chain(penalties).collect()
}

async fn approvals<S: ReadStore>(
    store: &S,
    records: &Records,
) -> Result<HashMap<String, Approval>, StoreError> {
    let mut out = HashMap::new();
    for id in approval_ids(records) {
        if let Some(a) = store.get_approval(&id).await? {
            out.insert(id.to_string(), a);
        }
    }
    Ok(out)
}

/// Reads one plan with what the projection needs to decide about it and its results: its
/// publications, its results' approvals and the natural persons' names (no penalties, no item
/// lists, no display names). `Ok(None)` if there is no such plan.
///
/// # Errors
/// The store's errors.
pub async fn load_plan<S: ReadStore>(
    store: &S,
    id: &PlanId,
) -> Result<Option<Records>, StoreError> {
    let Some(plan) = optional(store.get_plan(id).await)? else {
        return Ok(None);
    };
    let pr = plan_record(store, plan).await?;
    let mut records = Records {
        names: load_persons(store).await?,
        ..Records::default()
    };
    records.plans.insert(id.to_string(), pr);
    // One list rather than a read per publication: a publication the publisher has not scheduled
    // yet is normal here, not an error worth a log line.
    records.publications = store
        .list_publications()
        .await?
        .into_iter()
        .filter(|p| match &p.record {
            RecordRef::Plan { plan } | RecordRef::Result { plan, .. } => plan == id,
            _ => false,
        })
        .collect();
    records.approvals = approvals(store, &records).await?;
    records.reindex();
    Ok(Some(records))
}

/// Reads what the projection needs to decide about plans: every plan with its commitment,
/// transcript and results, the publications, the results' approvals and the natural persons'
/// names (no penalties, no item lists).
///
/// # Errors
/// The store's errors.
pub async fn load_plans<S: ReadStore>(store: &S) -> Result<Records, StoreError> {
    let mut records = Records {
        names: load_persons(store).await?,
        publications: store.list_publications().await?,
        ..Records::default()
    };
    for plan in store.list_plans().await? {
        let pr = plan_record(store, plan).await?;
        records.plans.insert(pr.plan.spec.id.to_string(), pr);
    }
    records.approvals = approvals(store, &records).await?;
    records.reindex();
    Ok(records)
}

/// Reads what the projection needs to decide about penalty decisions: every decision, their
/// publications and approvals, and the natural persons' names (no plans, no item lists).
///
/// # Errors
/// The store's errors.
pub async fn load_penalties<S: ReadStore>(store: &S) -> Result<Records, StoreError> {
    let mut records = Records {
        penalties: store.list_penalties().await?,
        names: load_persons(store).await?,
        ..Records::default()
    };
    records.publications = store
        .list_publications()
        .await?
        .into_iter()
        .filter(|p| matches!(p.record, RecordRef::Penalty { .. }))
        .collect();
    records.approvals = approvals(store, &records).await?;
    records.reindex();
    Ok(records)
}

/// Reads what the projection needs to decide about item lists: every version and its
/// publication, and the natural persons' names.
///
/// # Errors
/// The store's errors.
pub async fn load_items<S: ReadStore>(store: &S) -> Result<Records, StoreError> {
    let mut records = Records {
        item_lists: item_lists(store).await?,
        names: load_persons(store).await?,
        ..Records::default()
    };
    records.publications = store
        .list_publications()
        .await?
        .into_iter()
        .filter(|p| p.kind == PublicationKind::ItemList)
        .collect();
    records.reindex();
    Ok(records)
}

fn optional<T>(r: Result<T, StoreError>) -> Result<Option<T>, StoreError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
