//! Choosing a store at run time (`--store sqlite|dynamodb`).

use std::path::PathBuf;

use spotcheck_domain::draw::{Commitment, Transcript};
use spotcheck_domain::frame::{Frame, InspectorPool};
use spotcheck_domain::ids::{Digest, PlanId};
use spotcheck_domain::lifecycle::{
    AuditEntry, AuditHead, Plan, StoredTree, TimestampRecord, WriteMeta,
};
use spotcheck_domain::registry::{Record, RegistryKind, RegistrySnapshot};
use spotcheck_domain::store::{
    AuditLog, DrawReader, DrawWriter, FrameReader, FrameWriter, PlanReader, RegistryReader,
    RegistryWriter, SnapshotInfo, StoreResult, TimestampReader, TimestampWriter,
};

use crate::{DynamoConfig, DynamoStore, SqliteStore};

/// Which store to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A DynamoDB table.
    Dynamo(DynamoConfig),
}

/// Either adapter, chosen at run time. Implements the ports by delegation.
#[derive(Debug, Clone)]
pub enum AnyStore {
    /// SQLite.
    Sqlite(SqliteStore),
    /// DynamoDB.
    Dynamo(DynamoStore),
}

impl AnyStore {
    /// Opens the configured store.
    ///
    /// # Errors
    /// The adapter's open errors.
    pub async fn open(config: &StoreConfig) -> StoreResult<Self> {
        Ok(match config {
            StoreConfig::Sqlite(path) => AnyStore::Sqlite(SqliteStore::open(path)?),
            StoreConfig::Dynamo(c) => AnyStore::Dynamo(DynamoStore::connect(c).await?),
        })
    }
}

macro_rules! delegate {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $call.await,
            AnyStore::Dynamo($s) => $call.await,
        }
    };
}

impl AuditLog for AnyStore {
    async fn audit_entries(&self) -> StoreResult<Vec<AuditEntry>> {
        delegate!(self, s => s.audit_entries())
    }
    async fn audit_head(&self) -> StoreResult<Option<AuditHead>> {
        delegate!(self, s => s.audit_head())
    }
}

impl FrameReader for AnyStore {
    async fn get_frame(&self, root: &Digest) -> StoreResult<Frame> {
        delegate!(self, s => s.get_frame(root))
    }
    async fn get_pool(&self, root: &Digest) -> StoreResult<InspectorPool> {
        delegate!(self, s => s.get_pool(root))
    }
}

impl FrameWriter for AnyStore {
    async fn put_frame(&self, meta: &WriteMeta, frame: &Frame) -> StoreResult<StoredTree> {
        delegate!(self, s => s.put_frame(meta, frame))
    }
    async fn put_pool(&self, meta: &WriteMeta, pool: &InspectorPool) -> StoreResult<StoredTree> {
        delegate!(self, s => s.put_pool(meta, pool))
    }
}

impl PlanReader for AnyStore {
    async fn get_plan(&self, id: &PlanId) -> StoreResult<Plan> {
        delegate!(self, s => s.get_plan(id))
    }
    async fn list_plans(&self) -> StoreResult<Vec<Plan>> {
        delegate!(self, s => s.list_plans())
    }
}

impl DrawReader for AnyStore {
    async fn get_commitment(&self, plan: &PlanId) -> StoreResult<Commitment> {
        delegate!(self, s => s.get_commitment(plan))
    }
    async fn find_commitment(&self, plan: &PlanId) -> StoreResult<Option<Commitment>> {
        delegate!(self, s => s.find_commitment(plan))
    }
    async fn get_transcript(&self, plan: &PlanId) -> StoreResult<Transcript> {
        delegate!(self, s => s.get_transcript(plan))
    }
}

impl DrawWriter for AnyStore {
    async fn record_commitment(
        &self,
        meta: &WriteMeta,
        commitment: &Commitment,
    ) -> StoreResult<Plan> {
        delegate!(self, s => s.record_commitment(meta, commitment))
    }
    async fn record_draw(&self, meta: &WriteMeta, transcript: &Transcript) -> StoreResult<Plan> {
        delegate!(self, s => s.record_draw(meta, transcript))
    }
}

impl TimestampReader for AnyStore {
    async fn list_timestamps(&self, plan: &PlanId) -> StoreResult<Vec<TimestampRecord>> {
        delegate!(self, s => s.list_timestamps(plan))
    }
}

impl TimestampWriter for AnyStore {
    async fn record_timestamp(
        &self,
        meta: &WriteMeta,
        record: &TimestampRecord,
    ) -> StoreResult<TimestampRecord> {
        delegate!(self, s => s.record_timestamp(meta, record))
    }
}

impl RegistryReader for AnyStore {
    async fn latest_snapshot(&self, kind: RegistryKind) -> StoreResult<Option<SnapshotInfo>> {
        delegate!(self, s => s.latest_snapshot(kind))
    }
    async fn get_snapshot<T>(&self, number: u64) -> StoreResult<RegistrySnapshot<T>>
    where
        T: Record + serde::de::DeserializeOwned + Send,
    {
        delegate!(self, s => s.get_snapshot::<T>(number))
    }
    async fn list_snapshots(
        &self,
        kind: RegistryKind,
        before: Option<u64>,
        limit: usize,
    ) -> StoreResult<Vec<spotcheck_domain::store::SnapshotEntry>> {
        delegate!(self, s => s.list_snapshots(kind, before, limit))
    }
}

impl RegistryWriter for AnyStore {
    async fn store_snapshot<T>(
        &self,
        meta: &WriteMeta,
        snapshot: &RegistrySnapshot<T>,
    ) -> StoreResult<SnapshotInfo>
    where
        T: Record + serde::Serialize + Sync,
    {
        delegate!(self, s => s.store_snapshot(meta, snapshot))
    }
}

impl spotcheck_domain::store::DraftWriter for AnyStore {
    async fn return_draft(
        &self,
        meta: &WriteMeta,
        id: &spotcheck_domain::lifecycle::PublicationId,
        reason: String,
    ) -> StoreResult<spotcheck_domain::lifecycle::Approval> {
        delegate!(self, s => s.return_draft(meta, id, reason))
    }
    async fn amend_result(
        &self,
        meta: &WriteMeta,
        result: spotcheck_domain::lifecycle::InspectionResult,
    ) -> StoreResult<spotcheck_domain::lifecycle::InspectionResult> {
        delegate!(self, s => s.amend_result(meta, result))
    }
    async fn withdraw_result(
        &self,
        meta: &WriteMeta,
        plan: &PlanId,
        target: &spotcheck_domain::ids::TargetId,
    ) -> StoreResult<spotcheck_domain::lifecycle::InspectionResult> {
        delegate!(self, s => s.withdraw_result(meta, plan, target))
    }
    async fn amend_penalty(
        &self,
        meta: &WriteMeta,
        decision: spotcheck_domain::lifecycle::PenaltyDecision,
    ) -> StoreResult<spotcheck_domain::lifecycle::PenaltyRecord> {
        delegate!(self, s => s.amend_penalty(meta, decision))
    }
    async fn withdraw_penalty(
        &self,
        meta: &WriteMeta,
        number: &spotcheck_domain::lifecycle::DecisionNumber,
    ) -> StoreResult<spotcheck_domain::lifecycle::PenaltyRecord> {
        delegate!(self, s => s.withdraw_penalty(meta, number))
    }
}
