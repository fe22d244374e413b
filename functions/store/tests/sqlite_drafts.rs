//! Drafts on SQLite beyond the shared contract: the table-level replay agrees with the log after
//! drafts were returned, amended and withdrawn, and the schema's triggers refuse any change to an
//! approved result or decision made behind the application's back.

mod contract;

use rusqlite::Connection;
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::BoxError;

type R = Result<(), BoxError>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amended_and_withdrawn_drafts_replay_row_by_row_and_approved_rows_stay_immutable() -> R {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("spotcheck.sqlite");
    let s = SqliteStore::open(&path)?;
    contract::drafts_are_returned_amended_and_withdrawn_until_approved(s.clone()).await?;
    let found = s.replay_audit().await?;
    assert!(found.is_empty(), "{found:?}");

    let c = Connection::open(&path)?;
    // The first result and decision 81 are approved: the triggers refuse changes and deletions.
    for sql in [
        "UPDATE results SET doc = json_set(doc, '$.findings', '改') WHERE plan_id = 'PT-DRAFT'",
        "DELETE FROM results WHERE plan_id = 'PT-DRAFT'",
        "UPDATE penalties SET doc = json_set(doc, '$.decision.result', '无') WHERE number = '莆文旅罚〔2026〕81号'",
        "DELETE FROM approvals WHERE approved = 1",
    ] {
        let refused = c.execute_batch(sql);
        assert!(refused.is_err(), "{sql} was allowed");
    }
    // An awaiting draft (decision 82, recorded anew) may be changed by the store's own writes;
    // one changed behind its back is named by the replay.
    c.execute_batch(
        "UPDATE penalties SET doc = json_set(doc, '$.decision.result', '无') WHERE number = '莆文旅罚〔2026〕82号'",
    )?;
    let found = s.replay_audit().await?;
    assert!(
        found.iter().any(|d| d.table == "penalties"
            && d.key.contains("82号")
            && d.problem.starts_with("edited")),
        "{found:?}"
    );
    Ok(())
}
