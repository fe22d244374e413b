//! `spotcheck serve`: both routers (public and inspector) on one port over the embedded SQLite
//! store, optionally with TLS (for bureaus on a government intranet) and with demo data.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app, system_clock};
use spotcheck_store::SqliteStore;

use crate::exit::Failure;

/// Serve the HTTP API.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// SQLite data file (created if missing).
    #[arg(long, default_value = "spotcheck.sqlite")]
    pub data: PathBuf,
    /// Start from a fresh store loaded with the synthetic Putian demo data and one drawn plan.
    /// Without --data, the demo uses `spotcheck-demo.sqlite` (replaced at each start).
    #[arg(long)]
    pub demo: bool,
    /// HMAC key for local tokens (created, 0600, if missing). Default: `<data>.jwt-key`.
    #[arg(long)]
    pub jwt_key_file: Option<PathBuf>,
    /// Master key from which each plan's secret is derived (created, 0600, if missing).
    /// Default: `<data>.master-key`. Keep it out of backups of the data file.
    #[arg(long)]
    pub master_key_file: Option<PathBuf>,
    /// TLS certificate chain (PEM); with --tls-key, serve HTTPS.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

/// Path of a key file next to the data file.
pub fn key_path(data: &Path, explicit: Option<&Path>, suffix: &str) -> PathBuf {
    explicit.map_or_else(
        || {
            let mut p = data.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        },
        Path::to_path_buf,
    )
}

/// Reads a 32-byte hex key file, creating it (0600) with OS randomness if it does not exist.
pub fn load_or_create_key(path: &Path) -> Result<[u8; 32], Failure> {
    if let Ok(text) = std::fs::read_to_string(path) {
        let mut key = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut key).map_err(|_| {
            Failure::bad_input(format!("{}: must hold 64 hex characters", path.display()))
        })?;
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

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let data = if args.demo && args.data == Path::new("spotcheck.sqlite") {
        PathBuf::from("spotcheck-demo.sqlite")
    } else {
        args.data.clone()
    };
    if args.demo {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = data.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
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
    let state = InspectorState {
        store: Arc::new(store),
        auth: Authenticator::local(&jwt_key).map_err(Failure::bad_input)?,
        sealer: SecretSealer::new(master),
        clock: system_clock(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot start the runtime: {e}")))?;
    rt.block_on(async move {
        let router = app(state.clone());
        if args.demo {
            crate::demo_data::load(router.clone(), &jwt_key).await?;
            let token = crate::demo_data::token(&jwt_key, &["admin", "supervisor", "inspector"])?;
            say!("demo data loaded into {}", data.display());
            say!("token (admin, supervisor, inspector of 莆田市文化和旅游局, 8 h):");
            say!("{token}");
        }
        serve(
            router,
            args.addr,
            args.tls_cert.as_deref(),
            args.tls_key.as_deref(),
        )
        .await
    })
}

async fn serve(
    router: axum::Router,
    addr: SocketAddr,
    cert: Option<&Path>,
    key: Option<&Path>,
) -> Result<(), Failure> {
    match (cert, key) {
        (Some(cert), Some(key)) => {
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| Failure::bad_input(format!("TLS certificate or key: {e}")))?;
            let listener = std::net::TcpListener::bind(addr)
                .map_err(|e| Failure::bad_input(format!("--addr {addr}: {e}")))?;
            let local = listener
                .local_addr()
                .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
            say!("listening on https://{local}");
            axum_server::from_tcp_rustls(listener, config)
                .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?
                .serve(router.into_make_service())
                .await
                .map_err(|e| Failure::Other(anyhow::anyhow!("server: {e}")))
        }
        _ => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| Failure::bad_input(format!("--addr {addr}: {e}")))?;
            let local = listener
                .local_addr()
                .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
            say!("listening on http://{local}");
            axum::serve(listener, router)
                .await
                .map_err(|e| Failure::Other(anyhow::anyhow!("server: {e}")))
        }
    }
}
