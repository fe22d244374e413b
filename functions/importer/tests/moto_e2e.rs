//! The large-upload path end to end against moto (S3 and DynamoDB): the inspector API router
//! (in process, its upload port on moto's S3 with path-style addressing) hands out a presigned
//! URL, the file is `PUT` to it over HTTP, the importer handles the matching "Object Created"
//! event, and the API reports the outcome; the snapshot is read back from the DynamoDB store.
//!
//! `scripts/test.d/35-importer.sh` (run by `./scripts/test`, so by CI) starts moto and runs this
//! file with `SPOTCHECK_TEST_MOTO_ENDPOINT` and `SPOTCHECK_TEST_MOTO_REQUIRED=1`. In a plain
//! `cargo test` (no endpoint) these tests print "skipped: …"; with the REQUIRED flag and no
//! endpoint they fail. They are never skipped silently.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use spotcheck_api::auth::{Claims, mint_token};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, system_clock};
use spotcheck_domain::registry::{RegistryKind, TravelAgency};
use spotcheck_domain::store::RegistryReader;
use spotcheck_domain::time::Timestamp;
use spotcheck_lambda::uploads::{S3Config, S3Uploads};
use spotcheck_store::{DynamoConfig, DynamoStore};
use tower::ServiceExt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type R = Result<(), BoxError>;

const ENV: &str = "SPOTCHECK_TEST_MOTO_ENDPOINT";
const REQUIRED: &str = "SPOTCHECK_TEST_MOTO_REQUIRED";
const KEY: [u8; 32] = [7; 32];
const DEPARTMENT: &str = "莆田市文化和旅游局";

struct World {
    store: DynamoStore,
    bucket: S3Uploads,
    app: axum::Router,
}

/// A new table and bucket on moto and the router over them; `None` (with a message) when no
/// endpoint is configured outside CI.
async fn world() -> Result<Option<World>, BoxError> {
    let Ok(endpoint) = std::env::var(ENV) else {
        if std::env::var_os(REQUIRED).is_some() {
            return Err(format!(
                "{ENV} is not set but {REQUIRED} is: the importer's end-to-end test must run against moto_server"
            )
            .into());
        }
        eprintln!(
            "skipped: {ENV} is not set; run ./scripts/test (or scripts/test.d/35-importer.sh) to run the importer against moto_server"
        );
        return Ok(None);
    };
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let name = format!("spotcheck-importer-{}-{n}", std::process::id());
    let store = DynamoStore::connect(&DynamoConfig::local(&name, &endpoint)).await?;
    store.create_table().await?;
    let bucket = S3Uploads::connect(&S3Config::local(&name, &endpoint)).await;
    bucket.client().create_bucket().bucket(&name).send().await?;
    let app = spotcheck_api::inspector_router_with_uploads(
        InspectorState {
            store: Arc::new(store.clone()),
            auth: Authenticator::local(&KEY)?,
            sealer: SecretSealer::new([9; 32]),
            clock: system_clock(),
            beacon: None,
            timestamper: None,
            schedule: Default::default(),
        },
        Some(Arc::new(bucket.clone())),
    );
    Ok(Some(World { store, bucket, app }))
}

fn token(department: &str) -> Result<String, BoxError> {
    let now = system_clock()().unix();
    Ok(mint_token(
        &KEY,
        &Claims {
            sub: "admin-1".into(),
            department: department.into(),
            roles: vec!["registrar".into()],
            iss: spotcheck_api::auth::DEFAULT_ISSUER.into(),
            exp: now + 3600,
            iat: now,
            nbf: None,
        },
    )?)
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    department: &str,
    body: Option<Value>,
) -> Result<(StatusCode, Value), BoxError> {
    let mut req = Request::builder().method(method).uri(uri).header(
        header::AUTHORIZATION,
        format!("Bearer {}", token(department)?),
    );
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let resp = app.clone().oneshot(req.body(body)?).await?;
    let status = resp.status();
    let bytes = resp.into_body().collect().await?.to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Ok((status, value))
}

