//! HTTP hygiene: security headers on public, inspector, error and page responses; HSTS only under
//! TLS; request ids echoed, logged and quoted by a 500; the per-client rate limit.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use http_body_util::BodyExt;
use spotcheck_api::hygiene::{API_CSP, Hygiene, PAGE_CSP, RateLimit, harden};
use spotcheck_api::{ApiError, Authenticator, InspectorState, SecretSealer, app, system_clock};
use spotcheck_store::SqliteStore;
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn router(dir: &tempfile::TempDir) -> Result<axum::Router, Box<dyn std::error::Error>> {
    let store = SqliteStore::open(dir.path().join("d.sqlite"))?;
    Ok(app(InspectorState {
        store: Arc::new(store),
        auth: Authenticator::local(&[7; 32])?,
        sealer: SecretSealer::new([9; 32]),
        clock: system_clock(),
        beacon: None,
        timestamper: None,
        schedule: Default::default(),
    }))
}

const PLAIN: Hygiene = Hygiene {
    hsts: false,
    rate_limit: None,
};

async fn get(router: &axum::Router, path: &str) -> Result<Response, Box<dyn std::error::Error>> {
    Ok(router
        .clone()
        .oneshot(Request::get(path).body(Body::empty())?)
        .await?)
}

fn header<'a>(resp: &'a Response, name: &str) -> &'a str {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn assert_security_headers(resp: &Response, csp: &str, what: &str) {
    assert_eq!(header(resp, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(resp, "content-security-policy"), csp, "{what}");
    assert!(
        header(resp, "content-security-policy").contains("frame-ancestors 'none'"),
        "{what}"
    );
    assert_eq!(header(resp, "referrer-policy"), "no-referrer", "{what}");
    assert_eq!(header(resp, "x-frame-options"), "DENY", "{what}");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() -> TestResult {
    let dir = tempfile::tempdir()?;
    let bare = router(&dir)?;
    let served = harden(router(&dir)?, &PLAIN);
    for r in [&bare, &served] {
        let public = get(r, "/api/public/plans").await?;
        assert_eq!(public.status(), StatusCode::OK);
        assert_security_headers(&public, API_CSP, "public");
        let inspector = get(r, "/api/me").await?;
        assert_eq!(inspector.status(), StatusCode::UNAUTHORIZED);
        assert_security_headers(&inspector, API_CSP, "inspector 401");
        let missing = get(r, "/api/public/plans/NOPE/transcript").await?;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_security_headers(&missing, API_CSP, "public 404");
        let unrouted = get(r, "/no/such/route").await?;
        assert_eq!(unrouted.status(), StatusCode::NOT_FOUND);
        assert_security_headers(&unrouted, API_CSP, "unrouted 404");
        let health = get(r, "/healthz").await?;
        assert_security_headers(&health, API_CSP, "healthz");
        let openapi = get(r, "/openapi.json").await?;
        assert_security_headers(&openapi, API_CSP, "openapi");
        let index = get(r, "/").await?;
        if header(&index, "content-type").starts_with("text/html") {
            assert_security_headers(&index, PAGE_CSP, "index page");
        }
        assert_eq!(
            header(&public, "strict-transport-security"),
            "",
            "no HSTS over plain HTTP"
        );
    }
    Ok(())
}

#[tokio::test]
async fn hsts_is_sent_only_when_serving_tls() -> TestResult {
    let dir = tempfile::tempdir()?;
    let tls = harden(
        router(&dir)?,
        &Hygiene {
            hsts: true,
            rate_limit: None,
        },
    );
    for path in ["/api/public/plans", "/api/me", "/nowhere"] {
        let resp = get(&tls, path).await?;
        assert_eq!(
            header(&resp, "strict-transport-security"),
            "max-age=31536000",
            "{path}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn csv_responses_are_downloads_named_after_the_path() -> TestResult {
    let csv = axum::Router::new()
        .route(
            "/api/public/plans/{id}/frame.csv",
            axum::routing::get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
                    "target_id,stratum\n",
                )
            }),
        )
        .layer(axum::middleware::from_fn(
            spotcheck_api::hygiene::security_headers,
        ));
    let resp = get(&csv, "/api/public/plans/P-1/frame.csv").await?;
    assert_eq!(
        header(&resp, "content-disposition"),
        "attachment; filename=\"frame.csv\""
    );
    assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
    Ok(())
}

