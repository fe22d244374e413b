//! `spotcheck serve`: both routers (public and inspector) on one port over the embedded SQLite
//! store, optionally with TLS (for bureaus on a government intranet) and with demo data.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use spotcheck_api::auth::{Claims, TokenPolicy, mint_token};
use spotcheck_api::hygiene::{Hygiene, RateLimit, harden};
use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app, system_clock};
use spotcheck_app::timestamps::{Authority, TsaSet};
use spotcheck_beacon::{HttpRelays, RecordedBeacons};
use spotcheck_domain::lifecycle::SchedulePolicy;
use spotcheck_store::SqliteStore;

use crate::exit::Failure;

/// Serve the HTTP API.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// SQLite data file (created if missing, owner-only: 0600, its folder 0700 if created).
    #[arg(long, default_value = "spotcheck.sqlite")]
    pub data: PathBuf,
    /// Start from a fresh store loaded with the synthetic Putian demo data and one drawn plan.
    /// Without --data, the demo uses `spotcheck-demo.sqlite` (replaced at each start, but never while
    /// another `spotcheck serve` uses it, and only once the address is bound).
    #[arg(long)]
    pub demo: bool,
    /// HMAC key for local tokens (created, 0600, if missing; refused if other users may read or
    /// change it). Default: `<data>.jwt-key`.
    #[arg(long)]
    pub jwt_key_file: Option<PathBuf>,
    /// Master key from which each plan's secret is derived (created, 0600, if missing; refused if
    /// other users may read or change it). Default: `<data>.master-key`. Keep it out of backups of
    /// the data file.
    #[arg(long)]
    pub master_key_file: Option<PathBuf>,
    /// The `iss` every token must carry (`spotcheck token --issuer` writes it).
    #[arg(long, default_value = spotcheck_api::auth::DEFAULT_ISSUER)]
    pub jwt_issuer: String,
    /// The longest token lifetime accepted (`exp` − `iat`), in hours.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=720))]
    pub token_max_hours: u32,
    /// Seconds a client has to send a request's headers, and the longest a kept-alive HTTP/1.1
    /// connection may wait idle for its next request; then the connection is closed.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub header_timeout_secs: u64,
    /// Seconds a connection, HTTP/1.1 or HTTP/2, may stay open with no request in flight; then it
    /// is closed (HTTP/2 pings are not requests). A connection must also send its first request
    /// within the header timeout.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout_secs: u64,
    /// Requests per second allowed from one client address (bursts of twice as many); more get
    /// 429 `rate-limited` with `Retry-After`. 0 turns the limit off.
    #[arg(long, default_value_t = 100)]
    pub rate_limit: u32,
    /// The least time, in minutes, between committing a plan and its planned draw (the commitment
    /// is public all that time, before any randomness exists). Default 1440 (24 hours); with
    /// --demo, 2 minutes, so that the README's walkthrough can draw its plan soon after.
    #[arg(long)]
    pub min_notice_minutes: Option<u32>,
    /// Read the drand rounds that beacon plans promise from this folder of recorded rounds
    /// (e.g. fixtures/beacons) instead of drand's public HTTP relays.
    #[arg(long)]
    pub beacons: Option<PathBuf>,
    /// A time-stamping authority (RFC 3161) that each commitment's hash is sent to right after
    /// the commit: `NAME=URL` (NAME names the published `commitment.NAME.tsr`) or a bare URL
    /// (named `tsa-1`, `tsa-2`, … by position). Repeat for several. Needs --tsa-anchors.
    #[arg(long = "tsa", value_name = "NAME=URL", requires = "tsa_anchors")]
    pub tsa: Vec<String>,
    /// The trust anchors (PEM certificates) every token must chain to before it is stored and
    /// published, e.g. the root of an accredited authority (docs/operations.md).
    #[arg(long, value_name = "PEMFILE", requires = "tsa")]
    pub tsa_anchors: Option<PathBuf>,
    /// Time limit of one request to an authority, in seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub tsa_timeout_secs: u64,
    /// Attempts per authority at each commit or retry (pausing 1 s, then 2 s, …) before its status
    /// is `failed`; `POST /api/plans/{id}/timestamps` tries again later.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub tsa_attempts: u32,
    /// TLS certificate chain (PEM); with --tls-key, serve HTTPS (and send HSTS).
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Print a one-time sign-in link to the staff console at start for this user:
    /// `SUBJECT=ROLE[,ROLE…]`, e.g. `wang.li=inspector,supervisor`. Repeat for several. The link
    /// works once, within an hour, from this machine only; its token lasts 8 hours (at most
    /// --token-max-hours). Restart the server for new links. Needs --signin-department.
    #[arg(
        long = "signin-link",
        value_name = "SUBJECT=ROLES",
        requires = "signin_department"
    )]
    pub signin_links: Vec<String>,
    /// The department of the --signin-link users, e.g. 莆田市文化和旅游局.
    #[arg(long, value_name = "DEPARTMENT", requires = "signin_links")]
    pub signin_department: Option<String>,
}

