//! The plan lifecycle's rules hold over HTTP, because the handlers call the application core:
//! the notice before a draw and no draw before its time, sane drafts and dates, the repeat limit
//! from the stored history, drand plans drawn through the API, department scoping for every role
//! (administrators included), and approval errors with typed codes.
//!
//! The router runs in process over SQLite with a clock the test moves.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use spotcheck_api::auth::{Claims, DEFAULT_ISSUER, mint_token};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app};
use spotcheck_beacon::RecordedBeacons;
use spotcheck_domain::draw::QUICKNET;
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type R<T> = Result<T, Box<dyn std::error::Error>>;

const KEY: [u8; 32] = [7; 32];
const DEPT: &str = "莆田市文化和旅游局";
const OTHER: &str = "厦门市文化和旅游局";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

struct Service {
    router: axum::Router,
    clock: Arc<AtomicI64>,
    _dir: tempfile::TempDir,
}

struct Reply {
    status: u16,
    body: Value,
}

impl Service {
    /// A fresh service whose clock stands at `now`, with the fixtures' item list, agencies, guides
    /// and inspectors imported, and recorded drand rounds as its beacon.
    async fn start(now: &str) -> R<Self> {
        let dir = tempfile::tempdir()?;
        let clock = Arc::new(AtomicI64::new(now.parse::<Timestamp>()?.unix()));
        let c = Arc::clone(&clock);
        let beacons =
            RecordedBeacons::from_dir(std::path::Path::new(&format!("{FIXTURES}/beacons")))?;
        let router = app(InspectorState {
            store: Arc::new(SqliteStore::open(dir.path().join("d.sqlite"))?),
            auth: Authenticator::local(&KEY)?,
            sealer: SecretSealer::new([9; 32]),
            clock: Arc::new(move || Timestamp::from_unix(c.load(Ordering::SeqCst))),
            beacon: Some(Arc::new(beacons)),
            timestamper: None,
            schedule: Default::default(),
        });
        let s = Self {
            router,
            clock,
            _dir: dir,
        };
        let admin = token("registrar", DEPT, &["registrar"])?;
        for (kind, file) in [
            ("items", "items/tourism-items.csv"),
            ("agencies", "registries/agencies.synthetic.csv"),
            ("guides", "registries/guides.synthetic.csv"),
            ("inspectors", "registries/inspectors.synthetic.csv"),
        ] {
            let bytes = std::fs::read(format!("{FIXTURES}/{file}"))?;
            let req = Request::post(format!("/api/registries/{kind}"))
                .header(header::AUTHORIZATION, format!("Bearer {admin}"))
                .header(header::CONTENT_TYPE, "text/csv")
                .body(Body::from(bytes))?;
            let r = s.send(req).await?;
            assert!(r.status < 300, "import {kind}: {} {}", r.status, r.body);
        }
        Ok(s)
    }

    fn now(&self) -> i64 {
        self.clock.load(Ordering::SeqCst)
    }

    fn set(&self, unix: i64) {
        self.clock.store(unix, Ordering::SeqCst);
    }

    async fn send(&self, req: Request<Body>) -> R<Reply> {
        let resp = self.router.clone().oneshot(req).await?;
        let status = resp.status().as_u16();
        let bytes = resp.into_body().collect().await?.to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Reply { status, body })
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> R<Reply> {
        let req = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::to_vec(&body)?))?;
        self.send(req).await
    }

    async fn post_empty(&self, token: &str, path: &str) -> R<Reply> {
        let req = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::empty())?;
        self.send(req).await
    }

    async fn get(&self, path: &str) -> R<Reply> {
        self.send(Request::get(path).body(Body::empty())?).await
    }
}

fn token(sub: &str, department: &str, roles: &[&str]) -> R<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    Ok(mint_token(
        &KEY,
        &Claims {
            sub: sub.into(),
            department: department.into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            iss: DEFAULT_ISSUER.into(),
            iat: now,
            exp: now + 3600,
            nbf: None,
        },
    )?)
}

fn at(unix: i64) -> String {
    Timestamp::from_unix(unix).to_string()
}