/// A `MakeWriter` into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[test]
fn a_500_returns_a_request_id_that_finds_its_cause_in_the_json_log() -> TestResult {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_writer(logs.clone())
        .finish();
    let failing = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            Err::<(), _>(ApiError::internal(
                "disk I/O error in table results (the cause)",
            ))
        }),
    );
    let served = harden(failing, &PLAIN);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (status, id, body) = tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            let resp = get(&served, "/boom").await?;
            let status = resp.status();
            let id = header(&resp, "x-request-id").to_owned();
            let body: serde_json::Value =
                serde_json::from_slice(&resp.into_body().collect().await?.to_bytes())?;
            Ok::<_, Box<dyn std::error::Error>>((status, id, body))
        })
    })?;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(id.len(), 32, "a generated id: {id:?}");
    assert_eq!(body["request_id"], serde_json::json!(id));
    assert_eq!(body["code"], serde_json::json!("internal"));
    let detail = body["detail"].as_str().unwrap_or("");
    assert!(detail.contains(&id), "{detail}");
    assert!(
        !detail.contains("disk I/O"),
        "the cause stays out of the answer"
    );
    let text = String::from_utf8(logs.0.lock().map(|b| b.clone()).unwrap_or_default())?;
    let cause_line = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|l| {
            l["fields"]["error"]
                .as_str()
                .is_some_and(|e| e.contains("disk I/O error"))
        })
        .ok_or_else(|| format!("no log line with the cause in:\n{text}"))?;
    assert_eq!(cause_line["span"]["request_id"], serde_json::json!(id));
    // And one access line for the request, with the route template and the status.
    assert!(
        text.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .any(|l| l["span"]["request_id"] == serde_json::json!(id)
                && l["fields"]["status"] == serde_json::json!(500)
                && l["fields"]["route"] == serde_json::json!("/boom")),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn a_callers_request_id_is_echoed() -> TestResult {
    let dir = tempfile::tempdir()?;
    let served = harden(router(&dir)?, &PLAIN);
    let resp = served
        .oneshot(
            Request::get("/api/public/plans")
                .header("x-request-id", "trace-42")
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(header(&resp, "x-request-id"), "trace-42");
    Ok(())
}

#[tokio::test]
async fn a_client_past_its_rate_gets_429_problem_json_and_others_do_not() -> TestResult {
    let dir = tempfile::tempdir()?;
    let served = harden(
        router(&dir)?,
        &Hygiene {
            hsts: false,
            rate_limit: Some(RateLimit {
                per_second: 1,
                burst: 5,
            }),
        },
    );
    let from = |ip: [u8; 4], path: &str| -> Result<Request<Body>, axum::http::Error> {
        let mut req = Request::get(path).body(Body::empty())?;
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
        Ok(req)
    };
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let resp = served
            .clone()
            .oneshot(from([10, 0, 0, 1], "/api/public/plans")?)
            .await?;
        statuses.push(resp.status().as_u16());
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(header(&resp, "retry-after"), "1");
            assert_eq!(header(&resp, "content-type"), "application/problem+json");
            assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
            let body: serde_json::Value =
                serde_json::from_slice(&resp.into_body().collect().await?.to_bytes())?;
            assert_eq!(body["code"], serde_json::json!("rate-limited"));
        }
    }
    assert_eq!(statuses[..5], [200; 5]);
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    let other = served
        .clone()
        .oneshot(from([10, 0, 0, 2], "/api/public/plans")?)
        .await?;
    assert_eq!(other.status(), StatusCode::OK);
    let health = served.oneshot(from([10, 0, 0, 1], "/healthz")?).await?;
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "health checks are not limited"
    );
    Ok(())
}
