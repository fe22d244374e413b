//! `spotcheck audit verify`: check the audit log's hash chain and name any edited, removed or
//! reordered entry.

use spotcheck_domain::lifecycle::verify_chain;
use spotcheck_domain::store::AuditLog;

use crate::exit::Failure;
use crate::store_args::StoreArgs;

/// Audit-log commands.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// Audit-log subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check every entry's hash and link; exit 1 naming the first entry edited, removed or reordered.
    Verify(VerifyArgs),
}

/// Options of `audit verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The store.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(e.into()))?;
    match args.command {
        AuditCommand::Verify(a) => rt.block_on(verify(a)),
    }
}

async fn verify(args: VerifyArgs) -> Result<(), Failure> {
    let store = args.store.open(true).await?;
    let other = |e: spotcheck_domain::store::StoreError| Failure::Other(anyhow::anyhow!(e));
    let entries = store.audit_entries().await.map_err(other)?;
    let head = store.audit_head().await.map_err(other)?;
    match verify_chain(&entries, head) {
        Ok(n) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({"ok": true, "entries": n, "head": head})
                );
            } else {
                println!("audit log OK: {n} entries");
                if let Some(h) = head {
                    println!("head seq {} hash {}", h.seq, h.hash);
                }
            }
            Ok(())
        }
        Err(e) => Err(Failure::CheckFailed(format!("audit log: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store_args::StoreKind;
    use spotcheck_domain::store::PlanWriter;
    use spotcheck_store::testkit;

    fn args(data: std::path::PathBuf) -> VerifyArgs {
        VerifyArgs {
            store: StoreArgs {
                store: StoreKind::Sqlite,
                data,
                dynamodb_endpoint: None,
                table: "spotcheck".into(),
            },
            json: false,
        }
    }

    #[test]
    fn verify_passes_an_intact_log_and_names_an_edited_entry()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("a.sqlite");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(async {
            let s = spotcheck_store::SqliteStore::open(&db)?;
            for i in 0..3 {
                s.create_plan(
                    &testkit::meta(&format!("k{i}"))?,
                    testkit::plan_spec(&format!("P{i}"))?,
                )
                .await?;
            }
            Ok::<(), testkit::BoxError>(())
        })
        .map_err(|e| e.to_string())?;
        assert!(rt.block_on(verify(args(db.clone()))).is_ok());

        let c = rusqlite::Connection::open(&db)?;
        c.execute_batch(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log SET doc = json_set(doc, '$.actor', 'mallory') WHERE seq = 2;",
        )?;
        match rt.block_on(verify(args(db))) {
            Err(Failure::CheckFailed(m)) => assert!(m.contains("seq 2"), "{m}"),
            other => return Err(format!("expected a check failure, got {other:?}").into()),
        }
        let missing = rt.block_on(verify(args(dir.path().join("none.sqlite"))));
        assert!(matches!(missing, Err(Failure::BadInput(_))));
        Ok(())
    }
}
