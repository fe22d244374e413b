//! One public projection, tried as the public would: personal data planted in every free-text
//! field of every kind of record, entered and approved through the inspector API (fixed clock), then
//! every response of every public API route and every file of the published site scanned for it —
//! no hit; and after each take-down event (change, revocation, credit repair) the decision is gone
//! from every public route and from the site.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use spotcheck_api::auth::{Claims, DEFAULT_ISSUER, mint_token};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, inspector_router, public_router};
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::time::Timestamp;
use spotcheck_site::publisher::{Options, Report, run};
use spotcheck_site::redact::{Redactor, gb11643_check};
use spotcheck_site::sink::LocalDir;
use spotcheck_store::SqliteStore;
use tower::ServiceExt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const DEPT: &str = "莆田市文化和旅游局";
const KEY: &[u8] = b"public-pii-test-key-0123456789abcdef";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
/// A guide of the fixture registry (`D-3503-000000`): a natural person known to the registries.
const GUIDE: &str = "柯梅国";
const GUIDE_CARD: &str = "D-3503-000000";
const MOBILE: &str = "13912345678";
const BANK: &str = "6222021234567890123";
const ADDRESS: &str = "88号3幢2单元301室";

struct Env {
    _dir: tempfile::TempDir,
    store: Arc<SqliteStore>,
    public: axum::Router,
    inspector: axum::Router,
    now: Arc<AtomicI64>,
    site: LocalDir,
}

/// An ID number with a valid GB 11643 check character.
fn id_number() -> String {
    let first = "35030219900101123";
    format!("{first}{}", gb11643_check(first).unwrap_or('0'))
}

/// Every planted string (none may appear in public).
fn planted() -> Vec<String> {
    vec![
        id_number(),
        MOBILE.into(),
        BANK.into(),
        ADDRESS.into(),
        GUIDE.into(),
    ]
}

/// Free text carrying every kind of personal data, with a tag saying which field it was put in.
fn pii(field: &str) -> String {
    format!(
        "{field}：当事人{GUIDE}（身份证{}，手机{MOBILE}，账号{BANK}，住城厢区龙桥街{ADDRESS}）",
        id_number()
    )
}

fn token(sub: &str, roles: &[&str]) -> Result<String, BoxError> {
    // Token expiry is checked against the real clock, not the handlers' fixed one.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs()
        .try_into()
        .unwrap_or(i64::MAX);
    Ok(mint_token(
        KEY,
        &Claims {
            sub: sub.into(),
            department: DEPT.into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            iss: DEFAULT_ISSUER.into(),
            iat: now - 60,
            exp: now + 3600,
            nbf: None,
        },
    )?)
}

/// Percent-encodes a path segment (decision numbers are Chinese).
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl Env {
    fn new() -> Result<Self, BoxError> {
        let dir = tempfile::tempdir()?;
        let store = Arc::new(SqliteStore::open(dir.path().join("d.sqlite"))?);
        let now = Arc::new(AtomicI64::new(0));
        let clock_now = Arc::clone(&now);
        let inspector = inspector_router(InspectorState {
            store: Arc::clone(&store),
            auth: Authenticator::local(KEY)?,
            sealer: SecretSealer::new([7; 32]),
            clock: Arc::new(move || Timestamp::from_unix(clock_now.load(Ordering::SeqCst))),
            beacon: None,
            timestamper: None,
            schedule: Default::default(),
        });
        let site = LocalDir::new(dir.path().join("site"))?;
        Ok(Self {
            public: public_router(Arc::clone(&store)),
            inspector,
            store,
            now,
            site,
            _dir: dir,
        })
    }

    fn at(&self, t: &str) -> Result<(), BoxError> {
        let t: Timestamp = t.parse()?;
        self.now.store(t.unix(), Ordering::SeqCst);
        Ok(())
    }

    async fn post(
        &self,
        token: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<(StatusCode, Value), BoxError> {
        let req = Request::post(path)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", content_type)
            .body(Body::from(body))?;
        let resp = self.inspector.clone().oneshot(req).await?;
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 64 << 20).await?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    async fn post_json(&self, token: &str, path: &str, body: Value) -> Result<Value, BoxError> {
        let bytes = if body.is_null() {
            Vec::new()
        } else {
            serde_json::to_vec(&body)?
        };
        let (status, v) = self.post(token, path, "application/json", bytes).await?;
        if !status.is_success() {
            return Err(format!("POST {path}: {status} {v}").into());
        }
        Ok(v)
    }

    async fn get(&self, path: &str) -> Result<(StatusCode, Vec<u8>), BoxError> {
        let req = Request::get(path).body(Body::empty())?;
        let resp = self.public.clone().oneshot(req).await?;
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 64 << 20).await?;
        Ok((status, bytes.to_vec()))
    }

    async fn publish(&self, now: &str) -> Result<Report, BoxError> {
        let cal = Calendar::embedded()?;
        let opts = Options::at(now.parse()?)?;
        let report = run(self.store.as_ref(), &cal, &self.site, &opts, || {
            self.site.lock()
        })
        .await?;
        // Plan B's commitment names a person: held back, never published.
        assert!(
            report.blocked.iter().any(|b| b.id == "plan:PT-PII-B"),
            "{:?}",
            report.blocked
        );
        Ok(report)
    }
}

