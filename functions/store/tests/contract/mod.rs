//! The storage contract, written once and run against every adapter (see `sqlite_contract.rs`
//! and `dynamodb_contract.rs`). Each case gets a fresh, empty store.

#![allow(dead_code)]

use std::future::Future;

use spotcheck_domain::lifecycle::{
    AuditAction, AuditChainError, InspectionResult, PenaltyChangeKind, PenaltyDecision, PlanState,
    Publication, PublicationId, PublicationKind, PublicationTransition, RecordRef, WriteMeta,
    verify_chain,
};
use spotcheck_domain::registry::{References, TravelAgency, validate_table};
use spotcheck_domain::store::{
    ApprovalReader, ApprovalWriter, AuditLog, DrawReader, DrawWriter, FrameReader, FrameWriter,
    PenaltyReader, PenaltyWriter, PlanReader, PlanWriter, PublicationReader, PublicationWriter,
    RegistryReader, RegistryWriter, ResultReader, ResultWriter, StoreError, TimestampReader,
    TimestampWriter,
};
use spotcheck_domain::store::{PublishedHeadReader, PublishedHeadWriter};
use spotcheck_store::testkit::{self, BoxError, meta};

mod drafts;
mod history;
#[allow(unused_imports)]
pub use drafts::{
    an_approval_and_a_return_at_once_give_one_winner,
    drafts_are_returned_amended_and_withdrawn_until_approved,
};
#[allow(unused_imports)]
pub use history::snapshot_history_lists_newest_first_with_who_stored_each;

pub type R = Result<(), BoxError>;

/// Published audit heads: none before the first; the newest (highest `seq`) is read; a head
/// recorded twice keeps its first record; recording one writes no audit entry.
pub async fn published_heads_are_written_once_and_the_newest_is_read<S: Store>(s: S) -> R {
    assert_eq!(s.published_head().await?, None);
    for i in 0..3 {
        s.create_plan(
            &meta(&format!("ph{i}"))?,
            testkit::plan_spec(&format!("PH{i}"))?,
        )
        .await?;
    }
    let entries = s.audit_entries().await?;
    let at = |t: &str| t.parse::<spotcheck_domain::time::Timestamp>();
    let head_of = |seq: usize| {
        entries
            .get(seq - 1)
            .map(|e| spotcheck_domain::lifecycle::AuditHead {
                seq: e.seq,
                hash: e.hash,
            })
            .ok_or("no such entry")
    };
    s.record_published_head(&head_of(2)?, at("2026-11-25T01:00:00Z")?)
        .await?;
    s.record_published_head(&head_of(3)?, at("2026-11-26T01:00:00Z")?)
        .await?;
    s.record_published_head(&head_of(2)?, at("2026-11-27T01:00:00Z")?)
        .await?;
    let newest = s.published_head().await?.ok_or("no published head")?;
    assert_eq!(newest.head, head_of(3)?);
    assert_eq!(newest.published_at, at("2026-11-26T01:00:00Z")?);
    // Again: the first record of seq 3 stays.
    s.record_published_head(&head_of(3)?, at("2026-11-28T01:00:00Z")?)
        .await?;
    let again = s.published_head().await?.ok_or("no published head")?;
    assert_eq!(again.published_at, at("2026-11-26T01:00:00Z")?);
    assert_eq!(
        s.audit_entries().await?.len(),
        3,
        "recording a head is not audited"
    );
    Ok(())
}

/// Everything a contract case needs from a store.
pub trait Store:
    RegistryReader
    + RegistryWriter
    + FrameReader
    + FrameWriter
    + PlanReader
    + PlanWriter
    + DrawReader
    + DrawWriter
    + ResultReader
    + ResultWriter
    + PenaltyReader
    + PenaltyWriter
    + PublicationReader
    + PublicationWriter
    + ApprovalReader
    + ApprovalWriter
    + TimestampReader
    + TimestampWriter
    + AuditLog
    + PublishedHeadReader
    + PublishedHeadWriter
    + Clone
    + 'static
{
}

impl<T> Store for T where
    T: RegistryReader
        + RegistryWriter
        + FrameReader
        + FrameWriter
        + PlanReader
        + PlanWriter
        + DrawReader
        + DrawWriter
        + ResultReader
        + ResultWriter
        + PenaltyReader
        + PenaltyWriter
        + PublicationReader
        + PublicationWriter
        + ApprovalReader
        + ApprovalWriter
        + TimestampReader
        + TimestampWriter
        + AuditLog
        + PublishedHeadReader
        + PublishedHeadWriter
        + Clone
        + 'static
{
}

/// Ways a test damages the audit log behind the store's back.
#[derive(Debug, Clone, Copy)]
pub enum Tamper {
    /// Change entry `seq`'s subject.
    Edit(u64),
    /// Delete entry `seq`.
    Remove(u64),
    /// Swap the contents of entries `a` and `b`.
    Swap(u64, u64),
}

fn check(cond: bool, what: &str) -> R {
    if cond {
        Ok(())
    } else {
        Err(what.to_owned().into())
    }
}

fn expect_err<T: std::fmt::Debug>(
    r: Result<T, StoreError>,
    want: fn(&StoreError) -> bool,
    what: &str,
) -> R {
    match r {
        Err(e) if want(&e) => Ok(()),
        other => Err(format!("{what}: unexpected {other:?}").into()),
    }
}

