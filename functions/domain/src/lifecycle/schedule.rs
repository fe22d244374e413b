//! The rules of time and of a sane draft: when a plan may be drawn, which dates a result or a
//! decision may carry, and what a draft must promise before it is stored.
//!
//! A draw is fair only if the commitment was public before the randomness existed, and verifiable
//! by outsiders only if they had the chance to see it: so a plan's `planned_draw_at` lies at least a
//! minimum notice after the moment it is committed (and no more than a year ahead), and no draw
//! runs before `planned_draw_at`. The caller passes the clock in; the domain never reads one.

use chrono::NaiveDate;

use super::{
    InspectionResult, LifecycleError, PenaltyChangeKind, PenaltyDecision, PlanSpec, check_text,
};
use crate::draw::{StratumRule, check_assignment_rules};
use crate::time::Timestamp;

/// How far ahead a plan's draw may be scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulePolicy {
    /// The least time between committing a plan (or creating its draft) and its planned draw, in
    /// seconds. The commitment is public during this time, so anyone may record it before the
    /// randomness exists.
    pub min_notice_secs: i64,
    /// The most time between now and the planned draw, in seconds.
    pub max_ahead_secs: i64,
}

impl SchedulePolicy {
    /// The default minimum notice: 24 hours.
    pub const DEFAULT_MIN_NOTICE_SECS: i64 = 24 * 3600;
    /// The default horizon: one year (366 days).
    pub const DEFAULT_MAX_AHEAD_SECS: i64 = 366 * 24 * 3600;
}

impl Default for SchedulePolicy {
    fn default() -> Self {
        Self {
            min_notice_secs: Self::DEFAULT_MIN_NOTICE_SECS,
            max_ahead_secs: Self::DEFAULT_MAX_AHEAD_SECS,
        }
    }
}

/// Why a time or a draft is refused. Each variant has a stable [`code`](ScheduleError::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// `planned_draw_at` is sooner than the minimum notice allows.
    #[error(
        "planned_draw_at {planned} is too soon: a plan committed at {now} may be drawn at {earliest} at the earliest (minimum notice {notice_hours} h)"
    )]
    NoticeTooShort {
        /// The planned draw time.
        planned: Timestamp,
        /// Now.
        now: Timestamp,
        /// The earliest acceptable draw time.
        earliest: Timestamp,
        /// The notice, in whole hours (rounded down).
        notice_hours: i64,
    },
    /// `planned_draw_at` is further ahead than allowed.
    #[error("planned_draw_at {planned} is too far ahead: the latest acceptable is {latest}")]
    TooFarAhead {
        /// The planned draw time.
        planned: Timestamp,
        /// The latest acceptable.
        latest: Timestamp,
    },
    /// The draw was asked for before its planned time.
    #[error("plan may not be drawn before its planned_draw_at {planned} (it is now {now})")]
    DrawTooEarly {
        /// The planned draw time.
        planned: Timestamp,
        /// Now.
        now: Timestamp,
    },
    /// A date field lies outside what is possible.
    #[error("{field} {date} is out of range: {reason}")]
    DateOutOfRange {
        /// Which field.
        field: &'static str,
        /// Its value.
        date: NaiveDate,
        /// The range, in words.
        reason: String,
    },
    /// The draft promises something no draw could keep.
    #[error("{field}: {reason}")]
    Draft {
        /// Which field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl ScheduleError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ScheduleError::NoticeTooShort { .. } => "notice-too-short",
            ScheduleError::TooFarAhead { .. } => "planned-too-far-ahead",
            ScheduleError::DrawTooEarly { .. } => "draw-too-early",
            ScheduleError::DateOutOfRange { .. } => "date-out-of-range",
            ScheduleError::Draft { .. } => "invalid-draft",
        }
    }
}

/// The dates results and decisions carry are dates of the bureau's calendar (China, UTC+8).
fn date_of(t: Timestamp) -> Option<NaiveDate> {
    t.china_date()
}

