//! Time-stamp records beside the commitments: item `PLAN#<plan>` / `TSA#<authority>`, versioned
//! (`ver` 1 for the first attempt, +1 for each replacement); a pending or failed record is
//! replaced by the next attempt, an obtained one is final (the domain's rule, decided against
//! the version read and enforced by the version condition).

use std::collections::HashMap;

use spotcheck_domain::ids::PlanId;
use spotcheck_domain::lifecycle::{AuditAction, TimestampRecord, WriteMeta};
use spotcheck_domain::store::{StoreError, StoreResult, TimestampReader, TimestampWriter};
use tracing::instrument;

use super::items::{Item, attr_n, n, s};
use super::{DynamoStore, Prepared};
use crate::common::{payload_digest, request_digest, subject, to_json};

impl DynamoStore {
    async fn timestamp_item(&self, r: &TimestampRecord, ver: u64) -> StoreResult<Item> {
        let mut item: Item = HashMap::from([
            ("PK".to_owned(), s(&format!("PLAN#{}", r.plan))),
            ("SK".to_owned(), s(&format!("TSA#{}", r.authority))),
            ("ver".to_owned(), n(ver)),
            ("status".to_owned(), s(r.status.name())),
        ]);
        item.extend(self.doc_attrs(to_json(r)?).await?);
        Ok(item)
    }
}

impl TimestampReader for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn list_timestamps(&self, plan: &PlanId) -> StoreResult<Vec<TimestampRecord>> {
        let mut out = Vec::new();
        for item in self.query_prefix(&format!("PLAN#{plan}"), "TSA#").await? {
            out.push(self.read_doc("time-stamp record", &item).await?);
        }
        Ok(out)
    }
}

impl TimestampWriter for DynamoStore {
    #[instrument(skip(self, meta, record), fields(store = "dynamodb", key = %meta.key, plan = %record.plan, authority = %record.authority), err)]
    async fn record_timestamp(
        &self,
        meta: &WriteMeta,
        record: &TimestampRecord,
    ) -> StoreResult<TimestampRecord> {
        record
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("record_timestamp", record)?;
        let pk = format!("PLAN#{}", record.plan);
        let sk = format!("TSA#{}", record.authority);
        let key = format!("{}/{}", record.plan, record.authority);
        self.transact(meta, "record_timestamp", digest, || async {
            if self.get(&pk, "COMMITMENT").await?.is_none() {
                return Err(StoreError::NotFound {
                    what: "commitment",
                    id: record.plan.to_string(),
                });
            }
            let ver = match self.get(&pk, &sk).await? {
                Some(item) => {
                    let current: TimestampRecord =
                        self.read_doc("time-stamp record", &item).await?;
                    current
                        .check_replace(record)
                        .map_err(|e| StoreError::from_lifecycle("time-stamp", &key, e))?;
                    attr_n(&item, "ver")?
                }
                None => 0,
            };
            Ok(Prepared {
                items: vec![self.put_versioned(self.timestamp_item(record, ver + 1).await?, ver)?],
                audit: Some((
                    AuditAction::TimestampRecorded,
                    subject("timestamp", &key),
                    payload_digest(record)?,
                )),
                result: record.clone(),
            })
        })
        .await
    }
}
