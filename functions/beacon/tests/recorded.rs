//! The recorded-beacon adapter over real quicknet rounds, and corrupted copies of them.

use std::path::PathBuf;

use spotcheck_beacon::{FetchError, RecordedBeacons, fetch_promised_round_blocking};
use spotcheck_domain::draw::{BeaconError, DrandChain, DrandSource, QUICKNET};
use spotcheck_domain::ids::Digest;
use spotcheck_domain::time::Timestamp;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn beacons_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/beacons")
}

fn later() -> Result<Timestamp, Box<dyn std::error::Error>> {
    Ok("2026-11-27T09:30:00Z".parse()?)
}

fn promised(round: u64) -> DrandSource {
    DrandSource {
        chain_hash: QUICKNET.chain_hash,
        round,
    }
}

fn recorded_1000() -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(beacons_dir().join("quicknet-1000.json"))?;
    Ok(serde_json::from_str(&text)?)
}

fn invalid(result: Result<impl std::fmt::Debug, FetchError>) -> Option<BeaconError> {
    match result {
        Err(FetchError::Invalid { error, .. }) => Some(error),
        other => {
            eprintln!("not an Invalid error: {other:?}");
            None
        }
    }
}

#[test]
fn the_recorded_quicknet_rounds_verify_offline() -> TestResult {
    let recorded = RecordedBeacons::from_dir(&beacons_dir())?;
    assert!(recorded.rounds().count() >= 2);
    for (round, randomness) in [
        (
            123,
            "fb8f7bc29bf24db51871ec8c79f3a1e4bd0557bc0dfcee9ed1d924e69d1c60dc",
        ),
        (
            1000,
            "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd",
        ),
    ] {
        let b = fetch_promised_round_blocking(&recorded, &promised(round), later()?)?;
        assert_eq!(b.round, round);
        assert_eq!(b.chain_hash, QUICKNET.chain_hash);
        assert_eq!(b.randomness.to_hex(), randomness);
    }
    Ok(())
}

#[test]
fn a_round_not_recorded_is_reported_not_replaced() -> TestResult {
    let recorded = RecordedBeacons::from_dir(&beacons_dir())?;
    let e = fetch_promised_round_blocking(&recorded, &promised(1001), later()?);
    assert!(
        matches!(e, Err(FetchError::NotRecorded { round: 1001, .. })),
        "{e:?}"
    );
    Ok(())
}

#[test]
fn asking_before_the_round_time_is_refused() -> TestResult {
    let recorded = RecordedBeacons::from_dir(&beacons_dir())?;
    // Round 1000 is published at 2023-08-23T15:59:24Z.
    let early: Timestamp = "2023-08-23T15:59:23Z".parse()?;
    let e = fetch_promised_round_blocking(&recorded, &promised(1000), early);
    assert!(matches!(e, Err(FetchError::TooEarly { .. })), "{e:?}");
    let on_time: Timestamp = "2023-08-23T15:59:24Z".parse()?;
    fetch_promised_round_blocking(&recorded, &promised(1000), on_time)?;
    let unknown = DrandSource {
        chain_hash: Digest::from_bytes([9; 32]),
        round: 1000,
    };
    let e = fetch_promised_round_blocking(&recorded, &unknown, later()?);
    assert!(matches!(e, Err(FetchError::UnknownChain(_))), "{e:?}");
    Ok(())
}

#[test]
fn a_recording_under_the_wrong_round_is_rejected() -> TestResult {
    let mut v = recorded_1000()?;
    v["round"] = 1001.into();
    v.as_object_mut().map(|o| o.remove("randomness"));
    let recorded = RecordedBeacons::from_json(&v.to_string(), "wrong-round")?;
    let e = invalid(fetch_promised_round_blocking(
        &recorded,
        &promised(1001),
        later()?,
    ));
    assert!(
        matches!(e, Some(BeaconError::BadSignature { round: 1001, .. })),
        "{e:?}"
    );
    Ok(())
}

