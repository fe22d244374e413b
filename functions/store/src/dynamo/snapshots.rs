//! The history of a registry's snapshots: a query of partition `SNAP#<kind>` backwards from the
//! sort key below `before`; who stored each is the item's `stored_by` (written with the item;
//! absent on snapshots stored before it was).

use aws_sdk_dynamodb::types::AttributeValue;
use spotcheck_domain::lifecycle::Actor;
use spotcheck_domain::registry::RegistryKind;
use spotcheck_domain::store::{SnapshotEntry, StoreError, StoreResult};

use super::items::s;
use super::{DynamoStore, pad, snapshot_from_item, translate};

impl DynamoStore {
    /// Up to `limit` snapshots of `kind` numbered below `before`, newest first.
    pub(super) async fn snapshot_history(
        &self,
        kind: RegistryKind,
        before: Option<u64>,
        limit: usize,
    ) -> StoreResult<Vec<SnapshotEntry>> {
        if limit == 0 || before == Some(0) || before == Some(1) {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let mut start = None;
        let high = match before {
            Some(b) => format!("NUM#{}", pad(b - 1)),
            None => format!("NUM#{}", pad(u64::MAX)),
        };
        while out.len() < limit {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("PK = :pk AND SK BETWEEN :lo AND :hi")
                .expression_attribute_values(":pk", s(&format!("SNAP#{kind}")))
                .expression_attribute_values(":lo", s("NUM#"))
                .expression_attribute_values(":hi", s(&high))
                .scan_index_forward(false)
                .limit(i32::try_from(limit - out.len()).unwrap_or(i32::MAX))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(translate)?;
            for item in page.items.unwrap_or_default() {
                let (info, _) = snapshot_from_item(kind, &item)?;
                let stored_by = match item.get("stored_by") {
                    Some(AttributeValue::S(a)) => {
                        Some(a.parse::<Actor>().map_err(|e| StoreError::Corrupt {
                            what: "snapshot",
                            reason: format!("stored_by of {kind}/{}: {e}", info.number),
                        })?)
                    }
                    _ => None,
                };
                out.push(SnapshotEntry { info, stored_by });
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        out.truncate(limit);
        Ok(out)
    }
}
