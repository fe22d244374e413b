//! The plan page as the public reads it — the rules in words, 实施期限, the inspectors, and the
//! cryptographic details folded into 技术验证信息 — and 检索: static list pages that find a
//! business by its code and a decision by its number, and a client-side index that is bounded and
//! holds no personal data. Over a real SQLite store, published by the real publisher.

use std::path::Path;

use chrono::NaiveDate;
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::lifecycle::{ImplementationPeriod, InspectionResult, WriteMeta};
use spotcheck_domain::registry::CheckMethod;
use spotcheck_domain::store::{
    ApprovalWriter, DrawWriter, FrameWriter, PenaltyWriter, PlanWriter, ResultWriter,
};
use spotcheck_site::publisher::{Options, run};
use spotcheck_site::redact::scan_bytes;
use spotcheck_site::render::search::SHARD_ENTRIES;
use spotcheck_site::sink::LocalDir;
use spotcheck_site::time::morning_of;
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::{self, BoxError};

const DECISION: &str = "莆文旅罚〔2026〕1号";
const GUIDE_CARD: &str = "D-3503-000000";

fn date(s: &str) -> Result<NaiveDate, BoxError> {
    Ok(s.parse()?)
}

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

/// A drawn plan `P1` (stated 实施期限 2026-11-27 to 2026-12-31) with two approved results, and
/// one decision against a guide (a natural person, masked `柯**`).
async fn seed(store: &SqliteStore) -> Result<Vec<String>, BoxError> {
    let frame = testkit::frame(40)?;
    let pool = testkit::pool(12)?;
    store.put_frame(&testkit::meta("f")?, &frame).await?;
    store.put_pool(&testkit::meta("p")?, &pool).await?;
    let mut spec = testkit::plan_spec("P1")?;
    spec.implementation_period = Some(ImplementationPeriod {
        from: date("2026-11-27")?,
        to: date("2026-12-31")?,
    });
    let plan = store.create_plan(&testkit::meta("c")?, spec).await?;
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
    let t = testkit::transcript(c, &frame, &pool, "4 2 6 1")?;
    store.record_draw(&testkit::meta("d")?, &t).await?;
    let mut targets = Vec::new();
    for (i, s) in t.selections.iter().take(2).enumerate() {
        store
            .record_result(
                &testkit::meta(&format!("r{i}"))?,
                InspectionResult {
                    plan: "P1".parse()?,
                    target: s.target.clone(),
                    code: "no_problem_found".parse()?,
                    method: CheckMethod::OnSite,
                    inspectors: s.inspectors.clone(),
                    findings: "未发现问题。".into(),
                    follow_up: None,
                    completed_on: date("2026-11-20")?,
                    recorded_at: testkit::AT,
                },
            )
            .await?;
        approve(store, &format!("check-result:P1/{}", s.target)).await?;
        targets.push(s.target.to_string());
    }
    store
        .record_penalty(
            &testkit::meta("x1")?,
            serde_json::from_value(serde_json::json!({
                "number": DECISION,
                "party": {"kind": "natural_person", "masked_name": "柯**", "guide_card": GUIDE_CARD},
                "cause": "私自承揽导游业务", "legal_basis": "《导游人员管理条例》第十九条",
                "conditions": "游客投诉查实。", "procedure": "简易程序",
                "result": "警告", "authority": "莆田市文化和旅游局", "decided_on": "2026-11-19",
                "minor": true, "involves_minor": false, "target": null, "plan": null
            }))?,
        )
        .await?;
    approve(store, &format!("penalty-decision:{DECISION}")).await?;
    Ok(targets)
}

/// Seeds, publishes on 2026-11-26 and returns the site's root and the targets with results.
fn published_site() -> Result<(tempfile::TempDir, Vec<String>), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let targets = rt.block_on(async {
        let targets = seed(&store).await?;
        let cal = Calendar::embedded()?;
        let opts = Options::at(morning_of(date("2026-11-26")?))?;
        run(&store, &cal, &site, &opts, || site.lock()).await?;
        Ok::<_, BoxError>(targets)
    })?;
    Ok((dir, targets))
}

/// A file of the site; attribute values are HTML-escaped (`/` as `&#x2f;`, which browsers read as
/// `/`), so that is undone.
fn read(root: &Path, rel: &str) -> Result<String, BoxError> {
    std::fs::read_to_string(root.join("site").join(rel))
        .map(|s| s.replace("&#x2f;", "/"))
        .map_err(|e| format!("{rel}: {e}").into())
}

