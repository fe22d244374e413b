//! Idle connections are closed, HTTP/2 included.
//!
//! HTTP/1.1 is bounded by hyper's header-read timeout, which also ends a kept-alive connection
//! that sends no next request. HTTP/2 has no such timer in hyper: a client that keeps answering
//! the server's pings (or sends its own) would hold its connection for ever. So `serve` bounds it
//! twice:
//!
//! * a connection must dispatch its first request within the header timeout (axum-server's
//!   first-request timeout, which also covers HTTP/2 and protocol detection);
//! * [`IdleConnections`] counts each connection's requests in flight (by peer address) and, when
//!   one has had none for the idle timeout, closes it gracefully through the
//!   [`axum_server::ConnectionShutdown`] handle axum-server gives every request (HTTP/2: GOAWAY
//!   after the open streams finish). Pings are not requests, so they do not keep it open.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;
use axum_server::ConnectionShutdown;

#[derive(Default)]
struct Conn {
    in_flight: u64,
    /// Bumped by every request, so a timer started before it knows it is stale.
    generation: u64,
}

/// Closes connections that have had no request in flight for `idle`.
#[derive(Clone)]
pub struct IdleConnections {
    idle: Duration,
    conns: Arc<Mutex<HashMap<SocketAddr, Conn>>>,
}

/// Ends one request (also when it is cancelled): the connection may then become idle.
struct InFlight {
    tracker: IdleConnections,
    peer: SocketAddr,
    shutdown: ConnectionShutdown,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.tracker.finish(self.peer, self.shutdown.clone());
    }
}

impl IdleConnections {
    /// A tracker closing connections idle for `idle`.
    pub fn new(idle: Duration) -> Self {
        Self {
            idle,
            conns: Arc::default(),
        }
    }

    /// `router` with every request counted.
    pub fn layer(self, router: Router) -> Router {
        router.layer(axum::middleware::from_fn(
            move |req: Request, next: Next| {
                let this = self.clone();
                async move { this.track(req, next).await }
            },
        ))
    }

    async fn track(&self, req: Request, next: Next) -> Response {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let shutdown = req.extensions().get::<ConnectionShutdown>().cloned();
        let (Some(peer), Some(shutdown)) = (peer, shutdown) else {
            return next.run(req).await;
        };
        if let Ok(mut conns) = self.conns.lock() {
            let c = conns.entry(peer).or_default();
            c.in_flight += 1;
            c.generation += 1;
        }
        let _in_flight = InFlight {
            tracker: self.clone(),
            peer,
            shutdown,
        };
        next.run(req).await
    }

    fn finish(&self, peer: SocketAddr, shutdown: ConnectionShutdown) {
        let generation = {
            let Ok(mut conns) = self.conns.lock() else {
                return;
            };
            let Some(c) = conns.get_mut(&peer) else {
                return;
            };
            c.in_flight = c.in_flight.saturating_sub(1);
            if c.in_flight > 0 {
                return;
            }
            c.generation
        };
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let this = self.clone();
        rt.spawn(async move {
            tokio::time::sleep(this.idle).await;
            let idle = this.conns.lock().is_ok_and(|mut conns| {
                let stale = conns
                    .get(&peer)
                    .is_some_and(|c| c.in_flight == 0 && c.generation == generation);
                if stale {
                    conns.remove(&peer);
                }
                stale
            });
            if idle {
                tracing::debug!(%peer, "closing an idle connection");
                shutdown.graceful_shutdown();
            }
        });
    }
}
