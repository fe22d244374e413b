//! The routers behind Lambda: real API Gateway HTTP API (payload 2.0) events from
//! `fixtures/events/`, parsed by `lambda_http` exactly as the Lambda runtime does, sent through the
//! routers over a SQLite store with `Authenticator::ApiGateway`.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, inspector_router, public_router};
use spotcheck_store::SqliteStore;
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;

struct Lambda {
    _dir: tempfile::TempDir,
    public: axum::Router,
    inspector: axum::Router,
}

/// The Lambda's clock: four days before the fixture plan's planned draw (2026-12-02T02:00Z), so
/// the plan keeps the minimum notice.
const NOW: &str = "2026-11-28T00:00:00Z";

async fn lambda() -> Result<Lambda, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = Arc::new(SqliteStore::open(dir.path().join("d.sqlite"))?);
    // The plans name an item of the item list, which an administrator imported first.
    let now: spotcheck_domain::time::Timestamp = NOW.parse()?;
    let items = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/items/tourism-items.csv"),
    )?;
    spotcheck_app::registry::import_registry(
        &*store,
        &spotcheck_domain::lifecycle::WriteMeta::new("items".parse()?, "admin".parse()?, now),
        spotcheck_domain::registry::RegistryKind::Items,
        "tourism-items.csv",
        items,
        spotcheck_app::registry::ImportOptions::default(),
    )
    .await?;
    Ok(Lambda {
        public: public_router(Arc::clone(&store)),
        inspector: inspector_router(InspectorState {
            store,
            auth: Authenticator::ApiGateway,
            sealer: SecretSealer::new([9; 32]),
            clock: Arc::new(move || now),
            beacon: None,
            timestamper: None,
            schedule: Default::default(),
        }),
        _dir: dir,
    })
}

/// Parses a fixture as the Lambda runtime would and turns it into an axum request (the request
/// context stays in the extensions, where the authenticator looks for the claims).
fn event(name: &str) -> Result<Request<Body>, Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/events")
        .join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let req = lambda_http::request::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
    Ok(req.map(|b| Body::from(b.as_ref().to_vec())))
}

async fn send(
    router: &axum::Router,
    req: Request<Body>,
) -> Result<(StatusCode, serde_json::Value), Box<dyn std::error::Error>> {
    let resp = router.clone().oneshot(req).await?;
    let status = resp.status();
    let bytes = resp.into_body().collect().await?.to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Ok((status, json))
}

#[tokio::test]
async fn cognito_claims_from_the_authorizer_identify_the_inspector() -> TestResult {
    let l = lambda().await?;
    let (status, me) = send(&l.inspector, event("inspector-me.json")?).await?;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["subject"], "7f3c2a10-5b1e-4c8e-9d2a-0b6e4f1a2c3d");
    assert_eq!(me["department"], "莆田市文化和旅游局");
    assert_eq!(me["roles"], serde_json::json!(["inspector", "supervisor"]));
    Ok(())
}

#[tokio::test]
async fn an_inspector_creates_a_plan_and_the_public_reads_it() -> TestResult {
    let l = lambda().await?;
    let (status, plan) = send(&l.inspector, event("inspector-create-plan.json")?).await?;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    assert_eq!(plan["spec"]["id"], "PT-2026-LAMBDA");
    assert_eq!(plan["state"]["state"], "draft");

    // The same event again (a Lambda retry) replays the first outcome.
    let (status, again) = send(&l.inspector, event("inspector-create-plan.json")?).await?;
    assert_eq!((status, &again), (StatusCode::CREATED, &plan));

    // A draft is not public (its title and witnesses are not published until it is committed):
    // the public function answers as for a plan that does not exist.
    let (status, public) = send(&l.public, event("public-get-plan.json")?).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{public}");
    assert_eq!(public["code"], "not-found");

    // Not drawn yet: a problem document, not a transcript.
    let (status, problem) = send(&l.public, event("public-get-transcript.json")?).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    assert_eq!(problem["code"], "not-found");
    Ok(())
}

#[tokio::test]
async fn without_authorizer_claims_the_inspector_api_answers_401() -> TestResult {
    let l = lambda().await?;
    let (status, problem) =
        send(&l.inspector, event("inspector-create-plan-no-claims.json")?).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert_eq!(problem["code"], "unauthorized");
    // Nothing was created.
    let (status, _) = send(&l.public, event("public-get-plan.json")?).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn the_public_router_ignores_claims_and_needs_none() -> TestResult {
    let l = lambda().await?;
    // An inspector route sent to the public function does not exist there.
    let (status, _) = send(&l.public, event("inspector-me.json")?).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}