fn plan(id: &str, planned: i64) -> Value {
    json!({
        "id": id,
        "item": "PT-LY-001",
        "title": "规则测试抽查",
        "department": DEPT,
        "target_kind": "agency",
        "filter": {"mode": "untargeted"},
        "stratum_scheme": "region",
        "parameters": {"default": {"count": 1}, "inspectors_per_target": 2},
        "entropy_source": {"witnesses": ["观察员 李某"]},
        "planned_draw_at": at(planned)
    })
}

fn witness() -> Value {
    json!({"witnesses": [{"name": "观察员 李某", "value": "3 1 4 1 5 9"}]})
}

fn code(r: &Reply) -> &str {
    r.body["code"].as_str().unwrap_or_default()
}

/// Creates, commits (a day and an hour ahead of the draw) and draws a plan; returns the draw.
async fn drawn(s: &Service, staff: &str, body: Value) -> R<Reply> {
    let id = body["id"].as_str().unwrap_or_default().to_owned();
    let planned: Timestamp = body["planned_draw_at"]
        .as_str()
        .unwrap_or_default()
        .parse()?;
    let r = s.post(staff, "/api/plans", body).await?;
    assert_eq!(r.status, 201, "create: {}", r.body);
    let r = s
        .post_empty(staff, &format!("/api/plans/{id}/commit"))
        .await?;
    assert_eq!(r.status, 201, "commit: {}", r.body);
    s.set(planned.unix());
    let r = s
        .post(staff, &format!("/api/plans/{id}/draw"), witness())
        .await?;
    assert_eq!(r.status, 201, "draw: {}", r.body);
    Ok(r)
}

#[tokio::test]
async fn a_draw_inside_the_notice_or_beyond_a_year_is_refused_at_creation() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let staff = token("clerk", DEPT, &["inspector", "supervisor"])?;
    let soon = s
        .post(&staff, "/api/plans", plan("PT-R-1", s.now() + 2 * HOUR))
        .await?;
    assert_eq!(soon.status, 422, "{}", soon.body);
    assert_eq!(code(&soon), "notice-too-short");
    assert!(
        soon.body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains(&at(s.now() + DAY)),
        "the refusal names the earliest time: {}",
        soon.body
    );
    let far = s
        .post(&staff, "/api/plans", plan("PT-R-2", s.now() + 400 * DAY))
        .await?;
    assert_eq!(far.status, 422);
    assert_eq!(code(&far), "planned-too-far-ahead");
    let ok = s
        .post(&staff, "/api/plans", plan("PT-R-3", s.now() + DAY + HOUR))
        .await?;
    assert_eq!(ok.status, 201, "{}", ok.body);
    Ok(())
}

#[tokio::test]
async fn drafts_that_no_draw_could_keep_are_refused() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let staff = token("clerk", DEPT, &["inspector"])?;
    let planned = s.now() + 2 * DAY;
    let mut zero = plan("PT-R-10", planned);
    zero["parameters"]["default"] = json!({"count": 0});
    let mut one = plan("PT-R-11", planned);
    one["parameters"]["inspectors_per_target"] = json!(1);
    let mut nobody = plan("PT-R-12", planned);
    nobody["entropy_source"] = json!({"witnesses": []});
    let mut unknown = plan("PT-R-13", planned);
    unknown["item"] = json!("PT-LY-999");
    for (body, want) in [
        (zero, "invalid-draft"),
        (one, "invalid-draft"),
        (nobody, "invalid-draft"),
        (unknown, "unknown-item"),
    ] {
        let r = s.post(&staff, "/api/plans", body).await?;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(code(&r), want, "{}", r.body);
    }
    Ok(())
}

#[tokio::test]
async fn no_draw_runs_before_its_planned_time() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let staff = token("chief", DEPT, &["inspector", "supervisor"])?;
    let planned = s.now() + DAY + HOUR;
    assert_eq!(
        s.post(&staff, "/api/plans", plan("PT-R-20", planned))
            .await?
            .status,
        201
    );
    let r = s.post_empty(&staff, "/api/plans/PT-R-20/commit").await?;
    assert_eq!(r.status, 201, "{}", r.body);
    // Even in the second of the commit: nobody outside could have seen the commitment yet.
    let early = s.post(&staff, "/api/plans/PT-R-20/draw", witness()).await?;
    assert_eq!(early.status, 409, "{}", early.body);
    assert_eq!(code(&early), "draw-too-early");
    assert!(
        early.body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains(&at(planned)),
        "{}",
        early.body
    );
    s.set(planned - 1);
    assert_eq!(
        s.post(&staff, "/api/plans/PT-R-20/draw", witness())
            .await?
            .status,
        409
    );
    s.set(planned);
    let r = s.post(&staff, "/api/plans/PT-R-20/draw", witness()).await?;
    assert_eq!(r.status, 201, "{}", r.body);
    Ok(())
}

