//! Free-form identifiers: targets, inspectors, plans, departments, strata.

use std::str::FromStr;

use super::{IdError, string_newtype_impls};

/// Rules shared by the free-form identifiers: non-empty, at most `max` bytes of UTF-8, no control
/// characters, no white space, and none of the separators `;` and `,` (pool files list conflicts
/// separated by `;`).
fn check_token(kind: &'static str, s: &str, max: usize) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::new(kind, s, "must not be empty"));
    }
    if s.len() > max {
        return Err(IdError::new(
            kind,
            s,
            format!("must be at most {max} bytes of UTF-8, found {}", s.len()),
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| c.is_control() || c.is_whitespace() || *c == ';' || *c == ',')
    {
        return Err(IdError::new(
            kind,
            s,
            format!("must not contain white space, control characters, ';' or ',' (found {c:?})"),
        ));
    }
    Ok(())
}

macro_rules! token_id {
    ($(#[$doc:meta])* $ty:ident, $kind:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $ty(String);
        string_newtype_impls!($ty);

        impl FromStr for $ty {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                check_token($kind, s, $max)?;
                Ok(Self(s.to_owned()))
            }
        }

        impl $ty {
            /// Checks that `s` would parse, without allocating.
            pub fn validate(s: &str) -> Result<(), IdError> {
                check_token($kind, s, $max)
            }

            /// Wraps a string this crate already validated (e.g. an id stored in a built frame).
            #[allow(dead_code)]
            pub(crate) fn from_validated(s: &str) -> Self {
                debug_assert!(check_token($kind, s, $max).is_ok());
                Self(s.to_owned())
            }
        }
    };
}

token_id!(
    /// The identifier of a target in a frame: a credit code, a guide card number, or any other
    /// registry key. Compared and sorted as UTF-8 bytes.
    TargetId,
    "target id",
    128
);
token_id!(
    /// The identifier of an inspector (e.g. the law-enforcement certificate number or a staff id).
    InspectorId,
    "inspector id",
    64
);
token_id!(
    /// A department name or code, e.g. `莆田市文化和旅游局`.
    Department,
    "department",
    128
);
token_id!(
    /// The stratum a target belongs to, e.g. `350302-A` (region and credit class).
    StratumKey,
    "stratum key",
    128
);

/// The identifier of a spot-check plan: 1–64 characters from `A-Z a-z 0-9 . _ -`, starting with a
/// letter or digit, e.g. `PT-2026-001`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PlanId(String);
string_newtype_impls!(PlanId);

impl FromStr for PlanId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok_char = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
        let starts_well = s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
        if s.is_empty() || s.len() > 64 || !starts_well || !s.bytes().all(ok_char) {
            return Err(IdError::new(
                "plan id",
                s,
                "must be 1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_non_ascii_targets_and_rejects_separators() {
        assert!("莆田湄洲旅行社".parse::<TargetId>().is_ok());
        for bad in ["", "a b", "a;b", "a,b", "a\u{7}b"] {
            assert!(bad.parse::<TargetId>().is_err(), "{bad:?}");
        }
        assert!("x".repeat(129).parse::<TargetId>().is_err());
    }

    #[test]
    fn plan_ids() {
        assert!("PT-2026-001".parse::<PlanId>().is_ok());
        for bad in ["", "-x", "a/b", "计划1"] {
            assert!(bad.parse::<PlanId>().is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn target_ids_round_trip_through_json(s in "[^\\s\\p{Cc};,]{1,40}") {
            let t: TargetId = s.parse().map_err(|e: IdError| TestCaseError::fail(e.to_string()))?;
            let json = serde_json::to_string(&t).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back: TargetId = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back.as_str(), s.as_str());
        }
    }
}
