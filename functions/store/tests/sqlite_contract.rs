//! The storage contract against the SQLite adapter (runs in plain `cargo test`).

mod contract;

use contract::{R, Tamper};
use rusqlite::{Connection, params};
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::BoxError;

/// A fresh database in a temporary directory that lives as long as the test process.
async fn make() -> Result<Option<SqliteStore>, BoxError> {
    let dir = tempfile::tempdir()?.keep();
    Ok(Some(SqliteStore::open(dir.join("spotcheck.sqlite"))?))
}

/// Tampers the way someone with the file would: drop the append-only triggers, then edit.
async fn tamper(s: &SqliteStore, how: Tamper) -> R {
    let c = Connection::open(s.path())?;
    c.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")?;
    match how {
        Tamper::Edit(seq) => {
            c.execute("UPDATE audit_log SET doc = json_set(doc, '$.subject', 'plan:FORGED') WHERE seq = ?1", [seq as i64])?;
        }
        Tamper::Remove(seq) => {
            c.execute("DELETE FROM audit_log WHERE seq = ?1", [seq as i64])?;
        }
        Tamper::Swap(a, b) => {
            let doc = |seq: u64| {
                c.query_row(
                    "SELECT doc FROM audit_log WHERE seq = ?1",
                    [seq as i64],
                    |r| r.get::<_, String>(0),
                )
            };
            let (da, db) = (doc(a)?, doc(b)?);
            c.execute(
                "UPDATE audit_log SET doc = ?1 WHERE seq = ?2",
                params![db, a as i64],
            )?;
            c.execute(
                "UPDATE audit_log SET doc = ?1 WHERE seq = ?2",
                params![da, b as i64],
            )?;
        }
    }
    Ok(())
}

contract_suite!(make, tamper);
