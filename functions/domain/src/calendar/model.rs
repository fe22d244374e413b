//! The calendar's data model: a year's notices and holiday periods, validated on construction.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::error::{CalendarError, YearProblem};

/// Smallest year a calendar file may list.
pub const MIN_YEAR: i32 = 1990;
/// Largest year a calendar file may list.
pub const MAX_YEAR: i32 = 2199;
/// The longest holiday period accepted (the 2020 Spring Festival with its extension was 10 days).
pub const MAX_PERIOD_DAYS: i64 = 31;

/// A State Council General Office notice that a year's arrangement comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// Full title, e.g. `国务院办公厅关于2026年部分节假日安排的通知`.
    pub title: String,
    /// Document number, e.g. `国办发明电〔2025〕7号`; `None` where it is not known.
    #[serde(default)]
    pub document_number: Option<String>,
    /// The date the notice was issued (the date printed on it).
    pub issued: NaiveDate,
}

impl Notice {
    /// How the notice is cited: document number when known, else the title.
    pub fn citation(&self) -> &str {
        self.document_number.as_deref().unwrap_or(&self.title)
    }
}

/// One line of a notice: days off (`from..=to`) and the weekend days worked to make up for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayPeriod {
    /// Festival name as in the notice (`春节`, `国庆节、中秋节` …).
    pub name: String,
    /// First day off.
    pub from: NaiveDate,
    /// Last day off (inclusive).
    pub to: NaiveDate,
    /// Makeup working days (调休上班) for this period; each must be a Saturday or Sunday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub makeup: Vec<NaiveDate>,
    /// The notice this period comes from (its document number or title) when it is not the first
    /// notice of the year, e.g. a New Year break announced in the next year's notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

impl HolidayPeriod {
    /// Every day off in the period, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.from.iter_days().take_while(move |d| *d <= self.to)
    }
}

/// One validated year: its notices, its holiday periods, and the derived sets of days off and
/// makeup working days. Only [`YearCalendar::new`] builds one, so every value obeys the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearCalendar {
    year: i32,
    notices: Vec<Notice>,
    periods: Vec<HolidayPeriod>,
    #[serde(skip)]
    holidays: BTreeSet<NaiveDate>,
    #[serde(skip)]
    makeup: BTreeSet<NaiveDate>,
}

/// The shape of a year in a calendar file, before validation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawYear {
    pub(crate) year: i32,
    pub(crate) notices: Vec<Notice>,
    pub(crate) periods: Vec<HolidayPeriod>,
}

impl YearCalendar {
    /// Validate one year's entry.
    ///
    /// # Errors
    /// [`CalendarError::YearOutOfRange`] for a year outside [`MIN_YEAR`]..=[`MAX_YEAR`];
    /// [`CalendarError::InvalidYear`] naming the broken rule: a notice must be cited, every date
    /// must lie inside `year`, no day may be a holiday twice or both a holiday and a makeup day,
    /// and makeup days must be Saturdays or Sundays. Holidays may fall on any weekday.
    pub fn new(
        year: i32,
        notices: Vec<Notice>,
        periods: Vec<HolidayPeriod>,
    ) -> Result<Self, CalendarError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(CalendarError::YearOutOfRange {
                year,
                min: MIN_YEAR,
                max: MAX_YEAR,
            });
        }
        let invalid = |problem| CalendarError::InvalidYear { year, problem };
        check_notices(year, &notices).map_err(invalid)?;
        let mut holidays = BTreeSet::new();
        let mut makeup = BTreeSet::new();
        for period in &periods {
            check_period(year, period, &notices).map_err(invalid)?;
            for day in period.days() {
                if !holidays.insert(day) {
                    return Err(invalid(YearProblem::DuplicateHoliday { date: day }));
                }
            }
            for &day in &period.makeup {
                if !makeup.insert(day) {
                    return Err(invalid(YearProblem::DuplicateMakeup { date: day }));
                }
            }
        }
        if let Some(&date) = holidays.intersection(&makeup).next() {
            return Err(invalid(YearProblem::HolidayAndMakeup { date }));
        }
        Ok(Self {
            year,
            notices,
            periods,
            holidays,
            makeup,
        })
    }

    pub(crate) fn from_raw(raw: RawYear) -> Result<Self, CalendarError> {
        Self::new(raw.year, raw.notices, raw.periods)
    }

    /// The calendar year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The notices this year's data comes from; the first is the year's own notice.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// The holiday periods, as listed.
    pub fn periods(&self) -> &[HolidayPeriod] {
        &self.periods
    }

    /// Every day off of the year (weekdays and weekend days alike), in order.
    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// Every makeup working day of the year, in order.
    pub fn makeup_days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.makeup.iter().copied()
    }

    /// Whether `date` is listed as a day off.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date)
    }

    /// Whether `date` is listed as a makeup working day.
    pub fn is_makeup(&self, date: NaiveDate) -> bool {
        self.makeup.contains(&date)
    }
}

fn check_notices(year: i32, notices: &[Notice]) -> Result<(), YearProblem> {
    if notices.is_empty() {
        return Err(YearProblem::NoNotice);
    }
    for notice in notices {
        if notice.title.trim().is_empty() {
            return Err(YearProblem::EmptyNoticeTitle);
        }
        if notice
            .document_number
            .as_deref()
            .is_some_and(|n| n.trim().is_empty())
        {
            return Err(YearProblem::BlankDocumentNumber {
                title: notice.title.clone(),
            });
        }
        let issued_year = notice.issued.year();
        if issued_year != year && issued_year != year - 1 {
            return Err(YearProblem::NoticeIssuedOutOfRange {
                title: notice.title.clone(),
                issued: notice.issued,
            });
        }
    }
    Ok(())
}

fn check_period(year: i32, period: &HolidayPeriod, notices: &[Notice]) -> Result<(), YearProblem> {
    let name = || period.name.clone();
    if period.name.trim().is_empty() {
        return Err(YearProblem::EmptyPeriodName);
    }
    if let Some(reference) = &period.notice {
        let known = notices.iter().any(|n| {
            n.title == *reference || n.document_number.as_deref() == Some(reference.as_str())
        });
        if !known {
            return Err(YearProblem::UnknownNotice {
                period: name(),
                notice: reference.clone(),
            });
        }
    }
    for date in [period.from, period.to]
        .into_iter()
        .chain(period.makeup.iter().copied())
    {
        if date.year() != year {
            return Err(YearProblem::DateOutsideYear {
                date,
                period: name(),
            });
        }
    }
    if period.to < period.from {
        return Err(YearProblem::ReversedPeriod {
            period: name(),
            from: period.from,
            to: period.to,
        });
    }
    let days = (period.to - period.from).num_days() + 1;
    if days > MAX_PERIOD_DAYS {
        return Err(YearProblem::PeriodTooLong {
            period: name(),
            days,
            max: MAX_PERIOD_DAYS,
        });
    }
    for &date in &period.makeup {
        let weekday = date.weekday();
        if !matches!(weekday, Weekday::Sat | Weekday::Sun) {
            return Err(YearProblem::MakeupNotWeekend { date, weekday });
        }
    }
    Ok(())
}
