//! Known-answer vectors of draw spec version 2, joint draws (fixtures/vectors/v2/, spec §17.7):
//! every file reproduces exactly, and its transcript verifies.
//!
//! `cargo test -p spotcheck-domain --test vectors_v2 -- --ignored` writes the vectors defined
//! below that have no file yet. It never rewrites an existing file: a frozen vector never changes.

use std::path::PathBuf;

use serde_json::{Value, json};
use spotcheck_domain::draw::{Commitment, JOINT_SPEC_VERSION, SPEC_VERSION, Transcript, verify};
use spotcheck_domain::vectors::{Expected, Vector};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/vectors/v2")
}

fn frozen() -> Result<Vec<(String, Vector)>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir())? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_owned();
        let v: Vector = serde_json::from_str(&std::fs::read_to_string(&path)?)
            .map_err(|e| format!("{name}: {e}"))?;
        out.push((name, v));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[test]
fn every_version_2_vector_reproduces() -> TestResult {
    let vectors = frozen()?;
    assert!(vectors.len() >= 8, "only {} v2 vectors", vectors.len());
    let errors = vectors.iter().filter(|(_, v)| v.want_err.is_some()).count();
    assert!(errors >= 4, "only {errors} refusals among the v2 vectors");
    for (name, v) in vectors {
        match (&v.expected, &v.want_err, v.inputs.run()) {
            (Some(exp), None, Ok((commitment, transcript, frame, pool))) => {
                assert_eq!(commitment.spec_version, JOINT_SPEC_VERSION, "{name}");
                assert_eq!(frame.summary(), exp.frame, "{name}: frame");
                assert_eq!(pool.summary(), exp.pool, "{name}: pool");
                assert_eq!(
                    commitment.hash()?,
                    exp.commitment_hash,
                    "{name}: commitment_hash"
                );
                assert_eq!(
                    transcript.entropy_digest, exp.entropy_digest,
                    "{name}: entropy_digest"
                );
                assert_eq!(transcript.draw_key, exp.draw_key, "{name}: draw_key");
                assert_eq!(
                    transcript.digest, exp.transcript_digest,
                    "{name}: transcript digest"
                );
                assert_eq!(
                    transcript.canonical_bytes()?,
                    exp.transcript.canonical_bytes()?,
                    "{name}: transcript"
                );
                verify(&exp.transcript, &frame, &pool)
                    .map_err(|e| format!("{name}: the frozen transcript does not verify: {e}"))?;
                // Every team holds an inspector of each required department, lead first.
                let joint = commitment
                    .parameters
                    .joint
                    .as_ref()
                    .ok_or("a v2 commitment without a joint plan")?;
                let department = |id: &str| {
                    pool.entries()
                        .iter()
                        .find(|e| e.id.as_str() == id)
                        .map(|e| e.department.as_str().to_owned())
                };
                for s in &transcript.selections {
                    let depts: Vec<String> = s
                        .inspectors
                        .iter()
                        .filter_map(|i| department(i.as_str()))
                        .collect();
                    assert_eq!(depts.first().map(String::as_str), Some(joint.lead.as_str()));
                    let mut distinct = depts.clone();
                    distinct.sort();
                    distinct.dedup();
                    assert!(
                        distinct.len() as u64 >= joint.required_per_team(),
                        "{name}: team {:?}",
                        s.inspectors
                    );
                }
            }
            (None, Some(code), Err(e)) => assert_eq!(e.code(), code, "{name}: {e}"),
            (_, _, outcome) => {
                return Err(format!(
                    "{name}: outcome {:?} does not match the vector",
                    outcome.map(|_| "success")
                )
                .into());
            }
        }
    }
    Ok(())
}

