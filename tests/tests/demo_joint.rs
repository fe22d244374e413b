//! `spotcheck serve --demo` includes a joint check (部门联合抽查, draw spec §17) of
//! 莆田市文化和旅游局 with 莆田市市场监督管理局: approved by the partner, committed as a
//! `spotcheck-draw/2` commitment over both departments' inspectors, drawn, and verified by the
//! public verification endpoint.

use std::io::Read as _;

use serde_json::Value;
use spotcheck_tests::{Server, agent};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const LEAD: &str = "莆田市文化和旅游局";
const PARTNER: &str = "莆田市市场监督管理局";

fn get(s: &Server, path: &str) -> Result<(u16, Vec<u8>), Box<dyn std::error::Error>> {
    let resp = agent().get(&s.url(path)).call()?;
    let status = resp.status().as_u16();
    let mut body = Vec::new();
    resp.into_body().into_reader().read_to_end(&mut body)?;
    Ok((status, body))
}

#[test]
fn the_demo_holds_a_drawn_joint_check_that_verifies() -> TestResult {
    let s = Server::demo()?;
    let (status, body) = get(&s, "/api/public/plans/PT-2026-JOINT")?;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let plan: Value = serde_json::from_slice(&body)?;
    let joint = &plan["spec"]["parameters"]["joint"];
    assert_eq!(joint["lead"], LEAD, "{plan}");
    assert_eq!(joint["partners"][0], PARTNER, "{plan}");
    assert_eq!(
        plan["partner_approvals"][0]["department"], PARTNER,
        "{plan}"
    );
    assert_eq!(plan["state"]["state"], "drawn", "{plan}");

    let (status, body) = get(&s, "/api/public/plans/PT-2026-JOINT/commitment")?;
    assert_eq!(status, 200);
    let commitment: Value = serde_json::from_slice(&body)?;
    assert_eq!(commitment["spec_version"], "spotcheck-draw/2");

    let (status, pool) = get(&s, "/api/public/plans/PT-2026-JOINT/pool.csv")?;
    assert_eq!(status, 200);
    let pool = String::from_utf8(pool)?;
    assert!(
        pool.contains(&format!(",{LEAD},")) && pool.contains(&format!(",{PARTNER},")),
        "one pool of both departments: {pool}"
    );

    let (status, body) = get(&s, "/api/public/plans/PT-2026-JOINT/verification")?;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let verification: Value = serde_json::from_slice(&body)?;
    assert_eq!(verification["verified"], true, "{verification}");
    Ok(())
}
