//! Publication deadline rules, one per kind of publication, each with its legal basis.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calendar_time::add_calendar_months;
use super::error::CalendarError;
use super::index::Calendar;

/// What is being published (serialised in kebab-case, e.g. `penalty-decision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineKind {
    /// The random-check item list (抽查事项清单) was formed or changed.
    ItemList,
    /// A random check was completed; its result must be published.
    CheckResult,
    /// An administrative penalty decision was made.
    PenaltyDecision,
    /// Other penalty-related enforcement information.
    PenaltyOther,
    /// A published penalty decision was changed, revoked, or confirmed unlawful or void.
    Withdrawal,
    /// A published penalty of 通报批评 or a small fine may be taken down.
    PenaltyRemovalMinor,
    /// Any other published penalty may be taken down.
    PenaltyRemoval,
}

impl DeadlineKind {
    /// Every kind, in the order of [`RULES`].
    pub const ALL: [DeadlineKind; 7] = [
        DeadlineKind::ItemList,
        DeadlineKind::CheckResult,
        DeadlineKind::PenaltyDecision,
        DeadlineKind::PenaltyOther,
        DeadlineKind::Withdrawal,
        DeadlineKind::PenaltyRemovalMinor,
        DeadlineKind::PenaltyRemoval,
    ];

    /// The kebab-case name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        self.rule().name
    }

    /// The rule for this kind.
    pub fn rule(self) -> &'static Rule {
        match self {
            DeadlineKind::ItemList => &RULES[0],
            DeadlineKind::CheckResult => &RULES[1],
            DeadlineKind::PenaltyDecision => &RULES[2],
            DeadlineKind::PenaltyOther => &RULES[3],
            DeadlineKind::Withdrawal => &RULES[4],
            DeadlineKind::PenaltyRemovalMinor => &RULES[5],
            DeadlineKind::PenaltyRemoval => &RULES[6],
        }
    }
}

impl fmt::Display for DeadlineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the [`DeadlineKind`]s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown deadline kind {found:?}; expected one of: {}", DeadlineKind::ALL.map(DeadlineKind::as_str).join(", "))]
pub struct UnknownDeadlineKind {
    /// The name given.
    pub found: String,
}

impl FromStr for DeadlineKind {
    type Err = UnknownDeadlineKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeadlineKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownDeadlineKind {
                found: s.to_string(),
            })
    }
}

/// How a rule's period is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Period {
    /// Official working days after the event (start day excluded).
    WorkingDays(u32),
    /// Calendar months after the event, month ends clamped (see
    /// [`add_calendar_months`](super::add_calendar_months)); 3 years = 36 months.
    CalendarMonths(u32),
}

/// One publication duty: what starts the clock, how long it runs, and the law that says so.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// The kind's kebab-case name.
    pub name: &'static str,
    /// The period.
    pub period: Period,
    /// What the event date is.
    pub event: &'static str,
    /// What must happen by the deadline.
    pub duty: &'static str,
    /// The legal basis, cited as text.
    pub legal_basis: &'static str,
}

