//! The audit log replayed against the state tables (SQLite): an intact store agrees; each way of
//! tampering with the file behind the application's back (an approval set, a result, transcript,
//! commitment, plan, penalty or publication edited, a row inserted or deleted, the log's tail cut
//! off and its head rewound) is named with its table and key.

use rusqlite::Connection;
use spotcheck_domain::lifecycle::{
    InspectionResult, PenaltyChangeKind, PenaltyDecision, Publication, PublicationId,
    PublicationKind, RecordRef, WriteMeta, verify_chain,
};
use spotcheck_domain::store::{
    ApprovalWriter, AuditLog, DrawWriter, FrameWriter, PenaltyWriter, PlanWriter,
    PublicationWriter, ResultWriter,
};
use spotcheck_store::SqliteStore;
use spotcheck_store::sqlite::Discrepancy;
use spotcheck_store::testkit::{self, BoxError, meta};

type R = Result<(), BoxError>;

fn meta_by(key: &str, actor: &str) -> Result<WriteMeta, BoxError> {
    Ok(WriteMeta::new(key.parse()?, actor.parse()?, testkit::AT))
}

/// A store with a drawn plan, two results (one approved), a penalty with a change, and a
/// scheduled publication. Returns the store, its folder, and the unapproved result's approval id.
async fn world() -> Result<(SqliteStore, tempfile::TempDir, String), BoxError> {
    let dir = tempfile::tempdir()?;
    let s = SqliteStore::open(dir.path().join("a.sqlite"))?;
    let frame = testkit::frame(40)?;
    let pool = testkit::pool(6)?;
    s.put_frame(&meta("f")?, &frame).await?;
    s.put_pool(&meta("p")?, &pool).await?;
    let plan = s
        .create_plan(&meta("create")?, testkit::plan_spec("PT-REPLAY")?)
        .await?;
    let plan = s
        .change_plan(
            &meta("cf")?,
            plan.id(),
            plan.version,
            testkit::attach_frame(&frame),
        )
        .await?;
    s.change_plan(
        &meta("cp")?,
        plan.id(),
        plan.version,
        testkit::attach_pool(&pool),
    )
    .await?;
    s.create_plan(&meta("draft")?, testkit::plan_spec("PT-DRAFT")?)
        .await?;
    let c = testkit::commitment("PT-REPLAY", &frame, &pool)?;
    let t = testkit::transcript(c.clone(), &frame, &pool, "3 1 4")?;
    s.record_commitment(&meta("c")?, &c).await?;
    s.record_draw(&meta("d")?, &t).await?;
    let mut awaiting = String::new();
    for (i, sel) in t.selections.iter().take(2).enumerate() {
        let result: InspectionResult = serde_json::from_value(serde_json::json!({
            "plan": "PT-REPLAY", "target": sel.target, "code": "未发现问题", "method": "现场检查",
            "inspectors": sel.inspectors, "findings": "资质齐全", "follow_up": null,
            "completed_on": "2026-12-01", "recorded_at": "2026-12-01T08:00:00Z"
        }))?;
        s.record_result(&meta(&format!("r{i}"))?, result.clone())
            .await?;
        let id = PublicationId::of(
            PublicationKind::CheckResult,
            &RecordRef::Result {
                plan: result.plan.clone(),
                target: result.target.clone(),
            },
        );
        if i == 0 {
            s.approve(&meta_by("ap", "supervisor-a")?, &id).await?;
        } else {
            awaiting = id.to_string();
        }
    }
    let d: PenaltyDecision = serde_json::from_value(serde_json::json!({
        "number": "莆文旅罚〔2026〕5号",
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
    let publication = Publication::schedule(
        PublicationKind::CheckResult,
        RecordRef::Result {
            plan: "PT-REPLAY".parse()?,
            target: t.selections[0].target.clone(),
        },
        date,
        &cal,
        testkit::AT,
    )?;
    s.schedule_publication(&meta("pub")?, publication).await?;
    Ok((s, dir, awaiting))
}

/// Runs SQL on the file as someone with write access would, the append-only triggers dropped.
fn tamper(s: &SqliteStore, sql: &str) -> R {
    let c = Connection::open(s.path())?;
    let triggers: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for t in triggers {
        c.execute_batch(&format!("DROP TRIGGER \"{t}\""))?;
    }
    c.execute_batch(sql)?;
    Ok(())
}

async fn found(s: &SqliteStore) -> Result<Vec<Discrepancy>, BoxError> {
    Ok(s.replay_audit().await?)
}

fn named(found: &[Discrepancy], table: &str, key_part: &str, problem: &str) -> bool {
    found
        .iter()
        .any(|d| d.table == table && d.key.contains(key_part) && d.problem.starts_with(problem))
}

#[tokio::test]
async fn an_intact_store_agrees_with_its_audit_log() -> R {
    let (s, _dir, _) = world().await?;
    assert_eq!(found(&s).await?, vec![]);
    Ok(())
}

#[tokio::test]
async fn an_approval_set_directly_is_named() -> R {
    let (s, _dir, awaiting) = world().await?;
    // What made an unapproved result public: the flag and the document both set.
    tamper(
        &s,
        &format!(
            "UPDATE approvals SET approved = 1, doc = json_set(doc, '$.approved', json('{{\"by\":\"mallory\",\"at\":\"2026-12-01T08:00:00Z\"}}')) WHERE id = '{awaiting}'"
        ),
    )?;
    let f = found(&s).await?;
    assert!(named(&f, "approvals", &awaiting, "inserted"), "{f:?}");
    // The flag alone.
    let (s, _dir, awaiting) = world().await?;
    tamper(
        &s,
        &format!("UPDATE approvals SET approved = 1 WHERE id = '{awaiting}'"),
    )?;
    let f = found(&s).await?;
    assert!(named(&f, "approvals", &awaiting, "edited"), "{f:?}");
    Ok(())
}

#[tokio::test]
async fn an_approval_taken_back_is_named() -> R {
    let (s, _dir, _) = world().await?;
    tamper(
        &s,
        "UPDATE approvals SET approved = 0, doc = json_set(doc, '$.approved', json('null')) WHERE approved = 1",
    )?;
    let f = found(&s).await?;
    assert!(
        f.iter()
            .any(|d| d.table == "approvals" && d.problem.contains("approved it")),
        "{f:?}"
    );
    Ok(())
}

#[tokio::test]
async fn edited_results_transcripts_and_commitments_are_named() -> R {
    let (s, _dir, _) = world().await?;
    tamper(
        &s,
        "UPDATE results SET doc = json_set(doc, '$.findings', '无问题（已改）') WHERE rowid = (SELECT MIN(rowid) FROM results);
         UPDATE transcripts SET doc = json_set(doc, '$.drawn_at', '2026-12-01T09:00:00Z');
         UPDATE commitments SET doc = json_set(doc, '$.committed_at', '2026-11-01T09:00:00Z');",
    )?;
    let f = found(&s).await?;
    assert!(named(&f, "results", "PT-REPLAY/", "edited"), "{f:?}");
    assert!(named(&f, "transcripts", "PT-REPLAY", "edited"), "{f:?}");
    assert!(named(&f, "commitments", "PT-REPLAY", "edited"), "{f:?}");
    Ok(())
}

#[tokio::test]
async fn edited_plans_penalties_and_publications_are_named() -> R {
    let (s, _dir, _) = world().await?;
    tamper(
        &s,
        "UPDATE plans SET doc = json_set(doc, '$.spec.title', '改过的标题') WHERE id = 'PT-DRAFT';
         UPDATE plans SET state = 'draft' WHERE id = 'PT-REPLAY';
         UPDATE penalties SET doc = json_set(doc, '$.decision.result', '无');
         UPDATE penalty_changes SET doc = json_set(doc, '$.reason', '无');
         UPDATE publications SET doc = json_set(doc, '$.deadline', '2027-01-01');",
    )?;
    let f = found(&s).await?;
    assert!(named(&f, "plans", "PT-DRAFT", "edited"), "{f:?}");
    assert!(named(&f, "plans", "PT-REPLAY", "edited"), "{f:?}");
    assert!(named(&f, "penalties", "5号", "edited"), "{f:?}");
    assert!(named(&f, "penalty_changes", "5号", "edited"), "{f:?}");
    assert!(named(&f, "publications", "PT-REPLAY", "edited"), "{f:?}");
    Ok(())
}

#[tokio::test]
async fn inserted_and_deleted_rows_are_named() -> R {
    let (s, _dir, _) = world().await?;
    tamper(
        &s,
        "INSERT INTO results (plan_id, target, doc)
             SELECT plan_id, 'FORGED-TARGET', json_set(doc, '$.target', 'FORGED-TARGET') FROM results LIMIT 1;
         DELETE FROM penalty_changes;
         DELETE FROM publications;",
    )?;
    let f = found(&s).await?;
    assert!(named(&f, "results", "FORGED-TARGET", "inserted"), "{f:?}");
    assert!(named(&f, "penalty_changes", "5号", "deleted"), "{f:?}");
    assert!(named(&f, "publications", "PT-REPLAY", "deleted"), "{f:?}");
    Ok(())
}

#[tokio::test]
async fn a_cut_tail_and_rewound_head_leave_rows_no_entry_records() -> R {
    let (s, _dir, _) = world().await?;
    let entries = s.audit_entries().await?;
    // Cut the log after the draw: the results, approval, penalty and publication entries go.
    let drawn = entries
        .iter()
        .find(|e| e.action.code() == "drawn")
        .ok_or("no draw entry")?;
    tamper(
        &s,
        &format!(
            "DELETE FROM audit_log WHERE seq > {0};
             UPDATE audit_head SET seq = {0}, hash = '{1}';",
            drawn.seq, drawn.hash
        ),
    )?;
    // The chain alone cannot see it…
    let log = s.audit_entries().await?;
    assert!(verify_chain(&log, s.audit_head().await?).is_ok());
    // …the replay does.
    let f = found(&s).await?;
    assert!(named(&f, "results", "PT-REPLAY/", "inserted"), "{f:?}");
    assert!(named(&f, "approvals", "check-result", "inserted"), "{f:?}");
    assert!(named(&f, "penalties", "5号", "inserted"), "{f:?}");
    assert!(named(&f, "publications", "PT-REPLAY", "inserted"), "{f:?}");
    Ok(())
}

/// The same replay through the read ports (what `audit verify` runs on DynamoDB), over SQLite.
mod through_ports {
    use super::*;
    use spotcheck_store::replay_through_ports;

    async fn found(s: &SqliteStore) -> Result<Vec<Discrepancy>, BoxError> {
        let entries = s.audit_entries().await?;
        Ok(replay_through_ports(s, &entries).await?)
    }

    #[tokio::test]
    async fn an_intact_store_agrees() -> R {
        let (s, _dir, _) = world().await?;
        assert_eq!(found(&s).await?, vec![]);
        Ok(())
    }

    #[tokio::test]
    async fn an_approval_set_and_edited_records_are_named() -> R {
        let (s, _dir, awaiting) = world().await?;
        tamper(
            &s,
            &format!(
                "UPDATE approvals SET approved = 1, doc = json_set(doc, '$.approved', json('{{\"by\":\"mallory\",\"at\":\"2026-12-01T08:00:00Z\"}}')) WHERE id = '{awaiting}';
                 UPDATE results SET doc = json_set(doc, '$.findings', '无问题（已改）') WHERE rowid = (SELECT MIN(rowid) FROM results);
                 UPDATE penalties SET doc = json_set(doc, '$.decision.result', '无');
                 UPDATE publications SET doc = json_set(doc, '$.deadline', '2027-01-01');
                 UPDATE plans SET doc = json_set(doc, '$.spec.title', '改过的标题') WHERE id = 'PT-DRAFT';"
            ),
        )?;
        let f = found(&s).await?;
        assert!(named(&f, "approvals", &awaiting, "inserted"), "{f:?}");
        assert!(named(&f, "results", "PT-REPLAY/", "edited"), "{f:?}");
        assert!(named(&f, "penalties", "5号", "edited"), "{f:?}");
        assert!(named(&f, "publications", "PT-REPLAY", "edited"), "{f:?}");
        assert!(named(&f, "plans", "PT-DRAFT", "edited"), "{f:?}");
        Ok(())
    }

    #[tokio::test]
    async fn deleted_records_and_a_cut_tail_are_named() -> R {
        let (s, _dir, _) = world().await?;
        tamper(&s, "DELETE FROM penalty_changes; DELETE FROM publications;")?;
        let f = found(&s).await?;
        assert!(named(&f, "penalty_changes", "5号", "deleted"), "{f:?}");
        assert!(named(&f, "publications", "PT-REPLAY", "deleted"), "{f:?}");

        let (s, _dir, _) = world().await?;
        let entries = s.audit_entries().await?;
        let drawn = entries
            .iter()
            .find(|e| e.action.code() == "drawn")
            .ok_or("no draw entry")?;
        tamper(
            &s,
            &format!(
                "DELETE FROM audit_log WHERE seq > {0};
                 UPDATE audit_head SET seq = {0}, hash = '{1}';",
                drawn.seq, drawn.hash
            ),
        )?;
        let f = found(&s).await?;
        assert!(named(&f, "results", "PT-REPLAY/", "inserted"), "{f:?}");
        assert!(named(&f, "approvals", "check-result", "inserted"), "{f:?}");
        assert!(named(&f, "penalties", "5号", "inserted"), "{f:?}");
        Ok(())
    }
}

/// A time-stamp token swapped or a record deleted behind the application's back is named.
#[tokio::test]
async fn an_edited_or_deleted_time_stamp_record_is_named() -> R {
    use spotcheck_domain::lifecycle::{TimestampRecord, TimestampStatus};
    use spotcheck_domain::store::TimestampWriter;
    let (s, _dir, _) = world().await?;
    for (i, authority) in ["tsa-1", "tsa-2"].iter().enumerate() {
        s.record_timestamp(
            &meta(&format!("ts-{i}"))?,
            &TimestampRecord {
                plan: "PT-REPLAY".parse()?,
                authority: authority.parse()?,
                url: "https://tsa.example.cn/tsa".into(),
                status: TimestampStatus::Obtained {
                    response: vec![0x30, 0x03, 0x02, 0x01, 0x00],
                    gen_time: "2026-11-20T08:00:00Z".parse()?,
                    latest: "2026-11-20T08:00:01Z".parse()?,
                    signer: "CN=t".into(),
                    anchor: "CN=a".into(),
                    anchor_pem: String::new(),
                },
                attempts: 1,
                updated_at: testkit::AT,
            },
        )
        .await?;
    }
    assert_eq!(found(&s).await?, vec![]);
    tamper(
        &s,
        "UPDATE timestamps SET doc = json_set(doc, '$.response', '3000') WHERE authority = 'tsa-1';
         DELETE FROM timestamps WHERE authority = 'tsa-2';",
    )?;
    let f = found(&s).await?;
    assert!(
        named(&f, "timestamps", "PT-REPLAY/tsa-1", "edited"),
        "{f:?}"
    );
    assert!(
        named(&f, "timestamps", "PT-REPLAY/tsa-2", "deleted"),
        "{f:?}"
    );
    Ok(())
}
