//! Closed vocabularies used by the registries, each parsed from Chinese or English.
//!
//! Every enum has one canonical code (its [`std::fmt::Display`] form and its serde form, lower-case
//! English) that goes into the snapshot hash, and accepts the Chinese terms staff actually type.

use std::fmt;
use std::str::FromStr;

/// A value that is not one of the accepted words for a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {kind}; expected one of: {expected}")]
pub struct VocabularyError {
    /// Which vocabulary, e.g. `credit class`.
    pub kind: &'static str,
    /// The input as given.
    pub value: String,
    /// The accepted words, for the message.
    pub expected: &'static str,
}

/// Declares an enum with a canonical code and a list of accepted spellings per variant.
macro_rules! vocabulary {
    (
        $(#[$doc:meta])* $name:ident, $kind:literal, $expected:literal,
        { $( $(#[$vdoc:meta])* $variant:ident => $code:literal : [$($alias:literal),* $(,)?] ),+ $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical (hashed, serialised) code.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl FromStr for $name {
            type Err = VocabularyError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                $(
                    if t.eq_ignore_ascii_case($code) $(|| t.eq_ignore_ascii_case($alias))* {
                        return Ok($name::$variant);
                    }
                )+
                Err(VocabularyError { kind: $kind, value: s.to_owned(), expected: $expected })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
        crate::ids::openapi_enum!($name, [$($code),+]);
    };
}

vocabulary!(
    /// Credit-risk class (信用风险分类). A is the lowest risk, D the highest (市场监管总局 enterprise
    /// credit-risk classification); the lower the risk, the lower the sampling ratio.
    CreditClass, "credit class", "A, B, C, D (or A类, 低风险, 一般风险, 较高风险, 高风险)",
    {
        /// A类: low risk (低风险).
        A => "A": ["A类", "低风险", "low"],
        /// B类: ordinary risk (一般风险).
        B => "B": ["B类", "一般风险", "medium"],
        /// C类: elevated risk (较高风险).
        C => "C": ["C类", "较高风险", "elevated"],
        /// D类: high risk (高风险).
        D => "D": ["D类", "高风险", "high"],
    }
);

vocabulary!(
    /// Registration status of a target. Only [`Status::Active`] targets enter an untargeted frame.
    Status, "status", "正常/存续/在业 (active), 停业 (suspended), 清算 (liquidating), 注销 (cancelled), 吊销 (revoked), 撤销 (withdrawn), 迁出 (moved_out)",
    {
        /// 正常 / 存续 / 在业: operating.
        Active => "active": ["正常", "存续", "在业", "有效"],
        /// 停业: temporarily not operating.
        Suspended => "suspended": ["停业", "暂停"],
        /// 清算: being wound up.
        Liquidating => "liquidating": ["清算"],
        /// 注销: deregistered.
        Cancelled => "cancelled": ["注销", "canceled"],
        /// 吊销: licence revoked as a penalty.
        Revoked => "revoked": ["吊销"],
        /// 撤销: registration withdrawn.
        Withdrawn => "withdrawn": ["撤销"],
        /// 迁出: moved out of the jurisdiction.
        MovedOut => "moved_out": ["迁出", "moved-out"],
    }
);

vocabulary!(
    /// 一般 or 重点 check item. 重点 items have no upper sampling limit.
    ItemType, "item type", "一般 (general) or 重点 (key)",
    {
        /// 一般检查事项.
        General => "general": ["一般", "一般检查事项"],
        /// 重点检查事项.
        Key => "key": ["重点", "重点检查事项"],
    }
);

vocabulary!(
    /// How a check is carried out (抽查方式).
    CheckMethod, "check method", "现场检查, 书面检查, 网络监测, 检验检测, 委托专业机构",
    {
        /// 现场检查: on-site inspection.
        OnSite => "on_site": ["现场检查", "on-site"],
        /// 书面检查: documentary review.
        Documentary => "documentary": ["书面检查"],
        /// 网络监测: online monitoring.
        OnlineMonitoring => "online_monitoring": ["网络监测", "online-monitoring"],
        /// 检验检测: testing.
        Testing => "testing": ["检验检测"],
        /// 委托专业机构: delegated to a professional body.
        ExpertAgency => "expert_agency": ["委托专业机构", "expert-agency"],
    }
);

vocabulary!(
    /// The kind of target a check item applies to (抽查对象), also an inspector's specialty.
    TargetKind, "target kind", "旅行社 (agency), 导游 (guide), 在线旅游经营者 (online_operator)",
    {
        /// 旅行社.
        Agency => "agency": ["旅行社", "agencies", "travel_agency"],
        /// 导游.
        Guide => "guide": ["导游", "guides", "导游人员"],
        /// 在线旅游经营者.
        OnlineOperator => "online_operator": ["在线旅游经营者", "operators", "operator", "online-operator"],
    }
);

vocabulary!(
    /// Guide level (导游等级).
    GuideLevel, "guide level", "初级 (junior), 中级 (intermediate), 高级 (senior), 特级 (special)",
    {
        /// 初级导游.
        Junior => "junior": ["初级", "初级导游"],
        /// 中级导游.
        Intermediate => "intermediate": ["中级", "中级导游"],
        /// 高级导游.
        Senior => "senior": ["高级", "高级导游"],
        /// 特级导游.
        Special => "special": ["特级", "特级导游"],
    }
);

/// Parses yes/no in Chinese or English: 是/有/Y/yes/true/1 and 否/无/N/no/false/0.
pub fn parse_yes_no(s: &str) -> Result<bool, VocabularyError> {
    match s.trim() {
        "是" | "有" | "1" => Ok(true),
        "否" | "无" | "0" => Ok(false),
        t if ["y", "yes", "true"]
            .iter()
            .any(|w| t.eq_ignore_ascii_case(w)) =>
        {
            Ok(true)
        }
        t if ["n", "no", "false"]
            .iter()
            .any(|w| t.eq_ignore_ascii_case(w)) =>
        {
            Ok(false)
        }
        _ => Err(VocabularyError {
            kind: "yes/no value",
            value: s.to_owned(),
            expected: "是/否, 有/无, yes/no, true/false, 1/0",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn chinese_and_english_spellings_parse_to_the_same_variant() {
        assert_eq!("A类".parse::<CreditClass>(), Ok(CreditClass::A));
        assert_eq!("d".parse::<CreditClass>(), Ok(CreditClass::D));
        assert_eq!("注销".parse::<Status>(), Ok(Status::Cancelled));
        assert_eq!("Revoked".parse::<Status>(), Ok(Status::Revoked));
        assert_eq!("存续".parse::<Status>(), Ok(Status::Active));
        assert_eq!("重点".parse::<ItemType>(), Ok(ItemType::Key));
        assert_eq!(
            "网络监测".parse::<CheckMethod>(),
            Ok(CheckMethod::OnlineMonitoring)
        );
        assert_eq!(
            "在线旅游经营者".parse::<TargetKind>(),
            Ok(TargetKind::OnlineOperator)
        );
        assert_eq!("特级".parse::<GuideLevel>(), Ok(GuideLevel::Special));
        assert_eq!(parse_yes_no("是"), Ok(true));
        assert_eq!(parse_yes_no("No"), Ok(false));
    }

    #[test]
    fn unknown_words_are_rejected_with_the_accepted_list() {
        let err = "E".parse::<CreditClass>().err();
        assert_eq!(err.as_ref().map(|e| e.kind), Some("credit class"));
        assert!("营业中".parse::<Status>().is_err());
        assert!(parse_yes_no("maybe").is_err());
    }

    proptest! {
        #[test]
        fn canonical_codes_round_trip(i in 0usize..7) {
            let s = Status::ALL[i % Status::ALL.len()];
            prop_assert_eq!(s.code().parse::<Status>(), Ok(s));
            let m = CheckMethod::ALL[i % CheckMethod::ALL.len()];
            prop_assert_eq!(m.to_string().parse::<CheckMethod>(), Ok(m));
            let json = serde_json::to_string(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(serde_json::from_str::<Status>(&json).ok(), Some(s));
        }
    }
}
