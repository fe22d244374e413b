//! Publications (一公开): what must be published, by when, and whether it was.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::penalty::DecisionNumber;
use super::{LifecycleError, check_text};
use crate::calendar::{Calendar, CalendarError, DeadlineKind};
use crate::ids::{IdError, PlanId, TargetId};
use crate::registry::RegistryKind;
use crate::time::Timestamp;

/// What is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicationKind {
    /// The random spot-check item list, on forming or changing (seed item 11).
    ItemList,
    /// A plan with its commitment (published before the draw).
    Plan,
    /// A draw's transcript.
    Draw,
    /// A check result (seed items 12–14).
    CheckResult,
    /// A penalty decision (seed items 15–17).
    PenaltyDecision,
    /// The withdrawal of a changed or revoked penalty decision.
    PenaltyWithdrawal,
}

impl PublicationKind {
    /// The deadline rule, if the law sets one (plans and draws have none: they are published as
    /// soon as they exist).
    pub fn deadline_kind(self) -> Option<DeadlineKind> {
        match self {
            PublicationKind::ItemList => Some(DeadlineKind::ItemList),
            PublicationKind::CheckResult => Some(DeadlineKind::CheckResult),
            PublicationKind::PenaltyDecision => Some(DeadlineKind::PenaltyDecision),
            PublicationKind::PenaltyWithdrawal => Some(DeadlineKind::Withdrawal),
            PublicationKind::Plan | PublicationKind::Draw => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            PublicationKind::ItemList => "item-list",
            PublicationKind::Plan => "plan",
            PublicationKind::Draw => "draw",
            PublicationKind::CheckResult => "check-result",
            PublicationKind::PenaltyDecision => "penalty-decision",
            PublicationKind::PenaltyWithdrawal => "penalty-withdrawal",
        }
    }
}

/// The record a publication shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case", deny_unknown_fields)]
pub enum RecordRef {
    /// A registry snapshot (the item list is `items`).
    Snapshot {
        /// Which registry.
        registry: RegistryKind,
        /// Its number.
        number: u64,
    },
    /// A plan (its commitment or its draw).
    Plan {
        /// The plan.
        plan: PlanId,
    },
    /// One result.
    Result {
        /// The plan.
        plan: PlanId,
        /// The target.
        target: TargetId,
    },
    /// A penalty decision.
    Penalty {
        /// Its number.
        number: DecisionNumber,
    },
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordRef::Snapshot { registry, number } => write!(f, "{registry}/{number}"),
            RecordRef::Plan { plan } => write!(f, "{plan}"),
            RecordRef::Result { plan, target } => write!(f, "{plan}/{target}"),
            RecordRef::Penalty { number } => write!(f, "{number}"),
        }
    }
}

/// A publication's id: `<kind>:<record>`, e.g. `check-result:PT-2026-001/91350302MA2XN4QJ2B`.
/// Derived, so one record has at most one publication of each kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicationId(String);
crate::ids::string_newtype_impls!(PublicationId);

impl PublicationId {
    /// The id of the publication of `kind` for `record`.
    pub fn of(kind: PublicationKind, record: &RecordRef) -> Self {
        Self(format!("{}:{record}", kind.code()))
    }

    /// The id under which change `seq` of decision `number` awaits its approval: the text a
    /// change or withdrawal publishes goes through the same four eyes as the decision.
    pub fn of_penalty_change(number: &DecisionNumber, seq: u32) -> Self {
        let decision = Self::of(
            PublicationKind::PenaltyDecision,
            &RecordRef::Penalty {
                number: number.clone(),
            },
        );
        Self(format!("{decision}#change-{seq}"))
    }
}

impl FromStr for PublicationId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || s.len() > 400 || !s.contains(':') || s.chars().any(char::is_control) {
            return Err(IdError::new(
                "publication id",
                s,
                "must look like <kind>:<record>",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

/// Where a publication is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PublicationState {
    /// Due, not yet published.
    Pending,
    /// On the government website.
    Published {
        /// When.
        published_at: Timestamp,
    },
    /// Taken down because the record was changed or revoked.
    Withdrawn {
        /// When.
        withdrawn_at: Timestamp,
        /// Why, as published.
        reason: String,
    },
    /// Taken down at the end of its publication period.
    Expired {
        /// When.
        expired_at: Timestamp,
    },
}

impl PublicationState {
    /// `pending`, `published`, `withdrawn` or `expired`.
    pub fn name(&self) -> &'static str {
        match self {
            PublicationState::Pending => "pending",
            PublicationState::Published { .. } => "published",
            PublicationState::Withdrawn { .. } => "withdrawn",
            PublicationState::Expired { .. } => "expired",
        }
    }
}

/// A requested change of state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum PublicationTransition {
    /// Pending → Published.
    Publish,
    /// Pending or Published → Withdrawn.
    Withdraw {
        /// Why.
        reason: String,
    },
    /// Published → Expired.
    Expire,
}

