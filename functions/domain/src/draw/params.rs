//! Draw parameters: how many targets each stratum gives, and how inspectors are assigned
//! (docs/draw-spec.md §6).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::{Department, IdError, StratumKey};

/// A sampling ratio between 0 and 1 with at most six decimals, held exactly as parts per million.
/// Written in its shortest decimal form: `"0.05"`, `"1"`, `"0"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ratio(u32);

impl Ratio {
    /// Parts per million (0..=1,000,000).
    pub const fn ppm(&self) -> u32 {
        self.0
    }
    /// From parts per million; `None` above one million.
    pub const fn from_ppm(ppm: u32) -> Option<Self> {
        if ppm <= 1_000_000 {
            Some(Self(ppm))
        } else {
            None
        }
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 1_000_000 {
            return f.write_str("1");
        }
        if self.0 == 0 {
            return f.write_str("0");
        }
        let frac = format!("{:06}", self.0);
        write!(f, "0.{}", frac.trim_end_matches('0'))
    }
}

impl FromStr for Ratio {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || {
            IdError::new(
                "ratio",
                s,
                "must be a decimal from 0 to 1 with at most 6 decimals, e.g. \"0.05\"",
            )
        };
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 6 {
            return Err(err());
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) || (s.contains('.') && frac.is_empty()) {
            return Err(err());
        }
        let int: u64 = int.parse().map_err(|_| err())?;
        let frac_ppm: u64 = format!("{frac:0<6}").parse().map_err(|_| err())?;
        let ppm = int
            .checked_mul(1_000_000)
            .and_then(|v| v.checked_add(frac_ppm))
            .ok_or_else(err)?;
        u32::try_from(ppm)
            .ok()
            .and_then(Ratio::from_ppm)
            .ok_or_else(err)
    }
}

impl Serialize for Ratio {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

crate::ids::openapi_string!(Ratio, pattern = r"^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$");

/// How a ratio times a population becomes a whole number of targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Rounding {
    /// Round up (ceiling): a non-empty stratum with a non-zero ratio gives at least one target.
    Up,
    /// Round down (floor).
    Down,
    /// Round half up: `floor(x + 1/2)`.
    Nearest,
}

/// How many targets one stratum gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRule", into = "RawRule")]
pub enum StratumRule {
    /// Exactly this many.
    Count(u64),
    /// A share of the stratum's population, rounded as stated.
    Ratio {
        /// The share.
        ratio: Ratio,
        /// The rounding rule.
        rounding: Rounding,
    },
}

impl StratumRule {
    /// The sample size this rule gives for a stratum of `population` entries (spec §6.2).
    pub fn sample_size(&self, population: u64) -> u64 {
        match *self {
            StratumRule::Count(c) => c,
            StratumRule::Ratio { ratio, rounding } => {
                let x = u128::from(population) * u128::from(ratio.ppm());
                let add = match rounding {
                    Rounding::Up => 999_999,
                    Rounding::Down => 0,
                    Rounding::Nearest => 500_000,
                };
                ((x + add) / 1_000_000) as u64
            }
        }
    }
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::some_json_integer"
    )]
    count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ratio: Option<Ratio>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rounding: Option<Rounding>,
}

/// In JSON Schema a rule is its wire form: `{"count": n}` or `{"ratio": "0.05", "rounding": "up"}`.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for StratumRule {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <RawRule as utoipa::PartialSchema>::schema()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for StratumRule {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <RawRule as utoipa::ToSchema>::schemas(schemas)
    }
}

impl TryFrom<RawRule> for StratumRule {
    type Error = String;
    fn try_from(r: RawRule) -> Result<Self, Self::Error> {
        match (r.count, r.ratio, r.rounding) {
            (Some(c), None, None) => Ok(StratumRule::Count(c)),
            (None, Some(ratio), Some(rounding)) => Ok(StratumRule::Ratio { ratio, rounding }),
            (None, Some(_), None) => {
                Err("a ratio needs a rounding rule: \"up\", \"down\" or \"nearest\"".into())
            }
            _ => Err(
                "a stratum rule is either {\"count\": N} or {\"ratio\": \"0.05\", \"rounding\": \"up\"}"
                    .into(),
            ),
        }
    }
}

impl From<StratumRule> for RawRule {
    fn from(r: StratumRule) -> Self {
        match r {
            StratumRule::Count(c) => RawRule {
                count: Some(c),
                ratio: None,
                rounding: None,
            },
            StratumRule::Ratio { ratio, rounding } => RawRule {
                count: None,
                ratio: Some(ratio),
                rounding: Some(rounding),
            },
        }
    }
}

