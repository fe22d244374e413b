//! Hostile files: a zip bomb, one cell at `XFD1048576`, a ZIP named `.csv`, a million bad rows.
//! Each is refused with problems naming what is wrong, and the import's peak memory (measured
//! in a child process from `VmHWM` after resetting it) stays within a fixed bound, or within
//! twice the snapshot plus that bound for a valid file.

use std::io::{Cursor, Read, Write};
use std::path::PathBuf;

use spotcheck_domain::registry::{OnlineOperator, References};
use spotcheck_import::{ImportError, ImportLimits, import_bytes, import_bytes_with};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture_xlsx() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/registries/operators-small.synthetic.xlsx")
}

const HEADER_ROW: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>credit_code</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c><c r="C1" t="inlineStr"><is><t>platform</t></is></c><c r="D1" t="inlineStr"><is><t>region</t></is></c><c r="E1" t="inlineStr"><is><t>credit_class</t></is></c><c r="F1" t="inlineStr"><is><t>status</t></is></c></row>"#;

/// The fixture workbook with its worksheet replaced by `sheet_xml`.
fn workbook_with_sheet(sheet_xml: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut src = zip::ZipArchive::new(Cursor::new(std::fs::read(fixture_xlsx())?))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut part = src.by_index(i)?;
        let name = part.name()?.into_owned();
        let mut body = Vec::new();
        part.read_to_end(&mut body)?;
        out.start_file(name.as_str(), opts)?;
        if name == "xl/worksheets/sheet1.xml" {
            out.write_all(sheet_xml.as_bytes())?;
        } else {
            out.write_all(&body)?;
        }
    }
    Ok(out.finish()?.into_inner())
}

/// A worksheet: the operator header row, then `rows`.
fn sheet(dimension: Option<&str>, rows: &str) -> String {
    let dim = dimension
        .map(|d| format!(r#"<dimension ref="{d}"/>"#))
        .unwrap_or_default();
    format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{HEADER_ROW}{rows}</sheetData></worksheet>"#
    )
}

const FAR_CELL: &str =
    r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#;

/// LSB-first bit packing, as DEFLATE stores bits.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn push(&mut self, value: u64, count: u32) {
        self.acc |= value << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    /// A Huffman code: most significant bit first.
    fn code(&mut self, code: u64, len: u32) {
        for i in (0..len).rev() {
            self.push((code >> i) & 1, 1);
        }
    }
}

/// A raw DEFLATE stream inflating to `size` spaces: one literal, then copies of 258 bytes at
/// distance 1 (13 bits each, about 160:1), written directly so the test compresses nothing.
fn deflate_spaces(size: u64) -> Vec<u8> {
    let mut b = Bits {
        out: Vec::with_capacity((size / 150) as usize),
        acc: 0,
        n: 0,
    };
    b.push(1, 1); // BFINAL
    b.push(1, 2); // BTYPE = 01, fixed Huffman codes
    b.code(0x30 + 0x20, 8); // literal ' '
    let mut written = 1;
    while written + 258 <= size {
        b.code(0b1100_0101, 8); // length code 285: 258 bytes
        b.code(0, 5); // distance code 0: distance 1
        written += 258;
    }
    b.code(0, 7); // end of block
    b.push(0, 7);
    b.out
}

/// A one-part ZIP whose part `xl/worksheets/sheet1.xml` inflates to `size` bytes but declares
/// `declared` (a zip bomb lies about its size; the CRC is never reached).
fn zip_bomb(size: u64, declared: u32) -> Vec<u8> {
    zip_bomb_part(b"xl/worksheets/sheet1.xml", size, declared)
}

