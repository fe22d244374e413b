//! Spot-check plans: Draft → Committed → Drawn, or Cancelled before the draw. Never re-drawn.

use serde::{Deserialize, Serialize};

use super::{LifecycleError, check_text};
use crate::draw::{Commitment, DrawParameters, EntropySource, Transcript};
use crate::frame::TreeSummary;
use crate::ids::{Department, Digest, PlanId};
use crate::registry::{FrameFilter, FrameProvenance, ItemCode, StratumScheme, TargetKind};
use crate::time::Timestamp;

/// What the department decides when it sets up a plan (everything but its state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanSpec {
    /// The plan's id.
    pub id: PlanId,
    /// The item of the random spot-check item list (抽查事项) it carries out.
    pub item: ItemCode,
    /// Title as published, e.g. `2026年第四季度旅行社双随机抽查`.
    pub title: String,
    /// The department running it (抽查主体).
    pub department: Department,
    /// What kind of target is drawn (抽查对象).
    pub target_kind: TargetKind,
    /// 定向 / 不定向 selection of the frame.
    pub filter: FrameFilter,
    /// How frame entries are stratified.
    pub stratum_scheme: StratumScheme,
    /// Sampling and assignment parameters.
    pub parameters: DrawParameters,
    /// Where the draw's outside randomness will come from.
    pub entropy_source: EntropySource,
    /// When the draw is scheduled.
    pub planned_draw_at: Timestamp,
    /// Whether the draw waits for an RFC 3161 time-stamp token of the commitment from a
    /// configured authority (docs/draw-spec.md §16); absent means no.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requires_timestamp: bool,
    /// 实施期限: the dates (China) within which the drawn targets are checked, published on the
    /// plan page; absent means not stated. Not part of the commitment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implementation_period: Option<ImplementationPeriod>,
}

/// A plan's 实施期限: from `from` to `to`, both days included (dates in China, UTC+8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImplementationPeriod {
    /// The first day.
    pub from: chrono::NaiveDate,
    /// The last day (not before `from`).
    pub to: chrono::NaiveDate,
}

impl PlanSpec {
    /// Checks the free-text fields.
    ///
    /// # Errors
    /// [`LifecycleError::Invalid`] naming the field.
    pub fn validate(&self) -> Result<(), LifecycleError> {
        check_text("title", &self.title, 200, true)?;
        if let Some(joint) = &self.parameters.joint
            && joint.lead != self.department
        {
            return Err(LifecycleError::Invalid {
                field: "parameters.joint.lead",
                reason: format!(
                    "the lead department of a joint plan is the department running it ({}), not {}",
                    self.department, joint.lead
                ),
            });
        }
        Ok(())
    }

    /// The partner departments of a joint plan (spec §17.2), in committed order; none otherwise.
    pub fn partners(&self) -> &[Department] {
        self.parameters
            .joint
            .as_ref()
            .map_or(&[], |j| j.partners.as_slice())
    }

    /// Whether `department` runs the plan or, for a joint plan, takes part in it as a partner.
    pub fn involves(&self, department: &Department) -> bool {
        &self.department == department || self.partners().contains(department)
    }
}

/// A partner department's approval of its part in a joint plan (部门联合抽查): its participation
/// and the pool of its inspectors that the commit will hold, taken from one registry snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerApproval {
    /// The partner department.
    pub department: Department,
    /// The number of the inspector registry snapshot its pool was read from.
    pub inspectors_snapshot: u64,
    /// The Merkle root and size of the department's part of the pool (its inspectors of the
    /// plan's target kind, as pool entries): what the commit's pool must hold of it.
    pub pool: TreeSummary,
    /// When it was given.
    pub approved_at: Timestamp,
}

/// Where a plan is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PlanState {
    /// Being prepared: spec, frame and pool may still change.
    Draft,
    /// The commitment is published; nothing about the draw may change any more.
    Committed {
        /// SHA-256 of the commitment's canonical JSON.
        commitment_hash: Digest,
        /// When it was committed.
        committed_at: Timestamp,
    },
    /// The draw ran; its transcript is stored. Final.
    Drawn {
        /// The commitment drawn.
        commitment_hash: Digest,
        /// The transcript's digest.
        transcript_digest: Digest,
        /// When it was drawn.
        drawn_at: Timestamp,
    },
    /// Cancelled before the draw. Final.
    Cancelled {
        /// Why, as published.
        reason: String,
        /// When.
        cancelled_at: Timestamp,
    },
}

