//! Periods in calendar months and years (民法典 §201–§202), for the removal rules.

use chrono::{Months, NaiveDate};

/// The last day of a period of `months` calendar months that starts the day after `start`.
///
/// 民法典 §201 leaves the start day out and §202 ends a month- or year-based period on the
/// corresponding day of the final month, or on that month's last day when it has no
/// corresponding day. So 15 March + 3 months = 15 June; **30 November + 3 months = 28 February
/// (29 February in a leap year)**; 31 January + 1 month = 28/29 February; and 29 February 2024
/// + 3 years = 28 February 2027. Years are counted as 12 months.
///
/// Returns `None` only beyond the representable date range.
pub fn add_calendar_months(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(months))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, String> {
        NaiveDate::from_ymd_opt(y, m, day).ok_or(format!("bad date {y}-{m}-{day}"))
    }

    #[test]
    fn month_ends_clamp_to_the_last_day_of_the_target_month() -> Result<(), String> {
        assert_eq!(
            add_calendar_months(d(2026, 3, 15)?, 3),
            Some(d(2026, 6, 15)?)
        );
        assert_eq!(
            add_calendar_months(d(2025, 11, 30)?, 3),
            Some(d(2026, 2, 28)?)
        );
        assert_eq!(
            add_calendar_months(d(2023, 11, 30)?, 3),
            Some(d(2024, 2, 29)?)
        );
        assert_eq!(
            add_calendar_months(d(2026, 1, 31)?, 1),
            Some(d(2026, 2, 28)?)
        );
        assert_eq!(
            add_calendar_months(d(2024, 2, 29)?, 36),
            Some(d(2027, 2, 28)?)
        );
        assert_eq!(
            add_calendar_months(d(2026, 8, 31)?, 3),
            Some(d(2026, 11, 30)?)
        );
        Ok(())
    }

    #[test]
    fn the_end_of_the_date_range_is_none_not_a_panic() {
        assert_eq!(add_calendar_months(NaiveDate::MAX, 1), None);
    }
}
