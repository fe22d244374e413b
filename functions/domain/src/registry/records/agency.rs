//! 旅行社: travel agencies.

use super::common::*;
use crate::ids::{AgencyLicence, RegionCode, UnifiedCreditCode};
use crate::registry::References;
use crate::registry::canonical::CanonicalWriter;
use crate::registry::enums::{CreditClass, Status, parse_yes_no};
use crate::registry::snapshot::{Record, RegistryKind};
use crate::registry::table::{Cells, ColumnSpec, ErrorKind, Row};

/// A travel agency in the target registry. Its id is the credit code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TravelAgency {
    /// 统一社会信用代码.
    pub credit_code: UnifiedCreditCode,
    /// 旅行社业务经营许可证编号; carries the outbound (`CJ`) marker.
    pub licence: AgencyLicence,
    /// 旅行社名称.
    pub name: String,
    /// 经营场所 (a business address, never a person's home).
    pub address: String,
    /// 行政区划代码.
    pub region: RegionCode,
    /// 信用风险分类.
    pub credit_class: CreditClass,
    /// 经营状态.
    pub status: Status,
}

impl TravelAgency {
    /// Whether the agency may run outbound tours (the licence's `CJ` marker).
    pub fn outbound(&self) -> bool {
        self.licence.is_outbound()
    }
}

const CREDIT_CODE: usize = 0;
const LICENCE: usize = 1;
const NAME: usize = 2;
const ADDRESS: usize = 3;
const REGION: usize = 4;
const OUTBOUND: usize = 5;
const CLASS: usize = 6;
const STATUS: usize = 7;

impl Record for TravelAgency {
    const KIND: RegistryKind = RegistryKind::Agencies;
    const COLUMNS: &'static [ColumnSpec] = &[
        col("credit_code", CREDIT_CODE_ZH, CREDIT_CODE_EN, true),
        col(
            "licence",
            &[
                "许可证号",
                "旅行社业务经营许可证编号",
                "经营许可证号",
                "许可证编号",
            ],
            &["license", "licence_number", "license_number"],
            true,
        ),
        col("name", &["旅行社名称", "名称"], &["agency_name"], true),
        col(
            "address",
            &["经营场所", "地址", "经营地址"],
            &["business_address"],
            true,
        ),
        col("region", REGION_ZH, REGION_EN, true),
        col(
            "outbound",
            &["出境旅游业务", "是否经营出境旅游业务", "出境业务"],
            &["outbound_licence", "outbound_license"],
            true,
        ),
        col("credit_class", CLASS_ZH, CLASS_EN, true),
        col("status", STATUS_ZH, STATUS_EN, true),
    ];

    fn id(&self) -> &str {
        self.credit_code.as_str()
    }

    fn parse_row<R: Row + ?Sized>(cells: &mut Cells<'_, R>, _refs: &References) -> Option<Self> {
        let credit_code = credit_code(cells, CREDIT_CODE);
        let licence: Option<AgencyLicence> = id(cells, LICENCE);
        let name = cells.text(NAME);
        let address = cells.text(ADDRESS);
        let region = region(cells, REGION);
        let outbound = cells.parse(OUTBOUND, parse_yes_no, |_| ErrorKind::InvalidValue);
        let credit_class = vocab(cells, CLASS);
        let status = vocab(cells, STATUS);
        if let (Some(l), Some(o)) = (&licence, outbound)
            && l.is_outbound() != o
        {
            let raw = cells.raw(OUTBOUND);
            cells.report(
                OUTBOUND,
                raw,
                ErrorKind::Inconsistent,
                format!(
                    "licence {l} {} the outbound marker CJ, so this must be {}",
                    if l.is_outbound() { "has" } else { "lacks" },
                    if l.is_outbound() { "是" } else { "否" }
                ),
            );
        }
        Some(Self {
            credit_code: credit_code?,
            licence: licence?,
            name: name?,
            address: address?,
            region: region?,
            credit_class: credit_class?,
            status: status?,
        })
    }

    fn encode(&self, w: &mut CanonicalWriter) {
        w.begin(8);
        w.str(self.credit_code.as_str());
        w.str(self.licence.as_str());
        w.str(&self.name);
        w.str(&self.address);
        w.str(self.region.as_str());
        w.flag(self.outbound());
        w.str(self.credit_class.code());
        w.str(self.status.code());
    }
}
