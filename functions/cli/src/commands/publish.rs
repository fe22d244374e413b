//! `spotcheck publish --due`: the publisher over the store `serve` uses — schedules every
//! publishable record with its statutory deadline, publishes what is due, withdraws changed or
//! revoked penalty decisions, expires penalties at the end of their period, renders the public
//! website into `--site-dir`, and reports what is overdue or falls due within 2 working days (log
//! lines on stderr, the JSON report on stdout or in `--report FILE`). Safe to run twice, or twice
//! at once. See docs/publication.md.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app, system_clock};
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::store::{PublicationWriter, ReadStore};
use spotcheck_domain::time::Timestamp;
use spotcheck_site::publisher::{Options, Report, run as run_publisher};
use spotcheck_site::sink::LocalDir;
#[cfg(feature = "dynamodb")]
use spotcheck_store::AnyStore;
use spotcheck_store::SqliteStore;
use tower::ServiceExt;

use crate::exit::Failure;
use crate::store_args::StoreArgs;

/// Publish what is due and render the public website.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Publish everything due (schedule, publish, withdraw, expire). Without it, only render the
    /// site from the current state and report deadlines.
    #[arg(long)]
    pub due: bool,
    /// Run as if today were this date (China time, 09:00); default: now.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub now: Option<String>,
    /// Where the website goes.
    #[arg(long, value_name = "DIR", default_value = "site")]
    pub site_dir: PathBuf,
    /// Also write the JSON report to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// The site's public URL (used in feeds and in the download commands of "自行验证").
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Title shown on every page.
    #[arg(long)]
    pub site_title: Option<String>,
    /// The bureau's identity for the heading and footer (主办单位, 承办单位, contact, 网站标识码, ICP
    /// and 公安机关备案号), a JSON file (docs/publication.md, "Site configuration"); `--demo`
    /// without it uses plainly fake demo values.
    #[arg(long, value_name = "FILE")]
    pub site_config: Option<PathBuf>,
    /// Calendar file merged over the embedded years (default: $SPOTCHECK_CALENDAR_FILE).
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
    /// Start from a fresh store (`--data`, default `spotcheck-demo.sqlite`) loaded with the Putian
    /// demo through the API: registries, item list, one drawn plan, results and penalty decisions
    /// (one revoked, one involving a minor).
    #[arg(long)]
    pub demo: bool,
    /// Where the data lives.
    #[command(flatten)]
    pub store: StoreArgs,
}

fn parse_now(s: Option<&str>) -> Result<Timestamp, Failure> {
    match s {
        None => Ok(Timestamp::from_datetime(chrono::Utc::now())),
        Some(d) => {
            let date = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                Failure::bad_input(format!("--now {d}: must be a date like 2026-11-26"))
            })?;
            Ok(spotcheck_site::time::morning_of(date))
        }
    }
}

