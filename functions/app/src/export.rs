//! Exports in the layouts of the national platforms, for a bureau's publisher to upload:
//!
//! * [`Layout::CreditChina`] — penalty decisions in the administrative-penalty template of the
//!   national credit information sharing platform (信用中国, 双公示), one row per current decision;
//! * [`Layout::Gsxt`] — inspection results of market entities (travel agencies, online operators;
//!   not guides, who are natural persons) in the check-result layout of the 国家企业信用信息公示系统.
//!
//! Which records go out is the public projection's decision ([`Gate::Live`]: approved, not
//! involving a minor, not taken down); the free texts are redacted as on the website. The one
//! difference: a natural person's 证件类型/证件号码 is in the penalty export (the exchange needs it)
//! and never on the website. Written as `.csv` (UTF-8 with a byte-order mark, cells that a
//! spreadsheet would read as a formula prefixed with `'`) or `.xlsx` (every cell a string).

use std::path::Path;

use chrono::NaiveDate;
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::lifecycle::{Party, PenaltyRecord};
use spotcheck_domain::registry::TargetKind;
use spotcheck_domain::store::ReadStore;
use spotcheck_domain::time::Timestamp;

use crate::AppError;
use crate::public::records::{Records, load, load_penalties};
use crate::public::{Gate, project};
use crate::staff::{Role, Staff};

/// Which platform's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// 信用中国 administrative-penalty template.
    CreditChina,
    /// 国家企业信用信息公示系统 check results.
    Gsxt,
}

impl Layout {
    /// `credit-china` or `gsxt`.
    pub fn name(self) -> &'static str {
        match self {
            Self::CreditChina => "credit-china",
            Self::Gsxt => "gsxt",
        }
    }
}

impl std::str::FromStr for Layout {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "credit-china" => Ok(Self::CreditChina),
            "gsxt" => Ok(Self::Gsxt),
            _ => Err(AppError::validation(
                "unknown-layout",
                format!("layout {s:?}: must be credit-china (penalties) or gsxt (results)"),
            )),
        }
    }
}

/// File format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.csv`.
    Csv,
    /// `.xlsx`.
    Xlsx,
}

