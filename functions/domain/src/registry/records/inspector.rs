//! 执法检查人员: the inspector roster.

use super::common::*;
use crate::ids::{Department, InspectorId, RegionCode, TargetId};
use crate::registry::References;
use crate::registry::canonical::CanonicalWriter;
use crate::registry::enums::TargetKind;
use crate::registry::snapshot::{Record, RegistryKind};
use crate::registry::table::{
    Cells, ColumnSpec, ErrorKind, PERSONAL_DATA_HEADERS, Row, is_bidi_control,
};

/// A certified law-enforcement officer who may be drawn to inspect.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Inspector {
    /// 人员编号.
    pub id: InspectorId,
    /// 姓名.
    pub name: String,
    /// 行政执法证号.
    pub certificate: String,
    /// 所属部门, e.g. 莆田市文化和旅游局.
    pub department: Department,
    /// 行政区划代码 of the department.
    pub region: RegionCode,
    /// 检查领域 (which kinds of target the inspector checks); may be empty.
    pub specialties: Vec<TargetKind>,
    /// 申报回避对象: targets the inspector must never be assigned to (回避, 行政处罚法 §43).
    pub conflicts: Vec<TargetId>,
}

const CERTIFICATE: usize = 2;
const CONFLICTS: usize = 6;

impl Record for Inspector {
    const KIND: RegistryKind = RegistryKind::Inspectors;
    const FORBIDDEN: &'static [&'static str] = PERSONAL_DATA_HEADERS;
    const COLUMNS: &'static [ColumnSpec] = &[
        col(
            "id",
            &["人员编号", "执法人员编号", "编号"],
            &["inspector_id"],
            true,
        ),
        col("name", &["姓名"], &["inspector_name"], true),
        col(
            "certificate",
            &["执法证号", "行政执法证号", "执法证件号"],
            &["certificate_number", "law_enforcement_certificate"],
            true,
        ),
        col(
            "department",
            &["所属部门", "部门", "执法单位"],
            &["dept"],
            true,
        ),
        col("region", REGION_ZH, REGION_EN, true),
        col(
            "specialties",
            &["检查领域", "专业领域", "擅长领域"],
            &["specialty", "specialities"],
            false,
        ),
        col(
            "conflicts",
            &["回避对象", "申报回避对象", "利害关系对象"],
            &["conflict_targets", "declared_conflicts"],
            false,
        ),
    ];

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn parse_row<R: Row + ?Sized>(cells: &mut Cells<'_, R>, refs: &References) -> Option<Self> {
        let inspector_id: Option<InspectorId> = id(cells, 0);
        let name = cells.text(1);
        let certificate = cells.required(CERTIFICATE).and_then(|c| {
            let ok = c.len() <= 64
                && c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || !ch.is_ascii());
            if ok
                && !c
                    .chars()
                    .any(|ch| ch.is_whitespace() || ch.is_control() || is_bidi_control(ch))
            {
                Some(c.to_owned())
            } else {
                cells.report(
                    CERTIFICATE,
                    c,
                    ErrorKind::InvalidValue,
                    "must be at most 64 characters: letters, digits, '-' or Chinese characters",
                );
                None
            }
        });
        let department: Option<Department> = id(cells, 3);
        let region = region(cells, 4);
        let specialties = cells.list(5, false, str::parse::<TargetKind>);
        let conflicts = cells.list(CONFLICTS, false, listed_id::<TargetId>);
        if let Some(list) = &conflicts {
            for t in list {
                if refs.has_target(t.as_str()) == Some(false) {
                    cells.report(
                        CONFLICTS,
                        t.as_str(),
                        ErrorKind::BrokenReference,
                        "declared conflict names a target that is in none of the given registries",
                    );
                }
            }
        }
        Some(Self {
            id: inspector_id?,
            name: name?,
            certificate: certificate?,
            department: department?,
            region: region?,
            specialties: specialties?,
            conflicts: conflicts?,
        })
    }

    fn encode(&self, w: &mut CanonicalWriter) {
        w.begin(7);
        w.str(self.id.as_str());
        w.str(&self.name);
        w.str(&self.certificate);
        w.str(self.department.as_str());
        w.str(self.region.as_str());
        w.list(self.specialties.iter().map(|s| s.code()));
        w.list(self.conflicts.iter().map(TargetId::as_str));
    }
}