/// The minimum notice of `serve --demo` without `--min-notice-minutes`.
pub const DEMO_MIN_NOTICE_MINUTES: u32 = 2;

/// Where beacon plans' rounds come from: recorded rounds in `dir`, or drand's public relays.
fn beacon_source(dir: Option<&Path>) -> Result<Arc<dyn spotcheck_app::Beacon>, Failure> {
    Ok(match dir {
        Some(dir) => Arc::new(
            RecordedBeacons::from_dir(dir)
                .map_err(|e| Failure::bad_input(format!("--beacons {}: {e}", dir.display())))?,
        ),
        None => Arc::new(HttpRelays::with_defaults().map_err(|e| {
            Failure::Other(anyhow::anyhow!("cannot set up the drand relay client: {e}"))
        })?),
    })
}

/// The configured time-stamping authorities over HTTP, or `None` without `--tsa`.
fn timestamper(args: &Args) -> Result<Option<Arc<dyn spotcheck_app::Timestamper>>, Failure> {
    let Some(anchors) = &args.tsa_anchors else {
        return Ok(None);
    };
    let pem = std::fs::read_to_string(anchors)
        .map_err(|e| Failure::bad_input(format!("--tsa-anchors {}: {e}", anchors.display())))?;
    let retry = spotcheck_timestamp::RetryPolicy {
        attempts: args.tsa_attempts,
        first_backoff: Duration::from_secs(1),
        request_timeout: Duration::from_secs(args.tsa_timeout_secs),
    };
    let authorities =
        Authority::parse_list(&args.tsa).map_err(|e| Failure::bad_input(format!("--tsa: {e}")))?;
    let mut list = Vec::new();
    for a in authorities {
        let client = spotcheck_timestamp::HttpTsa::new(&a.url, retry)
            .map_err(|e| Failure::bad_input(format!("--tsa {}: {e}", a.name)))?;
        list.push((a, client));
    }
    let set = TsaSet::new(list, &pem, Box::new(os_nonce))
        .map_err(|e| Failure::bad_input(format!("--tsa-anchors {}: {e}", anchors.display())))?;
    Ok(Some(Arc::new(set)))
}

/// A request nonce from the OS CSPRNG (the clock's nanoseconds if it fails: a nonce needs to be
/// unique, not secret).
fn os_nonce() -> u64 {
    let mut b = [0u8; 8];
    match getrandom::fill(&mut b) {
        Ok(()) => u64::from_be_bytes(b),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    }
}

/// Path of a key file next to the data file.
pub fn key_path(data: &Path, explicit: Option<&Path>, suffix: &str) -> PathBuf {
    explicit.map_or_else(|| sibling(data, suffix), Path::to_path_buf)
}

fn sibling(data: &Path, suffix: &str) -> PathBuf {
    let mut p = data.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Reads a 32-byte hex key file. `Ok(None)` if it does not exist.
///
/// # Errors
/// Bad input naming the file if it cannot be read (permission denied is said plainly), is not a
/// regular file, may be read or changed by other users (with the `chmod` that fixes it), or does
/// not hold 64 hex characters.
pub fn read_key(path: &Path) -> Result<Option<[u8; 32]>, Failure> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(path, &e)),
    };
    if !meta.is_file() {
        return Err(Failure::bad_input(format!(
            "{}: the key must be a regular file",
            path.display()
        )));
    }
    check_private(path, &meta)?;
    let text = std::fs::read_to_string(path).map_err(|e| unreadable(path, &e))?;
    let mut key = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut key).map_err(|_| {
        Failure::bad_input(format!("{}: must hold 64 hex characters", path.display()))
    })?;
    Ok(Some(key))
}