#[test]
fn a_signature_with_one_flipped_bit_is_rejected() -> TestResult {
    let v = recorded_1000()?;
    let sig = hex::decode(v["signature"].as_str().ok_or("signature")?)?;
    for bit in [0usize, 9, 200, sig.len() * 8 - 1] {
        let mut bad = sig.clone();
        if let Some(b) = bad.get_mut(bit / 8) {
            *b ^= 1 << (bit % 8);
        }
        let mut w = v.clone();
        w["signature"] = hex::encode(&bad).into();
        let recorded = RecordedBeacons::from_json(&w.to_string(), "flipped")?;
        let e = invalid(fetch_promised_round_blocking(
            &recorded,
            &promised(1000),
            later()?,
        ))
        .ok_or("expected a rejected signature")?;
        assert_eq!(e.field(), "entropy.drand.signature", "bit {bit}: {e}");
        assert_eq!(e.code(), "beacon-signature");
    }
    Ok(())
}

#[test]
fn a_round_checked_against_another_key_is_rejected() -> TestResult {
    // drand fastnet's group key (published in the drand-verify 0.6.2 tests): a valid G2 point
    // that is not quicknet's.
    let key: &'static [u8] = Box::leak(
        hex::decode("a0b862a7527fee3a731bcb59280ab6abd62d5c0b6ea03dc4ddf6612fdfc9d01f01c31542541771903475eb1ec6615f8d0df0b8b6dce385811d6dcf8cbefb8759e5e616a3dfd054c928940766d9a5b9db91e3b697e5d70a975181e007f87fca5e")?
            .into_boxed_slice(),
    );
    let chain: &'static DrandChain = Box::leak(Box::new(DrandChain {
        public_key: key,
        ..QUICKNET
    }));
    let recorded = RecordedBeacons::from_dir(&beacons_dir())?;
    let e = invalid(spotcheck_beacon_fetch(&recorded, chain, 1000));
    assert!(matches!(e, Some(BeaconError::BadSignature { .. })), "{e:?}");
    Ok(())
}

fn spotcheck_beacon_fetch(
    recorded: &RecordedBeacons,
    chain: &'static DrandChain,
    round: u64,
) -> Result<spotcheck_domain::draw::DrandBeacon, FetchError> {
    use spotcheck_beacon::BeaconSource;
    tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| FetchError::Runtime(e.to_string()))?
        .block_on(recorded.fetch_round(chain, round))
}

#[test]
fn a_recording_of_another_chain_is_rejected() -> TestResult {
    let mut v = recorded_1000()?;
    // drand's default (mainnet) chain hash.
    v["chain_hash"] = "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce".into();
    let recorded = RecordedBeacons::from_json(&v.to_string(), "other-chain")?;
    let e = invalid(fetch_promised_round_blocking(
        &recorded,
        &promised(1000),
        later()?,
    ));
    assert!(
        matches!(e, Some(BeaconError::ChainMismatch { .. })),
        "{e:?}"
    );
    Ok(())
}

#[test]
fn a_recording_whose_randomness_is_not_the_signature_hash_is_rejected() -> TestResult {
    let mut v = recorded_1000()?;
    v["randomness"] = "00".repeat(32).into();
    let recorded = RecordedBeacons::from_json(&v.to_string(), "bad-randomness")?;
    let e = invalid(fetch_promised_round_blocking(
        &recorded,
        &promised(1000),
        later()?,
    ));
    assert_eq!(e.map(|e| e.field()), Some("entropy.drand.randomness"));
    Ok(())
}

#[test]
fn a_relay_answer_saved_as_is_is_a_recording() -> TestResult {
    let text = r#"{"round":123,"randomness":"fb8f7bc29bf24db51871ec8c79f3a1e4bd0557bc0dfcee9ed1d924e69d1c60dc","signature":"b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92"}"#;
    let recorded = RecordedBeacons::from_json(text, "curl")?;
    fetch_promised_round_blocking(&recorded, &promised(123), later()?)?;
    assert!(matches!(
        RecordedBeacons::from_json("{}", "empty"),
        Err(FetchError::File { .. })
    ));
    Ok(())
}
