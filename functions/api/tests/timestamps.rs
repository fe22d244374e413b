//! RFC 3161 time-stamps at commit, over HTTP, against a real time-stamping authority: `openssl ts
//! -reply` served on 127.0.0.1 with a CA made here (the harness of spotcheck-timestamp's own
//! tests). The commit obtains a token, which is published beside the commitment and verifies; an
//! authority that is down leaves the commit done with a visible `failed` status, and the retry
//! route obtains the token later; a plan that requires a token is not drawn until one is
//! obtained.
//!
//! The service's clock is the real one shifted only forward (the authority's `genTime` is real
//! time, and must come before the draw).

#[path = "../../timestamp/tests/support/mod.rs"]
mod tsa;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use spotcheck_api::auth::{Claims, DEFAULT_ISSUER, mint_token};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app};
use spotcheck_app::timestamps::{Authority, TsaSet};
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;
use spotcheck_timestamp::{HttpTsa, RetryPolicy, TrustAnchors, verify_response};
use tower::ServiceExt;
use tsa::{Key, Pki};

type R<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;
type TestResult = R<()>;

const KEY: [u8; 32] = [7; 32];
const DEPT: &str = "莆田市文化和旅游局";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
const HOUR: i64 = 3600;

/// A test PKI: a root (the trust anchor) and a time-stamping authority under it.
fn pki() -> R<(Pki, tsa::Tsa)> {
    let pki = Pki::new()?;
    pki.root("root", "spotcheck api test root", Key::Rsa)?;
    let tsa = pki.tsa(
        "tsa",
        "spotcheck api test TSA",
        "root",
        Key::P256,
        "sha256",
        &["root"],
    )?;
    Ok((pki, tsa))
}

/// A URL on 127.0.0.1 where nothing listens (yet), and its port.
fn vacant_url() -> R<(String, u16)> {
    let l = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    let port = l.local_addr()?.port();
    drop(l);
    Ok((format!("http://127.0.0.1:{port}/tsa"), port))
}

struct Service {
    router: axum::Router,
    clock: Arc<AtomicI64>,
    _dir: tempfile::TempDir,
}

struct Reply {
    status: u16,
    body: Value,
    bytes: Vec<u8>,
}

fn real_now() -> R<i64> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64)
}

impl Service {
    /// A service at the real time, stamping with the authority at `url` under `anchor_pem`
    /// (one quick attempt of 2 s), with the fixtures' registries imported.
    async fn start(url: &str, anchor_pem: &str) -> R<Self> {
        let retry = RetryPolicy {
            attempts: 2,
            first_backoff: Duration::from_millis(50),
            request_timeout: Duration::from_secs(5),
        };
        let authority: Authority = format!("tsa-1={url}").parse()?;
        let client = HttpTsa::new(url, retry)?;
        let set = TsaSet::new(
            vec![(authority, client)],
            anchor_pem,
            Box::new(|| 0x5eed_0000_0000_0001),
        )?;
        Self::start_with(Some(Arc::new(set))).await
    }

    /// A service at the real time with `timestamper` (none: a server without authorities).
    async fn start_with(timestamper: Option<Arc<dyn spotcheck_app::Timestamper>>) -> R<Self> {
        let dir = tempfile::tempdir()?;
        let clock = Arc::new(AtomicI64::new(real_now()?));
        let c = Arc::clone(&clock);
        let router = app(InspectorState {
            store: Arc::new(SqliteStore::open(dir.path().join("d.sqlite"))?),
            auth: Authenticator::local(&KEY)?,
            sealer: SecretSealer::new([9; 32]),
            clock: Arc::new(move || Timestamp::from_unix(c.load(Ordering::SeqCst))),
            beacon: None,
            timestamper,
            schedule: Default::default(),
        });
        let s = Self {
            router,
            clock,
            _dir: dir,
        };
        let registrar = token(&["registrar"])?;
        for (kind, file) in [
            ("items", "items/tourism-items.csv"),
            ("agencies", "registries/agencies.synthetic.csv"),
            ("guides", "registries/guides.synthetic.csv"),
            ("inspectors", "registries/inspectors.synthetic.csv"),
        ] {
            let bytes = std::fs::read(format!("{FIXTURES}/{file}"))?;
            let req = Request::post(format!("/api/registries/{kind}"))
                .header(header::AUTHORIZATION, format!("Bearer {registrar}"))
                .header(header::CONTENT_TYPE, "text/csv")
                .body(Body::from(bytes))?;
            let r = s.send(req).await?;
            assert!(r.status < 300, "import {kind}: {} {}", r.status, r.body);
        }
        Ok(s)
    }