/// Everything about a draw that is fixed before the frame is sampled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawParameters {
    /// Rules for named strata.
    #[serde(default)]
    pub strata: BTreeMap<StratumKey, StratumRule>,
    /// The rule for strata not named; without one, unnamed strata give no targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<StratumRule>,
    /// Distinct inspectors per selected target; at least 2 (旅游法 §86, 行政处罚法 §42).
    pub inspectors_per_target: u32,
    /// The most targets one inspector may be assigned; none means no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_assignments_per_inspector: Option<u32>,
    /// The departments of a joint draw (spec §17.2): present exactly in a version-2 commitment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint: Option<JointPlan>,
}

/// A joint plan (spec §17.2): the lead department, its partners and which of them each team must
/// hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JointPlan {
    /// The lead department (牵头部门), which makes the plan.
    pub lead: Department,
    /// The partner departments (配合部门), in committed order.
    pub partners: Vec<Department>,
    /// Which departments each team holds at least one inspector of.
    pub require: Requirement,
}

impl JointPlan {
    /// The plan's departments `D`: the lead, then the partners in committed order.
    pub fn departments(&self) -> impl Iterator<Item = &Department> {
        std::iter::once(&self.lead).chain(&self.partners)
    }

    /// `r`: how many departments each team must hold.
    pub fn required_per_team(&self) -> u64 {
        match self.require {
            Requirement::All => 1 + self.partners.len() as u64,
            Requirement::LeadPlus(n) => 1 + u64::from(n),
        }
    }
}

/// Which departments a joint team must hold (spec §17.2): JSON `"all"` or `{"lead_plus": n}`,
/// read in exactly these spellings (not serde's `{"all": null}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Requirement {
    /// Every department of the plan.
    #[serde(rename = "all")]
    All,
    /// The lead and this many partners, drawn for each target.
    #[serde(rename = "lead_plus")]
    LeadPlus(u32),
}

impl<'de> Deserialize<'de> for Requirement {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            Plus(LeadPlus),
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct LeadPlus {
            lead_plus: u32,
        }
        match Raw::deserialize(d)? {
            Raw::Word(w) if w == "all" => Ok(Requirement::All),
            Raw::Plus(p) => Ok(Requirement::LeadPlus(p.lead_plus)),
            Raw::Word(_) => Err(serde::de::Error::custom(
                "require is \"all\" or {\"lead_plus\": n}",
            )),
        }
    }
}

impl DrawParameters {
    /// The rule that applies to `stratum`.
    pub fn rule_for(&self, stratum: &StratumKey) -> Option<&StratumRule> {
        self.strata.get(stratum).or(self.default.as_ref())
    }
}

/// An optional member that, when present, must hold a value: `null` is not a spelling of
/// "absent" (spec §3).
pub(crate) fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A JSON object read as a map, refusing a name given twice (spec §3) instead of keeping the last.
fn unique_keys<'de, D>(d: D) -> Result<BTreeMap<StratumKey, StratumRule>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Unique;
    impl<'de> serde::de::Visitor<'de> for Unique {
        type Value = BTreeMap<StratumKey, StratumRule>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of stratum rules")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<StratumKey, StratumRule>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format_args!(
                        "stratum {:?} is named twice",
                        k.as_str()
                    )));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique)
}

/// Reads the parameters recorded in a commitment (spec §6.1): as [`DrawParameters`], except that
/// `strata` must be present (a request may omit it; a commitment always writes it) and an
/// optional member is absent, never `null`.
pub(crate) fn committed_parameters<'de, D>(d: D) -> Result<DrawParameters, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Committed {
        #[serde(deserialize_with = "unique_keys")]
        strata: BTreeMap<StratumKey, StratumRule>,
        #[serde(default, deserialize_with = "present")]
        default: Option<StratumRule>,
        inspectors_per_target: u32,
        #[serde(default, deserialize_with = "present")]
        max_assignments_per_inspector: Option<u32>,
        #[serde(default, deserialize_with = "present")]
        joint: Option<JointPlan>,
    }
    let c = Committed::deserialize(d)?;
    Ok(DrawParameters {
        strata: c.strata,
        default: c.default,
        inspectors_per_target: c.inspectors_per_target,
        max_assignments_per_inspector: c.max_assignments_per_inspector,
        joint: c.joint,
    })
}

