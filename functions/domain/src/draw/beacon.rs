//! The drand public randomness beacon as an entropy source (spec §7.3).
//!
//! A commitment may name a future round of a drand chain ([`DrandSource`]); the draw records that
//! round's signature and randomness ([`DrandBeacon`]) once it exists. Nobody, the operator
//! included, knows the round's value when the commitment is published, so operator and witnesses
//! together still cannot steer the draw.
//!
//! Everything here is pure: fetching a round is the caller's job (crate `spotcheck-beacon`); this
//! module decides whether a round it is handed is authentic, by checking its BLS signature against
//! the chain's public key with [`drand_verify`] (pure Rust over `bls12_381`, so this crate still
//! builds for `wasm32-unknown-unknown`; no pairing code is written here).
//!
//! ```
//! use spotcheck_domain::draw::{QUICKNET, known_chain};
//!
//! // Round 1000 of quicknet, as published by every drand relay.
//! let sig = hex::decode("b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39")?;
//! let randomness = QUICKNET.verify_signature(1000, &sig)?;
//! assert_eq!(randomness.to_hex(), "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd");
//! assert!(QUICKNET.verify_signature(1001, &sig).is_err());
//! assert_eq!(known_chain(&QUICKNET.chain_hash), Some(&QUICKNET));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use drand_verify::{G2PubkeyRfc, Pubkey};
use serde::{Deserialize, Serialize};

use crate::encoding::sha256;
use crate::ids::{Digest, IdError};
use crate::time::Timestamp;

/// The largest round a commitment may name: canonical JSON carries integers up to 2^53 − 1 (§3).
pub const MAX_ROUND: u64 = (1 << 53) - 1;

/// The longest signature accepted (a G2 point, compressed). Quicknet's are 48 bytes (G1).
const MAX_SIGNATURE_BYTES: usize = 96;

/// How a drand chain signs its rounds (its `schemeID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrandScheme {
    /// `bls-unchained-g1-rfc9380`: unchained BLS, signatures on G1 (48 bytes), public key on G2,
    /// hashed to the curve per RFC 9380 with DST `BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_`;
    /// the signed message is `SHA-256(u64be(round))`.
    BlsUnchainedG1Rfc9380,
}

impl DrandScheme {
    /// The scheme id as drand's `/info` endpoint names it.
    pub const fn id(self) -> &'static str {
        match self {
            DrandScheme::BlsUnchainedG1Rfc9380 => "bls-unchained-g1-rfc9380",
        }
    }
}

/// What a verifier needs to know about a drand chain, fixed by its chain hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrandChain {
    /// Short name, e.g. `quicknet`.
    pub name: &'static str,
    /// The chain hash (the hash of the chain's info), which commitments name.
    pub chain_hash: Digest,
    /// The group public key, compressed.
    pub public_key: &'static [u8],
    /// How rounds are signed.
    pub scheme: DrandScheme,
    /// Unix time of round 1.
    pub genesis_time: i64,
    /// Seconds between rounds.
    pub period_seconds: u32,
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => 0,
    }
}

/// Lowercase hex to bytes at compile time (the tests compare the result with the source text).
const fn hex_array<const N: usize>(s: &str) -> [u8; N] {
    let b = s.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

const QUICKNET_HASH_HEX: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
const QUICKNET_KEY_HEX: &str = "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a";
const QUICKNET_KEY: [u8; 96] = hex_array(QUICKNET_KEY_HEX);

/// drand quicknet, the League of Entropy's 3-second unchained chain (live since 2023-08-23).
///
/// Sources: the chain's `/info` document
/// (`https://api.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/info`:
/// `public_key 83cf0f28…5ece45a`, `period 3`, `genesis_time 1692803367`,
/// `schemeID bls-unchained-g1-rfc9380`), as quoted in drand's own client examples
/// (drand/go-clients, `jsonQuicknetInfo`: "can be hardcoded since these don't change over time")
/// and in the crate `drand-verify` 0.6.2 (`PK_QUICKNET`, doc example of `G2PubkeyRfc`), whose
/// quicknet round 123 test also passes against this key here.
pub const QUICKNET: DrandChain = DrandChain {
    name: "quicknet",
    chain_hash: Digest::from_bytes(hex_array(QUICKNET_HASH_HEX)),
    public_key: &QUICKNET_KEY,
    scheme: DrandScheme::BlsUnchainedG1Rfc9380,
    genesis_time: 1_692_803_367,
    period_seconds: 3,
};

/// The chains a commitment may name. A verifier needs the public key offline, so only chains
/// listed here are accepted; adding one is an addition to spec §7.3.
pub const KNOWN_CHAINS: &[DrandChain] = &[QUICKNET];

/// The known chain with this hash.
pub fn known_chain(chain_hash: &Digest) -> Option<&'static DrandChain> {
    KNOWN_CHAINS.iter().find(|c| &c.chain_hash == chain_hash)
}

