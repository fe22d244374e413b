//! CSV rows into the domain validator, with one reused record buffer.

use std::io::Read;

use csv::StringRecord;
use spotcheck_domain::registry::{
    ProblemSink, Record, References, RegistrySnapshot, Row, ValidationErrors, Validator,
};

use crate::ImportLimits;

/// A CSV record seen as a domain [`Row`].
struct CsvRow<'a>(&'a StringRecord);

impl Row for CsvRow<'_> {
    fn cell(&self, index: usize) -> Option<&str> {
        self.0.get(index)
    }
    fn is_blank(&self) -> bool {
        self.0.iter().all(|c| c.trim().is_empty())
    }
}

pub(crate) enum StreamError {
    Io(std::io::Error),
    Invalid(ValidationErrors),
}

/// Rough bytes per row, to reserve the record vector once.
const BYTES_PER_ROW_GUESS: usize = 64;
/// Most records reserved ahead from the size (a file of bad rows must not reserve a large vector).
const MAX_RESERVE: usize = 100_000;

fn reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input)
}

/// Streams UTF-8 CSV. Returns `Ok(None)` as soon as a non-UTF-8 record is met (the caller then
/// decodes the whole file as GB18030 and starts again).
pub(crate) fn import_streaming<T: Record, R: Read>(
    file: &str,
    input: R,
    size_hint: usize,
    refs: &References,
    number: u64,
    limits: &ImportLimits,
    sink: Option<&dyn ProblemSink>,
) -> Result<Option<RegistrySnapshot<T>>, StreamError> {
    let mut rdr = reader(input);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return match e.kind() {
                csv::ErrorKind::Utf8 { .. } => Ok(None),
                csv::ErrorKind::Io(_) => match e.into_kind() {
                    csv::ErrorKind::Io(io) => Err(StreamError::Io(io)),
                    _ => Ok(None),
                },
                _ => {
                    let mut v = Validator::<T>::new(file, &[] as &[&str], refs)
                        .with_max_problems(limits.max_problems)
                        .with_sink(sink);
                    v.unreadable(1, e.to_string());
                    v.finish(number).map(Some).map_err(StreamError::Invalid)
                }
            };
        }
    };
    let header_cells: Vec<&str> = headers.iter().collect();
    let mut v = Validator::<T>::new(file, &header_cells, refs)
        .with_max_problems(limits.max_problems)
        .with_sink(sink);
    if header_cells.len() > limits.max_columns as usize {
        v.unreadable(
            1,
            format!(
                "the header row has {} columns; at most {} are read",
                header_cells.len(),
                limits.max_columns
            ),
        );
        return v.finish(number).map(Some).map_err(StreamError::Invalid);
    }
    v.reserve((size_hint / BYTES_PER_ROW_GUESS).min(MAX_RESERVE));
    let mut record = StringRecord::new();
    let mut rows: u64 = 0;
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {
                let row = record.position().map(|p| p.line()).unwrap_or(0);
                rows += 1;
                if rows > limits.max_rows {
                    v.unreadable(
                        row,
                        format!(
                            "more than {} data rows: split the file (at most {} are read)",
                            limits.max_rows, limits.max_rows
                        ),
                    );
                    break;
                }
                if record.len() > limits.max_columns as usize {
                    v.unreadable(
                        row,
                        format!(
                            "{} cells in this row; at most {} columns are read",
                            record.len(),
                            limits.max_columns
                        ),
                    );
                    continue;
                }
                v.push_row(row, &CsvRow(&record));
            }
            Ok(false) => break,
            Err(e) => match e.kind() {
                csv::ErrorKind::Utf8 { .. } => return Ok(None),
                csv::ErrorKind::Io(_) => {
                    if let csv::ErrorKind::Io(io) = e.into_kind() {
                        return Err(StreamError::Io(io));
                    }
                    return Ok(None);
                }
                _ => {
                    let row = e.position().map(|p| p.line()).unwrap_or(0);
                    v.unreadable(row, e.to_string());
                }
            },
        }
    }
    v.finish(number).map(Some).map_err(StreamError::Invalid)
}

/// Imports CSV that is already UTF-8 text.
pub(crate) fn import_utf8<T: Record, R: Read>(
    file: &str,
    input: R,
    size_hint: usize,
    refs: &References,
    number: u64,
    limits: &ImportLimits,
    sink: Option<&dyn ProblemSink>,
) -> Result<RegistrySnapshot<T>, ValidationErrors> {
    match import_streaming::<T, R>(file, input, size_hint, refs, number, limits, sink) {
        Ok(Some(s)) => Ok(s),
        Err(StreamError::Invalid(v)) => Err(v),
        Ok(None) | Err(StreamError::Io(_)) => {
            // Unreachable for in-memory UTF-8 text, but report rather than panic.
            let mut v = Validator::<T>::new(file, &[] as &[&str], refs);
            v.unreadable(1, "the text could not be read as UTF-8 CSV");
            v.finish(number)
        }
    }
}