impl Format {
    /// The format named by a file's extension.
    ///
    /// # Errors
    /// `unknown-format` for anything but `.csv` and `.xlsx`.
    pub fn of_path(path: &Path) -> Result<Self, AppError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(Self::Csv),
            Some("xlsx") => Ok(Self::Xlsx),
            _ => Self::named(""),
        }
    }

    /// The format named `csv` or `xlsx`.
    ///
    /// # Errors
    /// `unknown-format`.
    pub fn named(s: &str) -> Result<Self, AppError> {
        match s {
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(AppError::validation(
                "unknown-format",
                "the export is written as .csv or .xlsx",
            )),
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The 信用中国 administrative-penalty template's columns, in order.
pub const CREDIT_CHINA_COLUMNS: [&str; 30] = [
    "行政相对人名称",
    "行政相对人类别",
    "行政相对人代码_1(统一社会信用代码)",
    "行政相对人代码_2(工商注册号)",
    "行政相对人代码_3(组织机构代码)",
    "行政相对人代码_4(税务登记号)",
    "行政相对人代码_5(事业单位证书号)",
    "行政相对人代码_6(社会组织登记证号)",
    "法定代表人",
    "法定代表人证件类型",
    "法定代表人证件号码",
    "证件类型",
    "证件号码",
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    "罚款金额（万元）",
    "没收违法所得、没收非法财物的金额（万元）",
    "暂扣或吊销证照名称及编号",
    "处罚决定日期",
    "处罚有效期",
    "公示截止期",
    "处罚机关",
    "处罚机关统一社会信用代码",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
];

/// The GSXT check-result layout's columns, in order.
pub const GSXT_COLUMNS: [&str; 6] = [
    "企业名称",
    "统一社会信用代码",
    "检查实施机关",
    "检查类型",
    "检查日期",
    "检查结果",
];

/// An export: a header row and data rows of text cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The sheet's name in an `.xlsx`.
    pub sheet: &'static str,
    /// Column names.
    pub columns: Vec<&'static str>,
    /// One row per record, as many cells as columns.
    pub rows: Vec<Vec<String>>,
    /// Records exported without the credit-platform fields (recorded before they existed): their
    /// rows have those cells empty and must be completed before upload.
    pub incomplete: Vec<String>,
}

/// Dates as the templates write them: `2026/11/20`.
fn day(d: NaiveDate) -> String {
    d.format("%Y/%m/%d").to_string()
}

fn penalty_row(p: &PenaltyRecord, raw: Option<&PenaltyRecord>) -> Vec<String> {
    let d = &p.decision;
    let (name, code) = match &d.party {
        Party::Organisation { name, credit_code } => (
            name.clone(),
            credit_code
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        Party::NaturalPerson { masked_name, .. } => (masked_name.to_string(), String::new()),
    };
    let x = d.disclosure.as_ref();
    // The projection drops the natural person's ID document and the legal representative (not on
    // the website); the exchange takes them from the stored record.
    let raw_x = raw.and_then(|r| r.decision.disclosure.as_ref());
    let id = raw_x.and_then(|r| r.id_document.as_ref());
    let opt = |s: Option<String>| s.unwrap_or_default();
    let mut row = vec![
        name,
        opt(x.map(|x| x.subject_category.label().to_owned())),
        code,
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        opt(raw_x.and_then(|r| r.legal_representative.clone())),
        String::new(),
        String::new(),
        opt(id.map(|i| i.kind.label().to_owned())),
        opt(id.map(|i| i.number.clone())),
        d.number.to_string(),
        opt(x.map(|x| x.violation_type.clone())),
        d.conditions.clone(),
        d.legal_basis.clone(),
        opt(x.map(|x| {
            x.categories
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join(";")
        })),
        d.result.clone(),
        opt(x.and_then(|x| x.fine).map(|w| w.to_string())),
        opt(x.and_then(|x| x.confiscation).map(|w| w.to_string())),
        opt(x.and_then(|x| x.licence.clone())),
        day(d.decided_on),
        opt(x.and_then(|x| x.valid_until).map(day)),
        opt(x.and_then(|x| x.publish_until).map(day)),
        d.authority.to_string(),
        opt(x.map(|x| x.authority_credit_code.to_string())),
        opt(x.map(|x| x.source_unit.clone())),
        opt(x.map(|x| x.source_unit_code.to_string())),
        opt(x.and_then(|x| x.remarks.clone())),
    ];
    row.truncate(CREDIT_CHINA_COLUMNS.len());
    row
}

/// The current penalty decisions in the 信用中国 layout (pure; see the module documentation).
pub fn penalties_table(records: &Records, calendar: &Calendar, now: Timestamp) -> Table {
    let public = project(records, calendar, Gate::Live, now);
    let mut rows = Vec::new();
    let mut incomplete = Vec::new();
    for p in public.decisions() {
        let raw = records
            .penalties
            .iter()
            .find(|r| r.decision.number == p.decision.number);
        if p.decision.disclosure.is_none() {
            incomplete.push(p.decision.number.to_string());
        }
        rows.push(penalty_row(p, raw));
    }
    Table {
        sheet: "行政处罚",
        columns: CREDIT_CHINA_COLUMNS.to_vec(),
        rows,
        incomplete,
    }
}

/// The results of market entities in the GSXT layout (pure; see the module documentation).
pub fn results_table(records: &Records, calendar: &Calendar, now: Timestamp) -> Table {
    let public = project(records, calendar, Gate::Live, now);
    let mut rows = Vec::new();
    for pr in public.plans() {
        if pr.plan.spec.target_kind == TargetKind::Guide {
            continue;
        }
        for r in &pr.results {
            let id = r.target.to_string();
            let name = public
                .records
                .names
                .targets
                .get(&id)
                .cloned()
                .unwrap_or_default();
            // Agencies and operators are drawn by their credit code; anything else is not one.
            let code = if id
                .parse::<spotcheck_domain::ids::UnifiedCreditCode>()
                .is_ok()
            {
                id
            } else {
                String::new()
            };
            rows.push(vec![
                name,
                code,
                pr.plan.spec.department.to_string(),
                "双随机抽查".to_owned(),
                day(r.completed_on),
                r.code.label().to_owned(),
            ]);
        }
    }
    Table {
        sheet: "抽查检查结果",
        columns: GSXT_COLUMNS.to_vec(),
        rows,
        incomplete: Vec::new(),
    }
}

/// Reads the store and builds the export of `layout`.
///
/// # Errors
/// The store's errors.
pub async fn export<S: ReadStore>(
    store: &S,
    layout: Layout,
    calendar: &Calendar,
    now: Timestamp,
) -> Result<Table, AppError> {
    Ok(match layout {
        Layout::CreditChina => penalties_table(&load_penalties(store).await?, calendar, now),
        Layout::Gsxt => results_table(&load(store).await?, calendar, now),
    })
}

/// The export of `layout` for a member of staff: the **publisher** role (who pushes records to
/// the platforms), and only their department's records — decisions whose authority it is, results
/// of its plans (谁检查、谁录入、谁公开).
///
/// # Errors
/// 403 `missing-role` without the publisher role; the store's errors.
pub async fn export_for<S: ReadStore>(
    store: &S,
    staff: &Staff,
    layout: Layout,
    calendar: &Calendar,
    now: Timestamp,
) -> Result<Table, AppError> {
    staff.require(Role::Publisher)?;
    Ok(match layout {
        Layout::CreditChina => {
            let mut records = load_penalties(store).await?;
            records
                .penalties
                .retain(|p| p.decision.authority == staff.department);
            penalties_table(&records, calendar, now)
        }
        Layout::Gsxt => {
            let mut records = load(store).await?;
            records
                .plans
                .retain(|_, pr| pr.plan.spec.department == staff.department);
            results_table(&records, calendar, now)
        }
    })
}

/// A cell a spreadsheet would read as a formula gets a leading `'` (OWASP CSV injection).
fn neutral(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn csv_cell(out: &mut String, cell: &str) {
    let cell = neutral(cell);
    if cell.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&cell);
    }
}

impl Table {
    /// UTF-8 CSV with a byte-order mark (so spreadsheet programs read the Chinese headers),
    /// CRLF line ends (RFC 4180).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = String::from("\u{feff}");
        let lines = std::iter::once(self.columns.iter().map(|c| (*c).to_owned()).collect())
            .chain(self.rows.iter().cloned());
        for line in lines {
            let line: Vec<String> = line;
            for (i, cell) in line.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                csv_cell(&mut out, cell);
            }
            out.push_str("\r\n");
        }
        out.into_bytes()
    }

    /// An `.xlsx` workbook with one sheet, the header row in bold, every cell a string.
    ///
    /// # Errors
    /// [`AppError::internal`] if the writer fails.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, AppError> {
        use rust_xlsxwriter::{Format as Fmt, Workbook};
        let err = |e: rust_xlsxwriter::XlsxError| AppError::internal(format!("xlsx: {e}"));
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(self.sheet).map_err(err)?;
        let bold = Fmt::new().set_bold();
        for (c, name) in self.columns.iter().enumerate() {
            let c = u16::try_from(c).map_err(|e| AppError::internal(e.to_string()))?;
            sheet
                .write_string_with_format(0, c, *name, &bold)
                .map_err(err)?;
            sheet.set_column_width(c, 18).map_err(err)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|e| AppError::internal(e.to_string()))?;
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|e| AppError::internal(e.to_string()))?;
                sheet.write_string(r, c, cell).map_err(err)?;
            }
        }
        book.save_to_buffer().map_err(err)
    }

    /// The bytes in `format`.
    ///
    /// # Errors
    /// See [`Table::to_xlsx`].
    pub fn bytes(&self, format: Format) -> Result<Vec<u8>, AppError> {
        match format {
            Format::Csv => Ok(self.to_csv()),
            Format::Xlsx => self.to_xlsx(),
        }
    }
}
