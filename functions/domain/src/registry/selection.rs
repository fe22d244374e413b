//! Building a plan's frame from one snapshot: filter (定向 / 不定向), repeat-limit exclusions and
//! stratification. Returns the entries and a [`FrameProvenance`] that lets anyone rebuild them;
//! the frame type itself (`crate::frame`) is built by the caller from the entries.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};

use super::enums::{CreditClass, Status};
use super::records::{Guide, OnlineOperator, RepeatLimit, TravelAgency};
use super::snapshot::{Record, RegistryKind, RegistrySnapshot};
use crate::ids::{Digest, IdError, RegionCode, StratumKey, TargetId};

/// A record that can be a spot-check target.
pub trait Target: Record {
    /// 行政区划代码.
    fn region(&self) -> &RegionCode;
    /// 信用风险分类.
    fn credit_class(&self) -> CreditClass;
    /// 经营状态.
    fn status(&self) -> Status;
    /// Whether it holds an outbound licence; `None` if the notion does not apply.
    fn outbound(&self) -> Option<bool> {
        None
    }
}

impl Target for TravelAgency {
    fn region(&self) -> &RegionCode {
        &self.region
    }
    fn credit_class(&self) -> CreditClass {
        self.credit_class
    }
    fn status(&self) -> Status {
        self.status
    }
    fn outbound(&self) -> Option<bool> {
        Some(TravelAgency::outbound(self))
    }
}

impl Target for Guide {
    fn region(&self) -> &RegionCode {
        &self.region
    }
    fn credit_class(&self) -> CreditClass {
        self.credit_class
    }
    fn status(&self) -> Status {
        self.status
    }
}

impl Target for OnlineOperator {
    fn region(&self) -> &RegionCode {
        &self.region
    }
    fn credit_class(&self) -> CreditClass {
        self.credit_class
    }
    fn status(&self) -> Status {
        self.status
    }
}

/// Which targets of the snapshot enter the frame.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FrameFilter {
    /// 不定向: every target whose status is active.
    Untargeted,
    /// 定向: every target matching all given conditions. An empty list means "any"; an empty
    /// `statuses` means active only.
    Targeted {
        /// The target's region must be within one of these (GB/T 2260 containment).
        regions: Vec<RegionCode>,
        /// The target's credit class must be one of these.
        credit_classes: Vec<CreditClass>,
        /// If set, the target's outbound licence must equal this (travel agencies only).
        outbound: Option<bool>,
        /// The target's status must be one of these (default: active).
        statuses: Vec<Status>,
    },
}

impl FrameFilter {
    fn matches<T: Target>(&self, t: &T) -> bool {
        match self {
            Self::Untargeted => t.status() == Status::Active,
            Self::Targeted {
                regions,
                credit_classes,
                outbound,
                statuses,
            } => {
                let status_ok = if statuses.is_empty() {
                    t.status() == Status::Active
                } else {
                    statuses.contains(&t.status())
                };
                status_ok
                    && (regions.is_empty() || regions.iter().any(|r| t.region().is_within(r)))
                    && (credit_classes.is_empty() || credit_classes.contains(&t.credit_class()))
                    && outbound.is_none_or(|o| t.outbound() == Some(o))
            }
        }
    }
}

/// How targets are grouped into strata (the stratum key of each frame entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StratumScheme {
    /// One stratum, keyed `all`.
    None,
    /// By region code, e.g. `350302`.
    Region,
    /// By credit class, e.g. `A`.
    Class,
    /// By region and class, e.g. `350302-A`.
    RegionClass,
}

impl StratumScheme {
    fn key<T: Target>(self, t: &T) -> Result<StratumKey, IdError> {
        match self {
            Self::None => "all".parse(),
            Self::Region => t.region().as_str().parse(),
            Self::Class => t.credit_class().code().parse(),
            Self::RegionClass => format!("{}-{}", t.region(), t.credit_class().code()).parse(),
        }
    }
}

/// One past check of a target, supplied by the caller (from its check records).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PastCheck {
    /// The target checked.
    pub target: TargetId,
    /// The date of that check.
    pub checked_on: NaiveDate,
}

/// The repeat-limit inputs: the plan date, the item's limit and the check history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExclusionRules {
    /// The date of the plan (the draw's reference date).
    pub plan_date: NaiveDate,
    /// The item's repeat limit; `None` excludes nothing.
    pub repeat_limit: Option<RepeatLimit>,
    /// Past checks (any order; for a target checked several times the latest counts).
    pub history: Vec<PastCheck>,
}

