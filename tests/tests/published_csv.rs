//! Every CSV the system publishes or hands out, checked cell by cell against OWASP's CSV-injection
//! rule: no cell may start with `=`, `+`, `-`, `@`, tab or CR (a spreadsheet would run it).
//!
//! The CSVs are found, not listed by hand: every operation of the OpenAPI document that answers
//! `text/csv`, and every `*.csv` file of the rendered public site. The test plants formula text in
//! every place a user can type it — the free-text fields of the registries (names, addresses), a
//! plan's title, and ids (which the import refuses, so they land in the refused file's report) —
//! and then reads each CSV. Frame and pool cells are hashed by the verifiers and cannot be
//! prefixed, so for them it is the import's refusal that is tested; the problem report is not
//! hashed and is neutralised (`'`).

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use spotcheck_tests::{Server, agent, spotcheck};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const DEPT: &str = "莆田市文化和旅游局";
const FORMULA: &str = "=HYPERLINK(\"http://x.invalid\",\"点此\")";

fn leads_a_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The cells of a CSV text (RFC 4180 quoting), each with its line number.
fn cells(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let (mut cell, mut quoted, mut line) = (String::new(), false, 1);
    let mut chars = text.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' if quoted => quoted = false,
            '"' if at_start => quoted = true,
            ',' if !quoted => {
                out.push((line, std::mem::take(&mut cell)));
                at_start = true;
                continue;
            }
            '\r' if !quoted && chars.peek() == Some(&'\n') => continue,
            '\n' if !quoted => {
                out.push((line, std::mem::take(&mut cell)));
                line += 1;
                at_start = true;
                continue;
            }
            other => cell.push(other),
        }
        at_start = false;
    }
    if !cell.is_empty() {
        out.push((line, cell));
    }
    out
}

fn assert_no_formula(what: &str, text: &str) {
    for (line, cell) in cells(text) {
        assert!(
            !leads_a_formula(&cell),
            "{what}, line {line}: the cell {cell:?} would start a spreadsheet formula"
        );
    }
}

fn get(
    s: &Server,
    token: Option<&str>,
    path: &str,
) -> Result<(u16, String), Box<dyn std::error::Error>> {
    let mut r = agent().get(&s.url(path));
    if let Some(t) = token {
        r = r.header("Authorization", &format!("Bearer {t}"));
    }
    let resp = r.call()?;
    let status = resp.status().as_u16();
    let mut body = String::new();
    resp.into_body()
        .into_with_config()
        .limit(64 * 1024 * 1024)
        .reader()
        .read_to_string(&mut body)?;
    Ok((status, body))
}

fn send(
    s: &Server,
    token: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> Result<(u16, Value), Box<dyn std::error::Error>> {
    let resp = agent()
        .post(&s.url(path))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", content_type)
        .send(body)?;
    let status = resp.status().as_u16();
    let mut text = Vec::new();
    resp.into_body().into_reader().read_to_end(&mut text)?;
    Ok((status, serde_json::from_slice(&text).unwrap_or(Value::Null)))
}

/// Every operation of the OpenAPI document whose success answer is `text/csv`.
fn csv_operations(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            for (status, resp) in op["responses"].as_object().into_iter().flatten() {
                let csv = resp["content"]
                    .as_object()
                    .is_some_and(|c| c.keys().any(|k| k.starts_with("text/csv")));
                if status.starts_with('2') && csv && method == "get" {
                    out.insert(path.clone());
                }
            }
        }
    }
    out
}