impl PlanState {
    /// A short name: `draft`, `committed`, `drawn`, `cancelled`.
    pub fn name(&self) -> &'static str {
        match self {
            PlanState::Draft => "draft",
            PlanState::Committed { .. } => "committed",
            PlanState::Drawn { .. } => "drawn",
            PlanState::Cancelled { .. } => "cancelled",
        }
    }
}

/// A change to a draft plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum PlanChange {
    /// Replace the spec (the id must stay the same).
    Revise {
        /// The new spec.
        spec: PlanSpec,
    },
    /// Attach the frame (stored beforehand) and how it was built.
    AttachFrame {
        /// Root and size of the stored frame.
        frame: TreeSummary,
        /// How it was selected from the registry snapshot.
        provenance: Option<FrameProvenance>,
    },
    /// Attach the inspector pool (stored beforehand).
    AttachPool {
        /// Root and size of the stored pool.
        pool: TreeSummary,
    },
    /// A partner department approves its part in a joint plan (replacing its earlier approval).
    ApprovePartner {
        /// The approval.
        approval: PartnerApproval,
    },
}

/// A plan and its state. `version` increases with every change (optimistic concurrency).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    /// What was decided.
    pub spec: PlanSpec,
    /// The attached frame, once stored.
    pub frame: Option<TreeSummary>,
    /// How the frame was built from a registry snapshot, if it was.
    pub provenance: Option<FrameProvenance>,
    /// The attached inspector pool, once stored.
    pub pool: Option<TreeSummary>,
    /// For a joint plan, the partner departments' approvals given so far (one per department;
    /// a revision of the spec withdraws them all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partner_approvals: Vec<PartnerApproval>,
    /// Where it is in its life.
    pub state: PlanState,
    /// 1 when created, +1 per change.
    pub version: u64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Time of the last change.
    pub updated_at: Timestamp,
}

impl Plan {
    /// A new draft.
    pub fn new(spec: PlanSpec, at: Timestamp) -> Self {
        Self {
            spec,
            frame: None,
            provenance: None,
            pool: None,
            partner_approvals: Vec::new(),
            state: PlanState::Draft,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    /// The plan's id.
    pub fn id(&self) -> &PlanId {
        &self.spec.id
    }

    fn refuse(&self, action: &'static str) -> LifecycleError {
        let id = self.spec.id.clone();
        match self.state {
            PlanState::Committed { .. } => LifecycleError::AlreadyCommitted(id),
            PlanState::Drawn { .. } => LifecycleError::AlreadyDrawn(id),
            PlanState::Cancelled { .. } => LifecycleError::Cancelled(id),
            PlanState::Draft => LifecycleError::InvalidTransition {
                subject: format!("plan {id}"),
                action,
                state: "draft",
            },
        }
    }

    fn bumped(mut self, at: Timestamp) -> Self {
        self.version += 1;
        self.updated_at = at;
        self
    }

    /// Applies a change to a draft.
    ///
    /// # Errors
    /// [`LifecycleError::AlreadyCommitted`] / `AlreadyDrawn` / `Cancelled` outside Draft;
    /// [`LifecycleError::Mismatch`] if a revision changes the id; `Invalid` for bad text.
    pub fn change(mut self, change: PlanChange, at: Timestamp) -> Result<Self, LifecycleError> {
        if self.state != PlanState::Draft {
            return Err(self.refuse("change"));
        }
        match change {
            PlanChange::Revise { spec } => {
                if spec.id != self.spec.id {
                    return Err(LifecycleError::Mismatch {
                        field: "id",
                        reason: format!(
                            "a revision of {} cannot rename it to {}",
                            self.spec.id, spec.id
                        ),
                    });
                }
                spec.validate()?;
                if spec != self.spec {
                    // The partners approved the plan as it was.
                    self.partner_approvals.clear();
                }
                self.spec = spec;
            }
            PlanChange::AttachFrame { frame, provenance } => {
                if let Some(p) = &provenance
                    && p.entries != frame.size
                {
                    return Err(LifecycleError::Mismatch {
                        field: "provenance.entries",
                        reason: format!(
                            "provenance says {} entries, the frame has {}",
                            p.entries, frame.size
                        ),
                    });
                }
                self.frame = Some(frame);
                self.provenance = provenance;
            }
            PlanChange::AttachPool { pool } => self.pool = Some(pool),
            PlanChange::ApprovePartner { approval } => {
                if !self.spec.partners().contains(&approval.department) {
                    return Err(LifecycleError::Mismatch {
                        field: "department",
                        reason: format!(
                            "{} is not a partner department of plan {}",
                            approval.department, self.spec.id
                        ),
                    });
                }
                self.partner_approvals
                    .retain(|a| a.department != approval.department);
                self.partner_approvals.push(approval);
            }
        }
        Ok(self.bumped(at))
    }

    /// The partner departments of a joint plan that have not approved it yet, in committed order.
    pub fn missing_partner_approvals(&self) -> Vec<&Department> {
        self.spec
            .partners()
            .iter()
            .filter(|d| !self.partner_approvals.iter().any(|a| &a.department == *d))
            .collect()
    }

    /// Draft → Committed. The commitment must be for this plan, its parameters and entropy source,
    /// and for the attached frame and pool; a joint plan needs every partner's approval.
    ///
    /// # Errors
    /// `AlreadyCommitted` / `AlreadyDrawn` / `Cancelled`; [`LifecycleError::Mismatch`] naming the
    /// field that disagrees; `InvalidTransition` if no frame or pool is attached.
    pub fn commit(
        self,
        commitment: &Commitment,
        commitment_hash: Digest,
        at: Timestamp,
    ) -> Result<Self, LifecycleError> {
        if self.state != PlanState::Draft {
            return Err(self.refuse("commit"));
        }
        let mismatch =
            |field: &'static str, reason: String| LifecycleError::Mismatch { field, reason };
        if commitment.plan_id != self.spec.id {
            return Err(mismatch(
                "plan_id",
                format!("the commitment is for plan {}", commitment.plan_id),
            ));
        }
        let (Some(frame), Some(pool)) = (self.frame, self.pool) else {
            return Err(LifecycleError::InvalidTransition {
                subject: format!("plan {}", self.spec.id),
                action: "commit without an attached frame and pool",
                state: "draft",
            });
        };
        let missing = self.missing_partner_approvals();
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|d| d.as_str()).collect();
            return Err(mismatch(
                "partner_approvals",
                format!("the joint plan awaits the approval of {}", names.join(", ")),
            ));
        }
        if commitment.frame != frame {
            return Err(mismatch(
                "frame",
                format!(
                    "the commitment is for frame {}, the plan has {}",
                    commitment.frame.root, frame.root
                ),
            ));
        }
        if commitment.pool != pool {
            return Err(mismatch(
                "pool",
                format!(
                    "the commitment is for pool {}, the plan has {}",
                    commitment.pool.root, pool.root
                ),
            ));
        }
        if commitment.parameters != self.spec.parameters {
            return Err(mismatch(
                "parameters",
                "the commitment's parameters differ from the plan's".into(),
            ));
        }
        if commitment.entropy_source != self.spec.entropy_source {
            return Err(mismatch(
                "entropy_source",
                "the commitment's entropy source differs from the plan's".into(),
            ));
        }
        let mut next = self.bumped(at);
        next.state = PlanState::Committed {
            commitment_hash,
            committed_at: commitment.committed_at,
        };
        Ok(next)
    }