impl PlanSpec {
    /// Checks what a draft promises: at least two inspectors per target, a cap of at least one,
    /// a rule that can select a target, and an entropy source (a witness or a beacon round).
    ///
    /// # Errors
    /// [`ScheduleError::Draft`] naming the field.
    pub fn check_draft(&self) -> Result<(), ScheduleError> {
        check_assignment_rules(&self.parameters).map_err(|(field, e)| ScheduleError::Draft {
            field,
            reason: e.to_string(),
        })?;
        let zero = |r: &StratumRule| match r {
            StratumRule::Count(c) => *c == 0,
            StratumRule::Ratio { ratio, .. } => ratio.ppm() == 0,
        };
        let rules: Vec<&StratumRule> = self
            .parameters
            .default
            .iter()
            .chain(self.parameters.strata.values())
            .collect();
        if rules.iter().all(|r| zero(r)) {
            return Err(ScheduleError::Draft {
                field: "parameters",
                reason: "no rule selects any target (every count or ratio is 0, or there is none)"
                    .into(),
            });
        }
        let source = &self.entropy_source;
        if source.witnesses.is_empty() && source.drand.is_none() {
            return Err(ScheduleError::Draft {
                field: "entropy_source",
                reason: "needs at least one witness or a drand beacon round".into(),
            });
        }
        if let Some(p) = &self.implementation_period {
            if p.to < p.from {
                return Err(ScheduleError::Draft {
                    field: "implementation_period",
                    reason: format!("ends on {} before it starts on {}", p.to, p.from),
                });
            }
            if let Some(draw_day) = date_of(self.planned_draw_at)
                && p.to < draw_day
            {
                return Err(ScheduleError::Draft {
                    field: "implementation_period",
                    reason: format!(
                        "ends on {} before the planned draw on {draw_day} (China time)",
                        p.to
                    ),
                });
            }
        }
        Ok(())
    }

    /// Checks that `planned_draw_at` lies between `now` + the minimum notice and `now` + the
    /// horizon: at creation, at every amendment and at commit.
    ///
    /// # Errors
    /// [`ScheduleError::NoticeTooShort`], [`ScheduleError::TooFarAhead`].
    pub fn check_schedule(
        &self,
        now: Timestamp,
        policy: &SchedulePolicy,
    ) -> Result<(), ScheduleError> {
        let planned = self.planned_draw_at;
        let earliest = Timestamp::from_unix(now.unix().saturating_add(policy.min_notice_secs));
        if planned < earliest {
            return Err(ScheduleError::NoticeTooShort {
                planned,
                now,
                earliest,
                notice_hours: policy.min_notice_secs / 3600,
            });
        }
        let latest = Timestamp::from_unix(now.unix().saturating_add(policy.max_ahead_secs));
        if planned > latest {
            return Err(ScheduleError::TooFarAhead { planned, latest });
        }
        Ok(())
    }

    /// Checks that the draw may run now: not before `planned_draw_at`.
    ///
    /// # Errors
    /// [`ScheduleError::DrawTooEarly`] naming the planned time.
    pub fn check_draw_time(&self, now: Timestamp) -> Result<(), ScheduleError> {
        if now < self.planned_draw_at {
            return Err(ScheduleError::DrawTooEarly {
                planned: self.planned_draw_at,
                now,
            });
        }
        Ok(())
    }
}

impl InspectionResult {
    /// Checks `completed_on`: not before the day of the draw, not after today (dates in China,
    /// UTC+8).
    ///
    /// # Errors
    /// [`ScheduleError::DateOutOfRange`].
    pub fn check_dates(&self, drawn_at: Timestamp, now: Timestamp) -> Result<(), ScheduleError> {
        let (Some(drawn), Some(today)) = (date_of(drawn_at), date_of(now)) else {
            return Err(ScheduleError::DateOutOfRange {
                field: "completed_on",
                date: self.completed_on,
                reason: "the clock is out of range".into(),
            });
        };
        if self.completed_on < drawn || self.completed_on > today {
            return Err(ScheduleError::DateOutOfRange {
                field: "completed_on",
                date: self.completed_on,
                reason: format!("must lie between the draw's date {drawn} and today {today}"),
            });
        }
        Ok(())
    }
}

