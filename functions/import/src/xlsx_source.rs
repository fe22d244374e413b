//! `.xlsx` rows (first worksheet) into the domain validator, within [`ImportLimits`].
//!
//! Before anything is allocated for the workbook, every ZIP part is inflated once into a counting
//! sink: a part count, a declared size or an actual decompressed size over the limits refuses the
//! file (a zip bomb costs CPU up to the limit, never memory). The worksheet is then read cell by
//! cell (never as a dense range): its declared dimensions, every cell's position and the cell
//! count are checked against the limits, so one cell at `XFD1048576` allocates nothing.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};
use spotcheck_domain::registry::{
    ProblemSink, Record, References, RegistrySnapshot, ValidationErrors, Validator,
};

use crate::ImportLimits;

/// A spreadsheet cell as the text a clerk sees: whole numbers without `.0` (region codes are
/// often typed as numbers), booleans as `是`/`否`.
fn cell_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        // No registry column holds a date; keep the serial number visible rather than guess.
        DataRef::DateTime(dt) => dt.as_f64().to_string(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// Inflates every part into a counting sink and refuses the workbook if it is over the limits.
fn check_zip(bytes: &[u8], limits: &ImportLimits) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable .xlsx workbook: {e}"))?;
    if zip.len() > limits.max_zip_entries {
        return Err(format!(
            "the workbook has {} parts; at most {} are read",
            zip.len(),
            limits.max_zip_entries
        ));
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| format!("not a readable .xlsx workbook: {e}"))?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        // Parts the reader holds in memory whole (shared strings, styles, workbook, relations)
        // have limits of their own; worksheets are streamed and count only towards the total.
        let part_limit = part_limit(&name, limits);
        let part_over = |size: u64| {
            format!(
                "the workbook part {name} decompresses to more than {size} bytes (at most {} are \
                 read): save it again without unused formatting, or as CSV",
                part_limit.unwrap_or(u64::MAX)
            )
        };
        if let Some(limit) = part_limit
            && part.size() > limit
        {
            return Err(part_over(part.size()));
        }
        let mut this_part: u64 = 0;
        let over = |total: u64| {
            format!(
                "the workbook decompresses to more than {} bytes (at most {} are read): \
                 save it again without unused sheets or formatting, or as CSV",
                total, limits.max_decompressed_bytes
            )
        };
        if total.saturating_add(part.size()) > limits.max_decompressed_bytes {
            return Err(over(total.saturating_add(part.size())));
        }
        loop {
            let n = part
                .read(&mut buf)
                .map_err(|e| format!("not a readable .xlsx workbook: {e}"))?;
            if n == 0 {
                break;
            }
            total = total.saturating_add(n as u64);
            this_part = this_part.saturating_add(n as u64);
            if total > limits.max_decompressed_bytes {
                return Err(over(total));
            }
            if part_limit.is_some_and(|limit| this_part > limit) {
                return Err(part_over(this_part));
            }
        }
    }
    Ok(())
}

/// The limit of a part the reader loads whole, `None` for a streamed or unread part.
fn part_limit(name: &str, limits: &ImportLimits) -> Option<u64> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with("sharedstrings.xml") {
        Some(limits.max_shared_strings_bytes)
    } else if lower.starts_with("xl/worksheets/") && !lower.contains("/_rels/") {
        None
    } else if lower.ends_with(".xml") || lower.ends_with(".rels") {
        Some(limits.max_part_bytes)
    } else {
        None
    }
}

