//! The merged calendar with its precomputed per-day indexes.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use super::error::CalendarError;
use super::file::{embedded_years, parse_calendar_file};
use super::merge::merge_years;
use super::model::YearCalendar;
use super::provisional::LATE_DECEMBER_FROM_DAY;

/// What kind of day a covered date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayKind {
    /// Monday–Friday, not a holiday: a working day.
    Workday,
    /// Saturday or Sunday, not a makeup day: not a working day.
    Weekend,
    /// A day off announced by a notice (whatever its weekday): not a working day.
    Holiday,
    /// A Saturday or Sunday announced as a makeup working day (调休上班): a working day.
    Makeup,
}

impl DayKind {
    /// Whether the day is an official working day.
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Workday | DayKind::Makeup)
    }

    /// Stable lowercase name (`workday`, `weekend`, `holiday`, `makeup`).
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Workday => "workday",
            DayKind::Weekend => "weekend",
            DayKind::Holiday => "holiday",
            DayKind::Makeup => "makeup",
        }
    }
}

/// The official working-day calendar: contiguous validated years plus indexes that answer
/// "Nth working day after" with two array look-ups.
///
/// Days are numbered by their offset from 1 January of the first covered year. `cumulative[i]` is
/// the number of working days among offsets `0..i`, and `working[k]` is the offset of the
/// `k`-th working day (0-based), so the Nth working day after offset `s` is
/// `working[cumulative[s + 1] + n - 1]` — no walking day by day.
#[derive(Debug, Clone)]
pub struct Calendar {
    years: BTreeMap<i32, YearCalendar>,
    first_year: i32,
    last_year: i32,
    /// `num_days_from_ce` of 1 January of `first_year`.
    base: i32,
    kinds: Vec<DayKind>,
    cumulative: Vec<u32>,
    working: Vec<u32>,
    /// `num_days_from_ce` of the first day of the late-December window of `last_year`.
    uncertain_from: i32,
    /// `num_days_from_ce` of 31 December of `last_year`.
    last_day: i32,
}

impl Calendar {
    /// The calendar embedded in the binary (2018–2026).
    ///
    /// # Errors
    /// Only if the embedded data were invalid, which the crate's tests rule out.
    pub fn embedded() -> Result<Self, CalendarError> {
        Self::from_years(embedded_years()?)
    }

    /// The embedded calendar with the years of an operator's calendar file (its text) merged
    /// over it: a year in the file replaces the embedded year.
    ///
    /// # Errors
    /// Any error of [`parse_calendar_file`] or [`Calendar::from_years`] (e.g. a [`CalendarError::Gap`]
    /// when the file adds 2028 but not 2027).
    pub fn embedded_with_overrides(file_text: &str) -> Result<Self, CalendarError> {
        let overrides = parse_calendar_file(file_text)?;
        Self::from_years(merge_years(embedded_years()?, overrides))
    }

    /// Build a calendar from validated years and precompute its indexes.
    ///
    /// # Errors
    /// [`CalendarError::NoYears`] for an empty list, [`CalendarError::DuplicateYear`], and
    /// [`CalendarError::Gap`] when the years are not contiguous.
    pub fn from_years(years: Vec<YearCalendar>) -> Result<Self, CalendarError> {
        let mut by_year = BTreeMap::new();
        for year in years {
            let y = year.year();
            if by_year.insert(y, year).is_some() {
                return Err(CalendarError::DuplicateYear { year: y });
            }
        }
        let (first_year, last_year) = match (by_year.keys().next(), by_year.keys().next_back()) {
            (Some(&f), Some(&l)) => (f, l),
            _ => return Err(CalendarError::NoYears),
        };
        if let Some(missing) = (first_year..=last_year).find(|y| !by_year.contains_key(y)) {
            return Err(CalendarError::Gap {
                missing,
                first: first_year,
                last: last_year,
            });
        }
        // Years are validated to lie in MIN_YEAR..=MAX_YEAR, so these dates exist.
        let start = ymd(first_year, 1, 1)?;
        let end = ymd(last_year, 12, 31)?;
        let late = ymd(last_year, 12, LATE_DECEMBER_FROM_DAY)?;

        let mut kinds = Vec::new();
        for day in start.iter_days().take_while(|d| *d <= end) {
            kinds.push(classify(&by_year, day));
        }
        let mut cumulative = Vec::with_capacity(kinds.len() + 1);
        let mut working = Vec::new();
        let mut count = 0u32;
        cumulative.push(0);
        for (offset, kind) in (0u32..).zip(&kinds) {
            if kind.is_working() {
                working.push(offset);
                count += 1;
            }
            cumulative.push(count);
        }
        Ok(Self {
            years: by_year,
            first_year,
            last_year,
            base: start.num_days_from_ce(),
            kinds,
            cumulative,
            working,
            uncertain_from: late.num_days_from_ce(),
            last_day: end.num_days_from_ce(),
        })
    }

    /// First covered year.
    pub fn first_year(&self) -> i32 {
        self.first_year
    }

    /// Last covered year: the year of the latest notice loaded.
    pub fn last_year(&self) -> i32 {
        self.last_year
    }

    /// One covered year's data (notices, periods), or `None` outside the covered years.
    pub fn year(&self, year: i32) -> Option<&YearCalendar> {
        self.years.get(&year)
    }

    /// All covered years in order.
    pub fn years(&self) -> impl Iterator<Item = &YearCalendar> {
        self.years.values()
    }

    /// The kind of a covered day, or `None` when `date` is outside the covered years (its status
    /// is not announced yet, and this library does not guess).
    pub fn day_kind(&self, date: NaiveDate) -> Option<DayKind> {
        let offset = usize::try_from(date.num_days_from_ce() - self.base).ok()?;
        self.kinds.get(offset).copied()
    }

    /// Whether a covered day is an official working day (`None` outside the covered years).
    pub fn is_working_day(&self, date: NaiveDate) -> Option<bool> {
        self.day_kind(date).map(DayKind::is_working)
    }

    pub(crate) fn base(&self) -> i32 {
        self.base
    }
    pub(crate) fn cumulative(&self) -> &[u32] {
        &self.cumulative
    }
    pub(crate) fn working(&self) -> &[u32] {
        &self.working
    }
    pub(crate) fn uncertain_from(&self) -> i32 {
        self.uncertain_from
    }
    pub(crate) fn last_day(&self) -> i32 {
        self.last_day
    }
}

fn classify(years: &BTreeMap<i32, YearCalendar>, day: NaiveDate) -> DayKind {
    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    match years.get(&day.year()) {
        Some(y) if y.is_holiday(day) => DayKind::Holiday,
        Some(y) if y.is_makeup(day) => DayKind::Makeup,
        _ if weekend => DayKind::Weekend,
        _ => DayKind::Workday,
    }
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, CalendarError> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or(CalendarError::YearOutOfRange {
        year,
        min: super::model::MIN_YEAR,
        max: super::model::MAX_YEAR,
    })
}
