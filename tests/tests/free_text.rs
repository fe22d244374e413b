//! NUL, other control characters and bidirectional overrides in a plan's free text are refused
//! over HTTP with a 422 problem that names the field; nothing is stored.

use std::io::Read as _;

use serde_json::{Value, json};
use spotcheck_tests::{Server, agent};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const DEPT: &str = "莆田市文化和旅游局";

fn plan(id: &str, title: &str) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let planned = spotcheck_domain::time::Timestamp::from_unix(now + 86_400).to_string();
    json!({
        "id": id,
        "item": "PT-LY-001",
        "title": title,
        "department": DEPT,
        "target_kind": "agency",
        "filter": {"mode": "targeted", "regions": ["350300"], "credit_classes": [], "outbound": null, "statuses": []},
        "stratum_scheme": "region",
        "parameters": {"default": {"count": 2}, "inspectors_per_target": 2},
        "entropy_source": {"witnesses": ["观察员 李某"]},
        "planned_draw_at": planned
    })
}

#[test]
fn control_and_bidi_characters_in_a_plan_title_get_a_422_naming_the_field() -> TestResult {
    let s = Server::demo()?;
    let token = s.token_for(
        "planner-1",
        DEPT,
        &["admin", "registrar", "supervisor", "inspector"],
    )?;
    for (i, title) in [
        "抽查\u{0}计划",
        "抽查\u{202e}划计",
        "抽查\u{2067}计划",
        "抽查\u{1b}[31m计划",
    ]
    .iter()
    .enumerate()
    {
        let resp = agent()
            .post(&s.url("/api/plans"))
            .header("Authorization", &format!("Bearer {token}"))
            .send_json(plan(&format!("PT-TEXT-{i}"), title))?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let mut body = Vec::new();
        resp.into_body().into_reader().read_to_end(&mut body)?;
        let body: Value = serde_json::from_slice(&body)?;
        assert_eq!(status, 422, "{title:?}: {body}");
        assert!(content_type.starts_with("application/problem+json"));
        let detail = body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("title"), "{title:?}: {detail}");
    }
    // A plain title is accepted.
    let resp = agent()
        .post(&s.url("/api/plans"))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(plan("PT-TEXT-OK", "端到端测试抽查"))?;
    assert_eq!(resp.status().as_u16(), 201);
    Ok(())
}
