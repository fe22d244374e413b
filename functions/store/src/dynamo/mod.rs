//! The DynamoDB adapter: one table, keys `PK`/`SK`, one GSI (`GSI1PK`/`GSI1SK`) for listings.
//! The layout, every access pattern and the item-size budget are in `docs/storage.md`.
//!
//! Invariants are carried by DynamoDB itself: every write is one `TransactWriteItems` whose
//! condition expressions check the plan's version, the absence of a commitment or transcript,
//! the audit head's sequence number and the absence of the idempotency record. A cancelled
//! transaction (a racing writer got there first) is re-read and re-decided, so the losers of a
//! race see `AlreadyCommitted` / `AlreadyDrawn`. Large payloads (frame and pool entries, snapshot
//! records, oversized documents) are written first as content-addressed chunks with
//! `BatchWriteItem`; they become reachable only when the small header item is written in the
//! transaction, so a crash leaves at most unreachable chunks, never partial state.

mod drafts;
mod items;
mod published_head;
mod snapshots;
mod table;
mod timestamps;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use serde::Serialize;
use serde::de::DeserializeOwned;
use spotcheck_domain::draw::{Commitment, Transcript};
use spotcheck_domain::encoding::sha256;
use spotcheck_domain::frame::{Frame, InspectorPool, TreeSummary};
use spotcheck_domain::ids::{Digest, PlanId, TargetId};
use spotcheck_domain::lifecycle::{
    Approval, AuditAction, AuditEntry, AuditHead, DecisionNumber, InspectionResult, PenaltyChange,
    PenaltyChangeKind, PenaltyDecision, PenaltyRecord, Plan, PlanChange, PlanSpec, Publication,
    PublicationId, PublicationTransition, StoredTree, TreeKind, WriteMeta, decode_frame,
    decode_pool, encode_frame_chunks, encode_pool_chunks,
};
use spotcheck_domain::registry::{Record, RegistryKind, RegistrySnapshot};
use spotcheck_domain::store::{
    ApprovalReader, ApprovalWriter, AuditLog, DrawReader, DrawWriter, FrameReader, FrameWriter,
    PenaltyReader, PenaltyWriter, PlanReader, PlanWriter, PublicationReader, PublicationWriter,
    RegistryReader, RegistryWriter, ResultReader, ResultWriter, SnapshotInfo, StoreError,
    StoreResult,
};
use spotcheck_domain::time::Timestamp;
use tracing::instrument;

use crate::common::{
    from_json, json_line_chunks, key_reused, no_approval, payload_digest, penalty_publication,
    request_digest, result_publication, subject, to_json,
};
use items::{Item, attr_n, attr_s, b, build_err, n, s};

/// Frame entries per chunk item: 1,400 leaves of at most 264 bytes (two 128-byte ids and their
/// length prefixes) stay under 370 KB, inside the 400 KB item limit with the keys.
pub const FRAME_ENTRIES_PER_CHUNK: usize = 1_400;
/// Items per `BatchWriteItem` request (DynamoDB's limit).
pub const ITEMS_PER_BATCH: usize = 25;
/// Frame entries per batch request.
pub const FRAME_ENTRIES_PER_BATCH: usize = FRAME_ENTRIES_PER_CHUNK * ITEMS_PER_BATCH;
/// Largest chunk of pool leaves, snapshot lines or oversized documents.
pub const CHUNK_BYTES: usize = 350_000;
/// Documents larger than this are stored as chunks instead of inline.
pub const INLINE_DOC_BYTES: usize = 300_000;
/// How often a write is re-decided after losing a race before giving up with `Unavailable`.
const MAX_ATTEMPTS: u32 = 200;

/// Where the table is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamoConfig {
    /// Table name.
    pub table: String,
    /// Endpoint override (DynamoDB Local, moto); `None` for AWS.
    pub endpoint: Option<String>,
    /// Region; `None` for the default chain (`AWS_REGION` on Lambda).
    pub region: Option<String>,
    /// Use fixed dummy credentials (for a local endpoint that ignores them).
    pub local_credentials: bool,
}

impl DynamoConfig {
    /// AWS, default credentials chain.
    pub fn aws(table: impl Into<String>) -> Self {
        Self {
            table: table.into(),
            endpoint: None,
            region: None,
            local_credentials: false,
        }
    }

    /// A local endpoint (moto, DynamoDB Local) with dummy credentials and region `us-east-1`.
    pub fn local(table: impl Into<String>, endpoint: impl Into<String>) -> Self {
        Self {
            table: table.into(),
            endpoint: Some(endpoint.into()),
            region: Some("us-east-1".into()),
            local_credentials: true,
        }
    }
}

/// The DynamoDB store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    batch_requests: Arc<AtomicU64>,
}

/// Translates SDK errors: throttling/5xx/timeouts (after the SDK's retries) → `Unavailable`,
/// a failed condition → `Conflict`, a missing table → `Unavailable` naming it.
fn translate<E>(e: SdkError<E>) -> StoreError
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = e
        .as_service_error()
        .and_then(|s| s.code())
        .unwrap_or("")
        .to_owned();
    match code.as_str() {
        "ConditionalCheckFailedException" => StoreError::Conflict {
            what: "record",
            id: String::new(),
            reason: "a condition failed".into(),
        },
        _ => StoreError::Unavailable(format!("DynamoDB: {}", DisplayErrorContext(&e))),
    }
}

fn corrupt(what: &'static str, reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        what,
        reason: reason.into(),
    }
}

fn pad(v: u64) -> String {
    format!("{v:020}")
}

fn chunk_sk(i: usize) -> String {
    format!("CHUNK#{i:08}")
}

/// A write decided against the current state: the result and the items to write with it.
struct Prepared<R> {
    result: R,
    items: Vec<TransactWriteItem>,
    audit: Option<(AuditAction, String, Digest)>,
}

impl<R> Prepared<R> {
    fn unchanged(result: R) -> Self {
        Self {
            result,
            items: Vec::new(),
            audit: None,
        }
    }
}

async fn backoff(attempt: u32) {
    let base = 5u64 << attempt.min(6);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()));
    tokio::time::sleep(Duration::from_millis(base + nanos % (base + 1))).await;
}

