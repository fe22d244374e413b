//! The 统计 figures of the demo, as `spotcheck publish --due --demo` publishes them, against figures
//! worked out by hand from the demo's inputs (fixtures/registries/agencies.synthetic.csv and the
//! records `publish --demo` enters), not by the statistics code.
//!
//! By hand:
//! - Frame: the untargeted demo plan takes the agencies whose 经营状态 is 正常 — 141 of the
//!   fixture's 150 (6 注销, 3 停业) — by 行政区划代码: 350302: 19, 350303: 22, 350304: 18,
//!   350305: 64, 350322: 18.
//! - PT-2026-DEMO draws 10 %, rounded up, per stratum: ⌈1.9⌉ = 2, ⌈2.2⌉ = 3, ⌈1.8⌉ = 2,
//!   ⌈6.4⌉ = 7, ⌈1.8⌉ = 2, 16 targets with 2 inspectors each: 32 assignments, pool 10.
//! - PT-2026-JOINT draws 1 per stratum over the same frame: 5 targets, teams of 2: 10
//!   assignments, pool 10 + 6 (the market regulator's synthetic inspectors) = 16.
//! - Together: 282 candidates, 21 drawn, 42 assignments, 26 pool members.
//! - Results: three are approved (未发现问题, 发现问题经责令已改正, 未按规定公示): two problems of
//!   three; 21 − 3 = 18 drawn targets without a result.
//! - Penalties: four decisions are entered; 〔2026〕21号 (罚款) and 22号 (警告) are approved and
//!   stand, 18号 is approved then revoked, 23号 is never approved: 2 decisions, 1 罚款, 1 警告.

use std::process::Command;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn the_demo_statistics_match_the_figures_worked_out_by_hand() -> TestResult {
    let dir = tempfile::tempdir()?;
    let site = dir.path().join("site");
    let out = Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .arg("publish")
        .arg("--due")
        .arg("--demo")
        .arg("--data")
        .arg(dir.path().join("demo.sqlite"))
        .arg("--site-dir")
        .arg(&site)
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("stats/index.json"))?)?;
    // One file per year and department: find the bureau's (its path is in the index).
    let mut docs = Vec::new();
    for year in std::fs::read_dir(site.join("stats"))? {
        let year = year?.path();
        if !year.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&year)? {
            let f = f?.path();
            if f.extension().is_some_and(|e| e == "json") {
                let d: serde_json::Value = serde_json::from_slice(&std::fs::read(&f)?)?;
                if d["department"] == "莆田市文化和旅游局" {
                    docs.push(d);
                }
            }
        }
    }
    assert_eq!(docs.len(), 1, "one year of the bureau's figures: {index}");
    let d = &docs[0];

    assert_eq!(d["plans"]["total"], 2);
    assert_eq!(d["plans"]["drawn"], 2);

    let strata = d["strata"].as_array().ok_or("strata")?;
    let by_hand = [
        ("350302", 19, 2),
        ("350303", 22, 3),
        ("350304", 18, 2),
        ("350305", 64, 7),
        ("350322", 18, 2),
    ];
    for (stratum, candidates, drawn) in by_hand {
        for (plan, drawn) in [("PT-2026-DEMO", drawn), ("PT-2026-JOINT", 1)] {
            let s = strata
                .iter()
                .find(|s| s["plan"] == plan && s["stratum"] == stratum)
                .ok_or(format!("{plan} {stratum}"))?;
            assert_eq!(s["candidates"], candidates, "{plan} {stratum}");
            assert_eq!(s["drawn"], drawn, "{plan} {stratum}");
        }
    }
    assert_eq!(strata.len(), 10);
    assert_eq!(d["coverage"]["candidates"], 282);
    assert_eq!(d["coverage"]["drawn"], 21);

    assert_eq!(d["results"]["total"], 3);
    assert_eq!(d["results"]["outstanding"], 18);
    assert_eq!(d["results"]["problems"], 2);
    assert_eq!(d["results"]["problem_rate"], 0.6667);
    let count = |code: &str| {
        d["results"]["by_code"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["code"] == code))
            .map(|c| c["count"].clone())
    };
    assert_eq!(count("no_problem_found"), Some(1.into()));
    assert_eq!(count("corrected_after_order"), Some(1.into()));
    assert_eq!(count("not_disclosed_as_required"), Some(1.into()));

    assert_eq!(d["penalties"]["decisions"], 2);
    let category = |c: &str| {
        d["penalties"]["by_category"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["category"] == c))
            .map(|x| x["count"].clone())
    };
    assert_eq!(category("fine"), Some(1.into()));
    assert_eq!(category("warning"), Some(1.into()));

    let ins = &d["inspectors"];
    assert_eq!(ins["draws"], 2);
    assert_eq!(ins["assignments"], 42);
    assert_eq!(ins["pool_members"], 26);
    // The loads vary with the demo's secret; what they add up to does not.
    let dist = ins["distribution"].as_array().ok_or("distribution")?;
    let members: u64 = dist.iter().filter_map(|b| b["inspectors"].as_u64()).sum();
    let load: u64 = dist
        .iter()
        .filter_map(|b| Some(b["load"].as_u64()? * b["inspectors"].as_u64()?))
        .sum();
    assert_eq!((members, load), (26, 42));
    let per_draw = ins["per_draw"].as_array().ok_or("per_draw")?;
    let expected: Vec<_> = per_draw
        .iter()
        .map(|p| (p["plan"].clone(), p["pool"].clone(), p["expected"].clone()))
        .collect();
    assert!(expected.contains(&("PT-2026-DEMO".into(), 10.into(), 3.2.into())));
    assert!(expected.contains(&("PT-2026-JOINT".into(), 16.into(), 0.625.into())));
    Ok(())
}
