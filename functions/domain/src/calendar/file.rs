//! Reading calendar files: the embedded 2018–2026 data and operators' override files share one
//! format, `spotcheck-calendar/1` (see `docs/calendar.md`).

use std::collections::BTreeSet;

use serde::Deserialize;

use super::error::CalendarError;
use super::model::{RawYear, YearCalendar};

/// The value of the `format` field this version reads.
pub const FORMAT: &str = "spotcheck-calendar/1";

/// The calendar shipped in the binary: every year from 2018 to 2026, each citing its notices.
pub const EMBEDDED_CALENDAR_JSON: &str = include_str!("../../data/calendar.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: String,
    years: Vec<RawYear>,
}

/// Parse and validate the text of a calendar file.
///
/// Years come back in ascending order. The file does not need to be contiguous on its own; it is
/// merged over the embedded data with [`merge_years`](super::merge_years) and the result is
/// checked by [`Calendar::from_years`](super::Calendar::from_years).
///
/// # Errors
/// [`CalendarError::Syntax`] (with line and column) for malformed JSON, unknown fields or invalid
/// dates; [`CalendarError::UnsupportedFormat`]; [`CalendarError::NoYears`];
/// [`CalendarError::DuplicateYear`]; and any error of [`YearCalendar::new`].
pub fn parse_calendar_file(text: &str) -> Result<Vec<YearCalendar>, CalendarError> {
    let raw: RawFile = serde_json::from_str(text).map_err(|e| CalendarError::Syntax {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    if raw.format != FORMAT {
        return Err(CalendarError::UnsupportedFormat {
            found: raw.format,
            expected: FORMAT,
        });
    }
    if raw.years.is_empty() {
        return Err(CalendarError::NoYears);
    }
    let mut seen = BTreeSet::new();
    let mut years = Vec::with_capacity(raw.years.len());
    for raw_year in raw.years {
        if !seen.insert(raw_year.year) {
            return Err(CalendarError::DuplicateYear {
                year: raw_year.year,
            });
        }
        years.push(YearCalendar::from_raw(raw_year)?);
    }
    years.sort_by_key(YearCalendar::year);
    Ok(years)
}

/// The embedded years, validated.
///
/// # Errors
/// Never in a released binary (a unit test parses the embedded file), but the data is still
/// validated rather than trusted.
pub fn embedded_years() -> Result<Vec<YearCalendar>, CalendarError> {
    parse_calendar_file(EMBEDDED_CALENDAR_JSON)
}

/// serde_json appends " at line L column C"; the position is reported separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