impl DrandChain {
    /// When `round` is published: `genesis_time + (round − 1) · period` (drand's
    /// `common.TimeOfRound`). `None` for round 0 (drand's fixed genesis seed, never a source) or a
    /// round beyond [`MAX_ROUND`].
    pub fn round_time(&self, round: u64) -> Option<Timestamp> {
        if round == 0 || round > MAX_ROUND {
            return None;
        }
        let offset = i64::try_from(round - 1)
            .ok()?
            .checked_mul(i64::from(self.period_seconds))?;
        Some(Timestamp::from_unix(self.genesis_time.checked_add(offset)?))
    }

    /// The first round whose time is at or after `t`:
    /// `ceil((t − genesis_time) / period) + 1`, or 1 before genesis.
    pub fn first_round_at_or_after(&self, t: Timestamp) -> u64 {
        let since = t.unix().saturating_sub(self.genesis_time);
        if since <= 0 || self.period_seconds == 0 {
            return 1;
        }
        let p = u64::from(self.period_seconds);
        (since as u64).div_ceil(p) + 1
    }

    /// Checks `signature` for `round` against this chain's public key and returns the round's
    /// randomness, `SHA-256(signature)`.
    ///
    /// # Errors
    /// [`BeaconError::MalformedSignature`] if the bytes are not a curve point,
    /// [`BeaconError::BadSignature`] if the chain did not sign this round with them,
    /// [`BeaconError::BadChainKey`] if the key itself cannot be read.
    pub fn verify_signature(&self, round: u64, signature: &[u8]) -> Result<Digest, BeaconError> {
        let valid = match self.scheme {
            DrandScheme::BlsUnchainedG1Rfc9380 => {
                let key = G2PubkeyRfc::from_variable(self.public_key).map_err(|e| {
                    BeaconError::BadChainKey {
                        chain: self.name,
                        reason: e.to_string(),
                    }
                })?;
                // Unchained: the message is SHA-256(u64be(round)), no previous signature.
                key.verify(round, b"", signature)
                    .map_err(|e| BeaconError::MalformedSignature {
                        round,
                        reason: e.to_string(),
                    })?
            }
        };
        if !valid {
            return Err(BeaconError::BadSignature {
                round,
                chain: self.name,
            });
        }
        Ok(sha256(signature))
    }
}

/// A round's BLS signature, as bytes; written as lowercase hex.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BeaconSignature(Vec<u8>);

impl BeaconSignature {
    /// Wraps raw signature bytes.
    ///
    /// # Errors
    /// [`IdError`] unless 1 to 96 bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, IdError> {
        if bytes.is_empty() || bytes.len() > MAX_SIGNATURE_BYTES {
            return Err(IdError::new(
                "beacon signature",
                &hex::encode(&bytes),
                format!("must be 1 to {MAX_SIGNATURE_BYTES} bytes"),
            ));
        }
        Ok(Self(bytes))
    }
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }
}

impl fmt::Display for BeaconSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for BeaconSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BeaconSignature({})", self.to_hex())
    }
}

impl FromStr for BeaconSignature {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes =
            hex::decode(s).map_err(|e| IdError::new("beacon signature", s, e.to_string()))?;
        Self::from_bytes(bytes)
    }
}

impl Serialize for BeaconSignature {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for BeaconSignature {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

crate::ids::openapi_string!(BeaconSignature, pattern = r"^([0-9a-fA-F]{2})+$");

/// The beacon round a commitment promises to use: `{"chain_hash": hex, "round": n}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrandSource {
    /// The chain (one of [`KNOWN_CHAINS`]).
    pub chain_hash: Digest,
    /// The round; its time must be after the commitment's `committed_at`.
    pub round: u64,
}

impl DrandSource {
    /// The promised round of `chain`, chosen as spec §7.3 says: the first round whose time is at
    /// least `margin_seconds` after `committed_at`.
    pub fn choose(chain: &DrandChain, committed_at: Timestamp, margin_seconds: u32) -> Self {
        let earliest = Timestamp::from_unix(
            committed_at
                .unix()
                .saturating_add(i64::from(margin_seconds)),
        );
        DrandSource {
            chain_hash: chain.chain_hash,
            round: chain.first_round_at_or_after(earliest),
        }
    }
}

/// A beacon round as recorded in a transcript:
/// `{"chain_hash", "round", "signature": hex, "randomness": hex}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrandBeacon {
    /// The chain.
    pub chain_hash: Digest,
    /// The round.
    pub round: u64,
    /// The chain's BLS signature of the round.
    pub signature: BeaconSignature,
    /// `SHA-256(signature)`: the round's randomness.
    pub randomness: Digest,
}

