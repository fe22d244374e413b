//! # spotcheck-api
//!
//! The HTTP API of spotcheck as two axum [`Router`]s — [`public_router`] (no login, read-only) and
//! [`inspector_router`] (JWT-authenticated plan lifecycle) — served unchanged by AWS Lambda
//! (`lambda_http::run`, in `functions/inspector-api` and `functions/public-api`) and by
//! `spotcheck serve` (both on one port over the embedded SQLite store).
//!
//! Errors are RFC 9457 problem documents with a stable `code` ([`error::ApiError`]); request bodies
//! are strict JSON (unknown fields rejected) under a size limit; every POST honours
//! `Idempotency-Key`.
#![warn(missing_docs)]

pub mod auth;
mod cache;
pub mod error;
mod extract;
pub mod hygiene;
pub mod openapi;
pub mod problem_zh;
pub mod routes;
pub mod sealer;
pub mod staff_networks;

/// The large-upload port, key layout and documents (the crate `spotcheck-uploads`, shared with the
/// importer function, which does not link this HTTP crate).
pub use spotcheck_uploads as large_upload;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use spotcheck_domain::store::ReadStore;
use spotcheck_domain::time::Timestamp;

pub use auth::{Authenticator, Principal, Role};
pub use error::ApiError;
pub use routes::inspector::WriteStore;
pub use routes::uploads::UploadState;
pub use sealer::SecretSealer;

/// Largest JSON request body accepted (registry uploads have their own, larger limit).
pub const JSON_BODY_LIMIT: usize = 256 * 1024;
/// Largest registry file accepted through the API; larger files go through S3 and the importer.
pub const UPLOAD_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// A clock the handlers read (the real one in production, a fixed one in tests).
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| Timestamp::from_unix(unix_now()))
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What the public handlers hold: read access only.
pub struct PublicState<S> {
    /// The store (read ports only are used).
    pub store: Arc<S>,
    /// Canonical bytes of commitments and transcripts already served (they never change).
    cache: Arc<cache::ImmutableCache>,
}

impl<S> Clone for PublicState<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            cache: Arc::clone(&self.cache),
        }
    }
}

/// What the inspector handlers hold.
pub struct InspectorState<S> {
    /// The store.
    pub store: Arc<S>,
    /// Who is calling.
    pub auth: Authenticator,
    /// Derives each plan's secret.
    pub sealer: SecretSealer,
    /// Now.
    pub clock: Clock,
    /// Where the drand rounds that beacon plans promise come from; `None` answers 503
    /// `beacon-unavailable` to the draw of such a plan.
    pub beacon: Option<Arc<dyn spotcheck_app::Beacon>>,
    /// The time-stamping authorities each commitment is sent to (docs/draw-spec.md §16); `None`
    /// stamps nothing, and the retry route answers 409 `tsa-not-configured`.
    pub timestamper: Option<Arc<dyn spotcheck_app::Timestamper>>,
    /// The minimum notice before a planned draw and the scheduling horizon.
    pub schedule: spotcheck_domain::lifecycle::SchedulePolicy,
}

impl<S> Clone for InspectorState<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            auth: self.auth.clone(),
            sealer: self.sealer.clone(),
            clock: Arc::clone(&self.clock),
            beacon: self.beacon.clone(),
            timestamper: self.timestamper.clone(),
            schedule: self.schedule,
        }
    }
}

impl<S: Send + Sync> auth::HasAuthenticator for InspectorState<S> {
    fn authenticator(&self) -> &Authenticator {
        &self.auth
    }
}

/// The public router, mounted at `/api/public`.
pub fn public_router<S: ReadStore + 'static>(store: Arc<S>) -> Router {
    Router::new()
        .nest("/api/public", routes::public::router::<S>())
        .route("/openapi.json", axum::routing::get(openapi::openapi_json))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(axum::middleware::from_fn(hygiene::security_headers))
        .with_state(PublicState {
            store,
            cache: Arc::default(),
        })
}

/// The inspector router, mounted at `/api`, without an upload bucket: the large-upload routes
/// answer 404 (`large-uploads-unavailable`) and point at the direct upload route ([`inspector_router_with_uploads`]).
pub fn inspector_router<S: WriteStore + 'static>(state: InspectorState<S>) -> Router {
    inspector_router_with_uploads(state, None)
}

/// The inspector router with the large-upload routes served through `bucket`
/// ([`large_upload`]; on AWS the S3 upload bucket).
pub fn inspector_router_with_uploads<S: WriteStore + 'static>(
    state: InspectorState<S>,
    bucket: Option<Arc<dyn large_upload::UploadBucket>>,
) -> Router {
    let uploads = UploadState {
        auth: state.auth.clone(),
        clock: Arc::clone(&state.clock),
        bucket,
    };
    Router::new()
        .nest("/api", routes::inspector::router::<S>())
        .with_state(state)
        .merge(uploads_router(uploads))
        .layer(axum::middleware::from_fn(hygiene::security_headers))
        .layer(axum::middleware::from_fn(problem_zh::localize))
}

/// The large-upload routes alone (`/api/registries/{kind}/uploads…`, [`large_upload`]): on AWS
/// their own function (`functions/upload-api`), which holds the upload bucket and no store.
pub fn uploads_router(state: UploadState) -> Router {
    routes::uploads::router()
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(axum::middleware::from_fn(hygiene::security_headers))
        .layer(axum::middleware::from_fn(problem_zh::localize))
        .with_state(state)
}

/// Both routers on one port (what `spotcheck serve` runs), plus `/healthz` and an index page at
/// `/`. The public router also serves `/openapi.json` ([`openapi::document`]).
pub fn app<S: WriteStore + 'static>(state: InspectorState<S>) -> Router {
    let store = Arc::clone(&state.store);
    public_router(store)
        .merge(inspector_router(state))
        .route("/healthz", axum::routing::get(openapi::health))
        .route("/", axum::routing::get(openapi::index))
        .layer(axum::middleware::from_fn(hygiene::security_headers))
}
