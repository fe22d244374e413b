//! The 统计 pages: one page and one JSON document per year and department, and an index, from
//! [`spotcheck_app::statistics`] (the same figures as the public API and the staff console).
//! Charts are inline SVG drawn here at build time — no JavaScript — each with a `<title>` and a
//! `<desc>` and followed by a table with the same numbers.
//!
//! ```
//! use spotcheck_site::stats::bar_chart;
//! let svg = bar_chart("c", "各结果数量", "未发现问题 3 条", &[("未发现问题".into(), 3)]);
//! assert!(svg.starts_with("<svg") && svg.contains("<title id=\"c-t\">各结果数量</title>"));
//! ```

use minijinja::{AutoEscape, Environment, context};
use serde::Serialize;
use spotcheck_app::statistics::Statistics;

use crate::error::SiteError;
use crate::render::{RenderOptions, SiteFile, media};
use crate::view::slug;

/// Escapes text for XML (SVG inside HTML).
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const WIDTH: u64 = 720;
const LABEL: u64 = 330;
const BAR: u64 = 300;
const ROW: u64 = 32;

/// A horizontal bar chart as an inline SVG element: one bar per `(label, value)`, scaled to the
/// largest value, the value written after each bar. `id` makes the `<title>`/`<desc>` ids unique
/// on the page; the chart is `role="img"` named by its title and described by its desc.
pub fn bar_chart(id: &str, title: &str, desc: &str, bars: &[(String, u64)]) -> String {
    let height = ROW * bars.len().max(1) as u64 + 8;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let id = xml(id);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"100%\" \
         viewBox=\"0 0 {WIDTH} {height}\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        xml(title),
        xml(desc)
    );
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = ROW * i as u64 + 4;
        let w = if *value == 0 {
            0
        } else {
            (BAR * value / max).max(2)
        };
        let text_y = y + ROW / 2 + 5;
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\" font-size=\"15\" fill=\"currentColor\">{}</text>\
             <rect x=\"{}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"#1f5fa8\"/>\
             <text x=\"{}\" y=\"{text_y}\" font-size=\"15\" fill=\"currentColor\">{value}</text>",
            LABEL - 8,
            xml(label),
            LABEL,
            y + 4,
            ROW - 8,
            LABEL + w + 6,
        ));
    }
    s.push_str("</svg>");
    s
}

fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "—".into(), |r| format!("{:.1}%", r * 100.0))
}

fn number(r: Option<f64>) -> String {
    r.map_or_else(|| "—".into(), |r| format!("{r:.4}"))
}

