//! Cell parsers shared by the record types.

use std::str::FromStr;

use crate::ids::{IdError, RegionCode, UnifiedCreditCode};
use crate::registry::enums::VocabularyError;
use crate::registry::regions::region_name;
use crate::registry::table::{Cells, ColumnSpec, ErrorKind, Row, formula_lead, is_bidi_control};

/// Shorthand for a column spec.
pub(crate) const fn col(
    key: &'static str,
    zh: &'static [&'static str],
    en: &'static [&'static str],
    required: bool,
) -> ColumnSpec {
    ColumnSpec {
        key,
        zh,
        en,
        required,
    }
}

pub(crate) const REGION_ZH: &[&str] = &["行政区划代码", "所在地区划代码", "区划代码", "所在地区"];
pub(crate) const REGION_EN: &[&str] = &["region_code", "area_code"];
pub(crate) const CLASS_ZH: &[&str] = &["信用等级", "信用风险分类", "信用分类", "风险等级"];
pub(crate) const CLASS_EN: &[&str] = &["credit", "risk_class"];
pub(crate) const STATUS_ZH: &[&str] = &["经营状态", "状态", "登记状态"];
pub(crate) const STATUS_EN: &[&str] = &["state"];
pub(crate) const CREDIT_CODE_ZH: &[&str] = &["统一社会信用代码", "信用代码"];
pub(crate) const CREDIT_CODE_EN: &[&str] = &["unified_credit_code", "uscc"];

/// Maps an identifier error to its kind: a wrong check character is told apart from a bad shape.
pub(crate) fn id_error_kind(e: &IdError) -> ErrorKind {
    if e.reason.starts_with("check character") {
        ErrorKind::BadCheckCharacter
    } else {
        ErrorKind::InvalidValue
    }
}

pub(crate) fn credit_code<R: Row + ?Sized>(
    cells: &mut Cells<'_, R>,
    c: usize,
) -> Option<UnifiedCreditCode> {
    cells.parse(c, str::parse::<UnifiedCreditCode>, id_error_kind)
}

/// An identifier cell. One that starts like a spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR)
/// is refused: identifiers are published at the start of CSV lines.
pub(crate) fn id<T: FromStr<Err = IdError>, R: Row + ?Sized>(
    cells: &mut Cells<'_, R>,
    c: usize,
) -> Option<T> {
    let untrimmed = cells.untrimmed(c);
    if let Some(lead) = formula_lead(untrimmed).or_else(|| formula_lead(cells.raw(c))) {
        cells.report(c, untrimmed, ErrorKind::InvalidValue, formula_reason(lead));
        return None;
    }
    if untrimmed.chars().any(is_bidi_control) {
        cells.report(
            c,
            untrimmed,
            ErrorKind::InvalidValue,
            "contains a bidirectional-text control character (U+202A-U+202E, U+2066-U+2069)",
        );
        return None;
    }
    cells.parse(c, str::parse::<T>, id_error_kind)
}

/// Why an identifier starting with `lead` is refused.
pub(crate) fn formula_reason(lead: char) -> String {
    format!("an identifier must not start with {lead:?}: a spreadsheet would read it as a formula")
}

/// Parses a listed identifier, refusing one that starts like a spreadsheet formula.
pub(crate) fn listed_id<T: FromStr>(s: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    if let Some(lead) = formula_lead(s) {
        return Err(formula_reason(lead));
    }
    if s.chars().any(is_bidi_control) {
        return Err("contains a bidirectional-text control character".to_owned());
    }
    s.parse::<T>().map_err(|e| e.to_string())
}

/// A region code that is well-formed and in the region table.
pub(crate) fn region<R: Row + ?Sized>(cells: &mut Cells<'_, R>, c: usize) -> Option<RegionCode> {
    let code: RegionCode = cells.parse(c, str::parse::<RegionCode>, id_error_kind)?;
    if region_name(&code).is_none() {
        cells.report(
            c,
            code.as_str(),
            ErrorKind::UnknownRegion,
            "not a known administrative division code (see the region table in docs/registries.md)",
        );
        return None;
    }
    Some(code)
}

pub(crate) fn vocab<T: FromStr<Err = VocabularyError>, R: Row + ?Sized>(
    cells: &mut Cells<'_, R>,
    c: usize,
) -> Option<T> {
    cells.parse(c, str::parse::<T>, |_| ErrorKind::InvalidValue)
}
