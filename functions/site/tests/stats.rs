//! The 统计 pages: every chart is a well-formed SVG with a title and a description, the figures
//! of the statistics appear on the page and in its JSON, and the index links each page.

use quick_xml::Reader;
use quick_xml::events::Event;
use spotcheck_app::statistics::Statistics;
use spotcheck_site::render::RenderOptions;
use spotcheck_site::stats::{render, stem};

type R = Result<(), Box<dyn std::error::Error>>;

/// A document as the statistics function writes it (the counts of
/// `functions/app/tests/statistics.rs`'s fixture).
fn stats() -> Result<Statistics, serde_json::Error> {
    serde_json::from_value(serde_json::json!({
        "schema": "spotcheck-statistics/1", "year": 2026, "department": "莆田市文化和旅游局",
        "plans": {"total": 2, "committed": 1, "drawn": 1, "cancelled": 0},
        "strata": [
            {"plan": "P1", "stratum": "350302-A", "candidates": 5, "drawn": 2, "coverage": 0.4},
            {"plan": "P1", "stratum": "350303-B", "candidates": 5, "drawn": 2, "coverage": 0.4}
        ],
        "coverage": {"candidates": 10, "drawn": 4, "coverage": 0.4},
        "results": {"total": 3, "outstanding": 1, "problems": 2, "problem_rate": 0.6667, "by_code": [
            {"code": "no_problem_found", "label": "未发现问题", "problem": false, "count": 1, "share": 0.3333},
            {"code": "corrected_after_order", "label": "发现问题经责令已改正", "problem": true, "count": 2, "share": 0.6667}
        ]},
        "penalties": {"decisions": 3, "without_category": 1, "by_category": [
            {"category": "warning", "label": "警告", "count": 1},
            {"category": "licence_suspension_or_revocation", "label": "暂扣或者吊销许可证、暂扣或者吊销执照", "count": 1}
        ]},
        "publication": {"on_time": 2, "late": 1, "overdue": 2, "not_yet_due": 1, "taken_down": 1, "on_time_rate": 0.4},
        "inspectors": {"draws": 1, "assignments": 8, "pool_members": 6,
            "distribution": [{"load": 0, "inspectors": 1}, {"load": 1, "inspectors": 3}, {"load": 2, "inspectors": 1}, {"load": 3, "inspectors": 1}],
            "max": 3, "min": 0,
            "per_draw": [{"plan": "P1", "pool": 6, "assignments": 8, "expected": 1.3333, "max": 3, "min": 0, "chi_square": 4.0, "degrees_of_freedom": 5}],
            "chi_square": 4.0, "degrees_of_freedom": 5, "p_value": 0.5494, "uniform": true, "small_expected": true}
    }))
}

/// Every `<svg>…</svg>` in `html`.
fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg")
        .filter_map(|(i, _)| {
            let end = html[i..].find("</svg>")? + i + "</svg>".len();
            html.get(i..end)
        })
        .collect()
}

fn push(element: &str, text: &str, title: &mut String, desc: &mut String) {
    match element {
        "title" => title.push_str(text),
        "desc" => desc.push_str(text),
        _ => {}
    }
}

