//! The CloudWatch metrics, as an Embedded Metric Format log line (CloudWatch turns the line into
//! metrics; no API call, no extra permission).

use serde_json::json;
use spotcheck_domain::time::Timestamp;
use spotcheck_site::publisher::Report;

/// One EMF line with `OverduePublications`, `DueSoonPublications`, `PublishedThisRun` and
/// `BlockedPublications` (count), dimension `Function=publisher`.
pub fn overdue_line(namespace: &str, report: &Report, now: Timestamp) -> String {
    let metric = |name: &str| json!({"Name": name, "Unit": "Count"});
    json!({
        "_aws": {
            "Timestamp": now.unix() * 1000,
            "CloudWatchMetrics": [{
                "Namespace": namespace,
                "Dimensions": [["Function"]],
                "Metrics": [metric("OverduePublications"), metric("DueSoonPublications"),
                            metric("PublishedThisRun"), metric("BlockedPublications")],
            }],
        },
        "Function": "publisher",
        "OverduePublications": report.overdue.len(),
        "DueSoonPublications": report.due_soon.len(),
        "PublishedThisRun": report.published.len(),
        "BlockedPublications": report.blocked.len(),
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use spotcheck_domain::lifecycle::PublicationKind;
    use spotcheck_site::duties::DutyLine;
    use spotcheck_site::sink::SiteStats;

    use super::*;

    #[test]
    fn the_line_declares_the_metrics_it_carries() -> Result<(), Box<dyn std::error::Error>> {
        let now: Timestamp = "2026-11-26T01:00:00Z".parse()?;
        let report = Report {
            format: "spotcheck-publish-report/1",
            now,
            today: spotcheck_site::time::china_date(now),
            scheduled: Vec::new(),
            published: Vec::new(),
            taken_down: Vec::new(),
            done_by_other_run: 0,
            blocked: Vec::new(),
            awaiting_approval: Vec::new(),
            problems: Vec::new(),
            overdue: vec![DutyLine {
                id: "check-result:P/T".into(),
                kind: PublicationKind::CheckResult,
                deadline: None,
                deadline_provisional: false,
            }],
            due_soon: Vec::new(),
            site: SiteStats::default(),
        };
        let v: serde_json::Value = serde_json::from_str(&overdue_line("Spotcheck", &report, now))?;
        assert_eq!(v["OverduePublications"], 1);
        assert_eq!(v["_aws"]["Timestamp"], 1_795_654_800_000_i64);
        assert_eq!(
            v["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"],
            "OverduePublications"
        );
        Ok(())
    }
}
