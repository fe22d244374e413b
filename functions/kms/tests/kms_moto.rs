//! The plan secrets sealed by KMS, against moto's KMS: a commit seals with `GenerateMac` under an
//! HMAC key, the draw unseals (asks again and checks the commitment), and everything else is
//! refused with a stable code — another key, an altered commitment, a missing key, a key of the
//! wrong usage. The migration path: a legacy key unseals what it sealed, new commits
//! are sealed with the current key.
//!
//! `scripts/test.d/37-kms.sh` (run by `./scripts/test`, so by CI) starts moto and runs this file
//! with `SPOTCHECK_TEST_MOTO_ENDPOINT` and `SPOTCHECK_TEST_MOTO_REQUIRED=1`. In a plain
//! `cargo test` (no endpoint) these tests print "skipped: …"; with the REQUIRED flag and no
//! endpoint they fail. They are never skipped silently.

use aws_sdk_kms::types::{KeySpec, KeyUsageType};
use spotcheck_api::SecretSealer;
use spotcheck_app::SecretSource;
use spotcheck_domain::ids::{Digest, PlanId};
use spotcheck_domain::time::Timestamp;
use spotcheck_kms::{KmsConfig, KmsSecrets, kms_config};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type R = Result<(), BoxError>;

const ENV: &str = "SPOTCHECK_TEST_MOTO_ENDPOINT";
const REQUIRED: &str = "SPOTCHECK_TEST_MOTO_REQUIRED";

/// moto's endpoint; `None` (with a message) when none is configured outside CI.
fn endpoint() -> Result<Option<String>, BoxError> {
    match std::env::var(ENV) {
        Ok(e) => Ok(Some(e)),
        Err(_) if std::env::var_os(REQUIRED).is_some() => Err(format!(
            "{ENV} is not set but {REQUIRED} is: the KMS sealing tests must run against moto_server"
        )
        .into()),
        Err(_) => {
            eprintln!(
                "skipped: {ENV} is not set; run ./scripts/test (or scripts/test.d/37-kms.sh) to seal plan secrets with moto's KMS"
            );
            Ok(None)
        }
    }
}

/// A new key on moto: an HMAC key (`HMAC_256`, `GENERATE_VERIFY_MAC`) unless `spec` says otherwise.
async fn new_key(endpoint: &str, spec: KeySpec, usage: KeyUsageType) -> Result<String, BoxError> {
    let admin = KmsSecrets::connect(&KmsConfig::local("unused", endpoint)).await;
    let out = admin
        .client()
        .create_key()
        .key_spec(spec)
        .key_usage(usage)
        .description("spotcheck test plan key")
        .send()
        .await?;
    Ok(out
        .key_metadata
        .map(|m| m.arn.unwrap_or(m.key_id))
        .ok_or("moto returned no key metadata")?)
}

async fn hmac_key(endpoint: &str) -> Result<String, BoxError> {
    new_key(endpoint, KeySpec::Hmac256, KeyUsageType::GenerateVerifyMac).await
}

/// The sealer the inspector function builds, from the variables it reads.
async fn sealer(endpoint: &str, key: &str, legacy: Option<&str>) -> Result<SecretSealer, BoxError> {
    let vars = [
        ("SPOTCHECK_PLAN_KEY", Some(key)),
        ("SPOTCHECK_LEGACY_PLAN_KEY", legacy),
        ("SPOTCHECK_KMS_ENDPOINT", Some(endpoint)),
    ];
    let get = |name: &str| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.map(str::to_owned))
    };
    Ok(spotcheck_kms::plan_key_sealer(&get).await?)
}

fn plan() -> Result<(PlanId, Timestamp), BoxError> {
    Ok(("PT-KMS-1".parse()?, "2026-12-01T08:00:00Z".parse()?))
}