#[tokio::test]
async fn a_commit_whose_notice_has_run_out_is_refused() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let staff = token("chief", DEPT, &["inspector", "supervisor"])?;
    let planned = s.now() + DAY + HOUR;
    s.post(&staff, "/api/plans", plan("PT-R-25", planned))
        .await?;
    s.set(planned - HOUR);
    let r = s.post_empty(&staff, "/api/plans/PT-R-25/commit").await?;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(code(&r), "notice-too-short");
    Ok(())
}

#[tokio::test]
async fn the_repeat_limit_leaves_out_targets_checked_within_it() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let staff = token("chief", DEPT, &["inspector", "supervisor"])?;
    // PT-LY-001 protects A-class agencies for 12 months after a check.
    let mut first = plan("PT-R-30", s.now() + DAY + HOUR);
    first["filter"] = json!({"mode": "targeted", "regions": [], "credit_classes": ["A"], "outbound": null, "statuses": []});
    first["parameters"] = json!({"default": {"count": 3}, "inspectors_per_target": 2});
    let draw = drawn(&s, &staff, first.clone()).await?;
    let checked: Vec<String> = draw.body["selections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|sel| sel["target"].as_str().map(str::to_owned))
        .collect();
    assert!(!checked.is_empty(), "{}", draw.body);
    let today = Timestamp::from_unix(s.now())
        .to_datetime()
        .map(|t| t.date_naive().to_string())
        .unwrap_or_default();
    for target in &checked {
        let r = s
            .post(
                &staff,
                "/api/plans/PT-R-30/results",
                json!({"target": target, "code": "no_problem_found", "method": "现场检查",
                       "findings": "资质齐全", "completed_on": today}),
            )
            .await?;
        assert_eq!(r.status, 201, "{}", r.body);
    }

    s.set(s.now() + 30 * DAY);
    let mut second = first;
    second["id"] = json!("PT-R-31");
    second["planned_draw_at"] = json!(at(s.now() + DAY + HOUR));
    let r = s.post(&staff, "/api/plans", second).await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s.post_empty(&staff, "/api/plans/PT-R-31/commit").await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let exclusions = r.body["plan"]["provenance"]["exclusions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for target in &checked {
        let why = exclusions
            .iter()
            .find(|e| e["target"].as_str() == Some(target))
            .ok_or_else(|| {
                format!("{target} checked a month ago is not excluded: {exclusions:?}")
            })?;
        assert_eq!(why["last_checked"].as_str(), Some(today.as_str()));
    }
    Ok(())
}

#[tokio::test]
async fn a_plan_that_promises_a_drand_round_is_drawn_through_the_api() -> TestResult {
    let round_time = QUICKNET
        .round_time(1000)
        .ok_or("quicknet round 1000 has a time")?
        .unix();
    let s = Service::start(&at(round_time - 3 * DAY)).await?;
    let staff = token("chief", DEPT, &["inspector", "supervisor"])?;
    let mut body = plan("PT-R-40", round_time);
    body["entropy_source"] = json!({
        "witnesses": [],
        "drand": {"chain_hash": QUICKNET.chain_hash.to_string(), "round": 1000}
    });
    let r = s.post(&staff, "/api/plans", body).await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s.post_empty(&staff, "/api/plans/PT-R-40/commit").await?;
    assert_eq!(r.status, 201, "{}", r.body);
    s.set(round_time);
    let r = s
        .post(&staff, "/api/plans/PT-R-40/draw", json!({"witnesses": []}))
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let t = s.get("/api/public/plans/PT-R-40/transcript").await?;
    assert_eq!(
        t.body["entropy"]["drand"]["round"].as_u64(),
        Some(1000),
        "{}",
        t.body
    );
    let v = s.get("/api/public/plans/PT-R-40/verification").await?;
    assert_eq!(v.status, 200, "{}", v.body);
    Ok(())
}

