//! Full problem reports of refused registry uploads on the direct route
//! (`POST /api/registries/{kind}`). The 422 lists the first 1,000 problems and their total; when
//! there are more, every problem has also been written, as it was found, to a CSV report file that
//! the uploader downloads from `GET /api/registries/{kind}/reports/{report_id}` (the 422 names it
//! in `report_url`).
//!
//! Reports are bounded on disk — at most [`ReportLimits::max_report_bytes`] each (a longer one is
//! cut with a last line saying so) and [`ReportLimits::max_total_bytes`] together (the oldest are
//! deleted first) — owner-only (the directory 0700, each file 0600; only the subject and department
//! that uploaded the file can read it) and expire after [`ReportLimits::lifetime`]. They are
//! operational files, not records: nothing in the audit chain refers to them.
//!
//! The routers find the reports through an axum [`axum::Extension`] of `Arc<ProblemReports>`
//! (`spotcheck serve` adds one, next to its database); without it the 422 carries no report and
//! the download route answers 404 `reports-unavailable` (on AWS, large files take the large-upload
//! path, whose outcome links every problem).
//!
//! Cells are written by OWASP's CSV-injection rule ([`csv_cell`]): a cell that starts with `=`,
//! `+`, `-`, `@`, tab or CR is prefixed with `'`, since the values quoted are the uploaded file's.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Extension;
use axum::extract::Path as UrlPath;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use spotcheck_domain::registry::{ProblemSink, RegistryKind, RowError};

use crate::auth::Principal;
use crate::error::ApiError;

/// How large, how many and how long reports are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportLimits {
    /// Largest report file (longer ones are cut, saying so in their last line). Default 256 MiB.
    pub max_report_bytes: u64,
    /// Most bytes all reports take together; the oldest are deleted first. Default 1 GiB.
    pub max_total_bytes: u64,
    /// How long a report can be downloaded. Default 24 hours.
    pub lifetime: Duration,
}

impl Default for ReportLimits {
    fn default() -> Self {
        Self {
            max_report_bytes: 256 * 1024 * 1024,
            max_total_bytes: 1024 * 1024 * 1024,
            lifetime: Duration::from_secs(24 * 3600),
        }
    }
}

/// The report folder.
#[derive(Debug)]
pub struct ProblemReports {
    dir: PathBuf,
    limits: ReportLimits,
}

/// Who may read a report, and when it expires (the `{id}.json` beside `{id}.csv`).
#[derive(Debug, Serialize, Deserialize)]
struct ReportMeta {
    subject: String,
    department: String,
    kind: RegistryKind,
    file_name: String,
    total: usize,
    created_unix: u64,
    expires_unix: u64,
}

/// The header row of every report.
pub const REPORT_HEADER: &str = "file,row,column,value,kind,reason";

