//! What can go wrong when loading a calendar or computing a deadline.

use chrono::{NaiveDate, Weekday};

/// Why a calendar could not be loaded, or a working-day computation could not be answered.
///
/// Loading errors (`Syntax` … `Gap`) name the year and the offending date so an operator can fix the
/// file; computation errors (`BeforeCoverage`, `InvalidCount`, `OutOfRange`) say what to change in
/// the request. No variant is ever produced by a panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The calendar file is not well-formed JSON of the expected shape (unknown field, bad date…).
    #[error("calendar file: line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The `format` field is not the one this version understands.
    #[error("calendar file: unsupported format {found:?}, expected {expected:?}")]
    UnsupportedFormat {
        /// The value found in the file.
        found: String,
        /// The value this version reads.
        expected: &'static str,
    },
    /// The file (or the merged calendar) contains no year at all.
    #[error("calendar file: no years listed")]
    NoYears,
    /// The same year appears twice in one file.
    #[error("calendar file: year {year} is listed more than once")]
    DuplicateYear {
        /// The repeated year.
        year: i32,
    },
    /// A year outside the range this tool accepts (a typo such as 20226).
    #[error("calendar file: year {year} is outside the supported range {min}..={max}")]
    YearOutOfRange {
        /// The year found.
        year: i32,
        /// Smallest accepted year.
        min: i32,
        /// Largest accepted year.
        max: i32,
    },
    /// One year's entry breaks a rule; `problem` says which.
    #[error("calendar year {year}: {problem}")]
    InvalidYear {
        /// The year whose entry is wrong.
        year: i32,
        /// What is wrong with it.
        problem: YearProblem,
    },
    /// The covered years are not contiguous, so the days of a missing year would be unknown.
    #[error("calendar years must be contiguous: {missing} is missing between {first} and {last}")]
    Gap {
        /// First missing year.
        missing: i32,
        /// First covered year.
        first: i32,
        /// Last covered year.
        last: i32,
    },
    /// The start date is before the first covered year: there is no official data to count with.
    #[error(
        "{date} is before {first_year}-01-01, the first day the calendar covers; add the notices of earlier years with a calendar file"
    )]
    BeforeCoverage {
        /// The requested start date.
        date: NaiveDate,
        /// First covered year.
        first_year: i32,
    },
    /// The number of working days is 0 or larger than [`MAX_WORKING_DAYS`](super::MAX_WORKING_DAYS).
    #[error("working-day count {n} is out of range: it must be between 1 and {max}")]
    InvalidCount {
        /// The requested count.
        n: u32,
        /// The largest accepted count.
        max: u32,
    },
    /// The result would fall outside the dates this library can represent.
    #[error("a deadline counted from {start} falls outside the representable date range")]
    OutOfRange {
        /// The requested start date.
        start: NaiveDate,
    },
}

/// The rule a year's entry breaks (inside [`CalendarError::InvalidYear`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum YearProblem {
    /// No notice is cited: every year must name the State Council notice it comes from.
    #[error("no notice cited; add the State Council notice (title, document number, date issued)")]
    NoNotice,
    /// A notice has an empty title.
    #[error("a notice has an empty title")]
    EmptyNoticeTitle,
    /// A notice has a document number that is present but blank (use null when unknown).
    #[error("notice {title:?} has a blank document number; use null when it is unknown")]
    BlankDocumentNumber {
        /// Title of the notice.
        title: String,
    },
    /// A notice is dated outside the year before or the year itself.
    #[error("notice {title:?} is dated {issued}, which is not in this year or the year before")]
    NoticeIssuedOutOfRange {
        /// Title of the notice.
        title: String,
        /// Its date.
        issued: NaiveDate,
    },
    /// A period has an empty name.
    #[error("a holiday period has an empty name")]
    EmptyPeriodName,
    /// A period cites a notice that is not listed for the year.
    #[error("period {period:?} cites notice {notice:?}, which is not among this year's notices")]
    UnknownNotice {
        /// Name of the period.
        period: String,
        /// The reference that did not match a title or document number.
        notice: String,
    },
    /// A date lies outside the year it is listed under.
    #[error("{date} is not in this year (period {period:?})")]
    DateOutsideYear {
        /// The date.
        date: NaiveDate,
        /// The period that lists it.
        period: String,
    },
    /// A period ends before it starts.
    #[error("period {period:?} ends ({to}) before it starts ({from})")]
    ReversedPeriod {
        /// Name of the period.
        period: String,
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// A period is implausibly long (more than [`MAX_PERIOD_DAYS`](super::MAX_PERIOD_DAYS) days).
    #[error("period {period:?} is {days} days long; no notice has a period over {max} days")]
    PeriodTooLong {
        /// Name of the period.
        period: String,
        /// Its length.
        days: i64,
        /// The largest accepted length.
        max: i64,
    },
    /// A day is a holiday in two periods.
    #[error("{date} is listed as a holiday twice")]
    DuplicateHoliday {
        /// The day.
        date: NaiveDate,
    },
    /// A makeup working day is listed twice.
    #[error("{date} is listed as a makeup working day twice")]
    DuplicateMakeup {
        /// The day.
        date: NaiveDate,
    },
    /// A day is both a holiday and a makeup working day.
    #[error("{date} is listed both as a holiday and as a makeup working day")]
    HolidayAndMakeup {
        /// The day.
        date: NaiveDate,
    },
    /// A makeup working day is not a Saturday or a Sunday (weekdays are working days anyway).
    #[error("makeup working day {date} is a {weekday}, not a Saturday or Sunday")]
    MakeupNotWeekend {
        /// The day.
        date: NaiveDate,
        /// Its weekday.
        weekday: Weekday,
    },
}