#[test]
fn the_version_2_vectors_refuse_with_every_new_code() -> TestResult {
    let codes: Vec<String> = frozen()?
        .into_iter()
        .filter_map(|(_, v)| v.want_err)
        .collect();
    for code in [
        "invalid-joint",
        "team-too-small",
        "unknown-department",
        "insufficient-department-inspectors",
        "insufficient-inspectors",
    ] {
        assert!(
            codes.iter().any(|c| c == code),
            "no v2 vector refuses with {code}"
        );
    }
    Ok(())
}

fn first_success() -> Result<(Vector, Expected), Box<dyn std::error::Error>> {
    let (_, v) = frozen()?
        .into_iter()
        .find(|(_, v)| v.expected.is_some())
        .ok_or("no v2 vector with a transcript")?;
    let exp = v.expected.clone().ok_or("expected")?;
    Ok((v, exp))
}

#[test]
fn the_version_and_the_joint_plan_go_together() -> TestResult {
    let (_, exp) = first_success()?;
    let t = serde_json::to_value(&exp.transcript)?;
    assert!(serde_json::from_value::<Transcript>(t.clone()).is_ok());
    // A v2 commitment without its joint plan is malformed, and so is a v1 commitment with one.
    let mut without = t.clone();
    if let Some(p) = without["commitment"]["parameters"].as_object_mut() {
        p.remove("joint");
    }
    assert!(serde_json::from_value::<Transcript>(without).is_err());
    let mut v1 = t.clone();
    v1["commitment"]["spec_version"] = SPEC_VERSION.into();
    v1["spec_version"] = SPEC_VERSION.into();
    assert!(serde_json::from_value::<Commitment>(v1["commitment"].clone()).is_err());
    assert!(serde_json::from_value::<Transcript>(v1).is_err());
    Ok(())
}