    fn now(&self) -> i64 {
        self.clock.load(Ordering::SeqCst)
    }

    fn set(&self, unix: i64) {
        self.clock.store(unix, Ordering::SeqCst);
    }

    async fn send(&self, req: Request<Body>) -> R<Reply> {
        let resp = self.router.clone().oneshot(req).await?;
        let status = resp.status().as_u16();
        let bytes = resp.into_body().collect().await?.to_bytes().to_vec();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Reply {
            status,
            body,
            bytes,
        })
    }

    async fn post(&self, token: &str, path: &str, body: Option<Value>) -> R<Reply> {
        let req = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json");
        let req = match body {
            Some(b) => req.body(Body::from(serde_json::to_vec(&b)?))?,
            None => req.body(Body::empty())?,
        };
        self.send(req).await
    }

    async fn get(&self, token: Option<&str>, path: &str) -> R<Reply> {
        let mut req = Request::get(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::empty())?).await
    }

    /// Creates plan `id` drawn 25 hours from now and commits it; returns the commit's answer.
    async fn commit(&self, staff: &str, id: &str, requires_timestamp: bool) -> R<Reply> {
        let planned = Timestamp::from_unix((self.now() + 25 * HOUR) / 60 * 60);
        let mut body = json!({
            "id": id,
            "item": "PT-LY-001",
            "title": "时间戳测试抽查",
            "department": DEPT,
            "target_kind": "agency",
            "filter": {"mode": "untargeted"},
            "stratum_scheme": "region",
            "parameters": {"default": {"count": 1}, "inspectors_per_target": 2},
            "entropy_source": {"witnesses": ["观察员 李某"]},
            "planned_draw_at": planned.to_string()
        });
        if requires_timestamp {
            body["requires_timestamp"] = json!(true);
        }
        let r = self.post(staff, "/api/plans", Some(body)).await?;
        assert_eq!(r.status, 201, "create: {}", r.body);
        self.post(staff, &format!("/api/plans/{id}/commit"), None)
            .await
    }

    /// Moves the clock to the plan's planned draw and draws.
    async fn draw(&self, staff: &str, id: &str) -> R<Reply> {
        self.set((self.now() + 25 * HOUR) / 60 * 60);
        self.post(
            staff,
            &format!("/api/plans/{id}/draw"),
            Some(json!({"witnesses": [{"name": "观察员 李某", "value": "3 1 4 1 5 9"}]})),
        )
        .await
    }
}

fn token(roles: &[&str]) -> R<String> {
    let now = real_now()?;
    Ok(mint_token(
        &KEY,
        &Claims {
            sub: "clerk".into(),
            department: DEPT.into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            iss: DEFAULT_ISSUER.into(),
            iat: now,
            exp: now + 3600,
            nbf: None,
        },
    )?)
}

