//! Joint plans (部门联合双随机抽查, draw spec §17) over real HTTP: the service listens on a port of
//! 127.0.0.1 and every request is a request on a socket, with two (or three) departments' staff
//! tokens. The lead creates the plan; each partner's supervisor approves its participation and
//! its pool before the lead may commit; the commitment is a `spotcheck-draw/2` one over every
//! department's inspectors, and the published transcript verifies with the domain's verifier.
//! Each refusal is problem+json with a stable code: commit before the approvals, a partner
//! changing the lead's plan, the lead approving as a partner, a result recorded by a department
//! with no inspector on the target's team.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use serde_json::{Value, json};
use spotcheck_api::auth::{Claims, DEFAULT_ISSUER, mint_token};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app};
use spotcheck_domain::draw::{JOINT_SPEC_VERSION, Transcript, verify};
use spotcheck_domain::frame::{Frame, FrameBuilder, InspectorPool, PoolBuilder};
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type R<T> = Result<T, Box<dyn std::error::Error>>;

const KEY: [u8; 32] = [7; 32];
const LEAD: &str = "莆田市文化和旅游局";
const MARKET: &str = "莆田市市场监督管理局";
const POLICE: &str = "莆田市公安局";
const STRANGER: &str = "厦门市文化和旅游局";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

struct Reply {
    status: u16,
    content_type: String,
    body: Value,
    bytes: Vec<u8>,
}

struct Service {
    addr: SocketAddr,
    clock: Arc<AtomicI64>,
    server: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Drop for Service {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The fixture roster with four inspectors of the market regulator and four of the police added,
/// all of them checking travel agencies; `changed` renames one market inspector's conflicts.
fn roster(changed: bool) -> R<Vec<u8>> {
    let mut csv =
        std::fs::read_to_string(format!("{FIXTURES}/registries/inspectors.synthetic.csv"))?;
    if !csv.ends_with('\n') {
        csv.push('\n');
    }
    for (prefix, dept, card) in [("SJ", MARKET, "FJ35030090"), ("GA", POLICE, "FJ35030091")] {
        for i in 1..=4 {
            let conflict = if changed && prefix == "SJ" && i == 1 {
                "D-3503-000006"
            } else {
                ""
            };
            csv.push_str(&format!(
                "PT-{prefix}-00{i},联合检查员{prefix}{i},{card}{i:03},{dept},350300,旅行社,{conflict}\n"
            ));
        }
    }
    Ok(csv.into_bytes())
}

impl Service {
    /// A service on a free port of 127.0.0.1 over a fresh SQLite file, its clock at `now`, with
    /// the fixtures' item list, agencies and guides and the joint roster imported.
    async fn start(now: &str) -> R<Self> {
        let dir = tempfile::tempdir()?;
        let clock = Arc::new(AtomicI64::new(now.parse::<Timestamp>()?.unix()));
        let c = Arc::clone(&clock);
        let router = app(InspectorState {
            store: Arc::new(SqliteStore::open(dir.path().join("d.sqlite"))?),
            auth: Authenticator::local(&KEY)?,
            sealer: SecretSealer::new([9; 32]),
            clock: Arc::new(move || Timestamp::from_unix(c.load(Ordering::SeqCst))),
            beacon: None,
            timestamper: None,
            schedule: Default::default(),
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            let service = router.into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, service).await;
        });
        let s = Self {
            addr,
            clock,
            server,
            _dir: dir,
        };
        for (kind, file) in [
            ("items", "items/tourism-items.csv"),
            ("agencies", "registries/agencies.synthetic.csv"),
            ("guides", "registries/guides.synthetic.csv"),
        ] {
            let bytes = std::fs::read(format!("{FIXTURES}/{file}"))?;
            s.import(kind, bytes).await?;
        }
        s.import("inspectors", roster(false)?).await?;
        Ok(s)
    }

    async fn import(&self, kind: &str, bytes: Vec<u8>) -> R<()> {
        let registrar = token("registrar", LEAD, &["registrar"])?;
        let r = self
            .request(
                "POST",
                &format!("/api/registries/{kind}"),
                Some(&registrar),
                "text/csv",
                &bytes,
            )
            .await?;
        assert!(r.status < 300, "import {kind}: {} {}", r.status, r.body);
        Ok(())
    }

    fn now(&self) -> i64 {
        self.clock.load(Ordering::SeqCst)
    }

    fn set(&self, unix: i64) {
        self.clock.store(unix, Ordering::SeqCst);
    }

    /// One HTTP/1.1 request on a new connection (`Connection: close`), read to the end.
    async fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> R<Reply> {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(t) = token {
            head.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        if !content_type.is_empty() {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        parse_response(&raw)
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> R<Reply> {
        self.request(
            "POST",
            path,
            Some(token),
            "application/json",
            &serde_json::to_vec(&body)?,
        )
        .await
    }

    async fn post_empty(&self, token: &str, path: &str) -> R<Reply> {
        self.request("POST", path, Some(token), "", &[]).await
    }

    async fn put(&self, token: &str, path: &str, body: Value) -> R<Reply> {
        self.request(
            "PUT",
            path,
            Some(token),
            "application/json",
            &serde_json::to_vec(&body)?,
        )
        .await
    }

    async fn get(&self, token: Option<&str>, path: &str) -> R<Reply> {
        self.request("GET", path, token, "", &[]).await
    }
}

/// Status, content type and body of an HTTP/1.1 response (plain or chunked).
fn parse_response(raw: &[u8]) -> R<Reply> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers")?;
    let head = std::str::from_utf8(&raw[..split])?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .ok_or("no status line")?
        .parse()?;
    let mut content_type = String::new();
    let mut chunked = false;
    for l in lines {
        let Some((k, v)) = l.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        if k == "content-type" {
            content_type = v.to_owned();
        }
        if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
            chunked = true;
        }
    }
    let mut body = raw[split + 4..].to_vec();
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or("bad chunk")?;
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..eol])?.trim(), 16)?;
            rest = &rest[eol + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(rest.get(..size).ok_or("short chunk")?);
            rest = rest.get(size + 2..).ok_or("short chunk")?;
        }
        body = out;
    }
    Ok(Reply {
        status,
        content_type,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        bytes: body,
    })
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