#[tokio::test]
async fn a_commit_is_sealed_by_kms_and_the_draw_unseals_it() -> R {
    let Some(endpoint) = endpoint()? else {
        return Ok(());
    };
    let key = hmac_key(&endpoint).await?;
    let (id, at) = plan()?;
    let commit = sealer(&endpoint, &key, None).await?;
    let secret = commit.seal(&id, at).await?;
    // Another process (the draw's Lambda invocation) derives the same 32 bytes.
    let draw = sealer(&endpoint, &key, None).await?;
    assert_eq!(draw.unseal(&id, at, &secret.commitment()).await?, secret);
    // Each plan and each commit time has its own secret.
    assert_ne!(draw.seal(&"PT-KMS-2".parse()?, at).await?, secret);
    assert_ne!(
        draw.seal(&id, "2026-12-01T08:00:01Z".parse()?).await?,
        secret
    );
    // Not the file key's secret: the key material is KMS's own.
    assert_ne!(SecretSealer::new([9; 32]).seal(&id, at).await?, secret);
    Ok(())
}

#[tokio::test]
async fn another_key_or_an_altered_commitment_is_refused() -> R {
    let Some(endpoint) = endpoint()? else {
        return Ok(());
    };
    let (id, at) = plan()?;
    let sealed = sealer(&endpoint, &hmac_key(&endpoint).await?, None)
        .await?
        .seal(&id, at)
        .await?
        .commitment();
    let other = sealer(&endpoint, &hmac_key(&endpoint).await?, None).await?;
    let e = other
        .unseal(&id, at, &sealed)
        .await
        .err()
        .ok_or("unsealed")?;
    assert_eq!(e.code(), "plan-secret-not-reproduced", "{e}");
    assert!(e.message().contains("PT-KMS-1"), "{e}");

    let key = hmac_key(&endpoint).await?;
    let own = sealer(&endpoint, &key, None).await?;
    let mut bytes = *own.seal(&id, at).await?.commitment().as_bytes();
    bytes[0] ^= 1;
    let e = own
        .unseal(&id, at, &Digest::from_bytes(bytes))
        .await
        .err()
        .ok_or("unsealed an altered commitment")?;
    assert_eq!(e.code(), "plan-secret-not-reproduced", "{e}");
    // The same plan under another commit time is another secret, so refused too.
    let e = own
        .unseal(
            &id,
            "2026-12-01T08:00:01Z".parse()?,
            &own.seal(&id, at).await?.commitment(),
        )
        .await
        .err()
        .ok_or("unsealed under another commit time")?;
    assert_eq!(e.code(), "plan-secret-not-reproduced", "{e}");
    Ok(())
}

#[tokio::test]
async fn a_key_kms_refuses_is_a_named_503_never_a_secret() -> R {
    let Some(endpoint) = endpoint()? else {
        return Ok(());
    };
    let (id, at) = plan()?;
    // (A disabled key is refused by KMS the same way, DisabledException; moto does not model it.)
    // A symmetric encryption key is not an HMAC key.
    let enc = new_key(
        &endpoint,
        KeySpec::SymmetricDefault,
        KeyUsageType::EncryptDecrypt,
    )
    .await?;
    let e = sealer(&endpoint, &enc, None)
        .await?
        .seal(&id, at)
        .await
        .err()
        .ok_or("sealed with an encryption key")?;
    assert_eq!(e.code(), "secret-key-unavailable", "{e}");
    assert!(
        e.message().contains(&enc) && e.message().contains("InvalidKeyUsage"),
        "{e}"
    );
    // A key that does not exist.
    let e = sealer(&endpoint, "alias/spotcheck-no-such-key", None)
        .await?
        .seal(&id, at)
        .await
        .err()
        .ok_or("sealed with a missing key")?;
    assert_eq!(e.code(), "secret-key-unavailable", "{e}");
    assert!(e.message().contains("NotFound"), "{e}");
    Ok(())
}

