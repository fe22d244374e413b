//! Changing any single field of a transcript, a frame or a pool makes verification fail, naming
//! the field.

use std::path::PathBuf;

use serde_json::Value;
use spotcheck_domain::draw::{Transcript, check_published_commitment, verify};
use spotcheck_domain::frame::{Frame, FrameBuilder, InspectorPool, PoolBuilder};
use spotcheck_domain::vectors::Vector;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn load(name: &str) -> Result<(Transcript, Frame, InspectorPool), Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/vectors")
        .join(name);
    let v: Vector = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let t = v
        .expected
        .ok_or("vector has no expected transcript")?
        .transcript;
    Ok((t, v.inputs.build_frame()?, v.inputs.build_pool()?))
}

/// Every leaf of a JSON value with its path in the verifier's notation.
fn leaves(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(x, p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                leaves(x, format!("{path}[{i}]"), out);
            }
        }
        _ => out.push(path),
    }
}

fn pointer(path: &str) -> String {
    let mut p = String::new();
    for part in path.split('.') {
        let (key, idx) = match part.split_once('[') {
            Some((k, rest)) => (k, Some(rest)),
            None => (part, None),
        };
        p.push('/');
        p.push_str(key);
        if let Some(rest) = idx {
            for i in rest.split('[') {
                p.push('/');
                p.push_str(i.trim_end_matches(']'));
            }
        }
    }
    p
}

/// A change that keeps the value well-formed where possible.
fn mutate(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::from(n.as_u64().unwrap_or(0) + 1),
        Value::String(s) if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
            let flipped = if s.starts_with('0') { "1" } else { "0" };
            Value::String(format!("{flipped}{}", &s[1..]))
        }
        Value::String(s) if s.ends_with('Z') && s.len() == 20 => {
            Value::String(s.replacen("2026", "2025", 1))
        }
        Value::String(s) => Value::String(format!("{s}x")),
        Value::Bool(b) => Value::Bool(!b),
        Value::Null | Value::Array(_) | Value::Object(_) => Value::Null,
    }
}

/// Which field the verifier must name when only the transcript is available.
fn expected_without_published(path: &str) -> String {
    let derived_from_commitment = [
        "commitment.frame.",
        "commitment.pool.",
        "commitment.strata[",
        "commitment.spec_version",
    ];
    if path.starts_with("commitment.")
        && !derived_from_commitment.iter().any(|p| path.starts_with(p))
    {
        return "commitment_hash".into();
    }
    if path.starts_with("entropy.witnesses[") && path.ends_with(".value") {
        return "entropy_digest".into();
    }
    if path == "drawn_at" {
        return "digest".into();
    }
    if let Some(i) = path.find(".inspectors[") {
        return format!("{}.inspectors", &path[..i]);
    }
    path.to_owned()
}

/// The verifier names the changed field itself, the derived field that exposes it, or an
/// enclosing field (e.g. `commitment.parameters` when a changed count makes them infeasible).
fn names(named: &str, changed: &str, derived: &str) -> bool {
    // Parameters are also checked through the per-stratum sample sizes derived from them.
    let via_strata =
        changed.starts_with("commitment.parameters.") && named.starts_with("commitment.strata[");
    named == derived || named == changed || changed.starts_with(&format!("{named}.")) || via_strata
}

