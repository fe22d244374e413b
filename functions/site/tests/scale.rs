//! Rendering at scale: the whole site for N published records (model → files → folder), then one
//! new record. `cargo test --release -p spotcheck-site --test scale -- --ignored --nocapture` runs
//! the 10,000-record figure of docs/performance.md; the default run checks 1,000 records.

use std::collections::BTreeMap;
use std::time::Instant;

use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::lifecycle::{
    InspectionResult, PenaltyDecision, PenaltyRecord, Plan, PlanState, Publication,
    PublicationKind, PublicationTransition, RecordRef,
};
use spotcheck_domain::registry::CheckMethod;
use spotcheck_site::records::{PlanRecord, Records};
use spotcheck_site::render::{PlanFiles, RenderOptions, render};
use spotcheck_site::sink::{LocalDir, update};
use spotcheck_site::view::build;
use spotcheck_store::testkit::{self, AT, BoxError};

fn published(
    kind: PublicationKind,
    record: RecordRef,
    cal: &Calendar,
) -> Result<Publication, BoxError> {
    let date = "2026-11-20".parse()?;
    Ok(Publication::schedule(kind, record, date, cal, AT)?
        .transition(PublicationTransition::Publish, AT)?)
}

fn decision(i: usize) -> Result<PenaltyDecision, BoxError> {
    Ok(serde_json::from_value(serde_json::json!({
        "number": format!("莆文旅罚〔2026〕{i}号"),
        "party": {"kind": "organisation", "name": format!("莆田第{i}旅行社有限公司"), "credit_code": null},
        "cause": "未按规定委派导游", "legal_basis": "《旅行社条例》第五十六条",
        "conditions": "组织团队旅游未委派持证导游。", "procedure": "普通程序",
        "result": "罚款人民币伍仟元", "authority": "莆田市文化和旅游局", "decided_on": "2026-11-19",
        "minor": i.is_multiple_of(2), "involves_minor": false, "target": null, "plan": null
    }))?)
}

/// One drawn plan, `results` results and `penalties` decisions, all published.
fn records(results: usize, penalties: usize) -> Result<Records, BoxError> {
    let cal = Calendar::embedded()?;
    let frame = testkit::frame(40)?;
    let pool = testkit::pool(12)?;
    let c = testkit::commitment("P1", &frame, &pool)?;
    let t = testkit::transcript(c.clone(), &frame, &pool, "4 2 6 1")?;
    let mut plan = Plan::new(testkit::plan_spec("P1")?, AT);
    plan.state = PlanState::Drawn {
        commitment_hash: c.hash()?,
        transcript_digest: t.digest,
        drawn_at: t.drawn_at,
    };
    let mut r = Records::default();
    let rec = RecordRef::Plan {
        plan: "P1".parse()?,
    };
    r.publications
        .push(published(PublicationKind::Plan, rec.clone(), &cal)?);
    r.publications
        .push(published(PublicationKind::Draw, rec, &cal)?);
    let inspectors = t.selections[0].inspectors.clone();
    let mut res = Vec::with_capacity(results);
    for i in 0..results {
        let target = format!("91350302MA{i:07}X").parse()?;
        r.publications.push(published(
            PublicationKind::CheckResult,
            RecordRef::Result {
                plan: "P1".parse()?,
                target: format!("91350302MA{i:07}X").parse()?,
            },
            &cal,
        )?);
        res.push(InspectionResult {
            plan: "P1".parse()?,
            target,
            code: "no_problem_found".parse()?,
            method: CheckMethod::OnSite,
            inspectors: inspectors.clone(),
            findings: "经营许可、质量保证金、合同签订均符合规定。".into(),
            follow_up: None,
            completed_on: "2026-11-20".parse()?,
            recorded_at: AT,
        });
    }
    r.plans.insert(
        "P1".into(),
        PlanRecord {
            plan,
            commitment: Some(c),
            transcript: Some(t),
            results: res,
            timestamps: Vec::new(),
        },
    );
    for i in 0..penalties {
        add_penalty(&mut r, i, &cal)?;
    }
    r.reindex();
    Ok(r)
}

