//! # spotcheck-import
//!
//! Turns the files staff keep (CSV or Excel `.xlsx`; UTF-8 with or without BOM, or GBK/GB18030)
//! into validated registry snapshots by feeding rows to
//! [`spotcheck_domain::registry::Validator`]. This crate does the I/O-ish decoding; every rule about
//! what a valid row is lives in the pure domain crate.
//!
//! Encoding: a UTF-8 byte-order mark means UTF-8; otherwise valid UTF-8 is UTF-8; anything else is
//! decoded as GB18030 (a superset of GBK and GB2312). Large UTF-8 CSV files are streamed row by row
//! with one reused record buffer, so memory stays close to one copy of the snapshot.
//!
//! ```
//! use spotcheck_domain::registry::{OnlineOperator, References};
//! let csv = "统一社会信用代码,经营者名称,平台名称,行政区划代码,信用等级,经营状态\n\
//!            91350302MA2XN4QJ2B,莆田游云网络科技有限公司,游云网,350302,A,正常\n";
//! let imported = spotcheck_import::import_bytes::<OnlineOperator>(
//!     "operators.csv", csv.as_bytes(), &References::none(), 1)?;
//! assert_eq!(imported.snapshot.len(), 1);
//! assert_eq!(imported.encoding, spotcheck_import::SourceEncoding::Utf8);
//! # Ok::<(), spotcheck_import::ImportError>(())
//! ```
#![warn(missing_docs)]

mod csv_source;
mod decode;
mod detect;
mod limits;
pub mod synth;
mod xlsx_source;

use std::path::{Path, PathBuf};

use spotcheck_domain::registry::{
    ProblemSink, Record, References, RegistryKind, RegistrySnapshot, ValidationErrors,
};

pub use decode::{SourceEncoding, decode};
pub use detect::detect_kind;
pub use limits::ImportLimits;

/// The container format of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// Office Open XML workbook (first worksheet).
    Xlsx,
}

impl Format {
    /// Guesses the format from the file name and the first bytes (a ZIP header means `.xlsx`).
    pub fn sniff(file_name: &str, head: &[u8]) -> Self {
        if head.starts_with(b"PK\x03\x04") || file_name.to_ascii_lowercase().ends_with(".xlsx") {
            Self::Xlsx
        } else {
            Self::Csv
        }
    }
}

/// A successful import.
#[derive(Debug, Clone)]
pub struct Imported<T> {
    /// The validated snapshot.
    pub snapshot: RegistrySnapshot<T>,
    /// The container format read.
    pub format: Format,
    /// The text encoding detected (always UTF-8 for `.xlsx`).
    pub encoding: SourceEncoding,
}

/// Why an import produced no snapshot.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but has problems; every one is listed.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
}

impl ImportError {
    /// The row problems, if that is what went wrong.
    pub fn validation_errors(&self) -> Option<&ValidationErrors> {
        match self {
            Self::Invalid(v) => Some(v),
            Self::Io { .. } => None,
        }
    }
}

/// Imports a file already in memory within the default [`ImportLimits`]. `file_name` is used in
/// error reports and to recognise `.xlsx` (a file that starts like a ZIP is read as `.xlsx`
/// whatever its name).
///
/// # Errors
/// [`ImportError::Invalid`] with the problems found (the first [`ImportLimits::max_problems`] and
/// their total).
pub fn import_bytes<T: Record>(
    file_name: &str,
    bytes: &[u8],
    refs: &References,
    snapshot_number: u64,
) -> Result<Imported<T>, ImportError> {
    import_bytes_with(
        file_name,
        bytes,
        refs,
        snapshot_number,
        &ImportLimits::default(),
    )
}

/// A problem on row 1 that refuses the whole file.
fn refused(file_name: &str, reason: String) -> ImportError {
    ImportError::Invalid(file_problem(file_name, 1, reason))
}

