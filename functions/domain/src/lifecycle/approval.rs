//! Approval before publication (公开前审查, 政府信息公开条例 §17): an inspection result or a
//! penalty decision is published only after someone other than the person who entered it has
//! approved it. The department stays the one that checked and entered the record (谁检查、谁录入、
//! 谁公开); the approval is the second pair of eyes inside that department.
//!
//! The statutory clock is not moved: the deadline still counts from the result or decision date,
//! so a record left unapproved shows as due soon and then overdue like any unpublished record.
//!
//! Records entered before approvals existed have no [`Approval`]; they were entered under the
//! earlier rule (entering was approving) and stay publishable ([`ApprovalStatus::Legacy`]).
//!
//! ```
//! use spotcheck_domain::lifecycle::{Approval, PublicationId, PublicationKind, RecordRef};
//! let id = PublicationId::of(
//!     PublicationKind::PenaltyDecision,
//!     &RecordRef::Penalty { number: "莆文旅罚〔2026〕12号".parse()? },
//! );
//! let a = Approval::awaiting(id, "inspector-1".parse()?, "2026-11-20T08:00:00Z".parse()?);
//! assert!(!a.is_approved());
//! assert!(a.approve(&"inspector-1".parse()?, "2026-11-20T09:00:00Z".parse()?).is_err());
//! let ok = a.approve(&"supervisor-1".parse()?, "2026-11-20T09:00:00Z".parse()?)?;
//! assert!(ok.is_approved());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use super::LifecycleError;
use super::meta::Actor;
use super::publication::{PublicationId, PublicationKind};
use crate::time::Timestamp;

/// Who approved, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Approved {
    /// The approver (never the person who entered the record).
    pub by: Actor,
    /// When.
    pub at: Timestamp,
}

/// The approval of one record's publication, created (awaiting) in the same write as the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Approval {
    /// The publication it unlocks (`check-result:<plan>/<target>` or
    /// `penalty-decision:<number>`).
    pub id: PublicationId,
    /// Who entered the record.
    pub recorded_by: Actor,
    /// When it was entered.
    pub recorded_at: Timestamp,
    /// The approval, once given.
    pub approved: Option<Approved>,
}

/// What the publisher needs to know about a record's approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalStatus {
    /// Approved by someone other than the person who entered it.
    Approved,
    /// Entered, not yet approved: not published.
    Awaiting,
    /// Entered before approvals existed (no approval record): publishable, as it was then.
    Legacy,
}

impl ApprovalStatus {
    /// Of a record's approval as stored (`None`: entered before approvals existed).
    pub fn of(approval: Option<&Approval>) -> Self {
        match approval {
            None => ApprovalStatus::Legacy,
            Some(a) if a.is_approved() => ApprovalStatus::Approved,
            Some(_) => ApprovalStatus::Awaiting,
        }
    }

    /// Whether the record may be published.
    pub fn publishable(self) -> bool {
        !matches!(self, ApprovalStatus::Awaiting)
    }
}

impl Approval {
    /// The kinds of publication that need an approval: check results and penalty decisions.
    /// Plans and draws are committed and drawn by a supervisor already; item lists are imported
    /// registries; a withdrawal only takes information down and must not wait (3 working days).
    pub fn required_for(kind: PublicationKind) -> bool {
        matches!(
            kind,
            PublicationKind::CheckResult | PublicationKind::PenaltyDecision
        )
    }

    /// A new record's approval, awaiting.
    pub fn awaiting(id: PublicationId, recorded_by: Actor, recorded_at: Timestamp) -> Self {
        Self {
            id,
            recorded_by,
            recorded_at,
            approved: None,
        }
    }

    /// Whether it has been approved.
    pub fn is_approved(&self) -> bool {
        self.approved.is_some()
    }

    /// Approves, as `by` at `at`.
    ///
    /// # Errors
    /// [`LifecycleError::Mismatch`] if `by` entered the record (nobody approves their own
    /// entry); [`LifecycleError::InvalidTransition`] if it is already approved.
    pub fn approve(&self, by: &Actor, at: Timestamp) -> Result<Self, LifecycleError> {
        if self.is_approved() {
            return Err(LifecycleError::InvalidTransition {
                subject: self.id.to_string(),
                action: "approve",
                state: "approved",
            });
        }
        if *by == self.recorded_by {
            return Err(LifecycleError::Mismatch {
                field: "approved_by",
                reason: format!(
                    "{by} entered this record; another member of the department must approve it"
                ),
            });
        }
        Ok(Self {
            approved: Some(Approved { by: by.clone(), at }),
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::RecordRef;

    type R = Result<(), Box<dyn std::error::Error>>;

    fn awaiting() -> Result<Approval, Box<dyn std::error::Error>> {
        let id = PublicationId::of(
            PublicationKind::CheckResult,
            &RecordRef::Result {
                plan: "P1".parse()?,
                target: "T1".parse()?,
            },
        );
        Ok(Approval::awaiting(
            id,
            "alice".parse()?,
            "2026-11-20T08:00:00Z".parse()?,
        ))
    }

    #[test]
    fn only_someone_else_approves_and_only_once() -> R {
        let a = awaiting()?;
        assert_eq!(ApprovalStatus::of(Some(&a)), ApprovalStatus::Awaiting);
        let own = a.approve(&"alice".parse()?, "2026-11-21T08:00:00Z".parse()?);
        assert!(matches!(
            own,
            Err(LifecycleError::Mismatch {
                field: "approved_by",
                ..
            })
        ));
        let ok = a.approve(&"bob".parse()?, "2026-11-21T08:00:00Z".parse()?)?;
        assert_eq!(ApprovalStatus::of(Some(&ok)), ApprovalStatus::Approved);
        assert_eq!(ok.approved.as_ref().map(|x| x.by.as_str()), Some("bob"));
        let twice = ok.approve(&"carol".parse()?, "2026-11-22T08:00:00Z".parse()?);
        assert!(matches!(
            twice,
            Err(LifecycleError::InvalidTransition {
                action: "approve",
                ..
            })
        ));
        Ok(())
    }

    #[test]
    fn records_without_an_approval_are_legacy_and_publishable_awaiting_ones_are_not() -> R {
        assert!(ApprovalStatus::of(None).publishable());
        assert!(!ApprovalStatus::of(Some(&awaiting()?)).publishable());
        assert!(Approval::required_for(PublicationKind::CheckResult));
        assert!(Approval::required_for(PublicationKind::PenaltyDecision));
        assert!(!Approval::required_for(PublicationKind::PenaltyWithdrawal));
        assert!(!Approval::required_for(PublicationKind::Draw));
        Ok(())
    }

    #[test]
    fn an_approval_round_trips_through_json_and_refuses_unknown_fields() -> R {
        let a = awaiting()?.approve(&"bob".parse()?, "2026-11-21T08:00:00Z".parse()?)?;
        let json = serde_json::to_value(&a)?;
        assert_eq!(serde_json::from_value::<Approval>(json.clone())?, a);
        let mut bad = json;
        bad["extra"] = serde_json::json!(1);
        assert!(serde_json::from_value::<Approval>(bad).is_err());
        Ok(())
    }
}
