//! `GET /api/exports/{layout}`: the publisher's download of the records in a national platform's
//! upload layout (`credit-china` penalties, `gsxt` results), as `.csv` or `.xlsx`
//! (`spotcheck_app::export`; `spotcheck export` writes the same file). The penalty export carries
//! natural persons' ID documents for the exchange: staff only, never cached.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use spotcheck_app::export::{Format, Layout, export_for};
use spotcheck_domain::calendar::Calendar;

use super::inspector::WriteStore;
use crate::InspectorState;
use crate::auth::Principal;
use crate::error::ApiError;

/// Which file format.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (default) or `xlsx`.
    #[serde(default)]
    format: Option<String>,
}

fn calendar() -> Result<&'static Calendar, ApiError> {
    static CALENDAR: std::sync::OnceLock<Result<Calendar, String>> = std::sync::OnceLock::new();
    CALENDAR
        .get_or_init(|| Calendar::embedded().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| ApiError::internal(format!("embedded calendar: {e}")))
}

/// Your department's records in a national platform's layout (role publisher).
#[utoipa::path(
    get,
    path = "/api/exports/{layout}",
    tag = "inspector",
    security(("bearer" = [])),
    params(
        ("layout" = String, Path, description = "`credit-china` (current penalty decisions, 信用中国 administrative-penalty template) or `gsxt` (results of travel agencies and online operators, 国家企业信用信息公示系统 layout)"),
        ExportQuery
    ),
    responses(
        (status = 200, description = "The export as an attachment (text/csv with a byte-order mark, or an .xlsx workbook). 422 `unknown-layout`, `unknown-format`; 403 `missing-role` without the publisher role.", content_type = "text/csv", body = String),
        crate::error::CommonErrors,
        crate::error::AuthErrors
    )
)]
pub async fn download<S: WriteStore>(
    State(st): State<InspectorState<S>>,
    principal: Principal,
    Path(layout): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let layout: Layout = layout.parse()?;
    let format = Format::named(q.format.as_deref().unwrap_or("csv"))?;
    let staff = principal.staff()?;
    let table = export_for(&*st.store, &staff, layout, calendar()?, (st.clock)()).await?;
    let body = table.bytes(format)?;
    let name = format!(
        "attachment; filename=\"{}-{}.{}\"",
        match layout {
            Layout::CreditChina => "penalties",
            Layout::Gsxt => "results",
        },
        layout.name(),
        format.extension()
    );
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
