//! Drafts awaiting approval on DynamoDB: returned with a reason, amended or withdrawn by their
//! author. Each write reads the approval, asks the domain ([`Approval::return_to_author`],
//! [`Approval::resubmit`], [`Approval::check_withdraw`]) and commits on the condition that the
//! approval is still awaiting (`ver = 1`) and unchanged since it was read (`rev`), the record
//! still there; a transaction lost to a concurrent approval, return or amendment is re-decided,
//! and the domain then refuses it.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};
use spotcheck_domain::ids::{PlanId, TargetId};
use spotcheck_domain::lifecycle::{
    Approval, AuditAction, DecisionNumber, InspectionResult, PenaltyDecision, PenaltyRecord,
    PublicationId, WriteMeta,
};
use spotcheck_domain::store::{DraftWriter, ResultReader, StoreError, StoreResult};
use tracing::instrument;

use super::items::{Item, build_err, s};
use super::{DynamoStore, Prepared};
use crate::common::{
    no_approval, payload_digest, penalty_publication, request_digest, result_publication, subject,
    to_json,
};

fn lifecycle(id: &PublicationId, e: spotcheck_domain::lifecycle::LifecycleError) -> StoreError {
    StoreError::from_lifecycle("approval", id.as_str(), e)
}

fn no_changes(record: &PenaltyRecord) -> StoreResult<()> {
    if record.changes.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Conflict {
            what: "penalty",
            id: record.decision.number.to_string(),
            reason: "the decision has recorded changes; it is no longer a draft".into(),
        })
    }
}

impl DynamoStore {
    /// The approval and the `rev` it was read at.
    async fn awaiting_approval(&self, id: &PublicationId) -> StoreResult<(Approval, u64)> {
        self.load_approval_rev(id)
            .await?
            .ok_or_else(|| no_approval(id))
    }

    /// A delete of `pk`/`sk` on `condition`.
    fn delete(&self, pk: &str, sk: &str, condition: &str) -> StoreResult<TransactWriteItem> {
        let d = Delete::builder()
            .table_name(&self.table)
            .key("PK", s(pk))
            .key("SK", s(sk))
            .condition_expression(condition);
        Ok(TransactWriteItem::builder()
            .delete(d.build().map_err(build_err)?)
            .build())
    }

    /// A delete of the approval of `id`, still awaiting and unchanged since read at `rev`.
    fn delete_approval(&self, id: &PublicationId, rev: u64) -> StoreResult<TransactWriteItem> {
        let (condition, values) = Self::approval_unchanged(rev);
        let mut d = Delete::builder()
            .table_name(&self.table)
            .key("PK", s(&format!("APPROVAL#{id}")))
            .key("SK", s("APPROVAL"))
            .condition_expression(condition);
        for (name, value) in values {
            d = d.expression_attribute_values(name, value);
        }
        Ok(TransactWriteItem::builder()
            .delete(d.build().map_err(build_err)?)
            .build())
    }

    async fn result_item(&self, result: &InspectionResult) -> StoreResult<Item> {
        let mut item: Item = HashMap::from([
            ("PK".to_owned(), s(&format!("PLAN#{}", result.plan))),
            ("SK".to_owned(), s(&format!("RESULT#{}", result.target))),
        ]);
        item.extend(self.doc_attrs(to_json(result)?).await?);
        Ok(item)
    }

    async fn penalty_item(&self, record: &PenaltyRecord) -> StoreResult<Item> {
        let number = &record.decision.number;
        let mut item: Item = HashMap::from([
            ("PK".to_owned(), s(&format!("PENALTY#{number}"))),
            ("SK".to_owned(), s("DECISION")),
            ("GSI1PK".to_owned(), s("PENALTIES")),
            (
                "GSI1SK".to_owned(),
                s(&format!("{}#{number}", record.decision.decided_on)),
            ),
            ("number".to_owned(), s(number.as_str())),
        ]);
        item.extend(self.doc_attrs(to_json(record)?).await?);
        Ok(item)
    }
}

impl DraftWriter for DynamoStore {
    #[instrument(skip(self, meta, reason), fields(store = "dynamodb", key = %meta.key), err)]
    async fn return_draft(
        &self,
        meta: &WriteMeta,
        id: &PublicationId,
        reason: String,
    ) -> StoreResult<Approval> {
        let digest = request_digest("return_draft", &(id, &reason))?;
        let reason = &reason;
        self.transact(meta, "return_draft", digest, || async move {
            let (current, rev) = self.awaiting_approval(id).await?;
            let next = current
                .return_to_author(&meta.actor, meta.at, reason)
                .map_err(|e| lifecycle(id, e))?;
            Ok(Prepared {
                items: vec![self.put_approval(&next, rev).await?],
                audit: Some((
                    AuditAction::DraftReturned,
                    subject("approval", id),
                    payload_digest(&next)?,
                )),
                result: next,
            })
        })
        .await
    }

