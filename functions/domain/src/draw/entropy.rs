//! External entropy: values nobody knows when the commitment is published (spec §7).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::beacon::{DrandBeacon, DrandSource};
use crate::encoding::{put_lp, tagged_hash, tags};
use crate::ids::{Digest, IdError};

/// Free text with no control characters, 1..=`max` bytes, not starting or ending with white space.
fn check_text(kind: &'static str, s: &str, max: usize) -> Result<(), IdError> {
    if s.is_empty() || s.len() > max {
        return Err(IdError::new(
            kind,
            s,
            format!("must be 1 to {max} bytes of UTF-8"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(IdError::new(kind, s, "must not contain control characters"));
    }
    if s.trim() != s {
        return Err(IdError::new(
            kind,
            s,
            "must not start or end with white space",
        ));
    }
    Ok(())
}

macro_rules! text_newtype {
    ($(#[$doc:meta])* $ty:ident, $kind:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $ty(String);
        crate::ids::string_newtype_impls!($ty);
        impl FromStr for $ty {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                check_text($kind, s, $max)?;
                Ok(Self(s.to_owned()))
            }
        }
    };
}

text_newtype!(
    /// The public name of a witness, e.g. `莆田市公证处 王某` or `observer: press`.
    WitnessName,
    "witness name",
    200
);
text_newtype!(
    /// The value a witness supplies after the commitment is published (e.g. dice rolls, or the
    /// closing value of an index). Any text; it is published in the transcript.
    WitnessValue,
    "witness value",
    1000
);

/// The entropy a commitment promises to use. Fixed before any of it exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntropySource {
    /// Named witnesses, in the order their values are mixed in. At least one unless a beacon
    /// round is promised.
    pub witnesses: Vec<WitnessName>,
    /// A drand beacon round (spec §7.3), mixed in after the witnesses. Absent (not `null`) when
    /// not used, so witness-only commitments serialise exactly as before.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::params::present"
    )]
    pub drand: Option<DrandSource>,
}

/// One witness's contribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WitnessContribution {
    /// Who supplied it (must match the commitment, in order).
    pub name: WitnessName,
    /// What they supplied.
    pub value: WitnessValue,
}

/// The entropy actually supplied, as recorded in the transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entropy {
    /// Witness contributions in commitment order.
    pub witnesses: Vec<WitnessContribution>,
    /// The promised beacon round with its signature and randomness (spec §7.3); absent when the
    /// commitment promises none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::params::present"
    )]
    pub drand: Option<DrandBeacon>,
}

impl Entropy {
    /// The entropy digest (spec §7.2, §7.3):
    /// `H(lp("spotcheck/v1/entropy") ‖ u32_be(n) ‖ (lp(name) ‖ lp(value))… ‖ beacon)` where
    /// `beacon` is `0x00` without a beacon round and
    /// `0x01 ‖ chain_hash ‖ u64_be(round) ‖ randomness` with one.
    pub fn digest(&self) -> Digest {
        let mut buf = Vec::new();
        buf.extend_from_slice(&(self.witnesses.len() as u32).to_be_bytes());
        for w in &self.witnesses {
            put_lp(&mut buf, w.name.as_str().as_bytes());
            put_lp(&mut buf, w.value.as_str().as_bytes());
        }
        match &self.drand {
            None => buf.push(0),
            Some(b) => {
                buf.push(1);
                buf.extend_from_slice(b.chain_hash.as_bytes());
                buf.extend_from_slice(&b.round.to_be_bytes());
                buf.extend_from_slice(b.randomness.as_bytes());
            }
        }
        tagged_hash(tags::ENTROPY, &[&buf])
    }
}

impl fmt::Display for EntropySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.witnesses.iter().map(|w| w.as_str()).collect();
        match (&self.drand, names.is_empty()) {
            (None, _) => write!(f, "witnesses: {}", names.join(", ")),
            (Some(d), true) => write!(f, "drand round {} of chain {}", d.round, d.chain_hash),
            (Some(d), false) => write!(
                f,
                "witnesses: {}; drand round {} of chain {}",
                names.join(", "),
                d.round,
                d.chain_hash
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!("莆田市公证处 王某".parse::<WitnessName>().is_ok());
        assert!(" x".parse::<WitnessName>().is_err());
        assert!("a\nb".parse::<WitnessValue>().is_err());
        assert!("".parse::<WitnessValue>().is_err());
    }

    #[test]
    fn digest_depends_on_every_byte_and_on_boundaries() -> Result<(), IdError> {
        let e = |pairs: &[(&str, &str)]| -> Result<Digest, IdError> {
            Ok(Entropy {
                witnesses: pairs
                    .iter()
                    .map(|(n, v)| {
                        Ok(WitnessContribution {
                            name: n.parse()?,
                            value: v.parse()?,
                        })
                    })
                    .collect::<Result<_, IdError>>()?,
                drand: None,
            }
            .digest())
        };
        let base = e(&[("a", "bc")])?;
        assert_ne!(base, e(&[("ab", "c")])?);
        assert_ne!(base, e(&[("a", "bd")])?);
        assert_ne!(e(&[("a", "1"), ("b", "2")])?, e(&[("b", "2"), ("a", "1")])?);
        Ok(())
    }
}