/// A plan with frame and pool stored and attached.
async fn ready_plan<S: Store>(
    s: &S,
    id: &str,
) -> Result<
    (
        spotcheck_domain::frame::Frame,
        spotcheck_domain::frame::InspectorPool,
    ),
    BoxError,
> {
    let frame = testkit::frame(40)?;
    let pool = testkit::pool(6)?;
    s.put_frame(&meta(&format!("{id}-frame"))?, &frame).await?;
    s.put_pool(&meta(&format!("{id}-pool"))?, &pool).await?;
    let plan = s
        .create_plan(&meta(&format!("{id}-create"))?, testkit::plan_spec(id)?)
        .await?;
    let plan = s
        .change_plan(
            &meta(&format!("{id}-f"))?,
            plan.id(),
            plan.version,
            testkit::attach_frame(&frame),
        )
        .await?;
    s.change_plan(
        &meta(&format!("{id}-p"))?,
        plan.id(),
        plan.version,
        testkit::attach_pool(&pool),
    )
    .await?;
    Ok((frame, pool))
}

pub async fn plan_moves_draft_committed_drawn_and_never_back<S: Store>(s: S) -> R {
    let id = "PT-2026-001".parse()?;
    let (frame, pool) = ready_plan(&s, "PT-2026-001").await?;
    expect_err(
        s.create_plan(&meta("dup")?, testkit::plan_spec("PT-2026-001")?)
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "duplicate plan id",
    )?;
    expect_err(
        s.change_plan(&meta("stale")?, &id, 1, testkit::attach_frame(&frame))
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "stale version",
    )?;
    let missing = testkit::frame(41)?;
    let v = s.get_plan(&id).await?.version;
    expect_err(
        s.change_plan(&meta("missing")?, &id, v, testkit::attach_frame(&missing))
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "frame not stored",
    )?;
    let c = testkit::commitment("PT-2026-001", &frame, &pool)?;
    let plan = s.record_commitment(&meta("commit")?, &c).await?;
    check(
        matches!(plan.state, PlanState::Committed { .. }),
        "committed",
    )?;
    check(s.get_commitment(&id).await? == c, "commitment reads back")?;
    check(
        s.find_commitment(&id).await? == Some(c.clone()),
        "commitment found",
    )?;
    expect_err(
        s.record_commitment(&meta("commit-2")?, &c).await,
        |e| matches!(e, StoreError::AlreadyCommitted(_)),
        "second commitment",
    )?;
    expect_err(
        s.change_plan(
            &meta("late-change")?,
            &id,
            plan.version,
            testkit::attach_frame(&frame),
        )
        .await,
        |e| matches!(e, StoreError::AlreadyCommitted(_)),
        "change after commit",
    )?;
    let t = testkit::transcript(c.clone(), &frame, &pool, "3 1 4 1 5 9")?;
    let plan = s.record_draw(&meta("draw")?, &t).await?;
    check(matches!(plan.state, PlanState::Drawn { .. }), "drawn")?;
    check(s.get_transcript(&id).await? == t, "transcript reads back")?;
    let t2 = testkit::transcript(c, &frame, &pool, "2 7 1 8")?;
    expect_err(
        s.record_draw(&meta("draw-2")?, &t2).await,
        |e| matches!(e, StoreError::AlreadyDrawn(_)),
        "re-draw",
    )?;
    expect_err(
        s.cancel_plan(&meta("cancel")?, &id, "too late".into())
            .await,
        |e| matches!(e, StoreError::AlreadyDrawn(_)),
        "cancel after draw",
    )?;
    check(s.list_plans().await?.len() == 1, "one plan listed")?;
    expect_err(
        s.get_plan(&"NOPE".parse()?).await,
        |e| matches!(e, StoreError::NotFound { .. }),
        "unknown plan",
    )?;
    Ok(())
}

pub async fn a_cancelled_plan_cannot_be_committed<S: Store>(s: S) -> R {
    let (frame, pool) = ready_plan(&s, "PT-C").await?;
    let plan = s
        .cancel_plan(&meta("cancel")?, &"PT-C".parse()?, "事项调整".into())
        .await?;
    check(
        matches!(plan.state, PlanState::Cancelled { .. }),
        "cancelled",
    )?;
    let c = testkit::commitment("PT-C", &frame, &pool)?;
    expect_err(
        s.record_commitment(&meta("commit")?, &c).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "commit after cancel",
    )?;
    expect_err(
        s.get_commitment(&"PT-C".parse()?).await,
        |e| matches!(e, StoreError::NotFound { .. }),
        "no commitment",
    )?;
    check(
        s.find_commitment(&"PT-C".parse()?).await?.is_none(),
        "found: none, and no error",
    )?;
    Ok(())
}

