//! Rows as they come out of a spreadsheet or CSV file: header mapping, cell access and the error
//! type every validation problem is reported with.

use std::fmt;

/// One column a registry file may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// The canonical English header, e.g. `credit_code`.
    pub key: &'static str,
    /// Accepted Chinese headers, the first being the preferred one.
    pub zh: &'static [&'static str],
    /// Further accepted English headers besides `key`.
    pub en: &'static [&'static str],
    /// Whether every row must give a non-empty value.
    pub required: bool,
}

impl ColumnSpec {
    /// The preferred Chinese header.
    pub fn zh_name(&self) -> &'static str {
        self.zh.first().copied().unwrap_or(self.key)
    }

    fn matches(&self, normalised: &str) -> bool {
        normalised == self.key
            || self
                .en
                .iter()
                .chain(self.zh)
                .any(|name| normalise_header(name) == normalised)
    }
}

/// Headers that must never appear in a file about natural persons (政府信息公开条例 §15): the
/// import refuses the whole file rather than silently dropping the column.
pub const PERSONAL_DATA_HEADERS: &[&str] = &[
    "身份证号",
    "身份证号码",
    "身份证",
    "公民身份号码",
    "证件号码",
    "id_number",
    "id_card",
    "national_id",
    "手机",
    "手机号",
    "手机号码",
    "联系电话",
    "电话",
    "phone",
    "mobile",
    "telephone",
    "住址",
    "家庭住址",
    "home_address",
    "银行账号",
    "bank_account",
];

/// Normalises a header for matching: trims, drops a leading byte-order mark, a trailing `*`
/// (a common "required" marker), lower-cases ASCII and turns spaces and hyphens into `_`.
pub fn normalise_header(h: &str) -> String {
    let t = h.trim_start_matches('\u{feff}').trim();
    let t = t.trim_end_matches(['*', '＊']).trim();
    t.chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// What kind of problem a [`RowError`] reports. Serialised as the snake-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A required column is not in the header row.
    MissingColumn,
    /// Two header cells name the same column.
    DuplicateColumn,
    /// A column that must not be supplied (personal data of a natural person).
    ForbiddenColumn,
    /// A required cell is empty.
    EmptyRequired,
    /// A cell is not in the expected format (or not an accepted word).
    InvalidValue,
    /// A credit code whose check character (GB 32100-2015) is wrong.
    BadCheckCharacter,
    /// A well-formed region code that is not in the region table.
    UnknownRegion,
    /// The same id on more than one row.
    DuplicateId,
    /// A reference to a record that does not exist (a guide's agency, an inspector's conflict).
    BrokenReference,
    /// Two cells of the same row contradict each other (e.g. outbound flag vs licence).
    Inconsistent,
    /// The file itself could not be read (encoding, CSV syntax, spreadsheet format).
    Unreadable,
}

