//! The fields of the national administrative-penalty data standard for 双公示 (the 信用中国
//! administrative-penalty template) that a decision carries beyond what the website publishes.
//!
//! A decision recorded before these fields existed has none (`PenaltyDecision::disclosure` is
//! optional, so stored records still read); a decision that has them is validated as a whole by
//! [`CreditDisclosure::validate`]. 证件类型/证件号码 of a natural person are for the exchange
//! with the credit platform only: the public projection drops them (政府信息公开条例 §15).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::LifecycleError;
use super::check_text;
use crate::ids::UnifiedCreditCode;

/// An amount in 万元 (ten thousand yuan) with at most six decimal places (the template's
/// precision: 0.000001 万元 = 0.01 元), non-negative, below 10¹⁰ 万元. A decimal, never a float:
/// `"0.5"` is exactly half of 一万元. Written in JSON as a string (`"0.5"`), so no JSON reader
/// can round it.
///
/// ```
/// use spotcheck_domain::lifecycle::WanYuan;
/// let w: WanYuan = "0.5".parse()?;
/// assert_eq!(w.to_string(), "0.500000");
/// assert!("0.0000001".parse::<WanYuan>().is_err());
/// assert!("-1".parse::<WanYuan>().is_err());
/// # Ok::<(), spotcheck_domain::lifecycle::LifecycleError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WanYuan(Decimal);

impl WanYuan {
    /// Decimal places of the template.
    pub const SCALE: u32 = 6;

    /// The amount.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl FromStr for WanYuan {
    type Err = LifecycleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| LifecycleError::Invalid {
            field: "amount (万元)",
            reason: format!("{s:?}: {why}"),
        };
        // Plain decimal notation only: digits, one point (no exponent, sign or spaces).
        if s.is_empty()
            || s.len() > 24
            || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            || s.bytes().filter(|&b| b == b'.').count() > 1
            || s.starts_with('.')
            || s.ends_with('.')
        {
            return Err(bad(
                "must be a non-negative decimal number in 万元 such as 0.5 or 12.345678",
            ));
        }
        let d = Decimal::from_str_exact(s).map_err(|e| bad(&e.to_string()))?;
        if d.normalize().scale() > Self::SCALE {
            return Err(bad("has more than 6 decimal places (0.000001 万元 = 1 分)"));
        }
        if d >= Decimal::from(10_000_000_000_i64) {
            return Err(bad("must be below 10000000000 万元"));
        }
        Ok(Self(d.normalize()))
    }
}

impl fmt::Display for WanYuan {
    /// With exactly six decimal places, as the template writes amounts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.0;
        d.rescale(Self::SCALE);
        write!(f, "{d}")
    }
}

impl Serialize for WanYuan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

impl<'de> Deserialize<'de> for WanYuan {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// 行政相对人类别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SubjectCategory {
    /// 法人及非法人组织.
    LegalPerson,
    /// 自然人.
    NaturalPerson,
    /// 个体工商户.
    IndividualBusiness,
}

impl SubjectCategory {
    /// The template's wording.
    pub fn label(self) -> &'static str {
        match self {
            Self::LegalPerson => "法人及非法人组织",
            Self::NaturalPerson => "自然人",
            Self::IndividualBusiness => "个体工商户",
        }
    }
}

/// 证件类型 of a natural person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IdDocumentKind {
    /// 身份证 (GB 11643, checked).
    ResidentIdCard,
    /// 护照号.
    Passport,
    /// 港澳居民来往内地通行证.
    HongKongMacaoPermit,
    /// 台湾居民来往大陆通行证.
    TaiwanPermit,
    /// 外国人永久居留身份证.
    ForeignPermanentResidentCard,
}

impl IdDocumentKind {
    /// The template's wording.
    pub fn label(self) -> &'static str {
        match self {
            Self::ResidentIdCard => "身份证",
            Self::Passport => "护照号",
            Self::HongKongMacaoPermit => "港澳居民来往内地通行证",
            Self::TaiwanPermit => "台湾居民来往大陆通行证",
            Self::ForeignPermanentResidentCard => "外国人永久居留身份证",
        }
    }
}

/// A natural person's identity document, for the exchange with the credit platform only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdDocument {
    /// 证件类型.
    pub kind: IdDocumentKind,
    /// 证件号码.
    pub number: String,
}

impl fmt::Debug for IdDocument {
    /// Never prints the number (logs must not carry it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdDocument")
            .field("kind", &self.kind)
            .field("number", &"[redacted]")
            .finish()
    }
}

/// GB 11643 check character of the first 17 digits of a resident ID number.
fn gb11643_check(body: &[u8]) -> Option<u8> {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let mut sum = 0;
    for (c, w) in body.iter().zip(W) {
        if !c.is_ascii_digit() {
            return None;
        }
        sum += u32::from(c - b'0') * w;
    }
    Some(b"10X98765432"[(sum % 11) as usize])
}

