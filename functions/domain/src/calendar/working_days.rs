//! "The Nth official working day after day X" (民法典 §201: the start day is not counted).

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::error::CalendarError;
use super::index::Calendar;

/// The largest working-day count accepted (no publication duty comes near it; larger values are
/// almost certainly a typo).
pub const MAX_WORKING_DAYS: u32 = 1000;

/// A date computed from the calendar, with whether the announced notices settle it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WorkingDay {
    /// The computed day.
    pub date: NaiveDate,
    /// `true` when the result depends on a day the notices do not settle yet (see
    /// [`provisional`](super::provisional)); show it wherever the date is shown.
    pub provisional: bool,
}

impl Calendar {
    /// The `n`th official working day after `start` (`start` itself never counts).
    ///
    /// Within the covered years this is two array look-ups. Counting past 31 December of the last
    /// covered year continues Monday–Friday and marks the result provisional; so does any result
    /// that depends on late December of the last covered year.
    ///
    /// # Errors
    /// [`CalendarError::InvalidCount`] when `n` is 0 or above [`MAX_WORKING_DAYS`];
    /// [`CalendarError::BeforeCoverage`] when `start` is before 31 December of the year preceding
    /// the first covered year; [`CalendarError::OutOfRange`] at the far end of the date range.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<WorkingDay, CalendarError> {
        if n == 0 || n > MAX_WORKING_DAYS {
            return Err(CalendarError::InvalidCount {
                n,
                max: MAX_WORKING_DAYS,
            });
        }
        let start_num = start.num_days_from_ce();
        let offset = i64::from(start_num) - i64::from(self.base());
        if offset < -1 {
            return Err(CalendarError::BeforeCoverage {
                date: start,
                first_year: self.first_year(),
            });
        }
        let working = self.working();
        // Working days up to and including `start` (offset + 1 is in 0..=len when covered).
        let before = usize::try_from(offset + 1)
            .ok()
            .and_then(|i| self.cumulative().get(i).copied());
        let Some(before) = before else {
            // `start` is after the last covered day: nothing announced, count Monday–Friday.
            let date = add_weekdays(start, n).ok_or(CalendarError::OutOfRange { start })?;
            return Ok(WorkingDay {
                date,
                provisional: true,
            });
        };
        let target = before as usize + n as usize - 1;
        if let Some(&off) = working.get(target) {
            let num = self.base() + off as i32;
            let date = NaiveDate::from_num_days_from_ce_opt(num)
                .ok_or(CalendarError::OutOfRange { start })?;
            return Ok(WorkingDay {
                date,
                provisional: num >= self.uncertain_from(),
            });
        }
        // Runs past the last covered day: count the remainder Monday–Friday from there.
        let remaining = u32::try_from(target + 1 - working.len())
            .map_err(|_| CalendarError::OutOfRange { start })?;
        let date = NaiveDate::from_num_days_from_ce_opt(self.last_day())
            .and_then(|last| add_weekdays(last, remaining))
            .ok_or(CalendarError::OutOfRange { start })?;
        Ok(WorkingDay {
            date,
            provisional: true,
        })
    }
}

/// The `n`th Monday–Friday day after `from` (`from` excluded), in constant time. Used only for
/// days no notice covers, and every such result is provisional.
pub(crate) fn add_weekdays(from: NaiveDate, n: u32) -> Option<NaiveDate> {
    if n == 0 {
        return Some(from);
    }
    // Counting from a weekend gives the same answer as counting from the Friday before it.
    let weekday = from.weekday().num_days_from_monday(); // Mon = 0 … Sun = 6
    let back = weekday.saturating_sub(4);
    let friday_or_weekday = from.checked_sub_days(Days::new(u64::from(back)))?;
    let w = weekday - back; // 0..=4
    let weeks = (n - 1) / 5;
    let rest = (n - 1) % 5 + 1; // 1..=5
    let mut days = u64::from(weeks) * 7 + u64::from(rest);
    if w + rest > 4 {
        days += 2;
    }
    friday_or_weekday.checked_add_days(Days::new(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_add_weekdays(from: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt()?;
            if d.weekday().num_days_from_monday() < 5 {
                left -= 1;
            }
        }
        Some(d)
    }

    #[test]
    fn constant_time_weekday_counting_matches_walking() -> Result<(), &'static str> {
        let start = NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("fixed date")?;
        for from in start.iter_days().take(14) {
            for n in 0..40 {
                assert_eq!(
                    add_weekdays(from, n),
                    naive_add_weekdays(from, n),
                    "{from} + {n}"
                );
            }
        }
        Ok(())
    }

    #[test]
    fn counting_at_the_end_of_the_date_range_is_an_error_not_a_panic() {
        assert_eq!(add_weekdays(NaiveDate::MAX, 1), None);
    }
}
