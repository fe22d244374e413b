//! Helper of the commit crash test (`tests/commit_crash.rs`): a supervisor's commit over the real
//! router and the SQLite store, killed with SIGKILL at one of its steps, then retried.
//!
//! Usage:
//! - `commit_crash DB setup`: imports the fixtures' registries and creates the draft `PT-CRASH`.
//! - `commit_crash DB kill STEP`: commits, and SIGKILLs its own process when STEP is reached
//!   (`frame-stored`, `pool-stored`, `frame-attached`, `pool-attached`, `committed`).
//! - `commit_crash DB retry`: commits again as a plain retry (no idempotency key) and prints the
//!   plan's state and the commitment hash, or the problem it answered.
//!
//! Every run uses the same fixed clock, so a retry is the same request a client would repeat.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use spotcheck_api::auth::{Claims, DEFAULT_ISSUER, mint_token};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app};
use spotcheck_app::plans::{CommitStep, commit_plan};
use spotcheck_app::{Role, Staff};
use spotcheck_domain::store::PlanReader;
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;
use tower::ServiceExt;

type R<T> = Result<T, Box<dyn std::error::Error>>;

const KEY: [u8; 32] = [7; 32];
const MASTER: [u8; 32] = [9; 32];
const DEPT: &str = "莆田市文化和旅游局";
const NOW: &str = "2026-03-02T01:00:00Z";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");

fn token() -> R<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    Ok(mint_token(
        &KEY,
        &Claims {
            sub: "chief".into(),
            department: DEPT.into(),
            roles: vec!["registrar".into(), "inspector".into(), "supervisor".into()],
            iss: DEFAULT_ISSUER.into(),
            iat: now,
            exp: now + 3600,
            nbf: None,
        },
    )?)
}

async fn send(router: &axum::Router, path: &str, content_type: &str, body: Vec<u8>) -> R<String> {
    let req = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {}", token()?))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))?;
    let resp = router.clone().oneshot(req).await?;
    let status = resp.status();
    let bytes = resp.into_body().collect().await?.to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if !status.is_success() {
        return Err(format!("POST {path}: {status} {text}").into());
    }
    Ok(text)
}

fn kill_self() -> ! {
    let pid = std::process::id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

async fn run(db: &str, mode: &str, step: Option<&str>) -> R<()> {
    let now: Timestamp = NOW.parse()?;
    let store = Arc::new(SqliteStore::open(db)?);
    let state = InspectorState {
        store: Arc::clone(&store),
        auth: Authenticator::local(&KEY)?,
        sealer: SecretSealer::new(MASTER),
        clock: Arc::new(move || now),
        beacon: None,
        timestamper: None,
        schedule: Default::default(),
    };
    let router = app(state.clone());
    match mode {
        "setup" => {
            for (kind, file) in [
                ("items", "items/tourism-items.csv"),
                ("agencies", "registries/agencies.synthetic.csv"),
                ("guides", "registries/guides.synthetic.csv"),
                ("inspectors", "registries/inspectors.synthetic.csv"),
            ] {
                let bytes = std::fs::read(format!("{FIXTURES}/{file}"))?;
                send(
                    &router,
                    &format!("/api/registries/{kind}"),
                    "text/csv",
                    bytes,
                )
                .await?;
            }
            let plan = serde_json::json!({
                "id": "PT-CRASH", "item": "PT-LY-001", "title": "崩溃恢复测试",
                "department": DEPT, "target_kind": "agency",
                "filter": {"mode": "untargeted"}, "stratum_scheme": "region",
                "parameters": {"default": {"count": 2}, "inspectors_per_target": 2},
                "entropy_source": {"witnesses": ["观察员 李某"]},
                "planned_draw_at": Timestamp::from_unix(now.unix() + 2 * 86_400).to_string()
            });
            send(
                &router,
                "/api/plans",
                "application/json",
                serde_json::to_vec(&plan)?,
            )
            .await?;
            println!("ready");
        }
        "kill" => {
            let step = step.ok_or("kill needs a STEP")?;
            if !CommitStep::ALL.iter().any(|s| s.name() == step) {
                return Err(format!("unknown step {step}").into());
            }
            let staff = Staff {
                actor: "chief".parse()?,
                department: DEPT.parse()?,
                roles: vec![Role::Supervisor],
            };
            let meta = spotcheck_domain::lifecycle::WriteMeta::new(
                "crash-commit".parse()?,
                "chief".parse()?,
                now,
            );
            let observe = |reached: CommitStep| {
                if reached.name() == step {
                    kill_self();
                }
            };
            commit_plan(
                &*store,
                &state.sealer,
                &staff,
                &meta,
                &"PT-CRASH".parse()?,
                now,
                &state.schedule,
                &observe,
            )
            .await?;
            println!("not killed");
        }
        "retry" => {
            let answer = send(
                &router,
                "/api/plans/PT-CRASH/commit",
                "application/json",
                Vec::new(),
            )
            .await;
            let plan = store.get_plan(&"PT-CRASH".parse()?).await?;
            println!("state {}", plan.state.name());
            match answer {
                Ok(body) => {
                    let v: serde_json::Value = serde_json::from_str(&body)?;
                    println!("commitment {}", v["commitment_hash"].as_str().unwrap_or(""));
                }
                Err(e) => println!("refused {e}"),
            }
        }
        other => return Err(format!("unknown mode {other}").into()),
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(db), Some(mode)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: commit_crash DB setup|kill STEP|retry");
        std::process::exit(2);
    };
    if let Err(e) = run(db, mode, args.get(3).map(String::as_str)).await {
        eprintln!("commit_crash: {e}");
        std::process::exit(1);
    }
}