/// As [`zip_bomb`], for the part `name`.
fn zip_bomb_part(name: &[u8], size: u64, declared: u32) -> Vec<u8> {
    let data = deflate_spaces(size);
    let mut z = Vec::new();
    let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    // Local file header.
    le32(&mut z, 0x0403_4b50);
    le16(&mut z, 20);
    le16(&mut z, 0);
    le16(&mut z, 8); // deflate
    le16(&mut z, 0);
    le16(&mut z, 0);
    le32(&mut z, 0); // crc
    le32(&mut z, data.len() as u32);
    le32(&mut z, declared);
    le16(&mut z, name.len() as u16);
    le16(&mut z, 0);
    z.extend_from_slice(name);
    z.extend_from_slice(&data);
    let central = z.len() as u32;
    le32(&mut z, 0x0201_4b50);
    le16(&mut z, 20);
    le16(&mut z, 20);
    le16(&mut z, 0);
    le16(&mut z, 8);
    le16(&mut z, 0);
    le16(&mut z, 0);
    le32(&mut z, 0);
    le32(&mut z, data.len() as u32);
    le32(&mut z, declared);
    le16(&mut z, name.len() as u16);
    le16(&mut z, 0);
    le16(&mut z, 0);
    le16(&mut z, 0);
    le16(&mut z, 0);
    le32(&mut z, 0);
    le32(&mut z, 0); // local header offset
    z.extend_from_slice(name);
    let central_len = z.len() as u32 - central;
    le32(&mut z, 0x0605_4b50);
    le16(&mut z, 0);
    le16(&mut z, 0);
    le16(&mut z, 1);
    le16(&mut z, 1);
    le32(&mut z, central_len);
    le32(&mut z, central);
    le16(&mut z, 0);
    z
}

const BOMB_SIZE: u64 = 600 * 1024 * 1024;

/// `n` operator rows whose credit code is malformed: one problem each.
fn bad_rows_csv(n: usize) -> Vec<u8> {
    let mut s =
        String::from("统一社会信用代码,经营者名称,平台名称,行政区划代码,信用等级,经营状态\n");
    s.reserve(n * 96);
    for i in 0..n {
        s.push_str(&format!(
            "X{i},莆田某某网络科技有限公司,游云网,350302,A,正常\n"
        ));
    }
    s.into_bytes()
}

/// `n` valid operator rows, written straight into one buffer reserved ahead (no freed heap for
/// the measured import to reuse).
fn good_rows_csv(n: usize) -> Vec<u8> {
    let mut rng = spotcheck_import::synth::SplitMix64::new(7);
    let mut s = String::with_capacity(n * 128 + 256);
    s.push_str("统一社会信用代码,经营者名称,平台名称,行政区划代码,信用等级,经营状态\n");
    for i in 0..n {
        let code = spotcheck_import::synth::credit_code("350302", 10_000_000 + i as u64, &mut rng);
        s.push_str(&code);
        s.push_str(&format!(
            ",莆田游云{i}网络科技有限公司,游云{i}网,350302,A,正常\n"
        ));
    }
    s.into_bytes()
}

fn problems(e: &ImportError) -> Result<&spotcheck_domain::registry::ValidationErrors, String> {
    e.validation_errors()
        .ok_or_else(|| format!("expected row problems, got {e}"))
}

#[test]
fn one_cell_at_xfd1048576_is_refused_by_its_declared_dimensions_and_by_its_position() -> TestResult
{
    for dimension in [Some("A1:XFD1048576"), None] {
        let book = workbook_with_sheet(&sheet(dimension, FAR_CELL))?;
        assert!(book.len() < 8 * 1024, "{} bytes", book.len());
        for name in ["far.xlsx", "far.csv"] {
            let Err(e) = import_bytes::<OnlineOperator>(name, &book, &References::none(), 1) else {
                return Err(format!("{name} ({dimension:?}) was imported").into());
            };
            let v = problems(&e)?;
            assert_eq!(v.total, 1, "{v:?}");
            assert!(
                v.errors[0].reason.contains("column 16384")
                    && v.errors[0].reason.contains("XFD1048576"),
                "{v:?}"
            );
        }
    }
    Ok(())
}

#[test]
fn a_far_row_within_the_limits_reads_without_a_dense_range() -> TestResult {
    let row = r#"<row r="900000"><c r="A900000" t="inlineStr"><is><t>91350302MA2XN4QJ2B</t></is></c><c r="B900000" t="inlineStr"><is><t>莆田游云网络科技有限公司</t></is></c><c r="C900000" t="inlineStr"><is><t>游云网</t></is></c><c r="D900000"><v>350302</v></c><c r="E900000" t="inlineStr"><is><t>A</t></is></c><c r="F900000" t="inlineStr"><is><t>正常</t></is></c></row>"#;
    let book = workbook_with_sheet(&sheet(Some("A1:F900000"), row))?;
    let imported = import_bytes::<OnlineOperator>("far.xlsx", &book, &References::none(), 1)?;
    assert_eq!(imported.snapshot.len(), 1);
    Ok(())
}