#[tokio::test]
async fn every_role_acts_only_within_its_own_department() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let own = token("chief", DEPT, &["inspector", "supervisor"])?;
    let outsider = token("outsider", OTHER, &["admin"])?;
    let planned = s.now() + DAY + HOUR;
    let r = s
        .post(&outsider, "/api/plans", plan("PT-R-50", planned))
        .await?;
    assert_eq!(
        r.status, 403,
        "an admin of {OTHER} creates {DEPT}'s plan: {}",
        r.body
    );
    assert_eq!(
        s.post(&own, "/api/plans", plan("PT-R-50", planned))
            .await?
            .status,
        201
    );
    let r = s.post_empty(&outsider, "/api/plans/PT-R-50/commit").await?;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        s.post_empty(&own, "/api/plans/PT-R-50/commit")
            .await?
            .status,
        201
    );
    s.set(planned);
    let r = s
        .post(&outsider, "/api/plans/PT-R-50/draw", witness())
        .await?;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = s
        .post(
            &outsider,
            "/api/plans/PT-R-50/cancel",
            json!({"reason": "越权"}),
        )
        .await?;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = s.post(&own, "/api/plans/PT-R-50/draw", witness()).await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let target = r.body["selections"][0]["target"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let result = json!({"target": target, "code": "no_problem_found", "method": "现场检查",
                        "findings": "资质齐全", "completed_on": "2026-03-03"});
    let r = s
        .post(&outsider, "/api/plans/PT-R-50/results", result.clone())
        .await?;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        s.post(&own, "/api/plans/PT-R-50/results", result)
            .await?
            .status,
        201
    );
    let r = s
        .post_empty(
            &outsider,
            &format!("/api/plans/PT-R-50/results/{target}/approval"),
        )
        .await?;
    assert_eq!(r.status, 403, "{}", r.body);
    Ok(())
}

#[tokio::test]
async fn result_dates_lie_between_the_draw_and_today() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let staff = token("chief", DEPT, &["inspector", "supervisor"])?;
    let draw = drawn(&s, &staff, plan("PT-R-60", s.now() + DAY + HOUR)).await?;
    let target = draw.body["selections"][0]["target"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for bad in ["9999-12-31", "2026-03-01", "2026-03-04"] {
        let r = s
            .post(
                &staff,
                "/api/plans/PT-R-60/results",
                json!({"target": target, "code": "no_problem_found", "method": "现场检查",
                       "findings": "资质齐全", "completed_on": bad}),
            )
            .await?;
        assert_eq!(r.status, 422, "completed_on {bad}: {}", r.body);
        assert_eq!(code(&r), "date-out-of-range");
    }
    let r = s
        .post(
            &staff,
            "/api/plans/PT-R-60/results",
            json!({"target": target, "code": "no_problem_found", "method": "现场检查",
                   "findings": "资质齐全", "completed_on": "2026-03-03"}),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    Ok(())
}

fn decision(number: &str, decided_on: &str) -> Value {
    json!({
        "number": number,
        "party": {"kind": "organisation", "name": "莆田宁海商务旅行社有限公司", "credit_code": "91350302MA00000ETT"},
        "cause": "未按规定签订旅游合同",
        "legal_basis": "《中华人民共和国旅游法》第九十五条",
        "conditions": "",
        "procedure": "一般程序",
        "result": "警告",
        "authority": DEPT,
        "decided_on": decided_on,
        "minor": false,
        "involves_minor": false,
        "target": null,
        "plan": null
    })
}

#[tokio::test]
async fn decisions_and_their_changes_are_dated_sanely_and_approved_by_another() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let clerk = token("clerk", DEPT, &["inspector"])?;
    let chief = token("chief", DEPT, &["supervisor"])?;
    let future = s
        .post(
            &clerk,
            "/api/penalties",
            decision("莆文旅罚〔2026〕1号", "2026-03-05"),
        )
        .await?;
    assert_eq!(future.status, 422, "{}", future.body);
    assert_eq!(code(&future), "date-out-of-range");
    let r = s
        .post(
            &clerk,
            "/api/penalties",
            decision("莆文旅罚〔2026〕1号", "2026-03-01"),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);

    let number = "莆文旅罚〔2026〕1号";
    let path = |p: &str| format!("/api/penalties/{}/{p}", urlencode(number));
    // Approval: never by the person who entered it; once.
    let own = s.post_empty(&clerk, &path("approval")).await?;
    assert!(matches!(own.status, 403 | 409), "{}", own.body);
    let r = s.post_empty(&chief, &path("approval")).await?;
    assert_eq!(r.status, 200, "{}", r.body);
    let again = s.post_empty(&chief, &path("approval")).await?;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(code(&again), "already-approved");

    // Changes are validated like the decision.
    for (body, want) in [
        (
            json!({"kind": "revoked", "reason": "复议撤销", "new_result": "罚款一万元", "effective_on": "2026-03-02"}),
            "invalid",
        ),
        (
            json!({"kind": "changed", "reason": "复议变更", "effective_on": "2026-03-02"}),
            "invalid",
        ),
        (
            json!({"kind": "revoked", "reason": "复议撤销", "effective_on": "2027-01-01"}),
            "date-out-of-range",
        ),
        (
            json!({"kind": "revoked", "reason": "复议撤销\u{202e}", "effective_on": "2026-03-02"}),
            "invalid",
        ),
    ] {
        let r = s.post(&clerk, &path("changes"), body.clone()).await?;
        assert_eq!(r.status, 422, "{body}: {}", r.body);
        assert_eq!(code(&r), want, "{body}: {}", r.body);
    }
    Ok(())
}