impl DynamoStore {
    /// Connects with the SDK's standard retry mode (up to 8 attempts with exponential backoff,
    /// which covers throttling).
    ///
    /// # Errors
    /// None today; reserved for configuration checks.
    pub async fn connect(config: &DynamoConfig) -> StoreResult<Self> {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(8));
        if let Some(r) = &config.region {
            loader = loader.region(aws_config::Region::new(r.clone()));
        }
        if let Some(e) = &config.endpoint {
            loader = loader.endpoint_url(e);
        }
        if config.local_credentials {
            loader = loader.credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "local",
                "local",
                None,
                None,
                "spotcheck-local",
            ));
        }
        let sdk = loader.load().await;
        Ok(Self::from_client(Client::new(&sdk), config.table.clone()))
    }

    /// Wraps an existing client (built once in `main`, as Lambda handlers should).
    pub fn from_client(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            batch_requests: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The SDK client (tests use it to tamper with items directly).
    #[doc(hidden)]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// How many `BatchWriteItem` requests this store (and its clones) has sent.
    pub fn batch_requests(&self) -> u64 {
        self.batch_requests.load(Ordering::Relaxed)
    }

    async fn get(&self, pk: &str, sk: &str) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("PK", s(pk))
            .key("SK", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(translate)?;
        Ok(out.item)
    }

    /// Every item of partition `pk` whose sort key starts with `prefix`, following
    /// `LastEvaluatedKey` until the end.
    async fn query_prefix(&self, pk: &str, prefix: &str) -> StoreResult<Vec<Item>> {
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :p)")
                .expression_attribute_values(":pk", s(pk))
                .expression_attribute_values(":p", s(prefix))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(translate)?;
            out.extend(page.items.unwrap_or_default());
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(out),
            }
        }
    }

    /// Every item of GSI1 partition `pk`, in GSI1SK order, paginated to the end.
    async fn query_gsi(&self, pk: &str) -> StoreResult<Vec<Item>> {
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .index_name("GSI1")
                .key_condition_expression("GSI1PK = :pk")
                .expression_attribute_values(":pk", s(pk))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(translate)?;
            out.extend(page.items.unwrap_or_default());
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(out),
            }
        }
    }

    /// Writes items with `BatchWriteItem`, 25 per request, resending unprocessed items with
    /// backoff.
    async fn batch_put(&self, items: Vec<Item>) -> StoreResult<()> {
        use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
        let mut requests = Vec::with_capacity(items.len());
        for item in items {
            requests.push(
                WriteRequest::builder()
                    .put_request(
                        PutRequest::builder()
                            .set_item(Some(item))
                            .build()
                            .map_err(build_err)?,
                    )
                    .build(),
            );
        }
        let mut groups: Vec<Vec<WriteRequest>> = Vec::new();
        let mut rest = requests;
        while !rest.is_empty() {
            let tail = rest.split_off(rest.len().min(ITEMS_PER_BATCH));
            groups.push(rest);
            rest = tail;
        }
        for group in groups {
            let mut pending = group;
            let mut attempt = 0;
            while !pending.is_empty() {
                self.batch_requests.fetch_add(1, Ordering::Relaxed);
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(translate)?;
                pending = out
                    .unprocessed_items
                    .and_then(|mut m| m.remove(&self.table))
                    .unwrap_or_default();
                if !pending.is_empty() {
                    attempt += 1;
                    if attempt > 12 {
                        return Err(StoreError::Unavailable(
                            "DynamoDB keeps leaving items unprocessed (throttled)".into(),
                        ));
                    }
                    backoff(attempt).await;
                }
            }
        }
        Ok(())
    }

    /// Writes `chunks` as items `pk`/`CHUNK#n` with a binary `data` attribute.
    async fn put_chunks(&self, pk: &str, chunks: &[Vec<u8>]) -> StoreResult<()> {
        let items = chunks
            .iter()
            .enumerate()
            .map(|(i, c)| {
                HashMap::from([
                    ("PK".to_owned(), s(pk)),
                    ("SK".to_owned(), s(&chunk_sk(i))),
                    ("data".to_owned(), b(c.clone())),
                ])
            })
            .collect();
        self.batch_put(items).await
    }

    /// Reads the `count` chunks of `pk`, in order.
    async fn get_chunks(&self, pk: &str, count: usize) -> StoreResult<Vec<Vec<u8>>> {
        let items = self.query_prefix(pk, "CHUNK#").await?;
        let mut out = Vec::with_capacity(count);
        for (i, item) in items.iter().enumerate().take(count) {
            if attr_s(item, "SK")? != chunk_sk(i) {
                return Err(corrupt("chunks", format!("{pk}: chunk {i} is missing")));
            }
            match item.get("data") {
                Some(AttributeValue::B(blob)) => out.push(blob.clone().into_inner()),
                _ => return Err(corrupt("chunks", format!("{pk}: chunk {i} has no data"))),
            }
        }
        if out.len() != count {
            return Err(corrupt(
                "chunks",
                format!("{pk}: {} of {count} chunks present", out.len()),
            ));
        }
        Ok(out)
    }

    /// Attributes holding a JSON document: inline `doc` when small, else content-addressed
    /// chunks written now (`blob` = digest, `blob_chunks` = count).
    async fn doc_attrs(&self, json: String) -> StoreResult<Vec<(String, AttributeValue)>> {
        if json.len() <= INLINE_DOC_BYTES {
            return Ok(vec![("doc".into(), s(&json))]);
        }
        let bytes = json.into_bytes();
        let digest = sha256(&bytes);
        let chunks: Vec<Vec<u8>> = bytes.chunks(CHUNK_BYTES).map(<[u8]>::to_vec).collect();
        self.put_chunks(&format!("BLOB#{digest}"), &chunks).await?;
        Ok(vec![
            ("blob".into(), s(&digest.to_hex())),
            ("blob_chunks".into(), n(chunks.len() as u64)),
        ])
    }

    /// Reads a document written by [`Self::doc_attrs`].
    async fn read_doc<T: DeserializeOwned>(
        &self,
        what: &'static str,
        item: &Item,
    ) -> StoreResult<T> {
        if let Some(AttributeValue::S(doc)) = item.get("doc") {
            return from_json(what, doc);
        }
        let digest: Digest = attr_s(item, "blob")?
            .parse()
            .map_err(|e: spotcheck_domain::ids::IdError| corrupt(what, e.to_string()))?;
        let count = attr_n(item, "blob_chunks")? as usize;
        let bytes = self
            .get_chunks(&format!("BLOB#{digest}"), count)
            .await?
            .concat();
        if sha256(&bytes) != digest {
            return Err(corrupt(
                what,
                "the document's chunks do not hash to its digest",
            ));
        }
        serde_json::from_slice(&bytes).map_err(|e| corrupt(what, e.to_string()))
    }

    async fn read_head(&self) -> StoreResult<Option<AuditHead>> {
        let Some(item) = self.get("AUDIT", "HEAD").await? else {
            return Ok(None);
        };
        Ok(Some(AuditHead {
            seq: attr_n(&item, "seq")?,
            hash: attr_s(&item, "hash")?
                .parse()
                .map_err(|e: spotcheck_domain::ids::IdError| {
                    corrupt("audit head", e.to_string())
                })?,
        }))
    }

    fn put(&self, item: Item, condition: Option<&str>) -> StoreResult<TransactWriteItem> {
        let mut p = Put::builder().table_name(&self.table).set_item(Some(item));
        if let Some(c) = condition {
            p = p.condition_expression(c);
        }
        Ok(TransactWriteItem::builder()
            .put(p.build().map_err(build_err)?)
            .build())
    }

    /// A put of a versioned document that must still be at `expected` (or absent when 0).
    fn put_versioned(&self, item: Item, expected: u64) -> StoreResult<TransactWriteItem> {
        let mut p = Put::builder().table_name(&self.table).set_item(Some(item));
        if expected == 0 {
            p = p.condition_expression("attribute_not_exists(PK)");
        } else {
            p = p
                .condition_expression("ver = :expected")
                .expression_attribute_values(":expected", n(expected));
        }
        Ok(TransactWriteItem::builder()
            .put(p.build().map_err(build_err)?)
            .build())
    }

    /// Runs an idempotent, audited write: checks the key, lets `prepare` decide against the
    /// current state, and commits the items, the audit entry, the head and the idempotency record
    /// in one transaction; re-decides after losing a race.
    async fn transact<R, F, Fut>(
        &self,
        meta: &WriteMeta,
        op: &'static str,
        digest: Digest,
        prepare: F,
    ) -> StoreResult<R>
    where
        R: Serialize + DeserializeOwned + Send,
        F: Fn() -> Fut + Send + Sync,
        Fut: Future<Output = StoreResult<Prepared<R>>> + Send,
    {
        let idem_pk = format!("IDEM#{}", meta.key);
        for attempt in 0..MAX_ATTEMPTS {
            if let Some(prior) = self.get(&idem_pk, "IDEM").await? {
                let prior_op = attr_s(&prior, "op")?;
                if prior_op == op && attr_s(&prior, "digest")? == digest.to_hex() {
                    return self.read_doc("idempotent response", &prior).await;
                }
                return Err(key_reused(meta.key.as_str(), prior_op));
            }
            let prepared = prepare().await?;
            let mut items = prepared.items;
            if let Some((action, subject, payload)) = prepared.audit {
                let head = self.read_head().await?;
                let entry =
                    AuditEntry::next(head, meta.at, meta.actor.clone(), action, subject, payload);
                items.push(self.put(
                    HashMap::from([
                        ("PK".to_owned(), s("AUDIT")),
                        ("SK".to_owned(), s(&format!("SEQ#{}", pad(entry.seq)))),
                        ("doc".to_owned(), s(&to_json(&entry)?)),
                    ]),
                    Some("attribute_not_exists(PK)"),
                )?);
                let mut head_put =
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(HashMap::from([
                            ("PK".to_owned(), s("AUDIT")),
                            ("SK".to_owned(), s("HEAD")),
                            ("seq".to_owned(), n(entry.seq)),
                            ("hash".to_owned(), s(&entry.hash.to_hex())),
                        ])));
                head_put = match head {
                    None => head_put.condition_expression("attribute_not_exists(PK)"),
                    Some(h) => head_put
                        .condition_expression("seq = :prev")
                        .expression_attribute_values(":prev", n(h.seq)),
                };
                items.push(
                    TransactWriteItem::builder()
                        .put(head_put.build().map_err(build_err)?)
                        .build(),
                );
            }
            let mut idem: Item = HashMap::from([
                ("PK".to_owned(), s(&idem_pk)),
                ("SK".to_owned(), s("IDEM")),
                ("op".to_owned(), s(op)),
                ("digest".to_owned(), s(&digest.to_hex())),
                ("at".to_owned(), n(meta.at.unix().max(0) as u64)),
            ]);
            idem.extend(self.doc_attrs(to_json(&prepared.result)?).await?);
            items.push(self.put(idem, Some("attribute_not_exists(PK)"))?);
            match self
                .client
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await
            {
                Ok(_) => return Ok(prepared.result),
                Err(e) => {
                    let cancelled = matches!(
                        e.as_service_error(),
                        Some(TransactWriteItemsError::TransactionCanceledException(_))
                    ) || e
                        .as_service_error()
                        .and_then(aws_sdk_dynamodb::error::ProvideErrorMetadata::code)
                        == Some("TransactionConflictException");
                    if !cancelled {
                        return Err(translate(e));
                    }
                    tracing::debug!(
                        attempt,
                        op,
                        "transaction cancelled by a concurrent write; re-deciding"
                    );
                    backoff(attempt.min(4)).await;
                }
            }
        }
        Err(StoreError::Unavailable(format!(
            "{op}: too much contention, try again"
        )))
    }

    async fn load_plan(&self, id: &PlanId) -> StoreResult<(Plan, Item)> {
        let item = self
            .get(&format!("PLAN#{id}"), "PLAN")
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "plan",
                id: id.to_string(),
            })?;
        Ok((self.read_doc("plan", &item).await?, item))
    }

    async fn plan_item(&self, plan: &Plan) -> StoreResult<Item> {
        let mut item: Item = HashMap::from([
            ("PK".to_owned(), s(&format!("PLAN#{}", plan.id()))),
            ("SK".to_owned(), s("PLAN")),
            ("GSI1PK".to_owned(), s("PLANS")),
            (
                "GSI1SK".to_owned(),
                s(&format!(
                    "{}#{}",
                    pad(plan.spec.planned_draw_at.unix().max(0) as u64),
                    plan.id()
                )),
            ),
            ("ver".to_owned(), n(plan.version)),
            ("state".to_owned(), s(plan.state.name())),
        ]);
        item.extend(self.doc_attrs(to_json(plan)?).await?);
        Ok(item)
    }

    async fn tree_info(&self, kind: TreeKind, root: &Digest) -> StoreResult<Option<StoredTree>> {
        let Some(item) = self
            .get(&format!("TREE#{}#{root}", kind.code()), "META")
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(StoredTree {
            kind,
            summary: TreeSummary {
                root: *root,
                size: attr_n(&item, "size")?,
            },
            chunks: u32::try_from(attr_n(&item, "chunks")?)
                .map_err(|_| corrupt("tree", "chunk count"))?,
            stored_at: Timestamp::from_unix(attr_n(&item, "stored_at")? as i64),
        }))
    }

    async fn tree_chunks(
        &self,
        kind: TreeKind,
        root: &Digest,
    ) -> StoreResult<(StoredTree, Vec<Vec<u8>>)> {
        let info = self
            .tree_info(kind, root)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: if kind == TreeKind::Frame {
                    "frame"
                } else {
                    "pool"
                },
                id: root.to_hex(),
            })?;
        let chunks = self
            .get_chunks(
                &format!("TREE#{}#{root}", kind.code()),
                info.chunks as usize,
            )
            .await?;
        Ok((info, chunks))
    }

    async fn put_tree(
        &self,
        meta: &WriteMeta,
        kind: TreeKind,
        summary: TreeSummary,
        chunks: Vec<Vec<u8>>,
    ) -> StoreResult<StoredTree> {
        let op = if kind == TreeKind::Frame {
            "put_frame"
        } else {
            "put_pool"
        };
        let digest = request_digest(op, &summary)?;
        let pk = format!("TREE#{}#{}", kind.code(), summary.root);
        if self.tree_info(kind, &summary.root).await?.is_none() {
            // Chunks first: unreachable until the META item below is committed.
            self.put_chunks(&pk, &chunks).await?;
        }
        let count = u32::try_from(chunks.len())
            .map_err(|_| StoreError::Invalid("too many chunks".into()))?;
        let pk = &pk;
        self.transact(meta, op, digest, || async move {
            if let Some(existing) = self.tree_info(kind, &summary.root).await? {
                return Ok(Prepared::unchanged(existing));
            }
            let stored = StoredTree {
                kind,
                summary,
                chunks: count,
                stored_at: meta.at,
            };
            let item = HashMap::from([
                ("PK".to_owned(), s(pk)),
                ("SK".to_owned(), s("META")),
                ("size".to_owned(), n(summary.size)),
                ("chunks".to_owned(), n(u64::from(count))),
                ("stored_at".to_owned(), n(meta.at.unix().max(0) as u64)),
            ]);
            let action = if kind == TreeKind::Frame {
                AuditAction::FrameStored
            } else {
                AuditAction::PoolStored
            };
            Ok(Prepared {
                result: stored,
                items: vec![self.put(item, Some("attribute_not_exists(PK)"))?],
                audit: Some((action, subject(kind.code(), summary.root), summary.root)),
            })
        })
        .await
    }

    async fn snapshot_info(
        &self,
        kind: RegistryKind,
        number: u64,
    ) -> StoreResult<Option<(SnapshotInfo, u64)>> {
        let Some(item) = self
            .get(&format!("SNAP#{kind}"), &format!("NUM#{}", pad(number)))
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(snapshot_from_item(kind, &item)?))
    }

    async fn load_penalty(&self, number: &DecisionNumber) -> StoreResult<PenaltyRecord> {
        let pk = format!("PENALTY#{number}");
        let item = self
            .get(&pk, "DECISION")
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "penalty",
                id: number.to_string(),
            })?;
        let mut record: PenaltyRecord = self.read_doc("penalty", &item).await?;
        let mut changes = Vec::new();
        for c in self.query_prefix(&pk, "CHANGE#").await? {
            changes.push(self.read_doc::<PenaltyChange>("penalty change", &c).await?);
        }
        record.changes = changes;
        Ok(record)
    }

    async fn load_publication(&self, id: &PublicationId) -> StoreResult<Publication> {
        let item = self
            .get(&format!("PUB#{id}"), "PUB")
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "publication",
                id: id.to_string(),
            })?;
        self.read_doc("publication", &item).await
    }

    /// `APPROVAL#<publication id>` / `APPROVAL`, `ver` 1 while awaiting and 2 once approved,
    /// `rev` the number of changes since it was created (absent until the first): every change
    /// (approved, returned, amended) is conditional on the `rev` it was decided on, so two
    /// changes decided on the same state never both commit.
    async fn approval_item(&self, a: &Approval, rev: u64) -> StoreResult<Item> {
        let mut item: Item = HashMap::from([
            ("PK".to_owned(), s(&format!("APPROVAL#{}", a.id))),
            ("SK".to_owned(), s("APPROVAL")),
            ("ver".to_owned(), n(if a.is_approved() { 2 } else { 1 })),
        ]);
        if rev > 0 {
            item.insert("rev".to_owned(), n(rev));
        }
        item.extend(self.doc_attrs(to_json(a)?).await?);
        Ok(item)
    }

    async fn load_approval(&self, id: &PublicationId) -> StoreResult<Option<Approval>> {
        Ok(self.load_approval_rev(id).await?.map(|(a, _)| a))
    }

    /// The approval and its `rev` (0 before its first change).
    async fn load_approval_rev(&self, id: &PublicationId) -> StoreResult<Option<(Approval, u64)>> {
        match self.get(&format!("APPROVAL#{id}"), "APPROVAL").await? {
            Some(item) => {
                let rev = if item.contains_key("rev") {
                    attr_n(&item, "rev")?
                } else {
                    0
                };
                Ok(Some((self.read_doc("approval", &item).await?, rev)))
            }
            None => Ok(None),
        }
    }

    /// The condition that an approval is still awaiting (`ver` 1) and unchanged since it was
    /// read at `rev`, with its values.
    fn approval_unchanged(rev: u64) -> (&'static str, Vec<(&'static str, AttributeValue)>) {
        if rev == 0 {
            (
                "ver = :one AND attribute_not_exists(rev)",
                vec![(":one", n(1))],
            )
        } else {
            (
                "ver = :one AND rev = :rev",
                vec![(":one", n(1)), (":rev", n(rev))],
            )
        }
    }

    /// A put of the approval `next`, changed from the awaiting one read at `rev`.
    async fn put_approval(&self, next: &Approval, rev: u64) -> StoreResult<TransactWriteItem> {
        let (condition, values) = Self::approval_unchanged(rev);
        let mut p = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.approval_item(next, rev + 1).await?))
            .condition_expression(condition);
        for (name, value) in values {
            p = p.expression_attribute_values(name, value);
        }
        Ok(TransactWriteItem::builder()
            .put(p.build().map_err(build_err)?)
            .build())
    }

    async fn publication_item(&self, p: &Publication) -> StoreResult<Item> {
        let deadline = p
            .deadline
            .map_or_else(|| "9999-12-31".to_owned(), |d| d.to_string());
        let mut item: Item = HashMap::from([
            ("PK".to_owned(), s(&format!("PUB#{}", p.id))),
            ("SK".to_owned(), s("PUB")),
            ("GSI1PK".to_owned(), s("PUBS")),
            ("GSI1SK".to_owned(), s(&format!("{deadline}#{}", p.id))),
            ("ver".to_owned(), n(p.version)),
            ("state".to_owned(), s(p.state.name())),
        ]);
        item.extend(self.doc_attrs(to_json(p)?).await?);
        Ok(item)
    }
}

