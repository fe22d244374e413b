//! An approval that loses a race to a return (the store refuses it because the draft was returned
//! to its author between the use case's read and its write) is answered 409
//! `returned-to-author`, not `already-approved`: nothing was approved.

use spotcheck_app::records::{approve_penalty, record_penalty};
use spotcheck_app::{Role, Staff};
use spotcheck_domain::lifecycle::{
    Approval, DecisionNumber, PenaltyDecision, PenaltyRecord, PublicationId, WriteMeta,
};
use spotcheck_domain::store::{
    ApprovalReader, ApprovalWriter, DraftWriter, PenaltyReader, StoreResult,
};
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;

type R<T = ()> = Result<T, Box<dyn std::error::Error>>;

const PUTIAN: &str = "莆田市文化和旅游局";
const NOW: i64 = 1_795_000_000;
const NUMBER: &str = "莆文旅罚〔2026〕78号";

fn meta(key: &str, actor: &str) -> R<WriteMeta> {
    Ok(WriteMeta::new(
        key.parse()?,
        actor.parse()?,
        Timestamp::from_unix(NOW),
    ))
}

fn staff(actor: &str, roles: &[Role]) -> R<Staff> {
    Ok(Staff {
        actor: actor.parse()?,
        department: PUTIAN.parse()?,
        roles: roles.to_vec(),
    })
}

/// The store, where another supervisor returns the draft just before each approval is written.
struct ReturnedMeanwhile {
    inner: SqliteStore,
    other: WriteMeta,
}

impl PenaltyReader for ReturnedMeanwhile {
    async fn get_penalty(&self, number: &DecisionNumber) -> StoreResult<PenaltyRecord> {
        self.inner.get_penalty(number).await
    }
    async fn list_penalties(&self) -> StoreResult<Vec<PenaltyRecord>> {
        self.inner.list_penalties().await
    }
}

impl ApprovalReader for ReturnedMeanwhile {
    async fn get_approval(&self, id: &PublicationId) -> StoreResult<Option<Approval>> {
        self.inner.get_approval(id).await
    }
}

impl ApprovalWriter for ReturnedMeanwhile {
    async fn approve(&self, meta: &WriteMeta, id: &PublicationId) -> StoreResult<Approval> {
        self.inner
            .return_draft(&self.other, id, "请补充违法事实".into())
            .await?;
        self.inner.approve(meta, id).await
    }
}

#[tokio::test]
async fn an_approval_that_loses_to_a_return_says_returned_to_author() -> R {
    let dir = tempfile::tempdir()?;
    let inner = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let on = Timestamp::from_unix(NOW)
        .to_datetime()
        .ok_or("date")?
        .date_naive()
        .to_string();
    let decision: PenaltyDecision = serde_json::from_value(serde_json::json!({
        "number": NUMBER,
        "party": {"kind": "organisation", "name": "莆田市某旅行社有限公司", "credit_code": null},
        "cause": "未按规定公示经营信息", "legal_basis": "《旅行社条例》第二十九条",
        "conditions": "当事人未在经营场所公示旅行社业务经营许可证。", "procedure": "普通程序",
        "result": "警告", "authority": PUTIAN, "decided_on": on,
        "minor": false, "involves_minor": false, "target": null, "plan": null
    }))?;
    record_penalty(
        &inner,
        &staff("PT-INS-001", &[Role::Inspector])?,
        &meta("record", "PT-INS-001")?,
        decision,
        Timestamp::from_unix(NOW),
    )
    .await?;
    let store = ReturnedMeanwhile {
        inner,
        other: meta("return", "other-chief")?,
    };
    let number: DecisionNumber = NUMBER.parse()?;
    let refused = approve_penalty(
        &store,
        &staff("chief", &[Role::Supervisor])?,
        &meta("approve", "chief")?,
        &number,
    )
    .await
    .err()
    .ok_or("the approval lost the race, so it must be refused")?;
    assert_eq!(refused.code(), "returned-to-author", "{refused}");
    Ok(())
}