#[tokio::test]
async fn during_a_migration_the_legacy_key_unseals_what_it_sealed() -> R {
    let Some(endpoint) = endpoint()? else {
        return Ok(());
    };
    let (id, at) = plan()?;
    let legacy = hmac_key(&endpoint).await?;
    let current = hmac_key(&endpoint).await?;
    let old = sealer(&endpoint, &legacy, None)
        .await?
        .seal(&id, at)
        .await?;
    let migrating = sealer(&endpoint, &current, Some(&legacy)).await?;
    // A plan committed before the migration is drawn with its secret ...
    assert_eq!(migrating.unseal(&id, at, &old.commitment()).await?, old);
    // ... a new commit is sealed with the current key, and unsealed with it.
    let new = migrating.seal(&id, at).await?;
    assert_ne!(new, old);
    assert_eq!(
        sealer(&endpoint, &current, None)
            .await?
            .unseal(&id, at, &new.commitment())
            .await?,
        new
    );
    // Neither key reproduces a third key's commitment.
    let third = sealer(&endpoint, &hmac_key(&endpoint).await?, None)
        .await?
        .seal(&id, at)
        .await?;
    let e = migrating
        .unseal(&id, at, &third.commitment())
        .await
        .err()
        .ok_or("unsealed a third key's plan")?;
    assert_eq!(e.code(), "plan-secret-not-reproduced", "{e}");
    Ok(())
}

#[test]
fn the_inspector_function_needs_the_plan_key() {
    let e = kms_config(&|_: &str| None).err().map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some("environment variable SPOTCHECK_PLAN_KEY: is not set")
    );
}

// ------------------------------------------------------------------ through the inspector API