fn snapshot_from_item(kind: RegistryKind, item: &Item) -> StoreResult<(SnapshotInfo, u64)> {
    Ok((
        SnapshotInfo {
            kind,
            number: attr_n(item, "number")?,
            hash: attr_s(item, "hash")?
                .parse()
                .map_err(|e: spotcheck_domain::ids::IdError| corrupt("snapshot", e.to_string()))?,
            records: attr_n(item, "records")?,
            stored_at: Timestamp::from_unix(attr_n(item, "stored_at")? as i64),
        },
        attr_n(item, "chunks")?,
    ))
}

/// Regroups single-entry chunks into chunks of at most [`CHUNK_BYTES`].
fn regroup(singles: Vec<Vec<u8>>) -> StoreResult<Vec<Vec<u8>>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    for e in singles {
        if e.len() > CHUNK_BYTES {
            return Err(StoreError::Invalid(format!(
                "one entry needs {} bytes, more than a DynamoDB item holds",
                e.len()
            )));
        }
        if cur.len() + e.len() > CHUNK_BYTES {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend_from_slice(&e);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

impl FrameReader for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn get_frame(&self, root: &Digest) -> StoreResult<Frame> {
        let (info, chunks) = self.tree_chunks(TreeKind::Frame, root).await?;
        decode_frame(chunks.iter().map(Vec::as_slice), &info.summary)
            .map_err(|e| corrupt("frame", e.to_string()))
    }

    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn get_pool(&self, root: &Digest) -> StoreResult<InspectorPool> {
        let (info, chunks) = self.tree_chunks(TreeKind::Pool, root).await?;
        decode_pool(chunks.iter().map(Vec::as_slice), &info.summary)
            .map_err(|e| corrupt("pool", e.to_string()))
    }
}

impl FrameWriter for DynamoStore {
    #[instrument(skip(self, meta, frame), fields(store = "dynamodb", key = %meta.key, entries = frame.len()), err)]
    async fn put_frame(&self, meta: &WriteMeta, frame: &Frame) -> StoreResult<StoredTree> {
        let chunks = encode_frame_chunks(frame, FRAME_ENTRIES_PER_CHUNK);
        self.put_tree(meta, TreeKind::Frame, frame.summary(), chunks)
            .await
    }

    #[instrument(skip(self, meta, pool), fields(store = "dynamodb", key = %meta.key, entries = pool.len()), err)]
    async fn put_pool(&self, meta: &WriteMeta, pool: &InspectorPool) -> StoreResult<StoredTree> {
        let chunks = regroup(encode_pool_chunks(pool, 1))?;
        self.put_tree(meta, TreeKind::Pool, pool.summary(), chunks)
            .await
    }
}

impl RegistryReader for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn latest_snapshot(&self, kind: RegistryKind) -> StoreResult<Option<SnapshotInfo>> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :p)")
            .expression_attribute_values(":pk", s(&format!("SNAP#{kind}")))
            .expression_attribute_values(":p", s("NUM#"))
            .scan_index_forward(false)
            .limit(1)
            .consistent_read(true)
            .send()
            .await
            .map_err(translate)?;
        out.items
            .unwrap_or_default()
            .first()
            .map(|i| snapshot_from_item(kind, i).map(|(info, _)| info))
            .transpose()
    }

    #[instrument(skip(self), fields(store = "dynamodb", kind = %T::KIND), err)]
    async fn get_snapshot<T>(&self, number: u64) -> StoreResult<RegistrySnapshot<T>>
    where
        T: Record + DeserializeOwned + Send,
    {
        let kind = T::KIND;
        let (info, count) =
            self.snapshot_info(kind, number)
                .await?
                .ok_or_else(|| StoreError::NotFound {
                    what: "snapshot",
                    id: format!("{kind}/{number}"),
                })?;
        let chunks = self
            .get_chunks(
                &format!("SNAPDATA#{kind}#{number}#{}", info.hash),
                count as usize,
            )
            .await?;
        crate::common::rebuild_snapshot(info, &chunks)
    }

    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn list_snapshots(
        &self,
        kind: RegistryKind,
        before: Option<u64>,
        limit: usize,
    ) -> StoreResult<Vec<spotcheck_domain::store::SnapshotEntry>> {
        self.snapshot_history(kind, before, limit).await
    }
}