/// The report of a file that could not be read past `row`: that one problem.
pub(crate) fn file_problem(file_name: &str, row: u64, reason: String) -> ValidationErrors {
    ValidationErrors::new(
        file_name.to_owned(),
        vec![spotcheck_domain::registry::RowError {
            file: file_name.to_owned(),
            row,
            column: String::new(),
            value: String::new(),
            kind: spotcheck_domain::registry::ErrorKind::Unreadable,
            reason,
        }],
    )
}

fn too_large(size: u64, limits: &ImportLimits) -> String {
    format!(
        "the file is {size} bytes; at most {} bytes are imported: split the registry",
        limits.max_file_bytes
    )
}

/// [`import_bytes`] within `limits`.
///
/// # Errors
/// As [`import_bytes`]; a file over a limit is refused with a problem naming the limit.
pub fn import_bytes_with<T: Record>(
    file_name: &str,
    bytes: &[u8],
    refs: &References,
    snapshot_number: u64,
    limits: &ImportLimits,
) -> Result<Imported<T>, ImportError> {
    import_bytes_reporting(file_name, bytes, refs, snapshot_number, limits, None)
}

/// [`import_bytes_with`], sending every problem the validator finds to `sink` as well, in the
/// order found, however many [`ImportLimits::max_problems`] keeps (the full report of a refused
/// file). A file refused whole (too large, unreadable) has its one problem only in the error.
///
/// # Errors
/// As [`import_bytes_with`].
pub fn import_bytes_reporting<T: Record>(
    file_name: &str,
    bytes: &[u8],
    refs: &References,
    snapshot_number: u64,
    limits: &ImportLimits,
    sink: Option<&dyn ProblemSink>,
) -> Result<Imported<T>, ImportError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(refused(file_name, too_large(bytes.len() as u64, limits)));
    }
    match Format::sniff(file_name, bytes) {
        Format::Xlsx => Ok(Imported {
            snapshot: xlsx_source::import::<T>(
                file_name,
                bytes,
                refs,
                snapshot_number,
                limits,
                sink,
            )?,
            format: Format::Xlsx,
            encoding: SourceEncoding::Utf8,
        }),
        Format::Csv => {
            let (text, encoding) = decode(bytes);
            let snapshot = csv_source::import_utf8::<T, _>(
                file_name,
                text.as_bytes(),
                bytes.len(),
                refs,
                snapshot_number,
                limits,
                sink,
            )
            .map_err(ImportError::Invalid)?;
            Ok(Imported {
                snapshot,
                format: Format::Csv,
                encoding,
            })
        }
    }
}

/// Imports a file from disk within the default [`ImportLimits`]. UTF-8 CSV is streamed; GB18030
/// CSV and `.xlsx` are read whole. Errors name the file by its final path component.
///
/// # Errors
/// [`ImportError::Io`] if the file cannot be read, [`ImportError::Invalid`] with the problems.
pub fn import_path<T: Record>(
    path: &Path,
    refs: &References,
    snapshot_number: u64,
) -> Result<Imported<T>, ImportError> {
    import_path_with(path, refs, snapshot_number, &ImportLimits::default())
}

