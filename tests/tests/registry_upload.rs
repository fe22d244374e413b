//! Registry uploads over real HTTP: imports run off the async workers (`/healthz` keeps
//! answering while two 8 MB files are imported), identical content answers the existing snapshot,
//! an empty file is refused unless allowed, and a refused file's 422 names rows and fields.

use std::io::Read as _;
use std::time::{Duration, Instant};

use serde_json::Value;
use spotcheck_tests::{Server, agent};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const DEPT: &str = "莆田市文化和旅游局";
const OPERATOR_HEADER: &str =
    "统一社会信用代码,经营者名称,平台名称,行政区划代码,信用等级,经营状态\n";

/// GB 32100-2015 check character of the first 17 characters of a credit code.
fn check_character(body: &str) -> char {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let sum: usize = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| ALPHABET.iter().position(|&a| a == b).unwrap_or(0) * w)
        .sum();
    char::from(ALPHABET[(31 - sum % 31) % 31])
}

/// Valid operator rows up to about `bytes` bytes; `tag` makes the content differ between files.
fn operators_csv(bytes: usize, tag: u32) -> Vec<u8> {
    let mut s = String::with_capacity(bytes + 256);
    s.push_str(OPERATOR_HEADER);
    let mut i: u64 = 0;
    while s.len() < bytes {
        let mut n = u64::from(tag) * 10_000_000 + i;
        let mut digits = [b'0'; 7];
        for d in digits.iter_mut().rev() {
            *d = b"0123456789ABCDEFGHJKLMNPQRTUWXY"[(n % 31) as usize];
            n /= 31;
        }
        let body = format!("91350302MA{}", String::from_utf8_lossy(&digits));
        let code = format!("{body}{}", check_character(&body));
        s.push_str(&format!(
            "{code},莆田游云{tag}-{i}网络科技有限公司,游云{i}网,350302,A,正常\n"
        ));
        i += 1;
    }
    s.into_bytes()
}

struct Reply {
    status: u16,
    content_type: String,
    body: Value,
}

fn upload(
    s: &Server,
    token: &str,
    path: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<Reply, Box<dyn std::error::Error>> {
    let resp = agent()
        .post(&s.url(path))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "text/csv")
        .header("X-File-Name", file_name)
        .send(bytes)?;
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut body = Vec::new();
    resp.into_body()
        .into_with_config()
        .limit(64 * 1024 * 1024)
        .reader()
        .read_to_end(&mut body)?;
    Ok(Reply {
        status,
        content_type,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    })
}

#[test]
fn healthz_keeps_answering_while_two_8_mb_imports_run() -> TestResult {
    let s = Server::demo()?;
    let admin = s.token_for("registrar-1", DEPT, &["registrar"])?;
    let files: Vec<Vec<u8>> = (1..=2)
        .map(|tag| operators_csv(8 * 1024 * 1024 - 4096, tag))
        .collect();
    let started = Instant::now();
    let uploads: Vec<_> = files
        .into_iter()
        .enumerate()
        .map(|(i, file)| {
            let (base, admin) = (s.base.clone(), admin.clone());
            std::thread::spawn(move || -> Result<(u16, Duration), String> {
                let t = Instant::now();
                let resp = agent()
                    .post(&format!("{base}/api/registries/operators"))
                    .header("Authorization", &format!("Bearer {admin}"))
                    .header("X-File-Name", &format!("big-{i}.csv"))
                    .header("Idempotency-Key", &format!("big-upload-{i}"))
                    .send(&file[..])
                    .map_err(|e| e.to_string())?;
                Ok((resp.status().as_u16(), t.elapsed()))
            })
        })
        .collect();
    let mut latencies = Vec::new();
    while uploads.iter().any(|u| !u.is_finished()) {
        let t = Instant::now();
        let resp = agent().get(&s.url("/healthz")).call()?;
        latencies.push(t.elapsed());
        assert_eq!(resp.status().as_u16(), 200);
        std::thread::sleep(Duration::from_millis(10));
        assert!(started.elapsed() < Duration::from_secs(300), "imports hang");
    }
    let mut results = Vec::new();
    for u in uploads {
        results.push(
            u.join()
                .map_err(|_| "upload thread panicked")?
                .map_err(|e| format!("upload: {e}"))?,
        );
    }
    for (status, took) in &results {
        assert_eq!(*status, 201, "upload answered {status} after {took:?}");
    }
    latencies.sort();
    assert!(
        latencies.len() >= 20,
        "only {} health checks while the imports ran ({results:?})",
        latencies.len()
    );
    let p99 = latencies[(latencies.len() * 99).div_ceil(100) - 1];
    assert!(
        p99 < Duration::from_millis(100),
        "/healthz p99 {p99:?} over {} checks (max {:?})",
        latencies.len(),
        latencies.last()
    );
    Ok(())
}

