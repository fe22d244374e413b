//! Staff-facing errors in 简体中文: a request whose `Accept-Language` prefers `zh` gets each
//! problem's `title` (and a fixed-sentence `detail`) in Chinese, the `code` unchanged; and every
//! code the staff routes can return has a Chinese title, so a new code without one fails here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use serde_json::Value;
use spotcheck_api::auth::{Claims, DEFAULT_ISSUER, mint_token};
use spotcheck_api::problem_zh::title_zh;
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app};
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;
use tower::ServiceExt;

type R<T> = Result<T, Box<dyn std::error::Error>>;

const KEY: [u8; 32] = [7; 32];
const ZH: &str = "zh-CN,zh;q=0.9";

// ---- every code has a Chinese title ------------------------------------------------------------

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            rust_files(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    Ok(())
}

fn is_code(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The string literal at the start of `s` (after blanks), if any.
fn literal(s: &str) -> Option<&str> {
    let s = s.trim_start().strip_prefix('"')?;
    s.find('"').map(|end| &s[..end])
}

/// `s` after its first argument (up to the first comma outside brackets).
fn after_first_arg(s: &str) -> Option<&str> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => return None,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => return Some(&s[i + 1..]),
            _ => {}
        }
    }
    None
}

/// Codes given as literals to the error constructors of the API and the application core:
/// `ApiError::bad_request("code", …)` and its kin, `AppError::validation("code", …)`,
/// `ApiError::new(status, "code", …)`, `AppError::new(kind, "code", …)`.
fn constructor_codes(text: &str, out: &mut BTreeSet<String>) {
    const FIRST: &[&str] = &[
        "bad_request(",
        "conflict(",
        "unprocessable(",
        "validation(",
        "forbidden(",
        "not_found(",
    ];
    const SECOND: &[&str] = &["ApiError::new(", "AppError::new(", "Self::new("];
    for pat in FIRST {
        for (i, _) in text.match_indices(pat) {
            if let Some(c) = literal(&text[i + pat.len()..]).filter(|c| is_code(c)) {
                out.insert(c.to_owned());
            }
        }
    }
    for pat in SECOND {
        for (i, _) in text.match_indices(pat) {
            if let Some(c) = after_first_arg(&text[i + pat.len()..])
                .and_then(literal)
                .filter(|c| is_code(c))
            {
                out.insert(c.to_owned());
            }
        }
    }
}

/// Codes a domain error maps itself to: the `=> "code"` arms of its `fn code` (or, with
/// `whole`, of the whole file).
fn arm_codes(text: &str, whole: bool, out: &mut BTreeSet<String>) {
    let bodies: Vec<&str> = if whole {
        vec![text]
    } else {
        text.match_indices("fn code(")
            .map(|(i, _)| {
                let body = &text[i..];
                // The function ends at the first line that closes it at its own indentation.
                let end = body.find("\n    }\n").unwrap_or(body.len());
                &body[..end]
            })
            .collect()
    };
    for body in bodies {
        for (i, _) in body.match_indices("=> ") {
            // `=> "code"`, or `=> {` and the literal on the next line.
            let arm = body[i + 3..].trim_start();
            let arm = arm.strip_prefix('{').unwrap_or(arm);
            if let Some(c) = literal(arm).filter(|c| is_code(c)) {
                out.insert(c.to_owned());
            }
        }
    }
}

fn staff_codes() -> R<BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut codes = BTreeSet::new();
    let mut files = Vec::new();
    rust_files(&root.join("api/src"), &mut files)?;
    rust_files(&root.join("app/src"), &mut files)?;
    for f in &files {
        constructor_codes(&std::fs::read_to_string(f)?, &mut codes);
    }
    // The application core's mapping of lifecycle errors, and the domain errors it passes on.
    arm_codes(
        &std::fs::read_to_string(root.join("app/src/error.rs"))?,
        true,
        &mut codes,
    );
    for f in [
        "domain/src/store/mod.rs",
        "domain/src/draw/mod.rs",
        "domain/src/draw/beacon.rs",
        "domain/src/lifecycle/schedule.rs",
    ] {
        arm_codes(&std::fs::read_to_string(root.join(f))?, false, &mut codes);
    }
    // The fixed codes of ApiError's helpers.
    for c in [
        "unauthorized",
        "forbidden",
        "not-found",
        "internal",
        "unavailable",
    ] {
        codes.insert(c.to_owned());
    }
    Ok(codes)
}

