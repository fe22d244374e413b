//! The publisher over a real SQLite store and a real folder: idempotency (sequential and two
//! concurrent runs), withdrawal, expiry, minors, redaction of every file, incremental writes.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::lifecycle::{
    AuditAction, InspectionResult, PenaltyChangeKind, PenaltyDecision, PublicationState, WriteMeta,
};
use spotcheck_domain::registry::CheckMethod;
use spotcheck_domain::store::{
    ApprovalWriter, AuditLog, DrawWriter, FrameWriter, PenaltyWriter, PlanWriter,
    PublicationReader, ResultWriter,
};
use spotcheck_domain::time::Timestamp;
use spotcheck_site::publisher::{Options, Report, run};
use spotcheck_site::redact::{gb11643_check, scan_bytes};
use spotcheck_site::sink::LocalDir;
use spotcheck_site::time::morning_of;
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::{self, BoxError};

fn date(s: &str) -> Result<NaiveDate, BoxError> {
    Ok(s.parse()?)
}

fn penalty(
    number: &str,
    minor: bool,
    involves_minor: bool,
    decided: &str,
) -> Result<PenaltyDecision, BoxError> {
    Ok(serde_json::from_value(serde_json::json!({
        "number": number,
        "party": {"kind": "natural_person", "masked_name": "柯**", "guide_card": "D-3503-000000"},
        "cause": "私自承揽导游业务", "legal_basis": "《导游人员管理条例》第十九条",
        "conditions": "游客投诉（电话13805941234）查实。", "procedure": "简易程序",
        "result": "警告", "authority": "莆田市文化和旅游局", "decided_on": decided,
        "minor": minor, "involves_minor": involves_minor, "target": null, "plan": null
    }))?)
}

/// Approves publication `id` as `supervisor` (the records here are entered as `test`).
async fn approve(store: &SqliteStore, id: &str) -> Result<(), BoxError> {
    use sha2::Digest as _;
    let key = hex::encode(sha2::Sha256::digest(id.as_bytes()));
    let meta = WriteMeta::new(
        format!("approve-{}", &key[..16]).parse()?,
        "supervisor".parse()?,
        testkit::AT,
    );
    store.approve(&meta, &id.parse()?).await?;
    Ok(())
}

/// A drawn plan `P1` with `results` results, and three decisions: 〔2026〕1号 (minor), 〔2026〕2号
/// (involves a minor), 〔2026〕3号 (revoked later by [`revoke`]).
async fn seed(store: &SqliteStore, witness_value: &str, results: usize) -> Result<(), BoxError> {
    let frame = testkit::frame(40)?;
    let pool = testkit::pool(12)?;
    store.put_frame(&testkit::meta("f")?, &frame).await?;
    store.put_pool(&testkit::meta("p")?, &pool).await?;
    let plan = store
        .create_plan(&testkit::meta("c")?, testkit::plan_spec("P1")?)
        .await?;
    let plan = store
        .change_plan(
            &testkit::meta("af")?,
            &plan.spec.id,
            plan.version,
            testkit::attach_frame(&frame),
        )
        .await?;
    store
        .change_plan(
            &testkit::meta("ap")?,
            &plan.spec.id,
            plan.version,
            testkit::attach_pool(&pool),
        )
        .await?;
    let c = testkit::commitment("P1", &frame, &pool)?;
    store.record_commitment(&testkit::meta("k")?, &c).await?;
    let t = testkit::transcript(c, &frame, &pool, witness_value)?;
    store.record_draw(&testkit::meta("d")?, &t).await?;
    for (i, s) in t.selections.iter().take(results).enumerate() {
        store
            .record_result(
                &testkit::meta(&format!("r{i}"))?,
                InspectionResult {
                    plan: "P1".parse()?,
                    target: s.target.clone(),
                    code: "no_problem_found".parse()?,
                    method: CheckMethod::OnSite,
                    inspectors: s.inspectors.clone(),
                    findings: "当事人手机13912345678，已核实。".into(),
                    follow_up: None,
                    completed_on: date("2026-11-20")?,
                    recorded_at: testkit::AT,
                },
            )
            .await?;
        approve(store, &format!("check-result:P1/{}", s.target)).await?;
    }
    store
        .record_penalty(
            &testkit::meta("x1")?,
            penalty("莆文旅罚〔2026〕1号", true, false, "2026-11-19")?,
        )
        .await?;
    store
        .record_penalty(
            &testkit::meta("x2")?,
            penalty("莆文旅罚〔2026〕2号", false, true, "2026-11-19")?,
        )
        .await?;
    store
        .record_penalty(
            &testkit::meta("x3")?,
            penalty("莆文旅罚〔2026〕3号", false, false, "2026-11-19")?,
        )
        .await?;
    for n in 1..=3 {
        approve(store, &format!("penalty-decision:莆文旅罚〔2026〕{n}号")).await?;
    }
    Ok(())
}