#[test]
fn identical_content_answers_the_existing_snapshot_and_empty_files_are_refused() -> TestResult {
    let s = Server::demo()?;
    let admin = s.token_for("registrar-1", DEPT, &["registrar"])?;
    let file = operators_csv(20_000, 7);
    let first = upload(&s, &admin, "/api/registries/operators", "a.csv", &file)?;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["created"], Value::Bool(true));
    let again = upload(&s, &admin, "/api/registries/operators", "b.csv", &file)?;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["number"], first.body["number"]);
    assert_eq!(again.body["hash"], first.body["hash"]);
    assert_eq!(again.body["created"], Value::Bool(false));

    let empty = upload(
        &s,
        &admin,
        "/api/registries/operators",
        "empty.csv",
        OPERATOR_HEADER.as_bytes(),
    )?;
    assert_eq!(empty.status, 422, "{}", empty.body);
    assert_eq!(empty.body["code"], "empty-registry");
    assert!(empty.content_type.starts_with("application/problem+json"));
    let allowed = upload(
        &s,
        &admin,
        "/api/registries/operators?allow_empty=true",
        "empty.csv",
        OPERATOR_HEADER.as_bytes(),
    )?;
    assert_eq!(allowed.status, 201, "{}", allowed.body);
    assert_eq!(allowed.body["records"], 0);
    let bad = upload(
        &s,
        &admin,
        "/api/registries/operators?allow_empty=maybe",
        "empty.csv",
        OPERATOR_HEADER.as_bytes(),
    )?;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.body["code"], "invalid-query");
    assert!(bad.content_type.starts_with("application/problem+json"));
    Ok(())
}

#[test]
fn a_refused_file_names_rows_and_fields_the_first_thousand_and_the_total() -> TestResult {
    let s = Server::demo()?;
    let admin = s.token_for("registrar-1", DEPT, &["registrar"])?;
    let mut bad = String::from(OPERATOR_HEADER);
    for i in 0..1_500 {
        bad.push_str(&format!(
            "X{i},莆田某网络科技有限公司,游云网,350302,A,正常\n"
        ));
    }
    let r = upload(
        &s,
        &admin,
        "/api/registries/operators",
        "bad.csv",
        bad.as_bytes(),
    )?;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.content_type.starts_with("application/problem+json"));
    assert_eq!(r.body["code"], "invalid-registry");
    assert_eq!(r.body["total"], 1_500);
    let errors = r.body["errors"].as_array().ok_or("no errors list")?;
    assert_eq!(errors.len(), 1_000);
    assert_eq!(errors[0]["row"], 2);
    assert_eq!(errors[0]["field"], "credit_code");
    assert!(errors[0]["reason"].as_str().is_some_and(|s| !s.is_empty()));

    // An inspector id a spreadsheet would run as a formula.
    let inspectors = "人员编号,姓名,执法证号,所属部门,行政区划代码,检查领域,回避对象\n\
                      =cmd|'/Ccalc'!A0,郑建国,35030020001,莆田市文化和旅游局,350300,旅行社,\n";
    let r = upload(
        &s,
        &admin,
        "/api/registries/inspectors",
        "inspectors.csv",
        inspectors.as_bytes(),
    )?;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["errors"][0]["row"], 2);
    assert_eq!(r.body["errors"][0]["field"], "id");

    // A one-cell workbook at XFD1048576, sent under a .csv name, is refused; the server lives.
    let far = spotcheck_tests::xlsx::far_cell_workbook();
    let r = upload(&s, &admin, "/api/registries/operators", "far.csv", &far)?;
    assert_eq!(r.status, 422, "{}", r.body);
    let reason = r.body["errors"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("XFD1048576"), "{reason}");
    let health = agent().get(&s.url("/healthz")).call()?;
    assert_eq!(health.status().as_u16(), 200);
    Ok(())
}

