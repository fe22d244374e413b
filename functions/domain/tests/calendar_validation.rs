//! Calendar files are validated strictly, with errors an operator can act on.

use chrono::{NaiveDate, Weekday};
use spotcheck_domain::calendar::{
    Calendar, CalendarError, EMBEDDED_CALENDAR_JSON, YearProblem, embedded_years,
    parse_calendar_file,
};

fn file(year: i32, notices: &str, periods: &str) -> String {
    format!(
        r#"{{"format": "spotcheck-calendar/1", "years": [{{"year": {year}, "notices": {notices}, "periods": {periods}}}]}}"#
    )
}

const NOTICE: &str = r#"[{"title": "国务院办公厅关于2027年部分节假日安排的通知", "document_number": "国办发明电〔2026〕1号", "issued": "2026-11-05"}]"#;

fn year_problem(periods: &str) -> Option<YearProblem> {
    match parse_calendar_file(&file(2027, NOTICE, periods)) {
        Err(CalendarError::InvalidYear {
            year: 2027,
            problem,
        }) => Some(problem),
        _ => None,
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

#[test]
fn the_embedded_data_is_valid_and_contiguous() {
    let years = embedded_years().map(|y| y.len());
    assert_eq!(years, Ok(9));
    assert!(Calendar::embedded().is_ok());
    assert!(EMBEDDED_CALENDAR_JSON.contains("国办发明电〔2025〕7号"));
}

#[test]
fn a_valid_next_year_file_parses() {
    let text = file(
        2027,
        NOTICE,
        r#"[{"name": "春节", "from": "2027-02-05", "to": "2027-02-12", "makeup": ["2027-02-14", "2027-02-20"]},
            {"name": "周末放假也可以", "from": "2027-05-01", "to": "2027-05-02"}]"#,
    );
    let years = parse_calendar_file(&text);
    assert!(years.is_ok(), "{years:?}");
}

#[test]
fn dates_must_lie_inside_their_year() {
    assert_eq!(
        year_problem(r#"[{"name": "元旦", "from": "2026-12-31", "to": "2027-01-01"}]"#),
        Some(YearProblem::DateOutsideYear {
            date: d(2026, 12, 31),
            period: "元旦".into()
        })
    );
    assert!(matches!(
        year_problem(
            r#"[{"name": "x", "from": "2027-01-01", "to": "2027-01-01", "makeup": ["2028-01-01"]}]"#
        ),
        Some(YearProblem::DateOutsideYear { .. })
    ));
}

#[test]
fn a_day_cannot_be_both_a_holiday_and_a_makeup_day() {
    assert_eq!(
        year_problem(
            r#"[{"name": "a", "from": "2027-02-05", "to": "2027-02-13"},
                {"name": "b", "from": "2027-03-01", "to": "2027-03-01", "makeup": ["2027-02-13"]}]"#
        ),
        Some(YearProblem::HolidayAndMakeup {
            date: d(2027, 2, 13)
        })
    );
}

#[test]
fn makeup_days_must_be_weekend_days() {
    assert_eq!(
        year_problem(
            r#"[{"name": "a", "from": "2027-02-05", "to": "2027-02-12", "makeup": ["2027-02-15"]}]"#
        ),
        Some(YearProblem::MakeupNotWeekend {
            date: d(2027, 2, 15),
            weekday: Weekday::Mon
        })
    );
}

#[test]
fn holidays_and_makeup_days_may_not_be_duplicated() {
    assert_eq!(
        year_problem(
            r#"[{"name": "a", "from": "2027-10-01", "to": "2027-10-07"},
                {"name": "b", "from": "2027-10-07", "to": "2027-10-08"}]"#
        ),
        Some(YearProblem::DuplicateHoliday {
            date: d(2027, 10, 7)
        })
    );
    assert_eq!(
        year_problem(
            r#"[{"name": "a", "from": "2027-10-01", "to": "2027-10-07", "makeup": ["2027-10-09"]},
                {"name": "b", "from": "2027-10-11", "to": "2027-10-11", "makeup": ["2027-10-09"]}]"#
        ),
        Some(YearProblem::DuplicateMakeup {
            date: d(2027, 10, 9)
        })
    );
}

