//! Dates as the bureau counts them: China Standard Time (UTC+8, no daylight saving).

use chrono::{NaiveDate, NaiveTime};
use spotcheck_domain::time::Timestamp;

const CST_OFFSET_SECS: i64 = 8 * 3600;

/// The calendar date in China of an instant.
pub fn china_date(t: Timestamp) -> NaiveDate {
    t.china_date().unwrap_or(NaiveDate::MIN)
}

/// 09:00 China time on `date`, the instant `--now YYYY-MM-DD` stands for.
pub fn morning_of(date: NaiveDate) -> Timestamp {
    let t = date.and_time(NaiveTime::MIN).and_utc().timestamp();
    Timestamp::from_unix(t + 9 * 3600 - CST_OFFSET_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_utc_is_the_next_day_in_china() -> Result<(), Box<dyn std::error::Error>> {
        let t: Timestamp = "2026-11-30T17:00:00Z".parse()?;
        assert_eq!(
            china_date(t),
            NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("date")?
        );
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("date")?;
        assert_eq!(morning_of(d).to_string(), "2026-12-01T01:00:00Z");
        assert_eq!(china_date(morning_of(d)), d);
        Ok(())
    }
}
