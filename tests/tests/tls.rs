//! `spotcheck serve --tls-cert --tls-key` terminates TLS itself (for bureaus on an intranet).
//! The certificate is made with Debian's `openssl`; the client is `curl` trusting that certificate.
//! Under TLS every response carries `Strict-Transport-Security`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use spotcheck_tests::spotcheck;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn serve_answers_over_https_with_the_given_certificate() -> TestResult {
    let dir = tempfile::tempdir()?;
    let p = dir.path();
    let made = Command::new("openssl")
        .current_dir(p)
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ])
        .output()?;
    assert!(
        made.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&made.stderr)
    );

    let mut child = Command::new(spotcheck()?)
        .current_dir(p)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data",
            "t.sqlite",
            "--tls-cert",
            "cert.pem",
            "--tls-key",
            "key.pem",
        ])
        .stdout(Stdio::piped())
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
    let outcome = (|| -> TestResult {
        let base = base.ok_or("the server printed no 'listening on' line")?;
        assert!(base.starts_with("https://127.0.0.1:"), "{base}");
        let out = Command::new("curl")
            .current_dir(p)
            .args(["-sS", "--cacert", "cert.pem", &format!("{base}/healthz")])
            .output()?;
        assert!(
            out.status.success(),
            "curl: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), "ok");
        // Under TLS every response carries HSTS, besides the other security headers.
        let head = Command::new("curl")
            .current_dir(p)
            .args([
                "-sS",
                "--cacert",
                "cert.pem",
                "-D",
                "-",
                "-o",
                "/dev/null",
                &format!("{base}/api/public/plans"),
            ])
            .output()?;
        let head = String::from_utf8_lossy(&head.stdout).to_ascii_lowercase();
        assert!(
            head.contains("strict-transport-security: max-age=31536000"),
            "{head}"
        );
        assert!(head.contains("x-content-type-options: nosniff"), "{head}");
        // Plain HTTP to the TLS port is not served.
        let plain = Command::new("curl")
            .args([
                "-sS",
                "--max-time",
                "5",
                &format!("{}/healthz", base.replacen("https", "http", 1)),
            ])
            .output()?;
        assert!(!plain.status.success() || plain.stdout != b"ok");
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    outcome
}
