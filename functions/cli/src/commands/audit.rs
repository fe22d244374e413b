//! `spotcheck audit verify`: check the audit log's hash chain and name any edited, removed or
//! reordered entry; replay the log against the stored records (SQLite: every state table;
//! DynamoDB: what the read ports list) and name every record edited, inserted or deleted behind
//! the application's back; with `--against-head`, check that the log
//! still holds a head kept earlier (so a cut-off tail with a rewound head shows).

use std::path::Path;

use spotcheck_domain::lifecycle::{AuditEntry, AuditHead, verify_chain};
use spotcheck_domain::store::AuditLog;
#[cfg(feature = "dynamodb")]
use spotcheck_store::AnyStore;

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
    /// Check every entry's hash and link, and (SQLite) every state table against the log; exit 1
    /// naming the first entry edited, removed or reordered, or every row that differs.
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
    /// A head kept earlier (`{"seq": N, "hash": "…"}`, or the JSON this command prints), as a
    /// file or an http(s) URL: the log must still hold that entry, with that hash.
    #[arg(long, value_name = "FILE|URL")]
    pub against_head: Option<String>,
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

/// Reads a kept head from a file or URL: `{"seq", "hash"}` or an object with such a `head`.
async fn kept_head(source: &str) -> Result<AuditHead, Failure> {
    let text = if source.starts_with("https://") || source.starts_with("http://") {
        let resp = reqwest::get(source)
            .await
            .map_err(|e| Failure::bad_input(format!("--against-head {source}: {e}")))?;
        if !resp.status().is_success() {
            return Err(Failure::bad_input(format!(
                "--against-head {source}: the server answered {}",
                resp.status()
            )));
        }
        resp.text()
            .await
            .map_err(|e| Failure::bad_input(format!("--against-head {source}: {e}")))?
    } else {
        std::fs::read_to_string(Path::new(source))
            .map_err(|e| Failure::bad_input(format!("--against-head {source}: {e}")))?
    };
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Failure::bad_input(format!("--against-head {source}: not JSON: {e}")))?;
    let head = v.get("head").filter(|h| h.is_object()).unwrap_or(&v);
    serde_json::from_value(head.clone()).map_err(|e| {
        Failure::bad_input(format!(
            "--against-head {source}: expected {{\"seq\": N, \"hash\": \"<64 hex>\"}}: {e}"
        ))
    })
}

/// Whether `entries` still hold `kept`: `None` if so, else what is wrong.
fn check_against(entries: &[AuditEntry], kept: AuditHead) -> Option<String> {
    let n = entries.len() as u64;
    match entries.iter().find(|e| e.seq == kept.seq) {
        None if kept.seq > n => Some(format!(
            "truncated or rewound: the log ends at seq {n}, but the kept head is seq {} ({})",
            kept.seq, kept.hash
        )),
        None => Some(format!("entry seq {} is missing from the log", kept.seq)),
        Some(e) if e.hash != kept.hash => Some(format!(
            "rewritten: entry seq {} has hash {}, the kept head says {}",
            kept.seq, e.hash, kept.hash
        )),
        Some(_) => None,
    }
}

