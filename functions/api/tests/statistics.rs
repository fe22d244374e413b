//! `GET /api/public/statistics`: the yearly statistics per department from what the public may see
//! (an unapproved decision is not counted), filtered by year and department, and a query that does
//! not parse answers problem+json.

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

async fn call(router: &axum::Router, req: Request<Body>) -> R<(u16, String, Value)> {
    let resp = router.clone().oneshot(req).await?;
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = resp.into_body().collect().await?.to_bytes();
    Ok((
        status,
        ct,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

fn decision(number: &str, decided: &str, categories: &[&str]) -> Value {
    json!({
        "number": number,
        "party": {"kind": "organisation", "name": "莆田宁海商务旅行社有限公司", "credit_code": "91350302MA0000001Y"},
        "cause": "未按规定公示", "legal_basis": "《旅行社条例》", "conditions": "未按规定公示。",
        "procedure": "简易程序", "result": "警告", "authority": DEPT, "decided_on": decided,
        "minor": true, "involves_minor": false, "target": null, "plan": null,
        "disclosure": {"subject_category": "legal_person", "violation_type": "未按规定公示",
            "categories": categories, "fine": if categories.contains(&"fine") { json!("0.5") } else { Value::Null },
            "authority_credit_code": "11350300003598201H", "source_unit": DEPT,
            "source_unit_code": "11350300003598201H"}
    })
}

#[tokio::test]
async fn the_public_statistics_count_approved_decisions_by_category_and_filter() -> R<()> {
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
    let clerk = token("clerk", &["inspector"])?;
    let publisher = token("pub", &["publisher"])?;
    let decided = Timestamp::from_unix(1_795_000_000)
        .china_date()
        .ok_or("date")?;
    // Two decisions: 〔2026〕40号 (warning and fine) approved, 41号 (warning) awaiting approval.
    for (n, cats) in [("40", vec!["warning", "fine"]), ("41", vec!["warning"])] {
        let req = Request::post("/api/penalties")
            .header(header::AUTHORIZATION, format!("Bearer {clerk}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::to_vec(&decision(
                &format!("莆文旅罚〔2026〕{n}号"),
                &decided.to_string(),
                &cats,
            ))?))?;
        let (status, _, body) = call(&router, req).await?;
        assert_eq!(status, 201, "{body}");
    }
    let req = Request::post("/api/penalties/%E8%8E%86%E6%96%87%E6%97%85%E7%BD%9A%E3%80%942026%E3%80%9540%E5%8F%B7/approval")
        .header(header::AUTHORIZATION, format!("Bearer {publisher}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::empty())?;
    let (status, _, body) = call(&router, req).await?;
    assert_eq!(status, 200, "{body}");

    let get = |q: &str| Request::get(format!("/api/public/statistics{q}")).body(Body::empty());
    let (status, _, all) = call(&router, get("")?).await?;
    assert_eq!(status, 200, "{all}");
    let docs = all.as_array().ok_or("array")?;
    assert_eq!(docs.len(), 1);
    let s = &docs[0];
    assert_eq!(
        (s["year"].as_i64(), s["department"].as_str()),
        (Some(2026), Some(DEPT))
    );
    // One decision shows (40号); it has two categories, each counted once.
    assert_eq!(s["penalties"]["decisions"], 1);
    let count = |c: &str| {
        s["penalties"]["by_category"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["category"] == c))
            .map(|x| x["count"].clone())
    };
    assert_eq!(count("warning"), Some(json!(1)));
    assert_eq!(count("fine"), Some(json!(1)));
    assert_eq!(count("detention"), Some(json!(0)));

    let (_, _, filtered) = call(&router, get("?year=2026&department=%E8%8E%86%E7%94%B0%E5%B8%82%E6%96%87%E5%8C%96%E5%92%8C%E6%97%85%E6%B8%B8%E5%B1%80")?).await?;
    assert_eq!(filtered.as_array().map(Vec::len), Some(1));
    let (_, _, none) = call(&router, get("?year=2025")?).await?;
    assert_eq!(none, json!([]));
    let (status, ct, problem) = call(&router, get("?year=twenty")?).await?;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid-query"))
    );
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    let (status, _, problem) = call(&router, get("?colour=red")?).await?;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid-query"))
    );
    Ok(())
}
