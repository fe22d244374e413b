//! Every publication run publishes the audit log's head (`audit-head.json`), so that anyone who
//! keeps a copy detects a log later cut short or rewound.

use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::store::{AuditLog, PlanWriter};
use spotcheck_site::publisher::{Options, run};
use spotcheck_site::sink::LocalDir;
use spotcheck_site::time::morning_of;
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::{self, BoxError};

#[test]
fn each_run_publishes_the_current_audit_head() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    let cal = Calendar::embedded()?;
    let opts = Options::at(morning_of("2026-11-26".parse()?))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let published = |store: &SqliteStore| -> Result<serde_json::Value, BoxError> {
        rt.block_on(run(store, &cal, &site, &opts, || site.lock()))?;
        let text = std::fs::read_to_string(dir.path().join("site/audit-head.json"))?;
        Ok(serde_json::from_str(&text)?)
    };
    let empty = published(&store)?;
    assert_eq!(empty["format"], "spotcheck-audit-head/1");
    assert!(empty["head"].is_null(), "{empty}");
    for i in 0..2 {
        rt.block_on(store.create_plan(
            &testkit::meta(&format!("k{i}"))?,
            testkit::plan_spec(&format!("P{i}"))?,
        ))?;
    }
    let head = rt.block_on(store.audit_head())?.ok_or("no head")?;
    let file = published(&store)?;
    assert_eq!(file["head"]["seq"], serde_json::json!(head.seq));
    assert_eq!(file["head"]["hash"], serde_json::json!(head.hash.to_hex()));
    assert_eq!(head.seq, 2);
    Ok(())
}

/// The run also records the head it published (the public API serves that copy) and shows it
/// in every feed.
#[test]
fn each_run_records_the_head_for_the_public_api_and_shows_it_in_the_feeds() -> Result<(), BoxError>
{
    use spotcheck_domain::store::PublishedHeadReader;
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    let cal = Calendar::embedded()?;
    let opts = Options::at(morning_of("2026-11-26".parse()?))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(&store, &cal, &site, &opts, || site.lock()))?;
    assert_eq!(
        rt.block_on(store.published_head())?,
        None,
        "an empty log has no head"
    );
    for i in 0..3 {
        rt.block_on(store.create_plan(
            &testkit::meta(&format!("k{i}"))?,
            testkit::plan_spec(&format!("P{i}"))?,
        ))?;
    }
    rt.block_on(run(&store, &cal, &site, &opts, || site.lock()))?;
    let head = rt.block_on(store.audit_head())?.ok_or("no head")?;
    let published = rt
        .block_on(store.published_head())?
        .ok_or("no published head")?;
    assert_eq!(published.head, head);
    assert_eq!(published.published_at, opts.now);
    let feed = std::fs::read_to_string(dir.path().join("site/plans/feed.atom"))?;
    let element = format!(
        "<spotcheck:auditHead seq=\"{}\" hash=\"{}\"/>",
        head.seq,
        head.hash.to_hex()
    );
    assert!(feed.contains(&element), "{feed}");
    Ok(())
}