#[test]
fn a_zip_bomb_is_refused_whatever_its_name_and_declared_size() -> TestResult {
    for declared in [1_000, u32::MAX - 1] {
        let bomb = zip_bomb(BOMB_SIZE, declared);
        assert!(bomb.len() < 8 * 1024 * 1024, "{} bytes", bomb.len());
        for name in ["bomb.xlsx", "bomb.csv"] {
            let Err(e) = import_bytes::<OnlineOperator>(name, &bomb, &References::none(), 1) else {
                return Err(format!("{name} was imported").into());
            };
            let v = problems(&e)?;
            assert_eq!(v.total, 1, "{v:?}");
            let reason = &v.errors[0].reason;
            assert!(
                reason.contains("decompresses to more than")
                    || reason.contains("larger than its declared uncompressed size"),
                "{v:?}"
            );
        }
    }
    Ok(())
}

#[test]
fn problems_are_kept_up_to_the_limit_and_all_counted() -> TestResult {
    let csv = bad_rows_csv(2_500);
    let Err(e) = import_bytes::<OnlineOperator>("bad.csv", &csv, &References::none(), 1) else {
        return Err("imported".into());
    };
    let v = problems(&e)?;
    assert_eq!((v.errors.len(), v.total), (1_000, 2_500));
    assert_eq!(v.errors[0].row, 2);
    assert!(v.is_truncated());
    assert!(e.to_string().starts_with("2500 problem(s)"), "{e}");
    Ok(())
}

#[test]
fn csv_bytes_rows_and_columns_are_capped() -> TestResult {
    let limits = ImportLimits {
        max_file_bytes: 1_000,
        max_rows: 10,
        max_columns: 8,
        ..ImportLimits::default()
    };
    let refs = References::none();
    let big = good_rows_csv(100);
    let e = import_bytes_with::<OnlineOperator>("big.csv", &big, &refs, 1, &limits)
        .err()
        .ok_or("imported")?;
    assert!(
        problems(&e)?.errors[0]
            .reason
            .contains("at most 1000 bytes")
    );

    let limits = ImportLimits {
        max_file_bytes: 1 << 20,
        ..limits
    };
    let e = import_bytes_with::<OnlineOperator>("big.csv", &big, &refs, 1, &limits)
        .err()
        .ok_or("imported")?;
    let v = problems(&e)?;
    assert!(
        v.errors
            .iter()
            .any(|p| p.row == 12 && p.reason.contains("more than 10 data rows")),
        "{v:?}"
    );

    let wide = format!(
        "统一社会信用代码,经营者名称,平台名称,行政区划代码,信用等级,经营状态\n{}\n",
        ",".repeat(20)
    );
    let e = import_bytes_with::<OnlineOperator>("wide.csv", wide.as_bytes(), &refs, 1, &limits)
        .err()
        .ok_or("imported")?;
    assert!(
        problems(&e)?.errors[0].reason.contains("at most 8 columns"),
        "{e}"
    );
    Ok(())
}

// ---- peak memory, measured in a child process ----

fn status_kib(field: &str) -> Result<u64, Box<dyn std::error::Error>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .ok_or("no such field")?;
    Ok(line.split_whitespace().nth(1).ok_or("no value")?.parse()?)
}

/// Runs one case (named by `SPOTCHECK_MEMPROBE`) and prints the peak and the retained growth of
/// resident memory over the import, in KiB. Run only as a child of the test below.
#[test]
#[ignore = "a child process of import_peak_memory_is_bounded"]
fn memprobe_child() -> TestResult {
    let Ok(case) = std::env::var("SPOTCHECK_MEMPROBE") else {
        return Ok(());
    };
    let (name, input) = match case.as_str() {
        "bomb" => ("bomb.csv", zip_bomb(BOMB_SIZE, 1_000)),
        "far" => ("far.xlsx", workbook_with_sheet(&sheet(None, FAR_CELL))?),
        "bad" => ("bad.csv", bad_rows_csv(1_000_000)),
        "good" => ("good.csv", good_rows_csv(200_000)),
        other => return Err(format!("unknown case {other}").into()),
    };
    let refs = References::none();
    std::fs::write("/proc/self/clear_refs", "5")?; // reset VmHWM to the current RSS
    let before = status_kib("VmRSS:")?;
    let result = import_bytes::<OnlineOperator>(name, &input, &refs, 1);
    let peak = status_kib("VmHWM:")?;
    let after = status_kib("VmRSS:")?;
    let (ok, detail) = match &result {
        Ok(i) => (true, i.snapshot.len()),
        Err(e) => (false, e.validation_errors().map_or(0, |v| v.total)),
    };
    println!(
        "MEMPROBE peak={} retained={} ok={ok} n={detail}",
        peak.saturating_sub(before),
        after.saturating_sub(before)
    );
    drop(result);
    Ok(())
}