pub async fn fifty_racing_commitments_and_draws_give_one_winner_each<S: Store>(s: S) -> R {
    let (frame, pool) = ready_plan(&s, "PT-RACE").await?;
    let c = testkit::commitment("PT-RACE", &frame, &pool)?;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (s, c) = (s.clone(), c.clone());
        tasks.push(tokio::spawn(async move {
            s.record_commitment(&meta(&format!("c{i}"))?, &c)
                .await
                .map_err(BoxError::from)
        }));
    }
    let (mut ok, mut already) = (0, 0);
    for t in tasks {
        match t.await? {
            Ok(_) => ok += 1,
            Err(e)
                if matches!(
                    e.downcast_ref::<StoreError>(),
                    Some(StoreError::AlreadyCommitted(_))
                ) =>
            {
                already += 1
            }
            Err(e) => return Err(format!("commit race: unexpected {e}").into()),
        }
    }
    check(
        ok == 1 && already == 49,
        &format!("commit race: {ok} won, {already} AlreadyCommitted"),
    )?;

    let mut tasks = Vec::new();
    for i in 0..50 {
        let s = s.clone();
        let t = testkit::transcript(c.clone(), &frame, &pool, &format!("roll {i}"))?;
        tasks.push(tokio::spawn(async move {
            s.record_draw(&meta(&format!("d{i}"))?, &t)
                .await
                .map_err(BoxError::from)
        }));
    }
    let (mut ok, mut already) = (0, 0);
    for t in tasks {
        match t.await? {
            Ok(_) => ok += 1,
            Err(e)
                if matches!(
                    e.downcast_ref::<StoreError>(),
                    Some(StoreError::AlreadyDrawn(_))
                ) =>
            {
                already += 1
            }
            Err(e) => return Err(format!("draw race: unexpected {e}").into()),
        }
    }
    check(
        ok == 1 && already == 49,
        &format!("draw race: {ok} won, {already} AlreadyDrawn"),
    )?;
    let log = s.audit_entries().await?;
    verify_chain(&log, s.audit_head().await?)?;
    let draws = log
        .iter()
        .filter(|e| e.action == spotcheck_domain::lifecycle::AuditAction::Drawn)
        .count();
    check(draws == 1, "exactly one draw audited")?;
    Ok(())
}

pub async fn a_retried_write_returns_the_first_result_and_writes_nothing<S: Store>(s: S) -> R {
    let spec = testkit::plan_spec("PT-IDEM")?;
    let first = s.create_plan(&meta("k1")?, spec.clone()).await?;
    let entries = s.audit_entries().await?.len();
    let mut later = meta("k1")?;
    later.at = spotcheck_domain::time::Timestamp::from_unix(later.at.unix() + 3600);
    let again = s.create_plan(&later, spec.clone()).await?;
    check(again == first, "retry returns the first result")?;
    check(
        s.audit_entries().await?.len() == entries,
        "retry writes nothing",
    )?;
    let mut other = spec;
    other.title = "另一个标题".into();
    expect_err(
        s.create_plan(&meta("k1")?, other).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "key reused",
    )?;

    let (frame, pool) = ready_plan(&s, "PT-IDEM2").await?;
    let c = testkit::commitment("PT-IDEM2", &frame, &pool)?;
    let p1 = s.record_commitment(&meta("ck")?, &c).await?;
    let p2 = s.record_commitment(&meta("ck")?, &c).await?;
    check(
        p1 == p2,
        "retried commitment returns the first result, not AlreadyCommitted",
    )?;
    Ok(())
}

pub async fn frames_and_pools_round_trip_and_are_stored_once<S: Store>(s: S) -> R {
    let frame = testkit::frame(5_000)?;
    let a = s.put_frame(&meta("f1")?, &frame).await?;
    let n = s.audit_entries().await?.len();
    let b = s.put_frame(&meta("f2")?, &frame).await?;
    check(a == b, "same frame, same record")?;
    check(
        s.audit_entries().await?.len() == n,
        "storing an identical frame again writes nothing",
    )?;
    check(
        s.get_frame(&a.summary.root).await? == frame,
        "frame reads back",
    )?;
    let pool = testkit::pool(30)?;
    let p = s.put_pool(&meta("p1")?, &pool).await?;
    check(
        s.get_pool(&p.summary.root).await? == pool,
        "pool reads back",
    )?;
    expect_err(
        s.get_frame(&p.summary.root).await,
        |e| matches!(e, StoreError::NotFound { .. }),
        "a pool is not a frame",
    )?;
    Ok(())
}

fn agencies(
    number: u64,
    names: &[&str],
) -> Result<spotcheck_domain::registry::RegistrySnapshot<TravelAgency>, BoxError> {
    let headers = [
        "统一社会信用代码",
        "许可证号",
        "旅行社名称",
        "经营场所",
        "行政区划代码",
        "出境旅游业务",
        "信用等级",
        "经营状态",
    ];
    let rows: Vec<Vec<&str>> = names
        .iter()
        .map(|name| {
            vec![
                "91350302MA2XN4QJ2B",
                "L-FJ-CJ00123",
                name,
                "莆田市城厢区学园南路1号",
                "350302",
                "是",
                "A",
                "正常",
            ]
        })
        .collect();
    validate_table::<TravelAgency, _, _>(
        "agencies.csv",
        &headers,
        &rows,
        &References::none(),
        number,
    )
    .map_err(|e| format!("{e}").into())
}