impl RegistryWriter for DynamoStore {
    #[instrument(skip(self, meta, snapshot), fields(store = "dynamodb", key = %meta.key, kind = %T::KIND, number = snapshot.number()), err)]
    async fn store_snapshot<T>(
        &self,
        meta: &WriteMeta,
        snapshot: &RegistrySnapshot<T>,
    ) -> StoreResult<SnapshotInfo>
    where
        T: Record + Serialize + Sync,
    {
        let kind = T::KIND;
        let number = snapshot.number();
        let hash = snapshot.hash();
        let records = snapshot.len() as u64;
        let digest = request_digest("store_snapshot", &(kind, number, hash))?;
        let chunks = json_line_chunks(snapshot.records(), CHUNK_BYTES)?;
        if self.snapshot_info(kind, number).await?.is_none() {
            self.put_chunks(&format!("SNAPDATA#{kind}#{number}#{hash}"), &chunks)
                .await?;
        }
        let count = chunks.len() as u64;
        self.transact(meta, "store_snapshot", digest, || async move {
            if let Some((existing, _)) = self.snapshot_info(kind, number).await? {
                if existing.hash == hash {
                    return Ok(Prepared::unchanged(existing));
                }
                return Err(StoreError::Conflict {
                    what: "snapshot",
                    id: format!("{kind}/{number}"),
                    reason: format!(
                        "number {number} already holds a snapshot with hash {}",
                        existing.hash
                    ),
                });
            }
            let latest = self.latest_snapshot(kind).await?;
            let next = latest.map_or(1, |l| l.number + 1);
            crate::common::check_next_snapshot(kind, number, next)?;
            let info = SnapshotInfo {
                kind,
                number,
                hash,
                records,
                stored_at: meta.at,
            };
            let item = HashMap::from([
                ("PK".to_owned(), s(&format!("SNAP#{kind}"))),
                ("SK".to_owned(), s(&format!("NUM#{}", pad(number)))),
                ("number".to_owned(), n(number)),
                ("hash".to_owned(), s(&hash.to_hex())),
                ("records".to_owned(), n(records)),
                ("chunks".to_owned(), n(count)),
                ("stored_at".to_owned(), n(meta.at.unix().max(0) as u64)),
                ("stored_by".to_owned(), s(meta.actor.as_str())),
            ]);
            let mut items = vec![self.put(item, Some("attribute_not_exists(PK)"))?];
            if let Some(prev) = latest {
                // The previous number must still be the newest when this one lands.
                items.push(
                    TransactWriteItem::builder()
                        .condition_check(
                            aws_sdk_dynamodb::types::ConditionCheck::builder()
                                .table_name(&self.table)
                                .key("PK", s(&format!("SNAP#{kind}")))
                                .key("SK", s(&format!("NUM#{}", pad(prev.number))))
                                .condition_expression("attribute_exists(PK)")
                                .build()
                                .map_err(build_err)?,
                        )
                        .build(),
                );
            }
            Ok(Prepared {
                result: info,
                items,
                audit: Some((
                    AuditAction::SnapshotStored,
                    subject("snapshot", format!("{kind}/{number}")),
                    hash,
                )),
            })
        })
        .await
    }
}

