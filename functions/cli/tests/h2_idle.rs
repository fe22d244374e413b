//! `spotcheck serve` closes an HTTP/2 connection that sends no request, however faithfully it
//! answers (or sends) pings: one that never sends a request after the header timeout, one that
//! sent a request and then only pings after the idle timeout.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Serve {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(extra: &[&str]) -> Result<Serve, BoxError> {
    let dir = tempfile::tempdir()?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .current_dir(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0", "--data", "t.sqlite"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut addr = None;
    for line in lines.by_ref() {
        if let Some(a) = line?.strip_prefix("listening on http://") {
            addr = Some(a.trim().to_owned());
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    let addr = addr.ok_or("the server printed no 'listening on' line")?;
    Ok(Serve {
        child,
        addr,
        _dir: dir,
    })
}

/// Opens an HTTP/2 connection (prior knowledge), sends one request if asked, then pings every
/// 300 ms; returns how long after the last request (or the handshake) the server closed it.
async fn ping_until_closed(addr: &str, request_first: bool) -> Result<Duration, BoxError> {
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    let (mut client, mut conn) = h2::client::handshake(tcp).await?;
    let mut pings = conn.ping_pong().ok_or("no ping handle")?;
    let driver = tokio::spawn(conn);
    if request_first {
        let req = http::Request::get(format!("http://{addr}/healthz")).body(())?;
        let (resp, _) = client.send_request(req, true)?;
        let resp = resp.await?;
        assert_eq!(resp.status(), 200);
        let mut body = resp.into_body();
        while let Some(chunk) = body.data().await {
            chunk?;
        }
    }
    let started = Instant::now();
    while !driver.is_finished() {
        if started.elapsed() > Duration::from_secs(20) {
            return Err("the connection was still open after 20 s of pings".into());
        }
        match tokio::time::timeout(Duration::from_secs(1), pings.ping(h2::Ping::opaque())).await {
            Ok(Ok(_pong)) => tokio::time::sleep(Duration::from_millis(300)).await,
            Ok(Err(_)) => break,
            Err(_) => {}
        }
    }
    Ok(started.elapsed())
}

#[test]
fn an_http2_connection_that_only_pings_is_closed() -> Result<(), BoxError> {
    let s = serve(&["--header-timeout-secs", "2", "--idle-timeout-secs", "3"])?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let never_asked = rt.block_on(ping_until_closed(&s.addr, false))?;
    assert!(
        never_asked < Duration::from_secs(6),
        "a connection that never sent a request lived {never_asked:?} (header timeout 2 s)"
    );
    let asked_once = rt.block_on(ping_until_closed(&s.addr, true))?;
    assert!(
        asked_once >= Duration::from_secs(2) && asked_once < Duration::from_secs(8),
        "a connection idle after one request was closed after {asked_once:?} (idle timeout 3 s)"
    );
    Ok(())
}
