//! Everything the publisher reads from the store, loaded once per run (I/O at the edge; the rest
//! of the crate works on these plain values).

use std::collections::{BTreeMap, HashMap};

use spotcheck_domain::draw::{Commitment, Transcript};
use spotcheck_domain::lifecycle::{InspectionResult, PenaltyRecord, Plan, PlanState, Publication};
use spotcheck_domain::registry::{
    CheckItem, Guide, Inspector, OnlineOperator, Record, RegistryKind, TravelAgency,
};
use spotcheck_domain::store::{ReadStore, SnapshotInfo, StoreError};

use crate::error::SiteError;
use crate::redact::mask_name;

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
}

/// Display names for ids: businesses (guides masked) and inspectors.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Target id (credit code, licence, guide card) → published name (guides masked).
    pub targets: HashMap<String, String>,
    /// Inspector id → name and certificate number (officials acting in office, published under
    /// 行政执法公示).
    pub inspectors: HashMap<String, (String, String)>,
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

/// Reads everything the publisher needs.
///
/// # Errors
/// [`SiteError::Store`] when the store fails.
pub async fn load<S: ReadStore>(store: &S) -> Result<Records, SiteError> {
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
    let mut plans = BTreeMap::new();
    for plan in store.list_plans().await? {
        let id = plan.spec.id.clone();
        let committed = !matches!(plan.state, PlanState::Draft)
            && !matches!(&plan.state, PlanState::Cancelled { .. });
        let commitment = match (&plan.state, committed) {
            (_, true) => Some(store.get_commitment(&id).await?),
            (PlanState::Cancelled { .. }, _) => optional(store.get_commitment(&id).await)?,
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
        plans.insert(
            id.to_string(),
            PlanRecord {
                plan,
                commitment,
                transcript,
                results,
            },
        );
    }
    let mut records = Records {
        item_lists,
        plans,
        penalties: store.list_penalties().await?,
        publications: store.list_publications().await?,
        names: load_names(store).await?,
        index: HashMap::new(),
    };
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