/// [`import_path`] within `limits`.
///
/// # Errors
/// As [`import_path`]; a file over a limit is refused with a problem naming the limit.
pub fn import_path_with<T: Record>(
    path: &Path,
    refs: &References,
    snapshot_number: u64,
    limits: &ImportLimits,
) -> Result<Imported<T>, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_owned(),
        source,
    };
    let name = display_name(path);
    let mut head = [0u8; 4];
    let head_len = {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(io)?;
        let mut n = 0;
        while n < head.len() {
            match f.read(&mut head[n..]).map_err(io)? {
                0 => break,
                k => n += k,
            }
        }
        n
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map(|m| m.len()).map_err(io)?;
    if size > limits.max_file_bytes {
        return Err(refused(&name, too_large(size, limits)));
    }
    if Format::sniff(&name, &head[..head_len]) == Format::Xlsx {
        return import_bytes_with(
            &name,
            &read_bounded(path, &name, limits)?,
            refs,
            snapshot_number,
            limits,
        );
    }
    match csv_source::import_streaming::<T, _>(
        &name,
        std::io::BufReader::with_capacity(1 << 16, file),
        size as usize,
        refs,
        snapshot_number,
        limits,
        None,
    ) {
        Ok(Some(snapshot)) => Ok(Imported {
            snapshot,
            format: Format::Csv,
            encoding: if head.starts_with(&[0xef, 0xbb, 0xbf]) {
                SourceEncoding::Utf8Bom
            } else {
                SourceEncoding::Utf8
            },
        }),
        Ok(None) => {
            // Not UTF-8: decode the whole file (GB18030) and start again.
            import_bytes_with(
                &name,
                &read_bounded(path, &name, limits)?,
                refs,
                snapshot_number,
                limits,
            )
        }
        Err(csv_source::StreamError::Io(e)) => Err(io(e)),
        Err(csv_source::StreamError::Invalid(v)) => Err(ImportError::Invalid(v)),
    }
}

/// The whole file, refused by name if it is larger than `limits` allow.
fn read_bounded(path: &Path, name: &str, limits: &ImportLimits) -> Result<Vec<u8>, ImportError> {
    use std::io::Read;
    let io = |source| ImportError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limits.max_file_bytes {
        return Err(refused(name, too_large(size, limits)));
    }
    let mut bytes = Vec::new();
    file.take(limits.max_file_bytes)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(bytes)
}

/// The name errors use for a path: its final component, or the whole path.
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The header row of a CSV or `.xlsx` file in memory (empty if there is none).
pub fn read_headers(file_name: &str, bytes: &[u8]) -> Vec<String> {
    match Format::sniff(file_name, bytes) {
        Format::Xlsx => xlsx_source::headers(bytes, &ImportLimits::default()),
        Format::Csv => {
            let (text, _) = decode(bytes);
            csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes())
                .records()
                .next()
                .and_then(Result::ok)
                .map(|r| r.iter().map(str::to_owned).collect())
                .unwrap_or_default()
        }
    }
}

/// Imports a target registry file of any kind (recognised from its headers: agencies, guides or
/// operators) and returns its target ids, e.g. to check inspectors' declared conflicts.
///
/// # Errors
/// [`ImportError::Io`], or [`ImportError::Invalid`] if the file is invalid or is not a target
/// registry.
pub fn import_target_ids(path: &Path) -> Result<(RegistryKind, Vec<String>), ImportError> {
    use spotcheck_domain::registry::{Guide, OnlineOperator, TravelAgency};
    let name = display_name(path);
    let bytes = read_bounded(path, &name, &ImportLimits::default())?;
    let refs = References::none();
    fn ids<T: Record>(s: &RegistrySnapshot<T>) -> Vec<String> {
        s.records().iter().map(|r| r.id().to_owned()).collect()
    }
    match detect_kind(&read_headers(&name, &bytes)) {
        Some(k @ RegistryKind::Agencies) => Ok((
            k,
            ids(&import_bytes::<TravelAgency>(&name, &bytes, &refs, 0)?.snapshot),
        )),
        Some(k @ RegistryKind::Guides) => Ok((
            k,
            ids(&import_bytes::<Guide>(&name, &bytes, &refs, 0)?.snapshot),
        )),
        Some(k @ RegistryKind::Operators) => Ok((
            k,
            ids(&import_bytes::<OnlineOperator>(&name, &bytes, &refs, 0)?.snapshot),
        )),
        _ => Err(ImportError::Invalid(ValidationErrors::new(
            name.clone(),
            vec![spotcheck_domain::registry::RowError {
                file: name,
                row: 1,
                column: String::new(),
                value: String::new(),
                kind: spotcheck_domain::registry::ErrorKind::MissingColumn,
                reason:
                    "not a target registry: the headers match none of agencies, guides, operators"
                        .to_owned(),
            }],
        ))),
    }
}
