//! Every fixture under fixtures/registries and fixtures/items: good ones import, broken ones
//! report exactly the file, row, column and kind listed in broken/expected.json.

use std::path::PathBuf;

use spotcheck_domain::registry::{
    CheckItem, Guide, Inspector, OnlineOperator, Record, References, TravelAgency,
};
use spotcheck_import::{ImportError, SourceEncoding, import_path, import_target_ids};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn registry(name: &str) -> PathBuf {
    fixture(&format!("registries/{name}"))
}

#[test]
fn the_putian_registries_import_with_the_documented_sizes() -> TestResult {
    let agencies =
        import_path::<TravelAgency>(&registry("agencies.synthetic.csv"), &References::none(), 1)?;
    assert_eq!(agencies.snapshot.len(), 150);
    assert_eq!(agencies.encoding, SourceEncoding::Utf8);
    let refs = References::none().with_agencies(&agencies.snapshot);
    let guides = import_path::<Guide>(&registry("guides.synthetic.csv"), &refs, 1)?;
    assert_eq!(guides.snapshot.len(), 1_500);
    assert!(
        guides
            .snapshot
            .records()
            .iter()
            .all(|g| g.agency.is_some() || g.name.chars().count() >= 2)
    );
    let operators = import_path::<OnlineOperator>(
        &registry("operators.synthetic.csv"),
        &References::none(),
        1,
    )?;
    assert_eq!(operators.snapshot.len(), 30);

    let mut targets = References::none();
    for f in [
        "agencies.synthetic.csv",
        "guides.synthetic.csv",
        "operators.synthetic.csv",
    ] {
        targets = targets.with_targets(import_target_ids(&registry(f))?.1);
    }
    let inspectors = import_path::<Inspector>(&registry("inspectors.synthetic.csv"), &targets, 1)?;
    assert_eq!(inspectors.snapshot.len(), 60);
    assert!(
        inspectors
            .snapshot
            .records()
            .iter()
            .any(|i| !i.conflicts.is_empty())
    );
    let departments: std::collections::BTreeSet<_> = inspectors
        .snapshot
        .records()
        .iter()
        .map(|i| i.department.as_str())
        .collect();
    assert_eq!(departments.len(), 8);
    Ok(())
}

#[test]
fn the_item_list_imports_with_the_seed_legal_bases() -> TestResult {
    let items =
        import_path::<CheckItem>(&fixture("items/tourism-items.csv"), &References::none(), 1)?;
    assert_eq!(items.snapshot.len(), 4);
    for item in items.snapshot.records() {
        assert!(
            item.legal_basis
                .contains("国务院办公厅关于推广随机抽查规范事中事后监管的通知"),
            "{}",
            item.code
        );
    }
    Ok(())
}

#[test]
fn gbk_and_utf8_copies_of_the_same_rows_give_the_same_snapshot() -> TestResult {
    let gbk = import_path::<TravelAgency>(
        &registry("agencies-gbk.synthetic.csv"),
        &References::none(),
        1,
    )?;
    assert_eq!(gbk.encoding, SourceEncoding::Gb18030);
    let all =
        import_path::<TravelAgency>(&registry("agencies.synthetic.csv"), &References::none(), 1)?;
    let first20: Vec<TravelAgency> = {
        let text = std::fs::read_to_string(registry("agencies.synthetic.csv"))?;
        let mut lines: Vec<&str> = text.lines().take(21).collect();
        lines.push("");
        spotcheck_import::import_bytes::<TravelAgency>(
            "x.csv",
            lines.join("\n").as_bytes(),
            &References::none(),
            1,
        )?
        .snapshot
        .records()
        .to_vec()
    };
    assert_eq!(gbk.snapshot.records(), first20.as_slice());
    assert!(all.snapshot.len() > gbk.snapshot.len());
    Ok(())
}