/// Staff of `department` with the inspector and supervisor roles.
fn staff(sub: &str, department: &str) -> R<String> {
    token(sub, department, &["inspector", "supervisor"])
}

fn at(unix: i64) -> String {
    Timestamp::from_unix(unix).to_string()
}

/// A joint plan of travel agencies led by 莆田市文化和旅游局 with `partners` and `require`.
fn joint_plan(id: &str, planned: i64, partners: &[&str], require: Value, count: u32) -> Value {
    json!({
        "id": id,
        "item": "PT-LY-001",
        "title": "旅行社部门联合抽查",
        "department": LEAD,
        "target_kind": "agency",
        "filter": {"mode": "untargeted"},
        "stratum_scheme": "region",
        "parameters": {
            "default": {"count": count},
            "inspectors_per_target": 2,
            "joint": {"lead": LEAD, "partners": partners, "require": require}
        },
        "entropy_source": {"witnesses": ["观察员 李某"]},
        "planned_draw_at": at(planned)
    })
}

/// A partner's approval of the plan as `token`'s department lists it now (its current version).
async fn approve(s: &Service, token: &str, id: &str) -> R<Reply> {
    let listed = s.get(Some(token), "/api/plans").await?;
    let version = listed
        .body
        .as_array()
        .and_then(|a| a.iter().find(|p| p["spec"]["id"] == id))
        .and_then(|p| p["version"].as_u64())
        .unwrap_or(1);
    s.post(
        token,
        &format!("/api/plans/{id}/partner-approval"),
        json!({"expected_version": version}),
    )
    .await
}

fn witness() -> Value {
    json!({"witnesses": [{"name": "观察员 李某", "value": "3 1 4 1 5 9"}]})
}

fn code(r: &Reply) -> &str {
    r.body["code"].as_str().unwrap_or_default()
}

fn detail(r: &Reply) -> &str {
    r.body["detail"].as_str().unwrap_or_default()
}

/// A refusal: this status, problem+json, this code.
fn refused(r: &Reply, status: u16, want: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(
        r.content_type.starts_with("application/problem+json"),
        "{}: {}",
        r.content_type,
        r.body
    );
    assert_eq!(code(r), want, "{}", r.body);
}

fn read_frame(csv: &[u8]) -> R<Frame> {
    let mut b = FrameBuilder::new();
    for (i, line) in std::str::from_utf8(csv)?.lines().skip(1).enumerate() {
        let (id, stratum) = line.split_once(',').ok_or("frame line")?;
        b.push(id, stratum, i as u64)?;
    }
    Ok(b.finish()?)
}

fn read_pool(csv: &[u8]) -> R<InspectorPool> {
    let mut b = PoolBuilder::new();
    for (i, line) in std::str::from_utf8(csv)?.lines().skip(1).enumerate() {
        let mut cells = line.splitn(3, ',');
        let (id, dept, conflicts) = (
            cells.next().ok_or("pool line")?,
            cells.next().ok_or("pool line")?,
            cells.next().unwrap_or_default(),
        );
        b.push_fields(
            id,
            dept,
            conflicts.split(';').filter(|c| !c.is_empty()),
            i as u64,
        )?;
    }
    Ok(b.finish()?)
}

