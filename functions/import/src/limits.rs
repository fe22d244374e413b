//! Resource limits of an import: every file is refused, with a problem naming the limit, before
//! it can make the process allocate more than these allow.

/// How much one import may read, decompress and report. [`ImportLimits::default`] gives the
/// documented defaults (docs/registries.md, "Limits"); every surface (API, importer, CLI) uses
/// them unless configured otherwise.
///
/// ```
/// let limits = spotcheck_import::ImportLimits::default();
/// assert_eq!(limits.max_problems, 1_000);
/// assert_eq!(limits.max_columns, 256);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Largest file read, in bytes (CSV text or the `.xlsx` ZIP itself). Default 256 MiB.
    pub max_file_bytes: u64,
    /// Most data rows (the header not counted). Default 1,000,000.
    pub max_rows: u64,
    /// Most columns of a worksheet or CSV row. Default 256 (registries have about ten).
    pub max_columns: u32,
    /// Most non-empty cells of a worksheet, declared or met. Default 20,000,000.
    pub max_cells: u64,
    /// Most bytes all parts of an `.xlsx` may decompress to together. Default 512 MiB.
    pub max_decompressed_bytes: u64,
    /// Most bytes an `.xlsx`'s shared-string table may decompress to (it is held in memory
    /// whole). Default 128 MiB.
    pub max_shared_strings_bytes: u64,
    /// Most bytes any other XML part read whole (styles, workbook, relations, …) may decompress
    /// to; worksheets are streamed and not limited by this. Default 16 MiB.
    pub max_part_bytes: u64,
    /// Most parts (ZIP entries) of an `.xlsx`. Default 10,000.
    pub max_zip_entries: usize,
    /// Problems kept in the report (the total is always counted). Default 1,000.
    pub max_problems: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 256 * 1024 * 1024,
            max_rows: 1_000_000,
            max_columns: 256,
            max_cells: 20_000_000,
            max_decompressed_bytes: 512 * 1024 * 1024,
            max_shared_strings_bytes: 128 * 1024 * 1024,
            max_part_bytes: 16 * 1024 * 1024,
            max_zip_entries: 10_000,
            max_problems: spotcheck_domain::registry::MAX_REPORTED_PROBLEMS,
        }
    }
}
