//! Administrative penalty decisions (行政处罚决定) as published, and their later changes.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{LifecycleError, check_text};
use crate::calendar::DeadlineKind;
use crate::ids::{Department, GuideCard, IdError, PlanId, TargetId, UnifiedCreditCode};
use crate::time::Timestamp;

/// A decision number (处罚决定书文号), e.g. `莆文旅罚〔2026〕12号`. 1–100 characters, no control
/// characters or surrounding spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DecisionNumber(String);
crate::ids::string_newtype_impls!(DecisionNumber);

impl FromStr for DecisionNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty()
            || s.chars().count() > 100
            || s.chars().any(char::is_control)
            || s.trim() != s
        {
            return Err(IdError::new(
                "decision number",
                s,
                "must be 1-100 characters without control characters or surrounding spaces",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

/// A natural person's name as published: masked (e.g. `张*`, `王某某`), never with an ID number.
///
/// 2–20 characters: the surname (one or two characters) followed only by `*`, `某` or `×`
/// (`柯*梅国` is refused: it shows most of the name), and no digits (so an ID, phone or bank
/// number cannot be smuggled in; 政府信息公开条例 §15).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MaskedName(String);
crate::ids::string_newtype_impls!(MaskedName);

impl FromStr for MaskedName {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n = s.chars().count();
        if !(2..=20).contains(&n) || s.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(IdError::new(
                "masked name",
                s,
                "must be 2-20 characters without spaces",
            ));
        }
        if s.chars().any(|c| c.is_numeric()) {
            return Err(IdError::new(
                "masked name",
                s,
                "must not contain digits: never publish an ID, phone or account number",
            ));
        }
        // The surname (one or two characters, e.g. 欧阳) and then only mask characters.
        let is_mask = |c: char| matches!(c, '*' | '某' | '×');
        let surname = s.chars().take_while(|&c| !is_mask(c)).count();
        let masked = s.chars().skip(surname).all(is_mask);
        if !(1..=2).contains(&surname) || !masked || surname == n {
            return Err(IdError::new(
                "masked name",
                s,
                "must be the surname followed only by mask characters, e.g. 张* or 王某某",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

/// The party penalised (主体信息).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Party {
    /// A legal person or other organisation: published in full.
    Organisation {
        /// Its registered name.
        name: String,
        /// Its unified social credit code.
        credit_code: Option<UnifiedCreditCode>,
    },
    /// A natural person (e.g. a tour guide): masked name only.
    NaturalPerson {
        /// The masked name.
        masked_name: MaskedName,
        /// The guide card number, for guides (a licence number, not a personal ID).
        guide_card: Option<GuideCard>,
    },
}

/// A penalty decision as recorded (and, unless it involves a minor, published).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PenaltyDecision {
    /// 处罚决定书文号.
    pub number: DecisionNumber,
    /// 主体信息.
    pub party: Party,
    /// 案由 / violation type.
    pub cause: String,
    /// 处罚依据.
    pub legal_basis: String,
    /// 处罚条件 (the facts that meet the legal conditions).
    pub conditions: String,
    /// 处罚程序 (简易程序 / 普通程序 …).
    pub procedure: String,
    /// 处罚结果.
    pub result: String,
    /// The deciding authority.
    pub authority: Department,
    /// The decision date (starts the 7-working-day publication clock).
    pub decided_on: NaiveDate,
    /// 通报批评 or a small fine: taken down after 3 months instead of 3 years.
    pub minor: bool,
    /// The case involves a minor: recorded, never published.
    pub involves_minor: bool,
    /// The target, if the decision followed a spot check.
    pub target: Option<TargetId>,
    /// The plan, if the decision followed a spot check.
    pub plan: Option<PlanId>,
    /// The fields of the national penalty-disclosure standard (信用中国); absent in decisions
    /// recorded before they existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<super::CreditDisclosure>,
}

impl PenaltyDecision {
    /// Checks the free-text fields.
    ///
    /// # Errors
    /// [`LifecycleError::Invalid`] naming the field.
    pub fn validate(&self) -> Result<(), LifecycleError> {
        if let Party::Organisation { name, .. } = &self.party {
            check_text("party.name", name, 200, true)?;
        }
        check_text("cause", &self.cause, 500, true)?;
        check_text("legal_basis", &self.legal_basis, 2000, true)?;
        check_text("conditions", &self.conditions, 4000, false)?;
        check_text("procedure", &self.procedure, 200, true)?;
        check_text("result", &self.result, 2000, true)?;
        if let Some(d) = &self.disclosure {
            d.validate(
                matches!(self.party, Party::NaturalPerson { .. }),
                self.decided_on,
            )?;
        }
        Ok(())
    }

    /// Whether it may be published at all (cases involving minors are not).
    pub fn publishable(&self) -> bool {
        !self.involves_minor
    }

    /// Which take-down rule applies: 3 months for minor penalties, 3 years otherwise.
    pub fn removal_rule(&self) -> DeadlineKind {
        if self.minor {
            DeadlineKind::PenaltyRemovalMinor
        } else {
            DeadlineKind::PenaltyRemoval
        }
    }
}

/// What happened to a decision after it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PenaltyChangeKind {
    /// 变更: the decision was changed.
    Changed,
    /// 撤销: the decision was revoked.
    Revoked,
    /// 确认违法或无效: confirmed unlawful or void.
    ConfirmedUnlawfulOrVoid,
    /// 信用修复: credit repair ends publication early.
    CreditRepaired,
}

/// One later change, with its reason (行政处罚法 §48, §85: withdrawn within 3 working days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PenaltyChange {
    /// 1 for the first change, +1 after.
    pub seq: u32,
    /// What happened.
    pub kind: PenaltyChangeKind,
    /// Why, as published.
    pub reason: String,
    /// The new result for [`PenaltyChangeKind::Changed`].
    pub new_result: Option<String>,
    /// The day it took effect (starts the withdrawal clock).
    pub effective_on: NaiveDate,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

/// A stored decision: the decision itself (never modified) and its changes (append-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PenaltyRecord {
    /// The decision as made.
    pub decision: PenaltyDecision,
    /// Later changes, oldest first.
    pub changes: Vec<PenaltyChange>,
    /// When the decision was recorded.
    pub recorded_at: Timestamp,
}

impl PenaltyRecord {
    /// Whether a change ended the decision (revoked, void or credit-repaired).
    pub fn is_withdrawn(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.kind != PenaltyChangeKind::Changed)
    }

    /// Appends a change, numbering it.
    ///
    /// # Errors
    /// [`LifecycleError::InvalidTransition`] once withdrawn; `Invalid` for a missing reason or a
    /// `Changed` without a new result; `Mismatch` for a change dated before the decision.
    pub fn with_change(
        mut self,
        kind: PenaltyChangeKind,
        reason: String,
        new_result: Option<String>,
        effective_on: NaiveDate,
        at: Timestamp,
    ) -> Result<Self, LifecycleError> {
        if self.is_withdrawn() {
            return Err(LifecycleError::InvalidTransition {
                subject: format!("penalty {}", self.decision.number),
                action: "change",
                state: "withdrawn",
            });
        }
        check_text("reason", &reason, 1000, true)?;
        if kind == PenaltyChangeKind::Changed && new_result.is_none() {
            return Err(LifecycleError::Invalid {
                field: "new_result",
                reason: "a changed decision needs its new result".into(),
            });
        }
        if effective_on < self.decision.decided_on {
            return Err(LifecycleError::Mismatch {
                field: "effective_on",
                reason: format!(
                    "{effective_on} is before the decision date {}",
                    self.decision.decided_on
                ),
            });
        }
        let seq = u32::try_from(self.changes.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        self.changes.push(PenaltyChange {
            seq,
            kind,
            reason,
            new_result,
            effective_on,
            recorded_at: at,
        });
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_names_refuse_digits_and_unmasked_names() {
        assert!("张*".parse::<MaskedName>().is_ok());
        assert!("王某某".parse::<MaskedName>().is_ok());
        assert!("张三".parse::<MaskedName>().is_err());
        assert!("张*350302199001011234".parse::<MaskedName>().is_err());
    }
}
