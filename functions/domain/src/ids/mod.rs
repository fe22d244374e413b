//! Validating newtypes for every identifier the domain handles.
//!
//! Each type keeps its field private and is built only through [`std::str::FromStr`] (or
//! `TryFrom<String>`), so holding one is proof that the value is well-formed. Serde goes through the
//! same parser, so a JSON document cannot smuggle in an invalid identifier.

pub(crate) mod credit_code;
mod digest;
mod licence;
mod text_id;

pub use credit_code::UnifiedCreditCode;
pub use digest::Digest;
pub use licence::{AgencyLicence, GuideCard, RegionCode};
pub use text_id::{Department, InspectorId, PlanId, StratumKey, TargetId};

/// Why a string is not a valid identifier of some kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} {value:?}: {reason}")]
pub struct IdError {
    /// Which identifier type was being parsed, e.g. `unified credit code`.
    pub kind: &'static str,
    /// The offending input, as given.
    pub value: String,
    /// What is wrong with it, in words a clerk can act on.
    pub reason: String,
}

impl IdError {
    pub(crate) fn new(kind: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Self {
            kind,
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Implements `Display`, `AsRef<str>`, `TryFrom<String>` and string serde for a newtype over `String`
/// whose `FromStr` does the validation.
macro_rules! string_newtype_impls {
    ($ty:ident) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl $ty {
            /// The identifier as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $ty {
            type Error = $crate::ids::IdError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                value.parse()
            }
        }
        impl TryFrom<&str> for $ty {
            type Error = $crate::ids::IdError;
            fn try_from(value: &str) -> Result<Self, Self::Error> {
                value.parse()
            }
        }
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
        $crate::ids::openapi_string!($ty, min_length = 1);
    };
}
pub(crate) use string_newtype_impls;

/// With feature `openapi`: a JSON Schema (utoipa `ToSchema`) for a type serialised as a string,
/// named after the type, optionally with a `pattern`, a `format` and a `min_length`.
#[cfg(feature = "openapi")]
macro_rules! openapi_string {
    ($ty:ident $(, pattern = $pat:expr)? $(, format = $fmt:expr)? $(, min_length = $min:expr)? $(, name = $name:literal)?) => {
        impl ::utoipa::PartialSchema for $ty {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                #[allow(unused_mut)]
                let mut b = ::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String);
                $( b = b.pattern(Some($pat)); )?
                $( b = b.format(Some(::utoipa::openapi::schema::SchemaFormat::KnownFormat($fmt))); )?
                $( b = b.min_length(Some($min)); )?
                b.into()
            }
        }
        impl ::utoipa::ToSchema for $ty {
            $( fn name() -> ::std::borrow::Cow<'static, str> { ::std::borrow::Cow::Borrowed($name) } )?
        }
    };
}
#[cfg(not(feature = "openapi"))]
macro_rules! openapi_string {
    ($($t:tt)*) => {};
}
pub(crate) use openapi_string;

/// With feature `openapi`: a JSON Schema for an enum serialised as one of these strings.
#[cfg(feature = "openapi")]
macro_rules! openapi_enum {
    ($ty:ident, [$($code:expr),+ $(,)?]) => {
        impl ::utoipa::PartialSchema for $ty {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                ::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }
        impl ::utoipa::ToSchema for $ty {}
    };
}
#[cfg(not(feature = "openapi"))]
macro_rules! openapi_enum {
    ($($t:tt)*) => {};
}
pub(crate) use openapi_enum;
