//! Loads the synthetic Putian demo into a running router through its own API (the same requests
//! an administrator and a supervisor would send), so the demo exercises the real code paths.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use std::sync::Arc;

use spotcheck_api::auth::{Claims, mint_token};
use spotcheck_api::{InspectorState, WriteStore, app};
use spotcheck_domain::time::Timestamp;
use tower::ServiceExt;

use crate::exit::Failure;

const DEPARTMENT: &str = "莆田市文化和旅游局";
/// The partner department of the demo's joint check (部门联合抽查, draw spec §17).
pub(crate) const PARTNER: &str = "莆田市市场监督管理局";
/// How many synthetic inspectors of [`PARTNER`] the demo roster adds to the fixture's.
const PARTNER_INSPECTORS: u32 = 6;

/// Roster rows (the inspector registry's CSV columns) of the partner's synthetic inspectors,
/// each checking travel agencies; with a line break first when the fixture lacks a final one.
fn partner_inspectors(ends_with_newline: bool) -> Vec<u8> {
    let mut rows = if ends_with_newline {
        String::new()
    } else {
        String::from("\n")
    };
    for i in 1..=PARTNER_INSPECTORS {
        rows.push_str(&format!(
            "PT-SJ-{i:03},市场监管演示检查员{i},FJ3503009{i:04},{PARTNER},350300,旅行社,\n"
        ));
    }
    rows.into_bytes()
}

/// A token for `sub` of `department` with these roles.
fn department_token(
    key: &[u8],
    sub: &str,
    department: &str,
    roles: &[&str],
) -> Result<String, Failure> {
    let now = chrono::Utc::now().timestamp();
    mint_token(
        key,
        &Claims {
            sub: sub.into(),
            department: department.into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            iss: spotcheck_api::auth::DEFAULT_ISSUER.into(),
            iat: now,
            exp: now + 8 * 3600,
            nbf: None,
        },
    )
    .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))
}
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");

/// A token for the demo department with these roles.
pub fn token(key: &[u8], roles: &[&str]) -> Result<String, Failure> {
    token_for(key, "demo-admin", roles)
}

/// A token for `sub` in the demo department with these roles.
pub fn token_for(key: &[u8], sub: &str, roles: &[&str]) -> Result<String, Failure> {
    let now = chrono::Utc::now().timestamp();
    mint_token(
        key,
        &Claims {
            sub: sub.into(),
            department: DEPARTMENT.into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            iss: spotcheck_api::auth::DEFAULT_ISSUER.into(),
            iat: now,
            exp: now + 8 * 3600,
            nbf: None,
        },
    )
    .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))
}

