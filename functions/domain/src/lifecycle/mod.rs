//! What spotcheck stores, and the state machines that say how it may change: plans, stored frames
//! and pools, inspection results, penalty decisions, their approvals before publication,
//! publications and the hash-chained audit log.
//!
//! Every type here is plain data (serde-friendly, for the HTTP API and the storage adapters) plus
//! pure transition functions. The storage adapters (`spotcheck-store`) call the transitions inside
//! their transactions, so a rule such as "a plan is drawn at most once" is written once, here, and
//! made race-proof by the storage (see [`crate::store`]).
//!
//! ```
//! use spotcheck_domain::lifecycle::{Plan, PlanSpec, PlanState};
//! let spec: PlanSpec = serde_json::from_value(serde_json::json!({
//!     "id": "PT-2026-001", "item": "PT-LY-001", "title": "2026年旅行社随机抽查",
//!     "department": "莆田市文化和旅游局", "target_kind": "agency",
//!     "filter": {"mode": "untargeted"}, "stratum_scheme": "region_class",
//!     "parameters": {"default": {"count": 2}, "inspectors_per_target": 2},
//!     "entropy_source": {"witnesses": ["公证员 王某"]},
//!     "planned_draw_at": "2026-11-27T09:00:00Z"
//! }))?;
//! let plan = Plan::new(spec, "2026-11-20T08:00:00Z".parse()?);
//! assert_eq!(plan.state, PlanState::Draft);
//! let cancelled = plan.cancel("事项调整".into(), "2026-11-21T08:00:00Z".parse()?)?;
//! assert!(matches!(cancelled.state, PlanState::Cancelled { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod approval;
mod audit;
mod disclosure;
mod meta;
mod penalty;
mod plan;
mod publication;
mod result;
mod schedule;
mod stored;
mod timestamp;

pub use approval::{Approval, ApprovalStatus, Approved, Returned};
pub use audit::{AuditAction, AuditChainError, AuditEntry, AuditHead, GENESIS_HASH, verify_chain};
pub use disclosure::{
    CreditDisclosure, IdDocument, IdDocumentKind, PenaltyCategory, SubjectCategory, WanYuan,
};
pub use meta::{Actor, IdempotencyKey, WriteMeta};
pub use penalty::{
    DecisionNumber, MaskedName, Party, PenaltyChange, PenaltyChangeKind, PenaltyDecision,
    PenaltyRecord,
};
pub use plan::{ImplementationPeriod, PartnerApproval, Plan, PlanChange, PlanSpec, PlanState};
pub use publication::{
    Publication, PublicationId, PublicationKind, PublicationState, PublicationTransition, RecordRef,
};
pub use result::{InspectionResult, ResultCode};
pub use schedule::{ScheduleError, SchedulePolicy, check_change_date, check_change_input};
pub use stored::{
    CodecError, StoredTree, TreeKind, decode_frame, decode_pool, encode_frame_chunks,
    encode_pool_chunks,
};
pub use timestamp::{AuthorityName, TimestampRecord, TimestampStatus};

/// Why a lifecycle transition or a record is refused. Storage adapters map these onto
/// [`crate::store::StoreError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    /// The plan already has a commitment.
    #[error("plan {0} is already committed")]
    AlreadyCommitted(crate::ids::PlanId),
    /// The plan has already been drawn.
    #[error("plan {0} has already been drawn")]
    AlreadyDrawn(crate::ids::PlanId),
    /// The plan was cancelled.
    #[error("plan {0} was cancelled")]
    Cancelled(crate::ids::PlanId),
    /// The transition does not apply to the current state.
    #[error("{subject}: cannot {action} in state {state}")]
    InvalidTransition {
        /// What is being changed, e.g. `plan PT-2026-001`.
        subject: String,
        /// The attempted action, e.g. `draw`.
        action: &'static str,
        /// The current state, e.g. `draft`.
        state: &'static str,
    },
    /// Two things that must agree do not.
    #[error("{field}: {reason}")]
    Mismatch {
        /// Which field.
        field: &'static str,
        /// How they differ.
        reason: String,
    },
    /// A field is malformed.
    #[error("field {field}: {reason}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// What is wrong, in words a clerk can act on.
        reason: String,
    },
}

/// Checks free text: at most `max` characters, no control characters except line breaks (NUL,
/// tab and the other C0 and C1 controls are refused), no bidirectional-text controls.
pub(crate) fn check_text(
    field: &'static str,
    s: &str,
    max: usize,
    required: bool,
) -> Result<(), LifecycleError> {
    if required && s.trim().is_empty() {
        return Err(LifecycleError::Invalid {
            field,
            reason: "must not be empty".into(),
        });
    }
    let n = s.chars().count();
    if n > max {
        return Err(LifecycleError::Invalid {
            field,
            reason: format!("must be at most {max} characters, found {n}"),
        });
    }
    if let Some(c) = s.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\r') || crate::registry::is_bidi_control(c)
    }) {
        return Err(LifecycleError::Invalid {
            field,
            reason: format!(
                "must not contain control or bidirectional-override characters (found U+{:04X})",
                u32::from(c)
            ),
        });
    }
    Ok(())
}