/// The published transcript, frame and pool of a drawn plan, checked by the domain's verifier.
async fn verify_published(s: &Service, id: &str) -> R<(Transcript, InspectorPool)> {
    let t = s
        .get(None, &format!("/api/public/plans/{id}/transcript"))
        .await?;
    assert_eq!(t.status, 200, "{}", t.body);
    let transcript: Transcript = serde_json::from_slice(&t.bytes)?;
    let f = s
        .get(None, &format!("/api/public/plans/{id}/frame.csv"))
        .await?;
    assert_eq!(f.status, 200);
    let p = s
        .get(None, &format!("/api/public/plans/{id}/pool.csv"))
        .await?;
    assert_eq!(p.status, 200);
    let (frame, pool) = (read_frame(&f.bytes)?, read_pool(&p.bytes)?);
    verify(&transcript, &frame, &pool)
        .map_err(|e| format!("the transcript does not verify: {e}"))?;
    Ok((transcript, pool))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_approve_then_the_lead_commits_and_draws_a_version_2_draw_that_verifies()
-> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let lead = staff("lead-clerk", LEAD)?;
    let partner = staff("market-clerk", MARKET)?;
    let planned = s.now() + 3 * DAY;
    let body = joint_plan("PT-J-1", planned, &[MARKET], json!("all"), 1);

    let created = s.post(&lead, "/api/plans", body.clone()).await?;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.body["spec"]["parameters"]["joint"]["partners"][0],
        MARKET
    );

    // The preview draws from both departments' inspectors.
    let preview = s.post(&lead, "/api/plans/preview", body.clone()).await?;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body["infeasible"].is_null(), "{}", preview.body);
    let lead_only = s
        .post(
            &lead,
            "/api/plans/preview",
            json!({"parameters": {"default": {"count": 1}, "inspectors_per_target": 2}})
                .as_object()
                .map(|p| {
                    let mut b = body.clone();
                    b["parameters"] = p["parameters"].clone();
                    b
                })
                .ok_or("body")?,
        )
        .await?;
    assert_eq!(lead_only.status, 200, "{}", lead_only.body);
    assert_eq!(
        preview.body["inspectors"].as_u64().unwrap_or_default(),
        lead_only.body["inspectors"].as_u64().unwrap_or_default() + 4,
        "the joint pool adds the market regulator's 4 inspectors"
    );

    // The partner sees the plan among its department's plans.
    let listed = s.get(Some(&partner), "/api/plans").await?;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(
        listed
            .body
            .as_array()
            .is_some_and(|a| a.iter().any(|p| p["spec"]["id"] == "PT-J-1")),
        "{}",
        listed.body
    );

    // Commit before the partner's approval: 409 naming the partner.
    let early = s.post_empty(&lead, "/api/plans/PT-J-1/commit").await?;
    refused(&early, 409, "partner-approval-missing");
    assert!(detail(&early).contains(MARKET), "{}", early.body);

    // The partner cannot change, commit, draw or cancel the lead's plan.
    let mut amended = body.clone();
    amended["title"] = json!("市场监管局改的标题");
    let edit = s
        .put(
            &partner,
            "/api/plans/PT-J-1",
            json!({"spec": amended, "expected_version": 1}),
        )
        .await?;
    refused(&edit, 403, "joint-plan-lead-only");
    let commit_by_partner = s.post_empty(&partner, "/api/plans/PT-J-1/commit").await?;
    refused(&commit_by_partner, 403, "joint-plan-lead-only");
    let cancel_by_partner = s
        .post(
            &partner,
            "/api/plans/PT-J-1/cancel",
            json!({"reason": "不参加"}),
        )
        .await?;
    refused(&cancel_by_partner, 403, "joint-plan-lead-only");

    // The lead does not approve as a partner; a department the plan does not name cannot either;
    // an inspector without the supervisor role cannot.
    let by_lead = approve(&s, &lead, "PT-J-1").await?;
    refused(&by_lead, 403, "not-a-partner");
    let by_stranger = approve(&s, &staff("xm", STRANGER)?, "PT-J-1").await?;
    refused(&by_stranger, 403, "not-a-partner");
    let by_inspector = approve(
        &s,
        &token("market-inspector", MARKET, &["inspector"])?,
        "PT-J-1",
    )
    .await?;
    refused(&by_inspector, 403, "missing-role");

    // The partner's supervisor approves: its snapshot and its part of the pool are recorded.
    let approved = approve(&s, &partner, "PT-J-1").await?;
    assert_eq!(approved.status, 200, "{}", approved.body);
    let approval = &approved.body["partner_approvals"][0];
    assert_eq!(approval["department"], MARKET, "{}", approved.body);
    assert_eq!(approval["pool"]["size"], 4, "{}", approved.body);
    assert!(approval["inspectors_snapshot"].as_u64().is_some());

    // The approval is audited, with the partner as the actor.
    let audit = s.get(Some(&lead), "/api/audit").await?;
    assert_eq!(audit.status, 200, "{}", audit.body);
    assert!(
        audit.body.to_string().contains("market-clerk"),
        "the approval is in the audit log: {}",
        audit.body
    );

    let committed = s.post_empty(&lead, "/api/plans/PT-J-1/commit").await?;
    assert_eq!(committed.status, 201, "{}", committed.body);
    let commitment = &committed.body["commitment"];
    assert_eq!(commitment["spec_version"], JOINT_SPEC_VERSION);
    assert_eq!(commitment["parameters"]["joint"]["lead"], LEAD);

    s.set(planned);
    let by_partner = s
        .post(&partner, "/api/plans/PT-J-1/draw", witness())
        .await?;
    refused(&by_partner, 403, "joint-plan-lead-only");
    let drawn = s.post(&lead, "/api/plans/PT-J-1/draw", witness()).await?;
    assert_eq!(drawn.status, 201, "{}", drawn.body);

    let (transcript, pool) = verify_published(&s, "PT-J-1").await?;
    assert_eq!(transcript.spec_version, JOINT_SPEC_VERSION);
    assert!(!transcript.selections.is_empty());
    let department_of = |id: &str| {
        pool.entries()
            .iter()
            .find(|e| e.id.as_str() == id)
            .map(|e| e.department.to_string())
    };
    for sel in &transcript.selections {
        let depts: Vec<Option<String>> = sel
            .inspectors
            .iter()
            .map(|i| department_of(i.as_str()))
            .collect();
        assert!(
            depts.contains(&Some(LEAD.to_owned())) && depts.contains(&Some(MARKET.to_owned())),
            "every team holds both departments: {depts:?}"
        );
    }

    // Both departments record results of the targets their inspectors were assigned to.
    let target = transcript.selections[0].target.to_string();
    let date = Timestamp::from_unix(planned)
        .to_datetime()
        .ok_or("date")?
        .date_naive()
        .to_string();
    let result = |target: &str| {
        json!({"target": target, "code": "no_problem_found", "method": "现场检查",
               "findings": "经营行为规范", "completed_on": date})
    };
    let by_market = s
        .post(&partner, "/api/plans/PT-J-1/results", result(&target))
        .await?;
    assert_eq!(by_market.status, 201, "{}", by_market.body);
    let stranger_result = s
        .post(
            &staff("xm", STRANGER)?,
            "/api/plans/PT-J-1/results",
            result(
                transcript.selections[1 % transcript.selections.len()]
                    .target
                    .as_str(),
            ),
        )
        .await?;
    refused(&stranger_result, 403, "other-department");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_amendment_withdraws_the_approvals_and_a_changed_roster_needs_a_new_one() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let lead = staff("lead-clerk", LEAD)?;
    let partner = staff("market-clerk", MARKET)?;
    let planned = s.now() + 3 * DAY;
    let body = joint_plan("PT-J-2", planned, &[MARKET], json!("all"), 1);
    assert_eq!(s.post(&lead, "/api/plans", body.clone()).await?.status, 201);
    let approved = approve(&s, &partner, "PT-J-2").await?;
    assert_eq!(approved.status, 200, "{}", approved.body);
    let version = approved.body["version"].as_u64().ok_or("version")?;
    let stale = s
        .post(
            &partner,
            "/api/plans/PT-J-2/partner-approval",
            json!({"expected_version": version - 1}),
        )
        .await?;
    refused(&stale, 409, "stale-version");

    // The lead amends: the partner approved the plan as it was.
    let mut amended = body.clone();
    amended["title"] = json!("旅行社部门联合抽查（修订）");
    let revised = s
        .put(
            &lead,
            "/api/plans/PT-J-2",
            json!({"spec": amended, "expected_version": version}),
        )
        .await?;
    assert_eq!(revised.status, 200, "{}", revised.body);
    assert!(
        revised.body.get("partner_approvals").is_none(),
        "{}",
        revised.body
    );
    let early = s.post_empty(&lead, "/api/plans/PT-J-2/commit").await?;
    refused(&early, 409, "partner-approval-missing");

    // Approved again, then the roster changes one of the partner's inspectors.
    let again = approve(&s, &partner, "PT-J-2").await?;
    assert_eq!(again.status, 200, "{}", again.body);
    s.import("inspectors", roster(true)?).await?;
    let stale = s.post_empty(&lead, "/api/plans/PT-J-2/commit").await?;
    refused(&stale, 409, "partner-pool-changed");
    assert!(detail(&stale).contains(MARKET), "{}", stale.body);

    // A fresh approval of the new roster lets the lead commit.
    let fresh = approve(&s, &partner, "PT-J-2").await?;
    assert_eq!(fresh.status, 200, "{}", fresh.body);
    assert_eq!(
        fresh.body["partner_approvals"].as_array().map(Vec::len),
        Some(1),
        "one approval per department: {}",
        fresh.body
    );
    let committed = s.post_empty(&lead, "/api/plans/PT-J-2/commit").await?;
    assert_eq!(committed.status, 201, "{}", committed.body);

    // Once committed, no approval changes.
    let late = approve(&s, &partner, "PT-J-2").await?;
    refused(&late, 409, "already-committed");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_of_a_joint_plan_are_recorded_by_the_departments_of_the_team() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let lead = staff("lead-clerk", LEAD)?;
    let market = staff("market-clerk", MARKET)?;
    let police = staff("police-clerk", POLICE)?;
    let planned = s.now() + 3 * DAY;
    // The lead and one of two partners, drawn per target: some teams have no police inspector.
    let body = joint_plan(
        "PT-J-3",
        planned,
        &[MARKET, POLICE],
        json!({"lead_plus": 1}),
        2,
    );
    let created = s.post(&lead, "/api/plans", body).await?;
    assert_eq!(created.status, 201, "{}", created.body);
    let market_approved = approve(&s, &market, "PT-J-3").await?;
    assert_eq!(market_approved.status, 200, "{}", market_approved.body);
    let early = s.post_empty(&lead, "/api/plans/PT-J-3/commit").await?;
    refused(&early, 409, "partner-approval-missing");
    assert!(
        detail(&early).contains(POLICE) && !detail(&early).contains(MARKET),
        "names only the missing partner: {}",
        early.body
    );
    let police_approved = approve(&s, &police, "PT-J-3").await?;
    assert_eq!(police_approved.status, 200, "{}", police_approved.body);
    let committed = s.post_empty(&lead, "/api/plans/PT-J-3/commit").await?;
    assert_eq!(committed.status, 201, "{}", committed.body);
    s.set(planned);
    let drawn = s.post(&lead, "/api/plans/PT-J-3/draw", witness()).await?;
    assert_eq!(drawn.status, 201, "{}", drawn.body);
    let (transcript, pool) = verify_published(&s, "PT-J-3").await?;

    let department_of = |id: &str| {
        pool.entries()
            .iter()
            .find(|e| e.id.as_str() == id)
            .map(|e| e.department.to_string())
            .unwrap_or_default()
    };
    let without_police = transcript
        .selections
        .iter()
        .find(|sel| {
            sel.inspectors
                .iter()
                .all(|i| department_of(i.as_str()) != POLICE)
        })
        .ok_or("some team has no police inspector")?;
    let date = Timestamp::from_unix(planned)
        .to_datetime()
        .ok_or("date")?
        .date_naive()
        .to_string();
    let result = json!({"target": without_police.target.to_string(), "code": "no_problem_found",
                        "method": "现场检查", "findings": "经营行为规范", "completed_on": date});
    let wrong = s
        .post(&police, "/api/plans/PT-J-3/results", result.clone())
        .await?;
    refused(&wrong, 403, "not-assigned-department");
    assert!(detail(&wrong).contains(POLICE), "{}", wrong.body);
    let recorder = if without_police
        .inspectors
        .iter()
        .any(|i| department_of(i.as_str()) == MARKET)
    {
        &market
    } else {
        &lead
    };
    let right = s
        .post(recorder, "/api/plans/PT-J-3/results", result)
        .await?;
    assert_eq!(right.status, 201, "{}", right.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joint_plan_names_its_lead_as_the_department_running_it() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let lead = staff("lead-clerk", LEAD)?;
    let planned = s.now() + 3 * DAY;
    let mut body = joint_plan("PT-J-4", planned, &[MARKET], json!("all"), 1);
    body["parameters"]["joint"]["lead"] = json!(MARKET);
    body["parameters"]["joint"]["partners"] = json!([LEAD]);
    let r = s.post(&lead, "/api/plans", body).await?;
    refused(&r, 422, "joint-lead-mismatch");
    let mut twice = joint_plan("PT-J-5", planned, &[MARKET, MARKET], json!("all"), 1);
    twice["parameters"]["inspectors_per_target"] = json!(3);
    let r = s.post(&lead, "/api/plans", twice).await?;
    refused(&r, 422, "invalid-joint");
    let small = joint_plan("PT-J-6", planned, &[MARKET, POLICE], json!("all"), 1);
    let r = s.post(&lead, "/api/plans", small).await?;
    refused(&r, 422, "team-too-small");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_the_partner_approval_and_the_plans_approvals() -> TestResult
{
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let doc = s.get(None, "/openapi.json").await?;
    assert_eq!(doc.status, 200);
    let op = &doc.body["paths"]["/api/plans/{id}/partner-approval"]["post"];
    assert!(op.is_object(), "the route is documented");
    assert!(
        op["description"]
            .as_str()
            .is_some_and(|d| d.contains("partner-approval-missing") && d.contains("not-a-partner")),
        "{op}"
    );
    let body_ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_default();
    assert!(body_ref.ends_with("/PartnerApprovalBody"), "{op}");
    let schemas = &doc.body["components"]["schemas"];
    assert!(
        schemas["PartnerApprovalBody"]["required"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("expected_version"))),
        "{}",
        schemas["PartnerApprovalBody"]
    );
    assert!(
        schemas["Plan"]["properties"]["partner_approvals"].is_object(),
        "{}",
        schemas["Plan"]
    );
    for field in ["department", "inspectors_snapshot", "pool", "approved_at"] {
        assert!(
            schemas["PartnerApproval"]["properties"][field].is_object(),
            "PartnerApproval.{field}: {}",
            schemas["PartnerApproval"]
        );
    }
    let commit = &doc.body["paths"]["/api/plans/{id}/commit"]["post"];
    let commit = format!(
        "{} {}",
        commit["summary"].as_str().unwrap_or_default(),
        commit["description"].as_str().unwrap_or_default()
    );
    assert!(commit.contains("partner-approval-missing"), "{commit}");
    for (path, method) in [
        ("/api/plans/{id}/results/{target}/approval", "post"),
        ("/api/plans/{id}/results/{target}/return", "post"),
        ("/api/penalties", "post"),
    ] {
        let op = &doc.body["paths"][path][method];
        let text = format!(
            "{} {}",
            op["summary"].as_str().unwrap_or_default(),
            op["description"].as_str().unwrap_or_default()
        );
        assert!(
            text.contains("joint") && text.contains("not-assigned-department"),
            "{path}: {text}"
        );
    }
    Ok(())
}

