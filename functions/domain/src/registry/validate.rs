//! Row-by-row validation into a snapshot, collecting every error.

use std::collections::HashSet;

use super::records::TravelAgency;
use super::snapshot::{Record, RegistrySnapshot};
use super::table::{Cells, ColumnMap, ErrorKind, Row, RowError};

/// What other registries a file's references are checked against. A `None` set means "not
/// supplied": references of that kind are then not checked (callers should say so).
#[derive(Debug, Clone, Default)]
pub struct References {
    agency_licences: Option<HashSet<String>>,
    target_ids: Option<HashSet<String>>,
}

impl References {
    /// No reference registries: nothing is cross-checked.
    pub fn none() -> Self {
        Self::default()
    }

    /// Check guides' agency licences against this agency snapshot.
    pub fn with_agencies(mut self, agencies: &RegistrySnapshot<TravelAgency>) -> Self {
        self.agency_licences = Some(
            agencies
                .records()
                .iter()
                .map(|a| a.licence.as_str().to_owned())
                .collect(),
        );
        self
    }

    /// Check inspectors' declared conflicts against these target ids (credit codes, guide cards).
    pub fn with_targets(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.target_ids.get_or_insert_with(HashSet::new).extend(ids);
        self
    }

    /// Whether agency licences are checked.
    pub fn checks_agencies(&self) -> bool {
        self.agency_licences.is_some()
    }

    /// Whether inspector conflicts are checked.
    pub fn checks_targets(&self) -> bool {
        self.target_ids.is_some()
    }

    /// `Some(true/false)` if licences are checked, `None` if not.
    pub fn has_agency(&self, licence: &str) -> Option<bool> {
        self.agency_licences.as_ref().map(|s| s.contains(licence))
    }

    /// `Some(true/false)` if targets are checked, `None` if not.
    pub fn has_target(&self, id: &str) -> Option<bool> {
        self.target_ids.as_ref().map(|s| s.contains(id))
    }
}

/// How many problems a [`Validator`] keeps by default (it counts them all).
pub const MAX_REPORTED_PROBLEMS: usize = 1_000;

/// The problems found in a file; nothing was imported.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{total} problem(s) in {file}; nothing imported")]
pub struct ValidationErrors {
    /// The file name as given.
    pub file: String,
    /// The first problems met (at most the validator's limit, [`MAX_REPORTED_PROBLEMS`] by
    /// default), ordered by row (header problems first).
    pub errors: Vec<RowError>,
    /// How many problems were found in all (`errors.len()` or more).
    pub total: usize,
}

impl ValidationErrors {
    /// A report listing every problem (`total` is their number).
    pub fn new(file: String, errors: Vec<RowError>) -> Self {
        let total = errors.len();
        Self {
            file,
            errors,
            total,
        }
    }

    /// Whether problems were left out of [`Self::errors`].
    pub fn is_truncated(&self) -> bool {
        self.total > self.errors.len()
    }
}

/// Receives every problem a [`Validator`] finds, in the order found (duplicate ids last), however
/// many the validator keeps: a caller that wants the full report of a file with more problems
/// than fit in memory writes them somewhere as they come (the registry upload's report file).
pub trait ProblemSink: Send + Sync {
    /// One problem.
    fn record(&self, problem: &RowError);
}

/// Validates the rows of one file into records of type `T`.
///
/// ```
/// use spotcheck_domain::registry::{References, OnlineOperator, Validator};
/// let refs = References::none();
/// let mut v = Validator::<OnlineOperator>::new(
///     "operators.csv",
///     &["统一社会信用代码", "经营者名称", "平台名称", "行政区划代码", "信用等级", "经营状态"],
///     &refs,
/// );
/// v.push_row(2, &["91350302MA2XN4QJ2B", "莆田某某网络科技有限公司", "妈祖游", "350302", "A", "正常"]);
/// let snapshot = v.finish(1)?;
/// assert_eq!(snapshot.len(), 1);
/// # Ok::<(), spotcheck_domain::registry::ValidationErrors>(())
/// ```
pub struct Validator<'r, T: Record> {
    file: String,
    map: ColumnMap,
    refs: &'r References,
    records: Vec<T>,
    rows: Vec<u64>,
    errors: Vec<RowError>,
    max_problems: usize,
    dropped: usize,
    sink: Option<&'r dyn ProblemSink>,
}

impl<'r, T: Record> Validator<'r, T> {
    /// Starts validating `file` whose header row is `headers`.
    pub fn new<S: AsRef<str>>(file: &str, headers: &[S], refs: &'r References) -> Self {
        let mut errors = Vec::new();
        let map = ColumnMap::new(file, T::COLUMNS, T::FORBIDDEN, headers, &mut errors);
        Self {
            file: file.to_owned(),
            map,
            refs,
            records: Vec::new(),
            rows: Vec::new(),
            errors,
            max_problems: MAX_REPORTED_PROBLEMS,
            dropped: 0,
            sink: None,
        }
    }