impl PlanReader for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn get_plan(&self, id: &PlanId) -> StoreResult<Plan> {
        Ok(self.load_plan(id).await?.0)
    }

    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn list_plans(&self) -> StoreResult<Vec<Plan>> {
        let mut out = Vec::new();
        for item in self.query_gsi("PLANS").await? {
            out.push(self.read_doc("plan", &item).await?);
        }
        Ok(out)
    }
}

impl PlanWriter for DynamoStore {
    #[instrument(skip(self, meta, spec), fields(store = "dynamodb", key = %meta.key, plan = %spec.id), err)]
    async fn create_plan(&self, meta: &WriteMeta, spec: PlanSpec) -> StoreResult<Plan> {
        spec.validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("create_plan", &spec)?;
        let spec = &spec;
        self.transact(meta, "create_plan", digest, || async move {
            if self
                .get(&format!("PLAN#{}", spec.id), "PLAN")
                .await?
                .is_some()
            {
                return Err(StoreError::Conflict {
                    what: "plan",
                    id: spec.id.to_string(),
                    reason: "a plan with this id exists".into(),
                });
            }
            let plan = Plan::new(spec.clone(), meta.at);
            let item = self.plan_item(&plan).await?;
            let pd = payload_digest(&plan)?;
            Ok(Prepared {
                items: vec![self.put_versioned(item, 0)?],
                audit: Some((AuditAction::PlanCreated, subject("plan", plan.id()), pd)),
                result: plan,
            })
        })
        .await
    }

