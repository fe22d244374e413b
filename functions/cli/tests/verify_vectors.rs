//! Every verification vector of fixtures/vectors/verify/ (draw spec §15.1) gets its verdict from
//! `spotcheck verify`, run on the files a user would have: the frame and pool as CSV, the
//! transcript and the published commitment as JSON.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn vectors() -> Result<Vec<(String, Value)>, Box<dyn std::error::Error>> {
    let mut out = vectors_in("verify")?;
    // Version 2 (joint draws, spec §17): its verification vectors, named with their folder.
    for (name, v) in vectors_in("v2/verify")? {
        out.push((format!("v2/{name}"), v));
    }
    Ok(out)
}

fn vectors_in(folder: &str) -> Result<Vec<(String, Value)>, Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/vectors")
        .join(folder);
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

/// The CSV file of a listed frame or pool (`{"entries": …}`), or the vector's own CSV text.
fn csv_text(v: &Value, columns: &[&str]) -> String {
    if let Some(text) = v["csv"].as_str() {
        return text.to_owned();
    }
    let mut out = columns.join(",");
    out.push('\n');
    for e in v["entries"].as_array().into_iter().flatten() {
        let row: Vec<String> = columns
            .iter()
            .map(|c| match &e[*c] {
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(";"),
                other => other.as_str().unwrap_or_default().to_owned(),
            })
            .map(|f| {
                if f.contains('"') {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f
                }
            })
            .collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// `spotcheck verify`'s verdict in the vectors' `want` form.
fn verdict(dir: &Path, v: &Value) -> Result<Value, Box<dyn std::error::Error>> {
    std::fs::write(
        dir.join("frame.csv"),
        csv_text(&v["frame"], &["target_id", "stratum"]),
    )?;
    std::fs::write(
        dir.join("pool.csv"),
        csv_text(&v["pool"], &["inspector_id", "department", "conflicts"]),
    )?;
    std::fs::write(
        dir.join("transcript.json"),
        serde_json::to_string(&v["transcript"])?,
    )?;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_spotcheck"));
    cmd.current_dir(dir).args([
        "verify",
        "transcript.json",
        "--frame",
        "frame.csv",
        "--pool",
        "pool.csv",
    ]);
    if let Some(c) = v.get("commitment") {
        std::fs::write(dir.join("commitment.json"), serde_json::to_string(c)?)?;
        cmd.args(["--commitment", "commitment.json"]);
    }
    let out = cmd.output()?;
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    Ok(match out.status.code() {
        Some(0) => serde_json::json!({"verdict": "verified"}),
        Some(1) => {
            // `FAILED: <field>: <reason>[ [<code>]]`
            let line = err
                .lines()
                .find_map(|l| l.strip_prefix("FAILED: "))
                .ok_or_else(|| format!("no FAILED line in {err:?}"))?;
            let line = line.strip_prefix("commitment.json: ").unwrap_or(line);
            let field = line.split(": ").next().unwrap_or_default();
            let mut want = serde_json::json!({"verdict": "failed", "field": field});
            if let Some(code) = line
                .strip_suffix(']')
                .and_then(|l| l.rsplit_once(" ["))
                .map(|(_, c)| c)
            {
                want["code"] = code.into();
            }
            want
        }
        Some(2) if err.contains("transcript.json") || err.contains("commitment.json") => {
            serde_json::json!({"verdict": "malformed"})
        }
        Some(2) if err.contains("frame.csv") => serde_json::json!({"verdict": "frame"}),
        Some(2) if err.contains("pool.csv") => serde_json::json!({"verdict": "pool"}),
        other => return Err(format!("exit {other:?}: {err}").into()),
    })
}

#[test]
fn every_verification_vector_gets_its_verdict_from_spotcheck_verify() -> TestResult {
    let all = vectors()?;
    assert!(all.len() >= 15, "only {} verification vectors", all.len());
    for (name, v) in all {
        let dir = tempfile::tempdir()?;
        let got = verdict(dir.path(), &v)?;
        assert_eq!(got, v["want"], "{name}: {}", v["desc"]);
    }
    Ok(())
}