pub async fn snapshots_are_numbered_in_order_and_immutable<S: Store>(s: S) -> R {
    let one = agencies(1, &["莆田妈祖之旅旅行社有限公司"])?;
    let info = s.store_snapshot(&meta("s1")?, &one).await?;
    check(info.number == 1 && info.records == 1, "snapshot 1 stored")?;
    let back = s.get_snapshot::<TravelAgency>(1).await?;
    check(back == one, "snapshot reads back")?;
    check(s.latest_snapshot(one.kind()).await? == Some(info), "latest")?;
    let other = agencies(1, &["另一家旅行社"])?;
    expect_err(
        s.store_snapshot(&meta("s1b")?, &other).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "number taken",
    )?;
    let skip = agencies(3, &["另一家旅行社"])?;
    expect_err(
        s.store_snapshot(&meta("s3")?, &skip).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "number skipped",
    )?;
    let two = agencies(2, &["莆田妈祖之旅旅行社有限公司（更名）"])?;
    s.store_snapshot(&meta("s2")?, &two).await?;
    check(
        s.latest_snapshot(one.kind()).await?.map(|i| i.number) == Some(2),
        "latest is 2",
    )?;
    Ok(())
}

pub async fn results_need_a_drawn_target_and_are_immutable<S: Store>(s: S) -> R {
    let (frame, pool) = ready_plan(&s, "PT-RES").await?;
    let c = testkit::commitment("PT-RES", &frame, &pool)?;
    let t = testkit::transcript(c.clone(), &frame, &pool, "1 2 3")?;
    let sel = t.selections.first().ok_or("no selection")?.clone();
    let result: InspectionResult = serde_json::from_value(serde_json::json!({
        "plan": "PT-RES", "target": sel.target, "code": "未发现问题", "method": "现场检查",
        "inspectors": sel.inspectors, "findings": "经营许可证、导游聘用合同齐全", "follow_up": null,
        "completed_on": "2026-12-01", "recorded_at": "2026-12-01T08:00:00Z"
    }))?;
    expect_err(
        s.record_result(&meta("r0")?, result.clone()).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "result before draw",
    )?;
    s.record_commitment(&meta("c")?, &c).await?;
    s.record_draw(&meta("d")?, &t).await?;
    let stored = s.record_result(&meta("r1")?, result.clone()).await?;
    check(stored == result, "result stored")?;
    let mut again = result.clone();
    again.findings = "改过的结论".into();
    expect_err(
        s.record_result(&meta("r2")?, again).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "second result",
    )?;
    let mut undrawn = result.clone();
    undrawn.target = "NOT-DRAWN".parse()?;
    expect_err(
        s.record_result(&meta("r3")?, undrawn).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "undrawn target",
    )?;
    check(
        s.list_results(&"PT-RES".parse()?).await? == vec![result.clone()],
        "list",
    )?;
    check(
        s.get_result(&result.plan, &result.target).await? == result,
        "get",
    )?;
    Ok(())
}

pub async fn penalties_are_immutable_and_changes_append<S: Store>(s: S) -> R {
    let d: PenaltyDecision = serde_json::from_value(serde_json::json!({
        "number": "莆文旅罚〔2026〕12号",
        "party": {"kind": "natural_person", "masked_name": "张*", "guide_card": null},
        "cause": "导游未佩戴导游证", "legal_basis": "《导游管理办法》第三十三条", "conditions": "现场检查发现",
        "procedure": "简易程序", "result": "警告", "authority": "莆田市文化和旅游局",
        "decided_on": "2026-10-09", "minor": true, "involves_minor": false, "target": null, "plan": null
    }))?;
    let rec = s.record_penalty(&meta("pen1")?, d.clone()).await?;
    check(rec.changes.is_empty(), "no changes yet")?;
    expect_err(
        s.record_penalty(&meta("pen2")?, d.clone()).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "duplicate number",
    )?;
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).ok_or("date")?;
    let rec = s
        .change_penalty(
            &meta("chg1")?,
            &d.number,
            PenaltyChangeKind::Revoked,
            "复议撤销".into(),
            None,
            date,
        )
        .await?;
    check(rec.changes.len() == 1 && rec.is_withdrawn(), "revoked")?;
    // The change's own text awaits someone else's approval, written with it.
    let change_id = spotcheck_domain::lifecycle::PublicationId::of_penalty_change(&d.number, 1);
    let awaiting = s
        .get_approval(&change_id)
        .await?
        .ok_or("the change was stored without its approval")?;
    check(
        !awaiting.is_approved() && awaiting.recorded_by == meta("chg1")?.actor,
        "the change awaits approval, entered by its author",
    )?;
    expect_err(
        s.change_penalty(
            &meta("chg2")?,
            &d.number,
            PenaltyChangeKind::Changed,
            "再改".into(),
            Some("罚款".into()),
            date,
        )
        .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "change after withdrawal",
    )?;
    let back = s.get_penalty(&d.number).await?;
    check(
        back.decision == d && back.changes.len() == 1,
        "reads back with its change",
    )?;
    check(s.list_penalties().await?.len() == 1, "listed")?;
    Ok(())
}

/// A write by `actor` (the testkit's own writes are by `test`).
fn meta_by(key: &str, actor: &str) -> Result<WriteMeta, BoxError> {
    Ok(WriteMeta::new(key.parse()?, actor.parse()?, testkit::AT))
}

