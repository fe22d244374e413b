//! The HTTP relay adapter against relays on the loopback interface (no outside network): relays
//! tried in turn, retries with backoff, and answers checked before they are accepted.

use std::net::SocketAddr;
use std::time::Duration;

use spotcheck_beacon::{BeaconSource, FetchError, HttpRelays, RetryPolicy};
use spotcheck_domain::draw::QUICKNET;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ROUND_1000: &str = r#"{"round":1000,"randomness":"fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd","signature":"b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39"}"#;
// Round 1000 with the last signature bit flipped.
const LYING_1000: &str = r#"{"round":1000,"signature":"b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e38"}"#;

/// A relay on 127.0.0.1 answering every request with `status` and `body`, for at most `max`
/// connections (so it always stops by itself).
async fn relay(status: u16, body: &'static str, max: usize) -> Result<String, std::io::Error> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        for _ in 0..max {
            let Ok((mut conn, _)) = listener.accept().await else {
                return;
            };
            let mut buf = vec![0u8; 4096];
            let mut seen = Vec::new();
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let expected = format!("GET /{}/public/1000 ", QUICKNET.chain_hash);
            let (status, body) = if seen.starts_with(expected.as_bytes()) {
                (status, body)
            } else {
                (400, "{}")
            };
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = conn.write_all(response.as_bytes()).await;
            let _ = conn.shutdown().await;
        }
    });
    Ok(format!("http://{addr}"))
}

fn quick(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        attempts,
        first_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(20),
        request_timeout: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn a_failing_relay_is_skipped_for_the_next_one() -> TestResult {
    let down = relay(503, "{}", 1).await?;
    let good = relay(200, ROUND_1000, 1).await?;
    let relays = HttpRelays::new(&[down, good], quick(1))?;
    let b = relays.fetch_round(&QUICKNET, 1000).await?;
    assert_eq!(
        b.randomness.to_hex(),
        "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd"
    );
    Ok(())
}

#[tokio::test]
async fn a_relay_answering_with_an_invalid_round_is_not_believed() -> TestResult {
    let liar = relay(200, LYING_1000, 1).await?;
    let good = relay(200, ROUND_1000, 1).await?;
    let relays = HttpRelays::new(&[liar.clone(), good], quick(1))?;
    relays.fetch_round(&QUICKNET, 1000).await?;

    let liar_only = relay(200, LYING_1000, 2).await?;
    let relays = HttpRelays::new(&[liar_only], quick(2))?;
    match relays.fetch_round(&QUICKNET, 1000).await {
        Err(FetchError::Unavailable { failures, .. }) => {
            assert_eq!(failures.len(), 2);
            assert!(
                failures.iter().all(|f| f.reason.contains("invalid round")),
                "{failures:?}"
            );
        }
        other => return Err(format!("expected Unavailable, got {other:?}").into()),
    }
    Ok(())
}

#[tokio::test]
async fn when_no_relay_answers_every_attempt_is_reported() -> TestResult {
    let a = relay(404, "{}", 3).await?;
    let b = relay(500, "{}", 3).await?;
    let relays = HttpRelays::new(&[a.clone(), b.clone()], quick(3))?;
    let e = relays.fetch_round(&QUICKNET, 1000).await;
    let Err(FetchError::Unavailable {
        round,
        attempts,
        failures,
    }) = e
    else {
        return Err(format!("expected Unavailable, got {e:?}").into());
    };
    assert_eq!((round, attempts, failures.len()), (1000, 3, 6));
    assert_eq!(failures[0].relay, a);
    assert_eq!(failures[1].relay, b);
    assert!(failures[0].reason.contains("not available"));
    let message = FetchError::Unavailable {
        round,
        attempts,
        failures,
    }
    .to_string();
    assert!(
        message.contains(&b) && message.contains("attempt 3"),
        "{message}"
    );
    Ok(())
}

#[test]
fn relays_must_be_http_urls() {
    assert!(HttpRelays::new(&[], quick(1)).is_err());
    assert!(HttpRelays::new(&["api.drand.sh".into()], quick(1)).is_err());
    assert!(HttpRelays::new(&["https://api.drand.sh/".into()], quick(1)).is_ok());
}