/// One CSV cell: quoted when it holds a comma, quote or line break; prefixed with `'` when it
/// starts with a character that makes a spreadsheet read a formula (OWASP's CSV-injection rule).
///
/// ```
/// assert_eq!(spotcheck_api::routes::reports::csv_cell("=1+1"), "'=1+1");
/// assert_eq!(spotcheck_api::routes::reports::csv_cell("a,b"), "\"a,b\"");
/// assert_eq!(spotcheck_api::routes::reports::csv_cell("-\"x\""), "\"'-\"\"x\"\"\"");
/// ```
pub fn csv_cell(value: &str) -> String {
    let lead = spotcheck_domain::registry::formula_lead(value).is_some();
    let text = if lead {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn valid_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl ProblemReports {
    /// Opens (creating, owner-only) the report folder `dir`.
    ///
    /// # Errors
    /// The folder cannot be created or made owner-only.
    pub fn open(dir: impl Into<PathBuf>, limits: ReportLimits) -> std::io::Result<Arc<Self>> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(Arc::new(Self { dir, limits }))
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, id: &str, ext: &str) -> PathBuf {
        self.dir.join(format!("{id}.{ext}"))
    }

    /// Deletes expired reports, unfinished ones older than their lifetime, then the oldest until
    /// the folder is under its total, keeping room for `room` more bytes.
    fn sweep(&self, room: u64) {
        let now = now_unix();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut kept: Vec<(u64, String, u64)> = Vec::new(); // (created, id, bytes)
        let mut total = 0u64;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some((id, ext)) = name.split_once('.') else {
                continue;
            };
            let bytes = e.metadata().map(|m| m.len()).unwrap_or(0);
            match ext {
                "json" => {
                    let meta: Option<ReportMeta> = std::fs::read(e.path())
                        .ok()
                        .and_then(|b| serde_json::from_slice(&b).ok());
                    let csv = std::fs::metadata(self.path(id, "csv"))
                        .map(|m| m.len())
                        .unwrap_or(0);
                    match meta {
                        Some(m) if m.expires_unix > now => {
                            total += bytes + csv;
                            kept.push((m.created_unix, id.to_owned(), bytes + csv));
                        }
                        _ => self.remove(id),
                    }
                }
                "csv.part" => {
                    let old = e
                        .metadata()
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > self.limits.lifetime);
                    if old {
                        let _ = std::fs::remove_file(e.path());
                    } else {
                        total += bytes;
                    }
                }
                _ => {}
            }
        }
        kept.sort();
        for (_, id, bytes) in kept {
            if total.saturating_add(room) <= self.limits.max_total_bytes {
                break;
            }
            self.remove(&id);
            total = total.saturating_sub(bytes);
        }
    }

    fn remove(&self, id: &str) {
        let _ = std::fs::remove_file(self.path(id, "csv"));
        let _ = std::fs::remove_file(self.path(id, "json"));
    }

    /// Starts a report for an upload by `principal` (`None` if it cannot be written: the import
    /// goes on without one).
    pub fn begin(
        self: &Arc<Self>,
        principal: &Principal,
        kind: RegistryKind,
        file_name: &str,
    ) -> Option<Arc<ReportFile>> {
        self.sweep(self.limits.max_report_bytes);
        let mut raw = [0u8; 16];
        getrandom::fill(&mut raw).ok()?;
        let id = hex::encode(raw);
        let path = self.path(&id, "csv.part");
        let mut open = std::fs::OpenOptions::new();
        open.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            open.mode(0o600);
        }
        let file = match open.open(&path) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(error = %e, path = %path.display(), "cannot start a problem report");
                return None;
            }
        };
        let mut out = BufWriter::new(file);
        writeln!(out, "{REPORT_HEADER}").ok()?;
        Some(Arc::new(ReportFile {
            reports: Arc::clone(self),
            id,
            meta: ReportMeta {
                subject: principal.subject.clone(),
                department: principal.department.to_string(),
                kind,
                file_name: file_name.to_owned(),
                total: 0,
                created_unix: 0,
                expires_unix: 0,
            },
            out: Mutex::new(Writing {
                out: Some(out),
                bytes: REPORT_HEADER.len() as u64 + 1,
                cut: false,
                failed: false,
            }),
        }))
    }

    /// The report `id` if `principal` made it and it has not expired.
    fn read(&self, id: &str, principal: &Principal, kind: RegistryKind) -> Option<Vec<u8>> {
        if !valid_id(id) {
            return None;
        }
        let meta: ReportMeta =
            serde_json::from_slice(&std::fs::read(self.path(id, "json")).ok()?).ok()?;
        if meta.subject != principal.subject
            || meta.department != principal.department.to_string()
            || meta.kind != kind
        {
            return None;
        }
        if meta.expires_unix <= now_unix() {
            self.remove(id);
            return None;
        }
        std::fs::read(self.path(id, "csv")).ok()
    }
}

struct Writing {
    out: Option<BufWriter<std::fs::File>>,
    bytes: u64,
    cut: bool,
    failed: bool,
}

/// A report being written: the [`ProblemSink`] of one import.
#[derive(Debug)]
pub struct ReportFile {
    reports: Arc<ProblemReports>,
    id: String,
    meta: ReportMeta,
    out: Mutex<Writing>,
}

impl std::fmt::Debug for Writing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writing")
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl ProblemSink for ReportFile {
    fn record(&self, p: &RowError) {
        let Ok(mut w) = self.out.lock() else {
            return;
        };
        if w.cut || w.failed {
            return;
        }
        let w = &mut *w;
        let Some(out) = w.out.as_mut() else {
            return;
        };
        let line = [
            csv_cell(&p.file),
            p.row.to_string(),
            csv_cell(&p.column),
            csv_cell(&p.value),
            csv_cell(p.kind.code()),
            csv_cell(&p.reason),
        ]
        .join(",");
        let max = self.reports.limits.max_report_bytes;
        if w.bytes + line.len() as u64 + 1 > max {
            w.cut = true;
            let note = format!(
                ",,,,,\"the report is cut here: at most {max} bytes are kept; fix the rows above and upload again\""
            );
            w.failed = writeln!(out, "{note}").is_err();
            return;
        }
        w.bytes += line.len() as u64 + 1;
        w.failed = writeln!(out, "{line}").is_err();
    }
}

