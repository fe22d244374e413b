//! The draw protocol through the `spotcheck` binary, as an operator and a member of the public use it.

use std::path::{Path, PathBuf};
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

/// A committed and drawn demo in a temporary folder.
struct Demo {
    dir: tempfile::TempDir,
}

impl Demo {
    fn new() -> Result<Self, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let p = dir.path();
        for args in [
            &[
                "gen-frame",
                "--size",
                "2000",
                "--seed",
                "cli",
                "--out",
                "frame.csv",
            ][..],
            &[
                "gen-pool",
                "--size",
                "40",
                "--seed",
                "cli-pool",
                "--frame-size",
                "2000",
                "--frame-seed",
                "cli",
                "--max-conflicts",
                "3",
                "--out",
                "pool.csv",
            ][..],
        ] {
            let o = spotcheck(p, args)?;
            assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
        }
        std::fs::write(
            p.join("params.json"),
            r#"{"default": {"ratio": "0.02", "rounding": "up"}, "inspectors_per_target": 2, "max_assignments_per_inspector": 5}"#,
        )?;
        let o = spotcheck(
            p,
            &[
                "commit",
                "--plan-id",
                "PT-2026-100",
                "--frame",
                "frame.csv",
                "--pool",
                "pool.csv",
                "--params",
                "params.json",
                "--witness",
                "公证员 王某",
                "--committed-at",
                "2026-11-26T08:00:00Z",
                "--out",
                "commitment.json",
                "--secret-out",
                "secret.hex",
            ],
        )?;
        assert!(o.status.success(), "commit: {}", text(&o.stderr));
        let o = spotcheck(
            p,
            &[
                "draw",
                "--commitment",
                "commitment.json",
                "--secret",
                "secret.hex",
                "--frame",
                "frame.csv",
                "--pool",
                "pool.csv",
                "--witness-value",
                "公证员 王某=6 2 5 3",
                "--drawn-at",
                "2026-11-27T09:00:00Z",
                "--out",
                "transcript.json",
            ],
        )?;
        assert!(o.status.success(), "draw: {}", text(&o.stderr));
        Ok(Self { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

#[test]
fn a_draw_verifies_and_the_commitment_file_hashes_to_the_commitment_hash() -> TestResult {
    let d = Demo::new()?;
    let o = spotcheck(
        d.path(),
        &[
            "verify",
            "transcript.json",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
            "--commitment",
            "commitment.json",
        ],
    )?;
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("VERIFIED: plan PT-2026-100"));
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(d.file("transcript.json"))?)?;
    let bytes = std::fs::read(d.file("commitment.json"))?;
    let hash = spotcheck_domain::encoding::sha256(&bytes).to_hex();
    assert_eq!(t["commitment_hash"].as_str(), Some(hash.as_str()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |f: &str| std::fs::metadata(d.file(f)).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(
            mode("commitment.json")?,
            0o644,
            "published files are readable by all"
        );
        assert_eq!(mode("transcript.json")?, 0o644);
        assert_eq!(mode("secret.hex")?, 0o600, "the secret is the owner's only");
    }
    let secret = std::fs::read_to_string(d.file("secret.hex"))?;
    assert_eq!(t["secret"].as_str(), Some(secret.trim()));
    Ok(())
}

#[test]
fn a_tampered_transcript_fails_naming_the_field() -> TestResult {
    let d = Demo::new()?;
    let mut t: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.file("transcript.json"))?)?;
    let first = t["selections"][0]["inspectors"][0].clone();
    t["selections"][0]["inspectors"][0] = t["selections"][0]["inspectors"][1].clone();
    t["selections"][0]["inspectors"][1] = first;
    std::fs::write(d.file("tampered.json"), serde_json::to_vec(&t)?)?;
    let o = spotcheck(
        d.path(),
        &[
            "verify",
            "tampered.json",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
        ],
    )?;
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("selections[0].inspectors"),
        "{}",
        text(&o.stderr)
    );
    Ok(())
}

