//! Reading the protocol's input files and writing outputs atomically.

use std::io::{IsTerminal, Write};
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::de::DeserializeOwned;
use spotcheck_domain::frame::{Frame, FrameBuilder, InspectorPool, PoolBuilder};

use crate::exit::Failure;

/// Entries above which long work shows a progress bar (on a terminal only).
const PROGRESS_THRESHOLD: u64 = 100_000;

/// A progress bar on stderr, hidden when stderr is not a terminal or the work is small.
pub fn progress(len: u64, what: &str) -> ProgressBar {
    if len < PROGRESS_THRESHOLD || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({eta})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

/// A spinner-like bar for work whose size is unknown until read (file size in bytes).
fn file_progress(path: &Path, what: &str) -> ProgressBar {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    // About 40 bytes a row: show a bar from ~100,000 rows.
    if len < PROGRESS_THRESHOLD * 40 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{msg:>10} [{bar:40}] {bytes}/{total_bytes}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

fn open_csv(path: &Path) -> Result<csv::Reader<std::fs::File>, Failure> {
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::bad_input(format!("{}: cannot read: {e}", path.display())))?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(file))
}

fn check_headers(
    path: &Path,
    rdr: &mut csv::Reader<std::fs::File>,
    want: &[&str],
) -> Result<Vec<usize>, Failure> {
    let headers = rdr
        .byte_headers()
        .map_err(|e| Failure::bad_input(format!("{}: line 1: {e}", path.display())))?
        .clone();
    let names: Vec<String> = headers
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_owned()
        })
        .collect();
    want.iter()
        .map(|w| {
            names.iter().position(|n| n == w).ok_or_else(|| {
                Failure::bad_input(format!(
                    "{}: line 1: missing column {w:?} (found {})",
                    path.display(),
                    names.join(", ")
                ))
            })
        })
        .collect()
}

fn field<'r>(
    path: &Path,
    rec: &'r csv::ByteRecord,
    idx: usize,
    name: &str,
    line: u64,
) -> Result<&'r str, Failure> {
    let raw = rec.get(idx).ok_or_else(|| {
        Failure::bad_input(format!(
            "{}: line {line}, field {name}: missing",
            path.display()
        ))
    })?;
    std::str::from_utf8(raw).map_err(|_| {
        Failure::bad_input(format!(
            "{}: line {line}, field {name}: not valid UTF-8",
            path.display()
        ))
    })
}

/// RFC 4180 quoting, as draw spec §14 reads the frame and pool files: a field is quoted entirely
/// or not at all, so a quote inside an unquoted field, or anything but a separator or line end
/// after a closing quote, refuses the file. (The csv crate would read both leniently, where the
/// browser verifier refuses them.)
fn check_quoting(path: &Path) -> Result<(), Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::bad_input(format!("{}: cannot read: {e}", path.display())))?;
    let refuse = |line: u64, what: &str| {
        Failure::bad_input(format!(
            "{}: line {line}: {what} (RFC 4180)",
            path.display()
        ))
    };
    let mut i = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let mut line = 1u64;
    let mut field_start = true;
    while let Some(&b) = bytes.get(i) {
        if field_start && b == b'"' {
            let opened = line;
            i += 1;
            loop {
                match (bytes.get(i), bytes.get(i + 1)) {
                    (None, _) => return Err(refuse(opened, "a quote is never closed")),
                    (Some(b'"'), Some(b'"')) => i += 2,
                    (Some(b'"'), _) => break,
                    (Some(c), _) => {
                        line += u64::from(*c == b'\n');
                        i += 1;
                    }
                }
            }
            i += 1;
            if !matches!(bytes.get(i), None | Some(b',' | b'\n' | b'\r')) {
                return Err(refuse(line, "text after a closing quote"));
            }
            field_start = false;
            continue;
        }
        match b {
            b',' | b'\r' => field_start = true,
            b'\n' => {
                line += 1;
                field_start = true;
            }
            b'"' => {
                return Err(refuse(
                    line,
                    "a quote inside a field that does not start with one",
                ));
            }
            _ => field_start = false,
        }
        i += 1;
    }
    Ok(())
}

/// Reads a frame CSV (`target_id,stratum`, header required).
pub fn read_frame(path: &Path) -> Result<Frame, Failure> {
    check_quoting(path)?;
    let mut rdr = open_csv(path)?;
    let cols = check_headers(path, &mut rdr, &["target_id", "stratum"])?;
    let bar = file_progress(path, "frame");
    let mut b = FrameBuilder::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(Failure::bad_input(format!("{}: {e}", path.display()))),
        }
        let line = rec.position().map_or(0, |p| p.line());
        let id = field(path, &rec, cols[0], "target_id", line)?;
        let stratum = field(path, &rec, cols[1], "stratum", line)?;
        b.push(id, stratum, line)
            .map_err(|e| Failure::bad_input(format!("{}: {e}", path.display())))?;
        if line.is_multiple_of(65_536) {
            bar.set_position(rec.position().map_or(0, |p| p.byte()));
        }
    }
    bar.finish_and_clear();
    b.finish()
        .map_err(|e| Failure::bad_input(format!("{}: {e}", path.display())))
}

/// Reads a pool CSV (`inspector_id,department,conflicts`; conflicts separated by `;`).
pub fn read_pool(path: &Path) -> Result<InspectorPool, Failure> {
    check_quoting(path)?;
    let mut rdr = open_csv(path)?;
    let cols = check_headers(path, &mut rdr, &["inspector_id", "department", "conflicts"])?;
    let mut b = PoolBuilder::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(Failure::bad_input(format!("{}: {e}", path.display()))),
        }
        let line = rec.position().map_or(0, |p| p.line());
        let id = field(path, &rec, cols[0], "inspector_id", line)?;
        let dept = field(path, &rec, cols[1], "department", line)?;
        let conflicts = field(path, &rec, cols[2], "conflicts", line)?;
        let list = conflicts
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty());
        b.push_fields(id, dept, list, line)
            .map_err(|e| Failure::bad_input(format!("{}: {e}", path.display())))?;
    }
    b.finish()
        .map_err(|e| Failure::bad_input(format!("{}: {e}", path.display())))
}

/// Reads and strictly parses a JSON file.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::bad_input(format!("{}: cannot read: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::bad_input(format!(
            "{}: line {}, column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

/// Tells the user what a command wrote to `path`: `wrote <path>: <what>`. Nothing when it wrote to
/// standard output (`-`), which then holds the data itself.
pub fn say_wrote(path: &Path, what: impl std::fmt::Display) {
    if path.as_os_str() != "-" {
        say!("wrote {}: {what}", path.display());
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, renamed into place,
/// so a failure never leaves a partial file. `path` of `-` writes to stdout.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(|e| Failure::Other(anyhow::anyhow!("writing to stdout: {e}")))?;
        return Ok(());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Published files are world-readable (tempfile's default is owner-only); secrets are written
    // elsewhere, with create_new and mode 0600.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| {
        Failure::bad_input(format!(
            "{}: cannot create a file there: {e}",
            dir.display()
        ))
    })?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Failure::Other(anyhow::anyhow!("writing {}: {e}", path.display())))?;
    tmp.persist(path)
        .map_err(|e| Failure::Other(anyhow::anyhow!("writing {}: {}", path.display(), e.error)))?;
    Ok(())
}

/// Canonical JSON bytes of a value, for files people hash and compare.
pub fn canonical<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, Failure> {
    spotcheck_domain::canonical_json::to_canonical_bytes(value)
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))
}