impl ErrorKind {
    /// The snake-case name used in reports.
    pub fn code(self) -> &'static str {
        match self {
            Self::MissingColumn => "missing_column",
            Self::DuplicateColumn => "duplicate_column",
            Self::ForbiddenColumn => "forbidden_column",
            Self::EmptyRequired => "empty_required",
            Self::InvalidValue => "invalid_value",
            Self::BadCheckCharacter => "bad_check_character",
            Self::UnknownRegion => "unknown_region",
            Self::DuplicateId => "duplicate_id",
            Self::BrokenReference => "broken_reference",
            Self::Inconsistent => "inconsistent",
            Self::Unreadable => "unreadable",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One problem in an import file, located precisely enough for a clerk to fix it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
#[error("{file}: row {row}, column {column}: {kind}: {value:?}: {reason}")]
pub struct RowError {
    /// The file name as given to the import.
    pub file: String,
    /// 1-based row as a spreadsheet shows it: the header is row 1, the first record row 2.
    pub row: u64,
    /// The column's canonical English name (`credit_code`), or empty for a whole-row problem.
    pub column: String,
    /// The offending value as given (empty if the cell is empty).
    pub value: String,
    /// The kind of problem.
    pub kind: ErrorKind,
    /// What is wrong, in words a clerk can act on.
    pub reason: String,
}

/// Access to the cells of one data row, by position in the header row.
///
/// Implemented for slices and vectors of strings; the import crate implements it for its reused
/// CSV record buffer so that validating a row allocates nothing but the record's own fields.
pub trait Row {
    /// The cell at `index`, or `None` if the row is shorter.
    fn cell(&self, index: usize) -> Option<&str>;
    /// Whether every cell is empty or white space (such rows are skipped).
    fn is_blank(&self) -> bool;
}

impl<S: AsRef<str>> Row for [S] {
    fn cell(&self, index: usize) -> Option<&str> {
        self.get(index).map(AsRef::as_ref)
    }
    fn is_blank(&self) -> bool {
        self.iter().all(|c| c.as_ref().trim().is_empty())
    }
}

impl<S: AsRef<str>, const N: usize> Row for [S; N] {
    fn cell(&self, index: usize) -> Option<&str> {
        self.as_slice().cell(index)
    }
    fn is_blank(&self) -> bool {
        self.as_slice().is_blank()
    }
}

impl<S: AsRef<str>> Row for Vec<S> {
    fn cell(&self, index: usize) -> Option<&str> {
        self.as_slice().cell(index)
    }
    fn is_blank(&self) -> bool {
        self.as_slice().is_blank()
    }
}

/// Where each known column sits in a file's header row.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    spec: &'static [ColumnSpec],
    position: Vec<Option<usize>>,
}

impl ColumnMap {
    /// Maps `headers` onto `spec`. Unknown headers are ignored (staff add remark columns);
    /// missing required columns, duplicate columns and any header in `forbidden` are reported.
    pub fn new<S: AsRef<str>>(
        file: &str,
        spec: &'static [ColumnSpec],
        forbidden: &[&str],
        headers: &[S],
        errors: &mut Vec<RowError>,
    ) -> Self {
        let mut position = vec![None; spec.len()];
        for (i, header) in headers.iter().enumerate() {
            let h = normalise_header(header.as_ref());
            if forbidden.contains(&h.as_str()) {
                errors.push(RowError {
                    file: file.to_owned(),
                    row: 1,
                    column: header.as_ref().trim().to_owned(),
                    value: header.as_ref().trim().to_owned(),
                    kind: ErrorKind::ForbiddenColumn,
                    reason:
                        "personal data of a natural person (ID number, phone, home address, bank \
                             account) must not be imported: delete this column"
                            .to_owned(),
                });
                continue;
            }
            if let Some(c) = spec.iter().position(|c| c.matches(&h)) {
                if position[c].is_some() {
                    errors.push(RowError {
                        file: file.to_owned(),
                        row: 1,
                        column: spec[c].key.to_owned(),
                        value: header.as_ref().trim().to_owned(),
                        kind: ErrorKind::DuplicateColumn,
                        reason: format!(
                            "column {} ({}) appears more than once",
                            spec[c].key,
                            spec[c].zh_name()
                        ),
                    });
                } else {
                    position[c] = Some(i);
                }
            }
        }
        for (c, col) in spec.iter().enumerate() {
            if col.required && position[c].is_none() {
                errors.push(RowError {
                    file: file.to_owned(),
                    row: 1,
                    column: col.key.to_owned(),
                    value: String::new(),
                    kind: ErrorKind::MissingColumn,
                    reason: format!(
                        "required column missing: add a header {} or {}",
                        col.zh_name(),
                        col.key
                    ),
                });
            }
        }
        Self { spec, position }
    }

    /// The columns this map was built for.
    pub fn spec(&self) -> &'static [ColumnSpec] {
        self.spec
    }

    /// Position of column `c` (an index into [`Self::spec`]) in the file, if present.
    pub fn position(&self, c: usize) -> Option<usize> {
        self.position.get(c).copied().flatten()
    }
}