impl DrandBeacon {
    /// A round of `chain` from its signature, checked against the chain's key; the randomness is
    /// derived from the signature.
    ///
    /// # Errors
    /// As [`DrandChain::verify_signature`].
    pub fn from_signature(
        chain: &DrandChain,
        round: u64,
        signature: BeaconSignature,
    ) -> Result<Self, BeaconError> {
        let randomness = chain.verify_signature(round, signature.as_bytes())?;
        Ok(DrandBeacon {
            chain_hash: chain.chain_hash,
            round,
            signature,
            randomness,
        })
    }
}

/// Why a beacon round cannot be promised or used. [`BeaconError::field`] names the JSON path the
/// verifier reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BeaconError {
    /// The commitment names a chain whose public key is not known.
    #[error("unknown drand chain {0} (known: quicknet 52db9ba7…)")]
    UnknownChain(Digest),
    /// Round 0, or beyond what canonical JSON carries.
    #[error("drand round {0} is not usable (rounds run from 1 to 2^53 − 1)")]
    InvalidRound(u64),
    /// The promised round is not after the commitment: its value may already have been known.
    #[error(
        "drand round {round} is published at {round_time}, not after the commitment time {committed_at}"
    )]
    RoundNotAfterCommit {
        /// The round.
        round: u64,
        /// Its time.
        round_time: Timestamp,
        /// The commitment's time.
        committed_at: Timestamp,
    },
    /// The commitment promises a beacon round, but none was supplied.
    #[error("the commitment promises drand round {0}, but no beacon round was supplied")]
    Missing(u64),
    /// A beacon round was supplied that the commitment does not promise.
    #[error("a drand round was supplied, but the commitment promises none")]
    Unexpected,
    /// The round is from another chain than the committed one.
    #[error("the round is from chain {supplied}, the commitment names chain {committed}")]
    ChainMismatch {
        /// Committed chain.
        committed: Digest,
        /// Supplied chain.
        supplied: Digest,
    },
    /// The round is not the committed one.
    #[error("round {supplied} was supplied, the commitment promises round {committed}")]
    RoundMismatch {
        /// Committed round.
        committed: u64,
        /// Supplied round.
        supplied: u64,
    },
    /// The signature bytes are not a valid curve point.
    #[error("the signature of round {round} is malformed: {reason}")]
    MalformedSignature {
        /// The round.
        round: u64,
        /// Why.
        reason: String,
    },
    /// The chain's key did not sign this round with this signature.
    #[error("the signature is not the {chain} chain's signature of round {round}")]
    BadSignature {
        /// The round.
        round: u64,
        /// The chain's name.
        chain: &'static str,
    },
    /// The chain's public key cannot be read (a broken table entry).
    #[error("the public key of chain {chain} is invalid: {reason}")]
    BadChainKey {
        /// The chain's name.
        chain: &'static str,
        /// Why.
        reason: String,
    },
    /// The recorded randomness is not SHA-256 of the signature.
    #[error("randomness {recorded} is not SHA-256 of the signature ({computed})")]
    RandomnessMismatch {
        /// Recorded.
        recorded: Digest,
        /// SHA-256 of the signature.
        computed: Digest,
    },
    /// The draw is dated before the round was published.
    #[error("drand round {round} is published at {round_time}; a draw at {drawn_at} is too early")]
    TooEarly {
        /// The round.
        round: u64,
        /// Its time.
        round_time: Timestamp,
        /// The draw time.
        drawn_at: Timestamp,
    },
}