async fn verify(args: VerifyArgs) -> Result<(), Failure> {
    let kept = match &args.against_head {
        Some(src) => Some(kept_head(src).await?),
        None => None,
    };
    let store = args.store.open(true).await?;
    let other = |e: spotcheck_domain::store::StoreError| Failure::Other(anyhow::anyhow!(e));
    let entries = store.audit_entries().await.map_err(other)?;
    let head = store.audit_head().await.map_err(other)?;
    let n = verify_chain(&entries, head)
        .map_err(|e| Failure::CheckFailed(format!("audit log: {e}")))?;
    let mut problems: Vec<String> = Vec::new();
    // SQLite: every row of every state table; DynamoDB: what the read ports list.
    #[cfg(feature = "dynamodb")]
    let (found, replayed) = match &store {
        AnyStore::Sqlite(s) => (s.replay_audit().await, true),
        AnyStore::Dynamo(d) => (
            spotcheck_store::replay_through_ports(d, &entries).await,
            false,
        ),
    };
    #[cfg(not(feature = "dynamodb"))]
    let (found, replayed) = (store.replay_audit().await, true);
    let found = found.map_err(other)?;
    problems.extend(found.iter().map(|d| d.to_string()));
    if let Some(kept) = kept
        && let Some(p) = check_against(&entries, kept)
    {
        problems.push(format!("audit log against the kept head: {p}"));
    }
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "ok": problems.is_empty(),
                "entries": n,
                "head": head,
                "all_tables_replayed": replayed,
                "problems": problems,
            })
        );
    } else if problems.is_empty() {
        println!("audit log OK: {n} entries");
        if let Some(h) = head {
            println!("head seq {} hash {}", h.seq, h.hash);
        }
        if replayed {
            println!("every state table agrees with the log");
        } else {
            println!(
                "every plan, commitment, transcript, result, approval, decision and publication agrees with the log"
            );
        }
        if let Some(k) = kept {
            println!("the kept head seq {} {} is in the log", k.seq, k.hash);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::CheckFailed(format!(
            "{} difference(s) between the store and its audit log:\n  {}",
            problems.len(),
            problems.join("\n  ")
        )))
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
            against_head: None,
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

    #[test]
    fn a_row_changed_behind_the_log_fails_verification_naming_it()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("a.sqlite");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(async {
            let s = spotcheck_store::SqliteStore::open(&db)?;
            s.create_plan(&testkit::meta("k")?, testkit::plan_spec("P-EDIT")?)
                .await?;
            Ok::<(), testkit::BoxError>(())
        })
        .map_err(|e| e.to_string())?;
        let c = rusqlite::Connection::open(&db)?;
        c.execute_batch("UPDATE plans SET doc = json_set(doc, '$.spec.title', 'x')")?;
        match rt.block_on(verify(args(db))) {
            Err(Failure::CheckFailed(m)) => {
                assert!(m.contains("plans P-EDIT: edited"), "{m}")
            }
            other => return Err(format!("expected a check failure, got {other:?}").into()),
        }
        Ok(())
    }

    #[test]
    fn a_cut_tail_with_a_rewound_head_fails_against_a_kept_head()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("a.sqlite");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let head = rt
            .block_on(async {
                let s = spotcheck_store::SqliteStore::open(&db)?;
                for i in 0..3 {
                    s.create_plan(
                        &testkit::meta(&format!("k{i}"))?,
                        testkit::plan_spec(&format!("P{i}"))?,
                    )
                    .await?;
                }
                Ok::<_, testkit::BoxError>(s.audit_head().await?)
            })
            .map_err(|e| e.to_string())?
            .ok_or("no head")?;
        // What a reader of an earlier publication kept.
        let kept = dir.path().join("head.json");
        std::fs::write(
            &kept,
            serde_json::to_vec(&serde_json::json!({"head": head}))?,
        )?;
        let with = |db: std::path::PathBuf| VerifyArgs {
            against_head: Some(kept.display().to_string()),
            ..args(db)
        };
        assert!(rt.block_on(verify(with(db.clone()))).is_ok());

        // A thorough forger: the last plan, its entry, and the head moved back one.
        let c = rusqlite::Connection::open(&db)?;
        let prev: String =
            c.query_row("SELECT hash FROM audit_log WHERE seq = 2", [], |r| r.get(0))?;
        c.execute_batch(&format!(
            "DROP TRIGGER audit_log_no_delete; DROP TRIGGER plans_no_delete;
             DELETE FROM audit_log WHERE seq = 3; DELETE FROM plans WHERE id = 'P2';
             UPDATE audit_head SET seq = 2, hash = '{prev}';"
        ))?;
        // Chain and tables agree with each other…
        assert!(rt.block_on(verify(args(db.clone()))).is_ok());
        // …but not with the head kept earlier.
        match rt.block_on(verify(with(db))) {
            Err(Failure::CheckFailed(m)) => {
                assert!(m.contains("truncated or rewound"), "{m}");
                assert!(m.contains("seq 3"), "{m}");
            }
            other => return Err(format!("expected a check failure, got {other:?}").into()),
        }
        Ok(())
    }

    #[test]
    fn a_rewritten_entry_fails_against_a_kept_head() -> Result<(), serde_json::Error> {
        let h = |n: u8| spotcheck_domain::ids::Digest::from_bytes([n; 32]);
        let e = |seq: u64, hash| -> Result<AuditEntry, serde_json::Error> {
            Ok(AuditEntry {
                hash,
                ..serde_json::from_value(serde_json::json!({
                    "seq": seq, "at": "2026-12-01T00:00:00Z", "actor": "a", "action": "plan_created",
                    "subject": "plan:P", "payload_digest": h(0), "prev_hash": h(0), "hash": h(0)
                }))?
            })
        };
        let entries = vec![e(1, h(1))?, e(2, h(2))?];
        assert_eq!(
            check_against(&entries, AuditHead { seq: 2, hash: h(2) }),
            None
        );
        let m = check_against(&entries, AuditHead { seq: 2, hash: h(9) }).unwrap_or_default();
        assert!(m.starts_with("rewritten: entry seq 2"), "{m}");
        let m = check_against(&entries, AuditHead { seq: 5, hash: h(5) }).unwrap_or_default();
        assert!(
            m.starts_with("truncated or rewound: the log ends at seq 2"),
            "{m}"
        );
        Ok(())
    }
}