fn plan(id: &str, title: &str, witness: &str) -> Value {
    json!({
        "id": id,
        "item": "PT-LY-001",
        "title": title,
        "department": DEPT,
        "target_kind": "agency",
        "filter": {"mode": "untargeted"},
        "stratum_scheme": "region",
        "parameters": {"default": {"count": 1}, "inspectors_per_target": 2},
        "entropy_source": {"witnesses": [witness]},
        "planned_draw_at": "2026-11-23T02:00:00Z"
    })
}

fn decision(number: &str, party: Value, minor_case: bool) -> Value {
    json!({
        "number": number,
        "party": party,
        "cause": pii("案由"),
        "legal_basis": pii("处罚依据"),
        "conditions": pii("处罚条件"),
        "procedure": pii("处罚程序"),
        "result": pii("处罚结果"),
        "authority": DEPT,
        "decided_on": "2026-11-24",
        "minor": false,
        "involves_minor": minor_case,
        "target": null,
        "plan": null
    })
}

const CHANGED: &str = "莆文旅罚〔2026〕201号";
const REVOKED: &str = "莆文旅罚〔2026〕202号";
const REPAIRED: &str = "莆文旅罚〔2026〕203号";
const UNAPPROVED: &str = "莆文旅罚〔2026〕204号";
const MINOR_CASE: &str = "莆文旅罚〔2026〕205号";

