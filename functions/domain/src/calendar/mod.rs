//! The official working-day calendar of the People's Republic of China and the publication
//! deadlines counted with it.
//!
//! Official working days are Monday–Friday except the days off announced each year by the State
//! Council General Office (国务院办公厅关于XXXX年部分节假日安排的通知), plus the weekend days it
//! announces as makeup working days (调休上班). The years 2018–2026 are embedded from
//! `data/calendar.json`, each citing its notice; operators add or correct years with a calendar
//! file in the same format, merged over the embedded data (see `docs/calendar.md`).
//!
//! "N working days from day X" is the Nth working day *after* X (民法典 §201: the start day is
//! not counted). A result that depends on a day no notice settles yet is
//! [provisional](provisional) — it is flagged, never silently guessed.
//!
//! ```
//! use chrono::NaiveDate;
//! use spotcheck_domain::calendar::{Calendar, DeadlineKind};
//!
//! let calendar = Calendar::embedded()?;
//! let start = NaiveDate::from_ymd_opt(2026, 9, 30).ok_or("date")?;
//! // The National Day break (1–7 October) and the makeup Saturday 10 October are taken into account.
//! let due = calendar.add_working_days(start, 20)?;
//! assert_eq!(due.date, NaiveDate::from_ymd_opt(2026, 11, 3).ok_or("date")?);
//! assert!(!due.provisional);
//!
//! let decision = calendar.deadline(DeadlineKind::PenaltyDecision, start)?;
//! // 8, 9, 10 (makeup Saturday), 12, 13, 14, 15 October.
//! assert_eq!(decision.date, NaiveDate::from_ymd_opt(2026, 10, 15).ok_or("date")?);
//! assert!(decision.rule.legal_basis.contains("国办发〔2018〕118号"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The module never reads files or the environment: callers pass the text of a calendar file to
//! [`Calendar::embedded_with_overrides`].

mod calendar_time;
mod error;
mod file;
mod index;
mod merge;
mod model;
pub mod provisional;
mod rules;
mod working_days;

pub use calendar_time::add_calendar_months;
pub use error::{CalendarError, YearProblem};
pub use file::{EMBEDDED_CALENDAR_JSON, FORMAT, embedded_years, parse_calendar_file};
pub use index::{Calendar, DayKind};
pub use merge::merge_years;
pub use model::{HolidayPeriod, MAX_PERIOD_DAYS, MAX_YEAR, MIN_YEAR, Notice, YearCalendar};
pub use rules::{Deadline, DeadlineKind, Period, RULES, Rule, UnknownDeadlineKind};
pub use working_days::{MAX_WORKING_DAYS, WorkingDay};
