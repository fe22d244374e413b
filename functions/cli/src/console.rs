//! The staff console (`web/console`, built into `web/console/dist/` and embedded here) at
//! `/console/`, and the one-time sign-in links of `serve --demo` and `serve --signin-link`.
//!
//! The console is static files calling the JSON API, the same files the site's bucket serves on
//! AWS; only `config.json` differs (here `{"mode":"local"}`: sign in with a link; on AWS the OIDC
//! issuer and client). A sign-in link carries a *ticket* in its fragment (never sent in a request
//! line, so never logged); the page posts it once to `POST /console/signin`, which answers the
//! user's access token. A ticket works once, for [`TICKET_LIFETIME`], and only from a loopback
//! address: the server's own machine, where its key files already are.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use spotcheck_api::ApiError;

use crate::exit::Failure;

const INDEX_HTML: &[u8] = include_bytes!("../../../web/console/dist/index.html");
const APP_JS: &[u8] = include_bytes!("../../../web/console/dist/app.js");
const APP_CSS: &[u8] = include_bytes!("../../../web/console/dist/app.css");

/// How long a sign-in link stays usable.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// One demo user: who they are and the roles their token carries.
#[derive(Debug, Clone, Copy)]
pub struct DemoUser {
    /// The token's subject (an inspector's roster id, so their assignments show).
    pub subject: &'static str,
    /// How the user is introduced, in Chinese.
    pub label: &'static str,
    /// Their roles.
    pub roles: &'static [&'static str],
}

/// The department of the demo users.
pub const DEMO_DEPARTMENT: &str = "莆田市文化和旅游局";

/// The demo users `serve --demo` prints a link for.
pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        subject: "PT-INS-001",
        label: "检查人员兼科长",
        roles: &["inspector", "supervisor"],
    },
    DemoUser {
        subject: "demo-publisher",
        label: "审核发布人员",
        roles: &["publisher"],
    },
    DemoUser {
        subject: "demo-registrar",
        label: "名录管理员",
        roles: &["registrar"],
    },
    DemoUser {
        subject: "demo-admin",
        label: "系统管理员",
        roles: &["admin", "registrar", "supervisor", "inspector"],
    },
];

/// The demo's user of the partner department of its joint check (draw spec §17): an inspector
/// of 莆田市市场监督管理局 and its supervisor, who approves the department's part in a joint plan.
pub fn demo_partner_user() -> SigninUser {
    SigninUser {
        subject: "PT-SJ-001".to_owned(),
        label: "配合部门检查人员兼科长".to_owned(),
        department: crate::demo_data::PARTNER.to_owned(),
        roles: vec!["inspector".to_owned(), "supervisor".to_owned()],
    }
}

/// A user a sign-in link is printed for: a demo user, or one named by `serve --signin-link`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigninUser {
    /// The token's subject.
    pub subject: String,
    /// How the user is introduced, in Chinese (one word: the printed line is parsed by tests).
    pub label: String,
    /// Their department (the token's `department`).
    pub department: String,
    /// Their roles.
    pub roles: Vec<String>,
}

impl SigninUser {
    /// A demo user, of the demo department.
    pub fn demo(user: &DemoUser) -> Self {
        Self {
            subject: user.subject.to_owned(),
            label: user.label.to_owned(),
            department: DEMO_DEPARTMENT.to_owned(),
            roles: user.roles.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    /// `SUBJECT=ROLE[,ROLE…]` of `serve --signin-link`, in `department`.
    ///
    /// # Errors
    /// Bad input naming the value: no `=`, an empty subject or one with spaces or control
    /// characters (it is printed on one line), longer than 128 characters, no role, or a role
    /// that is not one of the API's.
    pub fn parse(spec: &str, department: &str) -> Result<Self, Failure> {
        let bad = |why: &str| Failure::bad_input(format!("--signin-link {spec:?}: {why}"));
        let (subject, roles) = spec.split_once('=').ok_or_else(|| {
            bad("expected SUBJECT=ROLE[,ROLE…], e.g. wang.li=inspector,supervisor")
        })?;
        let subject = subject.trim();
        if subject.is_empty()
            || subject.chars().count() > 128
            || subject.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(bad(
                "the subject must be 1 to 128 characters without spaces or control characters",
            ));
        }
        let mut list = Vec::new();
        for role in roles.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            role.parse::<spotcheck_api::Role>()
                .map_err(|e| bad(&e.to_string()))?;
            if !list.iter().any(|r: &String| r == role) {
                list.push(role.to_owned());
            }
        }
        if list.is_empty() {
            return Err(bad(
                "name at least one role: inspector, supervisor, publisher, admin or registrar",
            ));
        }
        let department = department.trim();
        if department.is_empty() || department.chars().any(char::is_control) {
            return Err(Failure::bad_input(
                "--signin-department: must not be empty or hold control characters",
            ));
        }
        Ok(Self {
            subject: subject.to_owned(),
            label: "工作人员".to_owned(),
            department: department.to_owned(),
            roles: list,
        })
    }
}

