//! Draws with a drand beacon round through the `spotcheck` binary, offline: the round comes from
//! the recorded quicknet rounds in fixtures/beacons/.

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

fn recorded(round: u64) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../fixtures/beacons/quicknet-{round}.json"))
}

/// A frame, a pool and a commitment that promises quicknet round 1000 (committed at 15:58:22Z
/// with the default 60 s margin) and a witness.
fn committed() -> Result<tempfile::TempDir, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let p = dir.path();
    for args in [
        &[
            "gen-frame",
            "--size",
            "300",
            "--seed",
            "drand",
            "--out",
            "frame.csv",
        ][..],
        &[
            "gen-pool",
            "--size",
            "12",
            "--seed",
            "drand-pool",
            "--frame-size",
            "300",
            "--frame-seed",
            "drand",
            "--max-conflicts",
            "2",
            "--out",
            "pool.csv",
        ][..],
    ] {
        let o = spotcheck(p, args)?;
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    }
    std::fs::write(
        p.join("params.json"),
        r#"{"default": {"count": 1}, "inspectors_per_target": 2}"#,
    )?;
    let o = spotcheck(
        p,
        &[
            "commit",
            "--plan-id",
            "PT-2026-200",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
            "--params",
            "params.json",
            "--witness",
            "公证员 王某",
            "--drand",
            "--committed-at",
            "2023-08-23T15:58:22Z",
            "--out",
            "commitment.json",
            "--secret-out",
            "secret.hex",
        ],
    )?;
    assert!(o.status.success(), "commit: {}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("drand quicknet round 1000 at 2023-08-23T15:59:24Z"),
        "{}",
        text(&o.stdout)
    );
    Ok(dir)
}

fn draw(dir: &Path, beacon: &Path, drawn_at: &str) -> Result<Output, std::io::Error> {
    let beacon = beacon.to_string_lossy().into_owned();
    spotcheck(
        dir,
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
            "--beacon-file",
            &beacon,
            "--drawn-at",
            drawn_at,
            "--out",
            "transcript.json",
        ],
    )
}

#[test]
fn a_committed_drand_round_is_read_verified_drawn_and_re_verified_offline() -> TestResult {
    let dir = committed()?;
    let p = dir.path();
    let o = draw(p, &recorded(1000), "2023-08-23T16:00:00Z")?;
    assert!(o.status.success(), "draw: {}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains(
            "drand round 1000 verified, randomness fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd"
        ),
        "{}",
        text(&o.stdout)
    );
    let o = spotcheck(
        p,
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
    assert!(o.status.success(), "verify: {}", text(&o.stderr));
    assert!(text(&o.stdout).contains("ok  drand quicknet round 1000"));

    // A transcript whose beacon signature was altered fails, naming the field.
    let t = std::fs::read_to_string(p.join("transcript.json"))?;
    let altered = t.replace("b44679b9", "b44679b8");
    assert_ne!(t, altered);
    std::fs::write(p.join("altered.json"), altered)?;
    let o = spotcheck(
        p,
        &[
            "verify",
            "altered.json",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
        ],
    )?;
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("entropy.drand.signature"),
        "{}",
        text(&o.stderr)
    );
    Ok(())
}

#[test]
fn drawing_before_the_round_is_published_is_refused() -> TestResult {
    let dir = committed()?;
    let o = draw(dir.path(), &recorded(1000), "2023-08-23T15:59:23Z")?;
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("wait"), "{}", text(&o.stderr));
    assert!(!dir.path().join("transcript.json").exists());
    Ok(())
}

#[test]
fn a_recorded_round_that_is_not_the_promised_one_or_is_corrupted_is_refused() -> TestResult {
    let dir = committed()?;
    let p = dir.path();
    // Round 123 is not the promised round 1000.
    let o = draw(p, &recorded(123), "2023-08-23T16:00:00Z")?;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("1000"), "{}", text(&o.stderr));
    // One flipped signature bit.
    let good = std::fs::read_to_string(recorded(1000))?;
    let bad = good.replace("6b63ed5e39", "6b63ed5e38");
    assert_ne!(good, bad);
    std::fs::write(p.join("bad.json"), bad)?;
    let o = draw(p, &p.join("bad.json"), "2023-08-23T16:00:00Z")?;
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("signature"), "{}", text(&o.stderr));
    assert!(!p.join("transcript.json").exists());
    Ok(())
}