impl BeaconError {
    /// A stable, machine-readable code (as [`super::DrawError::code`]).
    pub fn code(&self) -> &'static str {
        match self {
            BeaconError::UnknownChain(_) => "beacon-unknown-chain",
            BeaconError::InvalidRound(_) => "beacon-invalid-round",
            BeaconError::RoundNotAfterCommit { .. } => "beacon-round-not-after-commit",
            BeaconError::Missing(_) => "beacon-missing",
            BeaconError::Unexpected => "beacon-unexpected",
            BeaconError::ChainMismatch { .. } => "beacon-chain-mismatch",
            BeaconError::RoundMismatch { .. } => "beacon-round-mismatch",
            BeaconError::MalformedSignature { .. } | BeaconError::BadSignature { .. } => {
                "beacon-signature"
            }
            BeaconError::BadChainKey { .. } => "beacon-chain-key",
            BeaconError::RandomnessMismatch { .. } => "beacon-randomness",
            BeaconError::TooEarly { .. } => "beacon-too-early",
        }
    }

    /// The JSON path (in a transcript) of the field this error is about.
    pub fn field(&self) -> &'static str {
        match self {
            BeaconError::UnknownChain(_) | BeaconError::BadChainKey { .. } => {
                "commitment.entropy_source.drand.chain_hash"
            }
            BeaconError::InvalidRound(_) | BeaconError::RoundNotAfterCommit { .. } => {
                "commitment.entropy_source.drand.round"
            }
            BeaconError::Missing(_) | BeaconError::Unexpected => "entropy.drand",
            BeaconError::ChainMismatch { .. } => "entropy.drand.chain_hash",
            BeaconError::RoundMismatch { .. } => "entropy.drand.round",
            BeaconError::MalformedSignature { .. } | BeaconError::BadSignature { .. } => {
                "entropy.drand.signature"
            }
            BeaconError::RandomnessMismatch { .. } => "entropy.drand.randomness",
            BeaconError::TooEarly { .. } => "drawn_at",
        }
    }
}

/// Checks a promised round when committing (spec §7.3): a known chain, a usable round, and a
/// round time after `committed_at`. Returns the chain.
///
/// # Errors
/// [`BeaconError::UnknownChain`], [`BeaconError::InvalidRound`],
/// [`BeaconError::RoundNotAfterCommit`].
pub fn check_source(
    source: &DrandSource,
    committed_at: Timestamp,
) -> Result<&'static DrandChain, BeaconError> {
    let chain =
        known_chain(&source.chain_hash).ok_or(BeaconError::UnknownChain(source.chain_hash))?;
    let round_time = chain
        .round_time(source.round)
        .ok_or(BeaconError::InvalidRound(source.round))?;
    if round_time <= committed_at {
        return Err(BeaconError::RoundNotAfterCommit {
            round: source.round,
            round_time,
            committed_at,
        });
    }
    Ok(chain)
}

/// Checks a supplied round against the promised one and `chain`'s key (spec §7.3): same chain,
/// same round, a valid signature, randomness = SHA-256(signature).
///
/// # Errors
/// [`BeaconError::ChainMismatch`], [`BeaconError::RoundMismatch`], the signature errors of
/// [`DrandChain::verify_signature`], [`BeaconError::RandomnessMismatch`].
pub fn check_beacon(
    source: &DrandSource,
    beacon: &DrandBeacon,
    chain: &DrandChain,
) -> Result<(), BeaconError> {
    if beacon.chain_hash != source.chain_hash {
        return Err(BeaconError::ChainMismatch {
            committed: source.chain_hash,
            supplied: beacon.chain_hash,
        });
    }
    if beacon.round != source.round {
        return Err(BeaconError::RoundMismatch {
            committed: source.round,
            supplied: beacon.round,
        });
    }
    let computed = chain.verify_signature(beacon.round, beacon.signature.as_bytes())?;
    if computed != beacon.randomness {
        return Err(BeaconError::RandomnessMismatch {
            recorded: beacon.randomness,
            computed,
        });
    }
    Ok(())
}

