//! `GET /api/public/plans` with a plan withdrawn (cancelled) before its commit: an expected case,
//! so it neither shows publicly nor logs anything at ERROR level (a plan cancelled before its
//! commit has no commitment, and looking for one is no failure).

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app, system_clock};
use spotcheck_domain::store::PlanWriter;
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::{self, meta};
use tower::ServiceExt;

type TestResult = Result<(), testkit::BoxError>;

/// Everything logged, as the JSON lines the Lambda logs are.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|b| {
                String::from_utf8_lossy(&b)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_plan_withdrawn_before_its_commit_is_not_listed_and_logs_no_error() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("d.sqlite"))?;
    let id = "PT-WITHDRAWN-1";
    store
        .create_plan(&meta("p")?, testkit::plan_spec(id)?)
        .await?;
    store
        .cancel_plan(&meta("x")?, &id.parse()?, "计划撤回".into())
        .await?;
    let router = app(InspectorState {
        store: Arc::new(store),
        auth: Authenticator::local(&[7; 32])?,
        sealer: SecretSealer::new([9; 32]),
        clock: system_clock(),
        beacon: None,
        timestamper: None,
        schedule: Default::default(),
    });

    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    // A current-thread runtime: the whole request runs on this thread, under this subscriber.
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::error!("capture check");

    let resp = router
        .oneshot(Request::get("/api/public/plans").body(Body::empty())?)
        .await?;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: serde_json::Value =
        serde_json::from_slice(&resp.into_body().collect().await?.to_bytes())?;
    assert_eq!(
        body,
        serde_json::json!([]),
        "a plan never committed is not public"
    );

    let lines = captured.lines();
    assert!(
        lines
            .first()
            .is_some_and(|l| l.contains(r#""level":"ERROR""#) && l.contains("capture check")),
        "the capture sees an ERROR event: {lines:#?}"
    );
    let errors: Vec<&String> = lines
        .iter()
        .skip(1)
        .filter(|l| l.contains(r#""level":"ERROR""#))
        .collect();
    assert!(
        errors.is_empty(),
        "listing a plan withdrawn before its commit logs no ERROR: {errors:#?}"
    );
    Ok(())
}