async fn send(
    router: &axum::Router,
    token: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Result<serde_json::Value, Failure> {
    let req = Request::post(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", content_type)
        .body(Body::from(body))
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

/// Uploads the registries and the item list, then creates, commits and draws one plan, and a
/// joint check with the market regulator (whose synthetic inspectors the roster gains).
///
/// The demo keeps the rules of time (docs/architecture.md, "Time"): the plan's draw is planned
/// an hour ago, and everything before the draw (registries, the draft, the commitment) is done
/// through a router whose clock stands one minimum notice and one more hour before that; the
/// draw itself runs on `state`'s own clock. So the demo plan has been public for the whole notice
/// before it was drawn, exactly as a real one must.
pub async fn load<S: WriteStore + 'static>(
    state: &InspectorState<S>,
    key: &[u8],
) -> Result<(), Failure> {
    let now = (state.clock)();
    let planned = Timestamp::from_unix((now.unix() - 3600) / 60 * 60);
    let setup_at = Timestamp::from_unix(planned.unix() - state.schedule.min_notice_secs - 3600);
    let earlier = app(InspectorState {
        clock: Arc::new(move || setup_at),
        ..state.clone()
    });
    let router = app(state.clone());
    let admin = token(key, &["admin", "registrar", "supervisor", "inspector"])?;
    for (kind, file) in [
        ("items", "items/tourism-items.csv"),
        ("agencies", "registries/agencies.synthetic.csv"),
        ("guides", "registries/guides.synthetic.csv"),
        ("operators", "registries/operators.synthetic.csv"),
        ("inspectors", "registries/inspectors.synthetic.csv"),
    ] {
        let path = format!("{FIXTURES}/{file}");
        let mut bytes =
            std::fs::read(&path).map_err(|e| Failure::bad_input(format!("{path}: {e}")))?;
        if kind == "inspectors" {
            bytes.extend_from_slice(&partner_inspectors(bytes.ends_with(b"\n")));
        }
        send(
            &earlier,
            &admin,
            &format!("/api/registries/{kind}"),
            "text/csv",
            bytes,
        )
        .await?;
    }
    // 实施期限: from the day of the draw (China), 30 days.
    let period = planned.china_date().map(|d| {
        serde_json::json!({"from": d.to_string(), "to": (d + chrono::Days::new(30)).to_string()})
    });
    let plan = serde_json::json!({
        "implementation_period": period,
        "id": "PT-2026-DEMO",
        "item": "PT-LY-001",
        "title": "2026年第四季度旅行社“双随机”抽查（演示）",
        "department": DEPARTMENT,
        "target_kind": "agency",
        "filter": {"mode": "untargeted"},
        "stratum_scheme": "region",
        "parameters": {"default": {"ratio": "0.1", "rounding": "up"}, "inspectors_per_target": 2, "max_assignments_per_inspector": 4},
        "entropy_source": {"witnesses": ["莆田市公证处（演示）"]},
        "planned_draw_at": planned.to_string()
    });
    let body = serde_json::to_vec(&plan).map_err(|e| Failure::Other(e.into()))?;
    send(&earlier, &admin, "/api/plans", "application/json", body).await?;
    send(
        &earlier,
        &admin,
        "/api/plans/PT-2026-DEMO/commit",
        "application/json",
        Vec::new(),
    )
    .await?;
    let witness = serde_json::json!({"witnesses": [{"name": "莆田市公证处（演示）", "value": "演示骰子 3 1 4 1 5 9"}]});
    let body = serde_json::to_vec(&witness).map_err(|e| Failure::Other(e.into()))?;
    send(
        &router,
        &admin,
        "/api/plans/PT-2026-DEMO/draw",
        "application/json",
        body.clone(),
    )
    .await?;
    joint_check(&earlier, &router, key, &admin, planned, body).await
}

/// The joint check of 莆田市文化和旅游局 with 莆田市市场监督管理局 (draw spec §17): the lead creates
/// it, the partner's supervisor approves its part, the lead commits and, at the same planned
/// time as the demo plan, draws it with the same witness (`witness` is the draw's body).
async fn joint_check(
    earlier: &axum::Router,
    router: &axum::Router,
    key: &[u8],
    admin: &str,
    planned: Timestamp,
    witness: Vec<u8>,
) -> Result<(), Failure> {
    let plan = serde_json::json!({
        "id": "PT-2026-JOINT",
        "item": "PT-LY-001",
        "title": "2026年旅行社部门联合“双随机”抽查（演示）",
        "department": DEPARTMENT,
        "target_kind": "agency",
        "filter": {"mode": "untargeted"},
        "stratum_scheme": "region",
        "parameters": {
            "default": {"count": 1},
            "inspectors_per_target": 2,
            "joint": {"lead": DEPARTMENT, "partners": [PARTNER], "require": "all"}
        },
        "entropy_source": {"witnesses": ["莆田市公证处（演示）"]},
        "planned_draw_at": planned.to_string()
    });
    let body = serde_json::to_vec(&plan).map_err(|e| Failure::Other(e.into()))?;
    let created = send(earlier, admin, "/api/plans", "application/json", body).await?;
    let partner = department_token(key, "demo-market-supervisor", PARTNER, &["supervisor"])?;
    let approval = serde_json::json!({"expected_version": created["version"]});
    let body = serde_json::to_vec(&approval).map_err(|e| Failure::Other(e.into()))?;
    send(
        earlier,
        &partner,
        "/api/plans/PT-2026-JOINT/partner-approval",
        "application/json",
        body,
    )
    .await?;
    send(
        earlier,
        admin,
        "/api/plans/PT-2026-JOINT/commit",
        "application/json",
        Vec::new(),
    )
    .await?;
    send(
        router,
        admin,
        "/api/plans/PT-2026-JOINT/draw",
        "application/json",
        witness,
    )
    .await?;
    Ok(())
}
