//! Travel agency licences, guide cards and administrative region codes.

use std::str::FromStr;

use super::{IdError, string_newtype_impls};

/// A travel agency business licence number: `L-<province>-<5 digits>`, or `L-<province>-CJ<5 digits>`
/// for agencies licensed for outbound travel (出境旅游). The province is two upper-case letters.
///
/// ```
/// use spotcheck_domain::ids::AgencyLicence;
/// let l: AgencyLicence = "L-BJ-CJ00144".parse()?;
/// assert!(l.is_outbound());
/// assert!(!"L-FJ-00123".parse::<AgencyLicence>()?.is_outbound());
/// # Ok::<(), spotcheck_domain::ids::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgencyLicence(String);
string_newtype_impls!(AgencyLicence);

impl AgencyLicence {
    /// Whether the licence number carries the outbound (`CJ`) marker.
    pub fn is_outbound(&self) -> bool {
        self.0.get(5..7) == Some("CJ")
    }
}

impl FromStr for AgencyLicence {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const KIND: &str = "travel agency licence";
        let err = |reason: &str| IdError::new(KIND, s, reason);
        let rest = s
            .strip_prefix("L-")
            .ok_or_else(|| err("must start with \"L-\""))?;
        let (province, number) = rest
            .split_once('-')
            .ok_or_else(|| err("must look like L-FJ-00123 or L-FJ-CJ00123"))?;
        if province.len() != 2 || !province.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(err("province must be two capital letters, e.g. FJ"));
        }
        let digits = number.strip_prefix("CJ").unwrap_or(number);
        if digits.len() != 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("number must be 5 digits, optionally after CJ"));
        }
        Ok(Self(s.to_owned()))
    }
}

/// An electronic guide card number (导游证号): `D-<4-digit area>-<6 digits>`.
///
/// ```
/// use spotcheck_domain::ids::GuideCard;
/// assert!("D-3503-000123".parse::<GuideCard>().is_ok());
/// assert!("D-35-000123".parse::<GuideCard>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GuideCard(String);
string_newtype_impls!(GuideCard);

impl FromStr for GuideCard {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || IdError::new("guide card number", s, "must look like D-3503-000123");
        let rest = s.strip_prefix("D-").ok_or_else(err)?;
        let (area, number) = rest.split_once('-').ok_or_else(err)?;
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(area, 4) || !digits(number, 6) {
            return Err(err());
        }
        Ok(Self(s.to_owned()))
    }
}

/// A 6-digit administrative division code (GB/T 2260), e.g. `350302` for 城厢区.
///
/// Only the shape is checked here (6 digits, a plausible province prefix 11–82, not all zeros
/// after the province); whether the code is in a known list is the registry's business.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionCode(String);
string_newtype_impls!(RegionCode);

impl RegionCode {
    /// The 2-digit province part.
    pub fn province(&self) -> &str {
        &self.0[..2]
    }
    /// Whether `self` is `other` or lies inside it (e.g. 350302 inside 350300 and 350000).
    pub fn is_within(&self, other: &RegionCode) -> bool {
        let o = other.0.trim_end_matches("00");
        let o = if o.len() % 2 == 1 {
            &other.0[..o.len() + 1]
        } else {
            o
        };
        self.0.starts_with(o)
    }
}

impl FromStr for RegionCode {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const KIND: &str = "region code";
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::new(
                KIND,
                s,
                "must be 6 digits (GB/T 2260), e.g. 350302",
            ));
        }
        let province: u32 = s[..2].parse().unwrap_or(0);
        if !(11..=82).contains(&province) {
            return Err(IdError::new(
                KIND,
                s,
                "province part must be between 11 and 82",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn licences_round_trip(p in "[A-Z]{2}", outbound: bool, n in 0u32..100_000) {
            let s = format!("L-{p}-{}{n:05}", if outbound { "CJ" } else { "" });
            let l: AgencyLicence = s.parse().map_err(|e: IdError| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(l.is_outbound(), outbound);
            prop_assert_eq!(l.to_string(), s);
        }

        #[test]
        fn guide_cards_round_trip(a in 0u32..10_000, n in 0u32..1_000_000) {
            let s = format!("D-{a:04}-{n:06}");
            prop_assert_eq!(s.parse::<GuideCard>().map(|g| g.to_string()).ok(), Some(s));
        }

        #[test]
        fn region_codes_round_trip(p in 11u32..=82, rest in 0u32..10_000) {
            let s = format!("{p}{rest:04}");
            prop_assert_eq!(s.parse::<RegionCode>().map(|g| g.to_string()).ok(), Some(s));
        }
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "L-FJ-0012",
            "L-fj-00123",
            "X-FJ-00123",
            "L-FJ-CX00123",
            "L-FJ00123",
        ] {
            assert!(bad.parse::<AgencyLicence>().is_err(), "{bad}");
        }
        for bad in ["D-3503-00012", "D3503-000123", "D-350A-000123"] {
            assert!(bad.parse::<GuideCard>().is_err(), "{bad}");
        }
        for bad in ["35030", "3503020", "990000", "35030a"] {
            assert!(bad.parse::<RegionCode>().is_err(), "{bad}");
        }
    }

    #[test]
    fn region_containment() -> Result<(), IdError> {
        let district: RegionCode = "350302".parse()?;
        assert!(district.is_within(&"350300".parse()?));
        assert!(district.is_within(&"350000".parse()?));
        assert!(district.is_within(&"350302".parse()?));
        assert!(!district.is_within(&"350303".parse()?));
        assert!(!district.is_within(&"360000".parse()?));
        Ok(())
    }
}
