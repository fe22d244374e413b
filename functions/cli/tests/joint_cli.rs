//! `spotcheck verify` verifies joint draws (draw spec version 2, §17): every transcript of
//! fixtures/vectors/v2/ verifies from the files a user would have (frame and pool as CSV), and a
//! changed team is named.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use spotcheck_domain::vectors::Vector;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn vectors() -> Result<Vec<(String, Vector)>, Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/vectors/v2");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_owned();
        out.push((
            name,
            serde_json::from_str(&std::fs::read_to_string(&path)?)?,
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Writes the vector's frame, pool, transcript and commitment as files.
fn write_files(dir: &Path, v: &Vector) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let frame = v.inputs.build_frame()?;
    let pool = v.inputs.build_pool()?;
    let mut f = String::from("target_id,stratum\n");
    for i in 0..frame.len() {
        let stratum = frame.stratum(i).map(|s| s.as_str()).unwrap_or_default();
        f.push_str(&format!("{},{stratum}\n", frame.id(i)));
    }
    std::fs::write(dir.join("frame.csv"), f)?;
    let mut p = String::from("inspector_id,department,conflicts\n");
    for e in pool.entries() {
        let conflicts: Vec<&str> = e.conflicts.iter().map(|c| c.as_str()).collect();
        p.push_str(&format!(
            "{},{},{}\n",
            e.id.as_str(),
            e.department.as_str(),
            conflicts.join(";")
        ));
    }
    std::fs::write(dir.join("pool.csv"), p)?;
    let exp = v.expected.as_ref().ok_or("no expected transcript")?;
    std::fs::write(
        dir.join("commitment.json"),
        exp.transcript.commitment.canonical_bytes()?,
    )?;
    Ok(serde_json::to_value(&exp.transcript)?)
}

fn verify(
    dir: &Path,
    transcript: &serde_json::Value,
) -> Result<Output, Box<dyn std::error::Error>> {
    std::fs::write(
        dir.join("transcript.json"),
        serde_json::to_string(transcript)?,
    )?;
    Ok(Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .current_dir(dir)
        .args([
            "verify",
            "transcript.json",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
            "--commitment",
            "commitment.json",
        ])
        .output()?)
}

#[test]
fn spotcheck_verify_accepts_every_joint_transcript() -> TestResult {
    let mut verified = 0;
    for (name, v) in vectors()? {
        if v.expected.is_none() {
            continue;
        }
        let dir = tempfile::tempdir()?;
        let t = write_files(dir.path(), &v)?;
        let out = verify(dir.path(), &t)?;
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{name}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("VERIFIED"), "{name}: {text}");
        verified += 1;
    }
    assert!(verified >= 8, "only {verified} joint transcripts");
    Ok(())
}

#[test]
fn spotcheck_verify_names_a_changed_joint_team() -> TestResult {
    let (name, v) = vectors()?
        .into_iter()
        .find(|(_, v)| v.expected.is_some())
        .ok_or("no joint transcript")?;
    let dir = tempfile::tempdir()?;
    let mut t = write_files(dir.path(), &v)?;
    // The lead's inspector and the partner's swap places: the same people, another team order.
    if let Some(team) = t["selections"][0]["inspectors"].as_array_mut() {
        team.swap(0, 1);
    }
    let out = verify(dir.path(), &t)?;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{name}: {err}");
    assert!(
        err.contains("FAILED: selections[0].inspectors"),
        "{name}: {err}"
    );
    Ok(())
}

fn spotcheck(dir: &Path, args: &[&str]) -> Result<Output, std::io::Error> {
    Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .current_dir(dir)
        .args(args)
        .output()
}

/// A joint check of 莆田市文化和旅游局 with 莆田市市场监督管理局: 20 travel agencies, six
/// inspectors of each bureau, one of whom declared a relation with one agency.
fn write_joint_inputs(dir: &Path) -> std::io::Result<()> {
    let mut frame = String::from("target_id,stratum\n");
    for i in 0..20 {
        frame.push_str(&format!(
            "LXS{i:03},350302-{}\n",
            if i < 12 { "A" } else { "B" }
        ));
    }
    std::fs::write(dir.join("frame.csv"), frame)?;
    let mut pool = String::from("inspector_id,department,conflicts\n");
    for i in 0..6 {
        pool.push_str(&format!(
            "WL{i:02},莆田市文化和旅游局,{}\n",
            if i == 0 { "LXS003" } else { "" }
        ));
        pool.push_str(&format!("SJ{i:02},莆田市市场监督管理局,\n"));
    }
    std::fs::write(dir.join("pool.csv"), pool)?;
    std::fs::write(
        dir.join("params.json"),
        r#"{"default":{"count":3},"inspectors_per_target":2,"max_assignments_per_inspector":3}"#,
    )
}

