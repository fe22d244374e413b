//! Exact sampling ratios in parts per million: never floating point, so a ratio hashes and
//! compares the same everywhere.

use std::fmt;
use std::str::FromStr;

/// A sampling ratio between 0 and 1 inclusive, held exactly as parts per million.
///
/// Parses `30%`, `2.5%`, `0.025` or `1`; at most six decimal places of the fraction (four of a
/// percentage). Displays as a percentage with no trailing zeros (`2.5%`).
///
/// ```
/// use spotcheck_domain::registry::Ratio;
/// let r: Ratio = "2.5%".parse()?;
/// assert_eq!(r.parts_per_million(), 25_000);
/// assert_eq!("0.025".parse::<Ratio>()?, r);
/// assert_eq!(r.to_string(), "2.5%");
/// # Ok::<(), spotcheck_domain::registry::RatioError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ratio(u32);

/// Why a string is not a ratio.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid ratio {value:?}: {reason}")]
pub struct RatioError {
    /// The input as given.
    pub value: String,
    /// What is wrong.
    pub reason: &'static str,
}

impl Ratio {
    /// One million parts: the whole frame.
    pub const ONE: Ratio = Ratio(1_000_000);

    /// Builds a ratio from parts per million (at most 1,000,000).
    pub const fn from_parts_per_million(ppm: u32) -> Option<Self> {
        if ppm <= 1_000_000 {
            Some(Self(ppm))
        } else {
            None
        }
    }

    /// The ratio in parts per million.
    pub const fn parts_per_million(self) -> u32 {
        self.0
    }
}

/// Parses an unsigned decimal with at most `scale` fractional digits into an integer scaled by
/// 10^scale.
fn parse_fixed(s: &str, scale: u32) -> Option<u64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) || frac.len() > scale as usize || int.len() > 7 {
        return None;
    }
    let int_value: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut frac_value: u64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    for _ in frac.len()..scale as usize {
        frac_value *= 10;
    }
    Some(int_value * 10u64.pow(scale) + frac_value)
}

impl FromStr for Ratio {
    type Err = RatioError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| RatioError {
            value: s.to_owned(),
            reason,
        };
        let t = s.trim();
        let ppm = if let Some(pct) = t.strip_suffix('%').or_else(|| t.strip_suffix('％')) {
            parse_fixed(pct.trim(), 4).ok_or_else(|| {
                err("a percentage must be a decimal with at most 4 decimal places, e.g. 2.5%")
            })?
        } else {
            parse_fixed(t, 6).ok_or_else(|| {
                err("must be a percentage (30%) or a decimal fraction with at most 6 decimal places (0.3)")
            })?
        };
        u32::try_from(ppm)
            .ok()
            .and_then(Ratio::from_parts_per_million)
            .ok_or_else(|| err("must not exceed 100%"))
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 10_000;
        let frac = self.0 % 10_000;
        if frac == 0 {
            write!(f, "{whole}%")
        } else {
            let digits = format!("{frac:04}");
            write!(f, "{whole}.{}%", digits.trim_end_matches('0'))
        }
    }
}

impl serde::Serialize for Ratio {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Ratio {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

crate::ids::openapi_string!(
    Ratio,
    pattern = r"^[0-9]+(\.[0-9]+)?%?$",
    name = "RegistryRatio"
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_percentages_and_fractions_exactly() -> Result<(), RatioError> {
        assert_eq!("30%".parse::<Ratio>()?.parts_per_million(), 300_000);
        assert_eq!("0.3".parse::<Ratio>()?.parts_per_million(), 300_000);
        assert_eq!("1".parse::<Ratio>()?, Ratio::ONE);
        assert_eq!("100%".parse::<Ratio>()?, Ratio::ONE);
        assert_eq!("0.0001%".parse::<Ratio>()?.parts_per_million(), 1);
        assert_eq!(" 2 ％".parse::<Ratio>()?.parts_per_million(), 20_000);
        Ok(())
    }

    #[test]
    fn rejects_out_of_range_and_over_precise() {
        for bad in [
            "",
            "%",
            "101%",
            "1.5",
            "0.0000001",
            "-1%",
            "abc",
            "1e-3",
            "30 %%",
        ] {
            assert!(bad.parse::<Ratio>().is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn display_round_trips(ppm in 0u32..=1_000_000) {
            let r = Ratio::from_parts_per_million(ppm).ok_or_else(|| TestCaseError::fail("range"))?;
            prop_assert_eq!(r.to_string().parse::<Ratio>(), Ok(r));
        }
    }
}