/// Sets up the records: registries, a drawn plan with PII in its title, results (one approved,
/// one not), a plan whose witness name carries PII, a draft, and five decisions.
async fn seed(env: &Env) -> Result<(String, String), BoxError> {
    let admin = token(
        "admin-1",
        &["admin", "registrar", "supervisor", "inspector"],
    )?;
    let clerk = token("inspector-1", &["inspector"])?;
    let boss = token("supervisor-2", &["supervisor", "inspector"])?;
    env.at("2026-11-20T01:00:00Z")?;
    // The item list's content of PT-LY-002 carries personal data too.
    let items = std::fs::read_to_string(format!("{FIXTURES}/items/tourism-items.csv"))?;
    let marker = "出境旅游业务经营资质";
    assert!(items.contains(marker));
    let items = items.replacen(marker, &format!("{marker}{}", pii("事项内容")), 1);
    let (status, v) = env
        .post(
            &admin,
            "/api/registries/items",
            "text/csv",
            items.into_bytes(),
        )
        .await?;
    assert!(status.is_success(), "items: {status} {v}");
    for (kind, file) in [
        ("agencies", "registries/agencies.synthetic.csv"),
        ("guides", "registries/guides.synthetic.csv"),
        ("operators", "registries/operators.synthetic.csv"),
        ("inspectors", "registries/inspectors.synthetic.csv"),
    ] {
        let bytes = std::fs::read(format!("{FIXTURES}/{file}"))?;
        let (status, v) = env
            .post(
                &admin,
                &format!("/api/registries/{kind}"),
                "text/csv",
                bytes,
            )
            .await?;
        assert!(status.is_success(), "{kind}: {status} {v}");
    }
    // A: PII in the title, drawn. B: a known person's full name in its witness name (hashed into
    // the commitment: cannot be redacted, so withheld; a personal number there is refused at
    // creation, functions/api/tests/plan_rules.rs). C: a draft. D: committed, then cancelled with
    // PII in the reason. E: drawn with a full name in the witness value (hashed into the
    // transcript: the draw is withheld).
    env.post_json(
        &admin,
        "/api/plans",
        plan("PT-PII-A", &pii("计划标题"), "莆田市公证处"),
    )
    .await?;
    env.post_json(
        &admin,
        "/api/plans",
        plan("PT-PII-B", "见证人测试", &format!("观察员{GUIDE}")),
    )
    .await?;
    env.post_json(
        &admin,
        "/api/plans",
        plan("PT-PII-C", &pii("草稿标题"), "莆田市公证处"),
    )
    .await?;
    for p in ["PT-PII-D", "PT-PII-E"] {
        env.post_json(
            &admin,
            "/api/plans",
            plan(p, "取消与见证值测试", "莆田市公证处"),
        )
        .await?;
    }
    for p in ["PT-PII-A", "PT-PII-B", "PT-PII-D", "PT-PII-E"] {
        env.post_json(&admin, &format!("/api/plans/{p}/commit"), Value::Null)
            .await?;
    }
    env.post_json(
        &admin,
        "/api/plans/PT-PII-D/cancel",
        json!({"reason": pii("取消理由")}),
    )
    .await?;
    env.at("2026-11-23T03:00:00Z")?;
    let drawn = env
        .post_json(
            &admin,
            "/api/plans/PT-PII-A/draw",
            json!({"witnesses": [{"name": "莆田市公证处", "value": "3 1 4 1 5 9"}]}),
        )
        .await?;
    env.post_json(
        &admin,
        "/api/plans/PT-PII-E/draw",
        json!({"witnesses": [{"name": "莆田市公证处", "value": format!("{GUIDE} 掷骰 3 1 4")}]}),
    )
    .await?;
    let targets: Vec<String> = drawn["selections"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["target"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let approved_target = targets.first().cloned().ok_or("no selection")?;
    env.at("2026-11-25T03:00:00Z")?;
    env.post_json(
        &clerk,
        "/api/plans/PT-PII-A/results",
        json!({"target": approved_target, "code": "corrected_after_order", "method": "现场检查",
               "findings": pii("检查情况"), "follow_up": pii("后续处理"), "completed_on": "2026-11-24"}),
    )
    .await?;
    env.post_json(
        &boss,
        &format!("/api/plans/PT-PII-A/results/{approved_target}/approval"),
        Value::Null,
    )
    .await?;
    let organisation = json!({"kind": "organisation", "name": format!("莆田宁海旅行社（电话{MOBILE}）"), "credit_code": null});
    let person = json!({"kind": "natural_person", "masked_name": "柯**", "guide_card": GUIDE_CARD});
    for (number, party, minor_case, approve) in [
        (CHANGED, organisation.clone(), false, true),
        (REVOKED, person.clone(), false, true),
        (REPAIRED, organisation.clone(), false, true),
        (UNAPPROVED, person.clone(), false, false),
        (MINOR_CASE, person, true, true),
    ] {
        env.post_json(
            &clerk,
            "/api/penalties",
            decision(number, party, minor_case),
        )
        .await?;
        if approve {
            env.post_json(
                &boss,
                &format!("/api/penalties/{}/approval", enc(number)),
                Value::Null,
            )
            .await?;
        }
    }
    Ok((approved_target, "PT-PII-A".into()))
}

/// Every public API route's answer, by path.
async fn every_public_response(
    env: &Env,
    target: &str,
) -> Result<Vec<(String, Vec<u8>)>, BoxError> {
    let mut paths = vec![
        "/api/public/items".to_owned(),
        "/api/public/plans".to_owned(),
        "/api/public/penalties".to_owned(),
        "/openapi.json".to_owned(),
    ];
    for p in ["PT-PII-A", "PT-PII-B", "PT-PII-C", "PT-PII-D", "PT-PII-E"] {
        for sub in [
            "",
            "/commitment",
            "/transcript",
            "/frame.csv",
            "/pool.csv",
            "/verification",
            "/results",
        ] {
            paths.push(format!("/api/public/plans/{p}{sub}"));
        }
        paths.push(format!("/api/public/plans/{p}/proof/{target}"));
    }
    let mut out = Vec::new();
    for p in paths {
        let (_, body) = env.get(&p).await?;
        out.push((p, body));
    }
    Ok(out)
}

fn site_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap_or_default();
                out.push((p.display().to_string(), bytes));
            }
        }
    }
    out
}

