//! Why a beacon round could not be had.

use std::fmt;

use spotcheck_domain::draw::BeaconError;
use spotcheck_domain::ids::Digest;
use spotcheck_domain::time::Timestamp;

/// One failed attempt at one relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayFailure {
    /// The relay's base URL.
    pub relay: String,
    /// Which pass over the relays (1-based).
    pub attempt: u32,
    /// What went wrong.
    pub reason: String,
}

impl fmt::Display for RelayFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (attempt {}): {}",
            self.relay, self.attempt, self.reason
        )
    }
}

/// Why a beacon round could not be fetched or read.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The promised chain is not one whose public key is known.
    #[error("unknown drand chain {0}")]
    UnknownChain(Digest),
    /// The promised round is not a usable round number.
    #[error("drand round {0} is not usable")]
    InvalidRound(u64),
    /// The round's time has not come yet.
    #[error(
        "drand round {round} is published at {round_time}; it is now {now}: wait, then draw again"
    )]
    TooEarly {
        /// The round.
        round: u64,
        /// When it is published.
        round_time: Timestamp,
        /// The caller's clock.
        now: Timestamp,
    },
    /// The recording has no such round of this chain.
    #[error("round {round} of chain {chain} is not in {searched}")]
    NotRecorded {
        /// The round.
        round: u64,
        /// The chain's name.
        chain: &'static str,
        /// What was searched (files).
        searched: String,
    },
    /// No relay answered with a valid round, after every retry.
    #[error("drand round {round} is unavailable: no relay gave a valid answer after {attempts} attempt(s) each:\n  {}", list(.failures))]
    Unavailable {
        /// The round.
        round: u64,
        /// Passes over the relays.
        attempts: u32,
        /// Every failure, in order.
        failures: Vec<RelayFailure>,
    },
    /// A round was found but does not check out (signature, randomness, chain).
    #[error("{origin}: {error}")]
    Invalid {
        /// Where the round came from (file or relay).
        origin: String,
        /// What is wrong with it.
        error: BeaconError,
    },
    /// A recorded-beacon file cannot be read or parsed.
    #[error("{path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The HTTP client or a relay URL cannot be set up.
    #[error("HTTP client: {0}")]
    Client(String),
    /// No async runtime could be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
}

fn list(failures: &[RelayFailure]) -> String {
    failures
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n  ")
}
