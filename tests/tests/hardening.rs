//! `spotcheck serve` and `spotcheck token` as an attacker or a careless second start would meet
//! them: a second `serve --demo` never deletes a running server's data; slow clients are cut off
//! after the header timeout; every response carries the security headers and CSV downloads a
//! file name; the logs are JSON lines carrying the request id the client saw; `token` never
//! creates a key; data and keys are owner-only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use spotcheck_tests::{Server, agent, spotcheck};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A plain `spotcheck serve` (no demo) with `extra` arguments, its stderr captured.
struct Plain {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
}

impl Plain {
    fn start(extra: &[&str]) -> Result<Self, Box<dyn std::error::Error>> {
        Self::start_in(tempfile::tempdir()?, extra)
    }

    fn start_in(
        dir: tempfile::TempDir,
        extra: &[&str],
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let mut child = Command::new(spotcheck()?)
            .current_dir(dir.path())
            .args(["serve", "--addr", "127.0.0.1:0", "--data", "t.sqlite"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("stderr.log"))?)
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut base = None;
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            if let Some(addr) = line.strip_prefix("listening on ") {
                base = Some(addr.trim().to_owned());
                break;
            }
        }
        match base {
            Some(base) => Ok(Self { child, base, dir }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err("the server printed no 'listening on' line".into())
            }
        }
    }

    fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// Stops the server and returns what it wrote to stderr.
    fn stop(mut self) -> Result<String, Box<dyn std::error::Error>> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        Ok(std::fs::read_to_string(self.dir.path().join("stderr.log"))?)
    }
}

impl Drop for Plain {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_second_demo_start_leaves_the_running_servers_data_alone() -> TestResult {
    let s = Server::demo()?;
    let data = s.dir.path().join("demo.sqlite");
    let plan = s.url("/api/public/plans/PT-2026-DEMO/transcript");
    let before = agent().get(&plan).call()?.into_body().read_to_string()?;
    let ino = |p: &std::path::Path| -> std::io::Result<u64> {
        use std::os::unix::fs::MetadataExt;
        Ok(std::fs::metadata(p)?.ino())
    };
    let inode = ino(&data)?;

    // The same address: refused on the busy port, before anything is deleted.
    let addr = s.base.trim_start_matches("http://");
    let same_port = Command::new(spotcheck()?)
        .current_dir(s.dir.path())
        .args(["serve", "--demo", "--addr", addr, "--data", "demo.sqlite"])
        .output()?;
    assert_eq!(same_port.status.code(), Some(2));
    let err = String::from_utf8_lossy(&same_port.stderr);
    assert!(err.contains(&format!("--addr {addr}")), "{err}");
    assert_eq!(ino(&data)?, inode, "the data file was replaced");

    // Another address, the same data file: refused by the lock.
    let other_port = Command::new(spotcheck()?)
        .current_dir(s.dir.path())
        .args([
            "serve",
            "--demo",
            "--addr",
            "127.0.0.1:0",
            "--data",
            "demo.sqlite",
        ])
        .output()?;
    assert_eq!(other_port.status.code(), Some(2));
    let err = String::from_utf8_lossy(&other_port.stderr);
    assert!(err.contains("another `spotcheck serve`"), "{err}");
    assert_eq!(ino(&data)?, inode, "the data file was replaced");

    let after = agent().get(&plan).call()?;
    assert_eq!(after.status().as_u16(), 200);
    assert_eq!(after.into_body().read_to_string()?, before);
    Ok(())
}

#[test]
fn a_slow_client_is_cut_off_after_the_header_timeout_and_an_idle_one_too() -> TestResult {
    let s = Plain::start(&["--header-timeout-secs", "2"])?;
    // Slow loris: half a request line, then nothing.
    let mut slow = TcpStream::connect(s.addr())?;
    slow.set_read_timeout(Some(Duration::from_secs(15)))?;
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: ")?;
    let started = Instant::now();
    let mut buf = Vec::new();
    let closed = slow.read_to_end(&mut buf);
    let waited = started.elapsed();
    assert!(
        closed.is_ok(),
        "the connection was still open after 15 s: {closed:?}"
    );
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_secs(8),
        "closed after {waited:?}"
    );
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));

    // A kept-alive connection that sends nothing more is closed after the same time.
    let mut idle = TcpStream::connect(s.addr())?;
    idle.set_read_timeout(Some(Duration::from_secs(15)))?;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")?;
    let started = Instant::now();
    let mut buf = Vec::new();
    let closed = idle.read_to_end(&mut buf);
    assert!(
        closed.is_ok(),
        "the idle connection stayed open: {closed:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(8));
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200 OK"));
    Ok(())
}

fn header(resp: &ureq::http::Response<ureq::Body>, name: &str) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

#[test]
fn served_responses_carry_security_headers_and_csv_downloads_a_name() -> TestResult {
    let s = Server::demo()?;
    let a = agent();
    let public = a.get(&s.url("/api/public/plans")).call()?;
    let me = a.get(&s.url("/api/me")).call()?;
    let nowhere = a.get(&s.url("/nowhere")).call()?;
    let index = a.get(&s.url("/")).call()?;
    for (what, resp) in [
        ("public", &public),
        ("inspector 401", &me),
        ("404", &nowhere),
        ("index", &index),
    ] {
        assert_eq!(header(resp, "x-content-type-options"), "nosniff", "{what}");
        assert!(
            header(resp, "content-security-policy").contains("frame-ancestors 'none'"),
            "{what}"
        );
        assert_eq!(header(resp, "referrer-policy"), "no-referrer", "{what}");
        assert_eq!(header(resp, "strict-transport-security"), "", "{what}");
        assert_eq!(header(resp, "x-request-id").len(), 32, "{what}");
    }
    assert_eq!(me.status().as_u16(), 401);
    for file in ["frame.csv", "pool.csv"] {
        let csv = a
            .get(&s.url(&format!("/api/public/plans/PT-2026-DEMO/{file}")))
            .call()?;
        assert_eq!(csv.status().as_u16(), 200, "{file}");
        assert_eq!(
            header(&csv, "content-disposition"),
            format!("attachment; filename=\"{file}\"")
        );
    }
    Ok(())
}

