//! `.xlsx` rows (first worksheet) into the domain validator.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use spotcheck_domain::registry::{
    Record, References, RegistrySnapshot, ValidationErrors, Validator,
};

/// A spreadsheet cell as the text a clerk sees: whole numbers without `.0` (region codes are
/// often typed as numbers), booleans as `是`/`否`.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        // No registry column holds a date; keep the serial number visible rather than guess.
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

pub(crate) fn import<T: Record>(
    file: &str,
    bytes: &[u8],
    refs: &References,
    number: u64,
) -> Result<RegistrySnapshot<T>, ValidationErrors> {
    let unreadable = |reason: String| {
        let mut v = Validator::<T>::new(file, &[] as &[&str], refs);
        v.unreadable(1, reason);
        v.finish(number)
    };
    let mut book: Xlsx<_> = match Xlsx::new(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => return unreadable(format!("not a readable .xlsx workbook: {e}")),
    };
    let range = match book.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => return unreadable(format!("cannot read the first worksheet: {e}")),
        None => return unreadable("the workbook has no worksheet".to_owned()),
    };
    let first_row = range.start().map(|(r, _)| u64::from(r) + 1).unwrap_or(1);
    let mut rows = range.rows();
    let headers: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(cell_text).collect())
        .unwrap_or_default();
    let mut v = Validator::<T>::new(file, &headers, refs);
    let mut cells: Vec<String> = Vec::new();
    for (i, row) in rows.enumerate() {
        cells.clear();
        cells.extend(row.iter().map(cell_text));
        v.push_row(first_row + 1 + i as u64, &cells);
    }
    v.finish(number)
}

/// The first row of the first worksheet, as text.
pub(crate) fn headers(bytes: &[u8]) -> Vec<String> {
    Xlsx::new(Cursor::new(bytes))
        .ok()
        .and_then(|mut b| b.worksheet_range_at(0))
        .and_then(Result::ok)
        .and_then(|r| {
            r.rows()
                .next()
                .map(|row| row.iter().map(cell_text).collect())
        })
        .unwrap_or_default()
}