/// The rules, one per [`DeadlineKind`], in the order of [`DeadlineKind::ALL`].
pub static RULES: [Rule; 7] = [
    Rule {
        name: "item-list",
        period: Period::WorkingDays(20),
        event: "the day the random-check item list is formed or changed",
        duty: "publish the item list",
        legal_basis: "《中华人民共和国政府信息公开条例》第二十六条（主动公开的政府信息自形成或者变更之日起20个工作日内公开）；\
                      《国务院办公厅关于推广随机抽查规范事中事后监管的通知》（国办发〔2015〕58号）",
    },
    Rule {
        name: "check-result",
        period: Period::WorkingDays(20),
        event: "the day the random check is completed",
        duty: "publish the check result",
        legal_basis: "《企业信息公示暂行条例》第六条、第七条（自产生之日起20个工作日内公示）；\
                      《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）",
    },
    Rule {
        name: "penalty-decision",
        period: Period::WorkingDays(7),
        event: "the day the penalty decision is made",
        duty: "publish the penalty decision",
        legal_basis: "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》\
                      （国办发〔2018〕118号）（行政处罚的执法决定信息在作出之日起7个工作日内公开）；\
                      《中华人民共和国行政处罚法》第四十八条",
    },
    Rule {
        name: "penalty-other",
        period: Period::WorkingDays(20),
        event: "the day the information is produced",
        duty: "publish the other penalty-related information",
        legal_basis: "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》\
                      （国办发〔2018〕118号）（执法决定作出之日起20个工作日内公布）；《企业信息公示暂行条例》第六条、第七条",
    },
    Rule {
        name: "withdrawal",
        period: Period::WorkingDays(3),
        event: "the day the published decision is changed, revoked, or confirmed unlawful or void",
        duty: "withdraw the published decision and publish the reason",
        legal_basis: "《中华人民共和国行政处罚法》第四十八条第二款（三日内撤回行政处罚决定信息并公开说明理由）；\
                      第八十五条（“三日”是指工作日，不含法定节假日）",
    },
    Rule {
        name: "penalty-removal-minor",
        period: Period::CalendarMonths(3),
        event: "the day the penalty (通报批评 or a small fine) was published",
        duty: "stop publishing: the publication period ends on this day",
        legal_basis: "《市场监督管理行政处罚信息公示规定》（仅受到通报批评或者较低数额罚款的，自公示之日起届满三个月停止公示）；\
                      期间计算：《中华人民共和国民法典》第二百零一条、第二百零二条",
    },
    Rule {
        name: "penalty-removal",
        period: Period::CalendarMonths(36),
        event: "the day the penalty was published",
        duty: "stop publishing: the publication period ends on this day",
        legal_basis: "《市场监督管理行政处罚信息公示规定》（其他行政处罚信息自公示之日起届满三年停止公示）；\
                      期间计算：《中华人民共和国民法典》第二百零一条、第二百零二条",
    },
];

/// A computed deadline: the date, whether it is provisional, and the rule applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The last day on which the duty can be met (for removals: the last day of publication).
    pub date: NaiveDate,
    /// Whether the date depends on days the notices do not settle yet. Always `false` for
    /// calendar-month rules, which do not depend on working days.
    pub provisional: bool,
    /// The rule applied, with its legal basis.
    pub rule: &'static Rule,
}

impl Calendar {
    /// The deadline of `kind` for an event on `event_date`.
    ///
    /// # Errors
    /// For working-day rules, the errors of [`Calendar::add_working_days`] (e.g.
    /// [`CalendarError::BeforeCoverage`]); for calendar-month rules only
    /// [`CalendarError::OutOfRange`].
    pub fn deadline(
        &self,
        kind: DeadlineKind,
        event_date: NaiveDate,
    ) -> Result<Deadline, CalendarError> {
        let rule = kind.rule();
        let (date, provisional) = match rule.period {
            Period::WorkingDays(n) => {
                let wd = self.add_working_days(event_date, n)?;
                (wd.date, wd.provisional)
            }
            Period::CalendarMonths(m) => {
                let date = add_calendar_months(event_date, m)
                    .ok_or(CalendarError::OutOfRange { start: event_date })?;
                (date, false)
            }
        };
        Ok(Deadline {
            date,
            provisional,
            rule,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_maps_to_the_rule_with_its_own_name() {
        for kind in DeadlineKind::ALL {
            assert_eq!(kind.rule().name, kind.as_str());
            assert_eq!(kind.as_str().parse::<DeadlineKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }

    #[test]
    fn unknown_kind_names_the_valid_ones() {
        let err = "penalty"
            .parse::<DeadlineKind>()
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|m| m.contains("penalty-decision") && m.contains("\"penalty\"")),
            "{err:?}"
        );
    }

    #[test]
    fn periods_are_those_of_the_issue() {
        use DeadlineKind::*;
        let expected = [
            (ItemList, Period::WorkingDays(20)),
            (CheckResult, Period::WorkingDays(20)),
            (PenaltyDecision, Period::WorkingDays(7)),
            (PenaltyOther, Period::WorkingDays(20)),
            (Withdrawal, Period::WorkingDays(3)),
            (PenaltyRemovalMinor, Period::CalendarMonths(3)),
            (PenaltyRemoval, Period::CalendarMonths(36)),
        ];
        for (kind, period) in expected {
            assert_eq!(kind.rule().period, period, "{kind}");
            assert!(!kind.rule().legal_basis.is_empty());
        }
    }
}
