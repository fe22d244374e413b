//! The table of known region codes, embedded from `regions.txt` (see that file for its source and
//! coverage).

use std::sync::OnceLock;

use crate::ids::RegionCode;

const TABLE: &str = include_str!("regions.txt");

/// `(code as a number, name)`, sorted by code.
fn table() -> &'static [(u32, &'static str)] {
    static PARSED: OnceLock<Vec<(u32, &'static str)>> = OnceLock::new();
    PARSED.get_or_init(|| {
        let mut rows: Vec<(u32, &'static str)> = TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let (code, name) = l.split_once('\t')?;
                Some((code.trim().parse().ok()?, name.trim()))
            })
            .collect();
        rows.sort_unstable();
        rows
    })
}

/// The official name of a known region code, or `None` if the code is not in the table.
///
/// ```
/// use spotcheck_domain::registry::region_name;
/// let code = "350305".parse()?;
/// assert_eq!(region_name(&code), Some("秀屿区"));
/// assert_eq!(region_name(&"350399".parse()?), None);
/// # Ok::<(), spotcheck_domain::ids::IdError>(())
/// ```
pub fn region_name(code: &RegionCode) -> Option<&'static str> {
    let n: u32 = code.as_str().parse().ok()?;
    let t = table();
    t.binary_search_by_key(&n, |(c, _)| *c)
        .ok()
        .and_then(|i| t.get(i))
        .map(|(_, name)| *name)
}

/// Every known region code with its name, sorted by code.
pub fn known_regions() -> impl Iterator<Item = (String, &'static str)> {
    table().iter().map(|(c, n)| (format!("{c:06}"), *n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_covers_34_provinces_and_all_of_putian() -> Result<(), crate::ids::IdError> {
        let provinces = table().iter().filter(|(c, _)| c % 10_000 == 0).count();
        assert_eq!(provinces, 34);
        for (code, name) in [
            ("350300", "莆田市"),
            ("350302", "城厢区"),
            ("350303", "涵江区"),
            ("350304", "荔城区"),
            ("350305", "秀屿区"),
            ("350322", "仙游县"),
            ("810000", "香港特别行政区"),
        ] {
            assert_eq!(region_name(&code.parse()?), Some(name));
        }
        let fujian_counties = table()
            .iter()
            .filter(|(c, _)| c / 10_000 == 35 && c % 100 != 0)
            .count();
        assert_eq!(fujian_counties, 84);
        Ok(())
    }

    #[test]
    fn every_line_of_the_data_file_parses() {
        let data_lines = TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(data_lines, table().len());
        assert!(
            table().windows(2).all(|w| w[0].0 < w[1].0),
            "duplicate code"
        );
    }
}
