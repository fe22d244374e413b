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
    /// The approver's return of the draft to its author, with the reason; cleared when the author
    /// amends it (which resubmits it). A returned draft is not approved until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<Returned>,
}

/// Who returned a draft to its author, when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Returned {
    /// The approver who returned it (never its author).
    pub by: Actor,
    /// When.
    pub at: Timestamp,
    /// Why, for the author (1–[`Returned::REASON_MAX`] characters, no control characters).
    pub reason: String,
}

impl Returned {
    /// The longest reason, in characters.
    pub const REASON_MAX: usize = 500;
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
            returned: None,
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
        if self.returned.is_some() {
            return Err(LifecycleError::InvalidTransition {
                subject: self.id.to_string(),
                action: "approve",
                state: "returned",
            });
        }
        Ok(Self {
            approved: Some(Approved { by: by.clone(), at }),
            ..self.clone()
        })
    }

    /// Whether the draft was returned to its author and not amended since.
    pub fn is_returned(&self) -> bool {
        self.returned.is_some()
    }

    /// Returns the draft to its author with `reason`, as `by` at `at`.
    ///
    /// # Errors
    /// [`LifecycleError::Invalid`] for an empty or over-long reason or one with control
    /// characters; [`LifecycleError::Mismatch`] (`returned_by`) if `by` entered it;
    /// [`LifecycleError::InvalidTransition`] once approved or while already returned.
    pub fn return_to_author(
        &self,
        by: &Actor,
        at: Timestamp,
        reason: &str,
    ) -> Result<Self, LifecycleError> {
        super::check_text("reason", reason, Returned::REASON_MAX, true)?;
        self.check_draft("return")?;
        if self.returned.is_some() {
            return Err(LifecycleError::InvalidTransition {
                subject: self.id.to_string(),
                action: "return",
                state: "returned",
            });
        }
        if *by == self.recorded_by {
            return Err(LifecycleError::Mismatch {
                field: "returned_by",
                reason: format!("{by} entered this record; only another member can return it"),
            });
        }
        Ok(Self {
            returned: Some(Returned {
                by: by.clone(),
                at,
                reason: reason.trim().to_owned(),
            }),
            ..self.clone()
        })
    }

    /// The approval after its author amends the draft at `at`: awaiting again, from the
    /// amendment's time, the return (if any) cleared.
    ///
    /// # Errors
    /// [`LifecycleError::InvalidTransition`] once approved; [`LifecycleError::Mismatch`]
    /// (`amended_by`) if `by` did not enter it.
    pub fn resubmit(&self, by: &Actor, at: Timestamp) -> Result<Self, LifecycleError> {
        self.check_draft("amend")?;
        self.check_author(by, "amended_by")?;
        Ok(Self {
            recorded_at: at,
            returned: None,
            ..self.clone()
        })
    }

    /// Whether `by` may withdraw the draft (its author, before approval).
    ///
    /// # Errors
    /// [`LifecycleError::InvalidTransition`] once approved; [`LifecycleError::Mismatch`]
    /// (`withdrawn_by`) if `by` did not enter it.
    pub fn check_withdraw(&self, by: &Actor) -> Result<(), LifecycleError> {
        self.check_draft("withdraw")?;
        self.check_author(by, "withdrawn_by")
    }

    fn check_draft(&self, action: &'static str) -> Result<(), LifecycleError> {
        if self.is_approved() {
            return Err(LifecycleError::InvalidTransition {
                subject: self.id.to_string(),
                action,
                state: "approved",
            });
        }
        Ok(())
    }

    fn check_author(&self, by: &Actor, field: &'static str) -> Result<(), LifecycleError> {
        if *by != self.recorded_by {
            return Err(LifecycleError::Mismatch {
                field,
                reason: format!(
                    "{} entered this draft; only they can amend or withdraw it",
                    self.recorded_by
                ),
            });
        }
        Ok(())
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
    fn a_returned_draft_waits_for_its_author_to_amend_it_before_approval() -> R {
        let a = awaiting()?;
        let at = "2026-11-21T08:00:00Z".parse()?;
        for bad in [
            "",
            "   ",
            "理由\u{202e}",
            &"长".repeat(Returned::REASON_MAX + 1),
        ] {
            assert!(matches!(
                a.return_to_author(&"bob".parse()?, at, bad),
                Err(LifecycleError::Invalid {
                    field: "reason",
                    ..
                })
            ));
        }
        assert!(matches!(
            a.return_to_author(&"alice".parse()?, at, "请补充"),
            Err(LifecycleError::Mismatch {
                field: "returned_by",
                ..
            })
        ));
        let back = a.return_to_author(&"bob".parse()?, at, " 请补充检查方式 ")?;
        assert!(back.is_returned());
        assert_eq!(
            back.returned.as_ref().map(|r| r.reason.as_str()),
            Some("请补充检查方式")
        );
        assert!(matches!(
            back.approve(&"bob".parse()?, at),
            Err(LifecycleError::InvalidTransition {
                state: "returned",
                ..
            })
        ));
        assert!(back.return_to_author(&"bob".parse()?, at, "再次").is_err());
        assert!(matches!(
            back.resubmit(&"bob".parse()?, at),
            Err(LifecycleError::Mismatch {
                field: "amended_by",
                ..
            })
        ));
        let later = "2026-11-22T08:00:00Z".parse()?;
        let again = back.resubmit(&"alice".parse()?, later)?;
        assert!(!again.is_returned());
        assert_eq!(again.recorded_at, later);
        let ok = again.approve(&"bob".parse()?, later)?;
        assert!(ok.resubmit(&"alice".parse()?, later).is_err());
        assert!(ok.check_withdraw(&"alice".parse()?).is_err());
        assert!(ok.return_to_author(&"bob".parse()?, later, "晚了").is_err());
        assert!(again.check_withdraw(&"bob".parse()?).is_err());
        assert!(again.check_withdraw(&"alice".parse()?).is_ok());
        Ok(())
    }

    #[test]
    fn an_approval_without_a_return_serialises_as_before() -> R {
        let a = awaiting()?;
        let json = serde_json::to_value(&a)?;
        assert!(json.get("returned").is_none(), "{json}");
        let back = a.return_to_author(&"bob".parse()?, "2026-11-21T08:00:00Z".parse()?, "缺页")?;
        let json = serde_json::to_value(&back)?;
        assert_eq!(json["returned"]["reason"], "缺页");
        assert_eq!(serde_json::from_value::<Approval>(json)?, back);
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
