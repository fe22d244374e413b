//! Drafts of results and penalty decisions before their approval, and the registries' snapshot
//! history, over real HTTP: the router is served on 127.0.0.1 and spoken to through a socket.
//!
//! An approver returns a draft to its author with a reason; the author amends (which resubmits
//! it) or withdraws it; once approved it is refused with 409 `already-approved`. The snapshot
//! history lists every import, newest first, paged and bounded.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use serde_json::{Value, json};
use spotcheck_api::auth::{Claims, DEFAULT_ISSUER, mint_token};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app};
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type R<T> = Result<T, Box<dyn std::error::Error>>;

const KEY: [u8; 32] = [7; 32];
const DEPT: &str = "莆田市文化和旅游局";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

struct Service {
    addr: std::net::SocketAddr,
    clock: Arc<AtomicI64>,
    _dir: tempfile::TempDir,
}

struct Reply {
    status: u16,
    body: Value,
}

/// Percent-encodes a path segment (decision numbers are Chinese text).
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes a chunked HTTP/1.1 body.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = raw.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = std::str::from_utf8(&raw[..line_end])
            .ok()
            .and_then(|l| usize::from_str_radix(l.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        raw = &raw[line_end + 2..];
        if size == 0 || raw.len() < size {
            return out;
        }
        out.extend_from_slice(&raw[..size]);
        raw = raw.get(size + 2..).unwrap_or_default();
    }
}

impl Service {
    /// A fresh service on 127.0.0.1 whose clock stands at `now`, with the fixtures' item list,
    /// agencies, guides and inspectors imported by `registrar`.
    async fn start(now: &str) -> R<Self> {
        let dir = tempfile::tempdir()?;
        let clock = Arc::new(AtomicI64::new(now.parse::<Timestamp>()?.unix()));
        let c = Arc::clone(&clock);
        let router = app(InspectorState {
            store: Arc::new(SqliteStore::open(dir.path().join("d.sqlite"))?),
            auth: Authenticator::local(&KEY)?,
            sealer: SecretSealer::new([9; 32]),
            clock: Arc::new(move || Timestamp::from_unix(c.load(Ordering::SeqCst))),
            beacon: None,
            timestamper: None,
            schedule: Default::default(),
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        let s = Self {
            addr,
            clock,
            _dir: dir,
        };
        let registrar = token("registrar", &["registrar"])?;
        for (kind, file) in [
            ("items", "items/tourism-items.csv"),
            ("agencies", "registries/agencies.synthetic.csv"),
            ("guides", "registries/guides.synthetic.csv"),
            ("inspectors", "registries/inspectors.synthetic.csv"),
        ] {
            let bytes = std::fs::read(format!("{FIXTURES}/{file}"))?;
            let r = s
                .request(
                    "POST",
                    &format!("/api/registries/{kind}"),
                    Some(&registrar),
                    Some(("text/csv", bytes)),
                )
                .await?;
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

    async fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> R<Reply> {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if let Some(t) = token {
            head.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        let bytes = match body {
            Some((ctype, b)) => {
                head.push_str(&format!("Content-Type: {ctype}\r\n"));
                b
            }
            None => Vec::new(),
        };
        head.push_str(&format!("Content-Length: {}\r\n\r\n", bytes.len()));
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(&bytes).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or("no end of headers")?;
        let headers = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let status: u16 = headers
            .split_whitespace()
            .nth(1)
            .ok_or("no status")?
            .parse()?;
        let payload = &raw[split + 4..];
        let payload = if headers.contains("transfer-encoding: chunked") {
            dechunk(payload)
        } else {
            payload.to_vec()
        };
        let body = serde_json::from_slice(&payload).unwrap_or(Value::Null);
        Ok(Reply { status, body })
    }

    async fn send(&self, method: &str, token: &str, path: &str, body: Option<Value>) -> R<Reply> {
        let body = body
            .map(|b| serde_json::to_vec(&b).map(|v| ("application/json", v)))
            .transpose()?;
        self.request(method, path, Some(token), body).await
    }

    async fn get(&self, token: &str, path: &str) -> R<Reply> {
        self.send("GET", token, path, None).await
    }
}

fn token(sub: &str, roles: &[&str]) -> R<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    Ok(mint_token(
        &KEY,
        &Claims {
            sub: sub.into(),
            department: DEPT.into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            iss: DEFAULT_ISSUER.into(),
            iat: now,
            exp: now + 3600,
            nbf: None,
        },
    )?)
}

fn code(r: &Reply) -> &str {
    r.body["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn the_snapshot_history_lists_every_import_newest_first_paged_and_bounded() -> TestResult {
    let s = Service::start("2026-03-02T01:00:00Z").await?;
    let staff = token("clerk", &["inspector"])?;
    let registrar = token("registrar-2", &["registrar"])?;
    s.set(s.now() + HOUR);
    // The same registry less its last row: a new snapshot (an identical file stores none).
    let text = std::fs::read_to_string(format!("{FIXTURES}/registries/agencies.synthetic.csv"))?;
    let lines: Vec<&str> = text.lines().collect();
    let bytes = lines[..lines.len() - 1].join("\n").into_bytes();
    let second = s
        .request(
            "POST",
            "/api/registries/agencies",
            Some(&registrar),
            Some(("text/csv", bytes)),
        )
        .await?;
    assert!(second.status < 300, "{}", second.body);

    let all = s.get(&staff, "/api/registries/agencies/snapshots").await?;
    assert_eq!(all.status, 200, "{}", all.body);
    let snaps = all.body["snapshots"].as_array().ok_or("no snapshots")?;
    assert_eq!(snaps.len(), 2, "{}", all.body);
    assert_eq!(snaps[0]["number"], 2);
    assert_eq!(snaps[0]["stored_by"], "registrar-2");
    assert_eq!(snaps[1]["number"], 1);
    assert_eq!(snaps[1]["stored_by"], "registrar");
    assert_eq!(
        snaps[0]["records"].as_u64().map(|n| n + 1),
        snaps[1]["records"].as_u64()
    );
    assert_eq!(
        snaps[0]["stored_at"],
        Timestamp::from_unix(s.now()).to_string()
    );
    assert!(all.body["next_before"].is_null(), "{}", all.body);

    let page = s
        .get(&staff, "/api/registries/agencies/snapshots?limit=1")
        .await?;
    assert_eq!(page.body["snapshots"].as_array().map(Vec::len), Some(1));
    assert_eq!(page.body["next_before"], 2, "{}", page.body);
    let older = s
        .get(
            &staff,
            "/api/registries/agencies/snapshots?limit=1&before=2",
        )
        .await?;
    assert_eq!(older.body["snapshots"][0]["number"], 1, "{}", older.body);
    assert!(older.body["next_before"].is_null());

    let guides = s.get(&staff, "/api/registries/guides/snapshots").await?;
    assert_eq!(guides.body["snapshots"].as_array().map(Vec::len), Some(1));

    for (q, status) in [
        ("limit=0", 422),
        ("limit=101", 422),
        ("before=0", 422),
        ("limit=x", 400),
        ("colour=red", 400),
    ] {
        let r = s
            .get(&staff, &format!("/api/registries/agencies/snapshots?{q}"))
            .await?;
        assert_eq!(r.status, status, "{q}: {}", r.body);
        assert_eq!(code(&r), "invalid-query", "{q}: {}", r.body);
    }
    let unknown = s.get(&staff, "/api/registries/ships/snapshots").await?;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    let anonymous = s
        .request("GET", "/api/registries/agencies/snapshots", None, None)
        .await?;
    assert_eq!(anonymous.status, 401);
    Ok(())
}