#[tokio::test]
async fn approving_your_own_result_is_refused_with_its_own_code() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let chief = token("chief", DEPT, &["inspector", "supervisor"])?;
    let draw = drawn(&s, &chief, plan("PT-R-70", s.now() + DAY + HOUR)).await?;
    let target = draw.body["selections"][0]["target"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = s
        .post(
            &chief,
            "/api/plans/PT-R-70/results",
            json!({"target": target, "code": "no_problem_found", "method": "现场检查",
                   "findings": "资质齐全", "completed_on": "2026-03-03"}),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let own = s
        .post_empty(
            &chief,
            &format!("/api/plans/PT-R-70/results/{target}/approval"),
        )
        .await?;
    assert_eq!(own.status, 409, "{}", own.body);
    assert_eq!(code(&own), "own-entry");
    Ok(())
}

impl Service {
    async fn post_keyed(
        &self,
        token: &str,
        path: &str,
        key: &str,
        body: Option<Value>,
    ) -> R<Reply> {
        let req = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", key)
            .body(match body {
                Some(b) => Body::from(serde_json::to_vec(&b)?),
                None => Body::empty(),
            })?;
        self.send(req).await
    }
}

#[tokio::test]
async fn a_retried_commit_or_draw_with_its_key_gets_the_first_answer() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let chief = token("chief", DEPT, &["inspector", "supervisor"])?;
    let planned = s.now() + DAY + HOUR;
    assert_eq!(
        s.post(&chief, "/api/plans", plan("PT-R-80", planned))
            .await?
            .status,
        201
    );
    let first = s
        .post_keyed(&chief, "/api/plans/PT-R-80/commit", "commit-80", None)
        .await?;
    assert_eq!(first.status, 201, "{}", first.body);
    s.set(s.now() + 60);
    let again = s
        .post_keyed(&chief, "/api/plans/PT-R-80/commit", "commit-80", None)
        .await?;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.body["commitment_hash"], first.body["commitment_hash"]);
    let other = s
        .post_keyed(&chief, "/api/plans/PT-R-80/commit", "commit-80-b", None)
        .await?;
    assert_eq!(other.status, 409, "{}", other.body);
    assert_eq!(code(&other), "already-committed");

    s.set(planned);
    let drawn = s
        .post_keyed(
            &chief,
            "/api/plans/PT-R-80/draw",
            "draw-80",
            Some(witness()),
        )
        .await?;
    assert_eq!(drawn.status, 201, "{}", drawn.body);
    let again = s
        .post_keyed(
            &chief,
            "/api/plans/PT-R-80/draw",
            "draw-80",
            Some(witness()),
        )
        .await?;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(
        again.body["transcript_digest"],
        drawn.body["transcript_digest"]
    );
    let reused = s
        .post_keyed(
            &chief,
            "/api/plans/PT-R-80/draw",
            "draw-80",
            Some(json!({"witnesses": [{"name": "观察员 李某", "value": "另一个值"}]})),
        )
        .await?;
    assert_eq!(reused.status, 422, "{}", reused.body);
    assert_eq!(code(&reused), "idempotency-key-reused");
    Ok(())
}