/// Every beacon check of a draw, in the order spec §7.3 gives: the promise (if any) against what
/// was supplied, the promised round, the supplied round, and the draw time.
///
/// # Errors
/// The first [`BeaconError`].
pub fn check_draw_beacon(
    source: Option<&DrandSource>,
    beacon: Option<&DrandBeacon>,
    committed_at: Timestamp,
    drawn_at: Timestamp,
) -> Result<(), BeaconError> {
    let (source, beacon) = match (source, beacon) {
        (None, None) => return Ok(()),
        (Some(s), None) => return Err(BeaconError::Missing(s.round)),
        (None, Some(_)) => return Err(BeaconError::Unexpected),
        (Some(s), Some(b)) => (s, b),
    };
    let chain = check_source(source, committed_at)?;
    check_beacon(source, beacon, chain)?;
    let round_time = chain
        .round_time(source.round)
        .ok_or(BeaconError::InvalidRound(source.round))?;
    if drawn_at < round_time {
        return Err(BeaconError::TooEarly {
            round: source.round,
            round_time,
            drawn_at,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Real quicknet rounds; sources in fixtures/beacons/.
    const SIG_123: &str = "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92";
    const SIG_1000: &str = "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39";
    const RANDOMNESS_1000: &str =
        "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd";
    // drand fastnet's group key (drand-verify 0.6.2 tests, `PK_FASTNET`): a valid G2 point that
    // is not quicknet's.
    const FASTNET_KEY: [u8; 96] = hex_array(
        "a0b862a7527fee3a731bcb59280ab6abd62d5c0b6ea03dc4ddf6612fdfc9d01f01c31542541771903475eb1ec6615f8d0df0b8b6dce385811d6dcf8cbefb8759e5e616a3dfd054c928940766d9a5b9db91e3b697e5d70a975181e007f87fca5e",
    );

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn beacon(round: u64, sig: &str) -> Result<DrandBeacon, Box<dyn std::error::Error>> {
        let signature: BeaconSignature = sig.parse()?;
        Ok(DrandBeacon {
            chain_hash: QUICKNET.chain_hash,
            round,
            randomness: sha256(signature.as_bytes()),
            signature,
        })
    }

    fn source(round: u64) -> DrandSource {
        DrandSource {
            chain_hash: QUICKNET.chain_hash,
            round,
        }
    }

    #[test]
    fn the_compiled_constants_are_the_published_hex() {
        assert_eq!(QUICKNET.chain_hash.to_hex(), QUICKNET_HASH_HEX);
        assert_eq!(hex::encode(QUICKNET.public_key), QUICKNET_KEY_HEX);
        assert_eq!(QUICKNET.scheme.id(), "bls-unchained-g1-rfc9380");
    }

    #[test]
    fn round_times_follow_drand() {
        // Round 1 at genesis (2023-08-23T15:09:27Z), then every 3 s.
        assert_eq!(QUICKNET.round_time(0), None);
        assert_eq!(
            QUICKNET.round_time(1).map(|t| t.unix()),
            Some(1_692_803_367)
        );
        assert_eq!(
            QUICKNET.round_time(1000).map(|t| t.to_string()),
            Some("2023-08-23T15:59:24Z".into())
        );
        assert_eq!(QUICKNET.round_time(MAX_ROUND + 1), None);
    }

    #[test]
    fn the_chosen_round_is_the_first_at_or_after_the_margin() -> TestResult {
        let g = QUICKNET.genesis_time;
        let at = |s: i64| Timestamp::from_unix(s);
        assert_eq!(QUICKNET.first_round_at_or_after(at(g - 100)), 1);
        assert_eq!(QUICKNET.first_round_at_or_after(at(g)), 1);
        assert_eq!(QUICKNET.first_round_at_or_after(at(g + 1)), 2);
        assert_eq!(QUICKNET.first_round_at_or_after(at(g + 3)), 2);
        assert_eq!(QUICKNET.first_round_at_or_after(at(g + 4)), 3);
        // Property: the chosen round is at or after t, and the one before it is not.
        for t in (g - 5)..(g + 40) {
            let r = QUICKNET.first_round_at_or_after(at(t));
            let rt = QUICKNET.round_time(r).map(|x| x.unix()).unwrap_or(i64::MIN);
            assert!(rt >= t, "round {r} at {rt} is before {t}");
            if r > 1 {
                let before = QUICKNET
                    .round_time(r - 1)
                    .map(|x| x.unix())
                    .unwrap_or(i64::MAX);
                assert!(before < t);
            }
        }
        // Committed at 15:58:22Z with the default 60 s margin: round 1000 (15:59:24Z).
        let committed: Timestamp = "2023-08-23T15:58:22Z".parse()?;
        assert_eq!(DrandSource::choose(&QUICKNET, committed, 60).round, 1000);
        Ok(())
    }

    #[test]
    fn real_quicknet_rounds_verify() -> TestResult {
        let r = QUICKNET.verify_signature(1000, &hex::decode(SIG_1000)?)?;
        assert_eq!(r.to_hex(), RANDOMNESS_1000);
        QUICKNET.verify_signature(123, &hex::decode(SIG_123)?)?;
        check_beacon(&source(1000), &beacon(1000, SIG_1000)?, &QUICKNET)?;
        Ok(())
    }

    #[test]
    fn corrupted_rounds_are_rejected_with_the_right_error() -> TestResult {
        // Wrong round: round 123's signature presented as round 124.
        let e = QUICKNET.verify_signature(124, &hex::decode(SIG_123)?);
        assert!(
            matches!(e, Err(BeaconError::BadSignature { round: 124, .. })),
            "{e:?}"
        );
        // One flipped bit, anywhere in the signature.
        let good = hex::decode(SIG_1000)?;
        for bit in [0usize, 7, 100, 383] {
            let mut bad = good.clone();
            if let Some(b) = bad.get_mut(bit / 8) {
                *b ^= 1 << (bit % 8);
            }
            let e = QUICKNET.verify_signature(1000, &bad);
            assert!(
                matches!(
                    e,
                    Err(BeaconError::BadSignature { .. } | BeaconError::MalformedSignature { .. })
                ),
                "bit {bit}: {e:?}"
            );
            assert_eq!(
                e.map_err(|e| e.field()).err(),
                Some("entropy.drand.signature")
            );
        }
        // Wrong key.
        let other = DrandChain {
            public_key: &FASTNET_KEY,
            ..QUICKNET
        };
        let e = other.verify_signature(1000, &good);
        assert!(matches!(e, Err(BeaconError::BadSignature { .. })), "{e:?}");
        // Wrong chain: the committed chain is unknown, or the round names another chain.
        let unknown = DrandSource {
            chain_hash: Digest::from_bytes([7; 32]),
            round: 1000,
        };
        let t0: Timestamp = "2023-08-23T15:58:22Z".parse()?;
        assert_eq!(
            check_source(&unknown, t0).map_err(|e| e.code()).err(),
            Some("beacon-unknown-chain")
        );
        let mut b = beacon(1000, SIG_1000)?;
        b.chain_hash = Digest::from_bytes([7; 32]);
        let e = check_beacon(&source(1000), &b, &QUICKNET);
        assert_eq!(
            e.map_err(|e| e.field()).err(),
            Some("entropy.drand.chain_hash")
        );
        // Round mismatch with the commitment; randomness not SHA-256(signature).
        let e = check_beacon(&source(999), &beacon(1000, SIG_1000)?, &QUICKNET);
        assert_eq!(e.map_err(|e| e.field()).err(), Some("entropy.drand.round"));
        let mut b = beacon(1000, SIG_1000)?;
        b.randomness = Digest::from_bytes([0; 32]);
        let e = check_beacon(&source(1000), &b, &QUICKNET);
        assert_eq!(
            e.map_err(|e| e.field()).err(),
            Some("entropy.drand.randomness")
        );
        Ok(())
    }

    #[test]
    fn a_round_must_be_after_the_commitment_and_before_the_draw() -> TestResult {
        let round_time: Timestamp = "2023-08-23T15:59:24Z".parse()?;
        let s = source(1000);
        let b = beacon(1000, SIG_1000)?;
        let before = Timestamp::from_unix(round_time.unix() - 1);
        let e = check_draw_beacon(Some(&s), Some(&b), round_time, round_time);
        assert_eq!(
            e.map_err(|e| e.code()).err(),
            Some("beacon-round-not-after-commit")
        );
        let e = check_draw_beacon(Some(&s), Some(&b), before, before);
        assert_eq!(e.map_err(|e| e.code()).err(), Some("beacon-too-early"));
        check_draw_beacon(Some(&s), Some(&b), before, round_time)?;
        let e = check_draw_beacon(Some(&s), None, before, round_time);
        assert_eq!(e.map_err(|e| e.code()).err(), Some("beacon-missing"));
        let e = check_draw_beacon(None, Some(&b), before, round_time);
        assert_eq!(e.map_err(|e| e.code()).err(), Some("beacon-unexpected"));
        check_draw_beacon(None, None, before, round_time)?;
        let e = check_source(&source(0), before);
        assert_eq!(e.map_err(|e| e.code()).err(), Some("beacon-invalid-round"));
        Ok(())
    }

    #[test]
    fn signatures_parse_as_hex_of_bounded_length() {
        assert!("".parse::<BeaconSignature>().is_err());
        assert!("zz".parse::<BeaconSignature>().is_err());
        assert!("ab".repeat(97).parse::<BeaconSignature>().is_err());
        assert!(SIG_1000.parse::<BeaconSignature>().is_ok());
    }
}
