//! Drafts awaiting approval: returned with a reason, amended or withdrawn by their author. Each
//! write re-reads the approval inside its immediate transaction and asks the domain
//! ([`Approval::return_to_author`], [`Approval::resubmit`], [`Approval::check_withdraw`]), so a
//! draft approved meanwhile is refused; the schema's triggers refuse any change to a result or
//! decision whose approval row is approved or absent.

use rusqlite::{Transaction, params};
use spotcheck_domain::ids::{PlanId, TargetId};
use spotcheck_domain::lifecycle::{
    Approval, AuditAction, DecisionNumber, InspectionResult, PenaltyDecision, PenaltyRecord,
    PublicationId, WriteMeta,
};
use spotcheck_domain::store::{DraftWriter, StoreError, StoreResult};
use tracing::instrument;

use super::{SqliteStore, audit, load_approval, load_penalty, translate};
use crate::common::{
    from_json, no_approval, payload_digest, penalty_publication, request_digest,
    result_publication, subject, to_json,
};

fn lifecycle(id: &PublicationId, e: spotcheck_domain::lifecycle::LifecycleError) -> StoreError {
    StoreError::from_lifecycle("approval", id.as_str(), e)
}

/// Writes `next` over the awaiting approval `id` (refused if it was approved meanwhile).
fn save_awaiting(tx: &Transaction<'_>, id: &PublicationId, next: &Approval) -> StoreResult<()> {
    let n = tx
        .execute(
            "UPDATE approvals SET doc = ?1 WHERE id = ?2 AND approved = 0",
            params![to_json(next)?, id.as_str()],
        )
        .map_err(translate)?;
    if n != 1 {
        return Err(StoreError::Conflict {
            what: "approval",
            id: id.to_string(),
            reason: "approved concurrently".into(),
        });
    }
    Ok(())
}

fn delete_awaiting(tx: &Transaction<'_>, id: &PublicationId) -> StoreResult<()> {
    let n = tx
        .execute(
            "DELETE FROM approvals WHERE id = ?1 AND approved = 0",
            [id.as_str()],
        )
        .map_err(translate)?;
    if n != 1 {
        return Err(StoreError::Conflict {
            what: "approval",
            id: id.to_string(),
            reason: "approved concurrently".into(),
        });
    }
    Ok(())
}

