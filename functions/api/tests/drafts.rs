//! Drafts of results and penalty decisions before their approval, and the registries' snapshot
//! history, over real HTTP: the router is served on 127.0.0.1 and spoken to through a socket.
//!
//! An approver returns a draft to its author with a reason; the author amends (which resubmits
//! it) or withdraws it; once approved it is refused with 409 `already-approved`. The snapshot
//! history lists every import, newest first, paged and bounded.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use serde_json::{Value, json};
use spotcheck_api::auth::{Claims, DEFAULT_ISSUER, mint_token};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app};
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type R<T> = Result<T, Box<dyn std::error::Error>>;

const KEY: [u8; 32] = [7; 32];
const DEPT: &str = "莆田市文化和旅游局";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

struct Service {
    addr: std::net::SocketAddr,
    clock: Arc<AtomicI64>,
    _dir: tempfile::TempDir,
}

struct Reply {
    status: u16,
    body: Value,
}

/// Percent-encodes a path segment (decision numbers are Chinese text).
fn enc(s: &str) -> String {
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

/// Decodes a chunked HTTP/1.1 body.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = raw.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = std::str::from_utf8(&raw[..line_end])
            .ok()
            .and_then(|l| usize::from_str_radix(l.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        raw = &raw[line_end + 2..];
        if size == 0 || raw.len() < size {
            return out;
        }
        out.extend_from_slice(&raw[..size]);
        raw = raw.get(size + 2..).unwrap_or_default();
    }
}

impl Service {
    /// A fresh service on 127.0.0.1 whose clock stands at `now`, with the fixtures' item list,
    /// agencies, guides and inspectors imported by `registrar`.
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
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        let s = Self {
            addr,
            clock,
            _dir: dir,
        };
        let registrar = token("registrar", &["registrar"])?;
        for (kind, file) in [
            ("items", "items/tourism-items.csv"),
            ("agencies", "registries/agencies.synthetic.csv"),
            ("guides", "registries/guides.synthetic.csv"),
            ("inspectors", "registries/inspectors.synthetic.csv"),
        ] {
            let bytes = std::fs::read(format!("{FIXTURES}/{file}"))?;
            let r = s
                .request(
                    "POST",
                    &format!("/api/registries/{kind}"),
                    Some(&registrar),
                    Some(("text/csv", bytes)),
                )
                .await?;
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

    async fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> R<Reply> {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if let Some(t) = token {
            head.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        let bytes = match body {
            Some((ctype, b)) => {
                head.push_str(&format!("Content-Type: {ctype}\r\n"));
                b
            }
            None => Vec::new(),
        };
        head.push_str(&format!("Content-Length: {}\r\n\r\n", bytes.len()));
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(&bytes).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or("no end of headers")?;
        let headers = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let status: u16 = headers
            .split_whitespace()
            .nth(1)
            .ok_or("no status")?
            .parse()?;
        let payload = &raw[split + 4..];
        let payload = if headers.contains("transfer-encoding: chunked") {
            dechunk(payload)
        } else {
            payload.to_vec()
        };
        let body = serde_json::from_slice(&payload).unwrap_or(Value::Null);
        Ok(Reply { status, body })
    }

    async fn send(&self, method: &str, token: &str, path: &str, body: Option<Value>) -> R<Reply> {
        let body = body
            .map(|b| serde_json::to_vec(&b).map(|v| ("application/json", v)))
            .transpose()?;
        self.request(method, path, Some(token), body).await
    }

    async fn get(&self, token: &str, path: &str) -> R<Reply> {
        self.send("GET", token, path, None).await
    }
}

fn token(sub: &str, roles: &[&str]) -> R<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    Ok(mint_token(
        &KEY,
        &Claims {
            sub: sub.into(),
            department: DEPT.into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            iss: DEFAULT_ISSUER.into(),
            iat: now,
            exp: now + 3600,
            nbf: None,
        },
    )?)
}

fn code(r: &Reply) -> &str {
    r.body["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn the_snapshot_history_lists_every_import_newest_first_paged_and_bounded() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let staff = token("clerk", &["inspector"])?;
    let registrar = token("registrar-2", &["registrar"])?;
    s.set(s.now() + HOUR);
    // The same registry less its last row: a new snapshot (an identical file stores none).
    let text = std::fs::read_to_string(format!("{FIXTURES}/registries/agencies.synthetic.csv"))?;
    let lines: Vec<&str> = text.lines().collect();
    let bytes = lines[..lines.len() - 1].join("\n").into_bytes();
    let second = s
        .request(
            "POST",
            "/api/registries/agencies",
            Some(&registrar),
            Some(("text/csv", bytes)),
        )
        .await?;
    assert!(second.status < 300, "{}", second.body);

    let all = s.get(&staff, "/api/registries/agencies/snapshots").await?;
    assert_eq!(all.status, 200, "{}", all.body);
    let snaps = all.body["snapshots"].as_array().ok_or("no snapshots")?;
    assert_eq!(snaps.len(), 2, "{}", all.body);
    assert_eq!(snaps[0]["number"], 2);
    assert_eq!(snaps[0]["stored_by"], "registrar-2");
    assert_eq!(snaps[1]["number"], 1);
    assert_eq!(snaps[1]["stored_by"], "registrar");
    assert_eq!(
        snaps[0]["records"].as_u64().map(|n| n + 1),
        snaps[1]["records"].as_u64()
    );
    assert_eq!(
        snaps[0]["stored_at"],
        Timestamp::from_unix(s.now()).to_string()
    );
    assert!(all.body["next_before"].is_null(), "{}", all.body);

    let page = s
        .get(&staff, "/api/registries/agencies/snapshots?limit=1")
        .await?;
    assert_eq!(page.body["snapshots"].as_array().map(Vec::len), Some(1));
    assert_eq!(page.body["next_before"], 2, "{}", page.body);
    let older = s
        .get(
            &staff,
            "/api/registries/agencies/snapshots?limit=1&before=2",
        )
        .await?;
    assert_eq!(older.body["snapshots"][0]["number"], 1, "{}", older.body);
    assert!(older.body["next_before"].is_null());

    let guides = s.get(&staff, "/api/registries/guides/snapshots").await?;
    assert_eq!(guides.body["snapshots"].as_array().map(Vec::len), Some(1));

    for (q, status) in [
        ("limit=0", 422),
        ("limit=101", 422),
        ("before=0", 422),
        ("limit=x", 400),
        ("colour=red", 400),
    ] {
        let r = s
            .get(&staff, &format!("/api/registries/agencies/snapshots?{q}"))
            .await?;
        assert_eq!(r.status, status, "{q}: {}", r.body);
        assert_eq!(code(&r), "invalid-query", "{q}: {}", r.body);
    }
    let unknown = s.get(&staff, "/api/registries/ships/snapshots").await?;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    let anonymous = s
        .request("GET", "/api/registries/agencies/snapshots", None, None)
        .await?;
    assert_eq!(anonymous.status, 401);
    Ok(())
}

fn plan(id: &str, planned: i64) -> Value {
    json!({
        "id": id,
        "item": "PT-LY-001",
        "title": "草稿测试抽查",
        "department": DEPT,
        "target_kind": "agency",
        "filter": {"mode": "untargeted"},
        "stratum_scheme": "region",
        "parameters": {"default": {"count": 1}, "inspectors_per_target": 2},
        "entropy_source": {"witnesses": ["观察员 李某"]},
        "planned_draw_at": Timestamp::from_unix(planned).to_string()
    })
}

fn decision(number: &str, result: &str) -> Value {
    json!({
        "number": number,
        "party": {"kind": "organisation", "name": "莆田宁海商务旅行社有限公司", "credit_code": "91350302MA00000ETT"},
        "cause": "未按规定签订旅游合同",
        "legal_basis": "《中华人民共和国旅游法》第九十五条",
        "conditions": "",
        "procedure": "一般程序",
        "result": result,
        "authority": DEPT,
        "decided_on": "2026-03-02",
        "minor": false,
        "involves_minor": false,
        "target": null,
        "plan": null
    })
}

/// Creates, commits and draws a plan; returns the drawn targets.
async fn drawn_targets(s: &Service, staff: &str, id: &str) -> R<Vec<String>> {
    let planned = s.now() + DAY + HOUR;
    let r = s
        .send("POST", staff, "/api/plans", Some(plan(id, planned)))
        .await?;
    assert_eq!(r.status, 201, "create: {}", r.body);
    let r = s
        .send("POST", staff, &format!("/api/plans/{id}/commit"), None)
        .await?;
    assert_eq!(r.status, 201, "commit: {}", r.body);
    s.set(planned);
    let witness = json!({"witnesses": [{"name": "观察员 李某", "value": "3 1 4 1 5 9"}]});
    let r = s
        .send(
            "POST",
            staff,
            &format!("/api/plans/{id}/draw"),
            Some(witness),
        )
        .await?;
    assert_eq!(r.status, 201, "draw: {}", r.body);
    Ok(r.body["selections"]
        .as_array()
        .ok_or("no selections")?
        .iter()
        .filter_map(|x| x["target"].as_str().map(str::to_owned))
        .collect())
}

fn result_body(target: &str, findings: &str, completed_on: &str) -> Value {
    json!({"target": target, "code": "no_problem_found", "method": "现场检查",
           "findings": findings, "completed_on": completed_on})
}

fn amendment(findings: &str, completed_on: &str) -> Value {
    json!({"code": "no_problem_found", "method": "现场检查",
           "findings": findings, "completed_on": completed_on})
}

#[tokio::test]
async fn a_result_is_returned_with_a_reason_amended_by_its_author_then_approved_and_final()
-> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let author = token("clerk", &["inspector", "supervisor"])?;
    let colleague = token("mate", &["inspector"])?;
    let approver = token("chief", &["supervisor", "publisher"])?;
    let targets = drawn_targets(&s, &author, "PT-D-1").await?;
    let (t1, t2) = (
        targets.first().ok_or("no target")?,
        targets.get(1).ok_or("one target only")?,
    );
    let day = Timestamp::from_unix(s.now()).to_string()[..10].to_owned();
    let r = s
        .send(
            "POST",
            &author,
            "/api/plans/PT-D-1/results",
            Some(result_body(t1, "资质齐全", &day)),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let ret = format!("/api/plans/PT-D-1/results/{t1}/return");

    // Refusals of the return: the author, a role without approval, bad reasons.
    let own = s
        .send("POST", &author, &ret, Some(json!({"reason": "自己退回"})))
        .await?;
    assert_eq!((own.status, code(&own)), (409, "own-entry"), "{}", own.body);
    let role = s
        .send("POST", &colleague, &ret, Some(json!({"reason": "退回"})))
        .await?;
    assert_eq!(
        (role.status, code(&role)),
        (403, "missing-role"),
        "{}",
        role.body
    );
    for bad in ["", "  ", "理由\u{0007}", &"长".repeat(501)] {
        let r = s
            .send("POST", &approver, &ret, Some(json!({"reason": bad})))
            .await?;
        assert_eq!(
            (r.status, code(&r)),
            (422, "invalid-reason"),
            "{bad:?}: {}",
            r.body
        );
    }
    let unknown_field = s
        .send(
            "POST",
            &approver,
            &ret,
            Some(json!({"reason": "x", "why": 1})),
        )
        .await?;
    assert_eq!(
        (unknown_field.status, code(&unknown_field)),
        (400, "invalid-json"),
        "{}",
        unknown_field.body
    );

    let returned = s
        .send(
            "POST",
            &approver,
            &ret,
            Some(json!({"reason": "请补充检查方式和发现的具体情况"})),
        )
        .await?;
    assert_eq!(returned.status, 200, "{}", returned.body);
    assert_eq!(
        returned.body["returned"]["reason"],
        "请补充检查方式和发现的具体情况"
    );
    assert_eq!(returned.body["returned"]["by"], "chief");
    // The 审核 list shows it as returned, with the reason.
    let pending = s.get(&approver, "/api/approvals").await?;
    let listed = pending
        .body
        .as_array()
        .ok_or("no approvals")?
        .iter()
        .find(|a| a["target"] == t1.as_str())
        .ok_or("the returned result is not listed")?;
    assert_eq!(
        listed["returned"]["reason"],
        "请补充检查方式和发现的具体情况"
    );
    let twice = s
        .send("POST", &approver, &ret, Some(json!({"reason": "再次退回"})))
        .await?;
    assert_eq!(
        (twice.status, code(&twice)),
        (409, "already-returned"),
        "{}",
        twice.body
    );
    // Its author finds it among their own drafts, whole, with the reason; nobody else does.
    let mine = s.get(&author, "/api/drafts").await?;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let listed = mine
        .body
        .as_array()
        .ok_or("no drafts")?
        .iter()
        .find(|d| d["result"]["target"] == t1.as_str())
        .ok_or("the returned result is not among its author's drafts")?;
    assert_eq!(listed["kind"], "check_result");
    assert_eq!(
        listed["returned"]["reason"],
        "请补充检查方式和发现的具体情况"
    );
    assert_eq!(listed["result"]["findings"], "资质齐全");
    let publisher_only = token("pub", &["publisher"])?;
    for other in [&colleague, &approver, &publisher_only] {
        let theirs = s.get(other, "/api/drafts").await?;
        assert_eq!(theirs.status, 200, "{}", theirs.body);
        assert_eq!(theirs.body, json!([]), "another's draft listed");
    }
    let approve = format!("/api/plans/PT-D-1/results/{t1}/approval");
    let early = s.send("POST", &approver, &approve, None).await?;
    assert_eq!(
        (early.status, code(&early)),
        (409, "returned-to-author"),
        "{}",
        early.body
    );

    // Amending: only its author, checked as at entry.
    let put = format!("/api/plans/PT-D-1/results/{t1}");
    let other = s
        .send("PUT", &colleague, &put, Some(amendment("改", &day)))
        .await?;
    assert_eq!(
        (other.status, code(&other)),
        (403, "not-author"),
        "{}",
        other.body
    );
    let bidi = s
        .send(
            "PUT",
            &author,
            &put,
            Some(amendment("资质\u{202e}齐全", &day)),
        )
        .await?;
    assert_eq!(bidi.status, 422, "{}", bidi.body);
    let future = s
        .send(
            "PUT",
            &author,
            &put,
            Some(amendment("资质齐全", "2099-01-01")),
        )
        .await?;
    assert_eq!(future.status, 422, "{}", future.body);
    let amended = s
        .send(
            "PUT",
            &author,
            &put,
            Some(amendment("资质齐全，现场核查了经营许可证和合同文本", &day)),
        )
        .await?;
    assert_eq!(amended.status, 200, "{}", amended.body);
    assert_eq!(
        amended.body["findings"],
        "资质齐全，现场核查了经营许可证和合同文本"
    );

    let ok = s.send("POST", &approver, &approve, None).await?;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body["returned"].is_null(), "{}", ok.body);

    let mine = s.get(&author, "/api/drafts").await?;
    assert!(
        mine.body
            .as_array()
            .ok_or("no drafts")?
            .iter()
            .all(|d| d["result"]["target"] != t1.as_str()),
        "an approved result is still a draft: {}",
        mine.body
    );
    // Approved: final.
    let late = s
        .send("PUT", &author, &put, Some(amendment("改", &day)))
        .await?;
    assert_eq!(
        (late.status, code(&late)),
        (409, "already-approved"),
        "{}",
        late.body
    );
    let late = s
        .send(
            "POST",
            &author,
            &format!("/api/plans/PT-D-1/results/{t1}/withdraw"),
            None,
        )
        .await?;
    assert_eq!(
        (late.status, code(&late)),
        (409, "already-approved"),
        "{}",
        late.body
    );
    let late = s
        .send("POST", &approver, &ret, Some(json!({"reason": "晚了"})))
        .await?;
    assert_eq!(
        (late.status, code(&late)),
        (409, "already-approved"),
        "{}",
        late.body
    );

    // Withdrawn by its author: gone, and recorded anew.
    let r = s
        .send(
            "POST",
            &author,
            "/api/plans/PT-D-1/results",
            Some(result_body(t2, "待复核", &day)),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let wd = format!("/api/plans/PT-D-1/results/{t2}/withdraw");
    let r = s.send("POST", &colleague, &wd, None).await?;
    assert_eq!((r.status, code(&r)), (403, "not-author"), "{}", r.body);
    let r = s.send("POST", &author, &wd, None).await?;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["findings"], "待复核");
    let gone = s
        .send(
            "PUT",
            &author,
            &format!("/api/plans/PT-D-1/results/{t2}"),
            Some(amendment("改", &day)),
        )
        .await?;
    assert_eq!(gone.status, 404, "{}", gone.body);
    let r = s
        .send(
            "POST",
            &author,
            "/api/plans/PT-D-1/results",
            Some(result_body(t2, "资质齐全", &day)),
        )
        .await?;
    assert_eq!(r.status, 201, "recorded anew: {}", r.body);

    // A result of a plan that does not exist, and a malformed target.
    let r = s
        .send(
            "PUT",
            &author,
            &format!("/api/plans/PT-NONE/results/{t1}"),
            Some(amendment("x", &day)),
        )
        .await?;
    assert_eq!(r.status, 404, "{}", r.body);

    // Every step is in the audit log.
    let audit = s.get(&approver, "/api/audit?limit=200").await?;
    let actions: Vec<&str> = audit
        .body
        .as_array()
        .ok_or("no audit")?
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for want in ["draft_returned", "result_amended", "result_withdrawn"] {
        assert!(actions.contains(&want), "{want} missing from {actions:?}");
    }
    Ok(())
}

#[tokio::test]
async fn a_penalty_decision_is_returned_amended_approved_or_withdrawn_by_its_author() -> TestResult
{
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let author = token("clerk", &["inspector"])?;
    let approver = token("chief", &["supervisor"])?;
    let number = "莆文旅罚〔2026〕21号";
    let r = s
        .send(
            "POST",
            &author,
            "/api/penalties",
            Some(decision(number, "警告")),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let base = format!("/api/penalties/{}", enc(number));

    let r = s
        .send(
            "POST",
            &approver,
            &format!("{base}/return"),
            Some(json!({"reason": "处罚结果应含罚款金额"})),
        )
        .await?;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["returned"]["reason"], "处罚结果应含罚款金额");

    let wrong = s
        .send(
            "PUT",
            &author,
            &base,
            Some(decision("莆文旅罚〔2026〕22号", "警告，罚款二千元")),
        )
        .await?;
    assert_eq!(
        (wrong.status, code(&wrong)),
        (422, "mismatch"),
        "{}",
        wrong.body
    );
    let other_authority = {
        let mut d = decision(number, "警告，罚款二千元");
        d["authority"] = json!("厦门市文化和旅游局");
        d
    };
    let r = s.send("PUT", &author, &base, Some(other_authority)).await?;
    assert_eq!((r.status, code(&r)), (422, "mismatch"), "{}", r.body);
    let amended = s
        .send(
            "PUT",
            &author,
            &base,
            Some(decision(number, "警告，罚款二千元")),
        )
        .await?;
    assert_eq!(amended.status, 200, "{}", amended.body);
    assert_eq!(amended.body["decision"]["result"], "警告，罚款二千元");

    let approved = s
        .send("POST", &approver, &format!("{base}/approval"), None)
        .await?;
    assert_eq!(approved.status, 200, "{}", approved.body);
    let late = s
        .send("PUT", &author, &base, Some(decision(number, "警告")))
        .await?;
    assert_eq!(
        (late.status, code(&late)),
        (409, "already-approved"),
        "{}",
        late.body
    );
    let late = s
        .send("POST", &author, &format!("{base}/withdraw"), None)
        .await?;
    assert_eq!(
        (late.status, code(&late)),
        (409, "already-approved"),
        "{}",
        late.body
    );

    let second = "莆文旅罚〔2026〕23号";
    let r = s
        .send(
            "POST",
            &author,
            "/api/penalties",
            Some(decision(second, "警告")),
        )
        .await?;
    assert_eq!(r.status, 201, "{}", r.body);
    let wd = format!("/api/penalties/{}/withdraw", enc(second));
    let r = s.send("POST", &approver, &wd, None).await?;
    assert_eq!((r.status, code(&r)), (403, "missing-role"), "{}", r.body);
    let colleague = token("mate", &["inspector"])?;
    let r = s.send("POST", &colleague, &wd, None).await?;
    assert_eq!((r.status, code(&r)), (403, "not-author"), "{}", r.body);
    let r = s.send("POST", &author, &wd, None).await?;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .send(
            "POST",
            &author,
            "/api/penalties",
            Some(decision(second, "警告（重新录入）")),
        )
        .await?;
    assert_eq!(r.status, 201, "the number is free again: {}", r.body);
    // (The supervisors' audit view lists the entries of their department's stored decisions.)
    let r = s
        .send(
            "POST",
            &approver,
            &format!("/api/penalties/{}/approval", enc(second)),
            None,
        )
        .await?;
    assert_eq!(r.status, 200, "{}", r.body);

    let unknown = s
        .send(
            "POST",
            &approver,
            &format!("/api/penalties/{}/return", enc("莆文旅罚〔2026〕99号")),
            Some(json!({"reason": "无"})),
        )
        .await?;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    let audit = s.get(&approver, "/api/audit?limit=200").await?;
    let actions: Vec<&str> = audit
        .body
        .as_array()
        .ok_or("no audit")?
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for want in ["draft_returned", "penalty_amended", "penalty_withdrawn"] {
        assert!(actions.contains(&want), "{want} missing from {actions:?}");
    }
    Ok(())
}
