//! The HTTP relay adapter: drand's public API, several relays in turn, with retry and backoff.

use std::time::Duration;

use serde::Deserialize;
use spotcheck_domain::draw::{BeaconError, BeaconSignature, DrandBeacon, DrandChain};
use spotcheck_domain::ids::Digest;

use crate::{BeaconSource, FetchError, RelayFailure};

/// drand's public HTTP relays (League of Entropy and Cloudflare), tried in this order by default.
pub const DEFAULT_RELAYS: &[&str] = &[
    "https://api.drand.sh",
    "https://api2.drand.sh",
    "https://api3.drand.sh",
    "https://drand.cloudflare.com",
];

/// How hard to try before reporting a round unavailable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Passes over the whole relay list (at least 1).
    pub attempts: u32,
    /// Pause after the first failed pass; doubled after each further one.
    pub first_backoff: Duration,
    /// The longest pause.
    pub max_backoff: Duration,
    /// Time limit for one request.
    pub request_timeout: Duration,
}

impl Default for RetryPolicy {
    /// 4 passes, pausing 1 s, 2 s, 4 s between them; 10 s per request.
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(8),
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// drand relays over HTTPS (rustls). Each answer is checked against the chain's public key; a
/// relay that fails or answers with an invalid round is logged and the next one is asked.
#[derive(Debug, Clone)]
pub struct HttpRelays {
    client: reqwest::Client,
    relays: Vec<String>,
    retry: RetryPolicy,
}

/// The body of `GET /{chain_hash}/public/{round}`.
#[derive(Debug, Deserialize)]
struct RelayRound {
    round: u64,
    signature: BeaconSignature,
    #[serde(default)]
    randomness: Option<Digest>,
}

impl HttpRelays {
    /// Relays given as base URLs (`https://api.drand.sh`), tried in order.
    ///
    /// # Errors
    /// [`FetchError::Client`] for an empty list, a URL that is not http(s), or a client that
    /// cannot be built.
    pub fn new(relays: &[String], retry: RetryPolicy) -> Result<Self, FetchError> {
        if relays.is_empty() {
            return Err(FetchError::Client("no relay given".into()));
        }
        let mut clean = Vec::with_capacity(relays.len());
        for r in relays {
            let r = r.trim().trim_end_matches('/');
            if !(r.starts_with("https://") || r.starts_with("http://")) {
                return Err(FetchError::Client(format!(
                    "relay {r:?} must be an http:// or https:// URL"
                )));
            }
            clean.push(r.to_owned());
        }
        let client = reqwest::Client::builder()
            .timeout(retry.request_timeout)
            .user_agent(concat!("spotcheck-beacon/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(HttpRelays {
            client,
            relays: clean,
            retry: RetryPolicy {
                attempts: retry.attempts.max(1),
                ..retry
            },
        })
    }

    /// [`DEFAULT_RELAYS`] with the default [`RetryPolicy`].
    ///
    /// # Errors
    /// As [`HttpRelays::new`].
    pub fn with_defaults() -> Result<Self, FetchError> {
        let relays: Vec<String> = DEFAULT_RELAYS.iter().map(|r| (*r).to_owned()).collect();
        Self::new(&relays, RetryPolicy::default())
    }

    /// The relays, in the order they are tried.
    pub fn relays(&self) -> &[String] {
        &self.relays
    }

    #[tracing::instrument(skip(self, chain), fields(chain = chain.name))]
    async fn ask(
        &self,
        relay: &str,
        chain: &'static DrandChain,
        round: u64,
    ) -> Result<DrandBeacon, String> {
        let url = format!("{relay}/{}/public/{round}", chain.chain_hash);
        let response = self
            .client
            .get(&url)
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(match status.as_u16() {
                404 | 425 => format!("HTTP {status}: the round is not available (yet)"),
                _ => format!("HTTP {status}"),
            });
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("reading the answer: {e}"))?;
        let answer: RelayRound = serde_json::from_slice(&body)
            .map_err(|e| format!("the answer is not a drand round: {e}"))?;
        if answer.round != round {
            return Err(format!("answered with round {} instead", answer.round));
        }
        let beacon = DrandBeacon::from_signature(chain, round, answer.signature)
            .map_err(|e| format!("answered with an invalid round: {e}"))?;
        if let Some(recorded) = answer.randomness
            && recorded != beacon.randomness
        {
            let e = BeaconError::RandomnessMismatch {
                recorded,
                computed: beacon.randomness,
            };
            return Err(format!("answered with an invalid round: {e}"));
        }
        Ok(beacon)
    }
}

impl BeaconSource for HttpRelays {
    async fn fetch_round(
        &self,
        chain: &'static DrandChain,
        round: u64,
    ) -> Result<DrandBeacon, FetchError> {
        let mut failures = Vec::new();
        let mut pause = self.retry.first_backoff;
        for attempt in 1..=self.retry.attempts {
            for relay in &self.relays {
                match self.ask(relay, chain, round).await {
                    Ok(beacon) => {
                        tracing::info!(relay, round, "drand round fetched and verified");
                        return Ok(beacon);
                    }
                    Err(reason) => {
                        tracing::warn!(relay, round, attempt, %reason, "drand relay failed");
                        failures.push(RelayFailure {
                            relay: relay.clone(),
                            attempt,
                            reason,
                        });
                    }
                }
            }
            if attempt < self.retry.attempts {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(self.retry.max_backoff);
            }
        }
        Err(FetchError::Unavailable {
            round,
            attempts: self.retry.attempts,
            failures,
        })
    }
}