/// One section of a statistics page: a chart, then its table.
#[derive(Debug, Serialize)]
struct Section {
    id: &'static str,
    heading: &'static str,
    intro: String,
    chart: Option<String>,
    caption: String,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

/// A statistics page's view.
#[derive(Debug, Serialize)]
struct Page {
    year: i32,
    department: String,
    json: String,
    summary: Vec<(&'static str, String)>,
    sections: Vec<Section>,
}

/// One line of the index.
#[derive(Debug, Serialize)]
struct IndexLine {
    year: i32,
    department: String,
    link: String,
    plans: u64,
    drawn: String,
    problem_rate: String,
    on_time_rate: String,
}

/// `stats/<year>/<department slug>` (without extension).
pub fn stem(s: &Statistics) -> String {
    format!("{}/{}", s.year, slug(&s.department))
}

fn strata(s: &Statistics) -> Section {
    let bars: Vec<(String, u64)> = s
        .strata
        .iter()
        .map(|r| (format!("{} {}", r.plan, r.stratum), r.drawn))
        .collect();
    let desc = s
        .strata
        .iter()
        .map(|r| {
            format!(
                "{} 层 {}：候选 {}，抽中 {}",
                r.plan, r.stratum, r.candidates, r.drawn
            )
        })
        .collect::<Vec<_>>()
        .join("；");
    let mut rows: Vec<Vec<String>> = s
        .strata
        .iter()
        .map(|r| {
            vec![
                plan_cell(&r.plan, r.joint_lead.as_deref(), &s.department),
                r.stratum.clone(),
                r.candidates.to_string(),
                r.drawn.to_string(),
                percent(r.coverage),
            ]
        })
        .collect();
    rows.push(vec![
        "合计".into(),
        String::new(),
        s.coverage.candidates.to_string(),
        s.coverage.drawn.to_string(),
        percent(s.coverage.coverage),
    ]);
    Section {
        id: "strata",
        heading: "各层候选与抽中",
        intro: "每个已抽取计划的每一层：承诺文件中的候选对象数（名录中符合条件的对象）、誊本中抽中的对象数，覆盖率 = 抽中 ÷ 候选。".into(),
        chart: (!bars.is_empty()).then(|| bar_chart("strata-chart", "各层抽中对象数", &desc, &bars)),
        caption: "各层候选、抽中与覆盖率".into(),
        headers: vec!["计划", "分层", "候选", "抽中", "覆盖率"],
        rows,
    }
}

/// A plan's cell in a table: a joint plan (部门联合抽查) is marked, with its lead when that is
/// another department.
fn plan_cell(plan: &str, joint_lead: Option<&str>, department: &str) -> String {
    match joint_lead {
        None => plan.to_owned(),
        Some(lead) if lead == department => format!("{plan}（联合抽查，本部门牵头）"),
        Some(lead) => format!("{plan}（联合抽查，{lead}牵头）"),
    }
}

fn results(s: &Statistics) -> Section {
    let r = &s.results;
    let bars: Vec<(String, u64)> = r
        .by_code
        .iter()
        .map(|c| (c.label.clone(), c.count))
        .collect();
    let desc = r
        .by_code
        .iter()
        .map(|c| format!("{} {} 条", c.label, c.count))
        .collect::<Vec<_>>()
        .join("；");
    Section {
        id: "results",
        heading: "抽查结果",
        intro: format!(
            "已公开 {} 条抽查结果，另有 {} 个抽中对象尚无公开结果。问题发现率 = 结果为“未按规定公示、公示信息弄虚作假、住所无法联系、发现问题经责令已改正、不配合检查”的条数 ÷ 结果总数 = {}。",
            r.total,
            r.outstanding,
            percent(r.problem_rate)
        ),
        chart: (r.total > 0).then(|| bar_chart("results-chart", "各抽查结果的数量", &desc, &bars)),
        caption: "按检查结果分列".into(),
        headers: vec!["检查结果", "条数", "占比", "计为发现问题"],
        rows: r
            .by_code
            .iter()
            .map(|c| {
                vec![
                    c.label.clone(),
                    c.count.to_string(),
                    percent(c.share),
                    if c.problem { "是" } else { "否" }.into(),
                ]
            })
            .collect(),
    }
}

fn penalties(s: &Statistics) -> Section {
    let p = &s.penalties;
    let bars: Vec<(String, u64)> = p
        .by_category
        .iter()
        .map(|c| (c.label.clone(), c.count))
        .collect();
    let desc = p
        .by_category
        .iter()
        .map(|c| format!("{} {} 件", c.label, c.count))
        .collect::<Vec<_>>()
        .join("；");
    let mut rows: Vec<Vec<String>> = p
        .by_category
        .iter()
        .map(|c| vec![c.label.clone(), c.count.to_string()])
        .collect();
    rows.push(vec![
        "未填报处罚类别".into(),
        p.without_category.to_string(),
    ]);
    Section {
        id: "penalties",
        heading: "行政处罚（按处罚类别）",
        intro: format!(
            "本年度作出、正在公示的行政处罚决定 {} 件。一件决定有多个处罚类别时，在每个类别各计一次。",
            p.decisions
        ),
        chart: (p.decisions > 0)
            .then(|| bar_chart("penalties-chart", "各处罚类别的决定件数", &desc, &bars)),
        caption: "按处罚类别分列".into(),
        headers: vec!["处罚类别", "件数"],
        rows,
    }
}

fn timeliness(s: &Statistics) -> Section {
    let t = &s.publication;
    let lines = [
        ("按时公开", t.on_time),
        ("逾期公开", t.late),
        ("逾期未公开", t.overdue),
        ("未到期待公开", t.not_yet_due),
        ("已撤回或到期撤下", t.taken_down),
    ];
    let bars: Vec<(String, u64)> = lines.iter().map(|(l, n)| ((*l).to_owned(), *n)).collect();
    let desc = lines
        .iter()
        .map(|(l, n)| format!("{l} {n} 项"))
        .collect::<Vec<_>>()
        .join("；");
    let any = lines.iter().any(|l| l.1 > 0);
    Section {
        id: "timeliness",
        heading: "按时公开",
        intro: format!(
            "依据公开时限登记：有法定时限的抽查结果、处罚决定和撤回公告。按时公开率 = 按时公开 ÷（按时公开 + 逾期公开 + 逾期未公开）= {}。",
            percent(t.on_time_rate)
        ),
        chart: any.then(|| bar_chart("timeliness-chart", "公开时限执行情况", &desc, &bars)),
        caption: "公开时限执行情况".into(),
        headers: vec!["情况", "项数"],
        rows: lines
            .iter()
            .map(|(l, n)| vec![(*l).to_owned(), n.to_string()])
            .collect(),
    }
}

fn inspectors(s: &Statistics) -> Section {
    let l = &s.inspectors;
    let bars: Vec<(String, u64)> = l
        .distribution
        .iter()
        .map(|b| (format!("分派 {} 个对象", b.load), b.inspectors))
        .collect();
    let desc = l
        .distribution
        .iter()
        .map(|b| format!("分派 {} 个对象的 {} 人次", b.load, b.inspectors))
        .collect::<Vec<_>>()
        .join("；");
    let verdict = match (l.chi_square, l.p_value, l.uniform) {
        (Some(c), Some(p), Some(u)) => format!(
            "均匀性检验：χ² = {c:.4}，自由度 {}，p = {p:.4}。{}{}",
            l.degrees_of_freedom,
            if u {
                "在 0.05 显著性水平下，没有证据表明分派不均匀。"
            } else {
                "p 低于 0.05，分派可能不均匀，应予核查。"
            },
            if l.small_expected {
                "注意：人均期望分派数小于 5，χ² 近似较粗，结论仅供参考。"
            } else {
                ""
            }
        ),
        _ => "本年度没有可检验的抽取。".into(),
    };
    let mut rows: Vec<Vec<String>> = l
        .per_draw
        .iter()
        .map(|d| {
            vec![
                plan_cell(&d.plan, d.joint_lead.as_deref(), &s.department),
                d.pool.to_string(),
                d.assignments.to_string(),
                number(d.expected),
                d.max.to_string(),
                d.min.to_string(),
                number(d.chi_square),
                d.degrees_of_freedom.to_string(),
            ]
        })
        .collect();
    rows.push(vec![
        "合计".into(),
        l.pool_members.to_string(),
        l.assignments.to_string(),
        String::new(),
        l.max.map_or_else(String::new, |m| m.to_string()),
        l.min.map_or_else(String::new, |m| m.to_string()),
        number(l.chi_square),
        l.degrees_of_freedom.to_string(),
    ]);
    Section {
        id: "inspectors",
        heading: "执法检查人员负荷",
        intro: format!(
            "每次抽取中人员库每名执法人员被分派的检查对象数（未被分派的计 0）。图为人次分布。{verdict}"
        ),
        chart: (!bars.is_empty())
            .then(|| bar_chart("inspectors-chart", "执法人员分派数分布", &desc, &bars)),
        caption: "各次抽取的分派情况".into(),
        headers: vec![
            "计划",
            "人员库人数",
            "分派人次",
            "人均期望",
            "最多",
            "最少",
            "χ²",
            "自由度",
        ],
        rows,
    }
}

fn page(s: &Statistics) -> Page {
    let stem = stem(s);
    let file = stem.rsplit('/').next().unwrap_or_default();
    Page {
        year: s.year,
        department: s.department.clone(),
        json: format!("{file}.json"),
        summary: vec![
            (
                "抽查计划",
                format!(
                    "{} 个（已抽取 {}，待抽取 {}，已取消 {}）{}",
                    s.plans.total,
                    s.plans.drawn,
                    s.plans.committed,
                    s.plans.cancelled,
                    if s.plans.joint > 0 {
                        format!(
                            "，其中部门联合抽查 {} 个（计入每个参与部门的统计）",
                            s.plans.joint
                        )
                    } else {
                        String::new()
                    }
                ),
            ),
            (
                "抽中 / 候选",
                format!(
                    "{} / {}（覆盖率 {}）",
                    s.coverage.drawn,
                    s.coverage.candidates,
                    percent(s.coverage.coverage)
                ),
            ),
            (
                "问题发现率",
                format!(
                    "{}（{} / {}）",
                    percent(s.results.problem_rate),
                    s.results.problems,
                    s.results.total
                ),
            ),
            ("行政处罚决定", format!("{} 件", s.penalties.decisions)),
            ("按时公开率", percent(s.publication.on_time_rate)),
            (
                "执法人员分派",
                match (s.inspectors.max, s.inspectors.min) {
                    (Some(max), Some(min)) => format!(
                        "{} 人次，单次抽取中最多 {max}、最少 {min}",
                        s.inspectors.assignments
                    ),
                    _ => "无".into(),
                },
            ),
        ],
        sections: vec![
            strata(s),
            results(s),
            penalties(s),
            timeliness(s),
            inspectors(s),
        ],
    }
}

fn env() -> Result<Environment<'static>, SiteError> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    for (name, src) in [
        ("base.html", include_str!("render/templates/base.html")),
        ("stats.html", include_str!("render/templates/stats.html")),
        (
            "stats-index.html",
            include_str!("render/templates/stats-index.html"),
        ),
    ] {
        env.add_template(name, src)
            .map_err(|e| SiteError::Template {
                name: name.into(),
                reason: e.to_string(),
            })?;
    }
    Ok(env)
}