    /// Sends every problem, from the header's on, to `sink` as well (see [`ProblemSink`]).
    pub fn with_sink(mut self, sink: Option<&'r dyn ProblemSink>) -> Self {
        if let Some(s) = sink {
            self.errors.iter().for_each(|e| s.record(e));
        }
        self.sink = sink;
        self
    }

    fn send(&self, from: usize) {
        if let (Some(s), Some(new)) = (self.sink, self.errors.get(from..)) {
            new.iter().for_each(|e| s.record(e));
        }
    }

    /// Keeps at most `n` problems (the rest are only counted); [`MAX_REPORTED_PROBLEMS`] by
    /// default. Memory for problems then stays bounded however many rows are bad.
    pub fn with_max_problems(mut self, n: usize) -> Self {
        self.max_problems = n;
        self.cap();
        self
    }

    fn cap(&mut self) {
        if self.errors.len() > self.max_problems {
            self.dropped += self.errors.len() - self.max_problems;
            self.errors.truncate(self.max_problems);
        }
    }

    /// Reserves room for `n` more records (e.g. from the file size).
    pub fn reserve(&mut self, n: usize) {
        self.records.reserve(n);
        self.rows.reserve(n);
    }

    /// Validates one data row; `row_number` is the spreadsheet row (header = 1). Blank rows are
    /// skipped.
    pub fn push_row<R: Row + ?Sized>(&mut self, row_number: u64, row: &R) {
        if row.is_blank() {
            return;
        }
        let before = self.errors.len();
        let mut cells = Cells {
            map: &self.map,
            row,
            row_number,
            file: &self.file,
            errors: &mut self.errors,
            failed: false,
        };
        if let Some(record) = T::parse_row(&mut cells, self.refs)
            && !cells.failed
        {
            self.records.push(record);
            self.rows.push(row_number);
        }
        self.send(before);
        self.cap();
    }

    /// Adds a problem found while reading the file (encoding, CSV syntax).
    pub fn push_error(&mut self, error: RowError) {
        if let Some(s) = self.sink {
            s.record(&error);
        }
        self.errors.push(error);
        self.cap();
    }

    /// An [`ErrorKind::Unreadable`] problem on `row`.
    pub fn unreadable(&mut self, row: u64, reason: impl Into<String>) {
        let file = self.file.clone();
        self.push_error(RowError {
            file,
            row,
            column: String::new(),
            value: String::new(),
            kind: ErrorKind::Unreadable,
            reason: reason.into(),
        });
    }

    /// Whether any problem has been found so far.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Records accepted so far.
    pub fn accepted(&self) -> usize {
        self.records.len()
    }

    /// Checks ids are unique and builds snapshot `number`, or returns every problem.
    ///
    /// # Errors
    /// [`ValidationErrors`] with every problem of every row, duplicates included.
    pub fn finish(self, number: u64) -> Result<RegistrySnapshot<T>, ValidationErrors> {
        let Self {
            file,
            records,
            rows,
            mut errors,
            max_problems,
            mut dropped,
            sink,
            ..
        } = self;
        let id_column = T::COLUMNS.first().map(|c| c.key).unwrap_or("");
        let id_zh = T::COLUMNS.first().map(|c| c.zh_name()).unwrap_or("");
        let snapshot = match RegistrySnapshot::from_records(number, records) {
            Ok(s) => Some(s),
            Err(dups) => {
                for d in dups {
                    let first = rows.get(d.first).copied().unwrap_or(0);
                    let error = RowError {
                        file: file.clone(),
                        row: rows.get(d.second).copied().unwrap_or(0),
                        column: id_column.to_owned(),
                        value: d.id,
                        kind: ErrorKind::DuplicateId,
                        reason: format!("{id_zh} already used on row {first}"),
                    };
                    if let Some(s) = sink {
                        s.record(&error);
                    }
                    errors.push(error);
                }
                None
            }
        };
        match snapshot {
            Some(s) if errors.is_empty() && dropped == 0 => Ok(s),
            _ => {
                if errors.len() > max_problems {
                    dropped += errors.len() - max_problems;
                    errors.truncate(max_problems);
                }
                errors.sort_by_key(|e| e.row);
                let total = errors.len() + dropped;
                Err(ValidationErrors {
                    file,
                    errors,
                    total,
                })
            }
        }
    }
}

/// Validates a whole table at once: a convenience over [`Validator`] for small files and tests.
/// Rows are numbered from 2 (the header is row 1).
///
/// # Errors
/// Every problem found, see [`Validator::finish`].
pub fn validate_table<T: Record, H: AsRef<str>, C: AsRef<str>>(
    file: &str,
    headers: &[H],
    rows: &[Vec<C>],
    refs: &References,
    number: u64,
) -> Result<RegistrySnapshot<T>, ValidationErrors> {
    let mut v = Validator::<T>::new(file, headers, refs);
    for (i, row) in rows.iter().enumerate() {
        v.push_row(i as u64 + 2, row);
    }
    v.finish(number)
}
