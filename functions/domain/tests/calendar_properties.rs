//! Properties of working-day arithmetic over the whole covered range and beyond.

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use spotcheck_domain::calendar::{Calendar, MAX_WORKING_DAYS, WorkingDay};
use std::sync::OnceLock;

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| match Calendar::embedded() {
        Ok(c) => c,
        Err(e) => unreachable!("embedded calendar is invalid: {e}"),
    })
}

/// Days from 2017-12-31 to 2027-12-31: the covered years, their eve, and a year past the end.
fn any_start() -> impl Strategy<Value = NaiveDate> {
    (0u64..3653).prop_map(|d| {
        NaiveDate::from_ymd_opt(2017, 12, 31)
            .and_then(|s| s.checked_add_days(Days::new(d)))
            .unwrap_or(NaiveDate::MIN)
    })
}

fn working(date: NaiveDate) -> bool {
    calendar()
        .is_working_day(date)
        .unwrap_or(date.weekday().num_days_from_monday() < 5)
}

/// The definition, walked day by day: the reference the indexed version must equal.
fn walk(start: NaiveDate, n: u32) -> Option<NaiveDate> {
    let mut day = start;
    let mut left = n;
    while left > 0 {
        day = day.succ_opt()?;
        if working(day) {
            left -= 1;
        }
    }
    Some(day)
}

fn add(start: NaiveDate, n: u32) -> Result<WorkingDay, TestCaseError> {
    calendar()
        .add_working_days(start, n)
        .map_err(|e| TestCaseError::fail(e.to_string()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_deadline_is_a_working_day_strictly_after_the_start(start in any_start(), n in 1u32..=60) {
        let r = add(start, n)?;
        prop_assert!(r.date > start);
        prop_assert!(working(r.date), "{} is not a working day", r.date);
    }

    #[test]
    fn the_indexed_result_equals_walking_day_by_day(start in any_start(), n in 1u32..=MAX_WORKING_DAYS) {
        prop_assert_eq!(Some(add(start, n)?.date), walk(start, n));
    }

    #[test]
    fn deadlines_do_not_decrease_when_the_start_moves_later(start in any_start(), step in 0u64..40, n in 1u32..=30) {
        let later = start.checked_add_days(Days::new(step)).unwrap_or(start);
        prop_assert!(add(start, n)?.date <= add(later, n)?.date);
    }

    #[test]
    fn deadlines_increase_with_n(start in any_start(), n in 1u32..MAX_WORKING_DAYS) {
        prop_assert!(add(start, n)?.date < add(start, n + 1)?.date);
    }

    #[test]
    fn provisional_exactly_when_late_december_2026_or_later_is_counted(start in any_start(), n in 1u32..=60) {
        let r = add(start, n)?;
        let window = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap_or(NaiveDate::MAX);
        prop_assert_eq!(r.provisional, r.date >= window);
    }

    #[test]
    fn provisional_results_stay_provisional_as_n_grows(start in any_start(), n in 1u32..200) {
        if add(start, n)?.provisional {
            prop_assert!(add(start, n + 1)?.provisional);
        }
    }
}
