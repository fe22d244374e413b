//! 导游: tour guides. Guides are natural persons: the record holds no ID number, phone or home
//! address, and a file carrying such a column is refused.

use super::common::*;
use crate::ids::{AgencyLicence, GuideCard, RegionCode};
use crate::registry::References;
use crate::registry::canonical::CanonicalWriter;
use crate::registry::enums::{CreditClass, GuideLevel, Status};
use crate::registry::snapshot::{Record, RegistryKind};
use crate::registry::table::{
    Cells, ColumnSpec, ErrorKind, PERSONAL_DATA_HEADERS, Row, is_bidi_control,
};

/// A tour guide. Its id is the guide card number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Guide {
    /// 电子导游证号.
    pub card: GuideCard,
    /// 姓名.
    pub name: String,
    /// 语种, in file order (at least one).
    pub languages: Vec<String>,
    /// 导游等级.
    pub level: GuideLevel,
    /// 所属旅行社许可证号; `None` for guides registered with a guide service centre.
    pub agency: Option<AgencyLicence>,
    /// 行政区划代码.
    pub region: RegionCode,
    /// 信用风险分类.
    pub credit_class: CreditClass,
    /// 状态.
    pub status: Status,
}

const AGENCY: usize = 4;

impl Record for Guide {
    const KIND: RegistryKind = RegistryKind::Guides;
    const FORBIDDEN: &'static [&'static str] = PERSONAL_DATA_HEADERS;
    const COLUMNS: &'static [ColumnSpec] = &[
        col(
            "card",
            &["导游证号", "电子导游证号", "导游证编号"],
            &["guide_card", "card_number"],
            true,
        ),
        col("name", &["姓名", "导游姓名"], &["guide_name"], true),
        col(
            "languages",
            &["语种", "导游语种", "工作语种"],
            &["language"],
            true,
        ),
        col("level", &["等级", "导游等级"], &["guide_level"], true),
        col(
            "agency_licence",
            &["所属旅行社许可证号", "所属旅行社", "执业旅行社许可证号"],
            &["agency", "agency_license"],
            false,
        ),
        col("region", REGION_ZH, REGION_EN, true),
        col("credit_class", CLASS_ZH, CLASS_EN, true),
        col("status", STATUS_ZH, STATUS_EN, true),
    ];

    fn id(&self) -> &str {
        self.card.as_str()
    }

    fn parse_row<R: Row + ?Sized>(cells: &mut Cells<'_, R>, refs: &References) -> Option<Self> {
        let card: Option<GuideCard> = id(cells, 0);
        let name = cells.text(1);
        let languages = cells.list(2, true, |s| {
            if s.chars().count() > 32 || s.chars().any(|c| c.is_control() || is_bidi_control(c)) {
                Err("a language name must be at most 32 characters")
            } else {
                Ok(s.to_owned())
            }
        });
        let level = vocab(cells, 3);
        let agency_raw = cells.raw(AGENCY);
        let agency = if agency_raw.is_empty() || agency_raw == "无" {
            Some(None)
        } else {
            let parsed: Option<AgencyLicence> =
                cells.parse_value(AGENCY, agency_raw, str::parse, id_error_kind);
            if let Some(l) = &parsed
                && refs.has_agency(l.as_str()) == Some(false)
            {
                cells.report(
                    AGENCY,
                    agency_raw,
                    ErrorKind::BrokenReference,
                    "no travel agency with this licence in the agency registry",
                );
            }
            parsed.map(Some)
        };
        let region = region(cells, 5);
        let credit_class = vocab(cells, 6);
        let status = vocab(cells, 7);
        Some(Self {
            card: card?,
            name: name?,
            languages: languages?,
            level: level?,
            agency: agency?,
            region: region?,
            credit_class: credit_class?,
            status: status?,
        })
    }

    fn encode(&self, w: &mut CanonicalWriter) {
        w.begin(8);
        w.str(self.card.as_str());
        w.str(&self.name);
        w.list(self.languages.iter().map(String::as_str));
        w.str(self.level.code());
        w.str(
            self.agency
                .as_ref()
                .map(AgencyLicence::as_str)
                .unwrap_or(""),
        );
        w.str(self.region.as_str());
        w.str(self.credit_class.code());
        w.str(self.status.code());
    }
}