/// A drawn joint plan `id` of the lead with the market regulator and the police, each team the
/// lead plus one partner (so some teams hold a market inspector and no police one): its
/// transcript and pool as published.
async fn drawn_three_department_plan(s: &Service, id: &str) -> R<(Transcript, InspectorPool)> {
    let lead = staff("lead-clerk", LEAD)?;
    let planned = s.now() + 3 * DAY;
    let body = joint_plan(id, planned, &[MARKET, POLICE], json!({"lead_plus": 1}), 2);
    let created = s.post(&lead, "/api/plans", body).await?;
    assert_eq!(created.status, 201, "{}", created.body);
    for partner in [
        staff("market-clerk", MARKET)?,
        staff("police-clerk", POLICE)?,
    ] {
        let approved = approve(s, &partner, id).await?;
        assert_eq!(approved.status, 200, "{}", approved.body);
    }
    let committed = s
        .post_empty(&lead, &format!("/api/plans/{id}/commit"))
        .await?;
    assert_eq!(committed.status, 201, "{}", committed.body);
    s.set(planned);
    let drawn = s
        .post(&lead, &format!("/api/plans/{id}/draw"), witness())
        .await?;
    assert_eq!(drawn.status, 201, "{}", drawn.body);
    verify_published(s, id).await
}

