//! Published audit heads: item `AUDITPUB` / `SEQ#<seq:020>` with `seq`, `hash` and
//! `published_at`, one per head a publication run published, written once (a second put of the
//! same `seq` fails its condition and keeps the first). The partition is public: the public
//! function reads it, while it may not read `AUDIT` (docs/storage.md).

use std::collections::HashMap;

use spotcheck_domain::lifecycle::AuditHead;
use spotcheck_domain::store::{
    PublishedHead, PublishedHeadReader, PublishedHeadWriter, StoreError, StoreResult,
};
use spotcheck_domain::time::Timestamp;
use tracing::instrument;

use super::items::{attr_n, attr_s, n, s};
use super::{DynamoStore, corrupt, pad, translate};

/// The partition.
pub(crate) const PARTITION: &str = "AUDITPUB";

impl PublishedHeadReader for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn published_head(&self) -> StoreResult<Option<PublishedHead>> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :p)")
            .expression_attribute_values(":pk", s(PARTITION))
            .expression_attribute_values(":p", s("SEQ#"))
            .scan_index_forward(false)
            .limit(1)
            .consistent_read(true)
            .send()
            .await
            .map_err(translate)?;
        let Some(item) = out.items.unwrap_or_default().into_iter().next() else {
            return Ok(None);
        };
        let what = "published audit head";
        let hash = attr_s(&item, "hash")?;
        let at = attr_s(&item, "published_at")?;
        Ok(Some(PublishedHead {
            head: AuditHead {
                seq: attr_n(&item, "seq")?,
                hash: hash
                    .parse()
                    .map_err(|e| corrupt(what, format!("hash {hash:?}: {e}")))?,
            },
            published_at: at
                .parse()
                .map_err(|e| corrupt(what, format!("published_at {at:?}: {e}")))?,
        }))
    }
}

impl PublishedHeadWriter for DynamoStore {
    #[instrument(skip(self), fields(store = "dynamodb"), err)]
    async fn record_published_head(&self, head: &AuditHead, at: Timestamp) -> StoreResult<()> {
        let item = HashMap::from([
            ("PK".to_owned(), s(PARTITION)),
            ("SK".to_owned(), s(&format!("SEQ#{}", pad(head.seq)))),
            ("seq".to_owned(), n(head.seq)),
            ("hash".to_owned(), s(&head.hash.to_hex())),
            ("published_at".to_owned(), s(&at.to_string())),
        ]);
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        match put.map_err(translate) {
            Ok(_) | Err(StoreError::Conflict { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