fn load_result(
    tx: &Transaction<'_>,
    plan: &PlanId,
    target: &TargetId,
) -> StoreResult<InspectionResult> {
    let doc: Option<String> = tx
        .query_row(
            "SELECT doc FROM results WHERE plan_id = ?1 AND target = ?2",
            params![plan.as_str(), target.as_str()],
            |r| r.get(0),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .map_err(translate)?;
    let doc = doc.ok_or_else(|| StoreError::NotFound {
        what: "result",
        id: format!("{plan}/{target}"),
    })?;
    from_json("result", &doc)
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

impl DraftWriter for SqliteStore {
    #[instrument(skip(self, meta, reason), fields(store = "sqlite", key = %meta.key), err)]
    async fn return_draft(
        &self,
        meta: &WriteMeta,
        id: &PublicationId,
        reason: String,
    ) -> StoreResult<Approval> {
        let digest = request_digest("return_draft", &(id, &reason))?;
        let id = id.clone();
        self.write(meta, "return_draft", digest, move |tx, meta| {
            let current = load_approval(tx, &id)?.ok_or_else(|| no_approval(&id))?;
            let next = current
                .return_to_author(&meta.actor, meta.at, &reason)
                .map_err(|e| lifecycle(&id, e))?;
            save_awaiting(tx, &id, &next)?;
            audit(
                tx,
                meta,
                AuditAction::DraftReturned,
                subject("approval", &id),
                payload_digest(&next)?,
            )?;
            Ok(next)
        })
        .await
    }

    #[instrument(skip(self, meta, result), fields(store = "sqlite", key = %meta.key, plan = %result.plan, target = %result.target), err)]
    async fn amend_result(
        &self,
        meta: &WriteMeta,
        result: InspectionResult,
    ) -> StoreResult<InspectionResult> {
        result
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("amend_result", &result)?;
        self.write(meta, "amend_result", digest, move |tx, meta| {
            let stored = load_result(tx, &result.plan, &result.target)?;
            if stored.inspectors != result.inspectors {
                return Err(StoreError::Conflict {
                    what: "result",
                    id: format!("{}/{}", result.plan, result.target),
                    reason: "the inspectors of a result are those drawn; they cannot be amended"
                        .into(),
                });
            }
            let id = result_publication(&result.plan, &result.target);
            let current = load_approval(tx, &id)?.ok_or_else(|| no_approval(&id))?;
            let next = current
                .resubmit(&meta.actor, meta.at)
                .map_err(|e| lifecycle(&id, e))?;
            tx.execute(
                "UPDATE results SET doc = ?1 WHERE plan_id = ?2 AND target = ?3",
                params![
                    to_json(&result)?,
                    result.plan.as_str(),
                    result.target.as_str()
                ],
            )
            .map_err(translate)?;
            save_awaiting(tx, &id, &next)?;
            audit(
                tx,
                meta,
                AuditAction::ResultAmended,
                subject("result", format!("{}/{}", result.plan, result.target)),
                payload_digest(&result)?,
            )?;
            Ok(result)
        })
        .await
    }

    #[instrument(skip(self, meta), fields(store = "sqlite", key = %meta.key), err)]
    async fn withdraw_result(
        &self,
        meta: &WriteMeta,
        plan: &PlanId,
        target: &TargetId,
    ) -> StoreResult<InspectionResult> {
        let digest = request_digest("withdraw_result", &(plan, target))?;
        let (plan, target) = (plan.clone(), target.clone());
        self.write(meta, "withdraw_result", digest, move |tx, meta| {
            let stored = load_result(tx, &plan, &target)?;
            let id = result_publication(&plan, &target);
            let current = load_approval(tx, &id)?.ok_or_else(|| no_approval(&id))?;
            current
                .check_withdraw(&meta.actor)
                .map_err(|e| lifecycle(&id, e))?;
            tx.execute(
                "DELETE FROM results WHERE plan_id = ?1 AND target = ?2",
                params![plan.as_str(), target.as_str()],
            )
            .map_err(translate)?;
            delete_awaiting(tx, &id)?;
            audit(
                tx,
                meta,
                AuditAction::ResultWithdrawn,
                subject("result", format!("{plan}/{target}")),
                payload_digest(&stored)?,
            )?;
            Ok(stored)
        })
        .await
    }

    #[instrument(skip(self, meta, decision), fields(store = "sqlite", key = %meta.key, number = %decision.number), err)]
    async fn amend_penalty(
        &self,
        meta: &WriteMeta,
        decision: PenaltyDecision,
    ) -> StoreResult<PenaltyRecord> {
        decision
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digest = request_digest("amend_penalty", &decision)?;
        self.write(meta, "amend_penalty", digest, move |tx, meta| {
            let number = decision.number.clone();
            let stored = load_penalty(tx, &number)?;
            no_changes(&stored)?;
            let id = penalty_publication(&number);
            let current = load_approval(tx, &id)?.ok_or_else(|| no_approval(&id))?;
            let next = current
                .resubmit(&meta.actor, meta.at)
                .map_err(|e| lifecycle(&id, e))?;
            let record = PenaltyRecord {
                decision,
                changes: Vec::new(),
                recorded_at: stored.recorded_at,
            };
            tx.execute(
                "UPDATE penalties SET decided_on = ?1, doc = ?2 WHERE number = ?3",
                params![
                    record.decision.decided_on.to_string(),
                    to_json(&record)?,
                    number.as_str()
                ],
            )
            .map_err(translate)?;
            save_awaiting(tx, &id, &next)?;
            audit(
                tx,
                meta,
                AuditAction::PenaltyAmended,
                subject("penalty", &number),
                payload_digest(&record.decision)?,
            )?;
            Ok(record)
        })
        .await
    }

    #[instrument(skip(self, meta), fields(store = "sqlite", key = %meta.key), err)]
    async fn withdraw_penalty(
        &self,
        meta: &WriteMeta,
        number: &DecisionNumber,
    ) -> StoreResult<PenaltyRecord> {
        let digest = request_digest("withdraw_penalty", number)?;
        let number = number.clone();
        self.write(meta, "withdraw_penalty", digest, move |tx, meta| {
            let stored = load_penalty(tx, &number)?;
            no_changes(&stored)?;
            let id = penalty_publication(&number);
            let current = load_approval(tx, &id)?.ok_or_else(|| no_approval(&id))?;
            current
                .check_withdraw(&meta.actor)
                .map_err(|e| lifecycle(&id, e))?;
            tx.execute("DELETE FROM penalties WHERE number = ?1", [number.as_str()])
                .map_err(translate)?;
            delete_awaiting(tx, &id)?;
            audit(
                tx,
                meta,
                AuditAction::PenaltyWithdrawn,
                subject("penalty", &number),
                payload_digest(&stored.decision)?,
            )?;
            Ok(stored)
        })
        .await
    }
}