/// The first selection whose team holds an inspector of `with` and none of `without`.
fn team_with<'a>(
    transcript: &'a Transcript,
    pool: &InspectorPool,
    with: &str,
    without: &str,
) -> R<&'a spotcheck_domain::draw::Selection> {
    let department_of = |id: &str| {
        pool.entries()
            .iter()
            .find(|e| e.id.as_str() == id)
            .map(|e| e.department.to_string())
            .unwrap_or_default()
    };
    Ok(transcript
        .selections
        .iter()
        .find(|sel| {
            let depts: Vec<String> = sel
                .inspectors
                .iter()
                .map(|i| department_of(i.as_str()))
                .collect();
            depts.iter().any(|d| d == with) && depts.iter().all(|d| d != without)
        })
        .ok_or_else(|| format!("no team with {with} and without {without}"))?)
}

fn today(s: &Service) -> R<String> {
    Ok(Timestamp::from_unix(s.now())
        .to_datetime()
        .ok_or("date")?
        .date_naive()
        .to_string())
}

fn decision(
    number: &str,
    authority: &str,
    plan: Option<&str>,
    target: Option<&str>,
    on: &str,
) -> Value {
    json!({
        "number": number,
        "party": {"kind": "organisation", "name": "莆田市某旅行社有限公司", "credit_code": null},
        "cause": "未按规定公示经营信息", "legal_basis": "《旅行社条例》第二十九条",
        "conditions": "当事人未在经营场所公示旅行社业务经营许可证。", "procedure": "普通程序",
        "result": "警告", "authority": authority, "decided_on": on,
        "minor": false, "involves_minor": false, "target": target, "plan": plan
    })
}

