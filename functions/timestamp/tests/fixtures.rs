//! The known-answer tokens in fixtures/timestamps/, verified offline (no TSA, no network), as
//! any other verifier of the spec (e.g. the browser's) must verify them.
//!
//! They were made by `openssl ts -reply` with the test PKI of `support`; to make new ones run
//! `cargo test -p spotcheck-timestamp --test fixtures -- --ignored write_fixtures` (this writes
//! new keys, times and tokens: the old files are replaced, never edited).

mod support;

use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_timestamp::{Nonce, TrustAnchors, build_request, check_before, verify_response};
use support::{Key, Pki, TestResult};

/// The commitment hash of vector 01-minimal (docs/draw-spec.md Appendix B).
const COMMITMENT_HASH: &str = "c81d075c87a46ba330c04f540b6ebf1af211317335e4b9959df2cb2952f64578";
/// quicknet (docs/draw-spec.md §7.3): genesis and period.
const QUICKNET_GENESIS: i64 = 1_692_803_367;
const QUICKNET_PERIOD: i64 = 3;

#[derive(Debug, Serialize, Deserialize)]
struct Vectors {
    desc: String,
    anchor: String,
    vectors: Vec<Vector>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Vector {
    name: String,
    desc: String,
    file: String,
    commitment_hash: String,
    nonce: String,
    /// The quicknet round the commitment promised; the deadline is its time.
    round: i64,
    deadline: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    expected: Option<Expected>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    want_err: Option<String>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Expected {
    gen_time: String,
    latest: String,
    authority: String,
    anchor: String,
    serial: String,
    policy: String,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/timestamps")
}

fn text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn hash32(hex_text: &str) -> Result<[u8; 32], support::Error> {
    let bytes = hex::decode(hex_text)?;
    Ok(bytes.as_slice().try_into()?)
}

fn round_time(round: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(QUICKNET_GENESIS + (round - 1) * QUICKNET_PERIOD, 0)
}

#[test]
fn the_known_answer_tokens_verify_offline_as_recorded() -> TestResult {
    let vectors: Vectors =
        serde_json::from_str(&std::fs::read_to_string(dir().join("vectors.json"))?)?;
    let anchors = TrustAnchors::from_pem(&std::fs::read_to_string(dir().join(&vectors.anchor))?)?;
    assert!(vectors.vectors.len() >= 4);
    let mut refused = Vec::new();
    for v in &vectors.vectors {
        let response = std::fs::read(dir().join(&v.file))?;
        let nonce = Nonce::new(u64::from_str_radix(&v.nonce, 16)?);
        let deadline: DateTime<Utc> = v.deadline.parse()?;
        assert_eq!(Some(deadline), round_time(v.round), "{}: deadline", v.name);
        let outcome = verify_response(
            &response,
            &hash32(&v.commitment_hash)?,
            Some(nonce),
            &anchors,
        )
        .map_err(|e| e.code())
        .and_then(|stamp| {
            check_before(&stamp, deadline)
                .map(|()| stamp)
                .map_err(|e| e.code())
        });
        match (&v.expected, &v.want_err, outcome) {
            (Some(expected), None, Ok(stamp)) => {
                let got = Expected {
                    gen_time: text(stamp.gen_time),
                    latest: text(stamp.latest),
                    authority: stamp.authority,
                    anchor: stamp.anchor,
                    serial: stamp.serial,
                    policy: stamp.policy,
                };
                assert_eq!(&got, expected, "{}", v.name);
            }
            (None, Some(want), Err(code)) => {
                assert_eq!(code, want, "{}", v.name);
                refused.push(code);
            }
            (_, _, outcome) => {
                return Err(format!("{}: unexpected outcome {outcome:?}", v.name).into());
            }
        }
    }
    refused.sort_unstable();
    assert_eq!(
        refused,
        [
            "timestamp-imprint",
            "timestamp-too-late",
            "timestamp-untrusted"
        ]
    );
    Ok(())
}

#[test]
#[ignore = "writes new fixtures; run by hand"]
fn write_fixtures() -> TestResult {
    let pki = Pki::new()?;
    pki.root("root", "spotcheck test root", Key::Rsa)?;
    let tsa = pki.tsa(
        "tsa",
        "spotcheck test TSA",
        "root",
        Key::P256,
        "sha256",
        &["root"],
    )?;
    pki.root("rogue-root", "rogue root", Key::P256)?;
    let rogue = pki.tsa(
        "rogue",
        "spotcheck test TSA",
        "rogue-root",
        Key::P256,
        "sha256",
        &["rogue-root"],
    )?;
    let anchors = TrustAnchors::from_pem(&pki.pem("root")?)?;
    let commitment = hash32(COMMITMENT_HASH)?;
    let other: [u8; 32] =
        hash32("0000000000000000000000000000000000000000000000000000000000000001")?;

    let mut vectors = Vec::new();
    let cases: [(&str, &str, &support::Tsa, [u8; 32], u64); 4] = [
        (
            "valid",
            "a token for the commitment, by a TSA under the anchor, made a minute before the promised round",
            &tsa,
            commitment,
            0x1111_2222_3333_4444,
        ),
        (
            "wrong-imprint",
            "a valid token for another hash: it proves nothing about this commitment",
            &tsa,
            other,
            0x5555_6666_7777_8888,
        ),
        (
            "wrong-signer",
            "a token for the commitment by a TSA of the same name under another root",
            &rogue,
            commitment,
            0x9999_aaaa_bbbb_cccc,
        ),
        (
            "after-round",
            "a valid token for the commitment, made a minute after the promised round was published",
            &tsa,
            commitment,
            0xdddd_eeee_ffff_0001,
        ),
    ];
    for (name, desc, signer, hash, nonce) in cases {
        let response = signer.reply(&build_request(&hash, Nonce::new(nonce))?)?;
        let file = format!("{name}.tsr");
        std::fs::write(dir().join(&file), &response)?;
        // The round: one whose time is a minute after the token, or a minute before it.
        let trusted = if name == "wrong-signer" {
            TrustAnchors::from_pem(&pki.pem("rogue-root")?)?
        } else {
            anchors.clone()
        };
        let any_hash = if name == "wrong-imprint" {
            other
        } else {
            commitment
        };
        let stamp = verify_response(&response, &any_hash, Some(Nonce::new(nonce)), &trusted)?;
        let target = if name == "after-round" {
            stamp.gen_time - TimeDelta::seconds(60)
        } else {
            stamp.latest + TimeDelta::seconds(60)
        };
        let round = (target.timestamp() - QUICKNET_GENESIS) / QUICKNET_PERIOD + 1;
        let deadline = round_time(round).ok_or("round time")?;
        let ok = name == "valid";
        vectors.push(Vector {
            name: name.into(),
            desc: desc.into(),
            file,
            commitment_hash: COMMITMENT_HASH.into(),
            nonce: format!("{nonce:016x}"),
            round,
            deadline: text(deadline),
            expected: ok.then(|| Expected {
                gen_time: text(stamp.gen_time),
                latest: text(stamp.latest),
                authority: stamp.authority.clone(),
                anchor: stamp.anchor.clone(),
                serial: stamp.serial.clone(),
                policy: stamp.policy.clone(),
            }),
            want_err: (!ok).then(|| {
                match name {
                    "wrong-imprint" => "timestamp-imprint",
                    "wrong-signer" => "timestamp-untrusted",
                    _ => "timestamp-too-late",
                }
                .to_owned()
            }),
        });
    }
    std::fs::write(dir().join("anchor.pem"), pki.pem("root")?)?;
    let all = Vectors {
        desc: "RFC 3161 time-stamp tokens for the commitment of vector 01-minimal \
               (docs/draw-spec.md §16). Verify each file against anchor.pem with the commitment \
               hash and nonce, then check its latest time (genTime + accuracy) is before \
               the deadline, the time of the promised quicknet round."
            .into(),
        anchor: "anchor.pem".into(),
        vectors,
    };
    std::fs::write(
        dir().join("vectors.json"),
        serde_json::to_string_pretty(&all)? + "\n",
    )?;
    Ok(())
}

mod mutations {
    use super::*;
    use proptest::prelude::*;

    fn valid() -> Result<(Vec<u8>, TrustAnchors, [u8; 32]), support::Error> {
        let response = std::fs::read(dir().join("valid.tsr"))?;
        let anchors = TrustAnchors::from_pem(&std::fs::read_to_string(dir().join("anchor.pem"))?)?;
        Ok((response, anchors, hash32(COMMITMENT_HASH)?))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Changed or cut bytes never panic the verifier, and never change what a token says:
        /// either it is refused, or the change was outside what is signed and checked (e.g. the
        /// copy of the root the token carries) and the stamp is the same.
        #[test]
        fn no_change_to_a_token_changes_what_it_says(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
            cut in proptest::option::of(any::<prop::sample::Index>()),
        ) {
            let (mut bytes, anchors, hash) = valid().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let original = verify_response(&bytes, &hash, None, &anchors)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            for (at, xor) in edits {
                let i = at.index(bytes.len());
                bytes[i] ^= xor;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut.index(bytes.len()));
            }
            if let Ok(stamp) = verify_response(&bytes, &hash, None, &anchors) {
                prop_assert_eq!(stamp, original);
            }
        }

        /// Arbitrary bytes are refused without a panic.
        #[test]
        fn arbitrary_bytes_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
            let (_, anchors, hash) = valid().map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(verify_response(&bytes, &hash, None, &anchors).is_err());
        }
    }
}

