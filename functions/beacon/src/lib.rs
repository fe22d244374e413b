//! # spotcheck-beacon
//!
//! Fetching the drand beacon round a commitment promised (docs/draw-spec.md §7.3). The domain
//! crate decides whether a round is authentic and never does I/O; this crate is the port
//! ([`BeaconSource`]) and its two adapters:
//!
//! - [`HttpRelays`]: drand's HTTP API (`GET {relay}/{chain_hash}/public/{round}`), several
//!   relays tried in turn, with retries and exponential backoff; every answer is checked against
//!   the chain's public key, and a relay that fails or lies is reported, never silently replaced
//!   by another kind of source.
//! - [`RecordedBeacons`]: rounds recorded in JSON files (fixtures/beacons/), for tests and the
//!   offline demo.
//!
//! ```
//! use spotcheck_beacon::{RecordedBeacons, fetch_promised_round_blocking};
//! use spotcheck_domain::draw::{DrandSource, QUICKNET};
//!
//! let recorded = RecordedBeacons::from_json(
//!     r#"{"round": 1000, "signature": "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39"}"#,
//!     "example",
//! )?;
//! let promised = DrandSource { chain_hash: QUICKNET.chain_hash, round: 1000 };
//! let now = "2026-11-27T09:30:00Z".parse()?;
//! let beacon = fetch_promised_round_blocking(&recorded, &promised, now)?;
//! assert_eq!(beacon.randomness.to_hex(), "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd");
//!
//! // Asking before the round's time is refused.
//! let early = "2023-08-23T15:59:23Z".parse()?;
//! assert!(fetch_promised_round_blocking(&recorded, &promised, early).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod error;
#[cfg(feature = "http")]
mod http;
mod recorded;

use std::future::Future;

use spotcheck_domain::draw::{DrandBeacon, DrandChain, DrandSource, known_chain};
use spotcheck_domain::time::Timestamp;

pub use error::{FetchError, RelayFailure};
#[cfg(feature = "http")]
pub use http::{DEFAULT_RELAYS, HttpRelays, RetryPolicy};
pub use recorded::{RecordedBeacons, RecordedRound};

/// Where beacon rounds come from (the port).
pub trait BeaconSource {
    /// The round `round` of `chain`, its signature checked against the chain's public key and
    /// its randomness derived from the signature.
    ///
    /// # Errors
    /// Implementations return [`FetchError::Invalid`] for a round whose signature or randomness
    /// does not check out, [`FetchError::NotRecorded`] or [`FetchError::Unavailable`] when the
    /// round cannot be had, and never substitute another source's round.
    fn fetch_round(
        &self,
        chain: &'static DrandChain,
        round: u64,
    ) -> impl Future<Output = Result<DrandBeacon, FetchError>> + Send;
}

/// Fetches the round `promised` names, refusing before the round's time (`now` is the caller's
/// clock): before then nobody has the round, and asking early only invites a wrong answer.
///
/// # Errors
/// [`FetchError::UnknownChain`], [`FetchError::TooEarly`], and whatever `source` returns.
pub async fn fetch_promised_round<S: BeaconSource + Sync>(
    source: &S,
    promised: &DrandSource,
    now: Timestamp,
) -> Result<DrandBeacon, FetchError> {
    let chain =
        known_chain(&promised.chain_hash).ok_or(FetchError::UnknownChain(promised.chain_hash))?;
    let round_time = chain
        .round_time(promised.round)
        .ok_or(FetchError::InvalidRound(promised.round))?;
    if now < round_time {
        return Err(FetchError::TooEarly {
            round: promised.round,
            round_time,
            now,
        });
    }
    source.fetch_round(chain, promised.round).await
}

#[cfg(feature = "http")]
/// [`fetch_promised_round`] on a small single-threaded runtime, for callers that are not async
/// (the CLI).
///
/// # Errors
/// As [`fetch_promised_round`]; [`FetchError::Runtime`] if no runtime can be started.
pub fn fetch_promised_round_blocking<S: BeaconSource + Sync>(
    source: &S,
    promised: &DrandSource,
    now: Timestamp,
) -> Result<DrandBeacon, FetchError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| FetchError::Runtime(e.to_string()))?;
    runtime.block_on(fetch_promised_round(source, promised, now))
}