#[test]
fn serve_logs_json_lines_with_the_request_id_the_client_saw() -> TestResult {
    let s = Plain::start(&[])?;
    let resp = agent()
        .get(&format!("{}/api/public/plans", s.base))
        .header("X-Request-Id", "e2e-trace-7")
        .call()?;
    assert_eq!(header(&resp, "x-request-id"), "e2e-trace-7");
    let missing = agent()
        .get(&format!("{}/api/public/plans/NOPE/transcript", s.base))
        .call()?;
    let id = header(&missing, "x-request-id");
    std::thread::sleep(Duration::from_millis(200));
    let log = s.stop()?;
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("a log line is not JSON ({e}):\n{log}"))?;
    let find = |rid: &str, status: u16| {
        lines.iter().any(|l| {
            l["span"]["request_id"] == serde_json::json!(rid)
                && l["fields"]["status"] == serde_json::json!(status)
        })
    };
    assert!(find("e2e-trace-7", 200), "{log}");
    assert!(find(&id, 404), "{log}");
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["route"] == serde_json::json!("/api/public/plans/{id}/transcript")),
        "the route template is logged, not the path: {log}"
    );
    Ok(())
}

#[test]
fn token_never_creates_a_key_and_says_which_file_the_server_uses() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = Command::new(spotcheck()?)
        .current_dir(dir.path())
        .args([
            "token",
            "--sub",
            "me",
            "--department",
            "莆田市文化和旅游局",
            "--role",
            "inspector",
            "--data",
            "bureau.sqlite",
        ])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no token printed");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bureau.sqlite.jwt-key: no such key"), "{err}");
    assert!(err.contains("serve --data"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path())?.count(), 0, "nothing created");
    Ok(())
}

#[test]
fn served_data_and_keys_are_owner_only_and_a_loose_key_stops_the_server() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let s = Plain::start(&[])?;
    let _ = agent().get(&format!("{}/healthz", s.base)).call()?;
    let dir = s.dir.path().to_path_buf();
    for f in [
        "t.sqlite",
        "t.sqlite-wal",
        "t.sqlite-shm",
        "t.sqlite.jwt-key",
        "t.sqlite.master-key",
    ] {
        let mode = std::fs::metadata(dir.join(f))?.permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f}: {mode:o}");
    }
    let keep = tempfile::tempdir()?;
    for f in ["t.sqlite.jwt-key", "t.sqlite.master-key"] {
        std::fs::copy(dir.join(f), keep.path().join(f))?;
    }
    drop(s.stop()?);
    let key = keep.path().join("t.sqlite.jwt-key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o666))?;
    let out = Command::new(spotcheck()?)
        .current_dir(keep.path())
        .args(["serve", "--addr", "127.0.0.1:0", "--data", "t.sqlite"])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("chmod 600 t.sqlite.jwt-key"), "{err}");
    Ok(())
}

#[test]
fn serve_refuses_tokens_without_its_issuer_or_valid_for_too_long() -> TestResult {
    let s = Server::demo()?;
    let key =
        hex::decode(std::fs::read_to_string(s.dir.path().join("demo.sqlite.jwt-key"))?.trim())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let sign = |claims: serde_json::Value| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(&key),
        )
    };
    let base = serde_json::json!({"sub": "t", "department": "莆田市文化和旅游局", "roles": ["admin"],
        "iss": "spotcheck-local", "iat": now - 10, "exp": now + 3600});
    let with = |k: &str, v: serde_json::Value| {
        let mut c = base.clone();
        c[k] = v;
        sign(c)
    };
    let me = |token: &str| -> Result<(u16, String), Box<dyn std::error::Error>> {
        let r = agent()
            .get(&s.url("/api/me"))
            .header("Authorization", &format!("Bearer {token}"))
            .call()?;
        let status = r.status().as_u16();
        Ok((status, r.into_body().read_to_string()?))
    };
    assert_eq!(me(&sign(base.clone())?)?.0, 200, "a well-formed token");
    for (what, token) in [
        (
            "expiring in 2200",
            with("exp", serde_json::json!(7_258_118_400_i64))?,
        ),
        ("another issuer", with("iss", serde_json::json!("mallory"))?),
        (
            "issued in an hour",
            with("iat", serde_json::json!(now + 3600))?,
        ),
        (
            "not valid for an hour",
            with("nbf", serde_json::json!(now + 3600))?,
        ),
    ] {
        let (status, body) = me(&token)?;
        assert_eq!(status, 401, "{what}: {body}");
        assert!(body.contains("\"code\":\"unauthorized\""), "{what}: {body}");
    }
    Ok(())
}

#[test]
fn a_world_readable_data_file_is_made_owner_only_and_the_log_says_so() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("t.sqlite");
    std::fs::write(&data, b"")?;
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o644))?;
    let s = Plain::start_in(dir, &[])?;
    let mode = std::fs::metadata(s.dir.path().join("t.sqlite"))?
        .permissions()
        .mode()
        & 0o777;
    let log = s.stop()?;
    assert_eq!(mode, 0o600);
    assert!(
        log.lines()
            .any(|l| l.contains("made it owner-only") && l.contains("t.sqlite")),
        "{log}"
    );
    Ok(())
}