#[test]
fn a_draws_tokens_are_judged_together() -> TestResult {
    let vectors: Vectors =
        serde_json::from_str(&std::fs::read_to_string(dir().join("vectors.json"))?)?;
    let anchors = TrustAnchors::from_pem(&std::fs::read_to_string(dir().join(&vectors.anchor))?)?;
    let hash = hash32(COMMITMENT_HASH)?;
    let valid = vectors
        .vectors
        .iter()
        .find(|v| v.name == "valid")
        .ok_or("no valid vector")?;
    let deadline: DateTime<Utc> = valid.deadline.parse()?;
    let files: Vec<(String, Vec<u8>)> = ["wrong-signer.tsr", "valid.tsr", "wrong-imprint.tsr"]
        .iter()
        .map(|f| Ok(((*f).to_owned(), std::fs::read(dir().join(f))?)))
        .collect::<Result<_, std::io::Error>>()?;
    let tokens = || files.iter().map(|(l, d)| (l.as_str(), d.as_slice()));

    // One good token among bad ones proves the time; the bad ones are still reported.
    let a = spotcheck_timestamp::assess(tokens(), &hash, deadline, &anchors);
    let proven = a.proven().ok_or("nothing proven")?;
    assert_eq!(
        Some(text(proven.gen_time)),
        valid.expected.as_ref().map(|e| e.gen_time.clone())
    );
    let failed: Vec<_> = a.failures().map(|(l, e)| (l, e.code())).collect();
    assert_eq!(
        failed,
        [
            ("wrong-signer.tsr", "timestamp-untrusted"),
            ("wrong-imprint.tsr", "timestamp-imprint")
        ]
    );
    assert!(
        a.summary().starts_with("the commitment existed by "),
        "{}",
        a.summary()
    );
    assert!(a.summary().contains("CN=spotcheck test TSA"));

    // Before a deadline the good token does not beat, nothing is proven, and it says so.
    let early = proven.gen_time - TimeDelta::seconds(1);
    let a = spotcheck_timestamp::assess(tokens(), &hash, early, &anchors);
    assert!(a.proven().is_none());
    assert!(
        a.failures()
            .any(|(l, e)| l == "valid.tsr" && e.code() == "timestamp-too-late")
    );
    assert!(
        a.summary().ends_with("rests on the bureau's word alone"),
        "{}",
        a.summary()
    );

    // No token at all.
    let a = spotcheck_timestamp::assess([], &hash, deadline, &anchors);
    assert_eq!(
        a.summary(),
        "no time-stamp token: the commitment's publication time rests on the bureau's word alone"
    );
    Ok(())
}