    #[instrument(skip(self, meta, change), fields(store = "dynamodb", key = %meta.key), err)]
    async fn change_plan(
        &self,
        meta: &WriteMeta,
        id: &PlanId,
        expected_version: u64,
        change: PlanChange,
    ) -> StoreResult<Plan> {
        let digest = request_digest("change_plan", &(id, expected_version, &change))?;
        let change = &change;
        self.transact(meta, "change_plan", digest, || async move {
            let (plan, _) = self.load_plan(id).await?;
            let before = plan.version;
            let needed = crate::common::tree_needed(change);
            let next = plan
                .change(change.clone(), meta.at)
                .map_err(|e| StoreError::from_lifecycle("plan", id.as_str(), e))?;
            crate::common::check_plan_version(id, expected_version, before)?;
            if let Some((kind, summary)) = needed {
                let stored = self
                    .tree_info(kind, &summary.root)
                    .await?
                    .map(|t| t.summary);
                crate::common::check_tree_stored(id, kind, &summary, stored)?;
            }
            let item = self.plan_item(&next).await?;
            let pd = payload_digest(&next)?;
            Ok(Prepared {
                items: vec![self.put_versioned(item, before)?],
                audit: Some((AuditAction::PlanChanged, subject("plan", id), pd)),
                result: next,
            })
        })
        .await
    }

    #[instrument(skip(self, meta, reason), fields(store = "dynamodb", key = %meta.key), err)]
    async fn cancel_plan(
        &self,
        meta: &WriteMeta,
        id: &PlanId,
        reason: String,
    ) -> StoreResult<Plan> {
        let digest = request_digest("cancel_plan", &(id, &reason))?;
        let reason = &reason;
        self.transact(meta, "cancel_plan", digest, || async move {
            let (plan, _) = self.load_plan(id).await?;
            let before = plan.version;
            let next = plan
                .cancel(reason.clone(), meta.at)
                .map_err(|e| StoreError::from_lifecycle("plan", id.as_str(), e))?;
            let item = self.plan_item(&next).await?;
            let pd = payload_digest(&next)?;
            Ok(Prepared {
                items: vec![self.put_versioned(item, before)?],
                audit: Some((AuditAction::PlanCancelled, subject("plan", id), pd)),
                result: next,
            })
        })
        .await
    }
}

impl DrawReader for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn get_commitment(&self, plan: &PlanId) -> StoreResult<Commitment> {
        self.find_commitment(plan)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "commitment",
                id: plan.to_string(),
            })
    }

    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn find_commitment(&self, plan: &PlanId) -> StoreResult<Option<Commitment>> {
        match self.get(&format!("PLAN#{plan}"), "COMMITMENT").await? {
            Some(item) => Ok(Some(self.read_doc("commitment", &item).await?)),
            None => Ok(None),
        }
    }

    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn get_transcript(&self, plan: &PlanId) -> StoreResult<Transcript> {
        let item = self
            .get(&format!("PLAN#{plan}"), "TRANSCRIPT")
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "transcript",
                id: plan.to_string(),
            })?;
        self.read_doc("transcript", &item).await
    }
}

impl DrawWriter for DynamoStore {
    #[instrument(skip(self, meta, commitment), fields(store = "dynamodb", key = %meta.key, plan = %commitment.plan_id), err)]
    async fn record_commitment(
        &self,
        meta: &WriteMeta,
        commitment: &Commitment,
    ) -> StoreResult<Plan> {
        let hash = commitment
            .hash()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("record_commitment", &hash)?;
        let id = &commitment.plan_id;
        let doc = to_json(commitment)?;
        let doc = &doc;
        self.transact(meta, "record_commitment", digest, || async move {
            let (plan, _) = self.load_plan(id).await?;
            let before = plan.version;
            let next = plan
                .commit(commitment, hash, meta.at)
                .map_err(|e| StoreError::from_lifecycle("plan", id.as_str(), e))?;
            let mut c: Item = HashMap::from([
                ("PK".to_owned(), s(&format!("PLAN#{id}"))),
                ("SK".to_owned(), s("COMMITMENT")),
                ("hash".to_owned(), s(&hash.to_hex())),
            ]);
            c.extend(self.doc_attrs(doc.clone()).await?);
            let plan_item = self.plan_item(&next).await?;
            Ok(Prepared {
                items: vec![
                    self.put(c, Some("attribute_not_exists(PK)"))?,
                    self.put_versioned(plan_item, before)?,
                ],
                audit: Some((AuditAction::Committed, subject("plan", id), hash)),
                result: next,
            })
        })
        .await
    }

