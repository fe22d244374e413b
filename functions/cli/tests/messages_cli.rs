//! What the `spotcheck` binary tells its user: commands that write a file say what they wrote, usage
//! names every way to call a command, and figures in errors are ones that can be true.

use std::path::Path;
use std::process::{Command, Output};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn spotcheck(dir: &Path, args: &[&str]) -> Result<Output, std::io::Error> {
    Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .current_dir(dir)
        .args(args)
        .output()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs a command that must succeed and returns its standard output.
fn ok(dir: &Path, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let o = spotcheck(dir, args)?;
    if !o.status.success() {
        return Err(format!("{args:?}: {}", text(&o.stderr)).into());
    }
    Ok(text(&o.stdout))
}

#[test]
fn generators_and_prove_say_what_they_wrote() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let out = ok(
        d,
        &[
            "gen-frame",
            "--size",
            "300",
            "--seed",
            "s",
            "--out",
            "frame.csv",
        ],
    )?;
    assert_eq!(
        out.trim(),
        "wrote frame.csv: 300 frame entries (target_id,stratum)"
    );

    let out = ok(
        d,
        &[
            "gen-pool",
            "--size",
            "12",
            "--seed",
            "r",
            "--frame-size",
            "300",
            "--frame-seed",
            "s",
            "--out",
            "pool.csv",
        ],
    )?;
    assert_eq!(
        out.trim(),
        "wrote pool.csv: 12 inspectors (inspector_id,department,conflicts)"
    );

    let out = ok(
        d,
        &[
            "gen-registry",
            "--kind",
            "agencies",
            "--size",
            "5",
            "--out",
            "a.csv",
        ],
    )?;
    assert_eq!(out.trim(), "wrote a.csv: 5 travel agency rows");

    let frame = std::fs::read_to_string(d.join("frame.csv"))?;
    let target = frame
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').next())
        .ok_or("frame.csv has no entry")?;
    let out = ok(d, &["prove", "frame.csv", target, "--out", "proof.json"])?;
    assert!(
        out.starts_with(&format!(
            "wrote proof.json: the inclusion proof of {target} (index "
        )) && out.contains(" in the 300-entry frame, root "),
        "{out}"
    );
    assert!(d.join("proof.json").exists());

    // Written to standard output, the data stays alone there.
    let out = ok(d, &["gen-frame", "--size", "3", "--seed", "s"])?;
    assert!(out.starts_with("target_id,stratum\n"), "{out}");
    assert!(!out.contains("wrote"), "{out}");
    let out = ok(d, &["prove", "frame.csv", target])?;
    assert!(out.trim_start().starts_with('{'), "{out}");
    Ok(())
}

#[test]
fn deadline_usage_names_both_ways_to_count() -> TestResult {
    let dir = tempfile::tempdir()?;
    let o = spotcheck(dir.path(), &["deadline", "2026-09-30"])?;
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("--working-days <N>") && err.contains("--kind <KIND>"),
        "{err}"
    );
    let o = spotcheck(
        dir.path(),
        &[
            "deadline",
            "2026-09-30",
            "--working-days",
            "3",
            "--kind",
            "check-result",
        ],
    )?;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    // Each way alone still works.
    let out = ok(
        dir.path(),
        &["deadline", "2026-09-30", "--working-days", "20"],
    )?;
    assert!(out.contains("2026-11-03"), "{out}");
    ok(
        dir.path(),
        &["deadline", "2026-09-30", "--kind", "check-result"],
    )?;
    Ok(())
}

#[test]
fn an_infeasible_cap_reports_no_more_capped_inspectors_than_the_pool_holds() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    ok(
        d,
        &[
            "gen-frame",
            "--size",
            "2000",
            "--seed",
            "s",
            "--out",
            "frame.csv",
        ],
    )?;
    ok(
        d,
        &[
            "gen-pool",
            "--size",
            "400",
            "--seed",
            "r",
            "--frame-size",
            "2000",
            "--frame-seed",
            "s",
            "--out",
            "pool.csv",
        ],
    )?;
    std::fs::write(
        d.join("params.json"),
        r#"{"default": {"ratio": "1", "rounding": "up"}, "inspectors_per_target": 2,
            "max_assignments_per_inspector": 1}"#,
    )?;
    let o = spotcheck(
        d,
        &[
            "commit",
            "--plan-id",
            "PT-2026-001",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
            "--params",
            "params.json",
            "--witness",
            "观察员 李某",
            "--out",
            "commitment.json",
            "--secret-out",
            "secret.hex",
        ],
    )?;
    assert!(!o.status.success());
    let err = text(&o.stderr);
    let capped: u64 = err
        .split("up to ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .ok_or_else(|| format!("no 'up to N' in: {err}"))?
        .parse()?;
    assert!(capped <= 400, "{err}");
    assert!(capped > 0, "{err}");
    Ok(())
}

#[test]
fn a_missing_column_is_named_without_an_empty_value() -> TestResult {
    let dir = tempfile::tempdir()?;
    // The demo agencies without their address column (经营场所).
    std::fs::write(
        dir.path().join("agencies.csv"),
        "统一社会信用代码,许可证号,旅行社名称,行政区划代码,出境旅游业务,信用等级,经营状态\n\
         91350302MA00000ETT,L-FJ-30001,莆田宁海商务旅行社有限公司,350302,否,D,正常\n",
    )?;
    let o = spotcheck(
        dir.path(),
        &["import", "agencies", "agencies.csv", "--dry-run"],
    )?;
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("agencies.csv:1: address: missing_column: required column missing"),
        "{err}"
    );
    assert!(!err.contains("\"\""), "{err}");
    Ok(())
}