#[test]
fn the_xlsx_fixture_imports_like_its_csv_rows() -> TestResult {
    let xlsx = import_path::<OnlineOperator>(
        &registry("operators-small.synthetic.xlsx"),
        &References::none(),
        1,
    )?;
    assert_eq!(xlsx.format, spotcheck_import::Format::Xlsx);
    assert_eq!(xlsx.snapshot.len(), 10);
    let csv = import_path::<OnlineOperator>(
        &registry("operators.synthetic.csv"),
        &References::none(),
        1,
    )?;
    for op in xlsx.snapshot.records() {
        assert_eq!(csv.snapshot.get(op.id()), Some(op));
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct Case {
    desc: String,
    file: String,
    kind: String,
    #[serde(default)]
    agencies: Option<String>,
    #[serde(default)]
    targets: Vec<String>,
    want_errors: Vec<Want>,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Want {
    row: u64,
    column: String,
    kind: String,
    #[serde(default)]
    value: Option<String>,
}

fn errors_of<T: Record>(path: &std::path::Path, refs: &References) -> Result<Vec<Want>, String> {
    match import_path::<T>(path, refs, 1) {
        Ok(_) => Err("imported, but should have failed".to_owned()),
        Err(ImportError::Invalid(v)) => Ok(v
            .errors
            .into_iter()
            .map(|e| {
                assert_eq!(
                    e.file,
                    path.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                );
                Want {
                    row: e.row,
                    column: e.column,
                    kind: e.kind.code().to_owned(),
                    value: Some(e.value),
                }
            })
            .collect()),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn every_broken_fixture_reports_the_expected_file_row_and_column() -> TestResult {
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string(registry("broken/expected.json"))?)?;
    assert_eq!(cases.len(), 7);
    for case in cases {
        let mut refs = References::none();
        if let Some(a) = &case.agencies {
            let agencies = import_path::<TravelAgency>(&registry(a), &References::none(), 1)?;
            refs = refs.with_agencies(&agencies.snapshot);
        }
        for t in &case.targets {
            refs = refs.with_targets(import_target_ids(&registry(t))?.1);
        }
        let path = registry(&format!("broken/{}", case.file));
        let got = match case.kind.as_str() {
            "agencies" => errors_of::<TravelAgency>(&path, &refs),
            "guides" => errors_of::<Guide>(&path, &refs),
            "operators" => errors_of::<OnlineOperator>(&path, &refs),
            "inspectors" => errors_of::<Inspector>(&path, &refs),
            other => Err(format!("unknown kind {other}")),
        }
        .map_err(|e| format!("{}: {e}", case.desc))?;
        let got: Vec<Want> = got
            .into_iter()
            .zip(case.want_errors.iter())
            .map(|(mut g, w)| {
                if w.value.is_none() {
                    g.value = None;
                }
                g
            })
            .collect();
        assert_eq!(got, case.want_errors, "{}", case.desc);
    }
    Ok(())
}

#[test]
fn a_missing_file_is_an_io_error() {
    let r = import_path::<Guide>(&registry("nope.csv"), &References::none(), 1);
    assert!(matches!(r, Err(ImportError::Io { .. })));
}

#[test]
fn csv_syntax_errors_and_short_rows_are_reported_per_row() -> TestResult {
    let csv = "统一社会信用代码,经营者名称,平台名称,行政区划代码,信用等级,经营状态\n\
               91350302MA2XN4QJ2B,莆田游云网络科技有限公司\n";
    let err = spotcheck_import::import_bytes::<OnlineOperator>(
        "o.csv",
        csv.as_bytes(),
        &References::none(),
        1,
    )
    .err()
    .and_then(|e| e.validation_errors().cloned())
    .ok_or("expected validation errors")?;
    let cols: Vec<_> = err
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(
        cols,
        [
            (2, "platform"),
            (2, "region"),
            (2, "credit_class"),
            (2, "status")
        ]
    );
    Ok(())
}

#[test]
fn gen_fixtures_output_is_what_is_committed() -> TestResult {
    // The generator is deterministic; regenerate the agencies in memory and compare bytes.
    let rows = spotcheck_import::synth::agencies(2026, 150);
    let mut out = Vec::new();
    spotcheck_import::synth::write_rows(
        spotcheck_domain::registry::RegistryKind::Agencies,
        &rows,
        &mut out,
    )?;
    assert_eq!(out, std::fs::read(registry("agencies.synthetic.csv"))?);
    Ok(())
}