/// Runs the command.
pub fn run(mut args: Args) -> Result<(), Failure> {
    let now = parse_now(args.now.as_deref())?;
    let calendar = super::calendar::load(args.calendar.as_deref())?;
    let mut opts = Options::at(now).map_err(|e| Failure::Other(e.into()))?;
    opts.render.base_url = args.base_url.clone();
    if let Some(t) = &args.site_title {
        opts.render.site_title = t.clone();
    }
    opts.render.identity = match &args.site_config {
        Some(f) => Some(
            spotcheck_site::identity::SiteIdentity::load(f)
                .map_err(|e| Failure::bad_input(e.to_string()))?,
        ),
        None if args.demo => Some(spotcheck_site::identity::SiteIdentity::demo()),
        None => None,
    };
    let site = LocalDir::new(&args.site_dir).map_err(|e| Failure::bad_input(e.to_string()))?;
    if args.demo && args.store.data == Path::new("spotcheck.sqlite") {
        args.store.data = PathBuf::from("spotcheck-demo.sqlite");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot start the runtime: {e}")))?;
    let report = rt.block_on(async {
        if args.demo {
            load_demo(&args.store.data, now).await?;
        }
        let store = args.store.open(!args.demo).await?;
        #[cfg(feature = "dynamodb")]
        match &store {
            AnyStore::Sqlite(s) => publish(s, &calendar, &site, &opts, args.due).await,
            AnyStore::Dynamo(s) => publish(s, &calendar, &site, &opts, args.due).await,
        }
        #[cfg(not(feature = "dynamodb"))]
        publish(&store, &calendar, &site, &opts, args.due).await
    })?;
    let json = serde_json::to_string_pretty(&report).map_err(|e| Failure::Other(e.into()))?;
    if let Some(path) = &args.report {
        std::fs::write(path, format!("{json}\n"))
            .map_err(|e| Failure::bad_input(format!("{}: {e}", path.display())))?;
    }
    for o in &report.overdue {
        eprintln!(
            "OVERDUE {} (deadline {}{})",
            o.id,
            o.deadline.map_or_else(String::new, |d| d.to_string()),
            if o.deadline_provisional {
                ", provisional"
            } else {
                ""
            }
        );
    }
    for o in &report.due_soon {
        eprintln!(
            "DUE SOON {} (deadline {}{})",
            o.id,
            o.deadline.map_or_else(String::new, |d| d.to_string()),
            if o.deadline_provisional {
                ", provisional"
            } else {
                ""
            }
        );
    }
    for a in &report.awaiting_approval {
        eprintln!(
            "AWAITING APPROVAL {} (deadline {})",
            a.id,
            a.deadline.map_or_else(String::new, |d| d.to_string())
        );
    }
    for b in &report.blocked {
        eprintln!(
            "HELD BACK {}: {} in {} ({})",
            b.id, b.found, b.file, b.excerpt
        );
    }
    eprintln!(
        "published {}, taken down {}, scheduled {}, done by another run {}, overdue {}, due within 2 working days {}; site {}: {} written, {} deleted, {} unchanged",
        report.published.len(),
        report.taken_down.len(),
        report.scheduled.len(),
        report.done_by_other_run,
        report.overdue.len(),
        report.due_soon.len(),
        args.site_dir.display(),
        report.site.written,
        report.site.deleted,
        report.site.unchanged,
    );
    say!("{json}");
    Ok(())
}

async fn publish<
    S: ReadStore + PublicationWriter + spotcheck_domain::store::PublishedHeadWriter,
>(
    store: &S,
    calendar: &Calendar,
    site: &LocalDir,
    opts: &Options,
    due: bool,
) -> Result<Report, Failure> {
    let result = if due {
        run_publisher(store, calendar, site, opts, || site.lock()).await
    } else {
        render_only(store, calendar, site, opts).await
    };
    result.map_err(|e| Failure::Other(anyhow::anyhow!(e)))
}

async fn render_only<S: ReadStore>(
    store: &S,
    calendar: &Calendar,
    site: &LocalDir,
    opts: &Options,
) -> Result<Report, spotcheck_site::SiteError> {
    use spotcheck_site::{duties, publisher, records, sink, time};
    let today = time::china_date(opts.now);
    let _guard = site.lock()?;
    let recs = records::load(store).await?;
    let (overdue, due_soon) =
        duties::deadlines_report(&recs.publications, calendar, today, opts.horizon)?;
    let files = publisher::render_site(store, site, &recs, calendar, opts).await?;
    let stats = sink::update(site, &files).await?;
    Ok(Report {
        format: "spotcheck-publish-report/1",
        now: opts.now,
        today,
        scheduled: Vec::new(),
        published: Vec::new(),
        taken_down: Vec::new(),
        done_by_other_run: 0,
        blocked: Vec::new(),
        awaiting_approval: Vec::new(),
        problems: Vec::new(),
        overdue,
        due_soon,
        site: stats,
    })
}

// ---- demo data -------------------------------------------------------------------------------

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn post(
    router: &axum::Router,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> Result<serde_json::Value, Failure> {
    let bytes = serde_json::to_vec(&body).map_err(|e| Failure::Other(e.into()))?;
    let req = Request::post(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(bytes))
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    let resp = router
        .clone()
        .oneshot(req)
        .await
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 16 << 20)
        .await
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    if status != StatusCode::CREATED && status != StatusCode::OK {
        return Err(Failure::Other(anyhow::anyhow!(
            "demo setup: POST {path} answered {status}: {}",
            String::from_utf8_lossy(&bytes)
        )));
    }
    serde_json::from_slice(&bytes).map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))
}