async fn revoke(store: &SqliteStore) -> Result<(), BoxError> {
    store
        .change_penalty(
            &testkit::meta("rv")?,
            &"莆文旅罚〔2026〕3号".parse()?,
            PenaltyChangeKind::Revoked,
            "经行政复议予以撤销".into(),
            None,
            date("2026-11-30")?,
        )
        .await?;
    // The change's text is published once someone other than its author approves it.
    approve(store, "penalty-decision:莆文旅罚〔2026〕3号#change-1").await?;
    Ok(())
}

fn opts(day: &str) -> Result<Options, BoxError> {
    Ok(Options::at(morning_of(date(day)?))?)
}

async fn publish(store: &SqliteStore, site: &LocalDir, day: &str) -> Result<Report, BoxError> {
    let cal = Calendar::embedded()?;
    Ok(run(store, &cal, site, &opts(day)?, || site.lock()).await?)
}

fn files_under(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Every file of the site, scanned for ID numbers (valid check character) and mobile numbers.
fn scan_site(root: &Path) -> Vec<String> {
    files_under(root)
        .into_iter()
        .flat_map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_default();
            scan_bytes(&bytes)
                .into_iter()
                .map(move |f| format!("{}: {} {}", p.display(), f.kind.as_str(), f.excerpt))
        })
        .collect()
}

fn rt() -> Result<tokio::runtime::Runtime, BoxError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

#[test]
fn a_second_run_publishes_nothing_and_writes_nothing() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    rt()?.block_on(async {
        seed(&store, "4 2 6 1", 3).await?;
        let first = publish(&store, &site, "2026-11-26").await?;
        // plan, draw, 3 results, decisions 1 and 3 (2 involves a minor: never scheduled).
        assert_eq!(first.scheduled.len(), 7, "{:?}", first.scheduled);
        assert_eq!(first.published.len(), 7);
        assert!(first.published.iter().all(|p| p.on_time != Some(false)));
        assert!(!first.scheduled.iter().any(|id| id.contains("〔2026〕2号")));
        let second = publish(&store, &site, "2026-11-26").await?;
        assert!(
            second.scheduled.is_empty()
                && second.published.is_empty()
                && second.taken_down.is_empty()
        );
        assert_eq!(second.site.written, 0);
        assert_eq!(second.site.deleted, 0);
        assert_eq!(second.site.unchanged, first.site.files);
        Ok::<_, BoxError>(())
    })?;
    let index = std::fs::read_to_string(dir.path().join("site/penalties/index.html"))?;
    assert!(index.contains("莆文旅罚〔2026〕1号") && !index.contains("〔2026〕2号"));
    Ok(())
}

