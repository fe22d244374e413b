//! Killing the process in the middle of an import or a draw leaves no partial state: a real
//! child process pauses inside its write transaction, gets SIGKILL, and the database is checked.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use spotcheck_domain::lifecycle::{PlanState, verify_chain};
use spotcheck_domain::store::{AuditLog, DrawReader, DrawWriter, PlanReader};
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::{self, BoxError, meta};

/// Runs the helper until it reports `PAUSED`, then SIGKILLs it.
fn kill_mid_write(mode: &str, db: &std::path::Path) -> Result<(), BoxError> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spotcheck-store-crash-helper"))
        .arg(mode)
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut paused = false;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if line == "PAUSED" {
            paused = true;
            break;
        }
    }
    child.kill()?; // SIGKILL on Unix: no destructor, no rollback by the process itself.
    let status = child.wait()?;
    if !paused || status.success() {
        return Err(format!("the helper did not pause inside the write (status {status})").into());
    }
    Ok(())
}

fn count(db: &std::path::Path, table: &str) -> Result<i64, BoxError> {
    let c = rusqlite::Connection::open(db)?;
    Ok(c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
}

#[tokio::test]
async fn sigkill_during_a_frame_import_leaves_no_chunk_behind() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("crash.sqlite");
    kill_mid_write("frame", &db)?;
    let store = SqliteStore::open(&db)?;
    assert_eq!(count(&db, "trees")?, 0);
    assert_eq!(count(&db, "tree_chunks")?, 0);
    assert_eq!(count(&db, "idempotency")?, 0);
    assert!(store.audit_entries().await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn sigkill_during_a_draw_leaves_the_plan_committed_and_drawable() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("crash.sqlite");
    kill_mid_write("draw", &db)?;
    let store = SqliteStore::open(&db)?;
    let id = "PT-CRASH".parse()?;
    assert!(matches!(
        store.get_plan(&id).await?.state,
        PlanState::Committed { .. }
    ));
    assert!(store.get_transcript(&id).await.is_err());
    assert_eq!(count(&db, "transcripts")?, 0);
    verify_chain(&store.audit_entries().await?, store.audit_head().await?)?;
    // The lock died with the process: the draw can be made now, exactly once.
    let (frame, pool) = (testkit::frame(40)?, testkit::pool(6)?);
    let t = testkit::transcript(store.get_commitment(&id).await?, &frame, &pool, "6 6 6")?;
    let plan = store.record_draw(&meta("draw")?, &t).await?;
    assert!(matches!(plan.state, PlanState::Drawn { .. }));
    Ok(())
}
