//! Regenerates the synthetic Putian registries and the broken test files under `fixtures/`.
//!
//! ```text
//! cargo run -p spotcheck-import --example gen_fixtures
//! ```
//!
//! Deterministic: the same code writes the same bytes. See fixtures/registries/README.md.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use spotcheck_domain::registry::RegistryKind;
use spotcheck_import::synth;

const SEED: u64 = 2026;
const AGENCIES: usize = 150;
const GUIDES: usize = 1_500;
const OPERATORS: usize = 30;

fn csv_bytes(kind: RegistryKind, rows: &[Vec<String>]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    synth::write_rows(kind, rows, &mut out)?;
    Ok(out)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(dir.join(name), bytes)?;
    println!("wrote {}", dir.join(name).display());
    Ok(())
}

fn main() -> io::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let reg = root.join("registries");
    let broken = reg.join("broken");

    let agencies = synth::agencies(SEED, AGENCIES);
    write(
        &reg,
        "agencies.synthetic.csv",
        &csv_bytes(RegistryKind::Agencies, &agencies)?,
    )?;

    let mut guides_csv = Vec::new();
    synth::write_guides(SEED, GUIDES, AGENCIES, &mut guides_csv, |_| {})?;
    write(&reg, "guides.synthetic.csv", &guides_csv)?;
    let guides: Vec<Vec<String>> = {
        let mut r = csv::Reader::from_reader(guides_csv.as_slice());
        r.records()
            .filter_map(Result::ok)
            .map(|rec| rec.iter().map(str::to_owned).collect())
            .collect()
    };

    let operators = synth::operators(SEED, OPERATORS);
    write(
        &reg,
        "operators.synthetic.csv",
        &csv_bytes(RegistryKind::Operators, &operators)?,
    )?;

    // Conflicts point at real fixture targets: a few agencies and guides.
    let pool: Vec<String> = agencies
        .iter()
        .take(20)
        .chain(guides.iter().take(20))
        .map(|r| r[0].clone())
        .collect();
    let inspectors = synth::inspectors(SEED, &pool);
    write(
        &reg,
        "inspectors.synthetic.csv",
        &csv_bytes(RegistryKind::Inspectors, &inspectors)?,
    )?;

    // The same first 20 agencies, saved as Excel does on Chinese Windows (GBK, no BOM).
    let text =
        String::from_utf8_lossy(&csv_bytes(RegistryKind::Agencies, &agencies[..20])?).into_owned();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable, "fixture text must be representable in GBK");
    write(&reg, "agencies-gbk.synthetic.csv", &gbk)?;

    // Broken files: small, each with exactly the defects listed in broken/expected.json.
    let mut a = agencies[..5].to_vec();
    let code = &mut a[2][0];
    let last = code.pop().unwrap_or('0');
    code.push(if last == '0' { '1' } else { '0' });
    write(
        &broken,
        "agencies-bad-check-character.synthetic.csv",
        &csv_bytes(RegistryKind::Agencies, &a)?,
    )?;

    let mut missing = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut missing);
        let h = synth::headers(RegistryKind::Agencies);
        w.write_record(
            h.iter()
                .enumerate()
                .filter(|(i, _)| *i != 1)
                .map(|(_, c)| *c),
        )?;
        for r in &agencies[..5] {
            w.write_record(
                r.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != 1)
                    .map(|(_, c)| c),
            )?;
        }
        w.flush()?;
    }
    write(&broken, "agencies-missing-column.synthetic.csv", &missing)?;

    let mut g = guides[..5].to_vec();
    g[3][0] = g[0][0].clone();
    write(
        &broken,
        "guides-duplicate-id.synthetic.csv",
        &csv_bytes(RegistryKind::Guides, &g)?,
    )?;

    let mut g = guides[..5].to_vec();
    g[1][4] = "L-FJ-99999".to_owned();
    write(
        &broken,
        "guides-broken-reference.synthetic.csv",
        &csv_bytes(RegistryKind::Guides, &g)?,
    )?;

    let mut o = operators[..5].to_vec();
    o[1][3] = "350399".to_owned();
    write(
        &broken,
        "operators-unknown-region.synthetic.csv",
        &csv_bytes(RegistryKind::Operators, &o)?,
    )?;

    let mut i = inspectors[..5].to_vec();
    i[4][6] = "D-3503-999999".to_owned();
    write(
        &broken,
        "inspectors-broken-reference.synthetic.csv",
        &csv_bytes(RegistryKind::Inspectors, &i)?,
    )?;

    // GBK and broken at once: the reported value must come back as readable Chinese.
    let mut a = agencies[..3].to_vec();
    a[1][7] = "营业中".to_owned();
    let text = String::from_utf8_lossy(&csv_bytes(RegistryKind::Agencies, &a)?).into_owned();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    write(&broken, "agencies-gbk-bad-status.synthetic.csv", &gbk)?;
    Ok(())
}
