//! 随机抽查事项清单: the random spot-check item list (seed item 11), with sampling parameters.

use std::fmt;
use std::str::FromStr;

use super::common::*;
use crate::ids::{Department, IdError};
use crate::registry::References;
use crate::registry::canonical::CanonicalWriter;
use crate::registry::enums::{CheckMethod, CreditClass, ItemType, TargetKind};
use crate::registry::ratio::Ratio;
use crate::registry::snapshot::{Record, RegistryKind};
use crate::registry::table::{Cells, ColumnSpec, ErrorKind, Row};

/// The code of a check item: 1–64 characters from `A-Z a-z 0-9 . _ -`, e.g. `PT-LY-001`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct ItemCode(String);

crate::ids::openapi_string!(ItemCode, pattern = r"^[A-Za-z0-9._-]{1,64}$");

impl ItemCode {
    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ItemCode {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
        if s.is_empty() || s.len() > 64 || !s.bytes().all(ok) {
            return Err(IdError {
                kind: "item code",
                value: s.to_owned(),
                reason: "must be 1-64 characters from A-Z a-z 0-9 . _ -".to_owned(),
            });
        }
        Ok(Self(s.to_owned()))
    }
}

impl TryFrom<String> for ItemCode {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ItemCode> for String {
    fn from(c: ItemCode) -> String {
        c.0
    }
}

impl fmt::Display for ItemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// "A target of these classes is not checked again within `months` months of its last check."
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepeatLimit {
    /// The window, 1–120 months.
    pub months: u32,
    /// Which credit classes the limit protects (usually the low-risk ones).
    pub classes: Vec<CreditClass>,
}

/// One entry of the random spot-check item list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckItem {
    /// 事项编码.
    pub code: ItemCode,
    /// 抽查事项名称.
    pub name: String,
    /// 抽查依据 (the laws and regulations, as published).
    pub legal_basis: String,
    /// 抽查对象.
    pub target_kind: TargetKind,
    /// 抽查内容.
    pub content: String,
    /// 抽查部门.
    pub department: Department,
    /// 抽查方式 (at least one).
    pub methods: Vec<CheckMethod>,
    /// 一般 / 重点.
    pub item_type: ItemType,
    /// Default sampling ratio per credit class, indexed A, B, C, D.
    pub ratios: [Ratio; 4],
    /// Repeat limit, if the item has one.
    pub repeat_limit: Option<RepeatLimit>,
}

impl CheckItem {
    /// The default ratio for a credit class.
    pub fn ratio(&self, class: CreditClass) -> Ratio {
        self.ratios[class as usize]
    }
}

const RATIO_A: usize = 8;
const MONTHS: usize = 12;
const LIMIT_CLASSES: usize = 13;

impl Record for CheckItem {
    const KIND: RegistryKind = RegistryKind::Items;
    const COLUMNS: &'static [ColumnSpec] = &[
        col(
            "code",
            &["事项编码", "编号", "事项编号"],
            &["item_code"],
            true,
        ),
        col("name", &["抽查事项名称", "事项名称"], &["item_name"], true),
        col("legal_basis", &["抽查依据"], &["basis"], true),
        col("target_kind", &["抽查对象"], &["target", "targets"], true),
        col("content", &["抽查内容"], &["check_content"], true),
        col("department", &["抽查部门", "实施部门"], &["dept"], true),
        col("methods", &["抽查方式"], &["method"], true),
        col(
            "item_type",
            &["事项类别", "事项类型", "类别"],
            &["type"],
            true,
        ),
        col("ratio_a", &["A类抽查比例", "A类比例"], &[], true),
        col("ratio_b", &["B类抽查比例", "B类比例"], &[], true),
        col("ratio_c", &["C类抽查比例", "C类比例"], &[], true),
        col("ratio_d", &["D类抽查比例", "D类比例"], &[], true),
        col(
            "repeat_limit_months",
            &[
                "不重复抽查期限（月）",
                "不重复抽查期限(月)",
                "不重复抽查月数",
            ],
            &["repeat_months"],
            false,
        ),
        col(
            "repeat_limit_classes",
            &["不重复抽查信用等级", "不重复抽查适用等级"],
            &["repeat_classes"],
            false,
        ),
    ];

    fn id(&self) -> &str {
        self.code.as_str()
    }

    fn parse_row<R: Row + ?Sized>(cells: &mut Cells<'_, R>, _refs: &References) -> Option<Self> {
        let code: Option<ItemCode> = id(cells, 0);
        let name = cells.text(1);
        let legal_basis = cells.text(2);
        let target_kind = vocab(cells, 3);
        let content = cells.text(4);
        let department: Option<Department> = id(cells, 5);
        let methods = cells.list(6, true, str::parse::<CheckMethod>);
        let item_type = vocab(cells, 7);
        let mut ratios = [Some(Ratio::ONE); 4];
        for (i, r) in ratios.iter_mut().enumerate() {
            *r = cells.parse(RATIO_A + i, str::parse::<Ratio>, |_| {
                ErrorKind::InvalidValue
            });
        }
        let months_raw = cells.raw(MONTHS);
        let months = if months_raw.is_empty() {
            Some(None)
        } else {
            cells
                .parse_value(
                    MONTHS,
                    months_raw,
                    |s| match s.parse::<u32>() {
                        Ok(m) if (1..=120).contains(&m) => Ok(m),
                        _ => Err("must be a whole number of months between 1 and 120"),
                    },
                    |_| ErrorKind::InvalidValue,
                )
                .map(Some)
        };
        let classes = cells.list(LIMIT_CLASSES, false, str::parse::<CreditClass>);
        let repeat_limit = match (months, classes) {
            (Some(None), Some(c)) if c.is_empty() => Some(None),
            (Some(Some(months)), Some(classes)) if !classes.is_empty() => {
                Some(Some(RepeatLimit { months, classes }))
            }
            (Some(m), Some(_)) => {
                let (col, raw) = if m.is_some() {
                    (LIMIT_CLASSES, cells.raw(LIMIT_CLASSES))
                } else {
                    (MONTHS, months_raw)
                };
                cells.report(
                    col,
                    raw,
                    ErrorKind::Inconsistent,
                    "repeat limit needs both a number of months and the credit classes it applies to",
                );
                None
            }
            _ => None,
        };
        let [a, b, c, d] = ratios;
        Some(Self {
            code: code?,
            name: name?,
            legal_basis: legal_basis?,
            target_kind: target_kind?,
            content: content?,
            department: department?,
            methods: methods?,
            item_type: item_type?,
            ratios: [a?, b?, c?, d?],
            repeat_limit: repeat_limit?,
        })
    }

    fn encode(&self, w: &mut CanonicalWriter) {
        w.begin(14);
        w.str(self.code.as_str());
        w.str(&self.name);
        w.str(&self.legal_basis);
        w.str(self.target_kind.code());
        w.str(&self.content);
        w.str(self.department.as_str());
        w.list(self.methods.iter().map(|m| m.code()));
        w.str(self.item_type.code());
        for r in self.ratios {
            w.str(&r.parts_per_million().to_string());
        }
        match &self.repeat_limit {
            Some(l) => {
                w.str(&l.months.to_string());
                w.list(l.classes.iter().map(|c| c.code()));
            }
            None => {
                w.str("");
                w.list(std::iter::empty());
            }
        }
    }
}