/// What one stratum gives, as recorded in the commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StratumPlan {
    /// The stratum.
    pub key: StratumKey,
    /// Its number of frame entries.
    #[serde(deserialize_with = "super::json_integer")]
    pub population: u64,
    /// How many of them are drawn.
    #[serde(deserialize_with = "super::json_integer")]
    pub sample: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ratios_parse_exactly_and_print_shortest() {
        for (input, ppm, shown) in [
            ("0.05", 50_000, "0.05"),
            ("0.050000", 50_000, "0.05"),
            ("1", 1_000_000, "1"),
            ("1.0", 1_000_000, "1"),
            ("0", 0, "0"),
            ("0.000001", 1, "0.000001"),
        ] {
            let r: Ratio = input
                .parse()
                .map_err(|e| format!("{e}"))
                .unwrap_or(Ratio(999));
            assert_eq!((r.ppm(), r.to_string().as_str()), (ppm, shown), "{input}");
        }
        for bad in [
            "",
            "1.5",
            "0.0000001",
            ".5",
            "0.",
            "-0.1",
            "5%",
            "0,05",
            "2",
        ] {
            assert!(bad.parse::<Ratio>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rounding_rules() {
        let r = |ppm, rounding| StratumRule::Ratio {
            ratio: Ratio(ppm),
            rounding,
        };
        assert_eq!(r(50_000, Rounding::Up).sample_size(41), 3); // 2.05 -> 3
        assert_eq!(r(50_000, Rounding::Down).sample_size(41), 2);
        assert_eq!(r(50_000, Rounding::Nearest).sample_size(41), 2);
        assert_eq!(r(50_000, Rounding::Nearest).sample_size(50), 3); // 2.5 -> 3 (half up)
        assert_eq!(r(10_000, Rounding::Up).sample_size(1), 1);
        assert_eq!(r(10_000, Rounding::Up).sample_size(0), 0);
        assert_eq!(StratumRule::Count(4).sample_size(2), 4); // feasibility is checked at commit
    }

    #[test]
    fn rules_parse_strictly() {
        let ok: Result<StratumRule, _> = serde_json::from_str(r#"{"ratio":"0.1","rounding":"up"}"#);
        assert!(ok.is_ok());
        for bad in [
            r#"{"ratio":"0.1"}"#,
            r#"{"count":1,"ratio":"0.1","rounding":"up"}"#,
            r#"{"count":1,"extra":2}"#,
            r#"{}"#,
        ] {
            assert!(serde_json::from_str::<StratumRule>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn committed_parameters_are_read_strictly() {
        #[derive(Debug, Deserialize)]
        struct C {
            #[serde(deserialize_with = "committed_parameters")]
            #[allow(dead_code)]
            p: DrawParameters,
        }
        let read = |p: &str| serde_json::from_str::<C>(&format!(r#"{{"p":{p}}}"#)).is_ok();
        assert!(read(
            r#"{"strata":{"S":{"count":1}},"inspectors_per_target":2}"#
        ));
        for bad in [
            r#"{"inspectors_per_target":2}"#,
            r#"{"strata":{"S":{"count":1},"S":{"count":2}},"inspectors_per_target":2}"#,
            r#"{"strata":{},"default":null,"inspectors_per_target":2}"#,
            r#"{"strata":{},"inspectors_per_target":2,"max_assignments_per_inspector":null}"#,
            r#"{"strata":{},"inspectors_per_target":2,"note":1}"#,
            r#"{"strata":{},"inspectors_per_target":4294967296}"#,
            r#"{"strata":{},"default":{"count":9007199254740992},"inspectors_per_target":2}"#,
        ] {
            assert!(!read(bad), "{bad}");
        }
        // A request (what an operator gives to commit) may omit strata.
        assert!(serde_json::from_str::<DrawParameters>(r#"{"inspectors_per_target":2}"#).is_ok());
    }

    #[test]
    fn a_requirement_is_read_in_its_two_spellings_only() {
        let read = |s: &str| serde_json::from_str::<Requirement>(s).ok();
        assert_eq!(read(r#""all""#), Some(Requirement::All));
        assert_eq!(read(r#"{"lead_plus":2}"#), Some(Requirement::LeadPlus(2)));
        for bad in [
            r#"{"all":null}"#,
            r#""All""#,
            r#""lead_plus""#,
            r#"{"lead_plus":1,"x":1}"#,
            r#"{"lead_plus":1.0}"#,
            r#"{"lead_plus":4294967296}"#,
            r#"{"lead_plus":null}"#,
            "null",
        ] {
            assert_eq!(read(bad), None, "{bad}");
        }
        assert_eq!(
            serde_json::to_string(&Requirement::LeadPlus(1))
                .ok()
                .as_deref(),
            Some(r#"{"lead_plus":1}"#)
        );
        assert_eq!(
            serde_json::to_string(&Requirement::All).ok().as_deref(),
            Some(r#""all""#)
        );
    }

    proptest! {
        #[test]
        fn ratio_text_round_trips(ppm in 0u32..=1_000_000) {
            let r = Ratio(ppm);
            prop_assert_eq!(r.to_string().parse::<Ratio>().ok(), Some(r));
        }

        #[test]
        fn sample_never_exceeds_population(pop in 0u64..10_000_000, ppm in 0u32..=1_000_000) {
            for rounding in [Rounding::Up, Rounding::Down, Rounding::Nearest] {
                let k = StratumRule::Ratio { ratio: Ratio(ppm), rounding }.sample_size(pop);
                prop_assert!(k <= pop);
            }
        }
    }
}
