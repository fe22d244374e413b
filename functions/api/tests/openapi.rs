//! The OpenAPI document and the routers agree: every documented operation is served, every served
//! route is documented, and the document is OpenAPI 3.1 with problem+json errors.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app, system_clock};
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

/// Every (method, path template) in the document.
fn documented() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(spotcheck_api::openapi::document()).unwrap_or_default();
    let mut out = BTreeSet::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in item.as_object().into_iter().flat_map(|m| m.keys()) {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// Every `.route("…", method(…))` the router sources register, with the prefix their file is
/// nested under.
fn registered() -> BTreeSet<(String, String)> {
    let sources = [
        ("", include_str!("../src/lib.rs")),
        ("/api/public", include_str!("../src/routes/public.rs")),
        ("/api", include_str!("../src/routes/inspector.rs")),
        ("", include_str!("../src/routes/uploads.rs")),
    ];
    let mut out = BTreeSet::new();
    for (prefix, text) in sources {
        let compact: String = text.split_whitespace().collect();
        for piece in compact.split(".route(\"").skip(1) {
            let Some((path, rest)) = piece.split_once("\",") else {
                continue;
            };
            let method = rest
                .trim_start_matches("axum::routing::")
                .split('(')
                .next()
                .unwrap_or_default()
                .to_uppercase();
            out.insert((method, format!("{prefix}{path}")));
        }
    }
    out
}

fn concrete(template: &str) -> String {
    template
        .replace("{id}", "PT-2026-404")
        .replace("{target}", "91350300MA2XYZ0001")
        .replace("{number}", "莆文旅罚〔2026〕404号")
        .replace("{kind}", "agencies")
}

#[test]
fn every_served_route_is_documented_and_every_documented_route_is_served() {
    let documented = documented();
    let registered = registered();
    assert!(registered.len() >= 20, "found only {registered:?}");
    assert_eq!(
        registered, documented,
        "routers (left) and OpenAPI document (right) differ"
    );
}

#[tokio::test]
async fn every_documented_operation_reaches_its_handler() -> TestResult {
    let dir = tempfile::tempdir()?;
    let app = router(&dir)?;
    for (method, template) in documented() {
        let uri = concrete(&template);
        let req = Request::builder()
            .method(Method::from_bytes(method.as_bytes())?)
            .uri(encode(&uri))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))?;
        let resp = app.clone().oneshot(req).await?;
        let status = resp.status();
        let ctype = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {template}"
        );
        if status == StatusCode::NOT_FOUND {
            // A handler's 404 is a problem document; the router's own fallback has no body.
            assert_eq!(
                ctype, "application/problem+json",
                "{method} {template}: router 404"
            );
        }
        if template.starts_with("/api/") && !template.starts_with("/api/public/") {
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {template} without a token"
            );
        }
        let _ = resp.into_body().collect().await?;
    }
    Ok(())
}

#[tokio::test]
async fn undocumented_methods_are_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let app = router(&dir)?;
    let documented = documented();
    for (_, template) in &documented {
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            if documented.contains(&(method.to_owned(), template.clone())) {
                continue;
            }
            let req = Request::builder()
                .method(method)
                .uri(encode(&concrete(template)))
                .body(Body::empty())?;
            let status = app.clone().oneshot(req).await?.status();
            assert_eq!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {template}"
            );
        }
    }
    Ok(())
}

/// Percent-encodes the non-ASCII characters of a path.
fn encode(path: &str) -> String {
    let mut out = String::new();
    for c in path.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_document_is_served_as_openapi_3_1_with_problem_details() -> TestResult {
    let dir = tempfile::tempdir()?;
    let app = router(&dir)?;
    let resp = app
        .oneshot(Request::get("/openapi.json").body(Body::empty())?)
        .await?;
    assert_eq!(resp.status(), StatusCode::OK);
    let doc: serde_json::Value =
        serde_json::from_slice(&resp.into_body().collect().await?.to_bytes())?;
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Newtypes are strings with their patterns.
    let digest = &doc["components"]["schemas"]["Digest"];
    assert_eq!(digest["type"], "string");
    assert_eq!(digest["pattern"], "^[0-9a-fA-F]{64}$");
    let create = &doc["paths"]["/api/plans"]["post"];
    assert!(create["requestBody"]["content"]["application/json"]["schema"].is_object());
    assert!(create["responses"]["401"]["content"]["application/problem+json"].is_object());
    Ok(())
}

#[test]
#[ignore = "prints the document"]
fn print_document() {
    println!(
        "{}",
        spotcheck_api::openapi::document()
            .to_pretty_json()
            .unwrap_or_default()
    );
}
