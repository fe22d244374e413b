//! The HTTP adapter: RFC 3161 §3.4 (`application/timestamp-query` over HTTP POST), with a time
//! limit per request and a bounded number of attempts.

use std::time::Duration;

use cmpv2::status::PkiStatus;
use der::Decode;
use x509_tsp::TimeStampResp;

use crate::client::{TsaClient, TsaError};

/// The largest response read (a token with a certificate chain is a few kilobytes).
const MAX_RESPONSE: usize = 1 << 20;

/// How hard to try before reporting an authority unavailable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all (at least 1).
    pub attempts: u32,
    /// Pause after the first failed attempt; doubled after each further one.
    pub first_backoff: Duration,
    /// Time limit for one attempt (connecting, sending and reading the answer).
    pub request_timeout: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, pausing 1 s then 2 s; 10 s per attempt: at most about 33 s in all.
    fn default() -> Self {
        Self {
            attempts: 3,
            first_backoff: Duration::from_secs(1),
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// One time-stamping authority over HTTP(S) (rustls).
#[derive(Debug, Clone)]
pub struct HttpTsa {
    url: String,
    client: reqwest::Client,
    retry: RetryPolicy,
}

/// One attempt's failure: worth retrying, or final.
enum Attempt {
    Retry(String),
    Refused(String),
    Invalid(String),
}

impl HttpTsa {
    /// The authority at `url` (`https://…`; `http://` is allowed because the token is signed,
    /// and many authorities serve only HTTP).
    ///
    /// # Errors
    /// [`TsaError::Client`] for a URL that is not http(s) or a client that cannot be built.
    pub fn new(url: &str, retry: RetryPolicy) -> Result<Self, TsaError> {
        let url = url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(TsaError::Client(format!(
                "authority {url:?} must be an http:// or https:// URL"
            )));
        }
        let client = reqwest::Client::builder()
            .timeout(retry.request_timeout)
            .connect_timeout(retry.request_timeout)
            .user_agent(concat!("spotcheck-timestamp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TsaError::Client(e.to_string()))?;
        Ok(Self {
            url: url.to_owned(),
            client,
            retry: RetryPolicy {
                attempts: retry.attempts.max(1),
                ..retry
            },
        })
    }

    #[tracing::instrument(skip(self, request), fields(authority = %self.url))]
    async fn attempt(&self, request: &[u8]) -> Result<Vec<u8>, Attempt> {
        let mut response = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/timestamp-query")
            .header(reqwest::header::ACCEPT, "application/timestamp-reply")
            .body(request.to_vec())
            .send()
            .await
            .map_err(|e| Attempt::Retry(format!("request failed: {e}")))?;
        let status = response.status();
        if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
            return Err(Attempt::Retry(format!("HTTP {status}")));
        }
        if !status.is_success() {
            return Err(Attempt::Refused(format!("HTTP {status}")));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Attempt::Retry(format!("reading the answer: {e}")))?
        {
            if body.len() + chunk.len() > MAX_RESPONSE {
                return Err(Attempt::Invalid(format!(
                    "the answer is larger than {MAX_RESPONSE} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        let parsed = TimeStampResp::from_der(&body)
            .map_err(|e| Attempt::Invalid(format!("not a TimeStampResp: {e}")))?;
        match parsed.status.status {
            PkiStatus::Accepted | PkiStatus::GrantedWithMods => {}
            PkiStatus::Waiting => return Err(Attempt::Retry("the authority says: waiting".into())),
            other => {
                let text = parsed
                    .status
                    .status_string
                    .as_ref()
                    .map(|t| {
                        t.iter()
                            .map(|p| p.as_str().to_owned())
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default();
                return Err(Attempt::Refused(format!(
                    "status {other:?}{}{text}; failure info {:?}",
                    if text.is_empty() { "" } else { ": " },
                    parsed.status.fail_info
                )));
            }
        }
        Ok(body)
    }
}

impl TsaClient for HttpTsa {
    fn authority(&self) -> &str {
        &self.url
    }

    async fn stamp(&self, request_der: Vec<u8>) -> Result<Vec<u8>, TsaError> {
        let mut reasons = Vec::new();
        let mut pause = self.retry.first_backoff;
        for attempt in 1..=self.retry.attempts {
            match self.attempt(&request_der).await {
                Ok(body) => {
                    tracing::info!(authority = %self.url, attempt, "time-stamp token received");
                    return Ok(body);
                }
                Err(Attempt::Refused(reason)) => {
                    return Err(TsaError::Refused {
                        authority: self.url.clone(),
                        reason,
                    });
                }
                Err(Attempt::Invalid(reason)) => {
                    return Err(TsaError::Invalid {
                        authority: self.url.clone(),
                        reason,
                    });
                }
                Err(Attempt::Retry(reason)) => {
                    tracing::warn!(authority = %self.url, attempt, %reason, "time-stamping authority failed");
                    reasons.push(format!("attempt {attempt}: {reason}"));
                }
            }
            if attempt < self.retry.attempts {
                tokio::time::sleep(pause).await;
                pause = pause.saturating_mul(2);
            }
        }
        Err(TsaError::Unavailable {
            authority: self.url.clone(),
            attempts: self.retry.attempts,
            reasons: reasons.join("; "),
        })
    }
}