#[test]
fn two_concurrent_runs_publish_every_record_exactly_once() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("s.sqlite");
    {
        let store = SqliteStore::open(&db)?;
        rt()?.block_on(seed(&store, "4 2 6 1", 4))?;
    }
    let site_dir = dir.path().join("site");
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let (db, site_dir, barrier) = (db.clone(), site_dir.clone(), barrier.clone());
            std::thread::spawn(move || -> Result<Report, String> {
                // Each run has its own connection, as two processes would.
                let store = SqliteStore::open(&db).map_err(|e| e.to_string())?;
                let site = LocalDir::new(&site_dir).map_err(|e| e.to_string())?;
                barrier.wait();
                rt().map_err(|e| e.to_string())?
                    .block_on(publish(&store, &site, "2026-11-26"))
                    .map_err(|e| e.to_string())
            })
        })
        .collect();
    let mut reports = Vec::new();
    for h in handles {
        reports.push(h.join().map_err(|_| "thread panicked")??);
    }
    let published: usize = reports.iter().map(|r| r.published.len()).sum();
    let scheduled: usize = reports.iter().map(|r| r.scheduled.len()).sum();
    let by_other: usize = reports.iter().map(|r| r.done_by_other_run).sum();
    assert_eq!(scheduled, 8, "each publication scheduled once: {reports:?}");
    assert_eq!(published, 8, "each publication published once: {reports:?}");
    assert!(by_other <= 16);
    let store = SqliteStore::open(&db)?;
    rt()?.block_on(async {
        let pubs = store.list_publications().await?;
        assert_eq!(pubs.len(), 8);
        assert!(
            pubs.iter()
                .all(|p| matches!(p.state, PublicationState::Published { .. }) && p.version == 2)
        );
        let changes = store
            .audit_entries()
            .await?
            .iter()
            .filter(|e| e.action == AuditAction::PublicationChanged)
            .count();
        assert_eq!(changes, 8, "one audited publish per publication");
        Ok::<_, BoxError>(())
    })?;
    assert!(site_dir.join("plans/P1/index.html").is_file());
    assert!(scan_site(&site_dir).is_empty());
    Ok(())
}

#[test]
fn a_revoked_decision_is_withdrawn_with_its_reason_and_penalties_expire() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    let slug3 = spotcheck_site::view::slug("莆文旅罚〔2026〕3号");
    rt()?.block_on(async {
        seed(&store, "4 2 6 1", 1).await?;
        publish(&store, &site, "2026-11-26").await?;
        assert!(
            site.root()
                .join(format!("penalties/{slug3}.html"))
                .is_file()
        );
        revoke(&store).await?;
        // Effective 30 November: the withdrawal is due by 3 December (3 working days).
        let r = publish(&store, &site, "2026-12-01").await?;
        assert_eq!(r.taken_down.len(), 1);
        assert_eq!(r.taken_down[0].state, "withdrawn");
        assert!(
            r.taken_down[0]
                .reason
                .as_deref()
                .is_some_and(|s| s.contains("经行政复议予以撤销"))
        );
        let notice = r
            .published
            .iter()
            .find(|p| p.id.starts_with("penalty-withdrawal:"))
            .ok_or("no notice")?;
        assert_eq!(notice.deadline, Some(date("2026-12-03")?));
        assert_eq!(notice.on_time, Some(true));
        assert!(r.site.deleted >= 1, "the decision's page comes down");
        assert!(!site.root().join(format!("penalties/{slug3}.html")).exists());
        let w = std::fs::read_to_string(site.root().join("withdrawals/index.html"))?;
        assert!(w.contains("经行政复议予以撤销") && w.contains("处罚决定撤销"));
        // The minor penalty (published 26 November) stays up until 26 February 2027 ...
        let r = publish(&store, &site, "2027-02-26").await?;
        assert!(r.taken_down.is_empty());
        // ... and comes down the day after; the result is still there.
        let r = publish(&store, &site, "2027-02-27").await?;
        assert_eq!(r.taken_down.len(), 1);
        assert_eq!(r.taken_down[0].state, "expired");
        let p = store.get_publication(&r.taken_down[0].id.parse()?).await?;
        assert!(matches!(p.state, PublicationState::Expired { .. }));
        Ok::<_, BoxError>(())
    })?;
    let index = std::fs::read_to_string(dir.path().join("site/penalties/index.html"))?;
    assert!(!index.contains("莆文旅罚〔2026〕1号"));
    Ok(())
}

