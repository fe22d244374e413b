//! The platform exports end to end over a real SQLite store: decisions with and without the
//! credit-platform fields and a drawn plan's results are exported as `.csv` and `.xlsx`, parsed
//! back, and compared cell by cell with fixtures laid out as the platforms' templates
//! (`fixtures/exports/`).

use std::path::PathBuf;

use calamine::{Reader as _, Xlsx};
use spotcheck_app::export::{
    CREDIT_CHINA_COLUMNS, Format, GSXT_COLUMNS, Layout, Table, export, results_table,
};
use spotcheck_app::public::records::load;
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::frame::FrameBuilder;
use spotcheck_domain::lifecycle::{
    InspectionResult, PenaltyChangeKind, PenaltyDecision, WriteMeta,
};
use spotcheck_domain::registry::CheckMethod;
use spotcheck_domain::store::{
    ApprovalWriter, DrawWriter, FrameWriter, PenaltyWriter, PlanWriter, ResultWriter,
};
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::{self, BoxError};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/exports")
        .join(name)
}

/// A CSV file's rows (RFC 4180 quoting, BOM removed).
fn parse_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, BoxError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    let mut out = Vec::new();
    for rec in r.records() {
        out.push(rec?.iter().map(str::to_owned).collect());
    }
    Ok(out)
}

fn parse_xlsx(bytes: Vec<u8>) -> Result<Vec<Vec<String>>, BoxError> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))?;
    let name = book.sheet_names().first().cloned().ok_or("no sheet")?;
    let range = book.worksheet_range(&name)?;
    let width = range.width();
    Ok(range
        .rows()
        .map(|r| {
            (0..width)
                .map(|i| r.get(i).map(ToString::to_string).unwrap_or_default())
                .collect()
        })
        .collect())
}

/// Compares an export with the fixture cell by cell, naming the first difference.
fn same(what: &str, got: &[Vec<String>], want: &[Vec<String>]) {
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: {} rows, expected {}",
        got.len(),
        want.len()
    );
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(
            g.len(),
            w.len(),
            "{what}: row {} has {} cells",
            i + 1,
            g.len()
        );
        for (j, (gc, wc)) in g.iter().zip(w).enumerate() {
            assert_eq!(
                gc,
                wc,
                "{what}: row {}, column {} ({})",
                i + 1,
                j + 1,
                want[0][j]
            );
        }
    }
}

fn check_both(table: &Table, fixture_name: &str) -> Result<(), BoxError> {
    let want = parse_csv(&std::fs::read(fixture(fixture_name))?)?;
    same(
        &format!("{fixture_name} (csv)"),
        &parse_csv(&table.bytes(Format::Csv)?)?,
        &want,
    );
    same(
        &format!("{fixture_name} (xlsx)"),
        &parse_xlsx(table.bytes(Format::Xlsx)?)?,
        &want,
    );
    Ok(())
}

async fn approve(store: &SqliteStore, id: &str) -> Result<(), BoxError> {
    use sha2::Digest as _;
    let key = hex::encode(sha2::Sha256::digest(id.as_bytes()));
    let meta = WriteMeta::new(
        format!("approve-{}", &key[..16]).parse()?,
        "supervisor".parse()?,
        testkit::AT,
    );
    store.approve(&meta, &id.parse()?).await?;
    Ok(())
}

fn now() -> Result<Timestamp, BoxError> {
    Ok("2026-11-30T02:00:00Z".parse()?)
}

#[test]
fn penalties_export_in_the_credit_china_layout() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let cal = Calendar::embedded()?;
    let table = tokio::runtime::Runtime::new()?.block_on(async {
        let decisions: Vec<PenaltyDecision> =
            serde_json::from_str(&std::fs::read_to_string(fixture("penalties-input.json"))?)?;
        for (i, d) in decisions.into_iter().enumerate() {
            let number = d.number.to_string();
            store
                .record_penalty(&testkit::meta(&format!("p{i}"))?, d)
                .await?;
            if !number.contains("〔2026〕34号") {
                approve(&store, &format!("penalty-decision:{number}")).await?;
            }
        }
        // Revoked: no longer a current decision, not exported.
        store
            .change_penalty(
                &testkit::meta("rv")?,
                &"莆文旅罚〔2026〕33号".parse()?,
                PenaltyChangeKind::Revoked,
                "经行政复议予以撤销".into(),
                None,
                "2026-11-28".parse()?,
            )
            .await?;
        Ok::<_, BoxError>(export(&store, Layout::CreditChina, &cal, now()?).await?)
    })?;
    assert_eq!(table.columns, CREDIT_CHINA_COLUMNS);
    // 〔2026〕32号 was recorded before the credit-platform fields existed: exported, and named.
    assert_eq!(table.incomplete, ["莆文旅罚〔2026〕32号"]);
    // The website's projection of the same decisions has neither the ID number nor the legal
    // representative (they are in the exchange file only).
    let public = tokio::runtime::Runtime::new()?.block_on(async {
        let records = spotcheck_app::public::records::load_penalties(&store).await?;
        Ok::<_, BoxError>(spotcheck_app::public::project(
            &records,
            &cal,
            spotcheck_app::public::Gate::Live,
            now()?,
        ))
    })?;
    let shown = serde_json::to_string(&public.decisions().collect::<Vec<_>>())?;
    assert!(shown.contains("莆文旅罚〔2026〕31号") && shown.contains("0.12"));
    assert!(!shown.contains("11010519491231002X") && !shown.contains("林某某"));
    check_both(&table, "credit-china-penalties.csv")
}

