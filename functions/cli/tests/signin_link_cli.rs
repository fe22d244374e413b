//! `spotcheck serve --signin-link SUBJECT=ROLES --signin-department D` (no demo, the bureau's own
//! data): the printed one-time link signs in once, as that user of that department with those
//! roles, and its second use is refused; a bad value is refused before anything is created.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Serve {
    child: Child,
    addr: String,
    printed: Vec<String>,
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
        .args(["serve", "--addr", "127.0.0.1:0", "--data", "bureau.sqlite"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    let mut addr = None;
    for line in lines.by_ref() {
        let line = line?;
        if let Some(a) = line.strip_prefix("listening on http://") {
            addr = Some(a.trim().to_owned());
            break;
        }
        printed.push(line);
    }
    std::thread::spawn(move || for _ in lines {});
    let addr = addr.ok_or("the server printed no 'listening on' line")?;
    Ok(Serve {
        child,
        addr,
        printed,
        _dir: dir,
    })
}

/// One HTTP/1.1 request; the status and body.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(u16, String), BoxError> {
    let mut s = TcpStream::connect(addr)?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes())?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp)?;
    let resp = String::from_utf8_lossy(&resp).into_owned();
    let status = resp
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status in {resp}"))?;
    let body = resp.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    // Chunked or not: the JSON object is between the first '{' and the last '}'.
    let body = match (body.find('{'), body.rfind('}')) {
        (Some(a), Some(b)) if a <= b => body[a..=b].to_owned(),
        _ => body.to_owned(),
    };
    Ok((status, body))
}

fn redeem(addr: &str, ticket: &str) -> Result<(u16, String), BoxError> {
    request(
        addr,
        "POST",
        "/console/signin",
        &[("Content-Type", "application/json")],
        &format!("{{\"ticket\":\"{ticket}\"}}"),
    )
}

#[test]
fn a_printed_link_signs_in_once_as_its_user() -> Result<(), BoxError> {
    let server = serve(&[
        "--signin-link",
        "wang.li=inspector,supervisor",
        "--signin-link",
        "zhao.pub=publisher",
        "--signin-department",
        "某市文化和旅游局",
    ])?;
    let link_of = |subject: &str| {
        server.printed.iter().find_map(|l| {
            let rest = l.strip_prefix("  工作人员 ")?.strip_prefix(subject)?;
            let (roles, link) = rest.split_once("): ")?;
            Some((roles.trim_start_matches(" (").to_owned(), link.to_owned()))
        })
    };
    let (roles, link) = link_of("wang.li").ok_or(format!("no link: {:?}", server.printed))?;
    assert_eq!(roles, "inspector, supervisor");
    assert!(link_of("zhao.pub").is_some(), "{:?}", server.printed);
    let prefix = format!("http://{}/console/signin#ticket=", server.addr);
    let ticket = link
        .strip_prefix(&prefix)
        .ok_or(format!("{link} is not a link to {prefix}"))?;
    assert_eq!(ticket.len(), 64, "{ticket}");
    assert!(
        !server.printed.iter().any(|l| l.contains("demo")),
        "no demo output without --demo: {:?}",
        server.printed
    );

    let (status, body) = redeem(&server.addr, ticket)?;
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body)?;
    let token = json["access_token"].as_str().ok_or(body.clone())?;

    let (status, me) = request(
        &server.addr,
        "GET",
        "/api/me",
        &[("Authorization", &format!("Bearer {token}"))],
        "",
    )?;
    assert_eq!(status, 200, "{me}");
    let me: serde_json::Value = serde_json::from_str(&me)?;
    assert_eq!(me["subject"], "wang.li", "{me}");
    assert_eq!(me["department"], "某市文化和旅游局", "{me}");
    let roles = me["roles"].as_array().ok_or("no roles")?;
    assert!(roles.contains(&"inspector".into()) && roles.contains(&"supervisor".into()));
    assert!(!roles.contains(&"admin".into()), "{me}");

    let (status, body) = redeem(&server.addr, ticket)?;
    assert_eq!(status, 404, "the second use: {body}");
    assert!(body.contains("signin-ticket-unknown"), "{body}");
    Ok(())
}

#[test]
fn a_bad_signin_link_is_refused_before_anything_is_made() -> Result<(), BoxError> {
    for (args, expect) in [
        (
            vec![
                "--signin-link",
                "wang.li=boss",
                "--signin-department",
                "某局",
            ],
            "unknown role \"boss\"",
        ),
        (
            vec!["--signin-link", "wang.li=inspector"],
            "--signin-department",
        ),
        (
            vec![
                "--signin-link",
                "wang li=inspector",
                "--signin-department",
                "某局",
            ],
            "subject",
        ),
    ] {
        let dir = tempfile::tempdir()?;
        let out = Command::new(env!("CARGO_BIN_EXE_spotcheck"))
            .current_dir(dir.path())
            .args(["serve", "--addr", "127.0.0.1:0", "--data", "bureau.sqlite"])
            .args(&args)
            .output()?;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(
            !dir.path().join("bureau.sqlite").exists()
                && !dir.path().join("bureau.sqlite.jwt-key").exists(),
            "{args:?}: nothing is created"
        );
    }
    Ok(())
}