/// A token of `user`'s department for `user`, valid `hours`.
///
/// # Errors
/// If the token cannot be signed.
pub fn user_token(
    key: &[u8],
    issuer: &str,
    hours: i64,
    user: &SigninUser,
) -> Result<String, Failure> {
    let now = chrono::Utc::now().timestamp();
    spotcheck_api::auth::mint_token(
        key,
        &spotcheck_api::auth::Claims {
            sub: user.subject.clone(),
            department: user.department.clone(),
            roles: user.roles.clone(),
            iss: issuer.to_owned(),
            iat: now,
            exp: now + hours * 3600,
            nbf: None,
        },
    )
    .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))
}

/// `http://127.0.0.1:8080`: where the server listens, as a browser reaches it.
///
/// # Errors
/// If the listener has no local address.
pub fn origin(listener: &std::net::TcpListener, tls: bool) -> Result<String, Failure> {
    let local = listener
        .local_addr()
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    Ok(format!("{}://{local}", if tls { "https" } else { "http" }))
}

/// Prints the console's address and a one-time sign-in link for each user:
/// `  <label> <subject> (<roles>): <origin>/console/signin#ticket=<ticket>`.
///
/// # Errors
/// If a token cannot be signed or the OS random generator fails.
pub fn print_links(
    tickets: &Tickets,
    users: &[SigninUser],
    key: &[u8],
    issuer: &str,
    hours: i64,
    origin: &str,
) -> Result<(), Failure> {
    say!(
        "staff console: {origin}/console/ — one-time sign-in links (each works once, within an \
         hour, from this machine):"
    );
    for user in users {
        let ticket = tickets.issue(user_token(key, issuer, hours, user)?)?;
        say!(
            "  {} {} ({}): {origin}/console/signin#ticket={ticket}",
            user.label,
            user.subject,
            user.roles.join(", ")
        );
    }
    Ok(())
}

struct Pending {
    token: String,
    expires: Instant,
}

/// The unused sign-in tickets of this process (in memory only: a restart voids them).
#[derive(Clone, Default)]
pub struct Tickets {
    inner: Arc<Mutex<HashMap<String, Pending>>>,
}

impl Tickets {
    /// A new ticket that signs in with `token`, usable once within [`TICKET_LIFETIME`].
    ///
    /// # Errors
    /// If the OS random generator fails.
    pub fn issue(&self, token: String) -> Result<String, Failure> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| Failure::Other(anyhow::anyhow!("the OS random generator failed: {e}")))?;
        let ticket = hex::encode(bytes);
        if let Ok(mut map) = self.inner.lock() {
            let now = Instant::now();
            map.retain(|_, p| p.expires > now);
            map.insert(
                ticket.clone(),
                Pending {
                    token,
                    expires: now + TICKET_LIFETIME,
                },
            );
        }
        Ok(ticket)
    }

    /// Takes the ticket's token, once: `None` if unknown, used or expired.
    fn redeem(&self, ticket: &str) -> Option<String> {
        let mut map = self.inner.lock().ok()?;
        let pending = map.remove(ticket)?;
        (pending.expires > Instant::now()).then_some(pending.token)
    }
}

/// The console's routes: the static files, `config.json` (sign in with a one-time link of this
/// server; its minimum notice before a draw) and the ticket exchange.
pub fn router(tickets: Tickets, min_notice_minutes: u32) -> Router {
    let config: &'static str = Box::leak(
        serde_json::json!({ "mode": "local", "min_notice_minutes": min_notice_minutes })
            .to_string()
            .into_boxed_str(),
    );
    Router::new()
        .route(
            "/console",
            get(|| async { Redirect::permanent("/console/") }),
        )
        .route("/console/", get(|| async { file("index.html") }))
        .route("/console/index.html", get(|| async { file("index.html") }))
        .route(
            "/console/signin",
            get(|| async { file("index.html") }).post(signin),
        )
        .route("/console/app.js", get(|| async { file("app.js") }))
        .route("/console/app.css", get(|| async { file("app.css") }))
        .route(
            "/console/config.json",
            get(move || async move { asset(config.as_bytes().into(), "application/json") }),
        )
        .with_state(tickets)
}

/// One of the console's files: the embedded build, or with `SPOTCHECK_CONSOLE_DIR` set (while
/// working on the console) that folder's file as it is now.
fn file(name: &'static str) -> Response {
    let (embedded, content_type) = match name {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        _ => (INDEX_HTML, "text/html; charset=utf-8"),
    };
    let bytes = std::env::var_os("SPOTCHECK_CONSOLE_DIR")
        .and_then(|dir| std::fs::read(std::path::Path::new(&dir).join(name)).ok())
        .map_or(
            std::borrow::Cow::Borrowed(embedded),
            std::borrow::Cow::Owned,
        );
    asset(bytes, content_type)
}