    #[instrument(skip(self, meta, transcript), fields(store = "dynamodb", key = %meta.key, plan = %transcript.commitment.plan_id), err)]
    async fn record_draw(&self, meta: &WriteMeta, transcript: &Transcript) -> StoreResult<Plan> {
        crate::common::check_transcript_digest(transcript)?;
        let digest = request_digest("record_draw", &transcript.digest)?;
        let id = &transcript.commitment.plan_id;
        let doc = to_json(transcript)?;
        let doc = &doc;
        self.transact(meta, "record_draw", digest, || async move {
            let (plan, _) = self.load_plan(id).await?;
            let before = plan.version;
            let next = plan
                .mark_drawn(transcript, meta.at)
                .map_err(|e| StoreError::from_lifecycle("plan", id.as_str(), e))?;
            let mut t: Item = HashMap::from([
                ("PK".to_owned(), s(&format!("PLAN#{id}"))),
                ("SK".to_owned(), s("TRANSCRIPT")),
                ("digest".to_owned(), s(&transcript.digest.to_hex())),
            ]);
            t.extend(self.doc_attrs(doc.clone()).await?);
            let plan_item = self.plan_item(&next).await?;
            Ok(Prepared {
                items: vec![
                    self.put(t, Some("attribute_not_exists(PK)"))?,
                    self.put_versioned(plan_item, before)?,
                ],
                audit: Some((AuditAction::Drawn, subject("plan", id), transcript.digest)),
                result: next,
            })
        })
        .await
    }
}

impl ResultReader for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn get_result(&self, plan: &PlanId, target: &TargetId) -> StoreResult<InspectionResult> {
        let item = self
            .get(&format!("PLAN#{plan}"), &format!("RESULT#{target}"))
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "result",
                id: format!("{plan}/{target}"),
            })?;
        self.read_doc("result", &item).await
    }

    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn list_results(&self, plan: &PlanId) -> StoreResult<Vec<InspectionResult>> {
        let mut out = Vec::new();
        for item in self
            .query_prefix(&format!("PLAN#{plan}"), "RESULT#")
            .await?
        {
            out.push(self.read_doc("result", &item).await?);
        }
        Ok(out)
    }
}

impl ResultWriter for DynamoStore {
    #[instrument(skip(self, meta, result), fields(store = "dynamodb", key = %meta.key, plan = %result.plan, target = %result.target), err)]
    async fn record_result(
        &self,
        meta: &WriteMeta,
        result: InspectionResult,
    ) -> StoreResult<InspectionResult> {
        result
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("record_result", &result)?;
        let result = &result;
        self.transact(meta, "record_result", digest, || async move {
            let (plan, _) = self.load_plan(&result.plan).await?;
            let id = format!("{}/{}", result.plan, result.target);
            crate::common::check_result_plan_drawn(&plan, result, &id)?;
            let transcript = self.get_transcript(&result.plan).await?;
            crate::common::check_result_target_drawn(&transcript, result, &id)?;
            let sk = format!("RESULT#{}", result.target);
            if self
                .get(&format!("PLAN#{}", result.plan), &sk)
                .await?
                .is_some()
            {
                return Err(StoreError::Conflict {
                    what: "result",
                    id,
                    reason: "a result is already recorded for this target; results are immutable"
                        .into(),
                });
            }
            let mut item: Item = HashMap::from([
                ("PK".to_owned(), s(&format!("PLAN#{}", result.plan))),
                ("SK".to_owned(), s(&sk)),
            ]);
            item.extend(self.doc_attrs(to_json(result)?).await?);
            let approval = Approval::awaiting(
                result_publication(&result.plan, &result.target),
                meta.actor.clone(),
                meta.at,
            );
            Ok(Prepared {
                items: vec![
                    self.put(item, Some("attribute_not_exists(PK)"))?,
                    self.put_versioned(self.approval_item(&approval, 0).await?, 0)?,
                ],
                audit: Some((
                    AuditAction::ResultRecorded,
                    subject("result", &id),
                    payload_digest(result)?,
                )),
                result: result.clone(),
            })
        })
        .await
    }
}

impl PenaltyReader for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn get_penalty(&self, number: &DecisionNumber) -> StoreResult<PenaltyRecord> {
        self.load_penalty(number).await
    }

    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn list_penalties(&self) -> StoreResult<Vec<PenaltyRecord>> {
        let mut out = Vec::new();
        for item in self.query_gsi("PENALTIES").await? {
            let number: DecisionNumber = attr_s(&item, "number")?
                .parse()
                .map_err(|e: spotcheck_domain::ids::IdError| corrupt("penalty", e.to_string()))?;
            out.push(self.load_penalty(&number).await?);
        }
        Ok(out)
    }
}

impl PenaltyWriter for DynamoStore {
    #[instrument(skip(self, meta, decision), fields(store = "dynamodb", key = %meta.key, number = %decision.number), err)]
    async fn record_penalty(
        &self,
        meta: &WriteMeta,
        decision: PenaltyDecision,
    ) -> StoreResult<PenaltyRecord> {
        decision
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("record_penalty", &decision)?;
        let decision = &decision;
        self.transact(meta, "record_penalty", digest, || async move {
            let number = &decision.number;
            let pk = format!("PENALTY#{number}");
            if self.get(&pk, "DECISION").await?.is_some() {
                return Err(StoreError::Conflict {
                    what: "penalty",
                    id: number.to_string(),
                    reason: "a decision with this number is recorded; decisions are immutable (record a change instead)".into(),
                });
            }
            let record = PenaltyRecord {
                decision: decision.clone(),
                changes: Vec::new(),
                recorded_at: meta.at,
            };
            let mut item: Item = HashMap::from([
                ("PK".to_owned(), s(&pk)),
                ("SK".to_owned(), s("DECISION")),
                ("GSI1PK".to_owned(), s("PENALTIES")),
                ("GSI1SK".to_owned(), s(&format!("{}#{number}", decision.decided_on))),
                ("number".to_owned(), s(number.as_str())),
            ]);
            item.extend(self.doc_attrs(to_json(&record)?).await?);
            let approval =
                Approval::awaiting(penalty_publication(number), meta.actor.clone(), meta.at);
            Ok(Prepared {
                items: vec![
                    self.put(item, Some("attribute_not_exists(PK)"))?,
                    self.put_versioned(self.approval_item(&approval, 0).await?, 0)?,
                ],
                audit: Some((AuditAction::PenaltyRecorded, subject("penalty", number), payload_digest(decision)?)),
                result: record,
            })
        })
        .await
    }