/// Calls `row` with each row's number (1-based, as the spreadsheet shows it) and cells (from the
/// header row's first column), in file order, until `row` returns `false`.
fn read_rows(
    bytes: &[u8],
    limits: &ImportLimits,
    mut row: impl FnMut(u64, &[String]) -> bool,
) -> Result<(), String> {
    check_zip(bytes, limits)?;
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("not a readable .xlsx workbook: {e}"))?;
    let Some(first) = book.sheet_names().into_iter().next() else {
        return Err("the workbook has no worksheet".to_owned());
    };
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|e| format!("cannot read the first worksheet: {e}"))?;
    let max_row = limits.max_rows; // 0-based index of the last allowed row: header + max_rows.
    let too_far = |(r, c): (u32, u32)| {
        if u64::from(c) >= u64::from(limits.max_columns) {
            Some(format!(
                "the first worksheet uses column {} (cell {}); at most {} columns are read",
                u64::from(c) + 1,
                cell_name(r, c),
                limits.max_columns
            ))
        } else if u64::from(r) > max_row {
            Some(format!(
                "the first worksheet uses row {} (cell {}); at most {} data rows are read",
                u64::from(r) + 1,
                cell_name(r, c),
                limits.max_rows
            ))
        } else {
            None
        }
    };
    let dims = cells.dimensions();
    if let Some(reason) = too_far(dims.end) {
        return Err(format!("declared dimensions: {reason}"));
    }
    let declared = (u64::from(dims.end.0.saturating_sub(dims.start.0)) + 1)
        * (u64::from(dims.end.1.saturating_sub(dims.start.1)) + 1);
    if declared > limits.max_cells {
        return Err(format!(
            "the first worksheet declares {declared} cells; at most {} are read",
            limits.max_cells
        ));
    }
    let mut count: u64 = 0;
    let mut current: Option<u32> = None;
    let mut first_col: Option<u32> = None;
    let mut buf: Vec<String> = Vec::new();
    let mut flush = |r: u32, buf: &mut Vec<String>| -> bool {
        let keep_going = row(u64::from(r) + 1, buf);
        buf.clear();
        keep_going
    };
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(format!("cannot read the first worksheet: {e}")),
        };
        let (r, c) = cell.get_position();
        if let Some(reason) = too_far((r, c)) {
            return Err(reason);
        }
        count += 1;
        if count > limits.max_cells {
            return Err(format!(
                "the first worksheet has more than {} cells",
                limits.max_cells
            ));
        }
        if current != Some(r) {
            if let Some(prev) = current
                && !flush(prev, &mut buf)
            {
                return Ok(());
            }
            current = Some(r);
        }
        let value = cell.get_value();
        if *value == DataRef::Empty {
            continue;
        }
        let start = *first_col.get_or_insert(c);
        let Some(i) = c.checked_sub(start).map(|i| i as usize) else {
            continue; // left of the header row's first cell: not part of the table
        };
        if buf.len() <= i {
            buf.resize(i + 1, String::new());
        }
        if let Some(slot) = buf.get_mut(i) {
            *slot = cell_text(value);
        }
    }
    if let Some(prev) = current {
        flush(prev, &mut buf);
    }
    Ok(())
}

/// `A1`-style name of a 0-based cell position.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

pub(crate) fn import<T: Record>(
    file: &str,
    bytes: &[u8],
    refs: &References,
    number: u64,
    limits: &ImportLimits,
    sink: Option<&dyn ProblemSink>,
) -> Result<RegistrySnapshot<T>, ValidationErrors> {
    let mut validator: Option<Validator<'_, T>> = None;
    let mut last_row = 1;
    let read = read_rows(bytes, limits, |n, cells| {
        last_row = n;
        match validator.as_mut() {
            None => {
                validator = Some(
                    Validator::<T>::new(file, cells, refs)
                        .with_max_problems(limits.max_problems)
                        .with_sink(sink),
                );
            }
            Some(v) => v.push_row(n, cells),
        }
        true
    });
    if let Err(reason) = read {
        // Nothing past this point was read: the one problem is the file itself.
        return Err(crate::file_problem(file, last_row, reason));
    }
    let v = validator.unwrap_or_else(|| {
        Validator::<T>::new(file, &[] as &[&str], refs)
            .with_max_problems(limits.max_problems)
            .with_sink(sink)
    });
    v.finish(number)
}

/// The first row of the first worksheet, as text (empty if unreadable or over the limits).
pub(crate) fn headers(bytes: &[u8], limits: &ImportLimits) -> Vec<String> {
    let mut headers = Vec::new();
    let _ = read_rows(bytes, limits, |_, cells| {
        headers = cells.to_vec();
        false
    });
    headers
}

#[cfg(test)]
mod tests {
    #[test]
    fn cell_names_are_spreadsheet_names() {
        assert_eq!(super::cell_name(0, 0), "A1");
        assert_eq!(super::cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(super::cell_name(9, 26), "AA10");
    }
}
