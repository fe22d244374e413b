//! The staff API behind its network allow-list, with real API Gateway HTTP API (payload 2.0)
//! events from `fixtures/events/` parsed by `lambda_http` as the Lambda runtime does: a request
//! from an allowed network reaches the router, one from elsewhere is refused with problem+json
//! before any handler (whatever its `X-Forwarded-For` says), and no list lets everything through.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use http_body_util::BodyExt;
use spotcheck_api::staff_networks::{StaffNetworks, guard};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, inspector_router};
use spotcheck_store::SqliteStore;
use tower::ServiceExt;

type R<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn event(name: &str) -> R<Request<Body>> {
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
) -> R<(StatusCode, String, serde_json::Value)> {
    let resp = router.clone().oneshot(req).await?;
    let status = resp.status();
    let kind = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = resp.into_body().collect().await?.to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Ok((status, kind, json))
}

fn inspector(dir: &tempfile::TempDir) -> R<axum::Router> {
    Ok(inspector_router(InspectorState {
        store: Arc::new(SqliteStore::open(dir.path().join("d.sqlite"))?),
        auth: Authenticator::ApiGateway,
        sealer: SecretSealer::new([9; 32]),
        clock: spotcheck_api::system_clock(),
        beacon: None,
        schedule: Default::default(),
        timestamper: None,
    }))
}

#[tokio::test]
async fn the_inspector_api_answers_only_requests_from_the_staff_networks() -> R {
    let dir = tempfile::tempdir()?;
    // The fixtures' caller is 203.0.113.7.
    let guarded = guard(
        inspector(&dir)?,
        StaffNetworks::parse("203.0.113.0/24,2001:db8::/32")?,
    );
    let (status, _, me) = send(&guarded, event("inspector-me.json")?).await?;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["department"], "莆田市文化和旅游局");

    // The same signed-in request from 198.51.100.23, claiming 203.0.113.7 in X-Forwarded-For.
    let (status, kind, problem) = send(&guarded, event("inspector-me-other-network.json")?).await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(kind, "application/problem+json");
    assert_eq!(problem["code"], "source-network-not-allowed");
    assert!(
        !problem.to_string().contains("198.51.100.23"),
        "the caller's address is not echoed: {problem}"
    );

    // Refused before authentication too: without claims, from elsewhere, still 403, not 401.
    let only_other = guard(inspector(&dir)?, StaffNetworks::parse("198.51.100.0/24")?);
    let (status, _, problem) =
        send(&only_other, event("inspector-create-plan-no-claims.json")?).await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["code"], "source-network-not-allowed");
    Ok(())
}

#[tokio::test]
async fn no_handler_runs_for_a_refused_request_and_no_list_lets_all_through() -> R {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&calls);
    let router = axum::Router::new().route(
        "/api/me",
        get(move || {
            c.fetch_add(1, Ordering::SeqCst);
            async { "ok" }
        }),
    );
    let guarded = guard(router.clone(), StaffNetworks::parse("203.0.113.0/24")?);
    let (status, _, _) = send(&guarded, event("inspector-me-other-network.json")?).await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(calls.load(Ordering::SeqCst), 0, "the handler ran");

    // With a list, a request that did not come through API Gateway (no request context) is refused.
    let plain = Request::get("/api/me")
        .header("x-forwarded-for", "203.0.113.7")
        .body(Body::empty())?;
    let (status, _, problem) = send(&guarded, plain).await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(calls.load(Ordering::SeqCst), 0, "the handler ran");

    // No list (dev): everything reaches the handler.
    let open = guard(router, StaffNetworks::parse("")?);
    let (status, _, _) = send(&open, event("inspector-me-other-network.json")?).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    Ok(())
}
