//! 统一社会信用代码 (unified social credit code), GB 32100-2015.

use std::str::FromStr;

use super::{IdError, string_newtype_impls};

/// The 31 characters a credit code may use, in the order that gives each its value 0–30.
/// I, O, S, V and Z are excluded by the standard.
pub(crate) const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const KIND: &str = "unified credit code";

/// An 18-character 统一社会信用代码 whose check character (GB 32100-2015) is correct.
///
/// ```
/// use spotcheck_domain::ids::UnifiedCreditCode;
/// let code: UnifiedCreditCode = "91350302MA2XN4QJ2B".parse()?;
/// assert_eq!(code.as_str(), "91350302MA2XN4QJ2B");
/// assert!("91350302MA2XN4QJ2H".parse::<UnifiedCreditCode>().is_err());
/// # Ok::<(), spotcheck_domain::ids::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnifiedCreditCode(String);
string_newtype_impls!(UnifiedCreditCode);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters of a credit code, or `None` if any of them is
/// outside the alphabet. The `31 → 0` edge case (sum divisible by 31) yields `'0'`.
pub fn check_character(body: &[u8; 17]) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in body.iter().zip(WEIGHTS) {
        sum += value_of(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

impl FromStr for UnifiedCreditCode {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = s.as_bytes();
        if bytes.len() != 18 || !s.is_ascii() {
            return Err(IdError::new(
                KIND,
                s,
                format!("must be 18 characters, found {}", s.chars().count()),
            ));
        }
        if let Some((i, c)) = s.char_indices().find(|(_, c)| value_of(*c as u8).is_none()) {
            return Err(IdError::new(
                KIND,
                s,
                format!(
                    "character {} {c:?} is not one of 0-9 and A-Y without I, O, S, V, Z",
                    i + 1
                ),
            ));
        }
        let mut body = [0u8; 17];
        body.copy_from_slice(&bytes[..17]);
        let expected = check_character(&body)
            .ok_or_else(|| IdError::new(KIND, s, "contains a character outside the alphabet"))?;
        if bytes[17] as char != expected {
            return Err(IdError::new(
                KIND,
                s,
                format!(
                    "check character is {:?} but should be {expected:?}",
                    bytes[17] as char
                ),
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn body_strategy() -> impl Strategy<Value = [u8; 17]> {
        proptest::array::uniform17(proptest::sample::select(ALPHABET.to_vec()))
    }

    fn complete(body: [u8; 17]) -> String {
        let mut s = String::from_utf8(body.to_vec()).unwrap_or_default();
        s.push(check_character(&body).unwrap_or('?'));
        s
    }

    #[test]
    fn accepts_published_real_world_codes() {
        // Two real, published codes and one synthetic Putian code.
        for code in [
            "91350302MA2XN4QJ2B",
            "91440300708461136T",
            "91110108551385082Q",
        ] {
            let parsed: Result<UnifiedCreditCode, _> = code.parse();
            assert!(parsed.is_ok(), "{code}: {parsed:?}");
        }
    }

    #[test]
    fn sum_divisible_by_31_gives_check_character_zero() {
        // All zeros: the weighted sum is 0, so (31 - 0) % 31 = 0, not 31.
        assert_eq!(check_character(b"00000000000000000"), Some('0'));
        assert!("000000000000000000".parse::<UnifiedCreditCode>().is_ok());
        // Bodies whose weighted sum is a non-zero multiple of 31 must get '0' too.
        let mut found = false;
        for a in ALPHABET {
            for b in ALPHABET {
                let mut body = *b"91350302000000000";
                body[15] = *a;
                body[16] = *b;
                let sum: u32 = body
                    .iter()
                    .zip(WEIGHTS)
                    .map(|(c, w)| value_of(*c).unwrap_or(0) * w)
                    .sum();
                if sum.is_multiple_of(31) && sum != 0 {
                    assert_eq!(check_character(&body), Some('0'));
                    found = true;
                }
            }
        }
        assert!(found, "expected at least one non-zero multiple of 31");
    }

    #[test]
    fn rejects_wrong_length_and_forbidden_letters() {
        for bad in [
            "",
            "9135030",
            "91350302MA2XN4QJ2BX",
            "91350302MA2XN4QJ2I",
            "9135O302MA2XN4QJ2G",
        ] {
            assert!(bad.parse::<UnifiedCreditCode>().is_err(), "{bad}");
        }
        let err = "91350302MA2XN4QJ2H"
            .parse::<UnifiedCreditCode>()
            .err()
            .map(|e| e.reason);
        assert_eq!(
            err.as_deref(),
            Some("check character is 'H' but should be 'B'")
        );
    }

    proptest! {
        #[test]
        fn valid_codes_round_trip(body in body_strategy()) {
            let s = complete(body);
            let code: UnifiedCreditCode = s.parse().map_err(|e: IdError| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(code.to_string(), s.clone());
            let json = serde_json::to_string(&code).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back: UnifiedCreditCode = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back, code);
        }

        #[test]
        fn every_single_character_corruption_is_rejected(body in body_strategy(), pos in 0usize..18, replacement in 0usize..31) {
            let s = complete(body);
            let mut bytes = s.clone().into_bytes();
            let new = ALPHABET[replacement];
            prop_assume!(bytes[pos] != new);
            bytes[pos] = new;
            let corrupted = String::from_utf8(bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(corrupted.parse::<UnifiedCreditCode>().is_err(), "{} accepted", corrupted);
        }
    }

    #[test]
    fn every_single_character_corruption_of_one_code_is_rejected_exhaustively() {
        let s = "91350302MA2XN4QJ2B";
        for pos in 0..18 {
            for &c in ALPHABET.iter() {
                let mut bytes = s.as_bytes().to_vec();
                if bytes[pos] == c {
                    continue;
                }
                bytes[pos] = c;
                let corrupted = String::from_utf8(bytes).unwrap_or_default();
                assert!(
                    corrupted.parse::<UnifiedCreditCode>().is_err(),
                    "{corrupted}"
                );
            }
        }
    }
}