fn json<T: Serialize + ?Sized>(path: String, v: &T) -> Result<SiteFile, SiteError> {
    let mut body = serde_json::to_vec_pretty(v).map_err(|e| SiteError::Encode {
        what: path.clone(),
        reason: e.to_string(),
    })?;
    body.push(b'\n');
    Ok(SiteFile {
        path,
        content_type: media::JSON,
        body: Some(body),
        source: None,
    })
}

/// The statistics files: `stats/index.html` and `stats/index.json` (every document), and per
/// year and department `stats/<year>/<slug>.html` and `.json` (the slug as for other ids:
/// the department's name is hashed, see [`slug`]).
///
/// # Errors
/// [`SiteError::Template`] or [`SiteError::Encode`] (both bugs, not data problems).
pub fn render(all: &[Statistics], opts: &RenderOptions) -> Result<Vec<SiteFile>, SiteError> {
    let env = env()?;
    let mut out = Vec::with_capacity(2 + 2 * all.len());
    let html = |template: &str,
                path: String,
                ctx: minijinja::Value|
     -> Result<SiteFile, SiteError> {
        let root = "../".repeat(path.matches('/').count());
        let t = env
            .get_template(template)
            .map_err(|e| SiteError::Template {
                name: template.into(),
                reason: e.to_string(),
            })?;
        let body = t
            .render(context! { root, section => "stats", site_title => opts.site_title, identity => opts.identity, ..ctx })
            .map_err(|e| SiteError::Template {
                name: template.into(),
                reason: format!("{e:#}"),
            })?;
        Ok(SiteFile {
            path,
            content_type: media::HTML,
            body: Some(body.into_bytes()),
            source: None,
        })
    };
    let mut lines = Vec::with_capacity(all.len());
    for s in all {
        let stem = stem(s);
        out.push(html(
            "stats.html",
            format!("stats/{stem}.html"),
            context! { p => page(s) },
        )?);
        out.push(json(format!("stats/{stem}.json"), s)?);
        lines.push(IndexLine {
            year: s.year,
            department: s.department.clone(),
            link: format!("{stem}.html"),
            plans: s.plans.total,
            drawn: format!("{} / {}", s.coverage.drawn, s.coverage.candidates),
            problem_rate: percent(s.results.problem_rate),
            on_time_rate: percent(s.publication.on_time_rate),
        });
    }
    // Newest year first.
    lines.sort_by(|a, b| b.year.cmp(&a.year).then(a.department.cmp(&b.department)));
    out.push(html(
        "stats-index.html",
        "stats/index.html".into(),
        context! { lines },
    )?);
    out.push(json("stats/index.json".into(), all)?);
    Ok(out)
}