pub async fn results_and_decisions_are_published_only_after_someone_else_approves<S: Store>(
    s: S,
) -> R {
    let (frame, pool) = ready_plan(&s, "PT-APP").await?;
    let c = testkit::commitment("PT-APP", &frame, &pool)?;
    let t = testkit::transcript(c.clone(), &frame, &pool, "2 7 1")?;
    s.record_commitment(&meta("c")?, &c).await?;
    s.record_draw(&meta("d")?, &t).await?;
    let sel = t.selections.first().ok_or("no selection")?.clone();
    let result: InspectionResult = serde_json::from_value(serde_json::json!({
        "plan": "PT-APP", "target": sel.target, "code": "未发现问题", "method": "现场检查",
        "inspectors": sel.inspectors, "findings": "资质齐全", "follow_up": null,
        "completed_on": "2026-12-01", "recorded_at": "2026-12-01T08:00:00Z"
    }))?;
    s.record_result(&meta("r1")?, result.clone()).await?;
    let id = PublicationId::of(
        PublicationKind::CheckResult,
        &RecordRef::Result {
            plan: result.plan.clone(),
            target: result.target.clone(),
        },
    );
    let awaiting = s.get_approval(&id).await?.ok_or("no approval recorded")?;
    check(!awaiting.is_approved(), "a new result awaits approval")?;
    check(awaiting.recorded_by.as_str() == "test", "recorded_by")?;

    expect_err(
        s.approve(&meta("own")?, &id).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "approving one's own entry",
    )?;
    let entries = s.audit_entries().await?.len();
    let approved = s.approve(&meta_by("ap1", "supervisor-a")?, &id).await?;
    check(
        approved.approved.as_ref().map(|a| a.by.as_str()) == Some("supervisor-a"),
        "approved by",
    )?;
    let log = s.audit_entries().await?;
    check(log.len() == entries + 1, "one audit entry")?;
    check(
        log.last().map(|e| e.action) == Some(AuditAction::Approved),
        "audit action",
    )?;
    let retry = s.approve(&meta_by("ap1", "supervisor-a")?, &id).await?;
    check(retry == approved, "a retry returns the first approval")?;
    check(
        s.audit_entries().await?.len() == entries + 1,
        "a retry writes nothing",
    )?;
    expect_err(
        s.approve(&meta_by("ap2", "supervisor-b")?, &id).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "approving twice",
    )?;
    check(
        s.get_approval(&id).await? == Some(approved),
        "the approval is stored",
    )?;

    // A decision: the same, and ten supervisors approving at once give one approval.
    let d: PenaltyDecision = serde_json::from_value(serde_json::json!({
        "number": "莆文旅罚〔2026〕77号",
        "party": {"kind": "organisation", "name": "莆田市某旅行社有限公司", "credit_code": null},
        "cause": "未按规定公示", "legal_basis": "《旅行社条例》", "conditions": "现场检查发现",
        "procedure": "普通程序", "result": "警告", "authority": "莆田市文化和旅游局",
        "decided_on": "2026-10-09", "minor": false, "involves_minor": false, "target": null, "plan": null
    }))?;
    s.record_penalty(&meta("pen")?, d.clone()).await?;
    let pid = PublicationId::of(
        PublicationKind::PenaltyDecision,
        &RecordRef::Penalty {
            number: d.number.clone(),
        },
    );
    check(
        s.get_approval(&pid)
            .await?
            .is_some_and(|a| !a.is_approved()),
        "a new decision awaits approval",
    )?;
    let mut racers = Vec::new();
    for i in 0..10 {
        let s = s.clone();
        let pid = pid.clone();
        racers.push(tokio::spawn(async move {
            s.approve(&meta_by(&format!("race{i}"), &format!("sup-{i}"))?, &pid)
                .await
                .map_err(BoxError::from)
        }));
    }
    let mut won = 0;
    for r in racers {
        match r.await? {
            Ok(_) => won += 1,
            Err(e) => check(
                matches!(
                    e.downcast_ref::<StoreError>(),
                    Some(StoreError::Conflict { .. })
                ),
                &format!("a losing approval: {e}"),
            )?,
        }
    }
    check(won == 1, &format!("{won} racing approvals won"))?;

    let nothing = PublicationId::of(
        PublicationKind::PenaltyDecision,
        &RecordRef::Penalty {
            number: "莆文旅罚〔2026〕999号".parse()?,
        },
    );
    check(s.get_approval(&nothing).await?.is_none(), "no approval")?;
    expect_err(
        s.approve(&meta_by("ap3", "supervisor-a")?, &nothing).await,
        |e| matches!(e, StoreError::NotFound { .. }),
        "approving what awaits nothing",
    )?;
    Ok(())
}

pub async fn publications_move_forward_only<S: Store>(s: S) -> R {
    let cal = spotcheck_domain::calendar::Calendar::embedded()?;
    let p = Publication::schedule(
        PublicationKind::PenaltyDecision,
        RecordRef::Penalty {
            number: "莆文旅罚〔2026〕12号".parse()?,
        },
        chrono::NaiveDate::from_ymd_opt(2026, 9, 30).ok_or("date")?,
        &cal,
        testkit::AT,
    )?;
    s.schedule_publication(&meta("pub1")?, p.clone()).await?;
    expect_err(
        s.schedule_publication(&meta("pub2")?, p.clone()).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "scheduled twice",
    )?;
    let published = s
        .transition_publication(&meta("pub3")?, &p.id, PublicationTransition::Publish)
        .await?;
    check(published.version == 2, "published")?;
    expect_err(
        s.transition_publication(&meta("pub4")?, &p.id, PublicationTransition::Publish)
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "published twice",
    )?;
    s.transition_publication(
        &meta("pub5")?,
        &p.id,
        PublicationTransition::Withdraw {
            reason: "决定已撤销".into(),
        },
    )
    .await?;
    expect_err(
        s.transition_publication(&meta("pub6")?, &p.id, PublicationTransition::Expire)
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "withdrawn is final",
    )?;
    let all = s.list_publications().await?;
    check(
        all.len() == 1 && all.first().map(|x| x.state.name()) == Some("withdrawn"),
        "listed as withdrawn",
    )?;
    check(
        s.get_publication(&p.id).await?.deadline == chrono::NaiveDate::from_ymd_opt(2026, 10, 15),
        "deadline kept",
    )?;
    Ok(())
}