/// The text of the page's `<details class="tech">` and the text outside it.
fn split_fold(html: &str) -> Result<(String, String), BoxError> {
    let start = html
        .find(r#"<details class="tech""#)
        .ok_or("no folded 技术验证信息")?;
    let end = html[start..]
        .find("</details>")
        .map(|e| start + e)
        .ok_or("the fold is not closed")?;
    Ok((
        html[start..end].to_owned(),
        format!("{}{}", &html[..start], &html[end..]),
    ))
}

#[test]
fn the_plan_page_states_its_rules_in_words_with_the_period_and_the_inspectors()
-> Result<(), BoxError> {
    let (dir, _) = published_site()?;
    let html = read(dir.path(), "plans/P1/index.html")?;
    // testkit's parameters: {"default": {"count": 2}, "inspectors_per_target": 2}, scheme
    // region_class, untargeted.
    for words in [
        "按区县和信用风险分类分层，每个区县的每个信用风险类别抽取 2 家。",
        "不定向抽查：检查对象名录库中经营状态为正常的全部旅行社。",
        "每个检查对象随机选派 2 名执法检查人员；与检查对象有利害关系的人员依法回避，不予选派。",
        "2026年11月27日至2026年12月31日",
        // The committed strata, named: 350302-A and 350303-B, 20 candidates each.
        "城厢区 A类（低风险）",
        "涵江区 B类（一般风险）",
    ] {
        assert!(html.contains(words), "the plan page says {words:?}");
    }
    assert!(html.contains("<h2 id=\"inspectors-h\">执法检查人员</h2>"));
    assert!(html.contains("从 12 名执法检查人员中随机选派"));
    // The 4 drawn targets × 2 inspectors: every inspector row counts its targets, 8 in all.
    let rows = html
        .split("<h2 id=\"inspectors-h\">")
        .nth(1)
        .and_then(|s| s.split("</table>").next())
        .ok_or("no inspector table")?;
    let total: usize = rows
        .split("<tr><td>")
        .skip(1)
        .filter_map(|r| {
            r.split("<td>")
                .last()?
                .split('<')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert_eq!(total, 8, "inspector rows: {rows}");
    Ok(())
}

#[test]
fn roots_digests_and_keys_are_folded_into_technical_details_after_a_plain_explanation()
-> Result<(), BoxError> {
    let (dir, _) = published_site()?;
    let html = read(dir.path(), "plans/P1/index.html")?;
    let plan: serde_json::Value = serde_json::from_str(&read(dir.path(), "plans/P1/index.json")?)?;
    let (fold, outside) = split_fold(&html)?;
    // The command-line check names the commitment's hash to compare with: a how-to, not a
    // display of the details.
    let outside = match (
        outside.find("<pre class=\"commands\""),
        outside.find("</pre>"),
    ) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &outside[..a], &outside[b..]),
        _ => return Err("no command-line check".into()),
    };
    assert!(fold.contains("<summary>技术验证信息</summary>"));
    for field in [
        ["commitment", "frame_root"],
        ["commitment", "pool_root"],
        ["commitment", "hash"],
        ["draw", "entropy_digest"],
        ["draw", "draw_key"],
        ["draw", "transcript_digest"],
    ] {
        let hex = plan[field[0]][field[1]]
            .as_str()
            .ok_or(format!("{field:?} missing from the plan's JSON"))?;
        assert_eq!(hex.len(), 64, "{field:?}");
        assert!(fold.contains(hex), "{field:?} is in the fold");
        assert!(!outside.contains(hex), "{field:?} is only in the fold");
    }
    // The explanation comes before the fold, outside it, in plain words.
    let why = outside
        .find("这次抽取为什么是公平的")
        .ok_or("no plain explanation")?;
    assert!(why < html.find("<details").ok_or("no fold")?);
    assert!(outside.contains("任何人用本页公开的文件重新计算，都会得到与本页完全相同的名单"));
    // The verifier stays one click away, outside the fold.
    assert!(outside.contains("打开验证页"));
    Ok(())
}

#[test]
fn search_pages_list_the_businesses_by_code_and_the_decision_by_number() -> Result<(), BoxError> {
    let (dir, targets) = published_site()?;
    let search = read(dir.path(), "search/index.html")?;
    assert!(search.contains(r#"<form id="search-form""#) && search.contains(" hidden>"));
    assert!(search.contains(r#"href="agencies.html""#));
    assert!(search.contains(r#"href="decisions.html""#));
    let agencies = read(dir.path(), "search/agencies.html")?;
    for t in &targets {
        assert!(
            agencies.contains(&format!(r#"<span class="code">{t}</span>"#)),
            "{t} is listed"
        );
        assert!(agencies.contains(&format!(r#"href="../results/agencies/{t}.html""#)));
    }
    let decisions = read(dir.path(), "search/decisions.html")?;
    assert!(decisions.contains(DECISION) && decisions.contains(GUIDE_CARD));
    assert!(decisions.contains("柯**"));
    // Every page of the site links to 检索 from its navigation.
    for page in ["index.html", "plans/P1/index.html", "penalties/index.html"] {
        assert!(
            read(dir.path(), page)?.contains("search/index.html\""),
            "{page}"
        );
    }
    Ok(())
}

#[test]
fn the_client_index_finds_the_same_records_and_holds_no_personal_data() -> Result<(), BoxError> {
    let (dir, targets) = published_site()?;
    let manifest: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "search/index.json")?)?;
    assert_eq!(manifest["format"], "spotcheck-search/1");
    let shards = manifest["shards"].as_array().ok_or("no shards")?;
    let mut entries = Vec::new();
    for s in shards {
        let name = s.as_str().ok_or("shard name")?;
        let body = read(dir.path(), &format!("search/{name}"))?;
        assert!(
            scan_bytes(body.as_bytes()).is_empty(),
            "{name}: personal numbers"
        );
        let part: Vec<serde_json::Value> = serde_json::from_str(&body)?;
        assert!(part.len() <= SHARD_ENTRIES);
        entries.extend(part);
    }
    let codes = |e: &serde_json::Value| -> Vec<String> {
        e["c"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    for t in &targets {
        assert!(
            entries.iter().any(|e| codes(e).contains(t)),
            "{t} in the index"
        );
    }
    let decision = entries
        .iter()
        .find(|e| codes(e).iter().any(|c| c == DECISION))
        .ok_or("the decision is in the index")?;
    assert_eq!(
        decision["n"], "柯**",
        "the party's name is masked as on its page"
    );
    let link = decision["u"].as_str().ok_or("link")?;
    assert!(link.starts_with("penalties/") && link.ends_with(".html"));
    assert!(
        dir.path().join("site").join(link).is_file(),
        "{link} exists"
    );
    // Only the published fields: group, name, codes, kind, link.
    for e in &entries {
        let keys: Vec<&String> = e.as_object().ok_or("entry")?.keys().collect();
        assert_eq!(keys, ["c", "g", "k", "n", "u"], "{e}");
    }
    Ok(())
}