/// A target left out of the frame, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Exclusion {
    /// The target left out.
    pub target: TargetId,
    /// Its credit class.
    pub credit_class: CreditClass,
    /// Its latest check before the plan date.
    pub last_checked: NaiveDate,
    /// Human-readable reason, e.g. `A类 checked on 2025-09-01, within 12 months of 2026-03-02`.
    pub reason: String,
}

/// Everything needed to rebuild a frame from its snapshot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FrameProvenance {
    /// Which registry.
    pub registry: RegistryKind,
    /// The snapshot number.
    pub snapshot_number: u64,
    /// The snapshot's canonical hash.
    pub snapshot_hash: Digest,
    /// The filter applied.
    pub filter: FrameFilter,
    /// The stratum scheme.
    pub stratum_scheme: StratumScheme,
    /// The plan date the repeat limit was evaluated at.
    pub plan_date: NaiveDate,
    /// The repeat limit applied, if any.
    pub repeat_limit: Option<RepeatLimit>,
    /// Targets that matched the filter but were excluded, in id order.
    pub exclusions: Vec<Exclusion>,
    /// Number of frame entries.
    pub entries: u64,
}

/// The frame entries (in snapshot id order) and their provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameSelection {
    /// `(target, stratum)` pairs for `crate::frame::Frame`.
    pub entries: Vec<(TargetId, StratumKey)>,
    /// How they were produced.
    pub provenance: FrameProvenance,
}

/// Why a frame could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameBuildError {
    /// The filter asks for an outbound licence but the registry has none.
    #[error("the outbound-licence filter applies to travel agencies only, not {0}")]
    OutboundNotApplicable(RegistryKind),
    /// A past check is dated after the plan date.
    #[error(
        "check history says {target} was checked on {checked_on}, after the plan date {plan_date}"
    )]
    CheckAfterPlanDate {
        /// The target.
        target: TargetId,
        /// The impossible date.
        checked_on: NaiveDate,
        /// The plan date.
        plan_date: NaiveDate,
    },
    /// A record id or stratum key is not a valid identifier.
    #[error(transparent)]
    InvalidId(#[from] IdError),
}

/// Builds the frame entries for a plan from one snapshot.
///
/// A target enters the frame if it matches `filter` and is not protected by the repeat limit: a
/// target of a limited class whose latest check `d` satisfies `plan_date < d + months` (calendar
/// months; the day is clamped to the end of shorter months) is excluded and listed in the
/// provenance.
///
/// # Errors
/// [`FrameBuildError`] if the filter does not apply to the registry or the history is inconsistent.
pub fn build_frame<T: Target>(
    snapshot: &RegistrySnapshot<T>,
    filter: &FrameFilter,
    scheme: StratumScheme,
    rules: &ExclusionRules,
) -> Result<FrameSelection, FrameBuildError> {
    if let FrameFilter::Targeted {
        outbound: Some(_), ..
    } = filter
        && T::KIND != RegistryKind::Agencies
    {
        return Err(FrameBuildError::OutboundNotApplicable(T::KIND));
    }
    let mut latest: HashMap<&str, NaiveDate> = HashMap::new();
    for past in &rules.history {
        if past.checked_on > rules.plan_date {
            return Err(FrameBuildError::CheckAfterPlanDate {
                target: past.target.clone(),
                checked_on: past.checked_on,
                plan_date: rules.plan_date,
            });
        }
        let e = latest
            .entry(past.target.as_str())
            .or_insert(past.checked_on);
        *e = (*e).max(past.checked_on);
    }
    let mut entries = Vec::new();
    let mut exclusions = Vec::new();
    for t in snapshot.records().iter().filter(|t| filter.matches(*t)) {
        if let Some(limit) = &rules.repeat_limit
            && limit.classes.contains(&t.credit_class())
            && let Some(&d) = latest.get(t.id())
        {
            let until = d
                .checked_add_months(Months::new(limit.months))
                .unwrap_or(NaiveDate::MAX);
            if rules.plan_date < until {
                exclusions.push(Exclusion {
                    target: t.id().parse()?,
                    credit_class: t.credit_class(),
                    last_checked: d,
                    reason: format!(
                        "{}类 checked on {d}, within {} months of {}",
                        t.credit_class().code(),
                        limit.months,
                        rules.plan_date
                    ),
                });
                continue;
            }
        }
        entries.push((t.id().parse()?, scheme.key(t)?));
    }
    let provenance = FrameProvenance {
        registry: T::KIND,
        snapshot_number: snapshot.number(),
        snapshot_hash: snapshot.hash(),
        filter: filter.clone(),
        stratum_scheme: scheme,
        plan_date: rules.plan_date,
        repeat_limit: rules.repeat_limit.clone(),
        exclusions,
        entries: entries.len() as u64,
    };
    Ok(FrameSelection {
        entries,
        provenance,
    })
}
