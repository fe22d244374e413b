//! HTTP hygiene: security headers on every response, `Content-Disposition` on CSV downloads, a
//! request id on every request (echoed, logged, and quoted by every 5xx problem document), one log
//! line per request, and a per-client rate limit for the local server.
//!
//! Every router of this crate sends the security headers ([`security_headers`]); `spotcheck serve`
//! wraps its router in [`harden`], which adds HSTS under TLS, the request ids and the rate limit.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::ApiError;

/// The header carrying the request id, in both directions.
pub const REQUEST_ID: &str = "x-request-id";

/// The policy of every non-HTML response (JSON, CSV, problem documents): nothing may be loaded,
/// framed or submitted on its behalf.
pub const API_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy of HTML pages (the public site's pages and the single-file verifier, whose scripts
/// and styles are inline and which hashes with WebAssembly in a worker): same-origin everything,
/// no plugins, no framing.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval' blob:; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `Strict-Transport-Security` sent under TLS: a year.
pub const HSTS: &str = "max-age=31536000";

/// What [`harden`] adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hygiene {
    /// Send `Strict-Transport-Security` (only when serving TLS).
    pub hsts: bool,
    /// Limit each client address to this rate, if set.
    pub rate_limit: Option<RateLimit>,
}

/// A token bucket per client address: `burst` requests at once, refilled at `per_second`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per second.
    pub per_second: u32,
    /// Requests allowed at once.
    pub burst: u32,
}

/// Wraps `router` as `spotcheck serve` runs it: request ids and request logs (outermost, so even a
/// refused request has an id), the security headers (with HSTS if `hygiene.hsts`), and the rate
/// limit (`/healthz` exempt).
pub fn harden(router: Router, hygiene: &Hygiene) -> Router {
    let mut router = router;
    if let Some(limit) = hygiene.rate_limit {
        let limiter = Arc::new(Limiter::new(limit));
        router = router.layer(from_fn_with_state(limiter, rate_limit));
    }
    router
        .layer(from_fn_with_state(hygiene.hsts, headers_with_hsts))
        .layer(from_fn(request_id))
        // Outermost, so a refusal of the limiter and the request id quoted in a 5xx are in the
        // caller's language too (crate::problem_zh).
        .layer(from_fn(crate::problem_zh::localize))
}

/// Middleware: the security headers, and `Content-Disposition` on CSV (no HSTS; see [`harden`]).
pub async fn security_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut resp = next.run(req).await;
    add_headers(resp.headers_mut(), &path, false);
    resp
}

async fn headers_with_hsts(State(hsts): State<bool>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut resp = next.run(req).await;
    add_headers(resp.headers_mut(), &path, hsts);
    resp
}

fn add_headers(h: &mut HeaderMap, path: &str, hsts: bool) {
    let content_type = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let csp = if content_type.starts_with("text/html") {
        PAGE_CSP
    } else {
        API_CSP
    };
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if content_type.starts_with("text/csv")
        && !h.contains_key(header::CONTENT_DISPOSITION)
        && let Ok(v) =
            HeaderValue::from_str(&format!("attachment; filename=\"{}\"", csv_file_name(path)))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
}

/// The download name of a CSV at `path`: its last segment, limited to `[A-Za-z0-9._-]`, ending in
/// `.csv` (`/api/public/plans/P/frame.csv` → `frame.csv`, the name the verifier commands use).
fn csv_file_name(path: &str) -> String {
    let last = path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    let mut name: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(100)
        .collect();
    name = name.trim_start_matches('.').to_owned();
    if name.is_empty() {
        name = "download".into();
    }
    if !name.to_ascii_lowercase().ends_with(".csv") {
        name.push_str(".csv");
    }
    name
}

/// A request id: the caller's `X-Request-Id` if it is 1–64 characters of `[A-Za-z0-9._-]`, else
/// 16 random bytes in hex.
fn request_id_for(headers: &HeaderMap) -> String {
    if let Some(given) = headers.get(REQUEST_ID).and_then(|v| v.to_str().ok())
        && (1..=64).contains(&given.len())
        && given
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return given.to_owned();
    }
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Unique enough to find the log line when the OS generator fails.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes = nanos.to_be_bytes();
    }
    hex::encode(bytes)
}