mod http {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};

    use axum::body::Body;
    use axum::http::{Request, header};
    use http_body_util::BodyExt;
    use serde_json::{Value, json};
    use spotcheck_api::auth::{Claims, DEFAULT_ISSUER, mint_token};
    use spotcheck_api::{Authenticator, InspectorState, SecretSealer, app};
    use spotcheck_app::SecretSource;
    use spotcheck_domain::time::Timestamp;
    use spotcheck_store::SqliteStore;
    use tower::ServiceExt;

    use super::{BoxError, R, endpoint, hmac_key, sealer};

    const KEY: [u8; 32] = [7; 32];
    const DEPT: &str = "莆田市文化和旅游局";
    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");

    /// The inspector router over one SQLite file, sealing with `sealer`, its clock at `clock`.
    fn router(
        db: &std::path::Path,
        sealer: SecretSealer,
        clock: &Arc<AtomicI64>,
    ) -> Result<axum::Router, BoxError> {
        let c = Arc::clone(clock);
        Ok(app(InspectorState {
            store: Arc::new(SqliteStore::open(db)?),
            auth: Authenticator::local(&KEY)?,
            sealer,
            clock: Arc::new(move || Timestamp::from_unix(c.load(Ordering::SeqCst))),
            beacon: None,
            timestamper: None,
            schedule: Default::default(),
        }))
    }

    fn token(roles: &[&str]) -> Result<String, BoxError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs();
        let now = i64::try_from(now)?;
        Ok(mint_token(
            &KEY,
            &Claims {
                sub: "chief".into(),
                department: DEPT.into(),
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                iss: DEFAULT_ISSUER.into(),
                iat: now,
                exp: now + 3600,
                nbf: None,
            },
        )?)
    }

    async fn send(
        router: &axum::Router,
        token: &str,
        path: &str,
        body: Option<Vec<u8>>,
        kind: &str,
    ) -> Result<(u16, Value), BoxError> {
        let req = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, kind)
            .body(body.map_or_else(Body::empty, Body::from))?;
        let resp = router.clone().oneshot(req).await?;
        let status = resp.status().as_u16();
        let bytes = resp.into_body().collect().await?.to_bytes();
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    async fn post(
        router: &axum::Router,
        token: &str,
        path: &str,
        body: Value,
    ) -> Result<(u16, Value), BoxError> {
        send(
            router,
            token,
            path,
            Some(serde_json::to_vec(&body)?),
            "application/json",
        )
        .await
    }

    /// A plan is committed through the inspector API with its secret sealed by KMS; a server
    /// holding another key cannot draw it (500, nothing drawn); the server with the plan key draws
    /// it, and the secret the transcript publishes is KMS's MAC.
    #[tokio::test]
    async fn the_inspector_api_commits_and_draws_with_the_kms_key() -> R {
        let Some(endpoint) = endpoint()? else {
            return Ok(());
        };
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("d.sqlite");
        let start: Timestamp = "2026-03-02T01:00:00Z".parse()?;
        let clock = Arc::new(AtomicI64::new(start.unix()));
        let key = hmac_key(&endpoint).await?;
        let api = router(&db, sealer(&endpoint, &key, None).await?, &clock)?;

        let registrar = token(&["registrar"])?;
        for (kind, file) in [
            ("items", "items/tourism-items.csv"),
            ("agencies", "registries/agencies.synthetic.csv"),
            ("guides", "registries/guides.synthetic.csv"),
            ("inspectors", "registries/inspectors.synthetic.csv"),
        ] {
            let bytes = std::fs::read(format!("{FIXTURES}/{file}"))?;
            let (status, body) = send(
                &api,
                &registrar,
                &format!("/api/registries/{kind}"),
                Some(bytes),
                "text/csv",
            )
            .await?;
            assert!(status < 300, "import {kind}: {status} {body}");
        }
        let staff = token(&["inspector", "supervisor"])?;
        let planned = Timestamp::from_unix(start.unix() + 26 * 3600);
        let (status, body) = post(
            &api,
            &staff,
            "/api/plans",
            json!({
                "id": "PT-KMS-HTTP",
                "item": "PT-LY-001",
                "title": "密钥管理服务测试抽查",
                "department": DEPT,
                "target_kind": "agency",
                "filter": {"mode": "untargeted"},
                "stratum_scheme": "region",
                "parameters": {"default": {"count": 1}, "inspectors_per_target": 2},
                "entropy_source": {"witnesses": ["观察员 李某"]},
                "planned_draw_at": planned.to_string()
            }),
        )
        .await?;
        assert_eq!(status, 201, "create: {body}");
        let (status, committed) =
            post(&api, &staff, "/api/plans/PT-KMS-HTTP/commit", json!({})).await?;
        assert_eq!(status, 201, "commit: {committed}");
        let id = "PT-KMS-HTTP".parse()?;
        let kms_secret = sealer(&endpoint, &key, None)
            .await?
            .seal(&id, start)
            .await?;
        assert_eq!(
            committed["commitment"]["secret_commitment"],
            serde_json::to_value(kms_secret.commitment())?,
            "the commitment must be to KMS's MAC: {committed}"
        );

        clock.store(planned.unix(), Ordering::SeqCst);
        let witnesses = json!({"witnesses": [{"name": "观察员 李某", "value": "3 1 4 1 5 9"}]});
        // A server with another key refuses to draw (the cause is logged, not shown).
        let other = router(
            &db,
            sealer(&endpoint, &hmac_key(&endpoint).await?, None).await?,
            &clock,
        )?;
        let (status, problem) = post(
            &other,
            &staff,
            "/api/plans/PT-KMS-HTTP/draw",
            witnesses.clone(),
        )
        .await?;
        assert_eq!(status, 500, "{problem}");
        assert!(!problem.to_string().contains(&key), "{problem}");
        // The plan key draws it, once.
        let (status, drawn) = post(&api, &staff, "/api/plans/PT-KMS-HTTP/draw", witnesses).await?;
        assert_eq!(status, 201, "draw: {drawn}");
        let req = Request::get("/api/public/plans/PT-KMS-HTTP/transcript").body(Body::empty())?;
        let resp = api.clone().oneshot(req).await?;
        let transcript: Value =
            serde_json::from_slice(&resp.into_body().collect().await?.to_bytes())?;
        assert_eq!(
            transcript["secret"],
            serde_json::to_value(&kms_secret)?,
            "the published secret is KMS's MAC: {transcript}"
        );
        Ok(())
    }
}
