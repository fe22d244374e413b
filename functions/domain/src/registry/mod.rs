//! The two registries and the item list (两库一单): records, validation, snapshots, frames.
//!
//! * [`records`]: [`TravelAgency`], [`Guide`], [`OnlineOperator`] (the target registry),
//!   [`Inspector`] (the inspector roster) and [`CheckItem`] (the random spot-check item list).
//! * [`Validator`] turns rows (header → cell strings, with row numbers and the file name) into
//!   records or into **every** problem found ([`RowError`]: file, row, column, value, reason).
//! * A successful validation yields an immutable, numbered [`RegistrySnapshot`] whose canonical
//!   SHA-256 hash is specified in [`canonical`] and `docs/registries.md`.
//! * [`build_frame`] selects a plan's frame entries from one snapshot (定向/不定向 filter, repeat-limit
//!   exclusions, stratum scheme) and returns a [`FrameProvenance`] so anyone can rebuild it.
//!
//! Everything here is pure: decoding files (CSV, xlsx, GB18030) is the `spotcheck-import` crate's job.
//!
//! ```
//! use spotcheck_domain::registry::{validate_table, References, TravelAgency};
//! let headers = ["统一社会信用代码", "许可证号", "旅行社名称", "经营场所", "行政区划代码",
//!                "出境旅游业务", "信用等级", "经营状态"];
//! let rows = vec![vec!["91350302MA2XN4QJ2B", "L-FJ-CJ00123", "莆田妈祖之旅旅行社有限公司",
//!                      "莆田市城厢区霞林街道学园南路1号", "350302", "是", "A", "正常"]];
//! let snapshot = validate_table::<TravelAgency, _, _>("agencies.csv", &headers, &rows, &References::none(), 1)?;
//! assert_eq!(snapshot.len(), 1);
//! assert_eq!(snapshot.hash().to_hex().len(), 64);
//! # Ok::<(), spotcheck_domain::registry::ValidationErrors>(())
//! ```

pub mod canonical;
mod enums;
mod ratio;
pub mod records;
mod regions;
mod selection;
mod snapshot;
mod table;
mod validate;

#[cfg(test)]
mod tests;

pub use enums::{
    CheckMethod, CreditClass, GuideLevel, ItemType, Status, TargetKind, VocabularyError,
    parse_yes_no,
};
pub use ratio::{Ratio, RatioError};
pub use records::{
    CheckItem, Guide, Inspector, ItemCode, OnlineOperator, RepeatLimit, TravelAgency,
};
pub use regions::{known_regions, region_name};
pub use selection::{
    Exclusion, ExclusionRules, FrameBuildError, FrameFilter, FrameProvenance, FrameSelection,
    PastCheck, StratumScheme, Target, build_frame,
};
pub use snapshot::{DuplicateId, Record, RegistryKind, RegistrySnapshot, hash_records};
pub use table::{
    Cells, ColumnMap, ColumnSpec, ErrorKind, MAX_REPORTED_VALUE_CHARS, PERSONAL_DATA_HEADERS, Row,
    RowError, formula_lead, is_bidi_control, normalise_header, split_list,
};
pub use validate::{
    MAX_REPORTED_PROBLEMS, ProblemSink, References, ValidationErrors, Validator, validate_table,
};