/// Every planted string (and every ID/mobile number or known name the scanner finds) in `docs`.
fn hits(docs: &[(String, Vec<u8>)]) -> Vec<String> {
    let scanner = Redactor::new([GUIDE]);
    let mut out = Vec::new();
    for (name, bytes) in docs {
        let text = String::from_utf8_lossy(bytes);
        for s in planted() {
            if text.contains(&s) {
                out.push(format!("{name}: planted {s}"));
            }
        }
        for f in scanner.scan(&text) {
            out.push(format!("{name}: {} {}", f.kind.as_str(), f.excerpt));
        }
    }
    out
}

fn contains(docs: &[(String, Vec<u8>)], what: &str) -> Vec<String> {
    docs.iter()
        .filter(|(_, b)| String::from_utf8_lossy(b).contains(what))
        .map(|(n, _)| n.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_personal_data_never_reaches_a_public_route_or_the_site_and_take_downs_are_everywhere()
-> Result<(), BoxError> {
    let env = Env::new()?;
    let (target, _) = seed(&env).await?;
    let first = env.publish("2026-11-25T04:00:00Z").await?;
    // Plan E's transcript names a person: its draw is held back, the plan itself is published
    // (as on the API).
    let blocked: Vec<&str> = first.blocked.iter().map(|b| b.id.as_str()).collect();
    assert!(blocked.contains(&"draw:PT-PII-E"), "{blocked:?}");
    assert!(!blocked.contains(&"plan:PT-PII-E"), "{blocked:?}");
    let e_dir = env.site.root().join("plans/PT-PII-E");
    assert!(e_dir.join("index.html").is_file());
    assert!(!e_dir.join("transcript.json").exists());
    let api = every_public_response(&env, &target).await?;
    let site = site_files(env.site.root());

    // Not vacuous: what may be public is public, on both surfaces.
    let (status, results) = env.get("/api/public/plans/PT-PII-A/results").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&results).contains(&target));
    assert!(String::from_utf8_lossy(&results).contains("检查情况"));
    for number in [CHANGED, REVOKED, REPAIRED] {
        assert!(
            !contains(&api[2..3], number).is_empty(),
            "{number} is not on /api/public/penalties"
        );
        assert!(
            !contains(&site, number).is_empty(),
            "{number} is not on the site"
        );
        // 检索's lists and client index are among the files scanned, and find the decision.
        let search: Vec<(String, Vec<u8>)> = site
            .iter()
            .filter(|(p, _)| p.contains("/search/") && p.ends_with(".json"))
            .cloned()
            .collect();
        assert!(
            !contains(&search, number).is_empty(),
            "{number} is not in the search index"
        );
    }
    assert!(
        !contains(&site, "计划标题").is_empty(),
        "plan A is not on the site"
    );
    assert!(
        !contains(&site, "取消理由").is_empty(),
        "plan D's cancellation is not on the site"
    );
    assert!(
        !contains(&api, "取消理由").is_empty(),
        "plan D's cancellation is not on the API"
    );
    assert!(
        !contains(&site, "事项内容").is_empty(),
        "the item list is not on the site"
    );
    assert!(
        !contains(&api, "事项内容").is_empty(),
        "the item list is not on the API"
    );
    let (status, _) = env.get("/api/public/plans/PT-PII-E/transcript").await?;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "E's transcript names a person"
    );
    let (status, _) = env.get("/api/public/plans/PT-PII-E").await?;
    assert_eq!(status, StatusCode::OK, "E's plan itself is public");
    // The guide's name is masked, not dropped.
    assert!(!contains(&api, "柯**").is_empty());

    // Zero hits, on every public route and in every site file.
    let found = [hits(&api), hits(&site)].concat();
    assert!(
        found.is_empty(),
        "personal data in public output:\n{}",
        found.join("\n")
    );

    // Never public: a draft, a plan whose commitment names a person, an unapproved decision, a
    // minor's case.
    for p in ["PT-PII-B", "PT-PII-C"] {
        let (status, _) = env.get(&format!("/api/public/plans/{p}")).await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
        assert!(contains(&api[1..2], p).is_empty(), "{p} is listed");
        assert!(
            contains(&site, &format!("plans/{p}")).is_empty(),
            "{p} is on the site"
        );
    }
    for number in [UNAPPROVED, MINOR_CASE] {
        assert!(contains(&api, number).is_empty(), "{number} is on the API");
        assert!(
            !site.iter().any(|(n, b)| !n.ends_with("register.html")
                && !n.ends_with(".json")
                && String::from_utf8_lossy(b).contains(number)
                && n.contains("penalties")),
            "{number} has a decision page"
        );
    }

    // Take-down events: each decision leaves every public route at once, and the site at its
    // next run; the notices' reasons and new result are redacted like everything else.
    let clerk = token("inspector-1", &["inspector"])?;
    let boss = token("supervisor-2", &["supervisor", "inspector"])?;
    env.at("2026-11-26T03:00:00Z")?;
    for (number, change) in [
        (
            CHANGED,
            json!({"kind": "changed", "reason": pii("变更理由"), "new_result": pii("新处罚结果"), "effective_on": "2026-11-26"}),
        ),
        (
            REVOKED,
            json!({"kind": "revoked", "reason": pii("撤销理由"), "new_result": null, "effective_on": "2026-11-26"}),
        ),
        (
            REPAIRED,
            json!({"kind": "credit_repaired", "reason": pii("信用修复理由"), "new_result": null, "effective_on": "2026-11-26"}),
        ),
    ] {
        env.post_json(
            &clerk,
            &format!("/api/penalties/{}/changes", enc(number)),
            change,
        )
        .await?;
        let api = every_public_response(&env, &target).await?;
        assert!(
            contains(&api, number).is_empty(),
            "{number} is still served after its take-down: {:?}",
            contains(&api, number)
        );
    }
    // The changes' own text (reason, new result) waits for someone else's approval: the site's
    // next run takes the decisions down but holds the notices back.
    let report = env.publish("2026-11-26T04:00:00Z").await?;
    for number in [CHANGED, REVOKED] {
        let id = format!("penalty-withdrawal:{number}");
        assert!(
            report.awaiting_approval.iter().any(|d| d.id == id),
            "{id} was not held back: {:?}",
            report.awaiting_approval
        );
    }
    assert!(contains(&site_files(env.site.root()), "变更理由").is_empty());
    for number in [CHANGED, REVOKED, REPAIRED] {
        env.post_json(
            &boss,
            &format!("/api/penalties/{}/changes/1/approval", enc(number)),
            Value::Null,
        )
        .await?;
    }
    env.publish("2026-11-26T05:00:00Z").await?;
    let api = every_public_response(&env, &target).await?;
    let site = site_files(env.site.root());
    let found = [hits(&api), hits(&site)].concat();
    assert!(
        found.is_empty(),
        "personal data in public output:\n{}",
        found.join("\n")
    );
    for number in [CHANGED, REVOKED, REPAIRED] {
        assert!(contains(&api, number).is_empty(), "{number} on the API");
        let slug = spotcheck_site::view::slug(number);
        assert!(
            !env.site
                .root()
                .join(format!("penalties/{slug}.html"))
                .exists(),
            "{number}'s decision page is still on the site"
        );
    }
    // The withdrawal notices of the change and the revocation are out, redacted.
    let notices = contains(&site, "变更理由");
    assert!(!notices.is_empty(), "no withdrawal notice");
    assert!(
        contains(&site, "信用修复理由").is_empty(),
        "credit repair has no notice"
    );
    Ok(())
}