fn unreadable(path: &Path, e: &std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        Failure::bad_input(format!(
            "{}: permission denied: this user may not read the key (run as the user that owns it)",
            path.display()
        ))
    } else {
        Failure::bad_input(format!("{}: cannot read the key: {e}", path.display()))
    }
}

/// Refuses a key file that users other than its owner may read or write.
#[cfg(unix)]
fn check_private(path: &Path, meta: &std::fs::Metadata) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        let who = match (mode & 0o044 != 0, mode & 0o022 != 0) {
            (true, true) => "read and change",
            (true, false) => "read",
            _ => "change",
        };
        return Err(Failure::bad_input(format!(
            "{0}: permissions {mode:03o} let other users {who} this key; refusing to use it. \
             Run `chmod 600 {0}` (and replace the key if others may have read it)",
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _meta: &std::fs::Metadata) -> Result<(), Failure> {
    Ok(())
}

/// Reads a 32-byte hex key file, creating it (0600) with OS randomness if it does not exist.
///
/// # Errors
/// As [`read_key`]; or bad input if the file cannot be created.
pub fn load_or_create_key(path: &Path) -> Result<[u8; 32], Failure> {
    if let Some(key) = read_key(path)? {
        return Ok(key);
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key)
        .map_err(|e| Failure::Other(anyhow::anyhow!("the OS random generator failed: {e}")))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    use std::io::Write as _;
    opts.open(path)
        .and_then(|mut f| f.write_all(format!("{}\n", hex::encode(key)).as_bytes()))
        .map_err(|e| {
            Failure::bad_input(format!("{}: cannot create key file: {e}", path.display()))
        })?;
    Ok(key)
}

/// Holds the data file's lock (`<data>.lock`) for as long as the server runs.
#[derive(Debug)]
pub struct DataLock {
    _file: std::fs::File,
}

/// Takes the data file's lock: exclusive for a demo (which deletes the data), shared otherwise,
/// so that a demo start never deletes the data of a server still running on it.
///
/// # Errors
/// Bad input naming the data file if another `spotcheck serve` holds a conflicting lock.
pub fn lock_data(data: &Path, exclusive: bool) -> Result<DataLock, Failure> {
    let path = sibling(data, ".lock");
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(&path).map_err(|e| {
        Failure::bad_input(format!("{}: cannot open the lock: {e}", path.display()))
    })?;
    let locked = if exclusive {
        file.try_lock()
    } else {
        file.try_lock_shared()
    };
    match locked {
        Ok(()) => Ok(DataLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(Failure::bad_input(format!(
            "{}: another `spotcheck serve` is using this data file (it holds {}); stop it first, \
             or give this one another --data{}",
            data.display(),
            path.display(),
            if exclusive {
                " (a demo start would delete its data)"
            } else {
                ""
            }
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(Failure::bad_input(format!(
            "{}: cannot lock: {e}",
            path.display()
        ))),
    }
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    // First, so that what opening the store logs (e.g. permissions made owner-only) is seen.
    init_logs();
    let signin_users = args
        .signin_links
        .iter()
        .map(|spec| {
            crate::console::SigninUser::parse(spec, args.signin_department.as_deref().unwrap_or(""))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let data = if args.demo && args.data == Path::new("spotcheck.sqlite") {
        PathBuf::from("spotcheck-demo.sqlite")
    } else {
        args.data.clone()
    };
    // Bind first: a busy address fails here, before anything is read, created or deleted.
    let listener = std::net::TcpListener::bind(args.addr)
        .map_err(|e| Failure::bad_input(format!("--addr {}: {e}", args.addr)))?;
    spotcheck_store::sqlite::files::create_private_parent(&data)
        .map_err(|e| Failure::bad_input(format!("{}: {e}", data.display())))?;
    let _lock = lock_data(&data, args.demo)?;
    if args.demo {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(sibling(&data, suffix));
        }
    }
    let jwt_key = load_or_create_key(&key_path(&data, args.jwt_key_file.as_deref(), ".jwt-key"))?;
    let master = load_or_create_key(&key_path(
        &data,
        args.master_key_file.as_deref(),
        ".master-key",
    ))?;
    let store = SqliteStore::open(&data)
        .map_err(|e| Failure::bad_input(format!("{}: {e}", data.display())))?;
    let policy = TokenPolicy {
        issuer: args.jwt_issuer.clone(),
        max_lifetime_secs: i64::from(args.token_max_hours) * 3600,
    };
    let state = InspectorState {
        store: Arc::new(store),
        auth: Authenticator::local_with(&jwt_key, policy.clone()).map_err(Failure::bad_input)?,
        sealer: SecretSealer::new(master),
        clock: system_clock(),
        beacon: Some(beacon_source(args.beacons.as_deref())?),
        timestamper: timestamper(&args)?,
        schedule: SchedulePolicy {
            min_notice_secs: i64::from(args.min_notice_minutes.unwrap_or(if args.demo {
                DEMO_MIN_NOTICE_MINUTES
            } else {
                24 * 60
            })) * 60,
            ..SchedulePolicy::default()
        },
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => Some((c.clone(), k.clone())),
        _ => None,
    };
    let hygiene = Hygiene {
        hsts: tls.is_some(),
        rate_limit: (args.rate_limit > 0).then(|| RateLimit {
            per_second: args.rate_limit,
            burst: args.rate_limit.saturating_mul(2),
        }),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot start the runtime: {e}")))?;
    let origin = crate::console::origin(&listener, tls.is_some())?;
    let tickets = crate::console::Tickets::default();
    let min_notice_minutes = (state.schedule.min_notice_secs / 60) as u32;
    let hours = 8.min(i64::from(args.token_max_hours));
    rt.block_on(async move {
        let mut users = Vec::new();
        if args.demo {
            // The demo loads through the API with tokens of the default issuer.
            let loader = InspectorState {
                auth: Authenticator::local(&jwt_key).map_err(Failure::bad_input)?,
                ..state.clone()
            };
            crate::demo_data::load(&loader, &jwt_key).await?;
            let token = demo_token(&jwt_key, &policy.issuer, hours)?;
            say!("demo data loaded into {}", data.display());
            say!(
                "token (admin, registrar, supervisor, inspector of 莆田市文化和旅游局, {hours} h):"
            );
            say!("{token}");
            users.extend(
                crate::console::DEMO_USERS
                    .iter()
                    .map(crate::console::SigninUser::demo),
            );
            users.push(crate::console::demo_partner_user());
        }
        users.extend(signin_users);
        if !users.is_empty() {
            crate::console::print_links(
                &tickets,
                &users,
                &jwt_key,
                &policy.issuer,
                hours,
                &origin,
            )?;
        }
        let console = crate::console::router(tickets, min_notice_minutes);
        let router = harden(app(state).merge(console), &hygiene);
        // Full problem reports of refused registry uploads, owner-only beside the database.
        let dir = sibling(&data, ".reports");
        let reports =
            spotcheck_api::routes::reports::ProblemReports::open(&dir, Default::default())
                .map_err(|e| Failure::bad_input(format!("{}: {e}", dir.display())))?;
        let router = router.layer(axum::Extension(reports));
        serve(
            router,
            listener,
            tls,
            Duration::from_secs(args.header_timeout_secs),
            Duration::from_secs(args.idle_timeout_secs),
        )
        .await
    })
}

fn demo_token(key: &[u8], issuer: &str, hours: i64) -> Result<String, Failure> {
    let now = chrono::Utc::now().timestamp();
    mint_token(
        key,
        &Claims {
            sub: "demo-admin".into(),
            department: "莆田市文化和旅游局".into(),
            roles: vec![
                "admin".into(),
                "registrar".into(),
                "supervisor".into(),
                "inspector".into(),
            ],
            iss: issuer.to_owned(),
            iat: now,
            exp: now + hours * 3600,
            nbf: None,
        },
    )
    .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))
}

/// JSON lines on standard error (standard output carries the address and the demo token), one per
/// request with its id, method, route, status and duration; every line logged while a request is
/// served lists the `request` span with its `request_id` in `spans` (and in `span` when it is the
/// innermost), so a 500's cause is found from the id it returned. `RUST_LOG` filters (default `info`).
fn init_logs() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(true)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn serve(
    router: axum::Router,
    listener: std::net::TcpListener,
    tls: Option<(PathBuf, PathBuf)>,
    header_timeout: Duration,
    idle_timeout: Duration,
) -> Result<(), Failure> {
    let router = crate::idle::IdleConnections::new(idle_timeout).layer(router);
    let local = listener
        .local_addr()
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        Some((cert, key)) => {
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| Failure::bad_input(format!("TLS certificate or key: {e}")))?;
            let mut server = axum_server::from_tcp_rustls(listener, config)
                .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?
                .first_request_timeout(header_timeout);
            limit_connections(server.http_builder(), header_timeout);
            say!("listening on https://{local}");
            server
                .serve(service)
                .await
                .map_err(|e| Failure::Other(anyhow::anyhow!("server: {e}")))
        }
        None => {
            let mut server = axum_server::from_tcp(listener)
                .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?
                .first_request_timeout(header_timeout);
            limit_connections(server.http_builder(), header_timeout);
            say!("listening on http://{local}");
            server
                .serve(service)
                .await
                .map_err(|e| Failure::Other(anyhow::anyhow!("server: {e}")))
        }
    }
}

/// HTTP/1.1: the headers must arrive within `header_timeout`, which also bounds how long a
/// kept-alive connection waits idle for its next request. HTTP/2: a ping every 20 s, and a peer
/// that does not answer within 10 s is dropped; one that answers is still closed when idle
/// (`crate::idle`).
fn limit_connections(
    builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>,
    header_timeout: Duration,
) {
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout);
    builder
        .http2()
        .timer(hyper_util::rt::TokioTimer::new())
        .keep_alive_interval(Duration::from_secs(20))
        .keep_alive_timeout(Duration::from_secs(10));
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_created_key_is_owner_only_and_read_back() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("k.jwt-key");
        let made = load_or_create_key(&path)?;
        assert_eq!(
            std::fs::metadata(&path)?.permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(load_or_create_key(&path)?, made);
        Ok(())
    }

    #[test]
    fn a_world_writable_or_group_readable_key_is_refused_by_serve_too()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("k.master-key");
        load_or_create_key(&path)?;
        for mode in [0o602, 0o640, 0o606] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))?;
            match load_or_create_key(&path) {
                Err(Failure::BadInput(m)) => {
                    assert!(m.contains(&format!("permissions {mode:03o}")), "{m}");
                    assert!(m.contains(&format!("chmod 600 {}", path.display())), "{m}");
                }
                other => return Err(format!("{mode:o}: expected a refusal, got {other:?}").into()),
            }
        }
        Ok(())
    }

    #[test]
    fn permission_denied_is_said_plainly() {
        let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let m = unreadable(Path::new("/srv/d.sqlite.jwt-key"), &e).to_string();
        assert!(
            m.contains("/srv/d.sqlite.jwt-key: permission denied"),
            "{m}"
        );
        assert!(!m.contains("exists"), "{m}");
    }

    #[test]
    fn a_demo_cannot_take_the_data_file_of_a_running_server()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("d.sqlite");
        let running = lock_data(&data, false)?;
        assert!(
            lock_data(&data, false).is_ok(),
            "two plain servers may share"
        );
        match lock_data(&data, true) {
            Err(Failure::BadInput(m)) => assert!(m.contains("another `spotcheck serve`"), "{m}"),
            other => return Err(format!("expected a refusal, got {other:?}").into()),
        }
        drop(running);
        let demo = lock_data(&data, true)?;
        assert!(
            lock_data(&data, false).is_err(),
            "nor a server a running demo's"
        );
        drop(demo);
        Ok(())
    }
}