/// Builds a five-entry log, lets `tamper` damage it, and checks the verifier names the entry.
pub async fn tampering_with_the_audit_log_is_detected_and_named<S, F, Fut>(
    make: impl Fn() -> Fut,
    tamper: F,
) -> R
where
    S: Store,
    Fut: Future<Output = Result<Option<S>, BoxError>>,
    F: AsyncFn(&S, Tamper) -> R,
{
    for (how, want) in [
        (Tamper::Edit(3), "edit"),
        (Tamper::Remove(2), "remove"),
        (Tamper::Swap(2, 4), "swap"),
    ] {
        let Some(s) = make().await? else {
            return Ok(());
        };
        for i in 0..5 {
            s.create_plan(
                &meta(&format!("t{i}"))?,
                testkit::plan_spec(&format!("PT-T{i}"))?,
            )
            .await?;
        }
        let head = s.audit_head().await?;
        check(
            verify_chain(&s.audit_entries().await?, head).is_ok(),
            "intact before tampering",
        )?;
        tamper(&s, how).await?;
        let got = verify_chain(&s.audit_entries().await?, head);
        let named = match (how, &got) {
            (Tamper::Edit(n), Err(AuditChainError::Edited { seq, .. })) => *seq == n,
            (Tamper::Remove(n), Err(AuditChainError::Removed { first, last, .. })) => {
                *first == n && *last == n
            }
            (Tamper::Swap(_, b), Err(AuditChainError::Reordered { seq, .. })) => *seq == b,
            _ => false,
        };
        check(named, &format!("{want}: verifier said {got:?}"))?;
    }
    Ok(())
}

/// A whole lifecycle (drawn plan, results, an approval, a decision and its change, a publication)
/// replays from the audit log with no difference: `audit verify` raises no false alarm.
pub async fn the_stored_records_replay_from_the_audit_log<S: Store>(s: S) -> R {
    let (frame, pool) = ready_plan(&s, "PT-AUD").await?;
    s.create_plan(&meta("draft")?, testkit::plan_spec("PT-AUD-DRAFT")?)
        .await?;
    let c = testkit::commitment("PT-AUD", &frame, &pool)?;
    let t = testkit::transcript(c.clone(), &frame, &pool, "1 4 1 4")?;
    s.record_commitment(&meta("c")?, &c).await?;
    s.record_draw(&meta("d")?, &t).await?;
    for (i, sel) in t.selections.iter().take(2).enumerate() {
        let result: InspectionResult = serde_json::from_value(serde_json::json!({
            "plan": "PT-AUD", "target": sel.target, "code": "未发现问题", "method": "现场检查",
            "inspectors": sel.inspectors, "findings": "资质齐全", "follow_up": null,
            "completed_on": "2026-12-01", "recorded_at": "2026-12-01T08:00:00Z"
        }))?;
        s.record_result(&meta(&format!("r{i}"))?, result.clone())
            .await?;
        if i == 0 {
            let id = PublicationId::of(
                PublicationKind::CheckResult,
                &RecordRef::Result {
                    plan: result.plan.clone(),
                    target: result.target.clone(),
                },
            );
            s.approve(&meta_by("ap", "supervisor-a")?, &id).await?;
        }
    }
    let d: PenaltyDecision = serde_json::from_value(serde_json::json!({
        "number": "莆文旅罚〔2026〕66号",
        "party": {"kind": "organisation", "name": "莆田市某旅行社有限公司", "credit_code": null},
        "cause": "未按规定公示", "legal_basis": "《旅行社条例》", "conditions": "现场检查发现",
        "procedure": "普通程序", "result": "警告", "authority": "莆田市文化和旅游局",
        "decided_on": "2026-10-09", "minor": false, "involves_minor": false, "target": null, "plan": null
    }))?;
    s.record_penalty(&meta("pen")?, d.clone()).await?;
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).ok_or("date")?;
    s.change_penalty(
        &meta("chg")?,
        &d.number,
        PenaltyChangeKind::Revoked,
        "复议撤销".into(),
        None,
        date,
    )
    .await?;
    let cal = spotcheck_domain::calendar::Calendar::embedded()?;
    let p = Publication::schedule(
        PublicationKind::PenaltyDecision,
        RecordRef::Penalty {
            number: d.number.clone(),
        },
        date,
        &cal,
        testkit::AT,
    )?;
    s.schedule_publication(&meta("pub")?, p.clone()).await?;
    let entries = s.audit_entries().await?;
    let found = spotcheck_store::replay_through_ports(&s, &entries).await?;
    check(
        found.is_empty(),
        &format!("no difference expected: {found:?}"),
    )?;
    Ok(())
}