impl ReportFile {
    /// The report's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Keeps the report (a refused file with `total` problems, more than the 422 lists), readable
    /// until its lifetime has passed; returns its id, or `None` if it could not be kept.
    pub fn keep(&self, total: usize) -> Option<String> {
        let reports = &self.reports;
        let part = reports.path(&self.id, "csv.part");
        let out = self.out.lock().ok().and_then(|mut w| {
            let failed = w.failed;
            w.failed = true; // nothing more is written
            w.out.take().filter(|_| !failed)
        });
        let flushed = out.is_some_and(|o| o.into_inner().is_ok_and(|f| f.sync_all().is_ok()));
        if !flushed {
            let _ = std::fs::remove_file(&part);
            return None;
        }
        let created = now_unix();
        let meta = ReportMeta {
            total,
            created_unix: created,
            expires_unix: created + reports.limits.lifetime.as_secs(),
            subject: self.meta.subject.clone(),
            department: self.meta.department.clone(),
            kind: self.meta.kind,
            file_name: self.meta.file_name.clone(),
        };
        let done = (|| -> std::io::Result<()> {
            std::fs::rename(&part, reports.path(&self.id, "csv"))?;
            let json = serde_json::to_vec(&meta).map_err(std::io::Error::other)?;
            let mut open = std::fs::OpenOptions::new();
            open.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                open.mode(0o600);
            }
            open.open(reports.path(&self.id, "json"))?.write_all(&json)
        })();
        match done {
            Ok(()) => Some(self.id.clone()),
            Err(e) => {
                tracing::warn!(error = %e, "cannot keep a problem report");
                let _ = std::fs::remove_file(&part);
                reports.remove(&self.id);
                None
            }
        }
    }

    /// Deletes the unfinished report (the import succeeded, or the 422 lists every problem).
    pub fn discard(&self) {
        if let Ok(mut w) = self.out.lock() {
            w.failed = true;
            w.out = None;
        }
        let _ = std::fs::remove_file(self.reports.path(&self.id, "csv.part"));
    }
}

/// Where a report is downloaded.
pub fn report_url(kind: RegistryKind, id: &str) -> String {
    format!("/api/registries/{}/reports/{id}", kind.code())
}

/// Downloads the full problem report of a refused upload, as CSV
/// (`file,row,column,value,kind,reason`, every problem in the order found; cells that could start
/// a spreadsheet formula are prefixed with `'`). Only the uploader (same subject and department)
/// can read it, until it expires.
#[utoipa::path(
    get,
    path = "/api/registries/{kind}/reports/{report_id}",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("kind" = RegistryKind, Path, description = "Which registry"),
        ("report_id" = String, Path, description = "The `report_id` of the 422 (32 lowercase hex digits)")
    ),
    responses(
        (status = 200, description = "Every problem of the refused file", body = String, content_type = "text/csv"),
        (status = 404, description = "No such report for you (expired, another uploader's, or none kept here: code `reports-unavailable`)", content_type = "application/problem+json"),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub(crate) async fn download(
    principal: Principal,
    reports: Option<Extension<Arc<ProblemReports>>>,
    UrlPath((kind, id)): UrlPath<(String, String)>,
) -> Result<Response, ApiError> {
    principal.staff()?.require(spotcheck_app::Role::Registrar)?;
    let kind = crate::large_upload::parse_kind(&kind)
        .map_err(|e| ApiError::bad_request("invalid-path", e))?;
    let Some(Extension(reports)) = reports else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "reports-unavailable",
            "this deployment keeps no problem reports: large files go through \
             POST /api/registries/{kind}/uploads, whose status links every problem",
        ));
    };
    let bytes = tokio::task::spawn_blocking({
        let id = id.clone();
        move || reports.read(&id, &principal, kind)
    })
    .await
    .map_err(ApiError::internal)?
    .ok_or_else(|| {
        ApiError::not_found(format!(
            "no {} problem report {id} for you (reports expire; only the uploader can read one)",
            kind.code()
        ))
    })?;
    let disposition = format!(
        "attachment; filename=\"{}-problems-{}.csv\"",
        kind.code(),
        id.get(..8).unwrap_or("")
    );
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn every_formula_lead_is_neutralised() {
        for lead in ["=", "+", "-", "@", "\t", "\r"] {
            let cell = csv_cell(&format!("{lead}cmd|'/C calc'!A0"));
            let unquoted = cell.trim_start_matches('"');
            assert!(unquoted.starts_with('\''), "{lead:?}: {cell}");
        }
        assert_eq!(csv_cell("91350302MA2XN4QJ2B"), "91350302MA2XN4QJ2B");
    }
}
