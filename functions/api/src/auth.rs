//! Who is calling: subject, department and roles.
//!
//! On AWS, API Gateway's JWT authorizer has already checked the token; the handler reads the claims
//! from the request context that `lambda_http` puts in the request's extensions. Locally
//! (`spotcheck serve`), the server checks the same kind of token itself with `jsonwebtoken`.

use std::collections::HashMap;
use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use spotcheck_domain::ids::Department;

use crate::error::ApiError;

/// What a caller may do.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Plans, results and penalties of their own department.
    Inspector,
    /// Commit, draw and cancel (their own department's plans).
    Supervisor,
    /// Approve and publish.
    Publisher,
    /// Everything the other roles do, in their own department (registries excepted).
    Admin,
    /// Replace the registries (名录管理): the agency, guide, operator and inspector registries and
    /// the item list are shared by every department, so replacing one needs this role of its own,
    /// which no other role implies. Every replacement is a new snapshot in the audit log.
    Registrar,
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "inspector" => Ok(Role::Inspector),
            "supervisor" => Ok(Role::Supervisor),
            "publisher" => Ok(Role::Publisher),
            "admin" => Ok(Role::Admin),
            "registrar" => Ok(Role::Registrar),
            other => Err(format!(
                "unknown role {other:?} (inspector, supervisor, publisher, admin, registrar)"
            )),
        }
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's subject.
    pub subject: String,
    /// The caller's department.
    pub department: Department,
    /// The caller's roles.
    pub roles: Vec<Role>,
}

impl Principal {
    /// The caller as the application core sees them: every role and department rule is the
    /// core's ([`spotcheck_app::Staff`]), applied the same way on every surface.
    ///
    /// # Errors
    /// [`ApiError`] 400 `invalid-subject` for a subject the audit log cannot record.
    pub fn staff(&self) -> Result<spotcheck_app::Staff, ApiError> {
        use spotcheck_app::Role as R;
        let actor = self
            .subject
            .parse()
            .map_err(|e| ApiError::bad_request("invalid-subject", format!("token subject: {e}")))?;
        let roles = self
            .roles
            .iter()
            .map(|r| match r {
                Role::Inspector => R::Inspector,
                Role::Supervisor => R::Supervisor,
                Role::Publisher => R::Publisher,
                Role::Admin => R::Admin,
                Role::Registrar => R::Registrar,
            })
            .collect();
        Ok(spotcheck_app::Staff {
            actor,
            department: self.department.clone(),
            roles,
        })
    }
}

/// The claims of a spotcheck token (also what Cognito provides, see [`principal_from_claims`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Subject (user id).
    pub sub: String,
    /// Department.
    pub department: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Issuer: must equal the server's configured issuer ([`TokenPolicy::issuer`]).
    pub iss: String,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issued at (seconds since the epoch); not in the future, and at most
    /// [`TokenPolicy::max_lifetime_secs`] before `exp`.
    pub iat: i64,
    /// Not valid before (seconds since the epoch), if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// The issuer `spotcheck serve` expects and `spotcheck token` writes unless told otherwise.
pub const DEFAULT_ISSUER: &str = "spotcheck-local";
/// The longest token lifetime (`exp` − `iat`) the local server accepts unless told otherwise: 12 h.
pub const DEFAULT_MAX_LIFETIME_SECS: i64 = 12 * 3600;
/// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
pub const LEEWAY_SECS: i64 = 30;

/// What a locally checked token must satisfy besides its signature and expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPolicy {
    /// The only accepted `iss`.
    pub issuer: String,
    /// The longest accepted `exp` − `iat`, in seconds.
    pub max_lifetime_secs: i64,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        Self {
            issuer: DEFAULT_ISSUER.to_owned(),
            max_lifetime_secs: DEFAULT_MAX_LIFETIME_SECS,
        }
    }
}

/// How the server learns who is calling.
#[derive(Clone)]
pub enum Authenticator {
    /// Verify `Authorization: Bearer` tokens signed with this HMAC-SHA256 key (local server).
    LocalHs256 {
        /// The key.
        key: DecodingKey,
        /// Issuer and longest lifetime accepted.
        policy: TokenPolicy,
    },
    /// Trust the claims API Gateway's JWT authorizer put in the Lambda request context.
    ApiGateway,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Authenticator::LocalHs256 { .. } => f.write_str("LocalHs256(<key>)"),
            Authenticator::ApiGateway => f.write_str("ApiGateway"),
        }
    }
}