#[test]
fn results_export_in_the_gsxt_layout() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let cal = Calendar::embedded()?;
    let names = [
        ("91350302MA0000001Y", "莆田一号旅行社有限公司"),
        ("91350302MA00000022", "莆田二号旅行社有限公司"),
        ("91350303MA0000003K", "莆田三号旅行社有限公司"),
        ("91350303MA0000004N", "莆田四号旅行社有限公司"),
        ("91350302MA0000005B", "莆田五号旅行社有限公司"),
        ("91350303MA0000006W", "莆田六号旅行社有限公司"),
    ];
    let table = tokio::runtime::Runtime::new()?.block_on(async {
        let mut b = FrameBuilder::new();
        for (i, (code, _)) in names.iter().enumerate() {
            let stratum = if code.starts_with("91350302") {
                "350302-A"
            } else {
                "350303-B"
            };
            b.push(code, stratum, i as u64)?;
        }
        let frame = b.finish()?;
        let pool = testkit::pool(8)?;
        store.put_frame(&testkit::meta("f")?, &frame).await?;
        store.put_pool(&testkit::meta("p")?, &pool).await?;
        let plan = store
            .create_plan(&testkit::meta("c")?, testkit::plan_spec("P1")?)
            .await?;
        let plan = store
            .change_plan(
                &testkit::meta("af")?,
                &plan.spec.id,
                plan.version,
                testkit::attach_frame(&frame),
            )
            .await?;
        store
            .change_plan(
                &testkit::meta("ap")?,
                &plan.spec.id,
                plan.version,
                testkit::attach_pool(&pool),
            )
            .await?;
        let c = testkit::commitment("P1", &frame, &pool)?;
        store.record_commitment(&testkit::meta("k")?, &c).await?;
        let t = testkit::transcript(c, &frame, &pool, "4 2 6 1")?;
        store.record_draw(&testkit::meta("d")?, &t).await?;
        // Every drawn target gets a result; the last one is not approved and stays out.
        let codes = [
            "no_problem_found",
            "corrected_after_order",
            "not_disclosed_as_required",
            "no_problem_found",
        ];
        for (i, (s, code)) in t.selections.iter().zip(codes).enumerate() {
            store
                .record_result(
                    &testkit::meta(&format!("r{i}"))?,
                    InspectionResult {
                        plan: "P1".parse()?,
                        target: s.target.clone(),
                        code: code.parse()?,
                        method: CheckMethod::OnSite,
                        inspectors: s.inspectors.clone(),
                        findings: "已核实。".into(),
                        follow_up: None,
                        completed_on: format!("2026-11-2{}", i + 1).parse()?,
                        recorded_at: testkit::AT,
                    },
                )
                .await?;
            if i < 3 {
                approve(&store, &format!("check-result:P1/{}", s.target)).await?;
            }
        }
        let mut records = load(&store).await?;
        for (code, name) in names {
            records.names.targets.insert(code.into(), name.into());
        }
        Ok::<_, BoxError>(results_table(&records, &cal, now()?))
    })?;
    assert_eq!(table.columns, GSXT_COLUMNS);
    // Each row's name belongs to its code (the fixture was checked against the list above).
    for row in &table.rows {
        let (_, name) = names
            .iter()
            .find(|(c, _)| *c == row[1])
            .ok_or("unknown code")?;
        assert_eq!(&row[0], name);
    }
    check_both(&table, "gsxt-results.csv")
}

#[test]
fn a_file_name_chooses_the_format_and_a_formula_is_neutralised() -> Result<(), BoxError> {
    assert_eq!(Format::of_path("a/b.CSV".as_ref())?, Format::Csv);
    assert_eq!(Format::of_path("x.xlsx".as_ref())?, Format::Xlsx);
    assert_eq!(
        Format::of_path("x.xls".as_ref()).map_err(|e| e.code()),
        Err("unknown-format")
    );
    let t = Table {
        sheet: "s",
        columns: vec!["a"],
        rows: vec![vec!["=HYPERLINK(\"x\")".into()]],
        incomplete: Vec::new(),
    };
    assert_eq!(parse_csv(&t.to_csv())?[1][0], "'=HYPERLINK(\"x\")");
    Ok(())
}
