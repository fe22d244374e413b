//! `spotcheck calendar`: list a year's days off and makeup working days with the notices cited,
//! or dump every day's status (for the cross-check against `chinese-calendar`).
//!
//! Also home of the one place that loads the calendar for every command: the embedded years with
//! the file given by `--calendar FILE` merged over them, or, without the flag, the file named by
//! the `SPOTCHECK_CALENDAR_FILE` environment variable (the Lambda functions use the same variable
//! and the same helper; the domain crate itself never reads files or the environment).

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use spotcheck_domain::calendar::{Calendar, DayKind, YearCalendar};

use crate::exit::Failure;

/// Environment variable naming an operator's calendar file, read when `--calendar` is absent.
pub const CALENDAR_FILE_ENV: &str = "SPOTCHECK_CALENDAR_FILE";

/// Arguments of `spotcheck calendar`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Year to list; without it, list the covered years and their notices.
    #[arg(conflicts_with = "dump_days")]
    pub year: Option<i32>,
    /// Print the status of every day of a range of covered years, e.g. `2018..2026` or `2026`.
    #[arg(long, value_name = "FROM..TO")]
    pub dump_days: Option<String>,
    /// Calendar file merged over the embedded years (default: $SPOTCHECK_CALENDAR_FILE).
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The calendar file named by `SPOTCHECK_CALENDAR_FILE`, if set and not empty.
pub fn calendar_file_from_env() -> Option<PathBuf> {
    std::env::var_os(CALENDAR_FILE_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The embedded calendar with `file` (or else `$SPOTCHECK_CALENDAR_FILE`) merged over it.
///
/// # Errors
/// Bad input naming the file when it cannot be read or fails validation.
pub fn load(file: Option<&Path>) -> Result<Calendar, Failure> {
    let from_env = calendar_file_from_env();
    match file.or(from_env.as_deref()) {
        None => {
            Calendar::embedded().map_err(|e| Failure::bad_input(format!("embedded calendar: {e}")))
        }
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::bad_input(format!("cannot read calendar file {}: {e}", path.display()))
            })?;
            Calendar::embedded_with_overrides(&text)
                .map_err(|e| Failure::bad_input(format!("{}: {e}", path.display())))
        }
    }
}

/// List a year, the covered years, or every day of a range.
pub fn run(args: Args) -> Result<(), Failure> {
    let calendar = load(args.calendar.as_deref())?;
    if let Some(range) = &args.dump_days {
        let (from, to) = parse_year_range(range, &calendar)?;
        return dump_days(&calendar, from, to, args.json);
    }
    match args.year {
        Some(year) => {
            let data = calendar
                .year(year)
                .ok_or_else(|| not_covered(year, &calendar))?;
            if args.json {
                print_json(&YearJson::new(data))
            } else {
                write_out(&year_text(data))
            }
        }
        None => {
            if args.json {
                let years: Vec<_> = calendar.years().map(YearJson::new).collect();
                print_json(&years)
            } else {
                let mut out = format!(
                    "Calendar covers {}–{}; results depending on 20 December {} or later are provisional.\n",
                    calendar.first_year(),
                    calendar.last_year(),
                    calendar.last_year()
                );
                for year in calendar.years() {
                    out.push_str(&format!("{}  {}\n", year.year(), cite_all(year)));
                }
                write_out(&out)
            }
        }
    }
}

fn not_covered(year: i32, calendar: &Calendar) -> Failure {
    Failure::bad_input(format!(
        "{year} is not covered (the calendar covers {}–{}); add its notice with --calendar FILE",
        calendar.first_year(),
        calendar.last_year()
    ))
}

fn parse_year_range(text: &str, calendar: &Calendar) -> Result<(i32, i32), Failure> {
    let parse = |s: &str| {
        s.trim().parse::<i32>().map_err(|_| {
            Failure::bad_input(format!(
                "--dump-days {text:?}: expected YEAR or FROM..TO, e.g. 2018..2026"
            ))
        })
    };
    let (from, to) = match text.split_once("..") {
        Some((a, b)) => (parse(a)?, parse(b)?),
        None => {
            let y = parse(text)?;
            (y, y)
        }
    };
    if from > to {
        return Err(Failure::bad_input(format!(
            "--dump-days {text:?}: {from} is after {to}"
        )));
    }
    for year in [from, to] {
        if calendar.year(year).is_none() {
            return Err(not_covered(year, calendar));
        }
    }
    Ok((from, to))
}

#[derive(Serialize)]
struct DayJson {
    date: NaiveDate,
    kind: DayKind,
    working: bool,
}

fn dump_days(calendar: &Calendar, from: i32, to: i32, json: bool) -> Result<(), Failure> {
    let start = NaiveDate::from_ymd_opt(from, 1, 1).ok_or_else(|| not_covered(from, calendar))?;
    let mut days = Vec::new();
    for date in start.iter_days().take_while(|d| d.year() <= to) {
        let kind = calendar
            .day_kind(date)
            .ok_or_else(|| not_covered(date.year(), calendar))?;
        days.push(DayJson {
            date,
            kind,
            working: kind.is_working(),
        });
    }
    if json {
        return print_json(&days);
    }
    let mut out = String::with_capacity(days.len() * 20);
    for day in &days {
        out.push_str(&format!("{} {}\n", day.date, day.kind.as_str()));
    }
    write_out(&out)
}

#[derive(Serialize)]
struct YearJson<'a> {
    #[serde(flatten)]
    year: &'a YearCalendar,
    holidays: Vec<NaiveDate>,
    makeup_days: Vec<NaiveDate>,
}

impl<'a> YearJson<'a> {
    fn new(year: &'a YearCalendar) -> Self {
        Self {
            year,
            holidays: year.holidays().collect(),
            makeup_days: year.makeup_days().collect(),
        }
    }
}

fn cite(notice: &spotcheck_domain::calendar::Notice) -> String {
    match &notice.document_number {
        Some(number) => format!("{} ({number}, issued {})", notice.title, notice.issued),
        None => format!("{} (issued {})", notice.title, notice.issued),
    }
}

fn cite_all(year: &YearCalendar) -> String {
    year.notices()
        .iter()
        .map(cite)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The text listing of one year.
fn year_text(year: &YearCalendar) -> String {
    let mut out = format!("{} official calendar\n", year.year());
    out.push_str("Notices:\n");
    for notice in year.notices() {
        out.push_str(&format!("  {}\n", cite(notice)));
    }
    out.push_str("Days off:\n");
    for p in year.periods() {
        let days = (p.to - p.from).num_days() + 1;
        let range = if p.from == p.to {
            p.from.to_string()
        } else {
            format!("{} – {}", p.from, p.to)
        };
        let source = p
            .notice
            .as_deref()
            .map(|n| format!("  [{n}]"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {range}  {}  ({days} day{}){source}\n",
            p.name,
            if days == 1 { "" } else { "s" }
        ));
    }
    out.push_str("Makeup working days:\n");
    let mut any = false;
    for p in year.periods() {
        for day in &p.makeup {
            any = true;
            out.push_str(&format!("  {day} {}  ({})\n", day.weekday(), p.name));
        }
    }
    if !any {
        out.push_str("  none\n");
    }
    out
}

pub(crate) fn print_json(value: &impl Serialize) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Failure::Other(e.into()))?;
    text.push('\n');
    write_out(&text)
}

/// Write to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
pub(crate) fn write_out(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Other(e.into())),
        _ => Ok(()),
    }
}