#[test]
fn a_different_frame_fails_naming_the_frame_root() -> TestResult {
    let d = Demo::new()?;
    let frame = std::fs::read_to_string(d.file("frame.csv"))?;
    let mut lines: Vec<&str> = frame.lines().collect();
    lines.remove(5);
    std::fs::write(d.file("frame2.csv"), lines.join("\n"))?;
    let o = spotcheck(
        d.path(),
        &[
            "verify",
            "transcript.json",
            "--frame",
            "frame2.csv",
            "--pool",
            "pool.csv",
        ],
    )?;
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("commitment.frame.size"),
        "{}",
        text(&o.stderr)
    );
    Ok(())
}

#[test]
fn a_business_can_prove_it_was_in_the_frame() -> TestResult {
    let d = Demo::new()?;
    let frame = std::fs::read_to_string(d.file("frame.csv"))?;
    let target = frame
        .lines()
        .nth(10)
        .and_then(|l| l.split(',').next())
        .ok_or("no line")?;
    let o = spotcheck(
        d.path(),
        &["prove", "frame.csv", target, "--out", "proof.json"],
    )?;
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = spotcheck(
        d.path(),
        &[
            "check-proof",
            "proof.json",
            "--commitment",
            "commitment.json",
        ],
    )?;
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with(&format!("OK: {target} is entry")));
    // Not in the frame: exit 1.
    let o = spotcheck(d.path(), &["prove", "frame.csv", "91350300ZZZZZZZZZ0"])?;
    assert_eq!(o.status.code(), Some(1));
    // A proof against another commitment: exit 1.
    let mut c: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.file("commitment.json"))?)?;
    c["frame"]["size"] = serde_json::json!(1999);
    std::fs::write(d.file("other.json"), serde_json::to_vec(&c)?)?;
    let o = spotcheck(
        d.path(),
        &["check-proof", "proof.json", "--commitment", "other.json"],
    )?;
    assert_eq!(o.status.code(), Some(1));
    Ok(())
}

fn commit_with(
    dir: &Path,
    frame: &str,
    pool: &str,
    params: &str,
) -> Result<Output, Box<dyn std::error::Error>> {
    std::fs::write(dir.join("f.csv"), frame)?;
    std::fs::write(dir.join("p.csv"), pool)?;
    std::fs::write(dir.join("params.json"), params)?;
    Ok(spotcheck(
        dir,
        &[
            "commit",
            "--plan-id",
            "PT-1",
            "--frame",
            "f.csv",
            "--pool",
            "p.csv",
            "--params",
            "params.json",
            "--witness",
            "w",
            "--out",
            "c.json",
            "--secret-out",
            "s.hex",
        ],
    )?)
}

const POOL: &str = "inspector_id,department,conflicts\nZF1,D,\nZF2,D,\nZF3,D,\n";
const PARAMS: &str = r#"{"default":{"count":1},"inspectors_per_target":2}"#;

#[test]
fn bad_input_exits_2_naming_file_line_and_field_and_leaves_no_output() -> TestResult {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "target_id\nA\n",
            POOL,
            PARAMS,
            "f.csv: line 1: missing column \"stratum\"",
        ),
        (
            "target_id,stratum\nA,S\nB,S\nA,T\n",
            POOL,
            PARAMS,
            "f.csv: line 4, field target_id: duplicate target id \"A\" (first on line 2)",
        ),
        (
            "target_id,stratum\nA B,S\n",
            POOL,
            PARAMS,
            "f.csv: line 2, field target_id",
        ),
        ("target_id,stratum\nA,S\nB\n", POOL, PARAMS, "f.csv"),
        (
            "target_id,stratum\nA,S\nB,S\n",
            POOL,
            r#"{"strata":{"S":{"count":3}},"inspectors_per_target":2}"#,
            "sample of 3 is larger than its 2 entries",
        ),
        (
            "target_id,stratum\nA,S\nB,S\n",
            "inspector_id,department,conflicts\nZF1,D,A\nZF2,D,\n",
            PARAMS,
            "too few inspectors",
        ),
        (
            "target_id,stratum\nA,S\n",
            "inspector_id,department,conflicts\nZF1,D,\nZF1,E,\n",
            PARAMS,
            "p.csv: line 3, field inspector_id: duplicate inspector",
        ),
        (
            "target_id,stratum\nA,S\n",
            POOL,
            r#"{"default":{"count":1},"inspectors_per_target":2,"typo":1}"#,
            "params.json: line 1",
        ),
    ];
    for (frame, pool, params, want) in cases {
        let dir = tempfile::tempdir()?;
        let o = commit_with(dir.path(), frame, pool, params)?;
        assert_eq!(o.status.code(), Some(2), "{want}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(want),
            "expected {want:?} in {:?}",
            text(&o.stderr)
        );
        assert!(
            !dir.path().join("c.json").exists(),
            "{want}: commitment left behind"
        );
        assert!(
            !dir.path().join("s.hex").exists(),
            "{want}: secret left behind"
        );
    }
    let dir = tempfile::tempdir()?;
    let o = spotcheck(
        dir.path(),
        &[
            "verify",
            "missing.json",
            "--frame",
            "f.csv",
            "--pool",
            "p.csv",
        ],
    )?;
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("missing.json: cannot read"));
    Ok(())
}

