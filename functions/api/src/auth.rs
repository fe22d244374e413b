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
    /// Registries and everything else.
    Admin,
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "inspector" => Ok(Role::Inspector),
            "supervisor" => Ok(Role::Supervisor),
            "publisher" => Ok(Role::Publisher),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role {other:?} (inspector, supervisor, publisher, admin)"
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
    /// Whether the caller has `role` (admins have every role).
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role) || self.roles.contains(&Role::Admin)
    }

    /// 403 unless the caller has `role`.
    ///
    /// # Errors
    /// [`ApiError`] 403 naming the role needed.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.has(role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this needs the {} role",
                serde_json::to_value(role)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )))
        }
    }

    /// 403 unless the caller belongs to `department` (admins excepted).
    ///
    /// # Errors
    /// [`ApiError`] 403.
    pub fn require_department(&self, department: &Department) -> Result<(), ApiError> {
        if &self.department == department || self.roles.contains(&Role::Admin) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this belongs to {department}, not to your department {}",
                self.department
            )))
        }
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
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
}

/// How the server learns who is calling.
#[derive(Clone)]
pub enum Authenticator {
    /// Verify `Authorization: Bearer` tokens signed with this HMAC-SHA256 key (local server).
    LocalHs256 {
        /// The key.
        key: DecodingKey,
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
        if secret.len() < 32 {
            return Err("the JWT signing key must be at least 32 bytes".into());
        }
        Ok(Authenticator::LocalHs256 {
            key: DecodingKey::from_secret(secret),
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
            Authenticator::LocalHs256 { key } => {
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
                let mut validation = Validation::new(Algorithm::HS256);
                validation.leeway = 30;
                validation.set_required_spec_claims(&["exp", "sub"]);
                let data = jsonwebtoken::decode::<Claims>(token.trim(), key, &validation)
                    .map_err(|e| ApiError::unauthorized(format!("invalid token: {e}")))?;
                let c = data.claims;
                let mut map = HashMap::new();
                map.insert("sub".to_owned(), c.sub);
                map.insert("department".to_owned(), c.department);
                map.insert("roles".to_owned(), c.roles.join(" "));
                principal_from_claims(&map)
            }
        }
    }
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
        assert!(p.has(Role::Supervisor));
        assert!(!p.has(Role::Admin));
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
}
