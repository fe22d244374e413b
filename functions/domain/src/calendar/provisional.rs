//! When a result is provisional.
//!
//! A working-day result is **provisional** when it depends on a day that the announced notices do
//! not settle:
//!
//! 1. any day after 31 December of the last covered year (no notice yet; such days are counted
//!    Monday–Friday, and the result says so by being provisional), or
//! 2. any day of **late December** of the last covered year, defined as **20–31 December
//!    inclusive, weekend days and weekdays alike**.
//!
//! Why late December: the next year's notice routinely rearranges the New Year break across the
//! year end. The 2019 notice (国办发明电〔2018〕15号, issued 6 December 2018) made Saturday
//! 29 December 2018 a makeup working day *and* Monday 31 December 2018 a day off, and the 2023
//! notice added Saturday 31 December 2022 to the break. Weekends can become working days and
//! weekdays can become days off, so the window covers both rather than weekends only; starting on
//! the 20th leaves more than a week of margin before the earliest change seen so far (the 29th).
//!
//! "Depends on" means: the day lies in `(start, result]`, i.e. it was counted or skipped while
//! counting. Days after the result never make it provisional.

/// First day (of December) of the late-December window of the last covered year.
pub const LATE_DECEMBER_FROM_DAY: u32 = 20;
