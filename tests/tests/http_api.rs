//! The service over real HTTP: the README's walkthrough, authentication on every inspector route,
//! idempotent retries, a 50-way draw race, and strict request handling.

use std::io::Read as _;

use serde_json::{Value, json};
use spotcheck_tests::{Server, agent, spotcheck};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const DEPT: &str = "莆田市文化和旅游局";

struct Reply {
    status: u16,
    body: Vec<u8>,
    etag: Option<String>,
}

impl Reply {
    fn json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
    extra: &[(&str, &str)],
) -> Result<Reply, Box<dyn std::error::Error>> {
    let a = agent();
    let resp = match method {
        "GET" => {
            let mut r = a.get(url);
            if let Some(t) = token {
                r = r.header("Authorization", &format!("Bearer {t}"));
            }
            for (k, v) in extra {
                r = r.header(*k, *v);
            }
            r.call()?
        }
        _ => {
            let mut r = a.post(url);
            if let Some(t) = token {
                r = r.header("Authorization", &format!("Bearer {t}"));
            }
            for (k, v) in extra {
                r = r.header(*k, *v);
            }
            match body {
                Some(b) => r.send_json(b)?,
                None => r.header("Content-Type", "application/json").send_empty()?,
            }
        }
    };
    let status = resp.status().as_u16();
    let etag = resp
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut body = Vec::new();
    resp.into_body().into_reader().read_to_end(&mut body)?;
    Ok(Reply { status, body, etag })
}