impl IdDocument {
    /// Checks the number: a resident ID card has 18 characters with a valid GB 11643 check
    /// character; other documents 5–30 letters and digits.
    ///
    /// # Errors
    /// [`LifecycleError::Invalid`] naming the field (never the number).
    pub fn validate(&self) -> Result<(), LifecycleError> {
        let bad = |reason: &str| LifecycleError::Invalid {
            field: "disclosure.id_document.number",
            reason: reason.into(),
        };
        let n = self.number.as_bytes();
        match self.kind {
            IdDocumentKind::ResidentIdCard => {
                if n.len() != 18 || gb11643_check(&n[..17]) != Some(n[17].to_ascii_uppercase()) {
                    return Err(bad(
                        "a resident ID card number has 18 characters and a valid GB 11643 check character",
                    ));
                }
            }
            _ => {
                if !(5..=30).contains(&n.len()) || !n.iter().all(u8::is_ascii_alphanumeric) {
                    return Err(bad("must be 5-30 letters and digits"));
                }
            }
        }
        Ok(())
    }
}

/// 处罚类别 (the enumerated categories of the data standard; several may apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PenaltyCategory {
    /// 警告.
    Warning,
    /// 通报批评.
    Criticism,
    /// 罚款.
    Fine,
    /// 没收违法所得、没收非法财物.
    Confiscation,
    /// 暂扣或者吊销许可证、暂扣或者吊销执照.
    LicenceSuspensionOrRevocation,
    /// 责令停产停业.
    OrderToSuspend,
    /// 行政拘留.
    Detention,
    /// 其他.
    Other,
}

impl PenaltyCategory {
    /// The standard's wording.
    pub fn label(self) -> &'static str {
        match self {
            Self::Warning => "警告",
            Self::Criticism => "通报批评",
            Self::Fine => "罚款",
            Self::Confiscation => "没收违法所得、没收非法财物",
            Self::LicenceSuspensionOrRevocation => "暂扣或者吊销许可证、暂扣或者吊销执照",
            Self::OrderToSuspend => "责令停产停业",
            Self::Detention => "行政拘留",
            Self::Other => "其他",
        }
    }
}

/// The credit-platform fields of a decision (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditDisclosure {
    /// 行政相对人类别.
    pub subject_category: SubjectCategory,
    /// 法定代表人 (legal persons and individual businesses' operators; public on 信用中国).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative: Option<String>,
    /// 证件类型/证件号码 (natural persons; exchange only, never published on the website).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_document: Option<IdDocument>,
    /// 违法行为类型.
    pub violation_type: String,
    /// 处罚类别 (one or more).
    pub categories: Vec<PenaltyCategory>,
    /// 罚款金额（万元）: required with [`PenaltyCategory::Fine`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "0.5"))]
    pub fine: Option<WanYuan>,
    /// 没收违法所得、没收非法财物的金额（万元）: required with [`PenaltyCategory::Confiscation`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "0.12"))]
    pub confiscation: Option<WanYuan>,
    /// 暂扣或吊销证照名称及编号: required with [`PenaltyCategory::LicenceSuspensionOrRevocation`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// 处罚有效期 (the last day the penalty has effect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    /// 公示截止期 (the last day of publication).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_until: Option<NaiveDate>,
    /// 处罚机关统一社会信用代码.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub authority_credit_code: UnifiedCreditCode,
    /// 数据来源单位.
    pub source_unit: String,
    /// 数据来源单位统一社会信用代码.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub source_unit_code: UnifiedCreditCode,
    /// 备注.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