/// A fresh demo store: `serve --demo`'s data (through the API), then results for the first drawn
/// targets and four penalty decisions: an agency's, a guide's (a natural person: masked name; a
/// phone number typed into the facts, which redaction removes), one involving a minor (never
/// published) and one revoked (withdrawn with its reason).
async fn load_demo(data: &Path, now: Timestamp) -> Result<(), Failure> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = data.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    let jwt_key =
        super::serve::load_or_create_key(&super::serve::key_path(data, None, ".jwt-key"))?;
    let master =
        super::serve::load_or_create_key(&super::serve::key_path(data, None, ".master-key"))?;
    let store = SqliteStore::open(data)
        .map_err(|e| Failure::bad_input(format!("{}: {e}", data.display())))?;
    let state = InspectorState {
        store: Arc::new(store),
        auth: Authenticator::local(&jwt_key).map_err(Failure::bad_input)?,
        sealer: SecretSealer::new(master),
        clock: system_clock(),
        beacon: None,
        timestamper: None,
        schedule: Default::default(),
    };
    crate::demo_data::load(&state, &jwt_key).await?;
    let router = app(state);
    let token =
        crate::demo_data::token(&jwt_key, &["admin", "registrar", "supervisor", "inspector"])?;
    let today = spotcheck_site::time::china_date(now);
    let drawn = {
        let req = Request::get("/api/public/plans/PT-2026-DEMO/transcript")
            .body(Body::empty())
            .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
        let resp = router
            .clone()
            .oneshot(req)
            .await
            .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
        let bytes = axum::body::to_bytes(resp.into_body(), 64 << 20)
            .await
            .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
        let t: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| Failure::Other(e.into()))?;
        t["selections"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s["target"].as_str().map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let outcomes = [
        (
            "no_problem_found",
            "现场检查",
            "经营许可、质量保证金、合同签订均符合规定。",
            None,
        ),
        (
            "corrected_after_order",
            "现场检查",
            "营业场所未公示旅行社业务经营许可证，现场责令改正，已改正。",
            Some("责令改正，已复查"),
        ),
        (
            "not_disclosed_as_required",
            "书面检查",
            "未按规定在经营场所公示服务项目和投诉电话。",
            Some("责令限期改正"),
        ),
    ];
    for (target, (code, method, findings, follow_up)) in drawn.iter().zip(outcomes) {
        post(
            &router,
            &token,
            "/api/plans/PT-2026-DEMO/results",
            serde_json::json!({"target": target, "code": code, "method": method, "findings": findings,
                               "follow_up": follow_up, "completed_on": today.to_string()}),
        )
        .await?;
    }
    let authority = "莆田市文化和旅游局";
    let decided = today - chrono::Days::new(3);
    let penalties = [
        serde_json::json!({
            "number": "莆文旅罚〔2026〕21号",
            "party": {"kind": "organisation", "name": "莆田宁海商务旅行社有限公司", "credit_code": "91350302MA00000ETT"},
            "cause": "未按规定委派导游", "legal_basis": "《旅行社条例》第五十六条",
            "conditions": "2026年10月组织团队旅游，未为团队委派持证导游。", "procedure": "普通程序",
            "result": "罚款人民币伍仟元", "authority": authority, "decided_on": decided.to_string(),
            "minor": false, "involves_minor": false, "target": null, "plan": null,
            "disclosure": {"subject_category": "legal_person", "legal_representative": "林某某",
                           "violation_type": "未按规定委派导游", "categories": ["fine"], "fine": "0.5",
                           "authority_credit_code": "11350300003598201H", "source_unit": authority,
                           "source_unit_code": "11350300003598201H", "remarks": "演示数据（虚构）"}
        }),
        serde_json::json!({
            "number": "莆文旅罚〔2026〕22号",
            "party": {"kind": "natural_person", "masked_name": "柯**", "guide_card": "D-3503-000000"},
            "cause": "导游私自承揽导游业务", "legal_basis": "《导游人员管理条例》第十九条",
            "conditions": "经游客投诉（投诉人电话13805941234）查实，当事人未经旅行社委派私自承揽导游业务。", "procedure": "简易程序",
            "result": "警告", "authority": authority, "decided_on": decided.to_string(),
            "minor": true, "involves_minor": false, "target": null, "plan": null,
            "disclosure": {"subject_category": "natural_person",
                           "id_document": {"kind": "resident_id_card", "number": "11010519491231002X"},
                           "violation_type": "私自承揽导游业务", "categories": ["warning"],
                           "authority_credit_code": "11350300003598201H", "source_unit": authority,
                           "source_unit_code": "11350300003598201H", "remarks": "演示数据（虚构）"}
        }),
        serde_json::json!({
            "number": "莆文旅罚〔2026〕23号",
            "party": {"kind": "natural_person", "masked_name": "朱*", "guide_card": "D-3503-000001"},
            "cause": "（涉及未成年人，不予公开）", "legal_basis": "《中华人民共和国未成年人保护法》",
            "conditions": "（不予公开）", "procedure": "普通程序",
            "result": "罚款", "authority": authority, "decided_on": decided.to_string(),
            "minor": false, "involves_minor": true, "target": null, "plan": null
        }),
        serde_json::json!({
            "number": "莆文旅罚〔2026〕18号",
            "party": {"kind": "organisation", "name": "莆田鳌山假日旅行社有限公司", "credit_code": "91350305MA00001TMQ"},
            "cause": "未按规定报送经营信息", "legal_basis": "《旅行社条例实施细则》",
            "conditions": "未按规定报送2026年第三季度经营和财务信息。", "procedure": "普通程序",
            "result": "罚款人民币贰仟元", "authority": authority, "decided_on": (decided - chrono::Days::new(7)).to_string(),
            "minor": false, "involves_minor": false, "target": null, "plan": null
        }),
    ];
    for p in penalties {
        post(&router, &token, "/api/penalties", p).await?;
    }
    // Approval before publication, by a second person (the demo's supervisor), as
    // docs/publication.md describes.
    let approver = crate::demo_data::token_for(&jwt_key, "demo-supervisor", &["supervisor"])?;
    for target in drawn.iter().take(outcomes.len()) {
        post(
            &router,
            &approver,
            &format!(
                "/api/plans/PT-2026-DEMO/results/{}/approval",
                percent_encode(target)
            ),
            serde_json::json!(null),
        )
        .await?;
    }
    for number in [
        "莆文旅罚〔2026〕21号",
        "莆文旅罚〔2026〕22号",
        "莆文旅罚〔2026〕18号",
    ] {
        post(
            &router,
            &approver,
            &format!("/api/penalties/{}/approval", percent_encode(number)),
            serde_json::json!(null),
        )
        .await?;
    }
    // A withdrawal notice announces that a published decision came down: publish it first.
    let store = SqliteStore::open(data)
        .map_err(|e| Failure::bad_input(format!("{}: {e}", data.display())))?;
    let calendar = Calendar::embedded().map_err(|e| Failure::Other(e.into()))?;
    let opts = Options::at(now).map_err(|e| Failure::Other(e.into()))?;
    spotcheck_site::publisher::apply_duties(&store, &calendar, &opts, &mut Report::empty(now))
        .await
        .map_err(|e| Failure::Other(anyhow::anyhow!(e)))?;
    post(
        &router,
        &token,
        &format!("/api/penalties/{}/changes", percent_encode("莆文旅罚〔2026〕18号")),
        serde_json::json!({"kind": "revoked", "reason": "经行政复议，原处罚决定认定事实不清，予以撤销。",
                           "effective_on": today.to_string()}),
    )
    .await?;
    // The withdrawal notice publishes the change's own text: approved by the second person too.
    post(
        &router,
        &approver,
        &format!(
            "/api/penalties/{}/changes/1/approval",
            percent_encode("莆文旅罚〔2026〕18号")
        ),
        serde_json::json!(null),
    )
    .await?;
    eprintln!("demo data loaded into {}", data.display());
    Ok(())
}
