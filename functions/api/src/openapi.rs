//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` annotations and the
//! request and response types themselves (domain types derive their schemas under the domain
//! crate's `openapi` feature), so it cannot drift from the code. Served at `GET /openapi.json`.

use std::sync::OnceLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::routes::{inspector, public, uploads};

/// The document's root: every route of [`crate::app`].
#[derive(OpenApi)]
#[openapi(
    info(
        title = "spotcheck",
        description = "Verifiable 双随机、一公开 spot checks: the public, read-only API (no login) and the inspectors' plan lifecycle (bearer token). Errors are RFC 9457 problem documents with a stable `code`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    paths(
        index,
        health,
        openapi_json,
        public::items,
        public::plans,
        public::plan,
        public::commitment,
        public::transcript,
        public::frame,
        public::pool,
        public::verification,
        public::proof,
        public::results,
        public::penalties,
        public::statistics,
        crate::routes::audit_head::audit_head,
        inspector::me,
        crate::routes::exports::download,
        inspector::create_plan,
        inspector::preview_plan,
        inspector::list_plans,
        inspector::amend_plan,
        inspector::withdraw_plan,
        inspector::pending_approvals,
        inspector::duties,
        inspector::assignments,
        inspector::audit_log,
        inspector::commit_plan,
        crate::routes::joint::approve_partner,
        inspector::draw_plan,
        inspector::cancel_plan,
        inspector::record_result,
        inspector::record_penalty,
        inspector::change_penalty,
        inspector::approve_result,
        inspector::approve_penalty,
        inspector::approve_penalty_change,
        crate::routes::drafts::my_drafts,
        crate::routes::drafts::return_result,
        crate::routes::drafts::amend_result,
        crate::routes::drafts::withdraw_result,
        crate::routes::drafts::return_penalty,
        crate::routes::drafts::amend_penalty,
        crate::routes::drafts::withdraw_penalty,
        inspector::upload_registry,
        inspector::search_registry,
        crate::routes::history::list,
        uploads::request_upload,
        uploads::upload_status,
        crate::routes::reports::download,
        crate::routes::timestamps::list,
        crate::routes::timestamps::retry,
        public::timestamps,
        public::timestamp_file,
    ),
    components(schemas(crate::error::Problem)),
    modifiers(&BearerAuth),
    tags(
        (name = "public", description = "Published records: no login, read-only, cacheable"),
        (name = "inspector", description = "The plan lifecycle, results and penalties: bearer token, roles and departments checked per route"),
        (name = "meta", description = "Health and this document")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Locally an HS256 token from `spotcheck token`; on AWS a Cognito token checked by API Gateway",
                    ))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document of every route [`crate::app`] serves.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

fn document_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| document().to_pretty_json().unwrap_or_default().into_bytes())
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub(crate) async fn openapi_json() -> Response {
    let mut resp = document_bytes().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// `GET /`: what this server is and where to go from here.
const INDEX_HTML: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>spotcheck</title></head><body>
<h1>spotcheck</h1>
<p>双随机、一公开 spot checks that anyone can re-run. This server answers the HTTP API only.</p>
<ul>
<li><a href="/api/public/plans">/api/public/plans</a>: the published plans (no login), and under each its commitment, transcript, frame, pool and verification</li>
<li><a href="/openapi.json">/openapi.json</a>: the OpenAPI 3.1 document of every route</li>
<li><a href="/healthz">/healthz</a>: liveness</li>
</ul>
<p>The public website is static files: <code>spotcheck publish --site-dir site</code> renders it from the same data
(open <code>site/index.html</code>), with the browser verifier at <code>site/verify.html</code>.</p>
</body></html>
"#;

/// An index page linking the public API, this document and the public website.
#[utoipa::path(
    get,
    path = "/",
    tag = "meta",
    responses((status = 200, description = "A small HTML index: links to the public plans, this document and how to render the public website", body = String, content_type = "text/html"))
)]
pub(crate) async fn index() -> axum::response::Html<&'static str> {
    axum::response::Html(INDEX_HTML)
}

/// Liveness.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "meta",
    responses((status = 200, description = "The server is up", body = String, content_type = "text/plain"))
)]
pub(crate) async fn health() -> &'static str {
    "ok"
}