fn asset(bytes: std::borrow::Cow<'static, [u8]>, content_type: &'static str) -> Response {
    let mut resp = bytes.into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SigninBody {
    ticket: String,
}

/// `POST /console/signin` `{"ticket": "…"}` → `{"access_token": "…"}`, once per ticket, from a
/// loopback address only.
async fn signin(State(tickets): State<Tickets>, req: Request) -> Response {
    let loopback = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(a)| a.ip().is_loopback());
    if !loopback {
        return ApiError::forbidden(
            "sign-in links work only from the server's own machine (a loopback address)",
        )
        .into_response();
    }
    let body: Bytes = match axum::body::to_bytes(req.into_body(), 4096).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::bad_request("invalid-body", "the body must be at most 4 KiB")
                .into_response();
        }
    };
    let Ok(body) = serde_json::from_slice::<SigninBody>(&body) else {
        return ApiError::bad_request(
            "invalid-json",
            "the body must be {\"ticket\": \"<the link's ticket>\"}",
        )
        .into_response();
    };
    match tickets.redeem(body.ticket.trim()) {
        Some(token) => {
            let json = serde_json::json!({ "access_token": token, "token_type": "Bearer" });
            let mut resp = (StatusCode::OK, json.to_string()).into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            "signin-ticket-unknown",
            "this sign-in link was already used, has expired (after an hour) or is from an \
             earlier start of the server: restart `spotcheck serve` (with --demo or --signin-link) \
             for new links",
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    async fn post(router: &Router, from: Option<&str>, body: &str) -> (StatusCode, String) {
        let mut req = Request::post("/console/signin")
            .header("content-type", "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap_or_default();
        if let Some(addr) = from {
            let addr: SocketAddr = addr.parse().unwrap_or(SocketAddr::from(([0, 0, 0, 0], 0)));
            req.extensions_mut().insert(ConnectInfo(addr));
        }
        let resp = router.clone().oneshot(req).await.unwrap_or_default();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 16)
            .await
            .unwrap_or_default();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn a_ticket_signs_in_once_and_only_from_loopback() -> Result<(), Failure> {
        let tickets = Tickets::default();
        let t = tickets.issue("tok-1".into())?;
        let router = router(tickets.clone(), 2);
        let body = format!("{{\"ticket\":\"{t}\"}}");
        let (s, b) = post(&router, Some("192.0.2.7:5000"), &body).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        let (s, b) = post(&router, None, &body).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "no peer address: {b}");
        let (s, b) = post(&router, Some("127.0.0.1:5000"), &body).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(b.contains("\"access_token\":\"tok-1\""), "{b}");
        let (s, b) = post(&router, Some("[::1]:5000"), &body).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "second use: {b}");
        assert!(b.contains("signin-ticket-unknown"), "{b}");
        let (s, b) = post(&router, Some("127.0.0.1:5000"), "{\"ticket\":1}").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
        Ok(())
    }

    #[test]
    fn an_expired_ticket_is_refused() -> Result<(), Failure> {
        let tickets = Tickets::default();
        let t = tickets.issue("tok".into())?;
        if let Ok(mut map) = tickets.inner.lock()
            && let Some(p) = map.get_mut(&t)
        {
            p.expires = Instant::now();
        }
        assert_eq!(tickets.redeem(&t), None);
        Ok(())
    }

    #[test]
    fn signin_link_values_are_parsed_or_refused_by_name() -> Result<(), Box<dyn std::error::Error>>
    {
        let u = SigninUser::parse(
            "wang.li=inspector, supervisor,inspector",
            " 某市文化和旅游局 ",
        )?;
        assert_eq!(u.subject, "wang.li");
        assert_eq!(u.roles, ["inspector", "supervisor"]);
        assert_eq!(u.department, "某市文化和旅游局");
        for (spec, why) in [
            ("wang.li", "SUBJECT=ROLE"),
            ("=inspector", "subject"),
            ("wang li=inspector", "subject"),
            ("wang.li=", "at least one role"),
            ("wang.li=inspector,boss", "boss"),
        ] {
            match SigninUser::parse(spec, "某局") {
                Err(Failure::BadInput(m)) => {
                    assert!(
                        m.contains("--signin-link") && m.contains(why),
                        "{spec}: {m}"
                    );
                }
                other => return Err(format!("{spec}: expected a refusal, got {other:?}").into()),
            }
        }
        assert!(SigninUser::parse("a=inspector", "  ").is_err());
        Ok(())
    }

    #[test]
    fn the_embedded_console_is_the_built_one() {
        let html = String::from_utf8_lossy(INDEX_HTML);
        assert!(html.contains("lang=\"zh-CN\""), "{html}");
        assert!(
            html.contains("app.js") && html.contains("app.css"),
            "{html}"
        );
        assert!(!APP_JS.is_empty());
    }
}
