//! Known-answer vectors: every frozen file in fixtures/vectors/ must reproduce exactly.
//!
//! `cargo test -p spotcheck-domain --test vectors -- --ignored` writes vectors defined below that
//! have no file yet. It never rewrites an existing file: a frozen vector never changes (a change to
//! the draw needs a new spec version and new vectors).

use std::path::PathBuf;

use serde_json::{Value, json};
use spotcheck_domain::vectors::{Expected, Vector};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/vectors")
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
fn every_frozen_vector_reproduces() -> TestResult {
    let vectors = frozen()?;
    assert!(
        vectors.len() >= 10,
        "expected at least 10 vectors, found {}",
        vectors.len()
    );
    for (name, v) in vectors {
        match (&v.expected, &v.want_err, v.inputs.run()) {
            (Some(exp), None, Ok((commitment, transcript, frame, pool))) => {
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
                spotcheck_domain::draw::verify(&exp.transcript, &frame, &pool)
                    .map_err(|e| format!("{name}: the frozen transcript does not verify: {e}"))?;
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
fn frozen_vectors_cover_what_the_spec_promises() -> TestResult {
    let names: Vec<String> = frozen()?.into_iter().map(|(n, _)| n).collect();
    for must in [
        "single-entry-strata",
        "k-equals-n",
        "conflicts-force-assignment",
        "non-ascii",
        "several-strata",
        "synthetic-100k",
    ] {
        assert!(
            names.iter().any(|n| n.contains(must)),
            "no vector for {must}"
        );
    }
    Ok(())
}

fn secret(n: u8) -> String {
    format!("{:02x}", n).repeat(32)
}

fn frame(entries: &[(&str, &str)]) -> Value {
    json!({"entries": entries.iter().map(|(t, s)| json!({"target_id": t, "stratum": s})).collect::<Vec<_>>()})
}

fn pool(entries: &[(&str, &str, &[&str])]) -> Value {
    json!({"entries": entries.iter().map(|(i, d, c)| json!({"inspector_id": i, "department": d, "conflicts": c})).collect::<Vec<_>>()})
}

fn plain_pool(n: usize) -> Value {
    let ids: Vec<String> = (1..=n).map(|i| format!("ZF{i:03}")).collect();
    let entries: Vec<(&str, &str, &[&str])> = ids
        .iter()
        .map(|i| (i.as_str(), "莆田市文化和旅游局", &[][..]))
        .collect();
    pool(&entries)
}

fn witnesses(names_values: &[(&str, &str)]) -> (Value, Value) {
    (
        json!({"witnesses": names_values.iter().map(|(n, _)| n).collect::<Vec<_>>()}),
        json!({"witnesses": names_values.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>()}),
    )
}

fn inputs(
    plan: &str,
    frame: Value,
    pool: Value,
    params: Value,
    sec: u8,
    w: &[(&str, &str)],
) -> Value {
    let (source, entropy) = witnesses(w);
    json!({
        "plan_id": plan,
        "committed_at": "2026-11-26T08:00:00Z",
        "drawn_at": "2026-11-27T09:30:00Z",
        "frame": frame,
        "pool": pool,
        "parameters": params,
        "entropy_source": source,
        "secret": secret(sec),
        "entropy": entropy,
    })
}

const NOTARY: (&str, &str) = ("莆田市公证处 王某", "4 2 6 1 3 5");

const QUICKNET_HASH: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
// Real quicknet rounds (fixtures/beacons/ cites where they were published).
const SIG_123: &str = "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92";
const SIG_1000: &str = "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39";
// SIG_1000 with its last bit flipped.
const SIG_1000_FLIPPED: &str = "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e38";

/// `inputs` with a promised quicknet round and its recorded signature and randomness
/// (SHA-256 of the signature), committed and drawn at the given times.
fn with_drand(mut v: Value, round: u64, sig: &str, committed_at: &str, drawn_at: &str) -> Value {
    let randomness = hex::decode(sig)
        .map(|b| spotcheck_domain::encoding::sha256(&b).to_hex())
        .unwrap_or_default();
    v["committed_at"] = committed_at.into();
    v["drawn_at"] = drawn_at.into();
    v["entropy_source"]["drand"] = json!({"chain_hash": QUICKNET_HASH, "round": round});
    v["entropy"]["drand"] = json!({"chain_hash": QUICKNET_HASH, "round": round, "signature": sig, "randomness": randomness});
    v
}

/// The definitions the files were generated from. Adding one adds a file; editing one whose file
/// exists changes nothing (the file is frozen).
fn definitions() -> Vec<(&'static str, &'static str, Value, Option<&'static str>)> {
    let letters = |n: usize, s: &str| -> Vec<(String, String)> {
        (0..n).map(|i| (format!("T{i:02}"), s.to_owned())).collect()
    };
    let as_refs = |v: &[(String, String)]| -> Vec<(String, String)> { v.to_vec() };
    let mixed: Vec<(String, String)> = {
        let mut v = letters(5, "S-big");
        v.extend([
            ("U1".into(), "S-one-a".into()),
            ("U2".into(), "S-one-b".into()),
            ("U3".into(), "S-one-c".into()),
        ]);
        as_refs(&v)
    };
    let to_pairs = |v: &[(String, String)]| -> Value {
        frame(
            &v.iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect::<Vec<_>>(),
        )
    };
    let rounding_frame: Vec<(String, String)> = {
        let mut v = Vec::new();
        for (stratum, n) in [
            ("350302-A", 41usize),
            ("350302-B", 50),
            ("350303-A", 3),
            ("350303-B", 10),
        ] {
            for i in 0..n {
                v.push((format!("{stratum}-{i:03}"), stratum.to_owned()));
            }
        }
        v
    };
    vec![
        (
            "01-minimal",
            "Two targets in one stratum, one drawn, two inspectors assigned.",
            inputs(
                "PT-2026-001",
                frame(&[("T1", "S"), ("T2", "S")]),
                plain_pool(2),
                json!({"default": {"count": 1}, "inspectors_per_target": 2}),
                1,
                &[NOTARY],
            ),
            None,
        ),
        (
            "02-single-entry-strata",
            "Three strata of one entry each and one of five, one drawn from each: a one-entry stratum always gives its entry.",
            inputs(
                "PT-2026-002",
                to_pairs(&mixed),
                plain_pool(4),
                json!({"default": {"count": 1}, "inspectors_per_target": 2}),
                2,
                &[NOTARY],
            ),
            None,
        ),
        (
            "03-k-equals-n",
            "The whole stratum of 7 is drawn: the selection order is a full Fisher-Yates permutation.",
            inputs(
                "PT-2026-003",
                to_pairs(&letters(7, "S")),
                plain_pool(4),
                json!({"strata": {"S": {"count": 7}}, "inspectors_per_target": 2}),
                3,
                &[NOTARY],
            ),
            None,
        ),
        (
            "04-conflicts-force-assignment",
            "Each of three inspectors declared a conflict with one target, so each target's two inspectors are forced (only their order is random).",
            inputs(
                "PT-2026-004",
                frame(&[("A", "S"), ("B", "S"), ("C", "S")]),
                pool(&[
                    ("ZF1", "莆田市文化和旅游局", &["A"]),
                    ("ZF2", "城厢区文体旅游局", &["B"]),
                    ("ZF3", "涵江区文体旅游局", &["C"]),
                ]),
                json!({"default": {"count": 3}, "inspectors_per_target": 2}),
                4,
                &[NOTARY],
            ),
            None,
        ),
        (
            "05-non-ascii",
            "Chinese target ids, strata, departments, conflicts and witnesses: UTF-8 bytes are hashed as they are.",
            inputs(
                "PT-2026-005",
                frame(&[
                    ("莆田湄洲国际旅行社", "城厢区-A"),
                    ("仙游县九鲤湖旅行社", "仙游县-B"),
                    ("涵江区东方旅行社", "涵江区-A"),
                    ("荔城区妈祖旅行社", "城厢区-A"),
                    ("秀屿区海峡旅行社", "仙游县-B"),
                ]),
                pool(&[
                    ("执法001", "莆田市文化和旅游局", &["莆田湄洲国际旅行社"]),
                    ("执法002", "仙游县文体旅游局", &[]),
                    ("执法003", "城厢区文体旅游局", &["仙游县九鲤湖旅行社"]),
                    ("执法004", "涵江区文体旅游局", &[]),
                ]),
                json!({"default": {"count": 1}, "strata": {"城厢区-A": {"count": 2}}, "inspectors_per_target": 2}),
                5,
                &[
                    ("莆田市公证处 王某", "红 黑 红 红"),
                    ("《湄洲日报》记者 陈某", "骰子：6 6 1"),
                ],
            ),
            None,
        ),
        (
            "06-byte-order",
            "Ids that sort differently by UTF-8 bytes, UTF-16 units or locale: canonical order is UTF-8 byte order.",
            inputs(
                "PT-2026-006",
                frame(&[
                    ("Z", "S"),
                    ("a", "S"),
                    ("é", "S"),
                    ("\u{FF71}", "S"),
                    ("\u{1F600}", "S"),
                    ("中", "S"),
                    ("A10", "S"),
                    ("A9", "S"),
                ]),
                plain_pool(3),
                json!({"default": {"count": 8}, "inspectors_per_target": 2}),
                6,
                &[NOTARY],
            ),
            None,
        ),
        (
            "07-several-strata-ratios",
            "Four strata with ratio rules rounding up, down and to nearest, and a default count.",
            inputs(
                "PT-2026-007",
                to_pairs(&rounding_frame),
                plain_pool(6),
                json!({"strata": {"350302-A": {"ratio": "0.05", "rounding": "up"}, "350302-B": {"ratio": "0.05", "rounding": "nearest"}, "350303-B": {"ratio": "0.25", "rounding": "down"}}, "default": {"count": 2}, "inspectors_per_target": 2}),
                7,
                &[NOTARY],
            ),
            None,
        ),
        (
            "08-cap-swap-remove",
            "Twelve targets, ten inspectors, at most four assignments each: inspectors reaching the cap are swap-removed.",
            inputs(
                "PT-2026-008",
                to_pairs(&letters(12, "S")),
                plain_pool(10),
                json!({"default": {"count": 12}, "inspectors_per_target": 2, "max_assignments_per_inspector": 4}),
                8,
                &[NOTARY],
            ),
            None,
        ),
        (
            "09-three-inspectors-three-witnesses",
            "Three inspectors per target and three witnesses, mixed in their committed order.",
            inputs(
                "PT-2026-009",
                to_pairs(&letters(20, "S")),
                plain_pool(7),
                json!({"default": {"ratio": "0.2", "rounding": "nearest"}, "inspectors_per_target": 3}),
                9,
                &[NOTARY, ("观察员 李某", "7"), ("企业代表 张某", "19")],
            ),
            None,
        ),
        (
            "10-unnamed-strata-without-default",
            "Only stratum B is named and there is no default: A and C give no targets.",
            inputs(
                "PT-2026-010",
                frame(&[
                    ("a1", "A"),
                    ("a2", "A"),
                    ("b1", "B"),
                    ("b2", "B"),
                    ("b3", "B"),
                    ("c1", "C"),
                ]),
                plain_pool(3),
                json!({"strata": {"B": {"count": 2}}, "inspectors_per_target": 2}),
                10,
                &[NOTARY],
            ),
            None,
        ),
        (
            "11-synthetic-100k",
            "A 100,000-entry synthetic frame (Appendix A.1) and a 300-inspector synthetic pool with conflicts (Appendix A.2); 1% per stratum, rounded up, at most 10 assignments each.",
            inputs(
                "PT-2026-011",
                json!({"synthetic": {"size": 100000, "seed": "spotcheck-vector-11"}}),
                json!({"synthetic": {"size": 300, "seed": "spotcheck-vector-11-pool", "max_conflicts": 5}}),
                json!({"default": {"ratio": "0.01", "rounding": "up"}, "inspectors_per_target": 2, "max_assignments_per_inspector": 10}),
                11,
                &[NOTARY],
            ),
            None,
        ),
        (
            "12-err-sample-too-large",
            "A count larger than the stratum is refused at commit time.",
            inputs(
                "PT-2026-012",
                to_pairs(&letters(3, "S")),
                plain_pool(3),
                json!({"strata": {"S": {"count": 5}}, "inspectors_per_target": 2}),
                12,
                &[NOTARY],
            ),
            Some("sample-too-large"),
        ),
        (
            "13-err-insufficient-inspectors",
            "Two inspectors, one conflicted with a target that could be drawn: two per target cannot be guaranteed.",
            inputs(
                "PT-2026-013",
                frame(&[("A", "S"), ("B", "S")]),
                pool(&[
                    ("ZF1", "莆田市文化和旅游局", &["A"]),
                    ("ZF2", "莆田市文化和旅游局", &[]),
                ]),
                json!({"default": {"count": 1}, "inspectors_per_target": 2}),
                13,
                &[NOTARY],
            ),
            Some("insufficient-inspectors"),
        ),
        (
            "14-err-unknown-stratum",
            "A rule naming a stratum with no entry is refused (a likely typo).",
            inputs(
                "PT-2026-014",
                to_pairs(&letters(3, "S")),
                plain_pool(3),
                json!({"strata": {"T": {"count": 1}}, "inspectors_per_target": 2}),
                14,
                &[NOTARY],
            ),
            Some("unknown-stratum"),
        ),
        (
            "15-err-duplicate-target",
            "A frame listing the same target twice is refused.",
            inputs(
                "PT-2026-015",
                frame(&[("A", "S"), ("B", "S"), ("A", "T")]),
                plain_pool(3),
                json!({"default": {"count": 1}, "inspectors_per_target": 2}),
                15,
                &[NOTARY],
            ),
            Some("frame"),
        ),
        (
            "16-err-one-inspector",
            "One inspector per target is refused: the law requires at least two.",
            inputs(
                "PT-2026-016",
                to_pairs(&letters(3, "S")),
                plain_pool(3),
                json!({"default": {"count": 1}, "inspectors_per_target": 1}),
                16,
                &[NOTARY],
            ),
            Some("invalid-parameters"),
        ),
        (
            "17-cap-exact-capacity-refused",
            "Total capacity equals demand (5 inspectors x cap 2 = 10 = 5 targets x 2) but the draw could get stuck, so commit refuses.",
            inputs(
                "PT-2026-017",
                to_pairs(&letters(5, "S")),
                plain_pool(5),
                json!({"default": {"count": 5}, "inspectors_per_target": 2, "max_assignments_per_inspector": 2}),
                17,
                &[NOTARY],
            ),
            Some("insufficient-inspectors"),
        ),
        (
            "18-drand-quicknet",
            "Entropy from drand quicknet round 1000 alone (no witness): committed at 15:58:22Z, so with the 60 s margin the first round at or after 15:59:22Z, published 15:59:24Z; the beacon block 0x01 ‖ chain_hash ‖ u64be(round) ‖ randomness ends the entropy digest.",
            with_drand(
                inputs(
                    "PT-2026-018",
                    to_pairs(&letters(12, "S")),
                    plain_pool(5),
                    json!({"default": {"count": 4}, "inspectors_per_target": 2}),
                    18,
                    &[],
                ),
                1000,
                SIG_1000,
                "2023-08-23T15:58:22Z",
                "2023-08-23T16:05:00Z",
            ),
            None,
        ),
        (
            "19-witness-and-drand",
            "A witness and drand quicknet round 123 together: the witness values are mixed first, then the beacon block.",
            with_drand(
                inputs(
                    "PT-2026-019",
                    to_pairs(&mixed),
                    plain_pool(4),
                    json!({"default": {"count": 1}, "inspectors_per_target": 2}),
                    19,
                    &[NOTARY],
                ),
                123,
                SIG_123,
                "2023-08-23T15:14:31Z",
                "2023-08-23T15:20:00Z",
            ),
            None,
        ),
        (
            "20-err-drand-bad-signature",
            "Round 1000 with one signature bit flipped (and randomness its SHA-256): the BLS check against quicknet's key refuses it.",
            with_drand(
                inputs(
                    "PT-2026-020",
                    to_pairs(&letters(3, "S")),
                    plain_pool(3),
                    json!({"default": {"count": 1}, "inspectors_per_target": 2}),
                    20,
                    &[NOTARY],
                ),
                1000,
                SIG_1000_FLIPPED,
                "2023-08-23T15:58:22Z",
                "2023-08-23T16:05:00Z",
            ),
            Some("beacon-signature"),
        ),
        (
            "21-err-drand-drawn-too-early",
            "A draw dated one second before round 1000 is published (15:59:24Z) is refused.",
            with_drand(
                inputs(
                    "PT-2026-021",
                    to_pairs(&letters(3, "S")),
                    plain_pool(3),
                    json!({"default": {"count": 1}, "inspectors_per_target": 2}),
                    21,
                    &[NOTARY],
                ),
                1000,
                SIG_1000,
                "2023-08-23T15:58:22Z",
                "2023-08-23T15:59:23Z",
            ),
            Some("beacon-too-early"),
        ),
        (
            "22-err-drand-round-not-after-commit",
            "A commitment made at the very second round 1000 is published may already know its value: refused at commit time.",
            with_drand(
                inputs(
                    "PT-2026-022",
                    to_pairs(&letters(3, "S")),
                    plain_pool(3),
                    json!({"default": {"count": 1}, "inspectors_per_target": 2}),
                    22,
                    &[NOTARY],
                ),
                1000,
                SIG_1000,
                "2023-08-23T15:59:24Z",
                "2023-08-23T16:05:00Z",
            ),
            Some("beacon-round-not-after-commit"),
        ),
        (
            "23-err-drawn-before-commit",
            "A witness-only draw dated one second before its commitment is refused (spec §14 step 7h).",
            {
                let mut v = inputs(
                    "PT-2026-023",
                    to_pairs(&letters(3, "S")),
                    plain_pool(3),
                    json!({"default": {"count": 1}, "inspectors_per_target": 2}),
                    23,
                    &[NOTARY],
                );
                v["drawn_at"] = "2026-11-26T07:59:59Z".into();
                v
            },
            Some("drawn-before-commit"),
        ),
        (
            "24-err-no-target",
            "Parameters that select no target at all (every stratum's sample is 0) are refused.",
            inputs(
                "PT-2026-024",
                to_pairs(&letters(3, "S")),
                plain_pool(3),
                json!({"default": {"ratio": "0.1", "rounding": "down"}, "inspectors_per_target": 2}),
                24,
                &[NOTARY],
            ),
            Some("invalid-parameters"),
        ),
        (
            "25-err-cap-zero",
            "A cap of 0 assignments per inspector is refused (absent means no cap).",
            inputs(
                "PT-2026-025",
                to_pairs(&letters(3, "S")),
                plain_pool(3),
                json!({"default": {"count": 1}, "inspectors_per_target": 2, "max_assignments_per_inspector": 0}),
                25,
                &[NOTARY],
            ),
            Some("invalid-parameters"),
        ),
    ]
}

#[test]
#[ignore = "writes new vector files; run once when adding a vector"]
fn write_new_vectors() -> TestResult {
    write_new_verify_vectors()?;
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
                return Err(
                    format!("{name}: unexpected outcome {:?}", other.map(|_| "success")).into(),
                );
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
// Verification vectors (fixtures/vectors/verify/, spec §15.1): a frame, a pool, a transcript (and
// optionally the published commitment) and the verdict every verifier must reach. Most transcripts
// are self-consistent (every hash recomputes) but break a rule commit enforces, or are spelled in
// a way the spec does not allow: a verifier that only recomputes hashes would accept them.

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

/// A transcript for `inputs` (a main vector's inputs) with every hash consistent, made without
/// any of the checks of commit or draw — as a careless or dishonest operator could.
fn forge(inputs: &Value) -> Result<Value, Box<dyn std::error::Error>> {
    use spotcheck_domain::draw::{
        Commitment, SPEC_VERSION, Transcript, compute_selections, draw_key, plan_strata,
    };
    let i: spotcheck_domain::vectors::Inputs = serde_json::from_value(inputs.clone())?;
    let frame = i.build_frame()?;
    let pool = i.build_pool()?;
    let strata = plan_strata(&frame, &i.parameters)?;
    let commitment = Commitment {
        spec_version: SPEC_VERSION.to_owned(),
        plan_id: i.plan_id,
        committed_at: i.committed_at,
        frame: frame.summary(),
        pool: pool.summary(),
        parameters: i.parameters,
        strata,
        secret_commitment: i.secret.commitment(),
        entropy_source: i.entropy_source,
    };
    let ch = commitment.hash()?;
    let ed = i.entropy.digest();
    let key = draw_key(&ch, &i.secret, &ed);
    let selections = compute_selections(&frame, &pool, &commitment, &key)?;
    let t = Transcript::new(
        commitment, ch, i.secret, i.entropy, ed, key, i.drawn_at, selections,
    )?;
    Ok(serde_json::to_value(&t)?)
}

/// One verification vector's definition: name, what it pins down, frame, pool, transcript,
/// published commitment (if any), the verdict.
type VerifyDef = (
    &'static str,
    &'static str,
    Value,
    Value,
    Value,
    Option<Value>,
    Value,
);

fn failed(field: &str, code: &str) -> Value {
    json!({"verdict": "failed", "field": field, "code": code})
}

fn verified() -> Value {
    json!({"verdict": "verified"})
}

fn malformed() -> Value {
    json!({"verdict": "malformed"})
}

fn verify_definitions() -> Result<Vec<VerifyDef>, Box<dyn std::error::Error>> {
    let three = || {
        frame(&[
            ("T1", "S"),
            ("T2", "S"),
            ("T3", "S"),
            ("T4", "S"),
            ("T5", "S"),
        ])
    };
    let base = |plan: &str, params: Value, sec: u8| {
        inputs(plan, three(), plain_pool(4), params, sec, &[NOTARY])
    };
    let ok_params = json!({"default": {"count": 2}, "inspectors_per_target": 2});
    let with_v = |f: &dyn Fn(&mut Value)| -> Result<Value, Box<dyn std::error::Error>> {
        let mut t = forge(&base("PT-2026-V10", ok_params.clone(), 40))?;
        f(&mut t);
        Ok(t)
    };
    let leap = {
        let mut i = base("PT-2026-V11", ok_params.clone(), 41);
        i["committed_at"] = "2016-12-31T23:59:59Z".into();
        i["drawn_at"] = "2017-01-02T09:00:00Z".into();
        let mut t = forge(&i)?;
        t["commitment"]["committed_at"] = "2016-12-31T23:59:60Z".into();
        t
    };
    let equal_times = {
        let mut i = base("PT-2026-V06", ok_params.clone(), 36);
        i["drawn_at"] = i["committed_at"].clone();
        forge(&i)?
    };
    let before = {
        let mut i = base("PT-2026-V05", ok_params.clone(), 35);
        i["committed_at"] = "2026-11-26T08:00:00Z".into();
        i["drawn_at"] = "2001-11-26T08:00:00Z".into();
        forge(&i)?
    };
    let ratio_zeros = {
        let mut t = forge(&base(
            "PT-2026-V13",
            json!({"default": {"ratio": "0.4", "rounding": "up"}, "inspectors_per_target": 2}),
            43,
        ))?;
        t["commitment"]["parameters"]["default"]["ratio"] = "00.400".into();
        t
    };
    let upper = {
        let t = forge(&base("PT-2026-V14", ok_params.clone(), 44))?;
        let mut published = t["commitment"].clone();
        let sc = published["secret_commitment"]
            .as_str()
            .unwrap_or_default()
            .to_uppercase();
        published["secret_commitment"] = sc.into();
        (t, published)
    };
    // Conflicts as a spreadsheet may write them: U+0085, U+3000 and spaces around items are
    // white space and removed; U+FEFF is not white space and stays part of the item.
    let conflict_frame = frame(&[("A", "S"), ("B", "S"), ("C", "S"), ("D", "S")]);
    let conflict_pool = pool(&[
        ("ZF1", "莆田市文化和旅游局", &["A", "\u{feff}B"]),
        ("ZF2", "城厢区文体旅游局", &["B", "C"]),
        ("ZF3", "涵江区文体旅游局", &[]),
        ("ZF4", "荔城区文体旅游局", &["D"]),
        ("ZF5", "秀屿区文体旅游局", &[]),
    ]);
    let conflict_t = forge(&inputs(
        "PT-2026-V20",
        conflict_frame.clone(),
        conflict_pool,
        json!({"default": {"count": 4}, "inspectors_per_target": 2}),
        50,
        &[NOTARY],
    ))?;
    let conflict_csv = "inspector_id,department,conflicts\n\
        ZF1,莆田市文化和旅游局,A\u{85};\u{feff}B\n\
        ZF2,城厢区文体旅游局,\u{3000}B ; C\u{a0}\n\
        ZF3,涵江区文体旅游局,\n\
        ZF4,荔城区文体旅游局,\" D;;\"\n\
        ZF5,秀屿区文体旅游局,\u{85}\n";
    let blank_t = forge(&inputs(
        "PT-2026-V21",
        conflict_frame.clone(),
        plain_pool(3),
        json!({"default": {"count": 2}, "inspectors_per_target": 2}),
        51,
        &[NOTARY],
    ))?;
    let blank_t_copy = blank_t.clone();
    let quote_t = forge(&inputs(
        "PT-2026-V22",
        frame(&[("a\"b", "S"), ("c", "S"), ("d", "S")]),
        plain_pool(3),
        json!({"default": {"count": 2}, "inspectors_per_target": 2}),
        52,
        &[NOTARY],
    ))?;
    let plain_pool_csv = "inspector_id,department,conflicts\r\nZF001,莆田市文化和旅游局,\r\nZF002,莆田市文化和旅游局,\r\nZF003,莆田市文化和旅游局,\r\n";
    Ok(vec![
        (
            "01-one-inspector-per-target",
            "A self-consistent transcript whose commitment assigns 1 inspector per target: commit refuses it, so every verifier must (§14 step 4).",
            three(),
            plain_pool(4),
            forge(&base(
                "PT-2026-V01",
                json!({"default": {"count": 2}, "inspectors_per_target": 1}),
                31,
            ))?,
            None,
            failed(
                "commitment.parameters.inspectors_per_target",
                "invalid-parameters",
            ),
        ),
        (
            "02-no-inspector-per-target",
            "inspectors_per_target 0: refused at §14 step 4 like 1.",
            three(),
            plain_pool(4),
            forge(&base(
                "PT-2026-V02",
                json!({"default": {"count": 2}, "inspectors_per_target": 0}),
                32,
            ))?,
            None,
            failed(
                "commitment.parameters.inspectors_per_target",
                "invalid-parameters",
            ),
        ),
        (
            "03-cap-zero",
            "A cap of 0 assignments per inspector (assignment would ignore it): refused at §14 step 4.",
            three(),
            plain_pool(4),
            forge(&base(
                "PT-2026-V03",
                json!({"default": {"count": 2}, "inspectors_per_target": 2, "max_assignments_per_inspector": 0}),
                33,
            ))?,
            None,
            failed(
                "commitment.parameters.max_assignments_per_inspector",
                "invalid-parameters",
            ),
        ),
        (
            "04-no-target",
            "Parameters that select no target (the transcript has no selection): refused at §14 step 4.",
            three(),
            plain_pool(4),
            forge(&base(
                "PT-2026-V04",
                json!({"strata": {"S": {"count": 0}}, "inspectors_per_target": 2}),
                34,
            ))?,
            None,
            failed("commitment.parameters", "invalid-parameters"),
        ),
        (
            "05-drawn-before-commit",
            "A witness-only draw dated 25 years before its commitment: refused at §14 step 7h.",
            three(),
            plain_pool(4),
            before,
            None,
            failed("drawn_at", "drawn-before-commit"),
        ),
        (
            "06-drawn-at-commit-time",
            "A draw dated the same second as its commitment is not before it: verified.",
            three(),
            plain_pool(4),
            equal_times,
            None,
            verified(),
        ),
        (
            "07-missing-strata",
            "A commitment whose parameters lack the member strata (writers always write it, possibly {}): malformed, not read as {}.",
            three(),
            plain_pool(4),
            with_v(&|t| {
                if let Some(p) = t["commitment"]["parameters"].as_object_mut() {
                    p.remove("strata");
                }
            })?,
            None,
            malformed(),
        ),
        (
            "08-leap-second",
            "committed_at 23:59:60Z (a leap second): not a §2 timestamp, malformed (not read as 23:59:59Z, whose hash the transcript carries).",
            three(),
            plain_pool(4),
            leap,
            None,
            malformed(),
        ),
        (
            "09-null-optional-member",
            "max_assignments_per_inspector: null — an optional member is absent, never null (§3): malformed.",
            three(),
            plain_pool(4),
            with_v(&|t| {
                t["commitment"]["parameters"]["max_assignments_per_inspector"] = Value::Null
            })?,
            None,
            malformed(),
        ),
        (
            "10-unknown-member",
            "A member the spec does not define, here in commitment.frame: malformed (unknown members are refused in every object, §3).",
            three(),
            plain_pool(4),
            with_v(&|t| t["commitment"]["frame"]["note"] = "x".into())?,
            None,
            malformed(),
        ),
        (
            "11-ratio-leading-zeros",
            "A ratio spelled \"00.400\": readers accept leading and trailing zeros and hash the shortest form \"0.4\" (§6.1): verified.",
            three(),
            plain_pool(4),
            ratio_zeros,
            None,
            verified(),
        ),
        (
            "12-published-commitment-upper-case",
            "The published commitment spells secret_commitment in upper case: step 0 compares writer forms, so it equals the transcript's: verified.",
            three(),
            plain_pool(4),
            upper.0,
            Some(upper.1),
            verified(),
        ),
        (
            "13-conflict-items-trimmed",
            "Pool CSV conflict items lose white space (Unicode White_Space: U+0085, U+3000, U+00A0, U+0020) at both ends and nothing else; U+FEFF stays part of the item; empty items are ignored.",
            conflict_frame.clone(),
            json!({"csv": conflict_csv}),
            conflict_t,
            None,
            verified(),
        ),
        (
            "14-csv-blank-lines",
            "Blank lines (LF or CRLF) anywhere in a CSV file are skipped; a BOM and white space around header names are allowed.",
            json!({"csv": "\u{feff} target_id ,stratum\r\n\r\nA,S\r\nB,S\r\n\r\n\r\nC,S\r\nD,S\r\n\r\n"}),
            json!({"csv": plain_pool_csv}),
            blank_t.clone(),
            None,
            verified(),
        ),
        (
            "15-csv-white-space-line",
            "A line holding only white space is not blank: it is a record with too few fields, and the frame file is refused.",
            json!({"csv": "target_id,stratum\nA,S\nB,S\n \nC,S\nD,S\n"}),
            json!({"csv": plain_pool_csv}),
            blank_t.clone(),
            None,
            json!({"verdict": "frame"}),
        ),
        (
            "16-secret-with-white-space",
            "The revealed secret with a space before it: a digest or secret is exactly 64 hex characters (§2), so the transcript is malformed (not read as the secret without the space).",
            three(),
            plain_pool(4),
            with_v(&|t| {
                let s = t["secret"].as_str().unwrap_or_default().to_owned();
                t["secret"] = format!(" {s}").into();
            })?,
            None,
            malformed(),
        ),
        (
            "17-integer-above-2-53",
            "A stratum population of 2^53 (commitment.strata[0].population): no integer of this spec exceeds 2^53 - 1 (§3), so the transcript is malformed — as it is for a reader whose numbers are doubles.",
            three(),
            plain_pool(4),
            with_v(&|t| t["commitment"]["strata"][0]["population"] = json!(1u64 << 53))?,
            None,
            malformed(),
        ),
        (
            "18-csv-quote-inside-field",
            "A quote inside a field that does not start with one (a\"b): not RFC 4180, the frame file is refused (a reader does not take the quote literally).",
            json!({"csv": "target_id,stratum\na\"b,S\nc,S\nd,S\n"}),
            json!({"csv": plain_pool_csv}),
            quote_t.clone(),
            None,
            json!({"verdict": "frame"}),
        ),
        (
            "19-csv-text-after-quote",
            "Text after a closing quote (\"a\"\"b\"x): not RFC 4180, the frame file is refused.",
            json!({"csv": "target_id,stratum\n\"a\"\"b\"x,S\nc,S\nd,S\n"}),
            json!({"csv": plain_pool_csv}),
            quote_t.clone(),
            None,
            json!({"verdict": "frame"}),
        ),
        (
            "20-csv-escaped-quote",
            "A quoted field with a doubled quote (\"a\"\"b\") is the target id a\"b, which §4.1 allows: verified.",
            json!({"csv": "target_id,stratum\n\"a\"\"b\",S\nc,S\nd,S\n"}),
            json!({"csv": plain_pool_csv}),
            quote_t,
            None,
            verified(),
        ),
        (
            "21-other-version-before-frame-file",
            "A transcript of another spec version, given with a frame file that would be refused: step 1 comes first, so the version is named (the frame file is read at step 2).",
            json!({"csv": "target_id,stratum\nA,S\n \n"}),
            json!({"csv": plain_pool_csv}),
            with_v(&|t| t["spec_version"] = "spotcheck-draw/2".into())?,
            None,
            failed("spec_version", "unsupported-version"),
        ),
        (
            "22-frame-before-pool-file",
            "Another frame than the committed one (same size), given with a pool file that would be refused: step 2 names the frame root before the pool file is read at step 3.",
            json!({"csv": "target_id,stratum\nA,S\nB,S\nC,S\nE,S\n"}),
            json!({"csv": "inspector_id,department,conflicts\nZF001,D\n"}),
            blank_t_copy,
            None,
            json!({"verdict": "failed", "field": "commitment.frame.root"}),
        ),
    ])
}

fn write_new_verify_vectors() -> TestResult {
    std::fs::create_dir_all(verify_dir())?;
    for (name, desc, frame, pool, transcript, commitment, want) in verify_definitions()? {
        let path = verify_dir().join(format!("{name}.json"));
        if path.exists() {
            continue;
        }
        let mut v = serde_json::Map::new();
        v.insert("desc".into(), desc.into());
        v.insert("frame".into(), frame);
        v.insert("pool".into(), pool);
        v.insert("transcript".into(), transcript);
        if let Some(c) = commitment {
            v.insert("commitment".into(), c);
        }
        v.insert("want".into(), want);
        let pretty = serde_json::to_string_pretty(&Value::Object(v))?;
        // Invisible characters (inside strings: nothing else is non-ASCII) as JSON escapes, so a
        // reader sees them.
        let mut text = String::with_capacity(pretty.len());
        for c in pretty.chars() {
            if !c.is_ascii() && (c.is_whitespace() || c == '\u{feff}') {
                text.push_str(&format!("\\u{:04x}", u32::from(c)));
            } else {
                text.push(c);
            }
        }
        text.push('\n');
        std::fs::write(&path, text)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Builds a frame or pool listed entry by entry (`{"entries": …}`); `None` for a CSV file.
fn listed(
    frame_v: &Value,
    pool_v: &Value,
) -> Result<
    Option<(
        spotcheck_domain::frame::Frame,
        spotcheck_domain::frame::InspectorPool,
    )>,
    Box<dyn std::error::Error>,
> {
    if frame_v.get("entries").is_none() || pool_v.get("entries").is_none() {
        return Ok(None);
    }
    let i: spotcheck_domain::vectors::Inputs = serde_json::from_value(json!({
        "plan_id": "P", "committed_at": "2026-01-01T00:00:00Z", "drawn_at": "2026-01-01T00:00:00Z",
        "frame": frame_v, "pool": pool_v, "parameters": {"inspectors_per_target": 2},
        "entropy_source": {"witnesses": ["W"]}, "secret": secret(0),
        "entropy": {"witnesses": [{"name": "W", "value": "1"}]},
    }))?;
    Ok(Some((i.build_frame()?, i.build_pool()?)))
}

/// The domain verifier's verdict on a verification vector with listed frame and pool (the CSV
/// ones are run through `spotcheck verify` in functions/cli/tests/verify_vectors.rs).
fn domain_verdict(v: &Value) -> Result<Option<Value>, Box<dyn std::error::Error>> {
    use spotcheck_domain::draw::{Commitment, Transcript, check_published_commitment, verify};
    let Some((frame, pool)) = listed(&v["frame"], &v["pool"])? else {
        return Ok(None);
    };
    let Ok(t) = serde_json::from_value::<Transcript>(v["transcript"].clone()) else {
        return Ok(Some(malformed()));
    };
    let mut outcome = Ok(());
    if let Some(c) = v.get("commitment") {
        let Ok(published) = serde_json::from_value::<Commitment>(c.clone()) else {
            return Ok(Some(malformed()));
        };
        outcome = check_published_commitment(&t, &published);
    }
    let outcome = outcome.and_then(|()| verify(&t, &frame, &pool));
    Ok(Some(match outcome {
        Ok(()) => verified(),
        Err(e) => match e.code() {
            Some(code) => failed(e.field(), code),
            None => json!({"verdict": "failed", "field": e.field()}),
        },
    }))
}

#[test]
fn every_verification_vector_gets_its_verdict() -> TestResult {
    let vectors = frozen_verify()?;
    assert!(
        vectors.len() >= 15,
        "only {} verification vectors",
        vectors.len()
    );
    let mut checked = 0;
    for (name, v) in vectors {
        if let Some(got) = domain_verdict(&v)? {
            assert_eq!(got, v["want"], "{name}: {}", v["desc"]);
            checked += 1;
        }
    }
    assert!(
        checked >= 12,
        "only {checked} verification vectors checked here"
    );
    Ok(())
}

#[test]
fn verification_vectors_match_their_definitions() -> TestResult {
    // The files are frozen; the definitions that made them must still make them (so the
    // generator above documents exactly what each file holds).
    let frozen = frozen_verify()?;
    for (name, desc, frame, pool, transcript, commitment, want) in verify_definitions()? {
        let file = format!("{name}.json");
        let Some((_, v)) = frozen.iter().find(|(n, _)| *n == file) else {
            return Err(
                format!("{file} is defined but not written: run the ignored writer").into(),
            );
        };
        assert_eq!(v["desc"], desc, "{name}");
        assert_eq!(
            (&v["frame"], &v["pool"], &v["transcript"], &v["want"]),
            (&frame, &pool, &transcript, &want),
            "{name}"
        );
        assert_eq!(v.get("commitment"), commitment.as_ref(), "{name}");
    }
    Ok(())
}
