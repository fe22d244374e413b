//! The operator's per-plan secret, derived rather than stored.
//!
//! `secret = HMAC-SHA256(key, lp("spotcheck/v1/plan-secret") ‖ lp(plan_id) ‖ lp(committed_at))`
//! ([`plan_secret_message`]). The key lives outside the database: a 0600 file for
//! `spotcheck serve` ([`SecretSealer::new`]), a KMS HMAC key on Lambda that never leaves KMS
//! (`GenerateMac` over the same message, behind the same port: [`SecretSealer::from_source`]). So
//! the database never holds a secret, and the commit and the draw — possibly in different
//! processes or Lambda invocations — derive the same 32 bytes. Without the key nobody can predict
//! a secret (HMAC is a PRF); the draw checks the derived secret against the commitment's
//! `secret_commitment` before using it.

use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use spotcheck_app::SecretSource;
use spotcheck_app::ports::PortFuture;
use spotcheck_domain::draw::Secret;
use spotcheck_domain::encoding::put_lp;
use spotcheck_domain::ids::{Digest, PlanId};
use spotcheck_domain::time::Timestamp;

/// The bytes a plan's secret is the HMAC-SHA256 of, whoever holds the key.
pub fn plan_secret_message(plan: &PlanId, committed_at: Timestamp) -> Vec<u8> {
    let mut msg = Vec::new();
    put_lp(&mut msg, b"spotcheck/v1/plan-secret");
    put_lp(&mut msg, plan.as_str().as_bytes());
    put_lp(&mut msg, committed_at.to_string().as_bytes());
    msg
}

/// Seals and unseals the plan secrets: with a file key, or through another [`SecretSource`]
/// (KMS on Lambda). `Debug` shows neither.
#[derive(Clone)]
pub struct SecretSealer {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    File([u8; 32]),
    Source(Arc<dyn SecretSource>),
}

impl std::fmt::Debug for SecretSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretSealer(<sealed>)")
    }
}

impl SecretSealer {
    /// A sealer for a 32-byte file key.
    pub fn new(key: [u8; 32]) -> Self {
        Self {
            inner: Inner::File(key),
        }
    }

    /// A sealer that asks `source` (a key service) for each secret.
    pub fn from_source(source: Arc<dyn SecretSource>) -> Self {
        Self {
            inner: Inner::Source(source),
        }
    }

    /// Parses a key file's content: 64 hex characters (surrounding white space ignored).
    ///
    /// # Errors
    /// A message that does not echo the content.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let mut key = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut key)
            .map_err(|_| "the master key must be 64 hex characters".to_owned())?;
        Ok(Self::new(key))
    }
}

/// HMAC-SHA256 of the plan's message under a file key.
fn file_secret(key: &[u8; 32], plan: &PlanId, committed_at: Timestamp) -> Secret {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC accepts keys of any length; this branch cannot be taken.
        Err(_) => return Secret::from_bytes([0; 32]),
    };
    mac.update(&plan_secret_message(plan, committed_at));
    Secret::from_bytes(mac.finalize().into_bytes().into())
}

impl SecretSource for SecretSealer {
    fn seal<'a>(&'a self, plan: &'a PlanId, committed_at: Timestamp) -> PortFuture<'a, Secret> {
        match &self.inner {
            Inner::File(key) => {
                let secret = file_secret(key, plan, committed_at);
                Box::pin(async move { Ok(secret) })
            }
            Inner::Source(source) => source.seal(plan, committed_at),
        }
    }

    fn unseal<'a>(
        &'a self,
        plan: &'a PlanId,
        committed_at: Timestamp,
        sealed: &'a Digest,
    ) -> PortFuture<'a, Secret> {
        match &self.inner {
            Inner::File(key) => {
                let secret = file_secret(key, plan, committed_at);
                Box::pin(async move {
                    if secret.commitment() == *sealed {
                        Ok(secret)
                    } else {
                        Err(spotcheck_app::secret_not_reproduced(plan))
                    }
                })
            }
            Inner::Source(source) => source.unseal(plan, committed_at, sealed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type R = Result<(), Box<dyn std::error::Error>>;

    #[tokio::test]
    async fn same_inputs_same_secret_and_any_change_another() -> R {
        let s = SecretSealer::new([9; 32]);
        let p: PlanId = "PT-1".parse()?;
        let t: Timestamp = "2026-11-26T08:00:00Z".parse()?;
        assert_eq!(s.seal(&p, t).await?, s.seal(&p, t).await?);
        assert_ne!(s.seal(&p, t).await?, s.seal(&"PT-2".parse()?, t).await?);
        assert_ne!(
            s.seal(&p, t).await?,
            s.seal(&p, "2026-11-26T08:00:01Z".parse()?).await?
        );
        assert_ne!(
            s.seal(&p, t).await?,
            SecretSealer::new([8; 32]).seal(&p, t).await?
        );
        assert!(!format!("{s:?}").contains("09"));
        Ok(())
    }

    /// The file key's derivation is frozen: a KMS HMAC key holding the same 32 bytes (imported
    /// key material) must reproduce every secret a file key sealed.
    #[tokio::test]
    async fn the_derivation_is_hmac_sha256_of_the_length_prefixed_message() -> R {
        let p: PlanId = "PT-1".parse()?;
        let t: Timestamp = "2026-11-26T08:00:00Z".parse()?;
        let msg = plan_secret_message(&p, t);
        let mut expected = b"\x00\x00\x00\x18spotcheck/v1/plan-secret".to_vec();
        expected.extend_from_slice(b"\x00\x00\x00\x04PT-1\x00\x00\x00\x142026-11-26T08:00:00Z");
        assert_eq!(msg, expected);
        let mut mac = Hmac::<Sha256>::new_from_slice(&[9; 32])?;
        mac.update(&msg);
        let want = Secret::from_bytes(mac.finalize().into_bytes().into());
        assert_eq!(SecretSealer::new([9; 32]).seal(&p, t).await?, want);
        Ok(())
    }

    #[tokio::test]
    async fn unseal_refuses_a_commitment_another_key_sealed() -> R {
        let p: PlanId = "PT-1".parse()?;
        let t: Timestamp = "2026-11-26T08:00:00Z".parse()?;
        let sealed = SecretSealer::new([8; 32]).seal(&p, t).await?.commitment();
        let s = SecretSealer::new([9; 32]);
        let e = s.unseal(&p, t, &sealed).await.err().ok_or("unsealed")?;
        assert_eq!(e.code(), "plan-secret-not-reproduced");
        assert!(e.message().contains("PT-1"), "{e}");
        let own = s.seal(&p, t).await?;
        assert_eq!(s.unseal(&p, t, &own.commitment()).await?, own);
        Ok(())
    }
}
