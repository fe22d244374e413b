//! The plan secrets sealed in AWS KMS: the [`SecretSource`] port over `GenerateMac` with a
//! customer-managed HMAC key (`HMAC_256`, key usage `GENERATE_VERIFY_MAC`).
//!
//! A plan's secret is the HMAC-SHA256 of [`plan_secret_message`] under the key — the derivation
//! the local file key uses, so the key material never leaves KMS and nothing is stored: the commit
//! asks KMS for the MAC, the draw asks again and checks it against the commitment. KMS computes
//! the MAC deterministically (HMAC), so the same plan and commit time give the same 32 bytes in
//! any invocation.
//!
//! Migration: a stack whose plans were sealed with the former master key (an environment
//! variable) names a second KMS HMAC key holding that key's bytes as imported key material
//! ([`KmsConfig::legacy_key`]); the draw tries the current key first, then the legacy key, and
//! uses whichever reproduces the commitment (docs/operations.md, "Plan secrets in KMS").
//!
//! | Variable | Meaning |
//! |---|---|
//! | `SPOTCHECK_PLAN_KEY` | the KMS HMAC key (ARN) every commit is sealed with: a key id, not a secret |
//! | `SPOTCHECK_LEGACY_PLAN_KEY` | optional: a KMS HMAC key holding the former master key (imported) |
//! | `SPOTCHECK_KMS_ENDPOINT` | optional: endpoint override (tests, local emulators) |
#![warn(missing_docs)]

use std::sync::Arc;

use aws_sdk_kms::Client;
use aws_sdk_kms::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::MacAlgorithmSpec;
use spotcheck_api::SecretSealer;
use spotcheck_api::sealer::plan_secret_message;
use spotcheck_app::error::ErrorKind;
use spotcheck_app::ports::PortFuture;
use spotcheck_app::{AppError, SecretSource, secret_not_reproduced};
use spotcheck_domain::draw::Secret;
use spotcheck_domain::ids::{Digest, PlanId};
use spotcheck_domain::time::Timestamp;

/// Which KMS keys seal the plan secrets, and where KMS is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsConfig {
    /// The HMAC key every commit is sealed with (id, ARN or alias).
    pub key: String,
    /// An HMAC key holding the former master key (imported), for plans committed before it.
    pub legacy_key: Option<String>,
    /// Endpoint override (moto); `None` for AWS.
    pub endpoint: Option<String>,
    /// Region; `None` for the default chain (`AWS_REGION` on Lambda).
    pub region: Option<String>,
    /// Fixed dummy credentials (for a local endpoint that ignores them).
    pub local_credentials: bool,
}

impl KmsConfig {
    /// The key on AWS, default credentials chain.
    pub fn aws(key: impl Into<String>, legacy_key: Option<String>) -> Self {
        Self {
            key: key.into(),
            legacy_key,
            endpoint: None,
            region: None,
            local_credentials: false,
        }
    }

    /// A local KMS-compatible endpoint (moto): dummy credentials, `us-east-1`.
    pub fn local(key: impl Into<String>, endpoint: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            legacy_key: None,
            endpoint: Some(endpoint.into()),
            region: Some("us-east-1".into()),
            local_credentials: true,
        }
    }
}

/// The plan secrets from KMS. Cheap to clone.
#[derive(Debug, Clone)]
pub struct KmsSecrets {
    client: Client,
    key: String,
    legacy_key: Option<String>,
}

impl KmsSecrets {
    /// Builds the client (once, in `main`). Makes no call: a missing key or permission shows at
    /// the first commit or draw, as a 503 naming KMS's error.
    pub async fn connect(config: &KmsConfig) -> Self {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(r) = &config.region {
            loader = loader.region(aws_config::Region::new(r.clone()));
        }
        if let Some(e) = &config.endpoint {
            loader = loader.endpoint_url(e);
        }
        if config.local_credentials {
            loader = loader.credentials_provider(aws_sdk_kms::config::Credentials::new(
                "local",
                "local",
                None,
                None,
                "spotcheck-local",
            ));
        }
        let sdk = loader.load().await;
        Self {
            client: Client::new(&sdk),
            key: config.key.clone(),
            legacy_key: config.legacy_key.clone(),
        }
    }

    /// The SDK client (tests create keys with it).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// HMAC-SHA256 of the plan's message under `key`, computed inside KMS.
    async fn mac(
        &self,
        key: &str,
        plan: &PlanId,
        committed_at: Timestamp,
    ) -> Result<Secret, AppError> {
        let out = self
            .client
            .generate_mac()
            .key_id(key)
            .mac_algorithm(MacAlgorithmSpec::HmacSha256)
            .message(Blob::new(plan_secret_message(plan, committed_at)))
            .send()
            .await
            .map_err(|e| kms_error(key, &e))?;
        let mac = out.mac.map(Blob::into_inner).unwrap_or_default();
        let bytes: [u8; 32] = mac.as_slice().try_into().map_err(|_| {
            AppError::internal(format!(
                "KMS key {key} returned a {}-byte MAC, not HMAC-SHA256's 32 bytes",
                mac.len()
            ))
        })?;
        Ok(Secret::from_bytes(bytes))
    }
}