    #[instrument(skip(self, meta, result), fields(store = "dynamodb", key = %meta.key, plan = %result.plan, target = %result.target), err)]
    async fn amend_result(
        &self,
        meta: &WriteMeta,
        result: InspectionResult,
    ) -> StoreResult<InspectionResult> {
        result
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("amend_result", &result)?;
        let result = &result;
        self.transact(meta, "amend_result", digest, || async move {
            let stored = self.get_result(&result.plan, &result.target).await?;
            let key = format!("{}/{}", result.plan, result.target);
            if stored.inspectors != result.inspectors {
                return Err(StoreError::Conflict {
                    what: "result",
                    id: key,
                    reason: "the inspectors of a result are those drawn; they cannot be amended"
                        .into(),
                });
            }
            let id = result_publication(&result.plan, &result.target);
            let (current, rev) = self.awaiting_approval(&id).await?;
            let next = current
                .resubmit(&meta.actor, meta.at)
                .map_err(|e| lifecycle(&id, e))?;
            Ok(Prepared {
                items: vec![
                    self.put(
                        self.result_item(result).await?,
                        Some("attribute_exists(PK)"),
                    )?,
                    self.put_approval(&next, rev).await?,
                ],
                audit: Some((
                    AuditAction::ResultAmended,
                    subject("result", &key),
                    payload_digest(result)?,
                )),
                result: result.clone(),
            })
        })
        .await
    }

    #[instrument(skip(self, meta), fields(store = "dynamodb", key = %meta.key), err)]
    async fn withdraw_result(
        &self,
        meta: &WriteMeta,
        plan: &PlanId,
        target: &TargetId,
    ) -> StoreResult<InspectionResult> {
        let digest = request_digest("withdraw_result", &(plan, target))?;
        self.transact(meta, "withdraw_result", digest, || async move {
            let stored = self.get_result(plan, target).await?;
            let id = result_publication(plan, target);
            let (current, rev) = self.awaiting_approval(&id).await?;
            current
                .check_withdraw(&meta.actor)
                .map_err(|e| lifecycle(&id, e))?;
            Ok(Prepared {
                items: vec![
                    self.delete(
                        &format!("PLAN#{plan}"),
                        &format!("RESULT#{target}"),
                        "attribute_exists(PK)",
                    )?,
                    self.delete_approval(&id, rev)?,
                ],
                audit: Some((
                    AuditAction::ResultWithdrawn,
                    subject("result", format!("{plan}/{target}")),
                    payload_digest(&stored)?,
                )),
                result: stored,
            })
        })
        .await
    }

    #[instrument(skip(self, meta, decision), fields(store = "dynamodb", key = %meta.key, number = %decision.number), err)]
    async fn amend_penalty(
        &self,
        meta: &WriteMeta,
        decision: PenaltyDecision,
    ) -> StoreResult<PenaltyRecord> {
        decision
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("amend_penalty", &decision)?;
        let decision = &decision;
        self.transact(meta, "amend_penalty", digest, || async move {
            let number = &decision.number;
            let stored = self.load_penalty(number).await?;
            no_changes(&stored)?;
            let id = penalty_publication(number);
            let (current, rev) = self.awaiting_approval(&id).await?;
            let next = current
                .resubmit(&meta.actor, meta.at)
                .map_err(|e| lifecycle(&id, e))?;
            let record = PenaltyRecord {
                decision: decision.clone(),
                changes: Vec::new(),
                recorded_at: stored.recorded_at,
            };
            Ok(Prepared {
                items: vec![
                    self.put(
                        self.penalty_item(&record).await?,
                        Some("attribute_exists(PK)"),
                    )?,
                    self.put_approval(&next, rev).await?,
                ],
                audit: Some((
                    AuditAction::PenaltyAmended,
                    subject("penalty", number),
                    payload_digest(decision)?,
                )),
                result: record,
            })
        })
        .await
    }

    #[instrument(skip(self, meta), fields(store = "dynamodb", key = %meta.key), err)]
    async fn withdraw_penalty(
        &self,
        meta: &WriteMeta,
        number: &DecisionNumber,
    ) -> StoreResult<PenaltyRecord> {
        let digest = request_digest("withdraw_penalty", number)?;
        self.transact(meta, "withdraw_penalty", digest, || async move {
            let stored = self.load_penalty(number).await?;
            no_changes(&stored)?;
            let id = penalty_publication(number);
            let (current, rev) = self.awaiting_approval(&id).await?;
            current
                .check_withdraw(&meta.actor)
                .map_err(|e| lifecycle(&id, e))?;
            Ok(Prepared {
                items: vec![
                    self.delete(
                        &format!("PENALTY#{number}"),
                        "DECISION",
                        "attribute_exists(PK)",
                    )?,
                    self.delete_approval(&id, rev)?,
                ],
                audit: Some((
                    AuditAction::PenaltyWithdrawn,
                    subject("penalty", number),
                    payload_digest(&stored.decision)?,
                )),
                result: stored,
            })
        })
        .await
    }
}