thread_local! {
    /// When this test's plans are to be drawn: a few seconds after the test first plans one (the
    /// test server runs without a minimum notice; the rule that no draw precedes its planned time
    /// still holds).
    static PLANNED: i64 = unix_now() + 3;
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Sleeps until this test's plans may be drawn.
fn wait_for_draw_time() {
    let planned = PLANNED.with(|p| *p);
    while unix_now() < planned {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Today's date in China (UTC+8), the calendar results are dated in.
fn china_today() -> String {
    spotcheck_domain::time::Timestamp::from_unix(unix_now() + 8 * 3600)
        .to_string()
        .chars()
        .take(10)
        .collect()
}

fn plan_json(id: &str, department: &str) -> Value {
    let planned = PLANNED.with(|p| *p);
    let planned = spotcheck_domain::time::Timestamp::from_unix(planned).to_string();
    json!({
        "id": id,
        "item": "PT-LY-001",
        "title": "端到端测试抽查",
        "department": department,
        "target_kind": "agency",
        "filter": {"mode": "targeted", "regions": ["350300"], "credit_classes": [], "outbound": null, "statuses": []},
        "stratum_scheme": "region",
        "parameters": {"default": {"count": 2}, "inspectors_per_target": 2},
        "entropy_source": {"witnesses": ["观察员 李某"]},
        "planned_draw_at": planned
    })
}

#[test]
fn the_readme_walkthrough_works_over_http() -> TestResult {
    let s = Server::demo()?;
    let t = Some(s.token.as_str());

    // The demo plan is already drawn and verifies.
    let plans = call("GET", &s.url("/api/public/plans"), None, None, &[])?;
    assert_eq!(plans.status, 200);
    assert!(String::from_utf8_lossy(&plans.body).contains("PT-2026-DEMO"));

    // Create, commit, draw.
    let r = call(
        "POST",
        &s.url("/api/plans"),
        t,
        Some(plan_json("PT-2026-E2E", DEPT)),
        &[],
    )?;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let r = call(
        "POST",
        &s.url("/api/plans/PT-2026-E2E/commit"),
        t,
        None,
        &[],
    )?;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let hash = r.json()?["commitment_hash"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let c = call(
        "GET",
        &s.url("/api/public/plans/PT-2026-E2E/commitment"),
        None,
        None,
        &[],
    )?;
    assert_eq!(
        spotcheck_domain::encoding::sha256(&c.body).to_hex(),
        hash,
        "the published commitment hashes to its hash"
    );
    wait_for_draw_time();
    let r = call(
        "POST",
        &s.url("/api/plans/PT-2026-E2E/draw"),
        t,
        Some(json!({"witnesses": [{"name": "观察员 李某", "value": "2 7 1 8 2 8"}]})),
        &[],
    )?;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let selected = r.json()?["selections"][0]["target"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!selected.is_empty());

    // The public re-checks it, on the server and offline with the CLI.
    let v = call(
        "GET",
        &s.url("/api/public/plans/PT-2026-E2E/verification"),
        None,
        None,
        &[],
    )?;
    assert_eq!(v.json()?["verified"], json!(true));
    let dir = tempfile::tempdir()?;
    for (path, file) in [
        ("transcript", "t.json"),
        ("frame.csv", "f.csv"),
        ("pool.csv", "p.csv"),
        ("commitment", "c.json"),
    ] {
        let r = call(
            "GET",
            &s.url(&format!("/api/public/plans/PT-2026-E2E/{path}")),
            None,
            None,
            &[],
        )?;
        assert_eq!(r.status, 200, "{path}");
        std::fs::write(dir.path().join(file), &r.body)?;
    }
    let out = std::process::Command::new(spotcheck()?)
        .current_dir(dir.path())
        .args([
            "verify",
            "t.json",
            "--frame",
            "f.csv",
            "--pool",
            "p.csv",
            "--commitment",
            "c.json",
        ])
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A business checks it was in the frame.
    let r = call(
        "GET",
        &s.url(&format!("/api/public/plans/PT-2026-E2E/proof/{selected}")),
        None,
        None,
        &[],
    )?;
    assert_eq!(r.status, 200);
    std::fs::write(dir.path().join("proof.json"), &r.body)?;
    let out = std::process::Command::new(spotcheck()?)
        .current_dir(dir.path())
        .args(["check-proof", "proof.json", "--commitment", "c.json"])
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Results and penalties.
    let r = call(
        "POST",
        &s.url("/api/plans/PT-2026-E2E/results"),
        t,
        Some(
            json!({"target": selected, "code": "no_problem_found", "method": "现场检查", "findings": "经营资质齐全，合同规范。", "completed_on": china_today()}),
        ),
        &[],
    )?;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let public_results = || {
        call(
            "GET",
            &s.url("/api/public/plans/PT-2026-E2E/results"),
            None,
            None,
            &[],
        )
    };
    // Not public until someone other than the person who entered it approves it.
    assert!(!String::from_utf8_lossy(&public_results()?.body).contains(&selected));
    let approval = format!("/api/plans/PT-2026-E2E/results/{selected}/approval");
    let r = call("POST", &s.url(&approval), t, None, &[])?;
    assert_eq!(r.status, 409, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()?["code"], json!("own-entry"));
    let supervisor = s.token_for("supervisor-2", DEPT, &["supervisor"])?;
    let r = call("POST", &s.url(&approval), Some(&supervisor), None, &[])?;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()?["approved"]["by"], json!("supervisor-2"));
    assert!(String::from_utf8_lossy(&public_results()?.body).contains(&selected));
    let r = call(
        "POST",
        &s.url("/api/plans/PT-2026-E2E/results"),
        t,
        Some(
            json!({"target": "91350300NOTDRAWN00", "code": "no_problem_found", "method": "现场检查", "findings": "x", "completed_on": "2026-12-10"}),
        ),
        &[],
    )?;
    assert_eq!(
        r.status, 422,
        "a target that was not drawn cannot get a result"
    );

    // Cancel another plan with a public reason; it can then never be committed. It is planned an
    // hour ahead: the walkthrough's own planned time is past by now, and a plan's draw time may not be.
    let mut cancel = plan_json("PT-2026-CANCEL", DEPT);
    cancel["planned_draw_at"] =
        json!(spotcheck_domain::time::Timestamp::from_unix(unix_now() + 3600).to_string());
    let r = call("POST", &s.url("/api/plans"), t, Some(cancel), &[])?;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let r = call(
        "POST",
        &s.url("/api/plans/PT-2026-CANCEL/cancel"),
        t,
        Some(json!({"reason": "抽查事项调整"})),
        &[],
    )?;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let r = call(
        "POST",
        &s.url("/api/plans/PT-2026-CANCEL/commit"),
        t,
        None,
        &[],
    )?;
    assert_eq!(r.status, 409);
    Ok(())
}

/// The local server has no upload bucket: the large-upload routes say so, as a client error
/// that points at the direct route, never as a server error.
#[test]
fn large_uploads_are_unavailable_locally_and_point_at_the_direct_route() -> TestResult {
    let s = Server::demo()?;
    let admin = s.token_for("registrar-1", DEPT, &["registrar"])?;
    for (method, path, body) in [
        (
            "POST",
            "/api/registries/guides/uploads",
            Some(json!({"file_name": "guides.csv"})),
        ),
        (
            "GET",
            "/api/registries/guides/uploads/0123456789abcdef0123456789abcdef",
            None,
        ),
    ] {
        let r = call(method, &s.url(path), Some(&admin), body, &[])?;
        assert_eq!(r.status, 404, "{method} {path}");
        let p = r.json()?;
        assert_eq!(
            p["code"],
            json!("large-uploads-unavailable"),
            "{method} {path}"
        );
        let detail = p["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("POST /api/registries/{kind}"), "{detail}");
    }
    Ok(())
}

#[test]
fn immutable_records_have_etags_and_answer_304() -> TestResult {
    let s = Server::demo()?;
    let r = call(
        "GET",
        &s.url("/api/public/plans/PT-2026-DEMO/transcript"),
        None,
        None,
        &[],
    )?;
    let etag = r.etag.ok_or("no ETag")?;
    let again = call(
        "GET",
        &s.url("/api/public/plans/PT-2026-DEMO/transcript"),
        None,
        None,
        &[("If-None-Match", &etag)],
    )?;
    assert_eq!(again.status, 304);
    Ok(())
}

fn sign(key: &[u8], claims: Value) -> Result<String, jsonwebtoken::errors::Error> {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(key),
    )
}

#[test]
fn every_inspector_route_refuses_missing_expired_forged_and_foreign_tokens() -> TestResult {
    let s = Server::demo()?;
    let key_hex = std::fs::read_to_string(s.dir.path().join("demo.sqlite.jwt-key"))?;
    let key = hex::decode(key_hex.trim())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let claims = |dept: &str, roles: &[&str], exp: i64| json!({"sub": "t", "department": dept, "roles": roles, "iat": now - 10, "exp": exp});
    let expired = sign(&key, claims(DEPT, &["admin"], now - 3600))?;
    let forged = sign(&[7u8; 32], claims(DEPT, &["admin"], now + 3600))?;
    let foreign = s.token_for("other", "仙游县文体旅游局", &["inspector", "supervisor"])?;
    let inspector_only = s.token_for("i", DEPT, &["inspector"])?;

    call(
        "POST",
        &s.url("/api/plans"),
        Some(&s.token),
        Some(plan_json("PT-2026-AUTH", DEPT)),
        &[],
    )?;
    let penalty = |number: &str| {
        json!({
            "number": number,
            "party": {"kind": "organisation", "name": "莆田宁海商务旅行社有限公司", "credit_code": null},
            "cause": "未按规定委派导游", "legal_basis": "《旅行社条例》第五十六条",
            "conditions": "未为团队委派持证导游。", "procedure": "普通程序",
            "result": "罚款人民币伍仟元", "authority": DEPT, "decided_on": "2026-11-20",
            "minor": false, "involves_minor": false, "target": null, "plan": null
        })
    };
    let r = call(
        "POST",
        &s.url("/api/penalties"),
        Some(&s.token),
        Some(penalty("莆文旅罚〔2026〕90号")),
        &[],
    )?;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let change = json!({"kind": "revoked", "reason": "复议撤销", "new_result": null, "effective_on": "2026-11-25"});
    let routes: Vec<(&str, Value)> = vec![
        ("/api/me", Value::Null),
        ("/api/plans", plan_json("PT-2026-AUTH2", DEPT)),
        ("/api/plans/PT-2026-AUTH/commit", Value::Null),
        ("/api/plans/PT-2026-AUTH/draw", json!({"witnesses": []})),
        ("/api/plans/PT-2026-AUTH/cancel", json!({"reason": "x"})),
        (
            "/api/plans/PT-2026-DEMO/results",
            json!({"target": "x", "code": "no_problem_found", "method": "现场检查", "findings": "x", "completed_on": "2026-12-10"}),
        ),
        ("/api/registries/agencies", Value::Null),
        ("/api/penalties", penalty("莆文旅罚〔2026〕91号")),
        (
            "/api/penalties/莆文旅罚〔2026〕90号/changes",
            change.clone(),
        ),
        ("/api/penalties/莆文旅罚〔2026〕90号/approval", Value::Null),
    ];
    for (path, body) in &routes {
        let method = if *path == "/api/me" { "GET" } else { "POST" };
        let body = (!body.is_null()).then(|| body.clone());
        for (what, token) in [
            ("missing", None),
            ("garbage", Some("not.a.token")),
            ("expired", Some(expired.as_str())),
            ("forged", Some(forged.as_str())),
        ] {
            let r = call(method, &s.url(path), token, body.clone(), &[])?;
            assert_eq!(
                r.status,
                401,
                "{what} token on {path}: {}",
                String::from_utf8_lossy(&r.body)
            );
            assert_eq!(r.json()?["code"], json!("unauthorized"));
        }
        if *path != "/api/me" {
            let r = call(method, &s.url(path), Some(&foreign), body.clone(), &[])?;
            assert_eq!(
                r.status,
                403,
                "other department on {path}: {}",
                String::from_utf8_lossy(&r.body)
            );
        }
    }
    // Roles: an inspector may not commit, draw, cancel, upload registries or approve.
    for path in [
        "/api/plans/PT-2026-AUTH/commit",
        "/api/plans/PT-2026-AUTH/cancel",
        "/api/registries/agencies",
        "/api/penalties/莆文旅罚〔2026〕90号/approval",
    ] {
        let body = path.ends_with("cancel").then(|| json!({"reason": "x"}));
        let r = call("POST", &s.url(path), Some(&inspector_only), body, &[])?;
        assert_eq!(r.status, 403, "inspector on {path}");
    }
    Ok(())
}

#[test]
fn a_retried_post_with_the_same_idempotency_key_returns_the_first_result() -> TestResult {
    let s = Server::demo()?;
    let t = Some(s.token.as_str());
    let key = [("Idempotency-Key", "create-PT-2026-IDEM")];
    let a = call(
        "POST",
        &s.url("/api/plans"),
        t,
        Some(plan_json("PT-2026-IDEM", DEPT)),
        &key,
    )?;
    let b = call(
        "POST",
        &s.url("/api/plans"),
        t,
        Some(plan_json("PT-2026-IDEM", DEPT)),
        &key,
    )?;
    assert_eq!(
        (a.status, b.status),
        (201, 201),
        "{}",
        String::from_utf8_lossy(&b.body)
    );
    assert_eq!(a.json()?, b.json()?);
    let mut other = plan_json("PT-2026-IDEM", DEPT);
    other["title"] = json!("另一个标题");
    let c = call("POST", &s.url("/api/plans"), t, Some(other), &key)?;
    assert_eq!(
        c.status,
        422,
        "same key, different request: {}",
        String::from_utf8_lossy(&c.body)
    );
    Ok(())
}

#[test]
fn fifty_racing_draws_give_exactly_one_transcript() -> TestResult {
    let s = Server::demo()?;
    let t = s.token.clone();
    call(
        "POST",
        &s.url("/api/plans"),
        Some(&t),
        Some(plan_json("PT-2026-RACE", DEPT)),
        &[],
    )?;
    let r = call(
        "POST",
        &s.url("/api/plans/PT-2026-RACE/commit"),
        Some(&t),
        None,
        &[],
    )?;
    assert_eq!(r.status, 201);
    wait_for_draw_time();
    let url = s.url("/api/plans/PT-2026-RACE/draw");
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let (url, t) = (url.clone(), t.clone());
            std::thread::spawn(move || {
                call("POST", &url, Some(&t), Some(json!({"witnesses": [{"name": "观察员 李某", "value": format!("value {i}")}]})), &[])
                    .map(|r| r.status)
                    .unwrap_or(0)
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap_or(0)).collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        49,
        "{statuses:?}"
    );
    let v = call(
        "GET",
        &s.url("/api/public/plans/PT-2026-RACE/verification"),
        None,
        None,
        &[],
    )?;
    assert_eq!(v.json()?["verified"], json!(true));
    Ok(())
}

#[test]
fn bad_requests_get_problem_documents_that_say_what_to_fix() -> TestResult {
    let s = Server::demo()?;
    let t = Some(s.token.as_str());
    let mut bad = plan_json("PT-2026-BAD", DEPT);
    bad["colour"] = json!("red");
    let r = call("POST", &s.url("/api/plans"), t, Some(bad), &[])?;
    assert_eq!(r.status, 400);
    let p = r.json()?;
    assert_eq!(p["code"], json!("invalid-json"));
    assert!(
        p["detail"].as_str().unwrap_or_default().contains("colour"),
        "{p}"
    );

    let r = agent()
        .post(&s.url("/api/plans"))
        .header("Authorization", &format!("Bearer {}", s.token))
        .header("Content-Type", "text/plain")
        .send("hello")?;
    assert_eq!(r.status().as_u16(), 415);

    let huge = json!({"reason": "x".repeat(400_000)});
    let r = call(
        "POST",
        &s.url("/api/plans/PT-2026-DEMO/cancel"),
        t,
        Some(huge),
        &[],
    )?;
    assert_eq!(r.status, 413);

    let r = call(
        "GET",
        &s.url("/api/public/plans/not%20a%20plan"),
        None,
        None,
        &[],
    )?;
    assert_eq!(r.status, 400);
    let r = call("GET", &s.url("/api/public/plans/PT-NOPE"), None, None, &[])?;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()?["code"], json!("not-found"));
    Ok(())
}
