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