#[tokio::test]
async fn idempotency_keys_are_scoped_to_the_caller() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let alice = token("alice", DEPT, &["inspector"])?;
    let bob = token("bob", DEPT, &["inspector"])?;
    let planned = s.now() + DAY + HOUR;
    // Bob sends Alice's key first, with another request: it claims nothing of hers.
    let r = s
        .post_keyed(
            &bob,
            "/api/plans",
            "shared-key",
            Some(plan("PT-R-90", planned)),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s
        .post_keyed(
            &alice,
            "/api/plans",
            "shared-key",
            Some(plan("PT-R-91", planned)),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    // The same caller reusing a key for another request is told so, as a 422.
    let r = s
        .post_keyed(
            &alice,
            "/api/plans",
            "shared-key",
            Some(plan("PT-R-92", planned)),
        )
        .await?;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(code(&r), "idempotency-key-reused");
    Ok(())
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Service {
    async fn get_as(&self, token: &str, path: &str) -> R<Reply> {
        let req = Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())?;
        self.send(req).await
    }

    async fn put(&self, token: &str, path: &str, body: Value) -> R<Reply> {
        let req = Request::put(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::to_vec(&body)?))?;
        self.send(req).await
    }
}

fn ids(r: &Reply) -> Vec<String> {
    r.body
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["spec"]["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn staff_read_amend_and_withdraw_their_own_drafts() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let clerk = token("clerk", DEPT, &["inspector"])?;
    let outsider = token("outsider", OTHER, &["inspector", "admin"])?;
    let planned = s.now() + 2 * DAY;
    for id in ["PT-R-100", "PT-R-101"] {
        assert_eq!(
            s.post(&clerk, "/api/plans", plan(id, planned))
                .await?
                .status,
            201
        );
    }
    let mine = s.get_as(&clerk, "/api/plans?state=draft").await?;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(ids(&mine), ["PT-R-100", "PT-R-101"]);
    let theirs = s.get_as(&outsider, "/api/plans").await?;
    assert_eq!(theirs.status, 200);
    assert!(ids(&theirs).is_empty(), "{}", theirs.body);
    let bad = s.get_as(&clerk, "/api/plans?state=lost").await?;
    assert_eq!(bad.status, 422, "{}", bad.body);

    // Amend: checked as at creation, against the version read.
    let mut spec = plan("PT-R-100", planned);
    spec["title"] = json!("修订后的标题");
    let r = s
        .put(
            &clerk,
            "/api/plans/PT-R-100",
            json!({"expected_version": 1, "spec": spec.clone()}),
        )
        .await?;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["spec"]["title"], "修订后的标题");
    // (The same request again is a retry, answered as the first; another one made against
    // version 1 is stale.)
    spec["title"] = json!("又一次修订");
    let stale = s
        .put(
            &clerk,
            "/api/plans/PT-R-100",
            json!({"expected_version": 1, "spec": spec.clone()}),
        )
        .await?;
    assert_eq!(stale.status, 409, "{}", stale.body);
    spec["planned_draw_at"] = json!(at(s.now() + HOUR));
    let soon = s
        .put(
            &clerk,
            "/api/plans/PT-R-100",
            json!({"expected_version": 2, "spec": spec}),
        )
        .await?;
    assert_eq!(soon.status, 422, "{}", soon.body);
    let r = s
        .put(
            &outsider,
            "/api/plans/PT-R-101",
            json!({"expected_version": 1, "spec": plan("PT-R-101", planned)}),
        )
        .await?;
    assert_eq!(r.status, 403, "{}", r.body);

    // Withdraw a draft; a committed plan is cancelled by a supervisor instead.
    let r = s
        .post(
            &clerk,
            "/api/plans/PT-R-101/withdraw",
            json!({"reason": "重复立项"}),
        )
        .await?;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["state"]["state"], "cancelled");
    let r = s
        .post(
            &clerk,
            "/api/plans/PT-R-101/withdraw",
            json!({"reason": "重复立项"}),
        )
        .await?;
    assert_eq!(r.status, 409, "{}", r.body);
    Ok(())
}