impl PenaltyDecision {
    /// Checks `decided_on`: not in the future, and not before the case it decides (the check's
    /// completion, or else the draw, when the decision names them).
    ///
    /// # Errors
    /// [`ScheduleError::DateOutOfRange`].
    pub fn check_dates(
        &self,
        case_opened_on: Option<NaiveDate>,
        now: Timestamp,
    ) -> Result<(), ScheduleError> {
        let Some(today) = date_of(now) else {
            return Err(ScheduleError::DateOutOfRange {
                field: "decided_on",
                date: self.decided_on,
                reason: "the clock is out of range".into(),
            });
        };
        if self.decided_on > today {
            return Err(ScheduleError::DateOutOfRange {
                field: "decided_on",
                date: self.decided_on,
                reason: format!("a decision cannot be dated after today {today}"),
            });
        }
        if let Some(opened) = case_opened_on
            && self.decided_on < opened
        {
            return Err(ScheduleError::DateOutOfRange {
                field: "decided_on",
                date: self.decided_on,
                reason: format!("a decision cannot predate its case (opened {opened})"),
            });
        }
        Ok(())
    }
}

/// Checks what a change or withdrawal of a decision would publish, like the decision itself: the
/// reason as public text, a new result only with a change (and then required, as public text).
///
/// # Errors
/// [`LifecycleError::Invalid`] naming the field.
pub fn check_change_input(
    kind: PenaltyChangeKind,
    reason: &str,
    new_result: Option<&str>,
) -> Result<(), LifecycleError> {
    check_text("reason", reason, 2000, true)?;
    match (kind, new_result) {
        (PenaltyChangeKind::Changed, Some(text)) => check_text("new_result", text, 2000, true),
        (PenaltyChangeKind::Changed, None) => Err(LifecycleError::Invalid {
            field: "new_result",
            reason: "a change (变更) must state the new result".into(),
        }),
        (_, Some(_)) => Err(LifecycleError::Invalid {
            field: "new_result",
            reason: "only a change (变更) has a new result; a withdrawal has none".into(),
        }),
        (_, None) => Ok(()),
    }
}

