//! Inspection results (抽查情况及查处结果), with the result codes used on provincial platforms.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{LifecycleError, check_text};
use crate::ids::{IdError, InspectorId, PlanId, TargetId};
use crate::registry::CheckMethod;
use crate::time::Timestamp;

macro_rules! result_codes {
    ($( $(#[$doc:meta])* $variant:ident => $code:literal, $label:literal; )+) => {
        /// The outcome of one check. Serialised as a stable English code; [`ResultCode::label`] is
        /// the Chinese term that is published, and both parse.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ResultCode {
            $( $(#[$doc])* $variant ),+
        }

        impl ResultCode {
            /// Every code, in the order provincial platforms list them.
            pub const ALL: &'static [ResultCode] = &[$(ResultCode::$variant),+];
            /// The stable code (serde form).
            pub const fn code(self) -> &'static str {
                match self { $(ResultCode::$variant => $code),+ }
            }
            /// The published Chinese label.
            pub const fn label(self) -> &'static str {
                match self { $(ResultCode::$variant => $label),+ }
            }
        }

        crate::ids::openapi_enum!(ResultCode, [$($code, $label),+]);
    };
}

result_codes! {
    /// 未发现问题.
    NoProblemFound => "no_problem_found", "未发现问题";
    /// 未按规定公示.
    NotDisclosedAsRequired => "not_disclosed_as_required", "未按规定公示";
    /// 公示信息弄虚作假.
    FalseDisclosure => "false_disclosure", "公示信息弄虚作假";
    /// 住所无法联系 (cannot be reached at its registered address).
    Unreachable => "unreachable", "住所无法联系";
    /// 发现问题经责令已改正.
    CorrectedAfterOrder => "corrected_after_order", "发现问题经责令已改正";
    /// 未发现开展本次抽查涉及的经营活动.
    NoRelevantActivity => "no_relevant_activity", "未发现开展本次抽查涉及的经营活动";
    /// 停业/清算.
    SuspendedOrLiquidating => "suspended_or_liquidating", "停业/清算";
    /// 不配合检查.
    Uncooperative => "uncooperative", "不配合检查";
    /// 注销/吊销/撤销/迁出.
    Deregistered => "deregistered", "注销/吊销/撤销/迁出";
}

impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for ResultCode {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        ResultCode::ALL
            .iter()
            .copied()
            .find(|c| c.code() == t || c.label() == t)
            .ok_or_else(|| {
                IdError::new(
                    "result code",
                    s,
                    "must be one of the published result codes, e.g. 未发现问题 or no_problem_found",
                )
            })
    }
}

impl Serialize for ResultCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ResultCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The result of checking one drawn target. Immutable once stored (谁检查、谁录入、谁公开).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionResult {
    /// The plan whose draw selected the target.
    pub plan: PlanId,
    /// The target checked.
    pub target: TargetId,
    /// The outcome.
    pub code: ResultCode,
    /// How it was checked.
    pub method: CheckMethod,
    /// The inspectors who checked it (the ones assigned by the draw).
    pub inspectors: Vec<InspectorId>,
    /// What was found, as published.
    pub findings: String,
    /// Follow-up (责令改正, case filed …), if any.
    pub follow_up: Option<String>,
    /// The day the check was completed (starts the 20-working-day publication clock).
    pub completed_on: NaiveDate,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

impl InspectionResult {
    /// Checks the fields.
    ///
    /// # Errors
    /// [`LifecycleError::Invalid`] naming the field.
    pub fn validate(&self) -> Result<(), LifecycleError> {
        check_text("findings", &self.findings, 4000, false)?;
        if let Some(f) = &self.follow_up {
            check_text("follow_up", f, 2000, true)?;
        }
        if self.inspectors.len() < 2 {
            return Err(LifecycleError::Invalid {
                field: "inspectors",
                reason: "at least two inspectors check a target (旅游法 §86, 行政处罚法 §42)"
                    .into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_from_chinese_and_english_and_serialise_as_codes()
    -> Result<(), Box<dyn std::error::Error>> {
        for c in ResultCode::ALL {
            assert_eq!(c.label().parse::<ResultCode>()?, *c);
            assert_eq!(c.code().parse::<ResultCode>()?, *c);
            let json = serde_json::to_string(c)?;
            assert_eq!(serde_json::from_str::<ResultCode>(&json)?, *c);
        }
        assert_eq!(
            serde_json::from_str::<ResultCode>("\"停业/清算\"")?,
            ResultCode::SuspendedOrLiquidating
        );
        assert!("良好".parse::<ResultCode>().is_err());
        Ok(())
    }
}