impl CreditDisclosure {
    /// Checks the fields against each other and against the decision: `natural_person` for a
    /// natural-person party (and an ID document only there), at least one category, an amount
    /// exactly when its category is given, a licence with a suspension or revocation, dates not
    /// before the decision.
    ///
    /// # Errors
    /// [`LifecycleError::Invalid`] naming the field.
    pub fn validate(
        &self,
        natural_person: bool,
        decided_on: NaiveDate,
    ) -> Result<(), LifecycleError> {
        let bad = |field: &'static str, reason: &str| LifecycleError::Invalid {
            field,
            reason: reason.into(),
        };
        if natural_person != (self.subject_category == SubjectCategory::NaturalPerson) {
            return Err(bad(
                "subject_category",
                "must be natural_person exactly when the party is a natural person",
            ));
        }
        match (&self.id_document, natural_person) {
            (Some(_), false) => {
                return Err(bad(
                    "disclosure.id_document",
                    "is for natural persons only (organisations are identified by their credit code)",
                ));
            }
            (Some(d), true) => d.validate()?,
            (None, _) => {}
        }
        if let Some(r) = &self.legal_representative {
            if natural_person {
                return Err(bad(
                    "disclosure.legal_representative",
                    "is for legal persons and individual businesses only",
                ));
            }
            check_text("disclosure.legal_representative", r, 50, true)?;
            if r.chars().any(|c| c.is_numeric()) {
                return Err(bad(
                    "disclosure.legal_representative",
                    "must not contain digits",
                ));
            }
        }
        check_text("disclosure.violation_type", &self.violation_type, 200, true)?;
        if self.categories.is_empty() {
            return Err(bad(
                "disclosure.categories",
                "must name at least one 处罚类别",
            ));
        }
        let mut sorted = self.categories.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != self.categories.len() {
            return Err(bad("disclosure.categories", "names a category twice"));
        }
        let has = |c| self.categories.contains(&c);
        let pairs = [
            (
                "disclosure.fine",
                has(PenaltyCategory::Fine),
                self.fine.is_some(),
                "罚款",
            ),
            (
                "disclosure.confiscation",
                has(PenaltyCategory::Confiscation),
                self.confiscation.is_some(),
                "没收违法所得、没收非法财物",
            ),
            (
                "disclosure.licence",
                has(PenaltyCategory::LicenceSuspensionOrRevocation),
                self.licence.is_some(),
                "暂扣或者吊销许可证、暂扣或者吊销执照",
            ),
        ];
        for (field, category, present, label) in pairs {
            if category && !present {
                return Err(bad(
                    field,
                    &format!("is required with the category {label}"),
                ));
            }
            if present && !category {
                return Err(bad(
                    field,
                    &format!("is given but the category {label} is not"),
                ));
            }
        }
        if let Some(l) = &self.licence {
            check_text("disclosure.licence", l, 200, true)?;
        }
        for (field, d) in [
            ("disclosure.valid_until", self.valid_until),
            ("disclosure.publish_until", self.publish_until),
        ] {
            if d.is_some_and(|d| d < decided_on) {
                return Err(bad(field, "must not be before the decision date"));
            }
        }
        check_text("disclosure.source_unit", &self.source_unit, 200, true)?;
        if let Some(r) = &self.remarks {
            check_text("disclosure.remarks", r, 1000, false)?;
        }
        Ok(())
    }

    /// The fields the public may see: without the natural person's identity document.
    pub fn public(&self) -> Self {
        Self {
            id_document: None,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Result<CreditDisclosure, Box<dyn std::error::Error>> {
        Ok(serde_json::from_value(serde_json::json!({
            "subject_category": "legal_person", "legal_representative": "林某某",
            "violation_type": "未按规定委派导游", "categories": ["warning", "fine"],
            "fine": "0.5", "authority_credit_code": "11350300MB12345671",
            "source_unit": "莆田市文化和旅游局", "source_unit_code": "11350300MB12345671"
        }))?)
    }

    #[test]
    fn amounts_are_exact_decimals_with_at_most_six_places() -> Result<(), Box<dyn std::error::Error>>
    {
        for (s, shown) in [
            ("0.5", "0.500000"),
            ("12.345678", "12.345678"),
            ("3", "3.000000"),
            ("0.000001", "0.000001"),
            ("0.1000000", "0.100000"),
        ] {
            let w: WanYuan = s.parse()?;
            assert_eq!(w.to_string(), shown, "{s}");
        }
        for s in [
            "",
            "0.0000001",
            "-1",
            "1e3",
            "1,000",
            " 1",
            "NaN",
            "1.",
            ".5",
            "10000000000",
        ] {
            assert!(s.parse::<WanYuan>().is_err(), "{s:?} accepted");
        }
        // 0.1 + 0.2 is exactly 0.3 (a float would not be).
        let a: WanYuan = "0.1".parse()?;
        let b: WanYuan = "0.2".parse()?;
        assert_eq!(a.value() + b.value(), "0.3".parse::<WanYuan>()?.value());
        // JSON: a string, and a number is refused (it would pass through a float).
        assert_eq!(serde_json::to_string(&a)?, "\"0.1\"");
        assert!(serde_json::from_str::<WanYuan>("0.1").is_err());
        Ok(())
    }

    #[test]
    fn the_fields_are_checked_against_each_other() -> Result<(), Box<dyn std::error::Error>> {
        let day: NaiveDate = "2026-11-20".parse()?;
        let d = base()?;
        d.validate(false, day)?;
        let mut no_amount = d.clone();
        no_amount.fine = None;
        assert!(no_amount.validate(false, day).is_err());
        let mut stray = d.clone();
        stray.confiscation = Some("1".parse()?);
        assert!(stray.validate(false, day).is_err());
        let mut empty = d.clone();
        empty.categories.clear();
        assert!(empty.validate(false, day).is_err());
        assert!(
            d.validate(true, day).is_err(),
            "category must match the party"
        );
        let mut person = d.clone();
        person.subject_category = SubjectCategory::NaturalPerson;
        person.legal_representative = None;
        person.id_document = Some(IdDocument {
            kind: IdDocumentKind::ResidentIdCard,
            number: "11010519491231002X".into(),
        });
        person.validate(true, day)?;
        assert!(!format!("{person:?}").contains("11010519491231002X"));
        assert_eq!(person.public().id_document, None);
        let mut wrong = person.clone();
        wrong.id_document = Some(IdDocument {
            kind: IdDocumentKind::ResidentIdCard,
            number: "110105194912310021".into(),
        });
        assert!(wrong.validate(true, day).is_err(), "bad check character");
        let mut early = d.clone();
        early.publish_until = Some("2026-11-19".parse()?);
        assert!(early.validate(false, day).is_err());
        Ok(())
    }
}