/// The fixture `name` with `f` applied to every data row's cells.
fn fixture_with(
    name: &str,
    f: impl Fn(usize, &mut Vec<String>),
) -> Result<String, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(spotcheck_tests::fixture(&format!("registries/{name}")))?;
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        if i > 0 {
            f(i, &mut cells);
        }
        let quoted: Vec<String> = cells
            .iter()
            .map(|c| {
                if c.contains([',', '"']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    Ok(out)
}

#[test]
fn no_published_csv_cell_can_start_a_formula() -> TestResult {
    let s = Server::demo()?;
    let registrar = s.token_for("registrar-csv", DEPT, &["registrar"])?;

    // 1. Formula text in every free-text field that is accepted: agency names and addresses,
    //    inspector names. Then a plan (with a formula title) committed over them.
    let agencies = fixture_with("agencies.synthetic.csv", |i, c| {
        if let Some(name) = c.get_mut(2) {
            *name = format!("{FORMULA}{i}");
        }
        if let Some(addr) = c.get_mut(3) {
            *addr = format!("@SUM(1+{i})");
        }
    })?;
    let (status, body) = send(
        &s,
        &registrar,
        "/api/registries/agencies",
        "text/csv",
        agencies.as_bytes(),
    )?;
    assert!(status == 201 || status == 422, "{status} {body}");
    let inspectors = fixture_with("inspectors.synthetic.csv", |i, c| {
        if let Some(name) = c.get_mut(1) {
            *name = format!("+{i}+cmd|'/C calc'!A0");
        }
    })?;
    let (status, body) = send(
        &s,
        &registrar,
        "/api/registries/inspectors",
        "text/csv",
        inspectors.as_bytes(),
    )?;
    assert!(status == 201 || status == 422, "{status} {body}");

    let planned = spotcheck_domain::time::Timestamp::from_unix(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs() as i64
            + 3600,
    );
    let plan = json!({
        "id": "PT-2026-CSV", "item": "PT-LY-001", "title": format!("{FORMULA}抽查"),
        "department": DEPT, "target_kind": "agency", "stratum_scheme": "region",
        "filter": {"mode": "targeted", "regions": ["350300"], "credit_classes": [], "outbound": null, "statuses": []},
        "parameters": {"default": {"count": 2}, "inspectors_per_target": 2},
        "entropy_source": {"witnesses": ["观察员 李某"]}, "planned_draw_at": planned.to_string()
    });
    let (status, body) = send(
        &s,
        &s.token,
        "/api/plans",
        "application/json",
        plan.to_string().as_bytes(),
    )?;
    assert_eq!(status, 201, "{body}");
    let (status, body) = send(
        &s,
        &s.token,
        "/api/plans/PT-2026-CSV/commit",
        "application/json",
        b"",
    )?;
    assert_eq!(status, 201, "{body}");

    // 2. Ids that would be formulas are refused at import; the refused file's full report (more
    //    problems than the 422 lists) quotes them.
    let mut bad =
        String::from("统一社会信用代码,经营者名称,平台名称,行政区划代码,信用等级,经营状态\n");
    for i in 0..1_200 {
        let lead = ["=", "+", "-", "@", "\t", "\r"][i % 6];
        bad.push_str(
            &format!("\"{lead}1+{i}\",{FORMULA:?},\"-{i}\",350302,A,正常\n")
                .replace("\\\"", "\"\""),
        );
    }
    let (status, refused) = send(
        &s,
        &registrar,
        "/api/registries/operators",
        "text/csv",
        bad.as_bytes(),
    )?;
    assert_eq!(status, 422, "{refused}");
    let report = refused["report_url"]
        .as_str()
        .ok_or("the 422 of a file with more than 1,000 problems names no full report")?
        .to_owned();

    // 3. Every CSV operation of the API, for every plan, and the report.
    let (_, doc) = get(&s, None, "/openapi.json")?;
    let doc: Value = serde_json::from_str(&doc)?;
    let operations = csv_operations(&doc);
    let covered: BTreeSet<String> = [
        "/api/public/plans/{id}/frame.csv",
        "/api/public/plans/{id}/pool.csv",
        "/api/registries/{kind}/reports/{report_id}",
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .collect();
    // The staff exports for the national platforms (when this build has them) are CSV too.
    let exports = "/api/exports/{layout}";
    let has_exports = operations.contains(exports);
    let mut expected = covered.clone();
    if has_exports {
        expected.insert(exports.to_owned());
    }
    assert_eq!(
        operations, expected,
        "a CSV operation was added or removed: check its cells here too"
    );
    let mut checked = 0;
    for plan in ["PT-2026-DEMO", "PT-2026-CSV"] {
        for file in ["frame.csv", "pool.csv"] {
            let (status, text) = get(&s, None, &format!("/api/public/plans/{plan}/{file}"))?;
            assert_eq!(status, 200, "{plan}/{file}: {text}");
            assert!(text.lines().count() > 1, "{plan}/{file} is empty");
            assert_no_formula(&format!("{plan}/{file}"), &text);
            checked += 1;
        }
    }
    let (status, text) = get(&s, Some(&registrar), &report)?;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        text.lines().count(),
        1 + refused["total"].as_u64().unwrap_or(0) as usize
    );
    assert!(
        text.contains(&format!("'{}", "=1+0")),
        "the refused ids are quoted, neutralised"
    );
    assert_no_formula("the problem report", &text);
    checked += 1;
    assert_eq!(checked, 5);
    if has_exports {
        // A decision whose free text is formula text, approved by a second person.
        let decision = json!({
            "number": "莆文旅罚〔2026〕77号",
            "party": {"kind": "organisation", "name": format!("{FORMULA}旅行社"), "credit_code": null},
            "cause": "=1+2", "legal_basis": "@SUM(1)", "conditions": "-3", "procedure": "普通程序",
            "result": "+4", "authority": DEPT, "decided_on": "2026-11-20",
            "minor": false, "involves_minor": false, "target": null, "plan": null
        });
        let (status, body) = send(
            &s,
            &s.token,
            "/api/penalties",
            "application/json",
            decision.to_string().as_bytes(),
        )?;
        assert!(status == 201 || status == 422, "{status} {body}");
        let chief = s.token_for("chief-csv", DEPT, &["supervisor", "publisher"])?;
        let _ = send(
            &s,
            &chief,
            "/api/penalties/莆文旅罚〔2026〕77号/approval",
            "application/json",
            b"",
        )?;
        for layout in ["credit-china", "gsxt"] {
            let (status, text) = get(
                &s,
                Some(&s.token),
                &format!("/api/exports/{layout}?format=csv"),
            )?;
            assert_eq!(status, 200, "export {layout}: {text}");
            assert_no_formula(&format!("export {layout}"), &text);
        }
    }
    drop(s);

    // 4. Every CSV file of the rendered public site (the demo: a drawn plan's frame and pool).
    let dir = tempfile::tempdir()?;
    let out = Command::new(spotcheck()?)
        .current_dir(dir.path())
        .args([
            "publish",
            "--demo",
            "--due",
            "--data",
            "site.sqlite",
            "--site-dir",
            "site",
        ])
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut site_csv = 0;
    walk(&dir.path().join("site"), &mut |path| {
        if path.extension().is_some_and(|e| e == "csv") {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            assert_no_formula(&path.display().to_string(), &text);
            site_csv += 1;
        }
    })?;
    assert!(
        site_csv >= 2,
        "the site has no frame.csv and pool.csv ({site_csv} CSV files)"
    );
    Ok(())
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            walk(&p, f)?;
        } else {
            f(&p);
        }
    }
    Ok(())
}

#[test]
fn the_cell_reader_finds_formula_cells_quoted_or_not() {
    let text = "a,b\n\"=1\",x\n\"q\"\"\",\"\t2\"\r\n-3,ok,\r\n";
    let found: Vec<String> = cells(text)
        .into_iter()
        .filter(|(_, c)| leads_a_formula(c))
        .map(|(_, c)| c)
        .collect();
    assert_eq!(found, ["=1", "\t2", "-3"]);
}