#[test]
fn the_secret_file_is_never_overwritten() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("s.hex"), "keep me")?;
    let o = commit_with(dir.path(), "target_id,stratum\nA,S\n", POOL, PARAMS)?;
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.hex"))?,
        "keep me"
    );
    assert!(!dir.path().join("c.json").exists());
    Ok(())
}

#[test]
fn a_draw_with_the_wrong_witness_or_secret_is_refused() -> TestResult {
    let d = Demo::new()?;
    let o = spotcheck(
        d.path(),
        &[
            "draw",
            "--commitment",
            "commitment.json",
            "--secret",
            "secret.hex",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
            "--witness-value",
            "someone else=1",
            "--out",
            "t2.json",
        ],
    )?;
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("witnesses"), "{}", text(&o.stderr));
    std::fs::write(d.file("other.hex"), "00".repeat(32))?;
    let o = spotcheck(
        d.path(),
        &[
            "draw",
            "--commitment",
            "commitment.json",
            "--secret",
            "other.hex",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
            "--witness-value",
            "公证员 王某=1",
            "--out",
            "t2.json",
        ],
    )?;
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("secret"), "{}", text(&o.stderr));
    assert!(!d.file("t2.json").exists());
    Ok(())
}

#[test]
fn no_progress_bar_when_output_is_piped() -> TestResult {
    let dir = tempfile::tempdir()?;
    let o = spotcheck(
        dir.path(),
        &[
            "gen-frame",
            "--size",
            "150000",
            "--seed",
            "x",
            "--out",
            "big.csv",
        ],
    )?;
    assert!(o.status.success());
    assert!(
        o.stderr.is_empty(),
        "unexpected stderr: {}",
        text(&o.stderr)
    );
    let o = spotcheck(dir.path(), &["frame", "big.csv"])?;
    assert!(o.status.success());
    assert!(
        o.stderr.is_empty(),
        "unexpected stderr: {}",
        text(&o.stderr)
    );
    assert!(text(&o.stdout).contains("size 150000"));
    Ok(())
}

#[test]
fn synthetic_generators_match_the_frozen_100k_vector() -> TestResult {
    let dir = tempfile::tempdir()?;
    let o = spotcheck(
        dir.path(),
        &[
            "gen-frame",
            "--size",
            "100000",
            "--seed",
            "spotcheck-vector-11",
            "--out",
            "f.csv",
        ],
    )?;
    assert!(o.status.success());
    let o = spotcheck(dir.path(), &["frame", "f.csv", "--json"])?;
    let got: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    let vector: serde_json::Value = serde_json::from_slice(&std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/vectors/11-synthetic-100k.json"),
    )?)?;
    assert_eq!(got["root"], vector["expected"]["frame"]["root"]);
    Ok(())
}