#[test]
fn a_changed_team_or_version_is_named() -> TestResult {
    let (v, exp) = first_success()?;
    let frame = v.inputs.build_frame()?;
    let pool = v.inputs.build_pool()?;
    let field_after = |change: &dyn Fn(&mut Value)| -> Result<String, Box<dyn std::error::Error>> {
        let mut t = serde_json::to_value(&exp.transcript)?;
        change(&mut t);
        let t: Transcript = serde_json::from_value(t)?;
        Ok(verify(&t, &frame, &pool)
            .err()
            .map(|e| e.field().to_owned())
            .unwrap_or_default())
    };
    assert_eq!(
        field_after(&|t| {
            if let Some(team) = t["selections"][0]["inspectors"].as_array_mut() {
                team.reverse();
            }
        })?,
        "selections[0].inspectors",
        "the order of a team is part of the draw"
    );
    assert_eq!(
        field_after(&|t| t["spec_version"] = SPEC_VERSION.into())?,
        "spec_version"
    );
    assert_eq!(
        field_after(&|t| t["spec_version"] = "spotcheck-draw/3".into())?,
        "spec_version"
    );
    // The joint plan is inside the commitment: its hash catches a changed partner.
    assert_eq!(
        field_after(
            &|t| t["commitment"]["parameters"]["joint"]["require"] = json!({"lead_plus": 1})
        )?,
        "commitment_hash"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Definitions the files were generated from. Adding one adds a file; editing one whose file
// exists changes nothing (the file is frozen).

const CULTURE: &str = "莆田市文化和旅游局";
const MARKET: &str = "莆田市市场监督管理局";
const POLICE: &str = "莆田市公安局";
const EMERGENCY: &str = "莆田市应急管理局";
const NOTARY: (&str, &str) = ("莆田市公证处 王某", "4 2 6 1 3 5");

fn secret(n: u8) -> String {
    format!("{:02x}", n).repeat(32)
}

fn frame(strata: &[(&str, usize)]) -> Value {
    let mut entries = Vec::new();
    for (s, n) in strata {
        for i in 0..*n {
            entries.push(json!({"target_id": format!("{s}-T{i:02}"), "stratum": s}));
        }
    }
    json!({ "entries": entries })
}

/// `(prefix, department, how many, conflicts of the first of them)`.
fn pool(groups: &[(&str, &str, usize, &[&str])]) -> Value {
    let mut entries = Vec::new();
    for (prefix, dept, n, conflicts) in groups {
        for i in 0..*n {
            let c: &[&str] = if i == 0 { conflicts } else { &[] };
            entries.push(json!({"inspector_id": format!("{prefix}{i:02}"), "department": dept, "conflicts": c}));
        }
    }
    json!({ "entries": entries })
}

fn joint(partners: &[&str], require: Value) -> Value {
    json!({"lead": CULTURE, "partners": partners, "require": require})
}

fn inputs(plan: &str, frame: Value, pool: Value, params: Value, sec: u8) -> Value {
    json!({
        "plan_id": plan,
        "committed_at": "2026-11-26T08:00:00Z",
        "drawn_at": "2026-11-27T09:30:00Z",
        "frame": frame,
        "pool": pool,
        "parameters": params,
        "entropy_source": {"witnesses": [NOTARY.0]},
        "secret": secret(sec),
        "entropy": {"witnesses": [{"name": NOTARY.0, "value": NOTARY.1}]},
    })
}

const QUICKNET_HASH: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
// Quicknet round 1000 as recorded in fixtures/beacons/quicknet-1000.json.
const SIG_1000: &str = "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39";

type Definition = (&'static str, &'static str, Value, Option<&'static str>);

fn definitions() -> Vec<Definition> {
    let two = |n: usize,
               c: &'static [&'static str]|
     -> Vec<(&'static str, &'static str, usize, &'static [&'static str])> {
        vec![("WL", CULTURE, n, c), ("SJ", MARKET, n, &[])]
    };
    let drand = {
        let mut v = inputs(
            "PT-2023-J08",
            frame(&[("S", 8)]),
            pool(&[("WL", CULTURE, 3, &[]), ("SJ", MARKET, 3, &[])]),
            json!({"default": {"count": 3}, "inspectors_per_target": 2, "joint": joint(&[MARKET], json!("all"))}),
            58,
        );
        let randomness = hex::decode(SIG_1000)
            .map(|b| spotcheck_domain::encoding::sha256(&b).to_hex())
            .unwrap_or_default();
        v["committed_at"] = "2023-08-23T15:58:22Z".into();
        v["drawn_at"] = "2023-08-23T16:05:00Z".into();
        v["entropy_source"]["drand"] = json!({"chain_hash": QUICKNET_HASH, "round": 1000});
        v["entropy"]["drand"] = json!({"chain_hash": QUICKNET_HASH, "round": 1000, "signature": SIG_1000, "randomness": randomness});
        v
    };
    vec![
        (
            "01-joint-all-two-departments",
            "莆田市文化和旅游局 with 莆田市市场监督管理局, every department required, two inspectors per target: each team is one inspector of each, the lead's first.",
            inputs(
                "PT-2026-J01",
                frame(&[("S", 6)]),
                pool(&two(2, &[])),
                json!({"default": {"count": 2}, "inspectors_per_target": 2, "joint": joint(&[MARKET], json!("all"))}),
                51,
            ),
            None,
        ),
        (
            "02-joint-all-three-departments",
            "Three departments all required, three inspectors per target, two strata with ratio rules and a conflict in each department.",
            inputs(
                "PT-2026-J02",
                frame(&[("350302-A", 9), ("350302-B", 12)]),
                pool(&[
                    ("WL", CULTURE, 3, &["350302-A-T00"]),
                    ("SJ", MARKET, 3, &["350302-B-T01"]),
                    ("GA", POLICE, 2, &["350302-A-T03"]),
                ]),
                json!({"strata": {"350302-A": {"ratio": "0.5", "rounding": "up"}}, "default": {"ratio": "0.25", "rounding": "nearest"}, "inspectors_per_target": 3, "joint": joint(&[MARKET, POLICE], json!("all"))}),
                52,
            ),
            None,
        ),
        (
            "03-lead-plus-one-of-three",
            "The lead and one of three partners, drawn for each target (Fisher-Yates over the partners from the assignment stream), two inspectors per target.",
            inputs(
                "PT-2026-J03",
                frame(&[("S", 10)]),
                pool(&[
                    ("WL", CULTURE, 2, &[]),
                    ("SJ", MARKET, 2, &[]),
                    ("GA", POLICE, 2, &[]),
                    ("YJ", EMERGENCY, 2, &[]),
                ]),
                json!({"default": {"count": 6}, "inspectors_per_target": 2, "joint": joint(&[MARKET, POLICE, EMERGENCY], json!({"lead_plus": 1}))}),
                53,
            ),
            None,
        ),
        (
            "04-lead-plus-two-with-fill-and-cap",
            "The lead and two of three partners, four inspectors per target (one drawn from every department after the required ones), at most three assignments per inspector.",
            inputs(
                "PT-2026-J04",
                frame(&[("S", 8)]),
                pool(&[
                    ("WL", CULTURE, 7, &["S-T02"]),
                    ("SJ", MARKET, 6, &[]),
                    ("GA", POLICE, 7, &["S-T05"]),
                    ("YJ", EMERGENCY, 6, &[]),
                ]),
                json!({"default": {"count": 5}, "inspectors_per_target": 4, "max_assignments_per_inspector": 3, "joint": joint(&[MARKET, POLICE, EMERGENCY], json!({"lead_plus": 2}))}),
                54,
            ),
            None,
        ),
        (
            "05-joint-cap-swap-remove",
            "Two departments, three inspectors per target, a cap of 2: inspectors at their cap leave both the whole list and their department's list (swap-remove in each).",
            inputs(
                "PT-2026-J05",
                frame(&[("S", 10)]),
                pool(&two(5, &[])),
                json!({"default": {"count": 4}, "inspectors_per_target": 3, "max_assignments_per_inspector": 2, "joint": joint(&[MARKET], json!("all"))}),
                55,
            ),
            None,
        ),
        (
            "06-conflicts-force-the-department",
            "The partner has two inspectors, each conflicted with a different target, and the whole frame is drawn: each target's partner inspector is forced.",
            inputs(
                "PT-2026-J06",
                frame(&[("S", 3)]),
                json!({"entries": [
                    {"inspector_id": "WL01", "department": CULTURE, "conflicts": []},
                    {"inspector_id": "WL02", "department": CULTURE, "conflicts": ["S-T00"]},
                    {"inspector_id": "WL03", "department": CULTURE, "conflicts": []},
                    {"inspector_id": "SJ01", "department": MARKET, "conflicts": ["S-T01"]},
                    {"inspector_id": "SJ02", "department": MARKET, "conflicts": ["S-T02"]},
                ]}),
                json!({"default": {"count": 3}, "inspectors_per_target": 2, "joint": joint(&[MARKET], json!("all"))}),
                56,
            ),
            None,
        ),
        (
            "07-joint-synthetic-six-bureaus",
            "A synthetic frame of 3,000 and a synthetic pool of 120 (Appendix A): the city bureau leads the five district bureaus, the lead and two of them per team, three inspectors per target, a cap of 20.",
            {
                let mut v = inputs(
                    "PT-2026-J07",
                    json!({"synthetic": {"size": 3000, "seed": "joint-07"}}),
                    json!({"synthetic": {"size": 120, "seed": "joint-07-pool", "max_conflicts": 3}}),
                    json!({"default": {"ratio": "0.01", "rounding": "up"}, "inspectors_per_target": 3, "max_assignments_per_inspector": 20,
                        "joint": {"lead": CULTURE, "partners": ["城厢区文体旅游局", "涵江区文体旅游局", "荔城区文体旅游局", "秀屿区文体旅游局", "仙游县文体旅游局"], "require": {"lead_plus": 2}}}),
                    57,
                );
                v["plan_id"] = "PT-2026-J07".into();
                v
            },
            None,
        ),
        (
            "08-joint-drand-quicknet",
            "A joint draw whose entropy is a witness and drand quicknet round 1000: the entropy digest is version 1's, the draw key hashes spotcheck-draw/2.",
            drand,
            None,
        ),
        (
            "09-err-lead-also-partner",
            "The lead department is also named as a partner.",
            inputs(
                "PT-2026-J09",
                frame(&[("S", 4)]),
                pool(&two(2, &[])),
                json!({"default": {"count": 1}, "inspectors_per_target": 2, "joint": joint(&[MARKET, CULTURE], json!("all"))}),
                59,
            ),
            Some("invalid-joint"),
        ),
        (
            "10-err-lead-plus-zero",
            "lead_plus 0 is not a joint team (1 to the number of partners).",
            inputs(
                "PT-2026-J10",
                frame(&[("S", 4)]),
                pool(&two(2, &[])),
                json!({"default": {"count": 1}, "inspectors_per_target": 2, "joint": joint(&[MARKET], json!({"lead_plus": 0}))}),
                60,
            ),
            Some("invalid-joint"),
        ),
        (
            "11-err-team-too-small",
            "Three departments all required, but only two inspectors per target.",
            inputs(
                "PT-2026-J11",
                frame(&[("S", 4)]),
                pool(&[
                    ("WL", CULTURE, 2, &[]),
                    ("SJ", MARKET, 2, &[]),
                    ("GA", POLICE, 2, &[]),
                ]),
                json!({"default": {"count": 1}, "inspectors_per_target": 2, "joint": joint(&[MARKET, POLICE], json!("all"))}),
                61,
            ),
            Some("team-too-small"),
        ),
        (
            "12-err-unknown-department",
            "The pool holds an inspector of a department the joint plan does not name.",
            inputs(
                "PT-2026-J12",
                frame(&[("S", 4)]),
                pool(&[
                    ("WL", CULTURE, 2, &[]),
                    ("SJ", MARKET, 2, &[]),
                    ("GA", POLICE, 1, &[]),
                ]),
                json!({"default": {"count": 1}, "inspectors_per_target": 2, "joint": joint(&[MARKET], json!("all"))}),
                62,
            ),
            Some("unknown-department"),
        ),
        (
            "13-err-partner-without-inspectors",
            "A partner department has no inspector in the pool.",
            inputs(
                "PT-2026-J13",
                frame(&[("S", 4)]),
                pool(&[("WL", CULTURE, 3, &[]), ("SJ", MARKET, 2, &[])]),
                json!({"default": {"count": 1}, "inspectors_per_target": 3, "joint": joint(&[MARKET, POLICE], json!("all"))}),
                63,
            ),
            Some("insufficient-department-inspectors"),
        ),
        (
            "14-err-partner-conflicted",
            "The partner's only inspector declared a conflict with a target of a sampled stratum, though the pool as a whole has enough inspectors.",
            inputs(
                "PT-2026-J14",
                frame(&[("S", 4)]),
                pool(&[("WL", CULTURE, 4, &[]), ("SJ", MARKET, 1, &["S-T03"])]),
                json!({"default": {"count": 1}, "inspectors_per_target": 2, "joint": joint(&[MARKET], json!("all"))}),
                64,
            ),
            Some("insufficient-department-inspectors"),
        ),
        (
            "15-err-partner-capped",
            "A cap of one assignment: after two targets up to four inspectors may be at the cap, more than the partner's two.",
            inputs(
                "PT-2026-J15",
                frame(&[("S", 6)]),
                pool(&[("WL", CULTURE, 8, &[]), ("SJ", MARKET, 2, &[])]),
                json!({"default": {"count": 3}, "inspectors_per_target": 2, "max_assignments_per_inspector": 1, "joint": joint(&[MARKET], json!("all"))}),
                65,
            ),
            Some("insufficient-department-inspectors"),
        ),
        (
            "16-err-too-few-for-the-team",
            "Each department can give one inspector, but the teams of five need more than the pool's four.",
            inputs(
                "PT-2026-J16",
                frame(&[("S", 4)]),
                pool(&two(2, &[])),
                json!({"default": {"count": 1}, "inspectors_per_target": 5, "joint": joint(&[MARKET], json!("all"))}),
                66,
            ),
            Some("insufficient-inspectors"),
        ),
    ]
}

#[test]
#[ignore = "writes new vector files; run once when adding a vector"]
fn write_new_vectors() -> TestResult {
    std::fs::create_dir_all(dir())?;
    for (name, desc, inputs, want_err) in definitions() {
        let path = dir().join(format!("{name}.json"));
        if path.exists() {
            continue;
        }
        let mut v: Vector = serde_json::from_value(json!({"desc": desc, "inputs": inputs}))?;
        match (v.inputs.run(), want_err) {
            (Ok((commitment, transcript, frame, pool)), None) => {
                v.expected = Some(Expected {
                    frame: frame.summary(),
                    pool: pool.summary(),
                    commitment_hash: commitment.hash()?,
                    entropy_digest: transcript.entropy_digest,
                    draw_key: transcript.draw_key,
                    transcript_digest: transcript.digest,
                    transcript,
                });
            }
            (Err(e), Some(code)) if e.code() == code => v.want_err = Some(code.to_owned()),
            (other, _) => {
                return Err(format!(
                    "{name}: unexpected outcome {:?}",
                    other.map(|_| "success").map_err(|e| e.to_string())
                )
                .into());
            }
        }
        let mut text = serde_json::to_string_pretty(&v)?;
        text.push('\n');
        std::fs::write(&path, text)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Verification vectors of version 2 (fixtures/vectors/v2/verify/, the format of spec §15.1):
// transcripts that every hash of which recomputes but that break a rule of §17 (a verifier that
// only recomputes hashes would accept them), and the readings of §17.1.

fn verify_dir() -> PathBuf {
    dir().join("verify")
}

fn frozen_verify() -> Result<Vec<(String, Value)>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(verify_dir())? {
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

/// A transcript for `inputs` with every hash consistent, made without any check of commit or
/// draw. The selections are those of §17.4 where it can run, else none (a verifier stops before).
fn forge(inputs: &Value) -> Result<Value, Box<dyn std::error::Error>> {
    use spotcheck_domain::draw::{compute_selections, draw_key_for, plan_strata};
    let i: spotcheck_domain::vectors::Inputs = serde_json::from_value(inputs.clone())?;
    let frame = i.build_frame()?;
    let pool = i.build_pool()?;
    let strata = plan_strata(&frame, &i.parameters)?;
    let version = if i.parameters.joint.is_some() {
        JOINT_SPEC_VERSION
    } else {
        SPEC_VERSION
    };
    let commitment: Commitment = serde_json::from_value(json!({
        "spec_version": version,
        "plan_id": i.plan_id,
        "committed_at": i.committed_at,
        "frame": frame.summary(),
        "pool": pool.summary(),
        "parameters": i.parameters,
        "strata": strata,
        "secret_commitment": i.secret.commitment(),
        "entropy_source": i.entropy_source,
    }))?;
    let ch = commitment.hash()?;
    let ed = i.entropy.digest();
    let key = draw_key_for(version, &ch, &i.secret, &ed);
    let selections = compute_selections(&frame, &pool, &commitment, &key).unwrap_or_default();
    let t = Transcript::new(
        commitment, ch, i.secret, i.entropy, ed, key, i.drawn_at, selections,
    )?;
    Ok(serde_json::to_value(&t)?)
}

/// A transcript's JSON with `change` applied, the digests after it recomputed (so that only the
/// reading or the rules can refuse it).
fn rehash(mut t: Value, change: impl Fn(&mut Value)) -> Result<Value, Box<dyn std::error::Error>> {
    use spotcheck_domain::canonical_json::to_canonical_bytes;
    use spotcheck_domain::encoding::sha256;
    change(&mut t);
    let ch = sha256(&to_canonical_bytes(&t["commitment"])?);
    t["commitment_hash"] = ch.to_hex().into();
    if let Some(o) = t.as_object_mut() {
        o.remove("digest");
    }
    let d = sha256(&to_canonical_bytes(&t)?);
    t["digest"] = d.to_hex().into();
    Ok(t)
}

fn verdict(v: &Value) -> Result<Value, Box<dyn std::error::Error>> {
    use spotcheck_domain::draw::check_published_commitment;
    use spotcheck_domain::frame::{FrameBuilder, PoolBuilder};
    let mut fb = FrameBuilder::new();
    for (i, e) in v["frame"]["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        fb.push(
            e["target_id"].as_str().unwrap_or_default(),
            e["stratum"].as_str().unwrap_or_default(),
            i as u64 + 1,
        )?;
    }
    let mut pb = PoolBuilder::new();
    for (i, e) in v["pool"]["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        pb.push_fields(
            e["inspector_id"].as_str().unwrap_or_default(),
            e["department"].as_str().unwrap_or_default(),
            e["conflicts"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
            i as u64 + 1,
        )?;
    }
    let (frame, pool) = (fb.finish()?, pb.finish()?);
    let Ok(t) = serde_json::from_value::<Transcript>(v["transcript"].clone()) else {
        return Ok(json!({"verdict": "malformed"}));
    };
    let mut outcome = Ok(());
    if let Some(c) = v.get("commitment") {
        let Ok(published) = serde_json::from_value::<Commitment>(c.clone()) else {
            return Ok(json!({"verdict": "malformed"}));
        };
        outcome = check_published_commitment(&t, &published);
    }
    Ok(match outcome.and_then(|()| verify(&t, &frame, &pool)) {
        Ok(()) => json!({"verdict": "verified"}),
        Err(e) => match e.code() {
            Some(code) => json!({"verdict": "failed", "field": e.field(), "code": code}),
            None => json!({"verdict": "failed", "field": e.field()}),
        },
    })
}

/// Name, what it pins down, the pool (the frame is always five targets `S-T00` … `S-T04`), the
/// transcript, the published commitment (if given), the verdict.
type VerifyDef = (
    &'static str,
    &'static str,
    Value,
    Value,
    Option<Value>,
    Value,
);

fn verify_definitions() -> Result<Vec<VerifyDef>, Box<dyn std::error::Error>> {
    let params =
        |j: Value, m: u32| json!({"default": {"count": 2}, "inspectors_per_target": m, "joint": j});
    let two = || pool(&[("WL", CULTURE, 2, &[]), ("SJ", MARKET, 2, &[])]);
    let three = || {
        pool(&[
            ("WL", CULTURE, 2, &[]),
            ("SJ", MARKET, 2, &[]),
            ("GA", POLICE, 2, &[]),
        ])
    };
    let stray = || {
        pool(&[
            ("WL", CULTURE, 2, &[]),
            ("SJ", MARKET, 2, &[]),
            ("GA", POLICE, 1, &[]),
        ])
    };
    let base =
        |plan: &str, pool: Value, p: Value, sec: u8| inputs(plan, frame(&[("S", 5)]), pool, p, sec);
    let ok = forge(&base(
        "PT-2026-JV01",
        two(),
        params(joint(&[MARKET], json!("all")), 2),
        71,
    ))?;
    let failed =
        |field: &str, code: &str| json!({"verdict": "failed", "field": field, "code": code});
    let malformed = json!({"verdict": "malformed"});
    Ok(vec![
        (
            "01-joint-verified",
            "A joint draw as commit and draw make it, with its published commitment: verified.",
            two(),
            ok.clone(),
            Some(ok["commitment"].clone()),
            json!({"verdict": "verified"}),
        ),
        (
            "02-lead-also-partner",
            "A self-consistent joint transcript whose lead is also named as a partner (§17.2): refused at step 4.",
            two(),
            forge(&base(
                "PT-2026-JV02",
                two(),
                params(joint(&[MARKET, CULTURE], json!("all")), 3),
                72,
            ))?,
            None,
            failed("commitment.parameters.joint", "invalid-joint"),
        ),
        (
            "03-lead-plus-out-of-range",
            "lead_plus 2 with one partner (§17.2): refused at step 4.",
            two(),
            forge(&base(
                "PT-2026-JV03",
                two(),
                params(joint(&[MARKET], json!({"lead_plus": 2})), 3),
                73,
            ))?,
            None,
            failed("commitment.parameters.joint", "invalid-joint"),
        ),
        (
            "04-team-too-small",
            "Three departments all required with two inspectors per target (§17.2): refused at step 4, naming inspectors_per_target.",
            three(),
            forge(&base(
                "PT-2026-JV04",
                three(),
                params(joint(&[MARKET, POLICE], json!("all")), 2),
                74,
            ))?,
            None,
            failed(
                "commitment.parameters.inspectors_per_target",
                "team-too-small",
            ),
        ),
        (
            "05-unknown-department",
            "The committed pool holds an inspector of a department the plan does not name (§17.2): refused at step 4.",
            stray(),
            forge(&base(
                "PT-2026-JV05",
                stray(),
                params(joint(&[MARKET], json!("all")), 2),
                75,
            ))?,
            None,
            failed("commitment.parameters.joint", "unknown-department"),
        ),
        (
            "06-version-1-with-joint-plan",
            "A spotcheck-draw/1 transcript whose parameters carry a joint plan (§17.1): malformed.",
            two(),
            rehash(ok.clone(), |t| {
                t["spec_version"] = SPEC_VERSION.into();
                t["commitment"]["spec_version"] = SPEC_VERSION.into();
            })?,
            None,
            malformed.clone(),
        ),
        (
            "07-version-2-without-joint-plan",
            "A spotcheck-draw/2 transcript without a joint plan (§17.1): malformed.",
            two(),
            rehash(ok.clone(), |t| {
                if let Some(p) = t["commitment"]["parameters"].as_object_mut() {
                    p.remove("joint");
                }
            })?,
            None,
            malformed,
        ),
        (
            "08-transcript-claims-version-1",
            "The transcript says spotcheck-draw/1, its commitment spotcheck-draw/2 (§17.6 step 1).",
            two(),
            rehash(ok.clone(), |t| t["spec_version"] = SPEC_VERSION.into())?,
            None,
            failed("spec_version", "unsupported-version"),
        ),
    ])
}

#[test]
fn every_version_2_verification_vector_gets_its_verdict() -> TestResult {
    let vectors = frozen_verify()?;
    assert!(
        vectors.len() >= 8,
        "only {} v2 verification vectors",
        vectors.len()
    );
    for (name, v) in vectors {
        assert_eq!(verdict(&v)?, v["want"], "{name}: {}", v["desc"]);
    }
    Ok(())
}

#[test]
#[ignore = "writes new verification vector files; run once when adding one"]
fn write_new_verify_vectors() -> TestResult {
    std::fs::create_dir_all(verify_dir())?;
    for def in verify_definitions()? {
        let path = verify_dir().join(format!("{}.json", def.0));
        if path.exists() {
            continue;
        }
        let (_, desc, pool, transcript, commitment, want) = def;
        let mut v = json!({"desc": desc, "frame": frame(&[("S", 5)]), "pool": pool, "transcript": transcript, "want": want});
        if let Some(c) = commitment {
            v["commitment"] = c;
        }
        let got = verdict(&v)?;
        if got != v["want"] {
            return Err(format!(
                "{}: the verdict is {got}, not {}",
                path.display(),
                v["want"]
            )
            .into());
        }
        let mut text = serde_json::to_string_pretty(&v)?;
        text.push('\n');
        std::fs::write(&path, text)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