/// Middleware: gives the request an id, runs it inside a `request` span carrying that id (so every
/// log line it causes names it), echoes the id in `X-Request-Id`, logs one line per request
/// (method, route template, status, milliseconds: no query string, no body, no token), and writes
/// the id into every 5xx problem document.
async fn request_id(req: Request, next: Next) -> Response {
    let id = request_id_for(req.headers());
    let method = req.method().clone();
    // The route template, not the path: no identifiers from the URL in the log.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "-".to_owned(), |m| m.as_str().to_owned());
    let span = tracing::info_span!("request", request_id = %id);
    let started = Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    let status = resp.status();
    span.in_scope(|| {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if status.is_server_error() {
            tracing::error!(%method, %route, status = status.as_u16(), ms, "request failed");
        } else {
            tracing::info!(%method, %route, status = status.as_u16(), ms, "request");
        }
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID), v);
    }
    if status.is_server_error() {
        resp = quote_id_in_problem(resp, &id).await;
    }
    resp
}

/// Adds `request_id` to a 5xx problem document and says in `detail` to quote it.
async fn quote_id_in_problem(resp: Response, id: &str) -> Response {
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if !is_problem {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (parts.status, Body::empty()).into_response();
    };
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut doc)) => {
            let detail = doc
                .get("detail")
                .and_then(|d| d.as_str())
                .unwrap_or("the server could not complete the request")
                .to_owned();
            doc.insert(
                "detail".into(),
                format!("{detail}; quote request id {id}").into(),
            );
            doc.insert("request_id".into(), id.into());
            serde_json::to_vec(&doc).unwrap_or_else(|_| bytes.to_vec())
        }
        _ => bytes.to_vec(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// Token buckets per client address (one shared bucket when the address is unknown).
#[derive(Debug)]
struct Limiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<Option<IpAddr>, (f64, Instant)>>,
}

/// Buckets kept before idle (full) ones are dropped.
const MAX_BUCKETS: usize = 10_000;

impl Limiter {
    fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `who`; `false` if the bucket is empty.
    fn admit(&self, who: Option<IpAddr>, now: Instant) -> bool {
        let rate = f64::from(self.limit.per_second.max(1));
        let burst = f64::from(self.limit.burst.max(1));
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(&who) {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.saturating_duration_since(*at).as_secs_f64() * rate < burst
            });
            if buckets.len() >= MAX_BUCKETS {
                return false;
            }
        }
        let (tokens, at) = buckets.entry(who).or_insert((burst, now));
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

async fn rate_limit(State(limiter): State<Arc<Limiter>>, req: Request, next: Next) -> Response {
    if req.uri().path() == "/healthz" {
        return next.run(req).await;
    }
    let who = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if limiter.admit(who, Instant::now()) {
        return next.run(req).await;
    }
    let mut resp = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        format!(
            "more than {} requests per second from this address; retry after a second",
            limiter.limit.per_second
        ),
    )
    .into_response();
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn csv_names_come_from_the_last_segment() {
        assert_eq!(
            csv_file_name("/api/public/plans/P-1/frame.csv"),
            "frame.csv"
        );
        assert_eq!(csv_file_name("/api/x/pool.csv/"), "pool.csv");
        assert_eq!(csv_file_name("/api/x/rows"), "rows.csv");
        assert_eq!(csv_file_name("/a/..\";evil"), "evil.csv");
        assert_eq!(csv_file_name("/"), "download.csv");
    }

    #[test]
    fn caller_ids_are_kept_only_when_harmless() {
        let mut h = HeaderMap::new();
        h.insert(REQUEST_ID, HeaderValue::from_static("abc-123"));
        assert_eq!(request_id_for(&h), "abc-123");
        h.insert(REQUEST_ID, HeaderValue::from_static("a b\"c"));
        let id = request_id_for(&h);
        assert_eq!(id.len(), 32);
        assert_ne!(id, request_id_for(&HeaderMap::new()));
    }

    #[test]
    fn the_bucket_allows_a_burst_then_refills_per_address() {
        let l = Limiter::new(RateLimit {
            per_second: 2,
            burst: 3,
        });
        let t0 = Instant::now();
        let a = Some(IpAddr::from([10, 0, 0, 1]));
        let b = Some(IpAddr::from([10, 0, 0, 2]));
        assert!((0..3).all(|_| l.admit(a, t0)));
        assert!(!l.admit(a, t0));
        assert!(l.admit(b, t0), "another address has its own bucket");
        assert!(l.admit(a, t0 + Duration::from_millis(500)));
        assert!(!l.admit(a, t0 + Duration::from_millis(500)));
    }
}