/// Time-stamp records wait beside a commitment: none before it, a failed attempt is replaced by
/// the next, an obtained token is final, each write is audited once (a retry is replayed).
pub async fn time_stamps_are_kept_beside_the_commitment_and_a_token_is_final<S: Store>(s: S) -> R {
    use spotcheck_domain::lifecycle::{TimestampRecord, TimestampStatus};
    let id: spotcheck_domain::ids::PlanId = "PT-2026-001".parse()?;
    let (frame, pool) = ready_plan(&s, "PT-2026-001").await?;
    let record = |authority: &str,
                  status: TimestampStatus,
                  attempts: u32|
     -> Result<TimestampRecord, BoxError> {
        Ok(TimestampRecord {
            plan: id.clone(),
            authority: authority.parse()?,
            url: "http://127.0.0.1:9/tsa".into(),
            status,
            attempts,
            updated_at: "2026-11-20T08:00:00Z".parse()?,
        })
    };
    let failed = record(
        "tsa-1",
        TimestampStatus::Failed {
            code: "tsa-unavailable".into(),
            reason: "connection refused".into(),
        },
        1,
    )?;
    expect_err(
        s.record_timestamp(&meta("ts-early")?, &failed).await,
        |e| matches!(e, StoreError::NotFound { .. }),
        "a time-stamp before the commitment",
    )?;
    check(
        s.list_timestamps(&id).await?.is_empty(),
        "no records before",
    )?;
    let c = testkit::commitment("PT-2026-001", &frame, &pool)?;
    s.record_commitment(&meta("commit")?, &c).await?;

    let head = s.audit_head().await?.map_or(0, |h| h.seq);
    s.record_timestamp(&meta("ts-1")?, &failed).await?;
    s.record_timestamp(&meta("ts-1")?, &failed).await?; // a retry of the same write
    s.record_timestamp(
        &meta("ts-b")?,
        &record("tsa-2", TimestampStatus::Pending, 0)?,
    )
    .await?;
    let obtained = record(
        "tsa-1",
        TimestampStatus::Obtained {
            response: vec![0x30, 0x03, 0x02, 0x01, 0x00],
            gen_time: "2026-11-20T08:00:01.5Z".parse()?,
            latest: "2026-11-20T08:00:02.5Z".parse()?,
            signer: "CN=test TSA".into(),
            anchor: "CN=test root".into(),
            anchor_pem: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".into(),
        },
        2,
    )?;
    s.record_timestamp(&meta("ts-2")?, &obtained).await?;
    let listed = s.list_timestamps(&id).await?;
    check(listed.len() == 2, "one record per authority")?;
    check(
        listed[0] == obtained,
        "the obtained token reads back byte for byte",
    )?;
    check(
        listed[1].authority.as_str() == "tsa-2",
        "ordered by authority",
    )?;
    expect_err(
        s.record_timestamp(&meta("ts-3")?, &failed).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "an obtained token replaced",
    )?;
    let log = s.audit_entries().await?;
    check(
        log.iter()
            .filter(|e| e.seq > head && e.action == AuditAction::TimestampRecorded)
            .count()
            == 3,
        "three time-stamp writes audited, the retry not again",
    )?;
    check(
        log.last().map(|e| e.subject.as_str()) == Some("timestamp:PT-2026-001/tsa-1"),
        "the audit subject names plan and authority",
    )?;
    let found = spotcheck_store::replay_through_ports(&s, &log).await?;
    check(
        found.is_empty(),
        &format!("the time-stamp records replay from the audit log: {found:?}"),
    )?;
    Ok(())
}