    /// Committed → Drawn, for a transcript of exactly the committed commitment.
    ///
    /// # Errors
    /// `AlreadyDrawn`, `Cancelled`, `InvalidTransition` from Draft, `Mismatch` for another
    /// commitment.
    pub fn mark_drawn(
        self,
        transcript: &Transcript,
        at: Timestamp,
    ) -> Result<Self, LifecycleError> {
        let PlanState::Committed {
            commitment_hash, ..
        } = self.state
        else {
            return Err(match self.state {
                PlanState::Draft => LifecycleError::InvalidTransition {
                    subject: format!("plan {}", self.spec.id),
                    action: "draw before a commitment",
                    state: "draft",
                },
                _ => self.refuse("draw"),
            });
        };
        if transcript.commitment_hash != commitment_hash {
            return Err(LifecycleError::Mismatch {
                field: "commitment_hash",
                reason: format!(
                    "the transcript is for commitment {}, the plan committed to {commitment_hash}",
                    transcript.commitment_hash
                ),
            });
        }
        let mut next = self.bumped(at);
        next.state = PlanState::Drawn {
            commitment_hash,
            transcript_digest: transcript.digest,
            drawn_at: transcript.drawn_at,
        };
        Ok(next)
    }

    /// Draft or Committed → Cancelled, with the published reason.
    ///
    /// # Errors
    /// `AlreadyDrawn` after the draw; `Cancelled` if already cancelled; `Invalid` for an empty reason.
    pub fn cancel(self, reason: String, at: Timestamp) -> Result<Self, LifecycleError> {
        check_text("reason", &reason, 1000, true)?;
        match self.state {
            PlanState::Draft | PlanState::Committed { .. } => {
                let mut next = self.bumped(at);
                next.state = PlanState::Cancelled {
                    reason,
                    cancelled_at: at,
                };
                Ok(next)
            }
            _ => Err(self.refuse("cancel")),
        }
    }
}
