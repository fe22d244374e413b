//! Recognising which registry a file holds from its header row.

use spotcheck_domain::registry::{
    CheckItem, ColumnMap, Guide, Inspector, OnlineOperator, Record, RegistryKind, TravelAgency,
};

fn fits<T: Record>(headers: &[String]) -> bool {
    let mut errors = Vec::new();
    ColumnMap::new("", T::COLUMNS, &[], headers, &mut errors);
    errors.is_empty()
}

/// The registry whose required columns all appear in `headers`. Agencies are tried before
/// operators (an agency file has every operator column but `platform`).
pub fn detect_kind(headers: &[String]) -> Option<RegistryKind> {
    if fits::<TravelAgency>(headers) {
        Some(RegistryKind::Agencies)
    } else if fits::<Guide>(headers) {
        Some(RegistryKind::Guides)
    } else if fits::<OnlineOperator>(headers) {
        Some(RegistryKind::Operators)
    } else if fits::<Inspector>(headers) {
        Some(RegistryKind::Inspectors)
    } else if fits::<CheckItem>(headers) {
        Some(RegistryKind::Items)
    } else {
        None
    }
}