fn add_penalty(r: &mut Records, i: usize, cal: &Calendar) -> Result<(), BoxError> {
    let d = decision(i)?;
    r.publications.push(published(
        PublicationKind::PenaltyDecision,
        RecordRef::Penalty {
            number: d.number.clone(),
        },
        cal,
    )?);
    r.penalties.push(PenaltyRecord {
        decision: d,
        changes: Vec::new(),
        recorded_at: AT,
    });
    Ok(())
}

fn plan_files(r: &Records) -> BTreeMap<String, PlanFiles> {
    let pr = &r.plans["P1"];
    let mut m = BTreeMap::new();
    m.insert(
        "P1".to_owned(),
        PlanFiles {
            commitment: pr
                .commitment
                .as_ref()
                .and_then(|c| c.canonical_bytes().ok()),
            transcript: pr
                .transcript
                .as_ref()
                .and_then(|t| t.canonical_bytes().ok()),
            frame: None,
            pool: None,
            timestamps: Vec::new(),
        },
    );
    m
}

fn scale(results: usize, penalties: usize) -> Result<(), BoxError> {
    let cal = Calendar::embedded()?;
    let mut recs = records(results, penalties)?;
    let n = recs.publications.len();
    let dir = tempfile::tempdir()?;
    let site = LocalDir::new(dir.path())?;
    let opts = RenderOptions::default();
    let rt = tokio::runtime::Builder::new_current_thread().build()?;

    let t0 = Instant::now();
    let model = build(&recs, &cal, None, AT);
    let t_model = t0.elapsed();
    let files = render(&model, &plan_files(&recs), &opts)?;
    let t_render = t0.elapsed();
    let stats = rt.block_on(update(&site, &files))?;
    let t_all = t0.elapsed();
    let bytes: usize = files
        .iter()
        .filter_map(|f| f.body.as_ref().map(Vec::len))
        .sum();
    println!(
        "{n} published records: model {:.0} ms, render {:.0} ms, scan + write {:.0} ms, total {:.2} s; {} files, {:.1} MB",
        t_model.as_secs_f64() * 1e3,
        (t_render - t_model).as_secs_f64() * 1e3,
        (t_all - t_render).as_secs_f64() * 1e3,
        t_all.as_secs_f64(),
        stats.written,
        bytes as f64 / 1e6
    );

    // One new decision: only the pages it changes are written.
    add_penalty(&mut recs, penalties, &cal)?;
    recs.reindex();
    let t1 = Instant::now();
    let files = render(&build(&recs, &cal, None, AT), &plan_files(&recs), &opts)?;
    let again = rt.block_on(update(&site, &files))?;
    println!(
        "one more record: {:.2} s, {} files written, {} unchanged, {} deleted",
        t1.elapsed().as_secs_f64(),
        again.written,
        again.unchanged,
        again.deleted
    );
    // Its page, penalties/index.{html,json}, publications/index.{html,json}, the home page's
    // count, 检索's page (its count) and the index shard the decision hashes to; the
    // penalties/feed.atom when the new entry is among the feed's newest 100 (all fixtures share
    // one publication time, so that depends on the id's order); and the 检索 list of decisions,
    // sorted by name, from the page the new name falls on to the last (500 rows a page): one
    // page of 299 decisions, up to six of 2,999.
    let list_pages = (penalties + 1).div_ceil(500);
    assert!(
        (9..=9 + list_pages).contains(&again.written),
        "{again:?}, {list_pages} list pages"
    );
    assert_eq!(again.deleted, 0);
    Ok(())
}

#[test]
fn a_thousand_records_render_and_one_more_rewrites_only_its_pages() -> Result<(), BoxError> {
    scale(700, 298)
}

#[test]
#[ignore = "the docs/performance.md figure; run with --release"]
fn ten_thousand_records_render_and_one_more_rewrites_only_its_pages() -> Result<(), BoxError> {
    scale(7_000, 2_998)
}