    #[instrument(skip(self, meta, reason, new_result), fields(store = "dynamodb", key = %meta.key), err)]
    async fn change_penalty(
        &self,
        meta: &WriteMeta,
        number: &DecisionNumber,
        kind: PenaltyChangeKind,
        reason: String,
        new_result: Option<String>,
        effective_on: chrono::NaiveDate,
    ) -> StoreResult<PenaltyRecord> {
        let digest = request_digest(
            "change_penalty",
            &(number, kind, &reason, &new_result, effective_on),
        )?;
        let (reason, new_result) = (&reason, &new_result);
        self.transact(meta, "change_penalty", digest, || async move {
            let record = self.load_penalty(number).await?;
            let next = record
                .with_change(
                    kind,
                    reason.clone(),
                    new_result.clone(),
                    effective_on,
                    meta.at,
                )
                .map_err(|e| StoreError::from_lifecycle("penalty", number.as_str(), e))?;
            let change = next
                .changes
                .last()
                .ok_or_else(|| StoreError::Invalid("no change".into()))?;
            let mut item: Item = HashMap::from([
                ("PK".to_owned(), s(&format!("PENALTY#{number}"))),
                ("SK".to_owned(), s(&format!("CHANGE#{:08}", change.seq))),
            ]);
            item.extend(self.doc_attrs(to_json(change)?).await?);
            let pd = payload_digest(change)?;
            let approval = Approval::awaiting(
                PublicationId::of_penalty_change(number, change.seq),
                meta.actor.clone(),
                meta.at,
            );
            Ok(Prepared {
                items: vec![
                    self.put(item, Some("attribute_not_exists(PK)"))?,
                    self.put_versioned(self.approval_item(&approval, 0).await?, 0)?,
                ],
                audit: Some((AuditAction::PenaltyChanged, subject("penalty", number), pd)),
                result: next,
            })
        })
        .await
    }
}

impl PublicationReader for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn get_publication(&self, id: &PublicationId) -> StoreResult<Publication> {
        self.load_publication(id).await
    }

    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn list_publications(&self) -> StoreResult<Vec<Publication>> {
        let mut out = Vec::new();
        for item in self.query_gsi("PUBS").await? {
            out.push(self.read_doc("publication", &item).await?);
        }
        Ok(out)
    }
}

impl PublicationWriter for DynamoStore {
    #[instrument(skip(self, meta, publication), fields(store = "dynamodb", key = %meta.key, id = %publication.id), err)]
    async fn schedule_publication(
        &self,
        meta: &WriteMeta,
        publication: Publication,
    ) -> StoreResult<Publication> {
        crate::common::check_new_publication(&publication)?;
        let digest = request_digest("schedule_publication", &publication)?;
        let publication = &publication;
        self.transact(meta, "schedule_publication", digest, || async move {
            if self
                .get(&format!("PUB#{}", publication.id), "PUB")
                .await?
                .is_some()
            {
                return Err(StoreError::Conflict {
                    what: "publication",
                    id: publication.id.to_string(),
                    reason: "already scheduled".into(),
                });
            }
            let item = self.publication_item(publication).await?;
            Ok(Prepared {
                items: vec![self.put_versioned(item, 0)?],
                audit: Some((
                    AuditAction::PublicationScheduled,
                    subject("publication", &publication.id),
                    payload_digest(publication)?,
                )),
                result: publication.clone(),
            })
        })
        .await
    }

    #[instrument(skip(self, meta, transition), fields(store = "dynamodb", key = %meta.key), err)]
    async fn transition_publication(
        &self,
        meta: &WriteMeta,
        id: &PublicationId,
        transition: PublicationTransition,
    ) -> StoreResult<Publication> {
        let digest = request_digest("transition_publication", &(id, &transition))?;
        let transition = &transition;
        self.transact(meta, "transition_publication", digest, || async move {
            let p = self.load_publication(id).await?;
            let before = p.version;
            let next = p
                .transition(transition.clone(), meta.at)
                .map_err(|e| StoreError::from_lifecycle("publication", id.as_str(), e))?;
            let item = self.publication_item(&next).await?;
            let pd = payload_digest(&next)?;
            Ok(Prepared {
                items: vec![self.put_versioned(item, before)?],
                audit: Some((
                    AuditAction::PublicationChanged,
                    subject("publication", id),
                    pd,
                )),
                result: next,
            })
        })
        .await
    }
}

impl ApprovalReader for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn get_approval(&self, id: &PublicationId) -> StoreResult<Option<Approval>> {
        self.load_approval(id).await
    }
}

impl ApprovalWriter for DynamoStore {
    #[instrument(skip(self, meta), fields(store = "dynamodb", key = %meta.key), err)]
    async fn approve(&self, meta: &WriteMeta, id: &PublicationId) -> StoreResult<Approval> {
        let digest = request_digest("approve", id)?;
        self.transact(meta, "approve", digest, || async move {
            let (current, rev) = self
                .load_approval_rev(id)
                .await?
                .ok_or_else(|| no_approval(id))?;
            let next = current
                .approve(&meta.actor, meta.at)
                .map_err(|e| StoreError::from_lifecycle("approval", id.as_str(), e))?;
            let pd = payload_digest(&next)?;
            Ok(Prepared {
                // Still awaiting and unchanged (not returned or amended meanwhile) when the
                // transaction commits, or it is re-decided.
                items: vec![self.put_approval(&next, rev).await?],
                audit: Some((AuditAction::Approved, subject("approval", id), pd)),
                result: next,
            })
        })
        .await
    }
}

impl AuditLog for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn audit_entries(&self) -> StoreResult<Vec<AuditEntry>> {
        let mut out = Vec::new();
        for item in self.query_prefix("AUDIT", "SEQ#").await? {
            out.push(self.read_doc("audit entry", &item).await?);
        }
        Ok(out)
    }

    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn audit_head(&self) -> StoreResult<Option<AuditHead>> {
        self.read_head().await
    }
}
