//! `spotcheck audit verify --against-head URL` takes the public API's published head
//! (`GET /api/public/audit-head`), which a publication run recorded: the log as it stands holds it;
//! a log cut short with its head rewound no longer does.

use std::process::Command;
use std::sync::Arc;

use spotcheck_domain::store::{AuditLog, PlanWriter, PublishedHeadWriter};
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::{self, BoxError};

#[test]
fn the_public_apis_head_url_is_a_kept_head_that_detects_a_rewound_log() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("a.sqlite");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let store = SqliteStore::open(&db)?;
    let url = rt.block_on(async {
        for i in 0..3 {
            store
                .create_plan(
                    &testkit::meta(&format!("k{i}"))?,
                    testkit::plan_spec(&format!("P{i}"))?,
                )
                .await?;
        }
        let head = store.audit_head().await?.ok_or("no head")?;
        // What a publication run records.
        store
            .record_published_head(&head, "2026-11-26T01:00:00Z".parse()?)
            .await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let router = spotcheck_api::public_router(Arc::new(store));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Ok::<_, BoxError>(format!("http://{addr}/api/public/audit-head"))
    })?;

    let text = rt.block_on(async { reqwest::get(&url).await?.text().await })?;
    let body: serde_json::Value = serde_json::from_str(&text)?;
    assert_eq!(body["format"], "spotcheck-audit-head/1");
    assert_eq!(body["head"]["seq"], 3, "{body}");
    assert_eq!(body["published_at"], "2026-11-26T01:00:00Z");

    let verify = || {
        Command::new(env!("CARGO_BIN_EXE_spotcheck"))
            .args(["audit", "verify", "--data"])
            .arg(&db)
            .args(["--against-head", &url])
            .output()
    };
    let ok = verify()?;
    assert!(
        ok.status.success(),
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );

    // The last plan, its entry and the head moved back one (the published copy stays as it was).
    let c = rusqlite::Connection::open(&db)?;
    let prev: String = c.query_row("SELECT hash FROM audit_log WHERE seq = 2", [], |r| r.get(0))?;
    c.execute_batch(&format!(
        "DROP TRIGGER audit_log_no_delete; DROP TRIGGER plans_no_delete;
         DELETE FROM audit_log WHERE seq = 3; DELETE FROM plans WHERE id = 'P2';
         UPDATE audit_head SET seq = 2, hash = '{prev}';"
    ))?;
    let bad = verify()?;
    assert!(!bad.status.success(), "a rewound log passed");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&bad.stdout),
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(text.contains("truncated or rewound"), "{text}");
    drop(rt);
    Ok(())
}