/// Typed access to one row's cells while collecting every problem found in it.
pub struct Cells<'a, R: Row + ?Sized> {
    pub(crate) map: &'a ColumnMap,
    pub(crate) row: &'a R,
    pub(crate) row_number: u64,
    pub(crate) file: &'a str,
    pub(crate) errors: &'a mut Vec<RowError>,
    pub(crate) failed: bool,
}

impl<'a, R: Row + ?Sized> Cells<'a, R> {
    /// The trimmed cell of column `c`, `""` if the column or the cell is absent.
    pub fn raw(&self, c: usize) -> &'a str {
        self.map
            .position(c)
            .and_then(|p| self.row.cell(p))
            .map(str::trim)
            .unwrap_or("")
    }

    /// The cell of column `c` exactly as given (untrimmed), `""` if absent.
    pub fn untrimmed(&self, c: usize) -> &'a str {
        self.map
            .position(c)
            .and_then(|p| self.row.cell(p))
            .unwrap_or("")
    }

    /// The 1-based spreadsheet row number.
    pub fn row_number(&self) -> u64 {
        self.row_number
    }

    /// Whether any problem has been recorded for this row.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Records a problem with column `c`.
    pub fn report(&mut self, c: usize, value: &str, kind: ErrorKind, reason: impl Into<String>) {
        self.failed = true;
        let column = self.map.spec().get(c).map(|s| s.key).unwrap_or("");
        self.errors.push(RowError {
            file: self.file.to_owned(),
            row: self.row_number,
            column: column.to_owned(),
            value: reported_value(value),
            kind,
            reason: reason.into(),
        });
    }

    /// A required cell: reports [`ErrorKind::EmptyRequired`] if empty. When the whole column is
    /// missing, that was reported once for the header, so nothing is added per row.
    pub fn required(&mut self, c: usize) -> Option<&'a str> {
        let v = self.raw(c);
        if v.is_empty() {
            if self.map.position(c).is_some() {
                let name = self.map.spec().get(c).map(|s| s.zh_name()).unwrap_or("");
                self.report(
                    c,
                    v,
                    ErrorKind::EmptyRequired,
                    format!("{name} must not be empty"),
                );
            } else {
                self.failed = true;
            }
            return None;
        }
        Some(v)
    }

    /// A required free-text cell: non-empty, at most 500 characters, no control characters.
    pub fn text(&mut self, c: usize) -> Option<String> {
        let v = self.required(c)?;
        self.check_text(c, v)
    }

    /// An optional free-text cell (`None` inside when empty).
    pub fn optional_text(&mut self, c: usize) -> Option<Option<String>> {
        let v = self.raw(c);
        if v.is_empty() {
            return Some(None);
        }
        self.check_text(c, v).map(Some)
    }

    fn check_text(&mut self, c: usize, v: &str) -> Option<String> {
        if v.chars().count() > 500 {
            self.report(c, v, ErrorKind::InvalidValue, "longer than 500 characters");
            return None;
        }
        if v.chars().any(char::is_control) {
            self.report(c, v, ErrorKind::InvalidValue, "contains control characters");
            return None;
        }
        if v.chars().any(is_bidi_control) {
            self.report(
                c,
                v,
                ErrorKind::InvalidValue,
                "contains a bidirectional-text control character (U+202A-U+202E, U+2066-U+2069)",
            );
            return None;
        }
        Some(v.to_owned())
    }

    /// A required cell parsed with `parse`; a parse error is reported with `kind`.
    pub fn parse<T, E: fmt::Display>(
        &mut self,
        c: usize,
        parse: impl FnOnce(&str) -> Result<T, E>,
        kind: impl FnOnce(&E) -> ErrorKind,
    ) -> Option<T> {
        let v = self.required(c)?;
        self.parse_value(c, v, parse, kind)
    }

    /// Parses `v` (a cell of column `c`), reporting a failure with `kind`.
    pub fn parse_value<T, E: fmt::Display>(
        &mut self,
        c: usize,
        v: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
        kind: impl FnOnce(&E) -> ErrorKind,
    ) -> Option<T> {
        match parse(v) {
            Ok(t) => Some(t),
            Err(e) => {
                let k = kind(&e);
                self.report(c, v, k, e.to_string());
                None
            }
        }
    }

    /// A list cell split on `;`, `；`, `、`, `,`, `，` or `|`, each item parsed; empty cell → empty
    /// list (or an error if `required`).
    pub fn list<T, E: fmt::Display>(
        &mut self,
        c: usize,
        required: bool,
        mut parse: impl FnMut(&str) -> Result<T, E>,
    ) -> Option<Vec<T>> {
        let v = if required {
            self.required(c)?
        } else {
            self.raw(c)
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in split_list(v) {
            match parse(item) {
                Ok(t) => out.push(t),
                Err(e) => {
                    self.report(c, item, ErrorKind::InvalidValue, e.to_string());
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }
}

/// Longest value repeated in a [`RowError`] (longer ones are cut, ending in `…`), so a report of
/// many problems stays small whatever the cells hold.
pub const MAX_REPORTED_VALUE_CHARS: usize = 200;

fn reported_value(v: &str) -> String {
    match v.char_indices().nth(MAX_REPORTED_VALUE_CHARS) {
        Some((i, _)) => format!("{}…", &v[..i]),
        None => v.to_owned(),
    }
}

/// Whether `c` is a bidirectional-text embedding, override or isolate control (U+202A–U+202E,
/// U+2066–U+2069): they make published text read differently from what was entered.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The leading character that would make a spreadsheet read `s` as a formula (`=`, `+`, `-`, `@`,
/// tab, carriage return; OWASP's CSV-injection list), if `s` starts with one. Identifiers that
/// start so are refused at import: they are published at the start of CSV lines.
pub fn formula_lead(s: &str) -> Option<char> {
    s.chars()
        .next()
        .filter(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'))
}

/// Splits a list cell on `;`, `；`, `、`, `,`, `，` or `|`, trimming items and dropping empty ones.
pub fn split_list(v: &str) -> impl Iterator<Item = &str> {
    v.split([';', '；', '、', ',', '，', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &[ColumnSpec] = &[
        ColumnSpec {
            key: "credit_code",
            zh: &["统一社会信用代码"],
            en: &[],
            required: true,
        },
        ColumnSpec {
            key: "note",
            zh: &["备注"],
            en: &[],
            required: false,
        },
    ];

    #[test]
    fn headers_match_in_chinese_english_and_with_decorations() {
        let mut errors = Vec::new();
        let m = ColumnMap::new(
            "f.csv",
            SPEC,
            &[],
            &["\u{feff}统一社会信用代码*", "Note"],
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(m.position(0), Some(0));
        assert_eq!(m.position(1), Some(1));
        let m = ColumnMap::new("f.csv", SPEC, &[], &["x", "Credit Code"], &mut errors);
        assert_eq!(m.position(0), Some(1));
    }

    #[test]
    fn missing_duplicate_and_forbidden_headers_are_reported_on_row_one() {
        let mut errors = Vec::new();
        ColumnMap::new(
            "f.csv",
            SPEC,
            PERSONAL_DATA_HEADERS,
            &["备注", "note", "身份证号"],
            &mut errors,
        );
        let kinds: Vec<_> = errors.iter().map(|e| (e.row, e.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (1, ErrorKind::DuplicateColumn),
                (1, ErrorKind::ForbiddenColumn),
                (1, ErrorKind::MissingColumn)
            ]
        );
    }

    #[test]
    fn lists_split_on_chinese_and_ascii_separators() {
        let items: Vec<_> = split_list("中文、英语;日语，  韩语 |").collect();
        assert_eq!(items, ["中文", "英语", "日语", "韩语"]);
    }
}