#[test]
fn no_public_file_contains_an_id_or_mobile_number() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    rt()?.block_on(async {
        seed(&store, "4 2 6 1", 4).await?;
        revoke(&store).await?;
        publish(&store, &site, "2026-12-01").await
    })?;
    let hits = scan_site(site.root());
    assert!(hits.is_empty(), "personal numbers published: {hits:?}");
    // The phone typed into the findings and the facts was replaced, not dropped silently.
    let page = std::fs::read_to_string(site.root().join("plans/P1/index.html"))?;
    assert!(page.contains("当事人手机[已隐去]"));
    Ok(())
}

#[test]
fn the_scanner_catches_a_planted_number_and_the_publisher_holds_the_record_back()
-> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    // A witness who read out a phone number: the transcript cannot be edited (it would no longer
    // verify), so the draw is held back and reported instead.
    let report = rt()?.block_on(async {
        seed(&store, "13800138000", 1).await?;
        publish(&store, &site, "2026-11-26").await
    })?;
    assert!(
        report
            .blocked
            .iter()
            .any(|b| b.id == "draw:P1" && b.found == "mobile number"),
        "{:?}",
        report.blocked
    );
    assert!(!site.root().join("plans/P1/transcript.json").exists());
    assert!(scan_site(site.root()).is_empty());
    // A number planted in a generated file is found by the scan.
    let first17 = "35030219900101123";
    let id = format!("{first17}{}", gb11643_check(first17).ok_or("check")?);
    let planted = site.root().join("results/index.html");
    let mut html = std::fs::read_to_string(&planted)?;
    html.push_str(&format!("<p>{id}</p>"));
    std::fs::write(&planted, html)?;
    let hits = scan_site(site.root());
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].contains("ID number") && hits[0].contains("results/index.html"));
    Ok(())
}

#[test]
fn one_new_record_rewrites_only_the_pages_it_changes() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    let (before, after) = rt()?.block_on(async {
        seed(&store, "4 2 6 1", 3).await?;
        let before = publish(&store, &site, "2026-11-26").await?;
        store
            .record_penalty(
                &testkit::meta("x4")?,
                penalty("莆文旅罚〔2026〕4号", false, false, "2026-11-25")?,
            )
            .await?;
        approve(&store, "penalty-decision:莆文旅罚〔2026〕4号").await?;
        let after = publish(&store, &site, "2026-11-26").await?;
        Ok::<_, BoxError>((before, after))
    })?;
    assert_eq!(after.published.len(), 1);
    // The decision's page, the penalty list (HTML, JSON, feed), the register (HTML, JSON), the
    // home page's count, the audit head (new entries), and the other four feeds (items, plans,
    // results, withdrawals), each of which carries the audit head, and the statistics (the
    // department's year page and its JSON, and stats/index.json; the index page's figures are
    // unchanged), and 检索 (its page's count, the decisions list, the index shard the decision
    // hashes to): nothing else.
    assert_eq!(after.site.written, 18, "files written: {:?}", after.site);
    assert_eq!(after.site.files, before.site.files + 1);
    assert_eq!(after.site.deleted, 0);
    Ok(())
}

#[test]
fn deadlines_are_shown_with_timeliness_and_provisional_marks() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    let report = rt()?.block_on(async {
        seed(&store, "4 2 6 1", 1).await?;
        // Published late: the decision of 19 November was due by 30 November.
        publish(&store, &site, "2026-12-02").await
    })?;
    let late = report
        .published
        .iter()
        .find(|p| p.id == "penalty-decision:莆文旅罚〔2026〕1号")
        .ok_or("missing")?;
    assert_eq!(late.deadline, Some(date("2026-11-30")?));
    assert_eq!(late.on_time, Some(false));
    // The result completed 20 November is due 18 December, before the provisional window.
    let result = report
        .published
        .iter()
        .find(|p| p.id.starts_with("check-result:"))
        .ok_or("missing")?;
    assert_eq!(result.deadline, Some(date("2026-12-18")?));
    assert!(!result.deadline_provisional);
    let register = std::fs::read_to_string(site.root().join("publications/index.html"))?;
    assert!(register.contains("逾期公开") && register.contains("按时公开"));
    let _ = Timestamp::from_unix(0);
    Ok(())
}