#[test]
fn every_transcript_field_change_is_caught_and_named() -> TestResult {
    for vector in [
        "05-non-ascii.json",
        "07-several-strata-ratios.json",
        "08-cap-swap-remove.json",
    ] {
        let (t, frame, pool) = load(vector)?;
        verify(&t, &frame, &pool)?;
        let original = serde_json::to_value(&t)?;
        let mut paths = Vec::new();
        leaves(&original, String::new(), &mut paths);
        let (mut named, mut rejected_at_parse) = (0, 0);
        for path in &paths {
            let mut changed = original.clone();
            let slot = changed
                .pointer_mut(&pointer(path))
                .ok_or(format!("no {path}"))?;
            *slot = mutate(slot);
            let Ok(tampered) = serde_json::from_value::<Transcript>(changed) else {
                // Not even a well-formed transcript (e.g. "upx" as a rounding rule): refused.
                rejected_at_parse += 1;
                continue;
            };
            let without = verify(&tampered, &frame, &pool)
                .err()
                .ok_or(format!("{vector}: change to {path} not detected"))?;
            assert!(
                names(without.field(), path, &expected_without_published(path)),
                "{vector}: {path}: {without}"
            );
            // With the commitment published before the draw, even fields only covered by the
            // commitment hash are named exactly.
            let with = check_published_commitment(&tampered, &t.commitment)
                .and_then(|()| verify(&tampered, &frame, &pool))
                .err()
                .ok_or(format!("{vector}: change to {path} not detected"))?;
            let want = if path.starts_with("commitment.") {
                path.clone()
            } else {
                expected_without_published(path)
            };
            assert!(names(with.field(), path, &want), "{vector}: {path}: {with}");
            named += 1;
        }
        assert!(named > 30, "{vector}: only {named} fields checked");
        assert!(
            rejected_at_parse < named,
            "{vector}: {rejected_at_parse} parse rejections"
        );
    }
    Ok(())
}

fn rebuild_frame(
    frame: &Frame,
    change: impl Fn(usize, &str, &str) -> Option<(String, String)>,
) -> Result<Frame, Box<dyn std::error::Error>> {
    let mut b = FrameBuilder::new();
    for (i, (id, s)) in frame.iter().enumerate() {
        if let Some((id, s)) = change(i, id, s.as_str()) {
            b.push(&id, &s, i as u64)?;
        }
    }
    Ok(b.finish()?)
}

#[test]
fn any_change_to_the_frame_is_caught() -> TestResult {
    let (t, frame, pool) = load("07-several-strata-ratios.json")?;
    let n = frame.len();
    for i in [0, n / 2, n - 1] {
        let restratified = rebuild_frame(&frame, |j, id, s| {
            Some((
                id.to_owned(),
                if j == i {
                    format!("{s}x")
                } else {
                    s.to_owned()
                },
            ))
        })?;
        assert_eq!(
            verify(&t, &restratified, &pool)
                .err()
                .map(|e| e.field().to_owned())
                .as_deref(),
            Some("commitment.frame.root")
        );
        let renamed = rebuild_frame(&frame, |j, id, s| {
            Some((
                if j == i {
                    format!("{id}x")
                } else {
                    id.to_owned()
                },
                s.to_owned(),
            ))
        })?;
        assert_eq!(
            verify(&t, &renamed, &pool)
                .err()
                .map(|e| e.field().to_owned())
                .as_deref(),
            Some("commitment.frame.root")
        );
        let removed = rebuild_frame(&frame, |j, id, s| {
            (j != i).then(|| (id.to_owned(), s.to_owned()))
        })?;
        assert_eq!(
            verify(&t, &removed, &pool)
                .err()
                .map(|e| e.field().to_owned())
                .as_deref(),
            Some("commitment.frame.size")
        );
    }
    Ok(())
}

#[test]
fn any_change_to_the_pool_is_caught() -> TestResult {
    let (t, frame, pool) = load("04-conflicts-force-assignment.json")?;
    type Edit = fn(usize, &mut (String, String, Vec<String>));
    let edits: [Edit; 4] = [
        |_, e| e.0.push('x'),
        |_, e| e.1.push('x'),
        |_, e| e.2.push("B-new".into()),
        |_, e| {
            e.2.pop();
        },
    ];
    for i in 0..pool.len() {
        for edit in edits {
            let mut b = PoolBuilder::new();
            for (j, p) in pool.entries().iter().enumerate() {
                let mut e = (
                    p.id.to_string(),
                    p.department.to_string(),
                    p.conflicts
                        .iter()
                        .map(|c| c.to_string())
                        .collect::<Vec<_>>(),
                );
                if i == j {
                    edit(j, &mut e);
                }
                b.push_fields(&e.0, &e.1, e.2.iter().map(String::as_str), j as u64)?;
            }
            let changed = b.finish()?;
            assert_eq!(
                verify(&t, &frame, &changed)
                    .err()
                    .map(|e| e.field().to_owned())
                    .as_deref(),
                Some("commitment.pool.root")
            );
        }
    }
    Ok(())
}
