//! Helpers shared by the end-to-end tests: the built `spotcheck` binary, the fixtures, and a
//! running `spotcheck serve --demo` on a free loopback port.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

pub mod xlsx;

/// The repository root (the workspace directory).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// Path of a file under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    repo_root().join("fixtures").join(rel)
}

/// The `spotcheck` binary of this build profile, built once if the test run did not build it.
pub fn spotcheck() -> anyhow::Result<PathBuf> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            // target/<profile>/deps/<test-binary> → target/<profile>/spotcheck
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let profile_dir = exe
                .parent()
                .and_then(Path::parent)
                .ok_or("cannot locate the target folder")?
                .to_path_buf();
            let bin = profile_dir.join("spotcheck");
            let profile = profile_dir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("debug")
                .to_owned();
            let mut cmd = Command::new(env!("CARGO"));
            cmd.current_dir(repo_root()).args([
                "build",
                "-q",
                "-p",
                "spotcheck-cli",
                "--bin",
                "spotcheck",
            ]);
            if profile == "release" {
                cmd.arg("--release");
            }
            let status = cmd.status().map_err(|e| format!("cargo build: {e}"))?;
            if !status.success() || !bin.exists() {
                return Err(format!("building spotcheck failed ({status})"));
            }
            Ok(bin)
        })
        .clone()
        .map_err(anyhow::Error::msg)
}

/// A `spotcheck serve --demo` child process on a free port, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// An admin + supervisor + inspector token of 莆田市文化和旅游局.
    pub token: String,
    /// The folder holding the data file and keys.
    pub dir: tempfile::TempDir,
}

impl Server {
    /// Starts the demo server and waits until it listens.
    pub fn demo() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let mut child = Command::new(spotcheck()?)
            .current_dir(dir.path())
            .args([
                "serve",
                "--demo",
                "--addr",
                "127.0.0.1:0",
                "--data",
                "demo.sqlite",
                // The tests draw their plans seconds after committing them.
                "--min-notice-minutes",
                "0",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let mut lines = BufReader::new(stdout).lines();
        let (mut token, mut base) = (None, None);
        let mut previous = String::new();
        for line in lines.by_ref() {
            let line = line?;
            if previous.starts_with("token (") {
                token = Some(line.trim().to_owned());
            }
            if let Some(addr) = line.strip_prefix("listening on ") {
                base = Some(addr.trim().to_owned());
                break;
            }
            previous = line;
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        match (base, token) {
            (Some(base), Some(token)) => Ok(Self {
                child,
                base,
                token,
                dir,
            }),
            _ => {
                let _ = child.kill();
                anyhow::bail!("the server did not start (no 'listening on' line)")
            }
        }
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs `spotcheck token` against this server's key.
    pub fn token_for(&self, sub: &str, department: &str, roles: &[&str]) -> anyhow::Result<String> {
        let mut cmd = Command::new(spotcheck()?);
        cmd.current_dir(self.dir.path()).args([
            "token",
            "--sub",
            sub,
            "--department",
            department,
            "--data",
            "demo.sqlite",
        ]);
        for r in roles {
            cmd.args(["--role", r]);
        }
        let out = cmd.output()?;
        anyhow::ensure!(
            out.status.success(),
            "token: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8(out.stdout)?.trim().to_owned())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP agent that returns 4xx/5xx responses instead of errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}
