//! `spotcheck deadline`: the last day of a publication duty, counted in official working days
//! (or calendar months for removals), with whether it is provisional.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;
use spotcheck_domain::calendar::{DeadlineKind, Rule};

use super::calendar::{load, print_json, write_out};
use crate::exit::Failure;

/// Arguments of `spotcheck deadline`: the date, and either a count of working days or a kind.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("count").required(true).args(["working_days", "kind"])))]
pub struct Args {
    /// The event date (YYYY-MM-DD); it is never counted itself.
    pub date: String,
    /// Count this many official working days (1–1000).
    #[arg(long, value_name = "N")]
    pub working_days: Option<u32>,
    /// The publication kind: item-list, check-result, penalty-decision, penalty-other,
    /// withdrawal, penalty-removal-minor or penalty-removal.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Calendar file merged over the embedded years (default: $SPOTCHECK_CALENDAR_FILE).
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Output<'a> {
    date: NaiveDate,
    provisional: bool,
    start: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    working_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<DeadlineKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a Rule>,
    calendar_first_year: i32,
    calendar_last_year: i32,
}

/// Compute and print the deadline.
pub fn run(args: Args) -> Result<(), Failure> {
    let start = NaiveDate::parse_from_str(&args.date, "%Y-%m-%d").map_err(|e| {
        Failure::bad_input(format!(
            "invalid date {:?} ({e}); expected YYYY-MM-DD",
            args.date
        ))
    })?;
    let kind = args
        .kind
        .as_deref()
        .map(str::parse::<DeadlineKind>)
        .transpose()
        .map_err(Failure::bad_input)?;
    let calendar = load(args.calendar.as_deref())?;
    let (date, provisional, rule) = match (kind, args.working_days) {
        (Some(kind), _) => {
            let d = calendar.deadline(kind, start).map_err(Failure::bad_input)?;
            (d.date, d.provisional, Some(d.rule))
        }
        (None, Some(n)) => {
            let r = calendar
                .add_working_days(start, n)
                .map_err(Failure::bad_input)?;
            (r.date, r.provisional, None)
        }
        (None, None) => return Err(Failure::bad_input("give --working-days N or --kind KIND")),
    };
    let out = Output {
        date,
        provisional,
        start,
        working_days: if kind.is_some() {
            None
        } else {
            args.working_days
        },
        kind,
        rule,
        calendar_first_year: calendar.first_year(),
        calendar_last_year: calendar.last_year(),
    };
    if args.json {
        return print_json(&out);
    }
    write_out(&text(&out))
}

fn text(out: &Output<'_>) -> String {
    let status = if out.provisional {
        format!(
            "PROVISIONAL (depends on days no notice settles yet: from 20 December {} on; recompute when the next notice is loaded)",
            out.calendar_last_year
        )
    } else {
        format!(
            "final (calendar {}–{})",
            out.calendar_first_year, out.calendar_last_year
        )
    };
    let mut s = format!("{} {status}\n", out.date);
    match out.rule {
        Some(rule) => {
            let period = match rule.period {
                spotcheck_domain::calendar::Period::WorkingDays(n) => format!("{n} working days"),
                spotcheck_domain::calendar::Period::CalendarMonths(m) if m.is_multiple_of(12) => {
                    format!("{} calendar years", m / 12)
                }
                spotcheck_domain::calendar::Period::CalendarMonths(m) => {
                    format!("{m} calendar months")
                }
            };
            s.push_str(&format!(
                "rule: {}: {period} after {} ({}); {}\n",
                rule.name, out.start, rule.event, rule.duty
            ));
            s.push_str(&format!("basis: {}\n", rule.legal_basis));
        }
        None => {
            if let Some(n) = out.working_days {
                s.push_str(&format!(
                    "{n} official working days after {} (start day not counted)\n",
                    out.start
                ));
            }
        }
    }
    s
}
