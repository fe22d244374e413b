//! What the use cases need from outside besides storage: the plan secrets and the beacon.

use std::future::Future;
use std::pin::Pin;

use spotcheck_beacon::{BeaconSource, FetchError, fetch_promised_round};
use spotcheck_domain::draw::{DrandBeacon, DrandSource, Secret};
use spotcheck_domain::ids::{Digest, PlanId};
use spotcheck_domain::time::Timestamp;

use crate::AppError;

/// Derives each plan's operator secret from a key the database never holds (locally a 0600 file,
/// on AWS a KMS HMAC key that never leaves KMS): the commit and the draw, possibly in different
/// processes, derive the same 32 bytes.
pub trait SecretSource: Send + Sync {
    /// Seals a commit: the secret of `plan` committed at `committed_at`, under the current key.
    fn seal<'a>(&'a self, plan: &'a PlanId, committed_at: Timestamp) -> PortFuture<'a, Secret>;

    /// Unseals for the draw: the secret whose commitment is `sealed`, from the current key or an
    /// older one the source still holds (a key being migrated from).
    ///
    /// # Errors
    /// `plan-secret-not-reproduced` (500) when no key reproduces it: another key sealed it, or the
    /// stored commitment was altered; the source's own errors (e.g. the key service unavailable).
    fn unseal<'a>(
        &'a self,
        plan: &'a PlanId,
        committed_at: Timestamp,
        sealed: &'a Digest,
    ) -> PortFuture<'a, Secret> {
        Box::pin(async move {
            let secret = self.seal(plan, committed_at).await?;
            if secret.commitment() == *sealed {
                Ok(secret)
            } else {
                Err(secret_not_reproduced(plan))
            }
        })
    }
}

/// The error of [`SecretSource::unseal`] when no key reproduces a plan's committed secret.
pub fn secret_not_reproduced(plan: &PlanId) -> AppError {
    AppError::new(
        crate::error::ErrorKind::Internal,
        "plan-secret-not-reproduced",
        format!(
            "no key of this server reproduces plan {plan}'s committed secret: another key sealed it (was the key replaced?), or the stored commitment was altered"
        ),
    )
}

/// A future a port returns, boxed so the port can be held as a trait object.
pub type PortFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'a>>;

/// Where the drand round a commitment promised comes from (an HTTP relay set on a server,
/// recorded rounds locally and in tests).
pub trait Beacon: Send + Sync {
    /// The promised round, its signature checked; refused before the round's time.
    fn promised_round<'a>(
        &'a self,
        promised: &'a DrandSource,
        now: Timestamp,
    ) -> PortFuture<'a, DrandBeacon>;
}

impl<B: BeaconSource + Send + Sync> Beacon for B {
    fn promised_round<'a>(
        &'a self,
        promised: &'a DrandSource,
        now: Timestamp,
    ) -> PortFuture<'a, DrandBeacon> {
        Box::pin(async move {
            fetch_promised_round(self, promised, now)
                .await
                .map_err(beacon_error)
        })
    }
}

fn beacon_error(e: FetchError) -> AppError {
    use crate::error::ErrorKind;
    match &e {
        FetchError::TooEarly { .. } => AppError::conflict("beacon-round-not-yet", e.to_string()),
        FetchError::UnknownChain(_) | FetchError::InvalidRound(_) => {
            AppError::validation("beacon-round-invalid", e.to_string())
        }
        FetchError::Unavailable { .. } | FetchError::NotRecorded { .. } => {
            AppError::new(ErrorKind::Unavailable, "beacon-unavailable", e.to_string())
        }
        _ => AppError::new(ErrorKind::Unavailable, "beacon-unavailable", e.to_string()),
    }
}
