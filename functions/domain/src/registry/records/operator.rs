//! 在线旅游经营者: online travel operators.

use super::common::*;
use crate::ids::{RegionCode, UnifiedCreditCode};
use crate::registry::References;
use crate::registry::canonical::CanonicalWriter;
use crate::registry::enums::{CreditClass, Status};
use crate::registry::snapshot::{Record, RegistryKind};
use crate::registry::table::{Cells, ColumnSpec, Row};

/// An online travel operator (platform or website). Its id is the credit code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OnlineOperator {
    /// 统一社会信用代码.
    pub credit_code: UnifiedCreditCode,
    /// 经营者名称.
    pub name: String,
    /// 平台名称或网站.
    pub platform: String,
    /// 行政区划代码.
    pub region: RegionCode,
    /// 信用风险分类.
    pub credit_class: CreditClass,
    /// 经营状态.
    pub status: Status,
}

impl Record for OnlineOperator {
    const KIND: RegistryKind = RegistryKind::Operators;
    const COLUMNS: &'static [ColumnSpec] = &[
        col("credit_code", CREDIT_CODE_ZH, CREDIT_CODE_EN, true),
        col(
            "name",
            &["经营者名称", "名称", "企业名称"],
            &["operator_name"],
            true,
        ),
        col(
            "platform",
            &["平台名称", "网站", "平台或网站", "网址"],
            &["website", "platform_or_website"],
            true,
        ),
        col("region", REGION_ZH, REGION_EN, true),
        col("credit_class", CLASS_ZH, CLASS_EN, true),
        col("status", STATUS_ZH, STATUS_EN, true),
    ];

    fn id(&self) -> &str {
        self.credit_code.as_str()
    }

    fn parse_row<R: Row + ?Sized>(cells: &mut Cells<'_, R>, _refs: &References) -> Option<Self> {
        let credit_code = credit_code(cells, 0);
        let name = cells.text(1);
        let platform = cells.text(2);
        let region = region(cells, 3);
        let credit_class = vocab(cells, 4);
        let status = vocab(cells, 5);
        Some(Self {
            credit_code: credit_code?,
            name: name?,
            platform: platform?,
            region: region?,
            credit_class: credit_class?,
            status: status?,
        })
    }

    fn encode(&self, w: &mut CanonicalWriter) {
        w.begin(6);
        w.str(self.credit_code.as_str());
        w.str(&self.name);
        w.str(&self.platform);
        w.str(self.region.as_str());
        w.str(self.credit_class.code());
        w.str(self.status.code());
    }
}
