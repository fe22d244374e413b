//! `GET /api/exports/{layout}`: the publisher downloads the department's records in a national
//! platform's layout; other roles and other departments do not get them.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use spotcheck_api::auth::{Claims, DEFAULT_ISSUER, mint_token};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app};
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;
use tower::ServiceExt;

type R<T> = Result<T, Box<dyn std::error::Error>>;

const KEY: [u8; 32] = [7; 32];
const DEPT: &str = "莆田市文化和旅游局";
const OTHER: &str = "厦门市文化和旅游局";
const NUMBER: &str = "莆文旅罚〔2026〕30号";

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

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

struct Reply {
    status: u16,
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

async fn send(router: &axum::Router, req: Request<Body>) -> R<Reply> {
    let resp = router.clone().oneshot(req).await?;
    let h = |n| {
        resp.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (h(header::CONTENT_TYPE), h(header::CONTENT_DISPOSITION));
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await?.to_bytes().to_vec();
    Ok(Reply {
        status,
        content_type,
        disposition,
        bytes,
    })
}

async fn post(router: &axum::Router, token: &str, path: &str, body: Value) -> R<Reply> {
    let req = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(serde_json::to_vec(&body)?))?;
    send(router, req).await
}

async fn get(router: &axum::Router, token: &str, path: &str) -> R<Reply> {
    let req = Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())?;
    send(router, req).await
}

fn problem_code(r: &Reply) -> String {
    serde_json::from_slice::<Value>(&r.bytes)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[tokio::test]
async fn the_publisher_downloads_the_departments_penalties_in_the_credit_china_layout() -> R<()> {
    let dir = tempfile::tempdir()?;
    let router = app(InspectorState {
        store: Arc::new(SqliteStore::open(dir.path().join("d.sqlite"))?),
        auth: Authenticator::local(&KEY)?,
        sealer: SecretSealer::new([9; 32]),
        clock: Arc::new(|| Timestamp::from_unix(1_795_000_000)),
        beacon: None,
        timestamper: None,
        schedule: Default::default(),
    });
    let clerk = token("clerk", DEPT, &["inspector"])?;
    let publisher = token("pub", DEPT, &["publisher"])?;
    let decided = Timestamp::from_unix(1_795_000_000)
        .china_date()
        .ok_or("date")?
        .to_string();
    let r = post(&router, &clerk, "/api/penalties", json!({
        "number": NUMBER,
        "party": {"kind": "natural_person", "masked_name": "柯**", "guide_card": "D-3503-000000"},
        "cause": "导游私自承揽导游业务", "legal_basis": "《导游人员管理条例》第十九条",
        "conditions": "当事人未经旅行社委派私自承揽导游业务。", "procedure": "简易程序",
        "result": "罚款人民币伍佰元", "authority": DEPT, "decided_on": decided,
        "minor": true, "involves_minor": false, "target": null, "plan": null,
        "disclosure": {"subject_category": "natural_person",
            "id_document": {"kind": "resident_id_card", "number": "11010519491231002X"},
            "violation_type": "私自承揽导游业务", "categories": ["fine"], "fine": "0.05",
            "authority_credit_code": "11350300003598201H", "source_unit": DEPT,
            "source_unit_code": "11350300003598201H"}
    })).await?;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    // An amount with more than six decimals (finer than 1 分) is refused.
    let mut bad = serde_json::from_slice::<Value>(&std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/exports/penalties-input.json"
    ))?)?[0]
        .clone();
    bad["number"] = json!("莆文旅罚〔2026〕99号");
    bad["decided_on"] = json!(decided);
    bad["disclosure"]["fine"] = json!("0.0000001");
    let r = post(&router, &clerk, "/api/penalties", bad).await?;
    assert_eq!(
        (r.status, problem_code(&r).as_str()),
        (400, "invalid-json"),
        "{}",
        String::from_utf8_lossy(&r.bytes)
    );
    assert!(String::from_utf8_lossy(&r.bytes).contains("6 decimal places"));

    let approve = format!("/api/penalties/{}/approval", urlencode(NUMBER));
    let r = post(&router, &publisher, &approve, Value::Null).await?;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));

    let csv = get(&router, &publisher, "/api/exports/credit-china").await?;
    assert_eq!(csv.status, 200, "{}", String::from_utf8_lossy(&csv.bytes));
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    assert!(csv.disposition.contains("penalties-credit-china.csv"));
    let text = String::from_utf8(csv.bytes)?;
    let row = text.lines().nth(1).ok_or("no row")?;
    assert!(
        row.contains(NUMBER) && row.contains("11010519491231002X") && row.contains(",0.050000,"),
        "{row}"
    );

    let xlsx = get(&router, &publisher, "/api/exports/credit-china?format=xlsx").await?;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.content_type.contains("spreadsheetml"));
    assert!(xlsx.bytes.starts_with(b"PK"), "not a zip container");

    // Another department's publisher gets the header only; an inspector is refused.
    let other = token("pub2", OTHER, &["publisher"])?;
    let r = get(&router, &other, "/api/exports/credit-china").await?;
    assert_eq!(String::from_utf8(r.bytes)?.lines().count(), 1);
    let r = get(&router, &clerk, "/api/exports/credit-china").await?;
    assert_eq!((r.status, problem_code(&r).as_str()), (403, "missing-role"));
    let r = get(&router, &publisher, "/api/exports/penalties").await?;
    assert_eq!(
        (r.status, problem_code(&r).as_str()),
        (422, "unknown-layout")
    );
    let r = get(&router, &publisher, "/api/exports/gsxt?format=xls").await?;
    assert_eq!(
        (r.status, problem_code(&r).as_str()),
        (422, "unknown-format")
    );
    let r = get(&router, &publisher, "/api/exports/gsxt").await?;
    assert_eq!(r.status, 200);
    Ok(())
}
