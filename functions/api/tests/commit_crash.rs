//! A commit killed with SIGKILL at any of its steps leaves no half-committed plan, and a plain
//! retry (no idempotency key, as a client repeating the request would send it) completes it.
//! Runs the `commit_crash` example (a real process over a real SQLite file) once per step.

#![cfg(unix)]

use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Command;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The `commit_crash` example, built by `cargo test` next to this test's own executable.
fn helper() -> Result<PathBuf, Box<dyn std::error::Error>> {
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .ok_or("the test executable has no profile folder")?;
    let path = profile_dir.join("examples").join("commit_crash");
    if !path.exists() {
        // `cargo test --workspace` builds the examples; a run of this test alone may not have.
        let mut cmd = Command::new(env!("CARGO"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
            "build",
            "-q",
            "-p",
            "spotcheck-api",
            "--example",
            "commit_crash",
        ]);
        if profile_dir.file_name().and_then(|n| n.to_str()) == Some("release") {
            cmd.arg("--release");
        }
        let status = cmd.status()?;
        if !status.success() || !path.exists() {
            return Err(format!("building the commit_crash example failed ({status})").into());
        }
    }
    Ok(path)
}

fn run(db: &str, args: &[&str]) -> Result<std::process::Output, Box<dyn std::error::Error>> {
    Ok(Command::new(helper()?).arg(db).args(args).output()?)
}

#[test]
fn a_commit_killed_at_any_step_is_completed_by_a_plain_retry() -> TestResult {
    for step in [
        "frame-stored",
        "pool-stored",
        "frame-attached",
        "pool-attached",
        "committed",
    ] {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("d.sqlite");
        let db = db.to_str().ok_or("path")?;
        let setup = run(db, &["setup"])?;
        assert!(
            setup.status.success(),
            "setup: {}",
            String::from_utf8_lossy(&setup.stderr)
        );

        let killed = run(db, &["kill", step])?;
        assert_eq!(
            killed.status.signal(),
            Some(9),
            "{step}: the helper was not killed: {} {}",
            String::from_utf8_lossy(&killed.stdout),
            String::from_utf8_lossy(&killed.stderr)
        );

        let retry = run(db, &["retry"])?;
        let out = String::from_utf8_lossy(&retry.stdout).into_owned();
        assert!(
            retry.status.success(),
            "{step}: retry failed: {out} {}",
            String::from_utf8_lossy(&retry.stderr)
        );
        assert!(
            out.contains("state committed"),
            "{step}: not committed after the retry: {out}"
        );
        if step == "committed" {
            // The commitment was recorded before the kill: the retry is told so, with its hash.
            assert!(out.contains("already-committed"), "{step}: {out}");
        } else {
            let hash = out
                .lines()
                .find_map(|l| l.strip_prefix("commitment "))
                .unwrap_or_default();
            assert_eq!(hash.len(), 64, "{step}: the retry's answer: {out}");
        }
    }
    Ok(())
}
