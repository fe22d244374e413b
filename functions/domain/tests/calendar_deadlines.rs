//! Working-day arithmetic, provisional flags, deadline rules and overrides, on known dates.

use chrono::NaiveDate;
use spotcheck_domain::calendar::{
    Calendar, CalendarError, DeadlineKind, MAX_WORKING_DAYS, Period, WorkingDay,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("bad date {y}-{m}-{d}"))
}

fn add(start: NaiveDate, n: u32) -> Result<WorkingDay, CalendarError> {
    Calendar::embedded()?.add_working_days(start, n)
}

#[test]
fn twenty_working_days_after_30_september_2026_is_3_november() -> TestResult {
    let r = add(date(2026, 9, 30)?, 20)?;
    assert_eq!(r.date, date(2026, 11, 3)?);
    assert!(!r.provisional);
    Ok(())
}

#[test]
fn the_start_day_never_counts_even_when_it_is_a_working_day() -> TestResult {
    // Monday 2026-03-02 + 1 = Tuesday.
    assert_eq!(add(date(2026, 3, 2)?, 1)?.date, date(2026, 3, 3)?);
    // Friday + 1 = Monday.
    assert_eq!(add(date(2026, 3, 6)?, 1)?.date, date(2026, 3, 9)?);
    Ok(())
}

#[test]
fn makeup_saturdays_count_and_weekday_holidays_do_not() -> TestResult {
    // 2026-02-13 (Fri) + 1 = makeup Saturday 14 February.
    assert_eq!(add(date(2026, 2, 13)?, 1)?.date, date(2026, 2, 14)?);
    // Then the Spring Festival break 15–23 February: + 2 = Tuesday 24 February.
    assert_eq!(add(date(2026, 2, 13)?, 2)?.date, date(2026, 2, 24)?);
    // 2025-09-30 + 1: 1–8 October off → Thursday 9 October.
    assert_eq!(add(date(2025, 9, 30)?, 1)?.date, date(2025, 10, 9)?);
    Ok(())
}

#[test]
fn a_start_on_a_holiday_counts_from_the_next_working_day() -> TestResult {
    assert_eq!(add(date(2026, 10, 3)?, 1)?.date, date(2026, 10, 8)?);
    Ok(())
}

#[test]
fn results_before_late_december_of_the_last_year_are_final() -> TestResult {
    // 2026-12-18 is a Friday, the last working day before the window.
    let r = add(date(2026, 12, 17)?, 1)?;
    assert_eq!((r.date, r.provisional), (date(2026, 12, 18)?, false));
    Ok(())
}

#[test]
fn results_depending_on_late_december_of_the_last_year_are_provisional() -> TestResult {
    // Friday 18 December + 1 skips the weekend of 19–20 December (20th is in the window).
    let r = add(date(2026, 12, 18)?, 1)?;
    assert_eq!((r.date, r.provisional), (date(2026, 12, 21)?, true));
    let r = add(date(2026, 12, 28)?, 2)?;
    assert_eq!((r.date, r.provisional), (date(2026, 12, 30)?, true));
    // But late December of an earlier year, already settled, is not.
    let r = add(date(2025, 12, 18)?, 5)?;
    assert_eq!((r.date, r.provisional), (date(2025, 12, 25)?, false));
    Ok(())
}

#[test]
fn results_past_the_last_covered_year_are_provisional_weekday_counts() -> TestResult {
    // 2026-12-31 is a Thursday: 1 → Friday 1 January 2027 (no notice yet: provisional).
    let r = add(date(2026, 12, 31)?, 1)?;
    assert_eq!((r.date, r.provisional), (date(2027, 1, 1)?, true));
    // Crossing the boundary: Wed 30 Dec 2026 + 3 = 31 Dec, 1 Jan, 4 Jan 2027.
    let r = add(date(2026, 12, 30)?, 3)?;
    assert_eq!((r.date, r.provisional), (date(2027, 1, 4)?, true));
    // Starting well after coverage.
    let r = add(date(2030, 6, 14)?, 1)?;
    assert_eq!((r.date, r.provisional), (date(2030, 6, 17)?, true));
    Ok(())
}

#[test]
fn counts_of_zero_or_above_a_thousand_are_rejected() -> TestResult {
    let start = date(2026, 1, 5)?;
    assert!(matches!(
        add(start, 0),
        Err(CalendarError::InvalidCount { n: 0, .. })
    ));
    assert!(matches!(
        add(start, MAX_WORKING_DAYS + 1),
        Err(CalendarError::InvalidCount { n: 1001, .. })
    ));
    assert!(add(start, MAX_WORKING_DAYS)?.provisional);
    Ok(())
}

#[test]
fn starts_before_the_first_covered_year_are_rejected_not_guessed() -> TestResult {
    assert!(matches!(
        add(date(2017, 12, 30)?, 1),
        Err(CalendarError::BeforeCoverage {
            first_year: 2018,
            ..
        })
    ));
    // 31 December 2017 is fine: every counted day is covered.
    assert_eq!(add(date(2017, 12, 31)?, 1)?.date, date(2018, 1, 2)?);
    Ok(())
}