#[test]
fn commit_joint_draws_and_verifies_a_version_2_draw() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    write_joint_inputs(d)?;
    let out = spotcheck(
        d,
        &[
            "commit",
            "--plan-id",
            "PT-2026-J100",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
            "--params",
            "params.json",
            "--witness",
            "莆田市公证处 王某",
            "--committed-at",
            "2026-11-26T08:00:00Z",
            "--joint",
            "莆田市文化和旅游局",
            "--partner",
            "莆田市市场监督管理局",
            "--out",
            "commitment.json",
            "--secret-out",
            "secret.hex",
        ],
    )?;
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains(
            "joint draw (spotcheck-draw/2): lead 莆田市文化和旅游局, partners 莆田市市场监督管理局"
        ),
        "{said}"
    );
    let c: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("commitment.json"))?)?;
    assert_eq!(c["spec_version"], "spotcheck-draw/2");
    assert_eq!(c["parameters"]["joint"]["require"], "all");
    let out = spotcheck(
        d,
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
            "莆田市公证处 王某=4 2 6 1 3 5",
            "--drawn-at",
            "2026-11-27T09:30:00Z",
            "--out",
            "transcript.json",
        ],
    )?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("transcript.json"))?)?;
    let teams = t["selections"].as_array().ok_or("selections")?;
    assert_eq!(teams.len(), 6);
    for s in teams {
        let team: Vec<&str> = s["inspectors"]
            .as_array()
            .ok_or("team")?
            .iter()
            .filter_map(|i| i.as_str())
            .collect();
        assert!(
            team[0].starts_with("WL") && team[1].starts_with("SJ"),
            "{team:?}"
        );
        assert!(
            !(s["target"] == "LXS003" && team.contains(&"WL00")),
            "a conflicted inspector was assigned"
        );
    }
    let out = spotcheck(
        d,
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
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("VERIFIED"));
    Ok(())
}

#[test]
fn commit_joint_refuses_a_team_that_cannot_hold_every_department() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    write_joint_inputs(d)?;
    let base = [
        "commit",
        "--plan-id",
        "PT-2026-J101",
        "--frame",
        "frame.csv",
        "--pool",
        "pool.csv",
        "--params",
        "params.json",
        "--witness",
        "莆田市公证处 王某",
        "--joint",
        "莆田市文化和旅游局",
        "--partner",
        "莆田市市场监督管理局",
    ];
    for (extra, want) in [
        (
            &["--partner", "莆田市公安局"][..],
            "inspectors_per_target is 2, but each team must hold 3 departments",
        ),
        (&["--require", "lead+2"][..], "invalid joint plan"),
        (
            &["--partner", "莆田市文化和旅游局"][..],
            "invalid joint plan",
        ),
    ] {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--out", "c.json", "--secret-out", "s.hex"]);
        let out = spotcheck(d, &args)?;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: {err}");
        assert!(!d.join("s.hex").exists(), "no secret is left behind");
    }
    Ok(())
}

#[test]
fn the_joint_demo_checks_the_bureau_with_market_regulation_and_verifies() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let out = spotcheck(d, &["demo", "--joint", "--out-dir", "demo"])?;
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("spotcheck-draw/2 (莆田市文化和旅游局 with 莆田市市场监督管理局)"),
        "{said}"
    );
    let t: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("demo/transcript.json"))?)?;
    let teams = t["selections"].as_array().ok_or("selections")?;
    assert!(!teams.is_empty());
    for s in teams {
        let team: Vec<&str> = s["inspectors"]
            .as_array()
            .ok_or("team")?
            .iter()
            .filter_map(|i| i.as_str())
            .collect();
        assert!(
            !team[0].starts_with("PT-SJ-") && team[1].starts_with("PT-SJ-"),
            "{team:?}"
        );
    }
    let out = spotcheck(
        d,
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
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}