#[test]
fn a_decision_is_published_only_after_someone_else_approves_it_and_its_deadline_still_runs()
-> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    let id = "penalty-decision:莆文旅罚〔2026〕4号";
    rt()?.block_on(async {
        seed(&store, "4 2 6 1", 1).await?;
        // Entered on 25 November by `test`; due 7 working days after the decision: 4 December.
        store
            .record_penalty(
                &testkit::meta("x4")?,
                penalty("莆文旅罚〔2026〕4号", false, false, "2026-11-25")?,
            )
            .await?;
        let held = publish(&store, &site, "2026-11-26").await?;
        assert!(
            held.awaiting_approval.iter().any(|a| a.id == id),
            "{held:?}"
        );
        assert!(!held.published.iter().any(|p| p.id == id));
        let page = site.root().join(format!(
            "penalties/{}.html",
            spotcheck_site::view::slug("莆文旅罚〔2026〕4号")
        ));
        assert!(!page.exists(), "an unapproved decision was rendered");

        // Still unapproved after its deadline: overdue, like any unpublished record.
        let late = publish(&store, &site, "2026-12-07").await?;
        assert!(late.overdue.iter().any(|o| o.id == id), "{late:?}");
        assert!(late.awaiting_approval.iter().any(|a| a.id == id));

        // The person who entered it cannot approve it; someone else can, and the next run
        // publishes it, late.
        let own = store.approve(&testkit::meta("own")?, &id.parse()?).await;
        assert!(own.is_err(), "self-approval was accepted");
        approve(&store, id).await?;
        let out = publish(&store, &site, "2026-12-07").await?;
        let line = out
            .published
            .iter()
            .find(|p| p.id == id)
            .ok_or("not published after approval")?;
        assert_eq!(line.on_time, Some(false));
        assert_eq!(line.deadline, Some(date("2026-12-04")?));
        assert!(out.awaiting_approval.is_empty());
        assert!(page.exists());
        Ok::<_, BoxError>(())
    })?;
    Ok(())
}

#[test]
fn a_decision_revoked_before_it_was_ever_published_gets_no_withdrawal_notice()
-> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    let notice = "penalty-withdrawal:莆文旅罚〔2026〕3号";
    rt()?.block_on(async {
        // 〔2026〕3号 is approved but revoked before any run published it; 〔2026〕5号 was never
        // approved and is revoked too.
        seed(&store, "4 2 6 1", 1).await?;
        store
            .record_penalty(
                &testkit::meta("x5")?,
                penalty("莆文旅罚〔2026〕5号", false, false, "2026-11-25")?,
            )
            .await?;
        revoke(&store).await?;
        store
            .change_penalty(
                &testkit::meta("rv5")?,
                &"莆文旅罚〔2026〕5号".parse()?,
                PenaltyChangeKind::Revoked,
                "经复核予以撤销".into(),
                None,
                date("2026-11-30")?,
            )
            .await?;
        approve(&store, "penalty-decision:莆文旅罚〔2026〕5号#change-1").await?;
        let r = publish(&store, &site, "2026-12-01").await?;
        assert!(
            !r.scheduled
                .iter()
                .any(|s| s.starts_with("penalty-withdrawal:")),
            "a notice was scheduled for a decision never published: {:?}",
            r.scheduled
        );
        assert!(
            !r.published
                .iter()
                .any(|p| p.id.starts_with("penalty-withdrawal:")),
            "a notice was published for a decision never published"
        );
        assert!(store.get_publication(&notice.parse()?).await.is_err());
        // The decisions themselves are taken down unpublished, and no later run announces them.
        let d = store
            .get_publication(&"penalty-decision:莆文旅罚〔2026〕3号".parse()?)
            .await?;
        assert!(matches!(d.state, PublicationState::Withdrawn { .. }));
        assert!(!d.was_published());
        let again = publish(&store, &site, "2026-12-02").await?;
        assert!(again.scheduled.is_empty() && again.published.is_empty());
        let w = std::fs::read_to_string(site.root().join("withdrawals/index.html"))?;
        assert!(!w.contains("莆文旅罚〔2026〕3号") && !w.contains("莆文旅罚〔2026〕5号"));
        Ok::<_, BoxError>(())
    })?;
    Ok(())
}