#[test]
fn periods_must_run_forwards_and_be_plausibly_short() {
    assert!(matches!(
        year_problem(r#"[{"name": "a", "from": "2027-10-07", "to": "2027-10-01"}]"#),
        Some(YearProblem::ReversedPeriod { .. })
    ));
    assert!(matches!(
        year_problem(r#"[{"name": "a", "from": "2027-01-01", "to": "2027-03-01"}]"#),
        Some(YearProblem::PeriodTooLong { days: 60, .. })
    ));
    assert_eq!(
        year_problem(r#"[{"name": " ", "from": "2027-10-01", "to": "2027-10-01"}]"#),
        Some(YearProblem::EmptyPeriodName)
    );
}

#[test]
fn every_year_cites_a_notice_it_can_resolve() {
    assert_eq!(
        parse_calendar_file(&file(2027, "[]", "[]")),
        Err(CalendarError::InvalidYear {
            year: 2027,
            problem: YearProblem::NoNotice
        })
    );
    assert!(matches!(
        year_problem(
            r#"[{"name": "a", "from": "2027-10-01", "to": "2027-10-01", "notice": "国办发明电〔2099〕1号"}]"#
        ),
        Some(YearProblem::UnknownNotice { .. })
    ));
    let stale = r#"[{"title": "t", "issued": "2020-01-01"}]"#;
    assert!(matches!(
        parse_calendar_file(&file(2027, stale, "[]")),
        Err(CalendarError::InvalidYear {
            problem: YearProblem::NoticeIssuedOutOfRange { .. },
            ..
        })
    ));
    let blank = r#"[{"title": "t", "document_number": "", "issued": "2027-01-01"}]"#;
    assert!(matches!(
        parse_calendar_file(&file(2027, blank, "[]")),
        Err(CalendarError::InvalidYear {
            problem: YearProblem::BlankDocumentNumber { .. },
            ..
        })
    ));
}

#[test]
fn malformed_json_reports_line_and_column() {
    let err = parse_calendar_file("{\n  \"format\": \"spotcheck-calendar/1\",\n  \"years\": [\n}");
    assert!(
        matches!(err, Err(CalendarError::Syntax { line: 4, .. })),
        "{err:?}"
    );
}

#[test]
fn invalid_dates_and_unknown_fields_are_syntax_errors() {
    let bad_date =
        year_problem_text(r#"[{"name": "a", "from": "2027-02-30", "to": "2027-03-01"}]"#);
    assert!(
        matches!(bad_date, Err(CalendarError::Syntax { .. })),
        "{bad_date:?}"
    );
    let typo = year_problem_text(
        r#"[{"name": "a", "from": "2027-02-01", "to": "2027-02-01", "makup": []}]"#,
    );
    let message = typo
        .as_ref()
        .err()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(message.contains("makup"), "{message}");
}

fn year_problem_text(periods: &str) -> Result<(), CalendarError> {
    parse_calendar_file(&file(2027, NOTICE, periods)).map(|_| ())
}

#[test]
fn wrong_format_no_years_duplicates_and_absurd_years_are_rejected() {
    assert!(matches!(
        parse_calendar_file(r#"{"format": "v2", "years": []}"#),
        Err(CalendarError::UnsupportedFormat { .. })
    ));
    assert_eq!(
        parse_calendar_file(r#"{"format": "spotcheck-calendar/1", "years": []}"#),
        Err(CalendarError::NoYears)
    );
    let year = format!(r#"{{"year": 2027, "notices": {NOTICE}, "periods": []}}"#);
    let twice = format!(r#"{{"format": "spotcheck-calendar/1", "years": [{year}, {year}]}}"#);
    assert_eq!(
        parse_calendar_file(&twice),
        Err(CalendarError::DuplicateYear { year: 2027 })
    );
    assert!(matches!(
        parse_calendar_file(&file(20227, NOTICE, "[]")),
        Err(CalendarError::YearOutOfRange { year: 20227, .. })
    ));
}

#[test]
fn error_messages_name_the_year_and_the_date() {
    let err = parse_calendar_file(&file(
        2027,
        NOTICE,
        r#"[{"name": "a", "from": "2027-02-05", "to": "2027-02-12", "makeup": ["2027-02-15"]}]"#,
    ));
    let message = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(
        message,
        "calendar year 2027: makeup working day 2027-02-15 is a Mon, not a Saturday or Sunday"
    );
}