/// Parses `svg` as XML to the end; returns its root's `<title>` and `<desc>` texts.
fn well_formed(svg: &str) -> Result<(String, String), Box<dyn std::error::Error>> {
    let mut reader = Reader::from_str(svg);
    reader.config_mut().check_end_names = true;
    let (mut depth, mut roots, mut current, mut title, mut desc) =
        (0, 0, String::new(), String::new(), String::new());
    loop {
        match reader.read_event()? {
            Event::Start(e) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
                current = e.name().0.to_owned();
            }
            Event::End(_) => depth -= 1,
            Event::Text(t) if depth == 2 => {
                let text = t.into_inner().into_owned();
                push(&current, &text, &mut title, &mut desc);
            }
            Event::GeneralRef(r) if depth == 2 => {
                // Only XML's predefined entities and character references are well-formed here.
                let name = r.into_inner();
                let c = match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" | "#39" => "'",
                    other => return Err(format!("entity &{other}; is not XML").into()),
                };
                push(&current, c, &mut title, &mut desc);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((depth, roots), (0, 1), "one closed root element");
    Ok((title, desc))
}

#[test]
fn each_chart_is_well_formed_svg_named_and_described() -> R {
    let s = stats()?;
    let files = render(std::slice::from_ref(&s), &RenderOptions::default())?;
    let page = files
        .iter()
        .find(|f| f.path == format!("stats/{}.html", stem(&s)))
        .ok_or("no page")?;
    // minijinja writes `/` as `&#x2f;` in text and attributes.
    let html = String::from_utf8(page.body.clone().ok_or("body")?)?.replace("&#x2f;", "/");
    let charts = svgs(&html);
    assert_eq!(
        charts.len(),
        5,
        "strata, results, penalties, timeliness, inspectors"
    );
    for svg in charts {
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-labelledby="));
        let (title, desc) = well_formed(svg)?;
        assert!(!title.is_empty() && !desc.is_empty(), "{svg}");
    }
    // The figures, as the tables under the charts give them.
    for text in [
        "<td>350302-A</td><td>5</td><td>2</td><td>40.0%</td>",
        "<td>合计</td><td></td><td>10</td><td>4</td><td>40.0%</td>",
        "问题发现率</dt><dd>66.7%（2 / 3）",
        "<td>未填报处罚类别</td><td>1</td>",
        "按时公开率</dt><dd>40.0%",
        "χ² = 4.0000，自由度 5，p = 0.5494",
        "人均期望分派数小于 5",
    ] {
        assert!(html.contains(text), "{text} not on the page");
    }
    Ok(())
}

#[test]
fn the_json_is_the_statistics_and_the_index_links_the_page() -> R {
    let s = stats()?;
    let files = render(std::slice::from_ref(&s), &RenderOptions::default())?;
    let json = files
        .iter()
        .find(|f| f.path == format!("stats/{}.json", stem(&s)))
        .ok_or("no json")?;
    let back: Statistics = serde_json::from_slice(json.body.as_deref().ok_or("body")?)?;
    assert_eq!(back, s);
    let index = files
        .iter()
        .find(|f| f.path == "stats/index.html")
        .ok_or("no index")?;
    let html = String::from_utf8(index.body.clone().ok_or("body")?)?.replace("&#x2f;", "/");
    assert!(html.contains(&format!("href=\"{}.html\"", stem(&s))));
    assert!(files.iter().any(|f| f.path == "stats/index.json"));
    Ok(())
}

#[test]
fn a_label_with_markup_is_escaped_in_the_svg() -> R {
    let svg = spotcheck_site::stats::bar_chart("x", "a<b", "\"&'", &[("<script>".into(), 1)]);
    let (title, desc) = well_formed(&svg)?;
    assert_eq!((title.as_str(), desc.as_str()), ("a<b", "\"&'"));
    assert!(!svg.contains("<script>"));
    Ok(())
}

/// A joint plan (部门联合抽查) is marked on a partner's page, with its lead, and the summary says
/// how many of the plans are joint; a department without one reads as before.
#[test]
fn a_partners_page_marks_the_joint_plan_and_its_lead() -> R {
    let page = |s: &Statistics| -> Result<String, Box<dyn std::error::Error>> {
        let files = render(std::slice::from_ref(s), &RenderOptions::default())?;
        let f = files
            .iter()
            .find(|f| f.path == format!("stats/{}.html", stem(s)))
            .ok_or("no page")?;
        Ok(String::from_utf8(f.body.clone().ok_or("body")?)?)
    };
    let plain = page(&stats()?)?;
    assert!(!plain.contains("联合抽查"), "{plain}");

    let mut v = serde_json::to_value(stats()?)?;
    v["department"] = "莆田市市场监督管理局".into();
    v["plans"]["joint"] = 1.into();
    for row in v["strata"].as_array_mut().ok_or("strata")? {
        row["joint_lead"] = "莆田市文化和旅游局".into();
    }
    v["inspectors"]["per_draw"][0]["joint_lead"] = "莆田市文化和旅游局".into();
    let joint: Statistics = serde_json::from_value(v)?;
    let html = page(&joint)?;
    assert!(html.contains("其中部门联合抽查 1 个"), "{html}");
    assert_eq!(
        html.matches("P1（联合抽查，莆田市文化和旅游局牵头）")
            .count(),
        3,
        "two strata rows and one draw: {html}"
    );
    Ok(())
}