impl Authenticator {
    /// A local authenticator for an HMAC key (at least 32 bytes).
    ///
    /// # Errors
    /// A message if the key is too short.
    pub fn local(secret: &[u8]) -> Result<Self, String> {
        Self::local_with(secret, TokenPolicy::default())
    }

    /// A local authenticator for an HMAC key (at least 32 bytes) with this issuer and lifetime policy.
    ///
    /// # Errors
    /// A message if the key is too short, the issuer empty or the lifetime not positive.
    pub fn local_with(secret: &[u8], policy: TokenPolicy) -> Result<Self, String> {
        if secret.len() < 32 {
            return Err("the JWT signing key must be at least 32 bytes".into());
        }
        if policy.issuer.trim().is_empty() {
            return Err("the JWT issuer must not be empty".into());
        }
        if policy.max_lifetime_secs <= 0 {
            return Err("the longest token lifetime must be positive".into());
        }
        Ok(Authenticator::LocalHs256 {
            key: DecodingKey::from_secret(secret),
            policy,
        })
    }

    fn authenticate(&self, parts: &Parts) -> Result<Principal, ApiError> {
        match self {
            Authenticator::ApiGateway => {
                let claims = gateway_claims(parts).ok_or_else(|| {
                    ApiError::unauthorized("no authorizer claims in the request context")
                })?;
                principal_from_claims(&claims)
            }
            Authenticator::LocalHs256 { key, policy } => {
                let header = parts
                    .headers
                    .get(axum::http::header::AUTHORIZATION)
                    .ok_or_else(|| ApiError::unauthorized("missing Authorization: Bearer token"))?;
                let token = header
                    .to_str()
                    .ok()
                    .and_then(|h| h.strip_prefix("Bearer "))
                    .ok_or_else(|| {
                        ApiError::unauthorized("expected Authorization: Bearer <token>")
                    })?;
                let c = check_local_token(token.trim(), key, policy, unix_now())?;
                let mut map = HashMap::new();
                map.insert("sub".to_owned(), c.sub);
                map.insert("department".to_owned(), c.department);
                map.insert("roles".to_owned(), c.roles.join(" "));
                principal_from_claims(&map)
            }
        }
    }
}

