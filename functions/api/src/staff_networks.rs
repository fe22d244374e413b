//! The staff API's network allow-list: on Lambda, every request to the staff routes is refused
//! before any handler unless the address API Gateway received it from is in one of the bureau's
//! networks (the template's `StaffAllowedCidrs`).
//!
//! The address is `requestContext.http.sourceIp` of the HTTP API event, which API Gateway sets from
//! the connection; the client cannot choose it (an `X-Forwarded-For` header is never consulted).
//! An HTTP API takes no WAF web ACL, and a Lambda authorizer would replace the JWT authorizer on
//! the route, so the check runs in the function, first (docs/operations.md, "Perimeter"). An empty
//! list means no list (allowed only outside production, which the template's rules enforce); with a
//! list, a request without an API Gateway request context is refused too (fail closed).

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lambda_http::request::RequestContext;

use crate::error::ApiError;

/// One network: an address and the number of leading bits that must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(text: &str) -> Result<Self, String> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{text:?} is not an IPv4 or IPv6 network (CIDR)"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(Self { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
            let whole = usize::from(bits / 8);
            let rest = bits % 8;
            if a.get(..whole) != b.get(..whole) {
                return false;
            }
            if rest == 0 {
                return true;
            }
            let mask = 0xffu8 << (8 - rest);
            matches!((a.get(whole), b.get(whole)), (Some(x), Some(y)) if x & mask == y & mask)
        }
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(i)) => prefix_eq(&n.octets(), &i.octets(), self.prefix),
            (IpAddr::V6(n), IpAddr::V6(i)) => prefix_eq(&n.octets(), &i.octets(), self.prefix),
            _ => false,
        }
    }
}

/// The networks staff may call the staff API from; empty for no list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffNetworks {
    networks: Vec<Network>,
}

impl StaffNetworks {
    /// Parses a comma-separated list of CIDRs (`203.0.113.0/24,2001:db8::/32`; a bare address is
    /// one host). White space and empty entries are ignored, so `""` is no list.
    ///
    /// # Errors
    /// The first entry that is not a network, named.
    pub fn parse(list: &str) -> Result<Self, String> {
        let networks = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Network::parse)
            .collect::<Result<_, _>>()?;
        Ok(Self { networks })
    }

    /// Whether there is no list (every address allowed).
    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
    }

    /// Whether `ip` is in one of the networks (always, without a list).
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.is_empty() || self.networks.iter().any(|n| n.contains(ip))
    }
}

/// `router` behind the allow-list: a request from elsewhere gets 403
/// `source-network-not-allowed` (problem+json) and reaches no handler. Without a list, `router`
/// unchanged.
pub fn guard(router: axum::Router, networks: StaffNetworks) -> axum::Router {
    if networks.is_empty() {
        return router;
    }
    let networks = Arc::new(networks);
    router
        .layer(axum::middleware::from_fn(
            move |req: Request, next: Next| {
                let networks = Arc::clone(&networks);
                async move {
                    if source_ip(&req).is_some_and(|ip| networks.allows(ip)) {
                        next.run(req).await
                    } else {
                        refused()
                    }
                }
            },
        ))
        .layer(axum::middleware::from_fn(crate::problem_zh::localize))
}

/// The address API Gateway received the request from (`requestContext.http.sourceIp`).
fn source_ip(req: &Request) -> Option<IpAddr> {
    match req.extensions().get::<RequestContext>()? {
        RequestContext::ApiGatewayV2(ctx) => ctx.http.source_ip.as_deref()?.parse().ok(),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

fn refused() -> Response {
    // The caller's address is in the API access log; it is not repeated here.
    tracing::warn!(
        code = "source-network-not-allowed",
        "staff request from outside the staff networks refused"
    );
    ApiError::new(
        StatusCode::FORBIDDEN,
        "source-network-not-allowed",
        "the staff API accepts requests only from the bureau's networks (StaffAllowedCidrs); this request came from another network",
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_match_by_prefix_in_both_families() -> Result<(), String> {
        let n = StaffNetworks::parse(" 203.0.113.0/24, 198.51.100.7 ,2001:db8:ab::/48,,")?;
        let ip = |s: &str| s.parse::<IpAddr>().map_err(|e| e.to_string());
        assert!(n.allows(ip("203.0.113.255")?));
        assert!(!n.allows(ip("203.0.114.0")?));
        assert!(n.allows(ip("198.51.100.7")?));
        assert!(!n.allows(ip("198.51.100.8")?));
        assert!(n.allows(ip("2001:db8:ab:ffff::1")?));
        assert!(!n.allows(ip("2001:db8:ac::1")?));
        // An IPv4 address written as IPv6 (mapped) is the same address.
        assert!(n.allows(ip("::ffff:203.0.113.9")?));
        let odd = StaffNetworks::parse("10.0.0.0/9")?;
        assert!(odd.allows(ip("10.127.255.255")?) && !odd.allows(ip("10.128.0.0")?));
        assert!(StaffNetworks::parse("0.0.0.0/0")?.allows(ip("192.0.2.1")?));
        assert!(StaffNetworks::parse("")?.is_empty());
        Ok(())
    }

    #[test]
    fn a_malformed_entry_is_named() {
        for bad in [
            "203.0.113.0/33",
            "2001:db8::/129",
            "example.org",
            "10.0.0.0/x",
        ] {
            let e = StaffNetworks::parse(&format!("10.0.0.0/8,{bad}"));
            assert!(e.as_ref().is_err_and(|m| m.contains(bad)), "{bad}: {e:?}");
        }
    }
}