/// Downloads `path` with `token`: (status, content type, content disposition, body).
fn download(
    s: &Server,
    token: &str,
    path: &str,
) -> Result<(u16, String, String, String), Box<dyn std::error::Error>> {
    let resp = agent()
        .get(&s.url(path))
        .header("Authorization", &format!("Bearer {token}"))
        .call()?;
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (status, ct, cd) = (
        resp.status().as_u16(),
        header("content-type"),
        header("content-disposition"),
    );
    let mut body = String::new();
    resp.into_body()
        .into_with_config()
        .limit(64 * 1024 * 1024)
        .reader()
        .read_to_string(&mut body)?;
    Ok((status, ct, cd, body))
}

#[test]
fn a_refused_file_with_more_than_a_thousand_problems_has_a_full_report_only_its_uploader_reads()
-> TestResult {
    let s = Server::demo()?;
    let admin = s.token_for("registrar-1", DEPT, &["registrar"])?;
    let mut bad = String::from(OPERATOR_HEADER);
    for i in 0..2_345 {
        // Every tenth id would be a formula in a spreadsheet: the report must not run it.
        let id = if i % 10 == 0 {
            format!("=HYPERLINK(\"http://x.invalid/{i}\")")
        } else {
            format!("X{i}")
        };
        bad.push_str(&format!(
            "{},莆田某网络科技有限公司,游云网,350302,A,正常\n",
            if id.contains(',') || id.contains('"') {
                format!("\"{}\"", id.replace('"', "\"\""))
            } else {
                id
            }
        ));
    }
    let r = upload(
        &s,
        &admin,
        "/api/registries/operators",
        "bad.csv",
        bad.as_bytes(),
    )?;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["total"], 2_345);
    assert_eq!(r.body["errors"].as_array().map(Vec::len), Some(1_000));
    let id = r.body["report_id"].as_str().ok_or("no report_id")?;
    let url = r.body["report_url"].as_str().ok_or("no report_url")?;
    assert_eq!(url, format!("/api/registries/operators/reports/{id}"));

    let (status, ct, cd, csv) = download(&s, &admin, url)?;
    assert_eq!(status, 200, "{csv}");
    assert!(ct.starts_with("text/csv"), "{ct}");
    assert!(cd.starts_with("attachment;"), "{cd}");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("file,row,column,value,kind,reason"));
    let rows: Vec<u64> = lines
        .map(|l| {
            l.split(',')
                .nth(1)
                .and_then(|r| r.parse().ok())
                .unwrap_or(0)
        })
        .collect();
    assert_eq!(rows.len(), 2_345, "every problem, not the first 1,000");
    assert_eq!(rows, (2..2_347).collect::<Vec<u64>>());
    // OWASP: no cell of the report starts a formula, quoted or not.
    for line in csv.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula-leading cell {cell:?} in {line:?}"
            );
        }
    }
    assert!(
        csv.contains("'=HYPERLINK("),
        "the value is kept, neutralised"
    );

    // Someone else — another registrar of the same department, or another department — gets 404.
    let other = s.token_for("registrar-2", DEPT, &["registrar"])?;
    assert_eq!(download(&s, &other, url)?.0, 404);
    let elsewhere = s.token_for("registrar-1", "厦门市文化和旅游局", &["registrar"])?;
    assert_eq!(download(&s, &elsewhere, url)?.0, 404);
    let (status, ..) = download(&s, &admin, "/api/registries/guides/reports/0123")?;
    assert_eq!(status, 404, "another registry's path or a malformed id");

    // A file whose 422 lists every problem keeps no report.
    let few = format!("{OPERATOR_HEADER}X1,莆田某网络科技有限公司,游云网,350302,A,正常\n");
    let r = upload(
        &s,
        &admin,
        "/api/registries/operators",
        "few.csv",
        few.as_bytes(),
    )?;
    assert_eq!(r.status, 422);
    assert!(r.body.get("report_id").is_none(), "{}", r.body);
    Ok(())
}