/// Checks a date of a change or withdrawal: not in the future, not before the decision.
///
/// # Errors
/// [`ScheduleError::DateOutOfRange`].
pub fn check_change_date(
    effective_on: NaiveDate,
    decided_on: NaiveDate,
    now: Timestamp,
) -> Result<(), ScheduleError> {
    let today = date_of(now).unwrap_or(NaiveDate::MIN);
    if effective_on < decided_on || effective_on > today {
        return Err(ScheduleError::DateOutOfRange {
            field: "effective_on",
            date: effective_on,
            reason: format!("must lie between the decision's date {decided_on} and today {today}"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    type R = Result<(), Box<dyn std::error::Error>>;

    fn spec(planned: &str) -> Result<PlanSpec, Box<dyn std::error::Error>> {
        Ok(serde_json::from_value(serde_json::json!({
            "id": "PT-2026-001", "item": "PT-LY-001", "title": "t",
            "department": "莆田市文化和旅游局", "target_kind": "agency",
            "filter": {"mode": "untargeted"}, "stratum_scheme": "region_class",
            "parameters": {"default": {"count": 2}, "inspectors_per_target": 2},
            "entropy_source": {"witnesses": ["公证员 王某"]},
            "planned_draw_at": planned
        }))?)
    }

    fn t(s: &str) -> Result<Timestamp, Box<dyn std::error::Error>> {
        Ok(s.parse()?)
    }

    fn refused<T>(r: Result<T, ScheduleError>) -> Result<ScheduleError, &'static str> {
        r.err().ok_or("accepted, should be refused")
    }

    #[test]
    fn an_implementation_period_must_end_after_it_starts_and_not_before_the_draw() -> R {
        let mut s = spec("2026-12-02T02:00:00Z")?;
        let day = |d: &str| d.parse::<NaiveDate>();
        s.implementation_period = Some(super::super::ImplementationPeriod {
            from: day("2026-12-02")?,
            to: day("2026-12-31")?,
        });
        s.check_draft()?;
        s.implementation_period = Some(super::super::ImplementationPeriod {
            from: day("2026-12-10")?,
            to: day("2026-12-09")?,
        });
        let err = refused(s.check_draft())?;
        assert!(
            matches!(
                err,
                ScheduleError::Draft {
                    field: "implementation_period",
                    ..
                }
            ),
            "{err}"
        );
        // 2026-12-01T18:00Z is 12-02 in China: a period ending 12-01 ends before the draw.
        let mut s = spec("2026-12-01T18:00:00Z")?;
        s.implementation_period = Some(super::super::ImplementationPeriod {
            from: day("2026-11-20")?,
            to: day("2026-12-01")?,
        });
        let err = refused(s.check_draft())?;
        assert!(err.to_string().contains("2026-12-02"), "{err}");
        Ok(())
    }

    #[test]
    fn a_draw_planned_within_the_notice_is_refused_and_names_the_earliest_time() -> R {
        let s = spec("2026-12-02T02:00:00Z")?;
        let policy = SchedulePolicy::default();
        let err = refused(s.check_schedule(t("2026-12-01T12:00:00Z")?, &policy))?;
        assert_eq!(err.code(), "notice-too-short");
        assert!(err.to_string().contains("2026-12-02T12:00:00Z"), "{err}");
        assert!(
            s.check_schedule(t("2026-12-01T02:00:00Z")?, &policy)
                .is_ok()
        );
        Ok(())
    }

    #[test]
    fn a_draw_planned_more_than_a_year_ahead_is_refused() -> R {
        let s = spec("2028-01-01T00:00:00Z")?;
        let err =
            refused(s.check_schedule(t("2026-12-01T00:00:00Z")?, &SchedulePolicy::default()))?;
        assert_eq!(err.code(), "planned-too-far-ahead");
        Ok(())
    }

    #[test]
    fn no_draw_before_the_planned_time() -> R {
        let s = spec("2026-12-02T02:00:00Z")?;
        let err = refused(s.check_draw_time(t("2026-12-02T01:59:59Z")?))?;
        assert!(err.to_string().contains("2026-12-02T02:00:00Z"));
        assert!(s.check_draw_time(t("2026-12-02T02:00:00Z")?).is_ok());
        Ok(())
    }

    #[test]
    fn drafts_that_no_draw_could_keep_are_refused() -> R {
        let mut s = spec("2026-12-02T02:00:00Z")?;
        s.parameters.inspectors_per_target = 1;
        assert_eq!(refused(s.check_draft())?.code(), "invalid-draft");
        let mut s = spec("2026-12-02T02:00:00Z")?;
        s.parameters.default = Some(StratumRule::Count(0));
        assert!(s.check_draft().is_err());
        let mut s = spec("2026-12-02T02:00:00Z")?;
        s.entropy_source.witnesses.clear();
        assert!(s.check_draft().is_err());
        assert!(spec("2026-12-02T02:00:00Z")?.check_draft().is_ok());
        Ok(())
    }

    #[test]
    fn dates_are_days_of_the_china_calendar() -> R {
        // 2026-03-02T20:00Z is already 3 March in China.
        let d = NaiveDate::from_ymd_opt(2026, 3, 3).ok_or("date")?;
        assert_eq!(date_of(t("2026-03-02T20:00:00Z")?), Some(d));
        Ok(())
    }

    #[test]
    fn change_dates_lie_between_the_decision_and_today() -> R {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d");
        let now = t("2026-12-01T00:00:00Z")?;
        assert!(check_change_date(d("2026-11-01")?, d("2026-10-01")?, now).is_ok());
        assert!(check_change_date(d("2026-09-01")?, d("2026-10-01")?, now).is_err());
        assert!(check_change_date(d("9999-12-31")?, d("2026-10-01")?, now).is_err());
        Ok(())
    }
}