#[test]
fn every_code_the_staff_routes_return_has_a_chinese_title() -> R<()> {
    let codes = staff_codes()?;
    // The scan finds the codes (a broken scan would pass vacuously).
    for c in [
        "invalid-json",
        "invalid-path",
        "stale-version",
        "already-drawn",
        "sample-too-large",
        "draw-too-early",
        "beacon-signature",
        "source-network-not-allowed",
        "rate-limited",
    ] {
        assert!(codes.contains(c), "the scan missed {c}: {codes:?}");
    }
    assert!(codes.len() > 80, "{}: {codes:?}", codes.len());
    let missing: Vec<&String> = codes.iter().filter(|c| title_zh(c).is_none()).collect();
    assert!(
        missing.is_empty(),
        "codes without a Chinese title in functions/api/src/problem_zh.rs TITLES: {missing:?}"
    );
    Ok(())
}

// ---- over HTTP ------------------------------------------------------------------------------

fn token() -> R<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    Ok(mint_token(
        &KEY,
        &Claims {
            sub: "clerk".into(),
            department: "莆田市文化和旅游局".into(),
            roles: vec!["registrar".into()],
            iss: DEFAULT_ISSUER.into(),
            iat: now,
            exp: now + 3600,
            nbf: None,
        },
    )?)
}

struct Reply {
    status: u16,
    language: Option<String>,
    vary: Vec<String>,
    body: Value,
}

async fn send(router: &axum::Router, req: Request<Body>) -> R<Reply> {
    let resp = router.clone().oneshot(req).await?;
    let status = resp.status().as_u16();
    let language = resp
        .headers()
        .get(header::CONTENT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let vary = resp
        .headers()
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    let bytes = resp.into_body().collect().await?.to_bytes();
    Ok(Reply {
        status,
        language,
        vary,
        body: serde_json::from_slice(&bytes)?,
    })
}

fn service(dir: &Path) -> R<axum::Router> {
    Ok(app(InspectorState {
        store: Arc::new(SqliteStore::open(dir.join("d.sqlite"))?),
        auth: Authenticator::local(&KEY)?,
        sealer: SecretSealer::new([9; 32]),
        clock: Arc::new(|| Timestamp::from_unix(1_795_000_000)),
        beacon: None,
        timestamper: None,
        schedule: Default::default(),
    }))
}

#[tokio::test]
async fn a_staff_error_is_in_chinese_when_the_browser_prefers_it_and_keeps_its_code() -> R<()> {
    let dir = tempfile::tempdir()?;
    let router = service(dir.path())?;
    let plans = |lang: Option<&str>| -> R<Request<Body>> {
        let mut b = Request::get("/api/plans");
        if let Some(l) = lang {
            b = b.header(header::ACCEPT_LANGUAGE, l);
        }
        Ok(b.body(Body::empty())?)
    };

    // No token: 401, in Chinese for a Chinese browser, a fixed detail translated too.
    let r = send(&router, plans(Some(ZH))?).await?;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["code"], "unauthorized");
    assert_eq!(r.body["title"], "未登录或登录已失效");
    assert_eq!(
        r.body["detail"],
        "缺少 Authorization: Bearer 令牌，请先登录"
    );
    assert_eq!(r.body["status"], 401);
    assert_eq!(
        r.body["type"],
        "https://spotcheck.invalid/problems/unauthorized"
    );
    assert_eq!(r.language.as_deref(), Some("zh-CN"));
    assert!(
        r.vary.iter().any(|v| v.contains("accept-language")),
        "{:?}",
        r.vary
    );

    // English for everyone else: no header, or English preferred over Chinese.
    for lang in [None, Some("en-US,en;q=0.9,zh-CN;q=0.8")] {
        let r = send(&router, plans(lang)?).await?;
        assert_eq!(r.status, 401);
        assert_eq!(r.body["code"], "unauthorized");
        assert_eq!(r.body["title"], "Unauthorized", "{lang:?}");
        assert_eq!(r.body["detail"], "missing Authorization: Bearer token");
        assert_eq!(r.language, None);
    }

    // A body that is not JSON: the title in Chinese, the detail (which names the line and
    // column) as written.
    let t = token()?;
    let req = Request::post("/api/plans")
        .header(header::AUTHORIZATION, format!("Bearer {t}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_LANGUAGE, ZH)
        .body(Body::from("{not json"))?;
    let r = send(&router, req).await?;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body["code"], "invalid-json");
    assert_eq!(r.body["title"], "请求内容不是有效的 JSON");
    assert!(
        r.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("line 1")),
        "{}",
        r.body
    );

    // Not JSON at all: a fixed detail, translated.
    let req = Request::post("/api/plans")
        .header(header::AUTHORIZATION, format!("Bearer {t}"))
        .header(header::CONTENT_TYPE, "text/plain")
        .header(header::ACCEPT_LANGUAGE, ZH)
        .body(Body::from("x"))?;
    let r = send(&router, req).await?;
    assert_eq!(r.status, 415, "{}", r.body);
    assert_eq!(r.body["code"], "unsupported-media-type");
    assert_eq!(r.body["title"], "请求内容类型不受支持");
    assert_eq!(
        r.body["detail"],
        "请以 Content-Type: application/json 发送请求内容"
    );
    Ok(())
}
