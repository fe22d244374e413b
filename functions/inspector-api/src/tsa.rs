//! The time-stamping authorities each commitment's hash is sent to (docs/draw-spec.md §16), from
//! the environment: `SPOTCHECK_TSA_URLS` (`name=URL`, comma-separated; empty for none),
//! `SPOTCHECK_TSA_ANCHORS` (PEM, line breaks may be written `\n`), `SPOTCHECK_TSA_TIMEOUT_SECS`
//! and `SPOTCHECK_TSA_ATTEMPTS` (bounded so a commit stays inside API Gateway's 29 seconds).

use std::sync::Arc;
use std::time::Duration;

use spotcheck_app::Timestamper;
use spotcheck_app::timestamps::{Authority, TsaSet, normalise_pem};
use spotcheck_timestamp::{HttpTsa, RetryPolicy};

fn number(
    get: &dyn Fn(&str) -> Option<String>,
    name: &str,
    default: u64,
    max: u64,
) -> Result<u64, String> {
    match get(name).filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!(
                "environment variable {name}: {v:?} is not a whole number from 1 to {max}"
            )),
        },
    }
}

/// The configured authorities, or `None` when `SPOTCHECK_TSA_URLS` is empty.
pub fn from_env(
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Arc<dyn Timestamper>>, String> {
    let urls = get("SPOTCHECK_TSA_URLS").unwrap_or_default();
    let entries: Vec<String> = urls
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if entries.is_empty() {
        return Ok(None);
    }
    let anchors = normalise_pem(&get("SPOTCHECK_TSA_ANCHORS").unwrap_or_default());
    let retry = RetryPolicy {
        attempts: u32::try_from(number(get, "SPOTCHECK_TSA_ATTEMPTS", 2, 3)?).unwrap_or(2),
        first_backoff: Duration::from_secs(1),
        request_timeout: Duration::from_secs(number(get, "SPOTCHECK_TSA_TIMEOUT_SECS", 5, 10)?),
    };
    let mut list = Vec::new();
    for a in Authority::parse_list(&entries)
        .map_err(|e| format!("environment variable SPOTCHECK_TSA_URLS: {e}"))?
    {
        let client = HttpTsa::new(&a.url, retry)
            .map_err(|e| format!("environment variable SPOTCHECK_TSA_URLS: {e}"))?;
        list.push((a, client));
    }
    let set = TsaSet::new(list, &anchors, Box::new(os_nonce))
        .map_err(|e| format!("environment variable SPOTCHECK_TSA_ANCHORS: {e}"))?;
    Ok(Some(Arc::new(set)))
}

/// A request nonce from the OS CSPRNG (the clock's nanoseconds if it fails: a nonce must be
/// unique, not secret).
fn os_nonce() -> u64 {
    let mut b = [0u8; 8];
    match getrandom::fill(&mut b) {
        Ok(()) => u64::from_be_bytes(b),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_urls_means_no_time_stamps_and_bad_settings_are_named() {
        let none = |_: &str| None;
        assert!(matches!(from_env(&none), Ok(None)));
        let bad_anchor = |n: &str| match n {
            "SPOTCHECK_TSA_URLS" => Some("tsa-1=https://tsa.example.cn/tsa".to_owned()),
            _ => None,
        };
        let e = from_env(&bad_anchor).err().unwrap_or_default();
        assert!(e.contains("SPOTCHECK_TSA_ANCHORS"), "{e}");
        let bad_attempts = |n: &str| match n {
            "SPOTCHECK_TSA_URLS" => Some("tsa-1=https://tsa.example.cn/tsa".to_owned()),
            "SPOTCHECK_TSA_ATTEMPTS" => Some("9".to_owned()),
            _ => None,
        };
        let e = from_env(&bad_attempts).err().unwrap_or_default();
        assert!(e.contains("SPOTCHECK_TSA_ATTEMPTS"), "{e}");
    }
}