/// Every `<id>` and `<updated>` of an Atom file, in order.
fn atom_values(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(open.as_str())
        .skip(1)
        .filter_map(|s| {
            s.split_once(close.as_str()).map(|(v, _)| {
                // The template escapes as HTML does (`/` as a character reference): valid XML.
                v.replace("&#x2f;", "/").replace("&amp;", "&")
            })
        })
        .collect()
}

#[test]
fn feed_ids_come_from_the_base_url_times_are_rfc3339_and_the_register_shows_titles()
-> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let cal = Calendar::embedded()?;
    let feeds = ["items", "plans", "results", "penalties", "withdrawals"];
    let ids = |root: &Path| -> Result<Vec<String>, BoxError> {
        let mut out = Vec::new();
        for f in feeds {
            out.extend(atom_values(
                &std::fs::read_to_string(root.join(format!("{f}/feed.atom")))?,
                "id",
            ));
        }
        Ok(out)
    };
    let (a, a2, b, bare) = rt()?.block_on(async {
        seed(&store, "4 2 6 1", 2).await?;
        let mut out = Vec::new();
        for (name, base) in [
            ("a", Some("https://wlj.example.gov.cn/gk/")),
            ("a2", Some("https://wlj.example.gov.cn/gk/")),
            ("b", Some("https://other.example.gov.cn/")),
            ("bare", None),
        ] {
            let site = LocalDir::new(dir.path().join(name))?;
            let mut o = opts("2026-11-26")?;
            o.render.base_url = base.map(str::to_owned);
            run(&store, &cal, &site, &o, || site.lock()).await?;
            out.push(site.root().to_path_buf());
        }
        Ok::<_, BoxError>((
            out[0].clone(),
            out[1].clone(),
            out[2].clone(),
            out[3].clone(),
        ))
    })?;
    let (ia, ia2, ib, ibare) = (ids(&a)?, ids(&a2)?, ids(&b)?, ids(&bare)?);
    assert!(ia.len() > feeds.len(), "no entries: {ia:?}");
    assert_eq!(ia, ia2, "the same site gives the same ids in every run");
    assert!(
        ia.iter()
            .all(|i| i.starts_with("https://wlj.example.gov.cn/gk/")),
        "{ia:?}"
    );
    assert!(
        ib.iter()
            .all(|i| i.starts_with("https://other.example.gov.cn/"))
    );
    assert!(ia.iter().all(|i| !ib.contains(i)), "two sites share an id");
    assert!(
        ibare
            .iter()
            .all(|i| i.starts_with("urn:uuid:") && i.len() == 45),
        "{ibare:?}"
    );
    let unique: std::collections::BTreeSet<&String> = ia.iter().collect();
    assert_eq!(unique.len(), ia.len(), "an id is used twice");
    for f in feeds {
        let xml = std::fs::read_to_string(a.join(format!("{f}/feed.atom")))?;
        for t in atom_values(&xml, "updated") {
            chrono::DateTime::parse_from_rfc3339(&t).map_err(|e| format!("{f}: {t}: {e}"))?;
        }
    }
    // The register names what was published, never the internal publication id.
    let register = std::fs::read_to_string(a.join("publications/index.html"))?;
    assert!(
        register.contains("抽查计划：2026年旅行社随机抽查"),
        "no plan title"
    );
    assert!(register.contains("行政处罚决定 莆文旅罚〔2026〕1号"));
    for internal in [
        "plan:P1",
        "draw:P1",
        "check-result:P1/",
        "penalty-decision:",
    ] {
        assert!(
            !register.contains(internal),
            "the register shows {internal}"
        );
    }
    Ok(())
}