/// A duty to publish a record by a deadline, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// `<kind>:<record>`.
    pub id: PublicationId,
    /// What is published.
    pub kind: PublicationKind,
    /// Which record.
    pub record: RecordRef,
    /// The day that started the clock (decision date, completion date …).
    pub event_date: NaiveDate,
    /// The last day to publish, from the official calendar; `None` where no rule applies.
    pub deadline: Option<NaiveDate>,
    /// Whether the deadline depends on a year not yet announced.
    pub deadline_provisional: bool,
    /// Where it is.
    pub state: PublicationState,
    /// 1 when scheduled, +1 per transition.
    pub version: u64,
    /// When scheduled.
    pub created_at: Timestamp,
    /// When last changed.
    pub updated_at: Timestamp,
}

impl Publication {
    /// Schedules a publication, computing its deadline with the official calendar.
    ///
    /// # Errors
    /// The calendar's errors (e.g. an event date before its coverage).
    pub fn schedule(
        kind: PublicationKind,
        record: RecordRef,
        event_date: NaiveDate,
        calendar: &Calendar,
        at: Timestamp,
    ) -> Result<Self, CalendarError> {
        let (deadline, provisional) = match kind.deadline_kind() {
            Some(k) => {
                let d = calendar.deadline(k, event_date)?;
                (Some(d.date), d.provisional)
            }
            None => (None, false),
        };
        Ok(Self {
            id: PublicationId::of(kind, &record),
            kind,
            record,
            event_date,
            deadline,
            deadline_provisional: provisional,
            state: PublicationState::Pending,
            version: 1,
            created_at: at,
            updated_at: at,
        })
    }

    /// Whether the record was ever on the website: published now, expired (only a published
    /// record expires), or withdrawn after being published. A publication starts at version 1 and
    /// each transition adds one, so a withdrawn one at version 2 went pending → withdrawn without
    /// ever being published (a withdrawal notice for it would announce nothing).
    pub fn was_published(&self) -> bool {
        match self.state {
            PublicationState::Pending => false,
            PublicationState::Published { .. } | PublicationState::Expired { .. } => true,
            PublicationState::Withdrawn { .. } => self.version >= 3,
        }
    }

    /// Applies a transition.
    ///
    /// # Errors
    /// [`LifecycleError::InvalidTransition`] naming the current state; `Invalid` for an empty
    /// withdrawal reason.
    pub fn transition(
        mut self,
        t: PublicationTransition,
        at: Timestamp,
    ) -> Result<Self, LifecycleError> {
        let refuse = |action, state: &PublicationState| LifecycleError::InvalidTransition {
            subject: format!("publication {}", self.id),
            action,
            state: state.name(),
        };
        self.state = match (t, &self.state) {
            (PublicationTransition::Publish, PublicationState::Pending) => {
                PublicationState::Published { published_at: at }
            }
            (
                PublicationTransition::Withdraw { reason },
                PublicationState::Pending | PublicationState::Published { .. },
            ) => {
                check_text("reason", &reason, 1000, true)?;
                PublicationState::Withdrawn {
                    withdrawn_at: at,
                    reason,
                }
            }
            (PublicationTransition::Expire, PublicationState::Published { .. }) => {
                PublicationState::Expired { expired_at: at }
            }
            (PublicationTransition::Publish, s) => return Err(refuse("publish", s)),
            (PublicationTransition::Withdraw { .. }, s) => return Err(refuse("withdraw", s)),
            (PublicationTransition::Expire, s) => return Err(refuse("expire", s)),
        };
        self.version += 1;
        self.updated_at = at;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn penalty_publication_is_due_in_seven_working_days_and_moves_forward_only()
    -> Result<(), Box<dyn std::error::Error>> {
        let cal = Calendar::embedded()?;
        let at: Timestamp = "2026-09-30T08:00:00Z".parse()?;
        let p = Publication::schedule(
            PublicationKind::PenaltyDecision,
            RecordRef::Penalty {
                number: "莆文旅罚〔2026〕12号".parse()?,
            },
            NaiveDate::from_ymd_opt(2026, 9, 30).ok_or("date")?,
            &cal,
            at,
        )?;
        assert_eq!(p.deadline, NaiveDate::from_ymd_opt(2026, 10, 15));
        assert_eq!(p.id.as_str(), "penalty-decision:莆文旅罚〔2026〕12号");
        let p = p.transition(PublicationTransition::Publish, at)?;
        assert!(
            p.clone()
                .transition(PublicationTransition::Publish, at)
                .is_err()
        );
        let p = p.transition(PublicationTransition::Expire, at)?;
        assert!(
            p.transition(PublicationTransition::Withdraw { reason: "x".into() }, at)
                .is_err()
        );
        Ok(())
    }
}
