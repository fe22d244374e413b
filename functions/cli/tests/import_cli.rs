//! `spotcheck import` and `spotcheck gen-registry` driven as a user would.

use std::path::PathBuf;
use std::process::{Command, Output};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn spotcheck(args: &[&str]) -> std::io::Result<Output> {
    Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .args(args)
        .output()
}

fn path(rel: &str) -> String {
    fixture(rel).display().to_string()
}

#[test]
fn importing_the_guide_fixture_prints_count_and_snapshot_hash() -> TestResult {
    let out = spotcheck(&[
        "import",
        "guides",
        &path("registries/guides.synthetic.csv"),
        "--dry-run",
        "--agencies",
        &path("registries/agencies.synthetic.csv"),
    ])?;
    let stdout = String::from_utf8(out.stdout)?;
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("ok: 1500 guides"), "{stdout}");
    let hash_line = stdout
        .lines()
        .find(|l| l.starts_with("snapshot: #1 "))
        .ok_or("no snapshot line")?;
    let hash = hash_line.split_whitespace().nth(2).ok_or("no hash")?;
    assert_eq!(hash.len(), 64);
    assert!(
        stdout.contains("agency licences checked against"),
        "{stdout}"
    );
    assert!(stdout.contains("dry run: nothing stored"));
    Ok(())
}

#[test]
fn every_kind_of_fixture_imports() -> TestResult {
    for (kind, file) in [
        ("agencies", "registries/agencies.synthetic.csv"),
        ("agencies", "registries/agencies-gbk.synthetic.csv"),
        ("operators", "registries/operators.synthetic.csv"),
        ("operators", "registries/operators-small.synthetic.xlsx"),
        ("inspectors", "registries/inspectors.synthetic.csv"),
        ("items", "items/tourism-items.csv"),
    ] {
        let out = spotcheck(&["import", kind, &path(file), "--dry-run"])?;
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

#[test]
fn a_broken_file_lists_every_problem_and_exits_2() -> TestResult {
    let out = spotcheck(&[
        "import",
        "inspectors",
        &path("registries/broken/inspectors-broken-reference.synthetic.csv"),
        "--targets",
        &format!(
            "{},{}",
            path("registries/agencies.synthetic.csv"),
            path("registries/guides.synthetic.csv")
        ),
        "--targets",
        &path("registries/operators.synthetic.csv"),
    ])?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("inspectors-broken-reference.synthetic.csv:6: conflicts: broken_reference \"D-3503-999999\""),
        "{stderr}"
    );
    assert!(stderr.contains("1 problem(s)"), "{stderr}");
    Ok(())
}

#[test]
fn gbk_errors_are_reported_in_readable_chinese() -> TestResult {
    let out = spotcheck(&[
        "import",
        "agencies",
        &path("registries/broken/agencies-gbk-bad-status.synthetic.csv"),
    ])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)?.contains(":3: status: invalid_value \"营业中\""));
    Ok(())
}

#[test]
fn gen_registry_is_deterministic_and_its_output_imports() -> TestResult {
    let dir = tempfile::tempdir()?;
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    for p in [&a, &b] {
        let out = spotcheck(&[
            "gen-registry",
            "--kind",
            "guides",
            "--size",
            "2000",
            "--seed",
            "9",
            "--out",
            &p.display().to_string(),
        ])?;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(std::fs::read(&a)?, std::fs::read(&b)?);
    let out = spotcheck(&["import", "guides", &a.display().to_string(), "--dry-run"])?;
    assert!(String::from_utf8(out.stdout)?.contains("ok: 2000 guides"));

    let agencies = dir.path().join("agencies.csv");
    let out = spotcheck(&[
        "gen-registry",
        "--kind",
        "agencies",
        "--size",
        "500",
        "--seed",
        "9",
        "--out",
        &agencies.display().to_string(),
    ])?;
    assert!(out.status.success());
    let out = spotcheck(&["import", "agencies", &agencies.display().to_string()])?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

#[test]
fn gen_registry_refuses_impossible_sizes() -> TestResult {
    let out = spotcheck(&["gen-registry", "--kind", "agencies", "--size", "70000"])?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}
