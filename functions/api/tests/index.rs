//! What a newcomer meets first: `GET /` on `spotcheck serve` says where to go, and the offline check
//! a verification answer suggests is the one the README's walkthrough runs.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app, system_clock};
use spotcheck_store::SqliteStore;
use tower::ServiceExt;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn the_root_is_an_index_linking_the_public_api_and_the_openapi_document() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("d.sqlite"))?;
    let router = app(InspectorState {
        store: Arc::new(store),
        auth: Authenticator::local(&[7; 32])?,
        sealer: SecretSealer::new([9; 32]),
        clock: system_clock(),
        beacon: None,
        timestamper: None,
        schedule: Default::default(),
    });
    let resp = router
        .oneshot(Request::get("/").body(Body::empty())?)
        .await?;
    assert_eq!(resp.status(), StatusCode::OK);
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let body = String::from_utf8(resp.into_body().collect().await?.to_bytes().to_vec())?;
    for link in [
        "href=\"/api/public/plans\"",
        "href=\"/openapi.json\"",
        "spotcheck publish",
    ] {
        assert!(body.contains(link), "the index names {link}: {body}");
    }
    Ok(())
}

#[test]
fn the_verification_answer_suggests_the_readme_s_offline_check() {
    let readme = include_str!("../../../README.md");
    let how = spotcheck_api::routes::public::how_to_check_yourself("PT-2026-002");
    let command = how
        .split_once("then run: ")
        .map(|(_, c)| c)
        .unwrap_or_default();
    assert!(
        command.starts_with("spotcheck verify ")
            && command.contains("--commitment commitment.json"),
        "{how}"
    );
    assert!(
        readme.lines().any(|l| l.trim() == command),
        "README.md runs `{command}` in its walkthrough"
    );
    for (path, file) in [
        ("transcript", "transcript.json"),
        ("commitment", "commitment.json"),
    ] {
        assert!(
            how.contains(&format!("/api/public/plans/PT-2026-002/{path} as {file}")),
            "{how}"
        );
        assert!(
            readme.contains(&format!("-o {file} $P/{path}")),
            "README.md downloads {path} as {file}"
        );
    }
}