fn listed(r: &Reply, field: &str, value: &str) -> bool {
    r.body
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x[field] == value))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_approves_or_returns_the_results_its_department_records() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let (transcript, pool) = drawn_three_department_plan(&s, "PT-J-7").await?;
    let ours = team_with(&transcript, &pool, MARKET, POLICE)?
        .target
        .to_string();
    let inspector = token("PT-SJ-001", MARKET, &["inspector"])?;
    let market_chief = token("market-chief", MARKET, &["supervisor"])?;
    let police_chief = token("police-chief", POLICE, &["supervisor"])?;
    let stranger_chief = token("xm-chief", STRANGER, &["supervisor"])?;
    let body = json!({"target": ours, "code": "no_problem_found", "method": "现场检查",
                      "findings": "经营行为规范", "completed_on": today(&s)?});
    let r = s
        .post(&inspector, "/api/plans/PT-J-7/results", body.clone())
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);

    // The author sees it among their drafts; the market's approver among its approvals; the
    // police, with no inspector on that team, does not.
    let drafts = s.get(Some(&inspector), "/api/drafts").await?;
    assert_eq!(drafts.status, 200, "{}", drafts.body);
    assert!(
        drafts.body.to_string().contains(&ours),
        "the author's draft: {}",
        drafts.body
    );
    let pending = s.get(Some(&market_chief), "/api/approvals").await?;
    assert_eq!(pending.status, 200, "{}", pending.body);
    assert!(listed(&pending, "target", &ours), "{}", pending.body);
    let police_pending = s.get(Some(&police_chief), "/api/approvals").await?;
    assert!(
        !listed(&police_pending, "target", &ours),
        "{}",
        police_pending.body
    );

    // Neither the police nor a department the plan does not involve approves or returns it.
    let base = format!("/api/plans/PT-J-7/results/{ours}");
    let r = s
        .post_empty(&police_chief, &format!("{base}/approval"))
        .await?;
    refused(&r, 403, "not-assigned-department");
    assert!(detail(&r).contains(POLICE), "{}", r.body);
    let r = s
        .post(
            &police_chief,
            &format!("{base}/return"),
            json!({"reason": "请补充"}),
        )
        .await?;
    refused(&r, 403, "not-assigned-department");
    let r = s
        .post_empty(&stranger_chief, &format!("{base}/approval"))
        .await?;
    refused(&r, 403, "other-department");

    // The market's supervisor returns it, the author amends it, the supervisor approves it.
    let r = s
        .post(
            &market_chief,
            &format!("{base}/return"),
            json!({"reason": "请写明检查内容"}),
        )
        .await?;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut amended = body.clone();
    amended["findings"] = json!("核查了经营许可证与公示信息，经营行为规范");
    amended.as_object_mut().map(|o| o.remove("target"));
    let r = s.put(&inspector, &base, amended).await?;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .post_empty(&market_chief, &format!("{base}/approval"))
        .await?;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = s.get(Some(&market_chief), "/api/approvals").await?;
    assert!(!listed(&after, "target", &ours), "{}", after.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participating_department_names_the_joint_plan_as_its_case() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let (transcript, pool) = drawn_three_department_plan(&s, "PT-J-8").await?;
    let ours = team_with(&transcript, &pool, MARKET, POLICE)?
        .target
        .to_string();
    let on = today(&s)?;
    let market = token("PT-SJ-001", MARKET, &["inspector"])?;
    let police = token("PT-GA-001", POLICE, &["inspector"])?;
    let stranger = token("xm-inspector", STRANGER, &["inspector"])?;

    let r = s
        .post(
            &market,
            "/api/penalties",
            decision(
                "莆市监罚〔2026〕1号",
                MARKET,
                Some("PT-J-8"),
                Some(&ours),
                &on,
            ),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    // The police took no part in that target's check.
    let r = s
        .post(
            &police,
            "/api/penalties",
            decision(
                "莆公罚〔2026〕1号",
                POLICE,
                Some("PT-J-8"),
                Some(&ours),
                &on,
            ),
        )
        .await?;
    refused(&r, 403, "not-assigned-department");
    // Naming the plan alone is enough for a participating department.
    let r = s
        .post(
            &police,
            "/api/penalties",
            decision("莆公罚〔2026〕2号", POLICE, Some("PT-J-8"), None, &on),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s
        .post(
            &stranger,
            "/api/penalties",
            decision("厦文旅罚〔2026〕1号", STRANGER, Some("PT-J-8"), None, &on),
        )
        .await?;
    refused(&r, 403, "other-department");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_audits_the_joint_plan_and_a_withdrawn_decision_stays_in_the_log() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let (transcript, pool) = drawn_three_department_plan(&s, "PT-J-9").await?;
    let ours = team_with(&transcript, &pool, MARKET, POLICE)?
        .target
        .to_string();
    let market = token("PT-SJ-001", MARKET, &["inspector"])?;
    let market_chief = token("market-chief", MARKET, &["supervisor"])?;
    let lead_chief = token("lead-chief", LEAD, &["supervisor"])?;
    let r = s
        .post(
            &market,
            "/api/plans/PT-J-9/results",
            json!({"target": ours, "code": "no_problem_found", "method": "现场检查",
                     "findings": "经营行为规范", "completed_on": today(&s)?}),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);

    let audit = s.get(Some(&market_chief), "/api/audit?limit=200").await?;
    assert_eq!(audit.status, 200, "{}", audit.body);
    for (action, subject) in [
        ("plan_created", "plan:PT-J-9".to_owned()),
        ("committed", "plan:PT-J-9".to_owned()),
        ("drawn", "plan:PT-J-9".to_owned()),
        ("result_recorded", format!("result:PT-J-9/{ours}")),
    ] {
        assert!(
            audit.body.as_array().is_some_and(|a| a
                .iter()
                .any(|e| e["action"] == action && e["subject"] == subject.as_str())),
            "the partner sees {action} {subject}: {}",
            audit.body
        );
    }

    // A decision entered and withdrawn before approval is no longer stored; its entries stay
    // in the chain and in its department's log, not in another's.
    let number = "莆市监罚〔2026〕7号";
    let r = s
        .post(
            &market,
            "/api/penalties",
            decision(number, MARKET, None, None, &today(&s)?),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s
        .post_empty(
            &market,
            &format!("/api/penalties/{}/withdraw", urlencode(number)),
        )
        .await?;
    assert_eq!(r.status, 200, "{}", r.body);
    let subject = format!("penalty:{number}");
    let audit = s.get(Some(&market_chief), "/api/audit?limit=200").await?;
    for action in ["penalty_recorded", "penalty_withdrawn"] {
        assert!(
            audit.body.as_array().is_some_and(|a| a
                .iter()
                .any(|e| e["action"] == action && e["subject"] == subject.as_str())),
            "{action} of the withdrawn decision: {}",
            audit.body
        );
    }
    let lead_audit = s.get(Some(&lead_chief), "/api/audit?limit=200").await?;
    assert!(
        !lead_audit.body.to_string().contains(number),
        "another department's withdrawn decision: {}",
        lead_audit.body
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_inspector_sees_the_assignments_of_the_joint_plan() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let (transcript, pool) = drawn_three_department_plan(&s, "PT-J-10").await?;
    let sel = team_with(&transcript, &pool, MARKET, POLICE)?;
    let member = sel
        .inspectors
        .iter()
        .find(|i| {
            pool.entries()
                .iter()
                .any(|e| &e.id == *i && e.department.as_str() == MARKET)
        })
        .ok_or("a market inspector on the team")?;
    let me = token(member.as_str(), MARKET, &["inspector"])?;
    let r = s.get(Some(&me), "/api/assignments").await?;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.as_array().is_some_and(|a| a
            .iter()
            .any(|x| x["plan"] == "PT-J-10" && x["target"] == sel.target.as_str())),
        "{}",
        r.body
    );
    Ok(())
}

/// Percent-encodes a path segment (UTF-8 bytes outside the unreserved set).
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