/// A refused or failed `GenerateMac`: 503 `secret-key-unavailable`, naming the key and KMS's
/// error code (a disabled or deleted key, a key of another usage, a missing permission), never a
/// secret.
fn kms_error<E: ProvideErrorMetadata, R>(key: &str, e: &SdkError<E, R>) -> AppError {
    let why = match e {
        SdkError::ServiceError(s) => {
            let err = s.err();
            format!(
                "{}: {}",
                err.code().unwrap_or("unknown error"),
                err.message().unwrap_or("no message")
            )
        }
        SdkError::TimeoutError(_) => "timed out".to_owned(),
        SdkError::DispatchFailure(_) => "could not be reached".to_owned(),
        _ => "the response could not be read".to_owned(),
    };
    AppError::new(
        ErrorKind::Unavailable,
        "secret-key-unavailable",
        format!("KMS refused to compute the plan secret with key {key} ({why})"),
    )
}

impl SecretSource for KmsSecrets {
    fn seal<'a>(&'a self, plan: &'a PlanId, committed_at: Timestamp) -> PortFuture<'a, Secret> {
        Box::pin(self.mac(&self.key, plan, committed_at))
    }

    fn unseal<'a>(
        &'a self,
        plan: &'a PlanId,
        committed_at: Timestamp,
        sealed: &'a Digest,
    ) -> PortFuture<'a, Secret> {
        Box::pin(async move {
            let secret = self.mac(&self.key, plan, committed_at).await?;
            if secret.commitment() == *sealed {
                return Ok(secret);
            }
            if let Some(legacy) = &self.legacy_key {
                let secret = self.mac(legacy, plan, committed_at).await?;
                if secret.commitment() == *sealed {
                    return Ok(secret);
                }
            }
            Err(secret_not_reproduced(plan))
        })
    }
}

/// A variable is missing: the function cannot start.
#[derive(Debug, thiserror::Error)]
#[error("environment variable {name}: is not set")]
pub struct MissingVariable {
    /// The variable.
    pub name: &'static str,
}

/// The keys from `SPOTCHECK_PLAN_KEY`, `SPOTCHECK_LEGACY_PLAN_KEY` (optional) and
/// `SPOTCHECK_KMS_ENDPOINT` (optional), read through `get` (the process environment on Lambda, a
/// map in tests). No secret is in the environment: these name keys whose material stays in KMS.
///
/// # Errors
/// [`MissingVariable`] if the key is not named.
pub fn kms_config(get: &dyn Fn(&str) -> Option<String>) -> Result<KmsConfig, MissingVariable> {
    let set = |name: &str| {
        get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let key = set("SPOTCHECK_PLAN_KEY").ok_or(MissingVariable {
        name: "SPOTCHECK_PLAN_KEY",
    })?;
    let legacy_key = set("SPOTCHECK_LEGACY_PLAN_KEY");
    Ok(match set("SPOTCHECK_KMS_ENDPOINT") {
        Some(endpoint) => KmsConfig {
            legacy_key,
            ..KmsConfig::local(key, endpoint)
        },
        None => KmsConfig::aws(key, legacy_key),
    })
}

/// The inspector function's secret sealer: KMS, configured by [`kms_config`].
///
/// # Errors
/// [`MissingVariable`] if the key is not named.
pub async fn plan_key_sealer(
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<SecretSealer, MissingVariable> {
    let secrets = KmsSecrets::connect(&kms_config(get)?).await;
    Ok(SecretSealer::from_source(Arc::new(secrets)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn the_plan_key_must_be_named_and_the_legacy_key_and_endpoint_are_optional()
    -> Result<(), MissingVariable> {
        let e = kms_config(&env(&[("SPOTCHECK_PLAN_KEY", " ")]))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("environment variable SPOTCHECK_PLAN_KEY: is not set")
        );
        let arn = "arn:aws-cn:kms:cn-north-1:111122223333:key/k";
        let c = kms_config(&env(&[
            ("SPOTCHECK_PLAN_KEY", arn),
            ("SPOTCHECK_LEGACY_PLAN_KEY", ""),
        ]))?;
        assert_eq!(c, KmsConfig::aws(arn, None));
        let c = kms_config(&env(&[
            ("SPOTCHECK_PLAN_KEY", arn),
            ("SPOTCHECK_LEGACY_PLAN_KEY", "old"),
            ("SPOTCHECK_KMS_ENDPOINT", "http://127.0.0.1:5000"),
        ]))?;
        assert_eq!(c.legacy_key.as_deref(), Some("old"));
        assert_eq!(c.endpoint.as_deref(), Some("http://127.0.0.1:5000"));
        assert!(c.local_credentials);
        Ok(())
    }
}