/// A joint plan (draw spec §17): a partner's approval is stored with the plan, audited, replaced
/// by a new one of the same department, refused for a department that is not a partner, and
/// withdrawn by a revision of the spec; the commitment is refused until every partner approved;
/// the version-2 commitment and its draw are then recorded as any other, and replay.
pub async fn a_joint_plan_commits_only_once_every_partner_approved<S: Store>(s: S) -> R {
    use spotcheck_domain::draw::{CommitRequest, JOINT_SPEC_VERSION, commit};
    use spotcheck_domain::frame::PoolBuilder;
    use spotcheck_domain::lifecycle::{PartnerApproval, PlanChange};

    const LEAD: &str = "莆田市文化和旅游局";
    const PARTNER: &str = "莆田市市场监督管理局";
    let id: spotcheck_domain::ids::PlanId = "PT-JOINT".parse()?;
    let mut spec = testkit::plan_spec("PT-JOINT")?;
    spec.parameters.joint = Some(serde_json::from_value(serde_json::json!(
        {"lead": LEAD, "partners": [PARTNER], "require": "all"}
    ))?);
    let frame = testkit::frame(40)?;
    let mut b = PoolBuilder::new();
    for i in 0..8u64 {
        let dept = if i % 2 == 0 { LEAD } else { PARTNER };
        b.push_fields(&format!("ZJ{i:03}"), dept, [], i)?;
    }
    let pool = b.finish()?;
    s.put_frame(&meta("j-frame")?, &frame).await?;
    s.put_pool(&meta("j-pool")?, &pool).await?;
    let plan = s.create_plan(&meta("j-create")?, spec.clone()).await?;
    let plan = s
        .change_plan(
            &meta("j-f")?,
            &id,
            plan.version,
            testkit::attach_frame(&frame),
        )
        .await?;
    let plan = s
        .change_plan(
            &meta("j-p")?,
            &id,
            plan.version,
            testkit::attach_pool(&pool),
        )
        .await?;
    let c = commit(
        CommitRequest {
            plan_id: id.clone(),
            committed_at: testkit::AT,
            parameters: spec.parameters.clone(),
            entropy_source: spec.entropy_source.clone(),
        },
        &frame,
        &pool,
        &testkit::secret(),
    )?;
    check(
        c.spec_version == JOINT_SPEC_VERSION,
        "a version-2 commitment",
    )?;
    expect_err(
        s.record_commitment(&meta("j-early")?, &c).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "commit before the partner's approval",
    )?;
    let approval = |department: &str, snapshot: u64| -> Result<PlanChange, BoxError> {
        Ok(PlanChange::ApprovePartner {
            approval: PartnerApproval {
                department: department.parse()?,
                inspectors_snapshot: snapshot,
                pool: pool.summary(),
                approved_at: testkit::AT,
            },
        })
    };
    expect_err(
        s.change_plan(&meta("j-lead")?, &id, plan.version, approval(LEAD, 1)?)
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "the lead is no partner",
    )?;
    let plan = s
        .change_plan(&meta("j-a1")?, &id, plan.version, approval(PARTNER, 1)?)
        .await?;
    check(
        plan.partner_approvals.len() == 1 && plan.missing_partner_approvals().is_empty(),
        "the approval is stored",
    )?;
    check(s.get_plan(&id).await? == plan, "the approval reads back")?;
    let plan = s
        .change_plan(&meta("j-a2")?, &id, plan.version, approval(PARTNER, 2)?)
        .await?;
    check(
        plan.partner_approvals.len() == 1 && plan.partner_approvals[0].inspectors_snapshot == 2,
        "a new approval replaces the department's earlier one",
    )?;
    let mut revised = spec.clone();
    revised.title = "2026年旅行社部门联合抽查".into();
    let plan = s
        .change_plan(
            &meta("j-rev")?,
            &id,
            plan.version,
            PlanChange::Revise { spec: revised },
        )
        .await?;
    check(
        plan.partner_approvals.is_empty(),
        "a revision withdraws the approvals",
    )?;
    expect_err(
        s.record_commitment(&meta("j-early-2")?, &c).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "commit after the approvals were withdrawn",
    )?;
    let plan = s
        .change_plan(&meta("j-a3")?, &id, plan.version, approval(PARTNER, 2)?)
        .await?;
    check(plan.partner_approvals.len() == 1, "approved again")?;
    let plan = s.record_commitment(&meta("j-commit")?, &c).await?;
    check(
        matches!(plan.state, PlanState::Committed { .. }) && plan.partner_approvals.len() == 1,
        "committed, the approval kept",
    )?;
    let t = testkit::transcript(c, &frame, &pool, "3 1 4 1 5 9")?;
    let plan = s.record_draw(&meta("j-draw")?, &t).await?;
    check(matches!(plan.state, PlanState::Drawn { .. }), "drawn")?;
    let entries = s.audit_entries().await?;
    let changes = entries
        .iter()
        .filter(|e| e.action == AuditAction::PlanChanged && e.subject == "plan:PT-JOINT")
        .count();
    check(
        changes == 6,
        &format!("frame, pool, three approvals and the revision are audited: {changes}"),
    )?;
    let found = spotcheck_store::replay_through_ports(&s, &entries).await?;
    check(
        found.is_empty(),
        &format!("no difference expected: {found:?}"),
    )?;
    Ok(())
}

/// Instantiates every contract case for one adapter. `$make` is an async fn returning
/// `Result<Option<Store>, BoxError>` (`None`: skipped, with a message); `$tamper` damages the log.
#[macro_export]
macro_rules! contract_suite {
    ($make:path, $tamper:path) => {
        macro_rules! case {
            ($name:ident) => {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() -> contract::R {
                    match $make().await? {
                        Some(s) => contract::$name(s).await,
                        None => Ok(()),
                    }
                }
            };
        }
        case!(published_heads_are_written_once_and_the_newest_is_read);
        case!(plan_moves_draft_committed_drawn_and_never_back);
        case!(a_cancelled_plan_cannot_be_committed);
        case!(fifty_racing_commitments_and_draws_give_one_winner_each);
        case!(a_retried_write_returns_the_first_result_and_writes_nothing);
        case!(frames_and_pools_round_trip_and_are_stored_once);
        case!(snapshots_are_numbered_in_order_and_immutable);
        case!(snapshot_history_lists_newest_first_with_who_stored_each);
        case!(drafts_are_returned_amended_and_withdrawn_until_approved);
        case!(an_approval_and_a_return_at_once_give_one_winner);
        case!(results_need_a_drawn_target_and_are_immutable);
        case!(penalties_are_immutable_and_changes_append);
        case!(publications_move_forward_only);
        case!(results_and_decisions_are_published_only_after_someone_else_approves);
        case!(the_stored_records_replay_from_the_audit_log);
        case!(time_stamps_are_kept_beside_the_commitment_and_a_token_is_final);
        case!(a_joint_plan_commits_only_once_every_partner_approved);

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn tampering_with_the_audit_log_is_detected_and_named() -> contract::R {
            contract::tampering_with_the_audit_log_is_detected_and_named($make, $tamper).await
        }
    };
}
