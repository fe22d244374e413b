//! The operator's per-plan secret, derived rather than stored.
//!
//! `secret = HMAC-SHA256(master_key, lp("spotcheck/v1/plan-secret") ‖ lp(plan_id) ‖ lp(committed_at))`.
//! The master key lives outside the database (a 0600 file for `spotcheck serve`, AWS Secrets
//! Manager on Lambda), so the database never holds a secret; the commit and the draw — possibly
//! in different processes or Lambda invocations — derive the same 32 bytes. Without the master key
//! nobody can predict a secret (HMAC is a PRF); the draw checks the derived secret against the
//! commitment's `secret_commitment` before using it.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use spotcheck_domain::draw::Secret;
use spotcheck_domain::encoding::put_lp;
use spotcheck_domain::ids::PlanId;
use spotcheck_domain::time::Timestamp;

/// Holds the master key. `Debug` does not show it.
#[derive(Clone)]
pub struct SecretSealer {
    key: [u8; 32],
}

impl std::fmt::Debug for SecretSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretSealer(<sealed>)")
    }
}

impl SecretSealer {
    /// A sealer for a 32-byte master key.
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// Parses a master key file's content: 64 hex characters (surrounding white space ignored).
    ///
    /// # Errors
    /// A message that does not echo the content.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let mut key = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut key)
            .map_err(|_| "the master key must be 64 hex characters".to_owned())?;
        Ok(Self { key })
    }

    /// The secret of `plan` committed at `committed_at`.
    pub fn secret_for(&self, plan: &PlanId, committed_at: Timestamp) -> Secret {
        let mut msg = Vec::new();
        put_lp(&mut msg, b"spotcheck/v1/plan-secret");
        put_lp(&mut msg, plan.as_str().as_bytes());
        put_lp(&mut msg, committed_at.to_string().as_bytes());
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(m) => m,
            // HMAC accepts keys of any length; this branch cannot be taken.
            Err(_) => return Secret::from_bytes([0; 32]),
        };
        mac.update(&msg);
        Secret::from_bytes(mac.finalize().into_bytes().into())
    }
}

impl spotcheck_app::SecretSource for SecretSealer {
    fn secret_for(&self, plan: &PlanId, committed_at: Timestamp) -> Secret {
        SecretSealer::secret_for(self, plan, committed_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_inputs_same_secret_and_any_change_another() -> Result<(), Box<dyn std::error::Error>> {
        let s = SecretSealer::new([9; 32]);
        let p: PlanId = "PT-1".parse()?;
        let t: Timestamp = "2026-11-26T08:00:00Z".parse()?;
        assert_eq!(s.secret_for(&p, t), s.secret_for(&p, t));
        assert_ne!(s.secret_for(&p, t), s.secret_for(&"PT-2".parse()?, t));
        assert_ne!(
            s.secret_for(&p, t),
            s.secret_for(&p, "2026-11-26T08:00:01Z".parse()?)
        );
        assert_ne!(
            s.secret_for(&p, t),
            SecretSealer::new([8; 32]).secret_for(&p, t)
        );
        assert!(!format!("{s:?}").contains("09"));
        Ok(())
    }
}