fn hash_of(r: &Reply) -> R<[u8; 32]> {
    let hex = r.body["commitment_hash"]
        .as_str()
        .ok_or("no commitment_hash")?;
    Ok(hex::decode(hex)?
        .as_slice()
        .try_into()
        .map_err(|_| "not 32 bytes")?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_obtains_a_token_that_is_published_beside_the_commitment_and_verifies()
-> TestResult {
    let (pki, authority) = pki()?;
    let url = tsa::serve(authority, 4).await?;
    let root = pki.pem("root")?;
    let s = Service::start(&url, &root).await?;
    let staff = token(&["inspector", "supervisor"])?;

    let c = s.commit(&staff, "PT-TS-1", false).await?;
    assert_eq!(c.status, 201, "commit: {}", c.body);
    let status = &c.body["timestamps"][0];
    assert_eq!(status["authority"], "tsa-1", "{}", c.body);
    assert_eq!(status["status"], "obtained", "{}", c.body);
    assert_eq!(status["attempts"], 1);

    // Published: listed with the plan, the token byte for byte, and the anchor.
    let public = s.get(None, "/api/public/plans/PT-TS-1").await?;
    assert_eq!(public.status, 200, "{}", public.body);
    let listed = &public.body["timestamps"]["tokens"][0];
    assert_eq!(listed["file"], "commitment.tsa-1.tsr", "{}", public.body);
    assert!(
        listed["signer"]
            .as_str()
            .unwrap_or_default()
            .contains("CN=spotcheck api test TSA"),
        "{}",
        public.body
    );
    assert_eq!(
        public.body["timestamps"]["trust_anchors"],
        "tsa-anchors.pem"
    );
    let file = s
        .get(
            None,
            "/api/public/plans/PT-TS-1/timestamps/commitment.tsa-1.tsr",
        )
        .await?;
    assert_eq!(file.status, 200);
    let anchors = s
        .get(None, "/api/public/plans/PT-TS-1/timestamps/tsa-anchors.pem")
        .await?;
    assert_eq!(anchors.status, 200);
    assert_eq!(String::from_utf8(anchors.bytes)?.trim(), root.trim());
    let stamp = verify_response(
        &file.bytes,
        &hash_of(&c)?,
        None,
        &TrustAnchors::from_pem(&root)?,
    )?;
    assert!(stamp.latest.timestamp() <= real_now()? + 2);
    let missing = s
        .get(
            None,
            "/api/public/plans/PT-TS-1/timestamps/commitment.other.tsr",
        )
        .await?;
    assert_eq!(missing.status, 404);

    // Drawn: the server's verification counts the token before the draw.
    let d = s.draw(&staff, "PT-TS-1").await?;
    assert_eq!(d.status, 201, "draw: {}", d.body);
    let v = s
        .get(None, "/api/public/plans/PT-TS-1/verification")
        .await?;
    assert_eq!(v.status, 200, "{}", v.body);
    assert_eq!(v.body["verified"], true);
    let ts = &v.body["timestamps"];
    assert_eq!(ts["proven"], true, "{}", v.body);
    assert_eq!(ts["tokens"][0]["file"], "commitment.tsa-1.tsr");
    assert_eq!(ts["tokens"][0]["ok"], true);
    assert!(
        ts["verdict"]
            .as_str()
            .unwrap_or_default()
            .contains("the commitment existed by"),
        "{}",
        v.body
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authority_that_is_down_leaves_the_commit_done_and_the_retry_obtains_the_token()
-> TestResult {
    let (pki, authority) = pki()?;
    let (url, port) = vacant_url()?;
    let s = Service::start(&url, &pki.pem("root")?).await?;
    let staff = token(&["inspector", "supervisor"])?;

    let c = s.commit(&staff, "PT-TS-2", false).await?;
    assert_eq!(c.status, 201, "the commit is not blocked: {}", c.body);
    assert_eq!(c.body["plan"]["state"]["state"], "committed");
    let status = &c.body["timestamps"][0];
    assert_eq!(status["status"], "failed", "{}", c.body);
    assert_eq!(status["code"], "tsa-unavailable");
    assert!(
        status["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("2 attempt(s)"),
        "{}",
        c.body
    );

    // The staff view shows it; the public sees no token, and says what that means.
    let staff_view = s.get(Some(&staff), "/api/plans/PT-TS-2/timestamps").await?;
    assert_eq!(staff_view.status, 200, "{}", staff_view.body);
    assert_eq!(staff_view.body[0]["status"], "failed");
    assert_eq!(staff_view.body[0]["attempts"], 1);
    let public = s.get(None, "/api/public/plans/PT-TS-2/timestamps").await?;
    assert_eq!(public.body["tokens"], json!([]));
    assert!(
        public.body["statement"]
            .as_str()
            .unwrap_or_default()
            .contains("rests on the bureau's word alone")
    );

    // An inspector may not retry; the supervisor may, once the authority is back.
    let inspector = token(&["inspector"])?;
    let refused = s
        .post(&inspector, "/api/plans/PT-TS-2/timestamps", None)
        .await?;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    tsa::serve_on(listener, authority, 2)?;
    let retried = s
        .post(&staff, "/api/plans/PT-TS-2/timestamps", None)
        .await?;
    assert_eq!(retried.status, 200, "{}", retried.body);
    assert_eq!(retried.body[0]["status"], "obtained", "{}", retried.body);
    assert_eq!(retried.body[0]["attempts"], 2);
    let file = s
        .get(
            None,
            "/api/public/plans/PT-TS-2/timestamps/commitment.tsa-1.tsr",
        )
        .await?;
    assert_eq!(file.status, 200);
    verify_response(
        &file.bytes,
        &hash_of(&c)?,
        None,
        &TrustAnchors::from_pem(&pki.pem("root")?)?,
    )?;

    // A token once obtained is final: a further retry asks nobody and changes nothing.
    let again = s
        .post(&staff, "/api/plans/PT-TS-2/timestamps", None)
        .await?;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body[0]["attempts"], 2);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_that_requires_a_token_is_not_drawn_until_one_is_obtained() -> TestResult {
    let (pki, authority) = pki()?;
    let (url, port) = vacant_url()?;
    let s = Service::start(&url, &pki.pem("root")?).await?;
    let staff = token(&["inspector", "supervisor"])?;

    let c = s.commit(&staff, "PT-TS-3", true).await?;
    assert_eq!(c.status, 201, "{}", c.body);
    assert_eq!(c.body["plan"]["spec"]["requires_timestamp"], true);
    let committed_at = s.now();
    let refused = s.draw(&staff, "PT-TS-3").await?;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(refused.body["code"], "timestamp-pending");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("tsa-1 failed (tsa-unavailable)"),
        "{}",
        refused.body
    );

    // Back to before the draw: the authority answers, the retry obtains the token, the draw runs.
    s.set(committed_at);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    tsa::serve_on(listener, authority, 2)?;
    let retried = s
        .post(&staff, "/api/plans/PT-TS-3/timestamps", None)
        .await?;
    assert_eq!(retried.body[0]["status"], "obtained", "{}", retried.body);
    let drawn = s.draw(&staff, "PT-TS-3").await?;
    assert_eq!(drawn.status, 201, "{}", drawn.body);

    // After the draw no retry is taken: a token made then proves nothing the draw needs.
    let late = s
        .post(&staff, "/api/plans/PT-TS-3/timestamps", None)
        .await?;
    assert_eq!(late.status, 409, "{}", late.body);
    assert_eq!(late.body["code"], "timestamp-not-committed");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_authorities_answers_the_retry_with_a_conflict_not_an_outage() -> TestResult
{
    let s = Service::start_with(None).await?;
    let staff = token(&["inspector", "supervisor"])?;
    let c = s.commit(&staff, "PT-TS-4", false).await?;
    assert_eq!(c.status, 201, "{}", c.body);
    // Nothing to retry here, ever: 409 names the configuration, where a 503 would invite retries.
    let r = s
        .post(&staff, "/api/plans/PT-TS-4/timestamps", None)
        .await?;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.body["code"], "tsa-not-configured");
    Ok(())
}
