//! Merging an operator's years over the embedded ones.

use std::collections::BTreeMap;

use super::model::YearCalendar;

/// Merge `overrides` over `base`: a year present in `overrides` replaces that whole year of
/// `base` (it is never combined day by day, so a corrected notice fully supersedes the old one);
/// other years are kept. The result is in ascending year order.
pub fn merge_years(base: Vec<YearCalendar>, overrides: Vec<YearCalendar>) -> Vec<YearCalendar> {
    let mut by_year: BTreeMap<i32, YearCalendar> =
        base.into_iter().map(|y| (y.year(), y)).collect();
    for year in overrides {
        by_year.insert(year.year(), year);
    }
    by_year.into_values().collect()
}