/// Fixed allowance for the reader's buffers, the allocator and the thread (KiB).
const FIXED_KIB: u64 = 48 * 1024;

fn probe(case: &str) -> Result<(u64, u64, bool, usize), Box<dyn std::error::Error>> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["memprobe_child", "--exact", "--ignored", "--nocapture"])
        .env("SPOTCHECK_MEMPROBE", case)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("MEMPROBE "))
        .ok_or_else(|| {
            format!(
                "{case}: no result: {text} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
    let field = |k: &str| -> Result<String, String> {
        line.split_whitespace()
            .find_map(|f| f.strip_prefix(k))
            .map(str::to_owned)
            .ok_or_else(|| format!("{case}: no {k} in {line}"))
    };
    Ok((
        field("peak=")?.parse()?,
        field("retained=")?.parse()?,
        field("ok=")? == "true",
        field("n=")?.parse()?,
    ))
}

#[test]
fn import_peak_memory_is_bounded() -> TestResult {
    if !std::path::Path::new("/proc/self/clear_refs").exists() {
        eprintln!("no /proc/self/clear_refs: peak memory not measured");
        return Ok(());
    }
    for case in ["bomb", "far", "bad"] {
        let (peak, _, ok, total) = probe(case)?;
        assert!(!ok, "{case} was imported");
        assert!(peak < FIXED_KIB, "{case}: peak {peak} KiB over the import");
        if case == "bad" {
            assert_eq!(total, 1_000_000);
        }
    }
    // A valid file: at most twice the snapshot it leaves behind, plus the fixed allowance.
    let (peak, retained, ok, n) = probe("good")?;
    assert!(ok && n == 200_000);
    assert!(
        peak < 2 * retained + FIXED_KIB,
        "peak {peak} KiB for a snapshot of {retained} KiB"
    );
    Ok(())
}

#[test]
fn files_on_disk_over_the_byte_limit_are_refused_by_name_before_reading() -> TestResult {
    let dir = tempfile::tempdir()?;
    let limits = ImportLimits {
        max_file_bytes: 1_000,
        ..ImportLimits::default()
    };
    for (name, bytes) in [
        ("big.csv", good_rows_csv(100)),
        ("far.xlsx", workbook_with_sheet(&sheet(None, FAR_CELL))?),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes)?;
        assert!(bytes.len() > 1_000);
        let e = spotcheck_import::import_path_with::<OnlineOperator>(
            &path,
            &References::none(),
            1,
            &limits,
        )
        .err()
        .ok_or("imported")?;
        let v = problems(&e)?;
        assert_eq!((v.total, v.file.as_str()), (1, name));
        assert!(v.errors[0].reason.contains("at most 1000 bytes"), "{v:?}");
    }
    Ok(())
}

#[test]
fn parts_read_whole_have_limits_of_their_own() -> TestResult {
    // 40 MiB of styles or 200 MiB of shared strings: within the total, over the part's limit.
    for (part, size) in [
        (&b"xl/styles.xml"[..], 40u64 << 20),
        (&b"xl/sharedStrings.xml"[..], 200 << 20),
    ] {
        for declared in [1_000, size as u32] {
            let bomb = zip_bomb_part(part, size, declared);
            let e = import_bytes::<OnlineOperator>("styled.xlsx", &bomb, &References::none(), 1)
                .err()
                .ok_or("imported")?;
            let v = problems(&e)?;
            let reason = &v.errors[0].reason;
            assert!(
                reason.contains(std::str::from_utf8(part)?)
                    || reason.contains("larger than its declared uncompressed size"),
                "{reason}"
            );
        }
    }
    Ok(())
}