fn repo(path: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// Asks for an upload URL, checks the pending status, `PUT`s `file` to the URL over HTTP and
/// returns the ticket and the event S3 would send for it.
async fn upload(w: &World, file: &str) -> Result<(Value, Value), BoxError> {
    upload_bytes(w, std::fs::read(repo(file))?).await
}

async fn upload_bytes(w: &World, content: Vec<u8>) -> Result<(Value, Value), BoxError> {
    let (status, ticket) = call(
        &w.app,
        "POST",
        "/api/registries/agencies/uploads",
        DEPARTMENT,
        Some(json!({"file_name": "agencies.csv"})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    assert_eq!(ticket["method"], "PUT");
    let id = ticket["upload_id"]
        .as_str()
        .ok_or("no upload_id")?
        .to_owned();
    let status_url = ticket["status_url"].as_str().ok_or("no status_url")?;
    assert_eq!(status_url, format!("/api/registries/agencies/uploads/{id}"));

    let (status, pending) = call(&w.app, "GET", status_url, DEPARTMENT, None).await?;
    assert_eq!(
        (status, &pending["status"]),
        (StatusCode::OK, &json!("pending")),
        "{pending}"
    );

    let url = ticket["url"].as_str().ok_or("no url")?;
    assert!(url.contains("X-Amz-Signature="), "not presigned: {url}");
    let mut put = reqwest::Client::new().put(url).body(content);
    for (k, v) in ticket["headers"].as_object().into_iter().flatten() {
        put = put.header(k.as_str(), v.as_str().unwrap_or_default());
    }
    let resp = put.send().await?;
    assert!(resp.status().is_success(), "PUT: {}", resp.status());
    let etag = resp
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(|e| e.trim_matches('"').to_owned());

    let mut event: Value = serde_json::from_str(&std::fs::read_to_string(repo(
        "fixtures/events/s3-object-created.json",
    ))?)?;
    event["detail"]["bucket"]["name"] = w.bucket_name().into();
    event["detail"]["object"]["key"] = format!("uploads/{DEPARTMENT}/agencies/{id}").into();
    event["detail"]["object"]["etag"] = etag.into();
    Ok((ticket, event))
}

impl World {
    fn bucket_name(&self) -> String {
        spotcheck_api::large_upload::UploadBucket::name(&self.bucket).to_owned()
    }
}

fn now() -> Timestamp {
    system_clock()()
}

#[tokio::test]
async fn a_presigned_upload_is_imported_and_its_status_names_the_snapshot_in_dynamodb() -> R {
    let Some(w) = world().await? else {
        return Ok(());
    };
    let (ticket, event) = upload(&w, "fixtures/registries/agencies.synthetic.csv").await?;
    let handled = spotcheck_importer::invoke(&w.store, &w.bucket, event.clone(), now()).await?;
    assert_eq!(handled["result"], "imported", "{handled}");

    let status_url = ticket["status_url"].as_str().ok_or("no status_url")?;
    let (status, body) = call(&w.app, "GET", status_url, DEPARTMENT, None).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "succeeded", "{body}");
    assert_eq!(body["snapshot"]["number"], 1);
    assert_eq!(body["snapshot"]["records"], 150);

    let latest = w
        .store
        .latest_snapshot(RegistryKind::Agencies)
        .await?
        .ok_or("no snapshot in DynamoDB")?;
    assert_eq!(latest.number, 1);
    assert_eq!(body["snapshot"]["hash"], latest.hash.to_hex());
    let snapshot = w.store.get_snapshot::<TravelAgency>(1).await?;
    assert_eq!(snapshot.len(), 150);

    // EventBridge delivers at least once: the same event again adds nothing.
    let again = spotcheck_importer::invoke(&w.store, &w.bucket, event, now()).await?;
    assert_eq!(again["result"], "already_done", "{again}");
    let latest = w.store.latest_snapshot(RegistryKind::Agencies).await?;
    assert_eq!(latest.map(|l| l.number), Some(1));

    // Another department does not see the upload.
    let (status, body) = call(&w.app, "GET", status_url, "仙游县文化体育和旅游局", None).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    Ok(())
}

#[tokio::test]
async fn a_broken_file_fails_with_every_bad_row_and_stores_no_snapshot() -> R {
    let Some(w) = world().await? else {
        return Ok(());
    };
    let (ticket, event) = upload(
        &w,
        "fixtures/registries/broken/agencies-bad-check-character.synthetic.csv",
    )
    .await?;
    let handled = spotcheck_importer::invoke(&w.store, &w.bucket, event, now()).await?;
    assert_eq!(handled["result"], "rejected", "{handled}");

    let status_url = ticket["status_url"].as_str().ok_or("no status_url")?;
    let (status, body) = call(&w.app, "GET", status_url, DEPARTMENT, None).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "failed", "{body}");
    let errors = body["errors"].as_array().ok_or("no errors listed")?;
    assert!(!errors.is_empty());
    assert_eq!(handled["errors"], errors.len());
    assert_eq!(body["error_count"], errors.len());
    assert!(
        body["errors_url"].is_null(),
        "a short list needs no link: {body}"
    );
    for e in errors {
        for field in ["file", "row", "column", "value", "kind", "reason"] {
            assert!(!e[field].is_null(), "{field} missing from {e}");
        }
    }
    assert!(
        errors.iter().any(|e| e["kind"] == "bad_check_character"),
        "{body}"
    );
    assert_eq!(
        w.store.latest_snapshot(RegistryKind::Agencies).await?,
        None,
        "a broken file stores nothing"
    );
    Ok(())
}

#[tokio::test]
async fn a_file_with_more_bad_rows_than_a_status_lists_links_to_all_of_them() -> R {
    let Some(w) = world().await? else {
        return Ok(());
    };
    let rows = spotcheck_api::large_upload::OUTCOME_ERRORS + 7;
    let mut csv = String::from(
        "统一社会信用代码,许可证号,旅行社名称,经营场所,行政区划代码,出境旅游业务,信用等级,经营状态\n",
    );
    for i in 0..rows {
        // The name is empty on every row: at least one problem each.
        csv.push_str(&format!(
            "91350302MA{i:07}X,L-FJ-3{i:04},,地址,350302,否,A,正常\n"
        ));
    }
    let (ticket, event) = upload_bytes(&w, csv.into_bytes()).await?;
    let handled = spotcheck_importer::invoke(&w.store, &w.bucket, event, now()).await?;
    assert_eq!(handled["result"], "rejected", "{handled}");
    let status_url = ticket["status_url"].as_str().ok_or("no status_url")?;
    let (status, body) = call(&w.app, "GET", status_url, DEPARTMENT, None).await?;
    assert_eq!(
        (status, &body["status"]),
        (StatusCode::OK, &json!("failed"))
    );
    let total = body["error_count"].as_u64().ok_or("no error_count")? as usize;
    assert!(total >= rows, "{total} < {rows}");
    let listed = body["errors"].as_array().map_or(0, Vec::len);
    assert_eq!(listed, spotcheck_api::large_upload::OUTCOME_ERRORS);
    let url = body["errors_url"].as_str().ok_or("no errors_url")?;
    let resp = reqwest::get(url).await?;
    assert!(
        resp.status().is_success(),
        "GET errors_url: {}",
        resp.status()
    );
    let all: Vec<Value> = serde_json::from_slice(&resp.bytes().await?)?;
    assert_eq!(all.len(), total);
    assert_eq!(w.store.latest_snapshot(RegistryKind::Agencies).await?, None);
    Ok(())
}