#[test]
fn the_extremes_of_the_date_range_are_errors_not_panics() -> TestResult {
    assert!(matches!(
        add(NaiveDate::MAX, 1),
        Err(CalendarError::OutOfRange { .. })
    ));
    assert!(matches!(
        add(NaiveDate::MIN, 1),
        Err(CalendarError::BeforeCoverage { .. })
    ));
    let calendar = Calendar::embedded()?;
    assert!(
        calendar
            .deadline(DeadlineKind::PenaltyRemoval, NaiveDate::MAX)
            .is_err()
    );
    Ok(())
}

#[test]
fn each_working_day_kind_uses_its_count() -> TestResult {
    let calendar = Calendar::embedded()?;
    let start = date(2026, 9, 30)?;
    let cases = [
        (DeadlineKind::ItemList, date(2026, 11, 3)?),
        (DeadlineKind::CheckResult, date(2026, 11, 3)?),
        (DeadlineKind::PenaltyOther, date(2026, 11, 3)?),
        (DeadlineKind::PenaltyDecision, date(2026, 10, 15)?),
        (DeadlineKind::Withdrawal, date(2026, 10, 10)?),
    ];
    for (kind, expected) in cases {
        let d = calendar.deadline(kind, start)?;
        assert_eq!(d.date, expected, "{kind}");
        assert!(!d.provisional);
        assert_eq!(d.rule.name, kind.as_str());
    }
    Ok(())
}

#[test]
fn removal_kinds_use_calendar_months_with_month_end_clamping() -> TestResult {
    let calendar = Calendar::embedded()?;
    let minor = calendar.deadline(DeadlineKind::PenaltyRemovalMinor, date(2025, 11, 30)?)?;
    assert_eq!((minor.date, minor.provisional), (date(2026, 2, 28)?, false));
    assert_eq!(minor.rule.period, Period::CalendarMonths(3));
    let full = calendar.deadline(DeadlineKind::PenaltyRemoval, date(2024, 2, 29)?)?;
    assert_eq!(full.date, date(2027, 2, 28)?);
    // Calendar time does not depend on notices, even far in the future.
    let far = calendar.deadline(DeadlineKind::PenaltyRemoval, date(2026, 12, 25)?)?;
    assert_eq!((far.date, far.provisional), (date(2029, 12, 25)?, false));
    Ok(())
}

#[test]
fn legal_bases_cite_the_sources() {
    let basis = |k: DeadlineKind| k.rule().legal_basis;
    assert!(basis(DeadlineKind::PenaltyDecision).contains("国办发〔2018〕118号"));
    assert!(basis(DeadlineKind::PenaltyDecision).contains("行政处罚法》第四十八条"));
    assert!(basis(DeadlineKind::Withdrawal).contains("第八十五条"));
    assert!(basis(DeadlineKind::ItemList).contains("政府信息公开条例》第二十六条"));
    assert!(basis(DeadlineKind::PenaltyRemovalMinor).contains("民法典》第二百零一条"));
}

const YEAR_2027: &str = r#"{
  "format": "spotcheck-calendar/1",
  "years": [
    {
      "year": 2027,
      "notices": [{"title": "测试用2027年通知", "document_number": null, "issued": "2026-11-05"}],
      "periods": [
        {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
        {"name": "春节", "from": "2027-02-05", "to": "2027-02-12", "makeup": ["2027-02-14"]}
      ]
    }
  ]
}"#;

#[test]
fn a_next_year_file_extends_coverage_and_settles_the_old_late_december() -> TestResult {
    let calendar = Calendar::embedded_with_overrides(YEAR_2027)?;
    assert_eq!(calendar.last_year(), 2027);
    let r = calendar.add_working_days(date(2026, 12, 31)?, 1)?;
    assert_eq!((r.date, r.provisional), (date(2027, 1, 4)?, false));
    let r = calendar.add_working_days(date(2027, 2, 4)?, 1)?;
    assert_eq!((r.date, r.provisional), (date(2027, 2, 14)?, false));
    Ok(())
}

#[test]
fn a_year_in_the_file_replaces_the_embedded_year() -> TestResult {
    let corrected = r#"{"format": "spotcheck-calendar/1", "years": [{
        "year": 2026,
        "notices": [{"title": "更正通知", "issued": "2026-03-01"}],
        "periods": [{"name": "测试", "from": "2026-03-03", "to": "2026-03-03"}]}]}"#;
    let calendar = Calendar::embedded_with_overrides(corrected)?;
    // The embedded 2026 National Day break is gone; the new day off is in.
    assert_eq!(calendar.is_working_day(date(2026, 10, 1)?), Some(true));
    assert_eq!(calendar.is_working_day(date(2026, 3, 3)?), Some(false));
    // Other years untouched.
    assert_eq!(calendar.is_working_day(date(2025, 10, 1)?), Some(false));
    Ok(())
}

#[test]
fn a_file_that_skips_a_year_is_rejected() {
    let text = YEAR_2027
        .replace(r#", "makeup": ["2027-02-14"]"#, "")
        .replace("2027", "2028")
        .replace("2026-11-05", "2027-11-05");
    let result = Calendar::embedded_with_overrides(&text);
    assert!(
        matches!(
            result,
            Err(CalendarError::Gap {
                missing: 2027,
                first: 2018,
                last: 2028
            })
        ),
        "{result:?}"
    );
}