#[tokio::test]
async fn approvers_see_what_awaits_them_beside_its_public_rendering_and_inspectors_their_assignments()
-> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let chief = token("chief", DEPT, &["inspector", "supervisor"])?;
    let draw = drawn(&s, &chief, plan("PT-R-110", s.now() + DAY + HOUR)).await?;
    let selection = &draw.body["selections"][0];
    let target = selection["target"].as_str().unwrap_or_default().to_owned();
    let inspector = selection["inspectors"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // The inspector who goes enters the result, with a number that must never be published.
    let goer = token(&inspector, DEPT, &["inspector"])?;
    let mine = s.get_as(&goer, "/api/assignments").await?;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let listed = mine.body.as_array().cloned().unwrap_or_default();
    assert!(
        listed
            .iter()
            .any(|a| a["target"] == target.as_str() && a["result_recorded"] == false),
        "{}",
        mine.body
    );
    let findings = "当事人身份证号350302199001011234，现场已整改";
    let r = s
        .post(
            &goer,
            "/api/plans/PT-R-110/results",
            json!({"target": target, "code": "corrected_after_order", "method": "现场检查",
                   "findings": findings, "completed_on": "2026-03-03"}),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);

    let pending = s.get_as(&chief, "/api/approvals").await?;
    assert_eq!(pending.status, 200, "{}", pending.body);
    let item = pending
        .body
        .as_array()
        .and_then(|a| a.iter().find(|p| p["target"] == target.as_str()))
        .cloned()
        .ok_or("the result awaits the chief's approval")?;
    assert_eq!(item["entered_by"], inspector.as_str());
    let text = &item["texts"][0];
    assert_eq!(text["entered"], findings);
    let public = text["public"].as_str().unwrap_or_default();
    assert!(!public.contains("350302199001011234"), "{public}");
    assert!(public.contains("现场已整改"), "{public}");
    // Nobody is offered their own entry.
    let own = s.get_as(&goer, "/api/approvals").await?;
    assert_eq!(
        own.status, 403,
        "an inspector approves nothing: {}",
        own.body
    );
    let duties = s.get_as(&chief, "/api/duties").await?;
    assert_eq!(duties.status, 200, "{}", duties.body);
    Ok(())
}

#[tokio::test]
async fn a_change_takes_the_decision_down_at_once_and_publishes_its_text_after_four_eyes()
-> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let clerk = token("clerk", DEPT, &["inspector"])?;
    let chief = token("chief", DEPT, &["supervisor"])?;
    let number = "莆文旅罚〔2026〕2号";
    let path = |p: &str| format!("/api/penalties/{}/{p}", urlencode(number));
    let r = s
        .post(&clerk, "/api/penalties", decision(number, "2026-03-01"))
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(s.post_empty(&chief, &path("approval")).await?.status, 200);
    let public = s.get("/api/public/penalties").await?;
    assert!(public.body.to_string().contains(number), "{}", public.body);

    let r = s
        .post(
            &clerk,
            &path("changes"),
            json!({"kind": "revoked", "reason": "经复议撤销", "effective_on": "2026-03-02"}),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    // Taken down at once: the decision is no longer served.
    let public = s.get("/api/public/penalties").await?;
    assert!(!public.body.to_string().contains(number), "{}", public.body);
    // The change awaits someone else's approval, listed with its public rendering.
    let pending = s.get_as(&chief, "/api/approvals").await?;
    assert!(
        pending
            .body
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["kind"] == "penalty_change" && p["change"] == 1),
        "{}",
        pending.body
    );
    let own = s.post_empty(&clerk, &path("changes/1/approval")).await?;
    assert_eq!(own.status, 403, "{}", own.body);
    let selfish = token("clerk", DEPT, &["inspector", "supervisor"])?;
    let own = s.post_empty(&selfish, &path("changes/1/approval")).await?;
    assert_eq!(own.status, 409, "{}", own.body);
    assert_eq!(code(&own), "own-entry");
    let r = s.post_empty(&chief, &path("changes/1/approval")).await?;
    assert_eq!(r.status, 200, "{}", r.body);
    let missing = s.post_empty(&chief, &path("changes/2/approval")).await?;
    assert_eq!(missing.status, 404, "{}", missing.body);
    Ok(())
}

#[tokio::test]
async fn only_a_registrar_replaces_the_shared_registries() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let bytes = std::fs::read(format!("{FIXTURES}/registries/agencies.synthetic.csv"))?;
    let upload = |token: String| {
        Request::post("/api/registries/agencies")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(bytes.clone()))
    };
    // An administrator of one department cannot replace every department's registry.
    let r = s.send(upload(token("boss", DEPT, &["admin"])?)?).await?;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = s
        .send(upload(token("registrar", DEPT, &["registrar"])?)?)
        .await?;
    assert!(r.status == 200 || r.status == 201, "{}", r.body);
    Ok(())
}

