//! `spotcheck import` without --dry-run stores numbered snapshots in the local store.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/registries")
        .join(name)
        .display()
        .to_string()
}

fn spotcheck(dir: &Path, args: &[&str]) -> Result<Output, std::io::Error> {
    Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .current_dir(dir)
        .args(args)
        .output()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn imports_are_stored_once_checked_against_the_store_and_audited() -> TestResult {
    let dir = tempfile::tempdir()?;
    let p = dir.path();
    let agencies = fixture("agencies.synthetic.csv");
    let o = spotcheck(p, &["import", "agencies", &agencies, "--data", "s.sqlite"])?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout(&o).contains("stored: agencies snapshot #1 (150 records)"),
        "{}",
        stdout(&o)
    );

    let o = spotcheck(p, &["import", "agencies", &agencies, "--data", "s.sqlite"])?;
    assert!(
        stdout(&o).contains("unchanged: identical to stored snapshot #1"),
        "{}",
        stdout(&o)
    );

    let o = spotcheck(
        p,
        &[
            "import",
            "guides",
            &fixture("guides.synthetic.csv"),
            "--data",
            "s.sqlite",
        ],
    )?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout(&o).contains("checked against stored agency snapshot #1"),
        "{}",
        stdout(&o)
    );

    // A broken file stores nothing: the audit log still has two entries.
    let o = spotcheck(
        p,
        &[
            "import",
            "guides",
            &fixture("broken/guides-broken-reference.synthetic.csv"),
            "--data",
            "s.sqlite",
        ],
    )?;
    assert_eq!(o.status.code(), Some(2));
    let o = spotcheck(p, &["audit", "verify", "--data", "s.sqlite"])?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("2 entries"), "{}", stdout(&o));
    Ok(())
}