#[test]
fn the_bureau_named_in_the_site_configuration_heads_every_page_and_signs_the_footer()
-> Result<(), BoxError> {
    use spotcheck_site::identity::SiteIdentity;
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/site");
    let identity = SiteIdentity::load(&fixtures.join("site-config.demo.json"))?;
    assert_eq!(
        identity,
        SiteIdentity::demo(),
        "the documented demo file is the demo's"
    );
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    rt()?.block_on(async {
        seed(&store, "4 2 6 1", 1).await?;
        let mut o = opts("2026-11-26")?;
        o.render.identity = Some(identity.clone());
        run(&store, &Calendar::embedded()?, &site, &o, || site.lock()).await?;
        Ok::<_, BoxError>(())
    })?;
    let pages: Vec<_> = files_under(site.root())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html") && !p.ends_with("verify.html"))
        .collect();
    assert!(pages.len() > 5);
    for page in pages {
        let html = std::fs::read_to_string(&page)?;
        for (label, value) in [
            ("主办单位", &identity.sponsor),
            ("承办单位", &identity.organiser),
            ("联系方式", &identity.contact),
            ("网站标识码", &identity.site_code),
            ("ICP 备案号", &identity.icp),
            ("公安机关备案号", &identity.police_record),
        ] {
            assert!(
                html.contains(&format!("<dt>{label}</dt><dd>{value}</dd>")),
                "{}: no {label}",
                page.display()
            );
        }
        assert!(html.contains(&format!(
            "<span class=\"bureau\">{}</span>",
            identity.bureau
        )));
    }
    // A file with a wrong site code, or an unknown field, is refused naming it.
    let bad = dir.path().join("bad.json");
    let mut v = serde_json::to_value(&identity)?;
    v["site_code"] = "12345".into();
    std::fs::write(&bad, v.to_string())?;
    let e = SiteIdentity::load(&bad).err().ok_or("accepted")?;
    assert!(e.to_string().contains("site_code"), "{e}");
    v["site_code"] = "3503000001".into();
    v["fax"] = "x".into();
    std::fs::write(&bad, v.to_string())?;
    assert!(SiteIdentity::load(&bad).is_err());
    Ok(())
}

#[test]
fn a_decision_after_a_check_links_to_the_business_and_the_plan_and_back() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    let number = "莆文旅罚〔2026〕9号";
    let target = rt()?.block_on(async {
        seed(&store, "4 2 6 1", 1).await?;
        let results =
            spotcheck_domain::store::ResultReader::list_results(&store, &"P1".parse()?).await?;
        let target = results.first().ok_or("no result")?.target.to_string();
        let mut d = serde_json::to_value(penalty(number, false, false, "2026-11-20")?)?;
        d["plan"] = "P1".into();
        d["target"] = target.clone().into();
        store
            .record_penalty(&testkit::meta("x9")?, serde_json::from_value(d)?)
            .await?;
        approve(&store, &format!("penalty-decision:{number}")).await?;
        publish(&store, &site, "2026-11-26").await?;
        Ok::<_, BoxError>(target)
    })?;
    let slug = spotcheck_site::view::slug(number);
    // Attribute values are HTML-escaped (`/` as `&#x2f;`, which browsers read as `/`).
    let read = |p: &str| -> Result<String, BoxError> {
        Ok(std::fs::read_to_string(site.root().join(p))?.replace("&#x2f;", "/"))
    };
    let page = read(&format!("penalties/{slug}.html"))?;
    assert!(
        page.contains("href=\"../plans/P1/index.html\""),
        "no plan link"
    );
    let business = format!(
        "results/agencies/{}.html",
        spotcheck_site::view::slug(&target)
    );
    assert!(
        page.contains(&format!("href=\"../{business}\"")),
        "no business link"
    );
    let b = read(&business)?;
    assert!(
        b.contains(&format!("href=\"../../penalties/{slug}.html\"")),
        "no link back"
    );
    Ok(())
}
