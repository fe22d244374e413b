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