#[tokio::test]
async fn personal_numbers_never_reach_a_commitment_or_a_transcript() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let chief = token("chief", DEPT, &["inspector", "supervisor"])?;
    let planned = s.now() + DAY + HOUR;
    let mut body = plan("PT-R-120", planned);
    body["entropy_source"] = json!({"witnesses": ["观察员 李某 13812345678"]});
    let r = s.post(&chief, "/api/plans", body).await?;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(code(&r), "personal-data");
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("entropy_source.witnesses[0]"), "{detail}");
    assert!(
        !detail.contains("13812345678"),
        "the refusal repeats the number: {detail}"
    );

    assert_eq!(
        s.post(&chief, "/api/plans", plan("PT-R-121", planned))
            .await?
            .status,
        201
    );
    assert_eq!(
        s.post_empty(&chief, "/api/plans/PT-R-121/commit")
            .await?
            .status,
        201
    );
    s.set(planned);
    let r = s
        .post(
            &chief,
            "/api/plans/PT-R-121/draw",
            json!({"witnesses": [{"name": "观察员 李某", "value": "身份证 11010519491231002X"}]}),
        )
        .await?;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(code(&r), "personal-data");
    assert_eq!(
        s.post(&chief, "/api/plans/PT-R-121/draw", witness())
            .await?
            .status,
        201
    );
    Ok(())
}

/// The plan's date is the bureau's (China, UTC+8), like a result's `completed_on`: a target
/// checked "today" in China does not refuse a plan committed the same China day in the UTC
/// evening (16:00-24:00 UTC, when the UTC date is still the day before), it is excluded as
/// checked within the repeat limit.
#[tokio::test]
async fn a_check_completed_today_in_china_counts_for_a_commit_in_the_utc_evening() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let staff = token("chief", DEPT, &["inspector", "supervisor"])?;
    let mut first = plan("PT-R-40", s.now() + DAY + HOUR);
    first["filter"] = json!({"mode": "targeted", "regions": [], "credit_classes": ["A"], "outbound": null, "statuses": []});
    first["parameters"] = json!({"default": {"count": 3}, "inspectors_per_target": 2});
    let draw = drawn(&s, &staff, first.clone()).await?;
    let checked: Vec<String> = draw.body["selections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|sel| sel["target"].as_str().map(str::to_owned))
        .collect();
    assert!(!checked.is_empty(), "{}", draw.body);
    // 20:00 UTC on 3 March is 04:00 on 4 March in China.
    s.set("2026-03-03T20:00:00Z".parse::<Timestamp>()?.unix());
    let china_today = "2026-03-04";
    for target in &checked {
        let r = s
            .post(
                &staff,
                "/api/plans/PT-R-40/results",
                json!({"target": target, "code": "no_problem_found", "method": "现场检查",
                       "findings": "资质齐全", "completed_on": china_today}),
            )
            .await?;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let mut second = first;
    second["id"] = json!("PT-R-41");
    second["planned_draw_at"] = json!(at(s.now() + DAY + HOUR));
    // The preview excludes what commit will exclude: the same China date.
    let r = s.post(&staff, "/api/plans/preview", second.clone()).await?;
    assert_eq!(r.status, 200, "{}", r.body);
    let previewed = r.body["provenance"]["exclusions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for target in &checked {
        let why = previewed
            .iter()
            .find(|e| e["target"].as_str() == Some(target))
            .ok_or_else(|| {
                format!("{target} checked today is not excluded in the preview: {previewed:?}")
            })?;
        assert_eq!(why["last_checked"].as_str(), Some(china_today));
    }
    let r = s.post(&staff, "/api/plans", second).await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s.post_empty(&staff, "/api/plans/PT-R-41/commit").await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let exclusions = r.body["plan"]["provenance"]["exclusions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for target in &checked {
        let why = exclusions
            .iter()
            .find(|e| e["target"].as_str() == Some(target))
            .ok_or_else(|| format!("{target} checked today is not excluded: {exclusions:?}"))?;
        assert_eq!(why["last_checked"].as_str(), Some(china_today));
    }
    Ok(())
}