/// Checks a locally signed token: HS256 signature, `exp` and `nbf` (with [`LEEWAY_SECS`]), `iss`
/// equal to the policy's issuer, `iat` not in the future and `exp` − `iat` within the policy's
/// longest lifetime.
fn check_local_token(
    token: &str,
    key: &DecodingKey,
    policy: &TokenPolicy,
    now: i64,
) -> Result<Claims, ApiError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = LEEWAY_SECS as u64;
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp", "sub", "iat", "iss"]);
    validation.set_issuer(&[policy.issuer.as_str()]);
    let c = jsonwebtoken::decode::<Claims>(token, key, &validation)
        .map_err(|e| ApiError::unauthorized(format!("invalid token: {e}")))?
        .claims;
    if c.iat > now + LEEWAY_SECS {
        return Err(ApiError::unauthorized(
            "invalid token: issued in the future (iat is after the server's clock)",
        ));
    }
    if c.exp.saturating_sub(c.iat) > policy.max_lifetime_secs {
        return Err(ApiError::unauthorized(format!(
            "invalid token: valid for {} s, longer than this server's maximum of {} s (exp - iat)",
            c.exp.saturating_sub(c.iat),
            policy.max_lifetime_secs
        )));
    }
    Ok(c)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn gateway_claims(parts: &Parts) -> Option<HashMap<String, String>> {
    use lambda_http::request::RequestContext;
    match parts.extensions.get::<RequestContext>()? {
        RequestContext::ApiGatewayV2(ctx) => {
            let jwt = ctx.authorizer.as_ref()?.jwt.as_ref()?;
            Some(jwt.claims.clone())
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// Builds a principal from token claims. Accepts spotcheck's own names (`department`, `roles` as a
/// space- or comma-separated list) and Cognito's (`custom:department`, `cognito:groups`, which API
/// Gateway renders as `[inspector supervisor]`).
///
/// # Errors
/// 401 if the subject or department is missing; 403 if no known role is present.
pub fn principal_from_claims(claims: &HashMap<String, String>) -> Result<Principal, ApiError> {
    let subject = claims
        .get("sub")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::unauthorized("the token has no subject"))?
        .clone();
    let department: Department = claims
        .get("department")
        .or_else(|| claims.get("custom:department"))
        .ok_or_else(|| ApiError::unauthorized("the token names no department"))?
        .parse()
        .map_err(|e| ApiError::unauthorized(format!("the token's department: {e}")))?;
    let raw = claims
        .get("roles")
        .or_else(|| claims.get("cognito:groups"))
        .map(String::as_str)
        .unwrap_or("");
    let roles: Vec<Role> = raw
        .trim_matches(|c| c == '[' || c == ']')
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    if roles.is_empty() {
        return Err(ApiError::forbidden("the token carries no spotcheck role"));
    }
    Ok(Principal {
        subject,
        department,
        roles,
    })
}

/// Signs a development token (HS256) — what `spotcheck token` prints.
///
/// # Errors
/// A message if signing fails.
pub fn mint_token(secret: &[u8], claims: &Claims) -> Result<String, String> {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .map_err(|e| e.to_string())
}

/// Anything that can hand out the server's [`Authenticator`].
pub trait HasAuthenticator {
    /// The authenticator.
    fn authenticator(&self) -> &Authenticator;
}

impl<S> FromRequestParts<S> for Principal
where
    S: HasAuthenticator + Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        state.authenticator().authenticate(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn cognito_groups_and_custom_department_are_understood() -> Result<(), ApiError> {
        let p = principal_from_claims(&claims(&[
            ("sub", "u1"),
            ("custom:department", "莆田市文化和旅游局"),
            ("cognito:groups", "[inspector supervisor]"),
        ]))?;
        assert_eq!(p.roles, vec![Role::Inspector, Role::Supervisor]);
        let staff = p.staff()?;
        assert!(staff.has(spotcheck_app::Role::Supervisor));
        assert!(!staff.has(spotcheck_app::Role::Admin));
        Ok(())
    }

    #[test]
    fn no_role_is_forbidden_and_no_subject_unauthorized() {
        let e = principal_from_claims(&claims(&[
            ("sub", "u"),
            ("department", "D"),
            ("roles", "guest"),
        ]));
        assert_eq!(e.err().map(|e| e.status().as_u16()), Some(403));
        let e = principal_from_claims(&claims(&[("department", "D"), ("roles", "admin")]));
        assert_eq!(e.err().map(|e| e.status().as_u16()), Some(401));
    }

    const KEY: [u8; 32] = [9; 32];

    fn token(fields: serde_json::Value) -> Result<String, jsonwebtoken::errors::Error> {
        let mut claims = serde_json::json!({
            "sub": "u1", "department": "莆田市文化和旅游局", "roles": ["inspector"],
            "iss": DEFAULT_ISSUER, "iat": unix_now() - 60, "exp": unix_now() + 3600,
        });
        if let (Some(c), Some(f)) = (claims.as_object_mut(), fields.as_object()) {
            for (k, v) in f {
                if v.is_null() {
                    c.remove(k);
                } else {
                    c.insert(k.clone(), v.clone());
                }
            }
        }
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&KEY),
        )
    }

    fn check(fields: serde_json::Value) -> Result<Claims, String> {
        let t = token(fields).map_err(|e| e.to_string())?;
        check_local_token(
            &t,
            &DecodingKey::from_secret(&KEY),
            &TokenPolicy::default(),
            unix_now(),
        )
        .map_err(|e| {
            assert_eq!(e.status().as_u16(), 401, "{e}");
            e.detail().to_owned()
        })
    }

    // The expiry checks use the real clock; these tokens are built around it.
    fn real_now() -> i64 {
        unix_now()
    }

    #[test]
    fn a_well_formed_token_passes_and_minted_tokens_carry_the_issuer() -> Result<(), String> {
        let now = real_now();
        let t = mint_token(
            &KEY,
            &Claims {
                sub: "u".into(),
                department: "莆田市文化和旅游局".into(),
                roles: vec!["inspector".into()],
                iss: DEFAULT_ISSUER.into(),
                iat: now,
                exp: now + 8 * 3600,
                nbf: None,
            },
        )?;
        let c = check_local_token(
            &t,
            &DecodingKey::from_secret(&KEY),
            &TokenPolicy::default(),
            now,
        )
        .map_err(|e| e.to_string())?;
        assert_eq!(c.iss, DEFAULT_ISSUER);
        Ok(())
    }

    #[test]
    fn the_issuer_is_required_and_must_match() {
        let now = real_now();
        let base = serde_json::json!({"iat": now - 60, "exp": now + 3600});
        let mut missing = base.clone();
        missing["iss"] = serde_json::Value::Null;
        let e = check(missing).err().unwrap_or_default();
        assert!(e.contains("iss"), "{e}");
        let mut wrong = base;
        wrong["iss"] = "someone-else".into();
        let e = check(wrong).err().unwrap_or_default();
        assert!(e.contains("Issuer") || e.contains("issuer"), "{e}");
    }

    #[test]
    fn not_before_in_the_future_is_refused() {
        let now = real_now();
        let e = check(serde_json::json!({"iat": now - 60, "exp": now + 3600, "nbf": now + 600}))
            .err()
            .unwrap_or_default();
        assert!(e.contains("Immature") || e.contains("nbf"), "{e}");
        // Within the leeway it is fine.
        assert!(
            check(serde_json::json!({"iat": now - 60, "exp": now + 3600, "nbf": now + 5})).is_ok()
        );
    }

    #[test]
    fn a_future_iat_is_refused_beyond_the_leeway() {
        let now = real_now();
        let t = token(serde_json::json!({"iat": now + 3600, "exp": now + 7200}));
        let r = t.map_err(|e| e.to_string()).and_then(|t| {
            check_local_token(
                &t,
                &DecodingKey::from_secret(&KEY),
                &TokenPolicy::default(),
                now,
            )
            .map_err(|e| e.detail().to_owned())
        });
        let e = r.err().unwrap_or_default();
        assert!(e.contains("issued in the future"), "{e}");
        let t = token(serde_json::json!({"iat": now + 10, "exp": now + 7200}));
        let ok = t.map_err(|e| e.to_string()).and_then(|t| {
            check_local_token(
                &t,
                &DecodingKey::from_secret(&KEY),
                &TokenPolicy::default(),
                now,
            )
            .map_err(|e| e.detail().to_owned())
        });
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn lifetimes_beyond_the_maximum_are_refused_year_2200_included() {
        let now = real_now();
        // 1 January 2200.
        let e = check(serde_json::json!({"iat": now - 60, "exp": 7_258_118_400_i64}))
            .err()
            .unwrap_or_default();
        assert!(e.contains("longer than this server's maximum"), "{e}");
        let e = check(serde_json::json!({"iat": now - 60, "exp": now - 60 + 13 * 3600}))
            .err()
            .unwrap_or_default();
        assert!(e.contains("43200"), "{e}");
        assert!(check(serde_json::json!({"iat": now - 60, "exp": now - 60 + 12 * 3600})).is_ok());
        // The maximum is configurable.
        let t = token(serde_json::json!({"iat": now - 60, "exp": now + 3600}));
        let tight = TokenPolicy {
            max_lifetime_secs: 600,
            ..TokenPolicy::default()
        };
        let r = t.map_err(|e| e.to_string()).and_then(|t| {
            check_local_token(&t, &DecodingKey::from_secret(&KEY), &tight, now)
                .map_err(|e| e.detail().to_owned())
        });
        assert!(r.is_err());
        // A missing iat is refused too (the lifetime could not be bounded).
        let e = check(serde_json::json!({"iat": null, "exp": now + 3600}))
            .err()
            .unwrap_or_default();
        assert!(e.contains("iat"), "{e}");
    }

    #[test]
    fn the_policy_is_checked_when_the_authenticator_is_built() {
        assert!(Authenticator::local(&KEY).is_ok());
        assert!(
            Authenticator::local_with(
                &KEY,
                TokenPolicy {
                    issuer: " ".into(),
                    ..TokenPolicy::default()
                }
            )
            .is_err()
        );
        assert!(
            Authenticator::local_with(
                &KEY,
                TokenPolicy {
                    max_lifetime_secs: 0,
                    ..TokenPolicy::default()
                }
            )
            .is_err()
        );
    }
}
