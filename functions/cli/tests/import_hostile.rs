//! `spotcheck import` on hostile files: a one-cell workbook at `XFD1048576` (even named `.csv`) is
//! refused with exit code 2 instead of aborting the process, and a header-only file is refused
//! unless `--allow-empty`.

use std::process::{Command, Output};

/// The workbook builder the end-to-end tests share (`tests/src/xlsx.rs`).
#[path = "../../../tests/src/xlsx.rs"]
mod xlsx;
use xlsx::far_cell_workbook;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn spotcheck(dir: &std::path::Path, args: &[&str]) -> std::io::Result<Output> {
    Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .current_dir(dir)
        .args(args)
        .output()
}

#[test]
fn a_far_cell_workbook_is_refused_with_exit_code_2_dry_run_or_not() -> TestResult {
    let dir = tempfile::tempdir()?;
    for name in ["far.xlsx", "far.csv"] {
        std::fs::write(dir.path().join(name), far_cell_workbook())?;
        for extra in [&["--dry-run"][..], &["--data", "s.sqlite"][..]] {
            let mut args = vec!["import", "operators", name];
            args.extend_from_slice(extra);
            let out = spotcheck(dir.path(), &args)?;
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{name} {extra:?}: {stderr}");
            assert!(stderr.contains("XFD1048576"), "{stderr}");
        }
    }
    Ok(())
}

#[test]
fn a_header_only_file_is_refused_unless_allow_empty() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("empty.csv"),
        "统一社会信用代码,经营者名称,平台名称,行政区划代码,信用等级,经营状态\n",
    )?;
    let out = spotcheck(
        dir.path(),
        &["import", "operators", "empty.csv", "--data", "s.sqlite"],
    )?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no operators records"), "{stderr}");
    let out = spotcheck(
        dir.path(),
        &[
            "import",
            "operators",
            "empty.csv",
            "--data",
            "s.sqlite",
            "--allow-empty",
        ],
    )?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("stored: operators snapshot #1 (0 records)"),
        "{stdout}"
    );
    Ok(())
}
