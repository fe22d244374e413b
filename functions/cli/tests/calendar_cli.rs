//! `spotcheck deadline` and `spotcheck calendar`, run as the built binary.

use std::process::{Command, Output};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn spotcheck(args: &[&str]) -> Result<Output, std::io::Error> {
    Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .args(args)
        .env_remove("SPOTCHECK_CALENDAR_FILE")
        .output()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn first_token(out: &Output) -> String {
    stdout(out)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

const YEAR_2027: &str = r#"{
  "format": "spotcheck-calendar/1",
  "years": [{
    "year": 2027,
    "notices": [{"title": "国务院办公厅关于2027年部分节假日安排的通知（测试）", "document_number": null, "issued": "2026-11-05"}],
    "periods": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}]
  }]
}"#;

#[test]
fn twenty_working_days_after_30_september_2026_prints_3_november_first() -> TestResult {
    let out = spotcheck(&["deadline", "2026-09-30", "--working-days", "20"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(first_token(&out), "2026-11-03");
    let line = stdout(&out);
    assert!(
        line.lines().next().is_some_and(|l| l.contains("final")),
        "{line}"
    );
    Ok(())
}

#[test]
fn a_kind_prints_the_date_the_status_and_the_rule_with_its_basis() -> TestResult {
    let out = spotcheck(&["deadline", "2026-09-30", "--kind", "penalty-decision"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(first_token(&out), "2026-10-15");
    let text = stdout(&out);
    assert!(
        text.contains("rule: penalty-decision: 7 working days"),
        "{text}"
    );
    assert!(text.contains("国办发〔2018〕118号"), "{text}");
    Ok(())
}

#[test]
fn every_kind_is_accepted() -> TestResult {
    for kind in [
        "item-list",
        "check-result",
        "penalty-decision",
        "penalty-other",
        "withdrawal",
        "penalty-removal-minor",
        "penalty-removal",
    ] {
        let out = spotcheck(&["deadline", "2025-11-30", "--kind", kind])?;
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
    }
    let out = spotcheck(&["deadline", "2025-11-30", "--kind", "penalty-removal-minor"])?;
    assert_eq!(first_token(&out), "2026-02-28");
    Ok(())
}

#[test]
fn a_deadline_past_the_last_notice_says_provisional() -> TestResult {
    let out = spotcheck(&["deadline", "2026-12-30", "--working-days", "3"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(first_token(&out), "2027-01-04");
    assert!(
        stdout(&out)
            .lines()
            .next()
            .is_some_and(|l| l.contains("PROVISIONAL"))
    );
    Ok(())
}

#[test]
fn json_output_carries_date_flag_and_rule() -> TestResult {
    let out = spotcheck(&["deadline", "2026-12-30", "--kind", "withdrawal", "--json"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(v["date"], "2027-01-04");
    assert_eq!(v["provisional"], true);
    assert_eq!(v["kind"], "withdrawal");
    assert!(
        v["rule"]["legal_basis"]
            .as_str()
            .is_some_and(|b| b.contains("第八十五条"))
    );
    Ok(())
}

#[test]
fn bad_input_exits_2_with_a_clear_message() -> TestResult {
    let cases: [(&[&str], &str); 6] = [
        (
            &["deadline", "2026-02-30", "--working-days", "3"],
            "invalid date",
        ),
        (
            &["deadline", "yesterday", "--working-days", "3"],
            "invalid date",
        ),
        (
            &["deadline", "2026-01-05", "--working-days", "0"],
            "between 1 and 1000",
        ),
        (
            &["deadline", "2026-01-05", "--working-days", "1001"],
            "between 1 and 1000",
        ),
        (
            &["deadline", "2026-01-05", "--kind", "penalty"],
            "unknown deadline kind",
        ),
        (
            &["deadline", "2016-01-05", "--working-days", "3"],
            "before 2018-01-01",
        ),
    ];
    for (args, expected) in cases {
        let out = spotcheck(args)?;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
    Ok(())
}

#[test]
fn calendar_2026_lists_days_off_makeup_days_and_the_notice() -> TestResult {
    let out = spotcheck(&["calendar", "2026"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "国务院办公厅关于2026年部分节假日安排的通知",
        "国办发明电〔2025〕7号",
        "2025-11-04",
        "2026-02-15 – 2026-02-23  春节",
        "2026-10-10 Sat",
        "2026-01-04 Sun",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    Ok(())
}

#[test]
fn an_uncovered_year_is_bad_input() -> TestResult {
    let out = spotcheck(&["calendar", "2027"])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("2027 is not covered"));
    Ok(())
}

#[test]
fn a_calendar_file_adds_the_next_year_for_both_commands() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("calendar.json");
    std::fs::write(&path, YEAR_2027)?;
    let file = path.to_str().ok_or("path")?;
    let out = spotcheck(&["calendar", "2027", "--calendar", file])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("2027-01-01 – 2027-01-03  元旦"));
    let out = spotcheck(&[
        "deadline",
        "2026-12-31",
        "--working-days",
        "1",
        "--calendar",
        file,
    ])?;
    assert_eq!(first_token(&out), "2027-01-04");
    assert!(stdout(&out).contains("final"));
    Ok(())
}

#[test]
fn the_environment_variable_names_the_calendar_file_when_no_flag_is_given() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("calendar.json");
    std::fs::write(&path, YEAR_2027)?;
    let out = Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .args(["deadline", "2026-12-31", "--working-days", "1"])
        .env("SPOTCHECK_CALENDAR_FILE", &path)
        .output()?;
    assert_eq!(first_token(&out), "2027-01-04");
    Ok(())
}

#[test]
fn a_malformed_or_missing_calendar_file_is_bad_input_naming_the_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("broken.json");
    std::fs::write(&path, YEAR_2027.replace("2027-01-03", "2027-01-32"))?;
    let file = path.to_str().ok_or("path")?;
    let out = spotcheck(&[
        "deadline",
        "2026-01-05",
        "--working-days",
        "1",
        "--calendar",
        file,
    ])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("broken.json"), "{}", stderr(&out));
    assert!(stderr(&out).contains("line 6, column"), "{}", stderr(&out));

    std::fs::write(
        &path,
        YEAR_2027.replace(
            r#""to": "2027-01-03"}"#,
            r#""to": "2027-01-03", "makeup": ["2027-01-04"]}"#,
        ),
    )?;
    let out = spotcheck(&["calendar", "--calendar", file])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("makeup working day 2027-01-04 is a Mon"),
        "{}",
        stderr(&out)
    );

    let missing = dir.path().join("absent.json");
    let out = spotcheck(&["calendar", "--calendar", missing.to_str().ok_or("path")?])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read calendar file"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

#[test]
fn dump_days_lists_every_day_with_its_status() -> TestResult {
    let out = spotcheck(&["calendar", "--dump-days", "2025..2026"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 365 * 2);
    assert!(text.contains("2026-02-14 makeup\n"));
    assert!(text.contains("2025-05-02 holiday\n"));
    let out = spotcheck(&["calendar", "--dump-days", "2018..2030"])?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}
