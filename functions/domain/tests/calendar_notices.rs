//! The 2025 and 2026 arrangements, day by day, against the notices as listed in
//! `shared/design/domain.md` ("Working days"), and the citations of every shipped year.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use spotcheck_domain::calendar::{Calendar, DayKind};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("bad date {y}-{m}-{d}"))
}

/// Expand `(month, first day, last day)` ranges of one year.
fn days(year: i32, ranges: &[(u32, u32, u32)]) -> Result<BTreeSet<NaiveDate>, String> {
    let mut out = BTreeSet::new();
    for &(m, from, to) in ranges {
        for d in from..=to {
            out.insert(date(year, m, d)?);
        }
    }
    Ok(out)
}

fn check_year(
    year: i32,
    off: &[(u32, u32, u32)],
    makeup: &[(u32, u32)],
    document_number: &str,
) -> TestResult {
    let calendar = Calendar::embedded()?;
    let data = calendar.year(year).ok_or("year not covered")?;
    let expected_off = days(year, off)?;
    let expected_makeup: BTreeSet<NaiveDate> = makeup
        .iter()
        .map(|&(m, d)| date(year, m, d))
        .collect::<Result<_, _>>()?;
    assert_eq!(data.holidays().collect::<BTreeSet<_>>(), expected_off);
    assert_eq!(data.makeup_days().collect::<BTreeSet<_>>(), expected_makeup);
    // Every day of the year is classified consistently with the notice.
    for day in date(year, 1, 1)?
        .iter_days()
        .take_while(|d| d.year() == year)
    {
        let kind = calendar.day_kind(day).ok_or("covered day without a kind")?;
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let expected = if expected_off.contains(&day) {
            DayKind::Holiday
        } else if expected_makeup.contains(&day) {
            DayKind::Makeup
        } else if weekend {
            DayKind::Weekend
        } else {
            DayKind::Workday
        };
        assert_eq!(kind, expected, "{day}");
    }
    let notice = data.notices().first().ok_or("no notice")?;
    assert_eq!(notice.document_number.as_deref(), Some(document_number));
    assert_eq!(
        notice.title,
        format!("国务院办公厅关于{year}年部分节假日安排的通知")
    );
    Ok(())
}

#[test]
fn every_day_of_2025_matches_the_2025_notice() -> TestResult {
    check_year(
        2025,
        &[
            (1, 1, 1),
            (1, 28, 31),
            (2, 1, 4),
            (4, 4, 6),
            (5, 1, 5),
            (5, 31, 31),
            (6, 1, 2),
            (10, 1, 8),
        ],
        &[(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)],
        "国办发明电〔2024〕12号",
    )
}

#[test]
fn every_day_of_2026_matches_the_2026_notice() -> TestResult {
    check_year(
        2026,
        &[
            (1, 1, 3),
            (2, 15, 23),
            (4, 4, 6),
            (5, 1, 5),
            (6, 19, 21),
            (9, 25, 27),
            (10, 1, 7),
        ],
        &[(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)],
        "国办发明电〔2025〕7号",
    )
}

#[test]
fn from_2025_new_years_eve_and_the_second_of_may_are_days_off() -> TestResult {
    let calendar = Calendar::embedded()?;
    // 除夕 2025 = 28 January, 2026 = 16 February; 2 May both years.
    for day in [
        date(2025, 1, 28)?,
        date(2026, 2, 16)?,
        date(2025, 5, 2)?,
        date(2026, 5, 2)?,
    ] {
        assert_eq!(calendar.day_kind(day), Some(DayKind::Holiday), "{day}");
    }
    Ok(())
}

#[test]
fn every_shipped_year_2018_to_2026_cites_its_notice() -> TestResult {
    let calendar = Calendar::embedded()?;
    assert_eq!((calendar.first_year(), calendar.last_year()), (2018, 2026));
    for year in 2018..=2026 {
        let data = calendar.year(year).ok_or("missing year")?;
        let notice = data.notices().first().ok_or("no notice")?;
        assert_eq!(
            notice.title,
            format!("国务院办公厅关于{year}年部分节假日安排的通知")
        );
        let number = notice
            .document_number
            .as_deref()
            .ok_or("no document number")?;
        assert!(
            number.starts_with(&format!("国办发明电〔{}〕", year - 1)) && number.ends_with('号'),
            "{year}: {number}"
        );
        assert!(notice.issued.year() == year - 1, "{year}");
        assert!(!data.periods().is_empty());
    }
    Ok(())
}

#[test]
fn the_2019_new_year_break_from_the_2019_notice_is_in_2018() -> TestResult {
    let calendar = Calendar::embedded()?;
    assert_eq!(
        calendar.day_kind(date(2018, 12, 29)?),
        Some(DayKind::Makeup)
    );
    assert_eq!(
        calendar.day_kind(date(2018, 12, 31)?),
        Some(DayKind::Holiday)
    );
    // The 2020 Spring Festival extension (国办发明电〔2020〕1号).
    assert_eq!(
        calendar.day_kind(date(2020, 1, 31)?),
        Some(DayKind::Holiday)
    );
    assert_eq!(calendar.day_kind(date(2020, 2, 3)?), Some(DayKind::Workday));
    Ok(())
}