#[test]
fn the_demo_draws_over_the_putian_fixtures_and_its_files_verify() -> TestResult {
    let dir = tempfile::tempdir()?;
    let o = spotcheck(dir.path(), &["demo", "--out-dir", "demo"])?;
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("travel agencies, root"), "{out}");
    assert!(out.contains("4. 验证"), "{out}");
    let o = spotcheck(
        dir.path(),
        &[
            "verify",
            "demo/transcript.json",
            "--frame",
            "demo/frame.csv",
            "--pool",
            "demo/pool.csv",
            "--commitment",
            "demo/commitment.json",
        ],
    )?;
    assert!(o.status.success(), "{}", text(&o.stderr));
    Ok(())
}

/// Commits a 3-target frame with the given witnesses; returns the commit's output.
fn commit_witnesses(dir: &Path, witnesses: &[&str]) -> Result<Output, Box<dyn std::error::Error>> {
    std::fs::write(dir.join("f.csv"), "target_id,stratum\nA,S\nB,S\nC,S\n")?;
    std::fs::write(dir.join("p.csv"), POOL)?;
    std::fs::write(dir.join("params.json"), PARAMS)?;
    let mut args = vec![
        "commit",
        "--plan-id",
        "PT-1",
        "--frame",
        "f.csv",
        "--pool",
        "p.csv",
        "--params",
        "params.json",
        "--committed-at",
        "2026-11-26T08:00:00Z",
        "--out",
        "c.json",
        "--secret-out",
        "s.hex",
    ];
    for w in witnesses {
        args.extend(["--witness", w]);
    }
    Ok(spotcheck(dir, &args)?)
}

fn draw_values(dir: &Path, values: &[&str], drawn_at: &str) -> Result<Output, std::io::Error> {
    let mut args = vec![
        "draw",
        "--commitment",
        "c.json",
        "--secret",
        "s.hex",
        "--frame",
        "f.csv",
        "--pool",
        "p.csv",
        "--drawn-at",
        drawn_at,
        "--out",
        "t.json",
    ];
    for v in values {
        args.extend(["--witness-value", v]);
    }
    spotcheck(dir, &args)
}

#[test]
fn a_witness_whose_name_contains_an_equals_sign_can_give_its_value() -> TestResult {
    let dir = tempfile::tempdir()?;
    let p = dir.path();
    let o = commit_witnesses(p, &["观察员 a=b", "公证员 王某"])?;
    assert!(o.status.success(), "commit: {}", text(&o.stderr));
    let o = draw_values(
        p,
        &["观察员 a=b=3 1 4", "公证员 王某=x=y"],
        "2026-11-27T09:00:00Z",
    )?;
    assert!(o.status.success(), "draw: {}", text(&o.stderr));
    let t: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p.join("t.json"))?)?;
    assert_eq!(
        t["entropy"]["witnesses"],
        serde_json::json!([
            {"name": "观察员 a=b", "value": "3 1 4"},
            {"name": "公证员 王某", "value": "x=y"},
        ])
    );
    let o = spotcheck(
        p,
        &["verify", "t.json", "--frame", "f.csv", "--pool", "p.csv"],
    )?;
    assert!(o.status.success(), "verify: {}", text(&o.stderr));
    Ok(())
}

#[test]
fn witness_names_that_draw_could_not_tell_apart_are_refused_at_commit() -> TestResult {
    let dir = tempfile::tempdir()?;
    let o = commit_witnesses(dir.path(), &["a", "a=b"])?;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("\"a=b\""), "{}", text(&o.stderr));
    assert!(!dir.path().join("c.json").exists());
    Ok(())
}

#[test]
fn a_draw_dated_before_its_commitment_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let p = dir.path();
    let o = commit_witnesses(p, &["w"])?;
    assert!(o.status.success(), "commit: {}", text(&o.stderr));
    let o = draw_values(p, &["w=1"], "2026-11-26T07:59:59Z")?;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("before its commitment"),
        "{}",
        text(&o.stderr)
    );
    assert!(!p.join("t.json").exists());
    let o = draw_values(p, &["w=1"], "2026-11-26T08:00:00Z")?;
    assert!(
        o.status.success(),
        "the commitment's own second: {}",
        text(&o.stderr)
    );
    Ok(())
}
