//! The commitment (spec §9): everything a draw depends on, fixed and published before any
//! randomness exists.

use serde::{Deserialize, Serialize};

use super::beacon::check_source;
use super::entropy::EntropySource;
use super::joint::{JointDepartments, check_joint_feasible, check_joint_rules, version_for};
use super::params::{DrawParameters, StratumPlan};
use super::{DrawError, SPEC_VERSION};
use crate::canonical_json::to_canonical_bytes;
use crate::encoding::sha256;
use crate::frame::{Frame, InspectorPool, TreeSummary};
use crate::ids::{Digest, PlanId};
use crate::time::Timestamp;

/// A published, immutable promise: this frame, this pool, these parameters, this secret (hashed),
/// and this source of outside randomness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "CommitmentWire")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commitment {
    /// [`SPEC_VERSION`], or [`super::JOINT_SPEC_VERSION`] for a joint draw (spec §17).
    pub spec_version: String,
    /// The plan being drawn.
    pub plan_id: PlanId,
    /// When the commitment was made (informational, but committed).
    pub committed_at: Timestamp,
    /// Root and size of the frame.
    pub frame: TreeSummary,
    /// Root and size of the inspector pool.
    pub pool: TreeSummary,
    /// Sampling and assignment parameters (`strata` always written and required on reading).
    pub parameters: DrawParameters,
    /// Per stratum: population and sample size, in stratum order.
    pub strata: Vec<StratumPlan>,
    /// `H(lp("spotcheck/v1/secret") ‖ secret)`.
    pub secret_commitment: Digest,
    /// Where the outside randomness will come from.
    pub entropy_source: EntropySource,
}

/// A commitment as read, before the rule that ties the version to the joint plan (spec §17.1).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitmentWire {
    spec_version: String,
    plan_id: PlanId,
    committed_at: Timestamp,
    frame: TreeSummary,
    pool: TreeSummary,
    #[serde(deserialize_with = "super::params::committed_parameters")]
    parameters: DrawParameters,
    strata: Vec<StratumPlan>,
    secret_commitment: Digest,
    entropy_source: EntropySource,
}

impl TryFrom<CommitmentWire> for Commitment {
    type Error = String;
    /// A version-1 commitment with a joint plan, or a version-2 one without, is malformed (spec
    /// §17.1); another version is read, for §14 step 1 to name it.
    fn try_from(w: CommitmentWire) -> Result<Self, Self::Error> {
        let joint = w.parameters.joint.is_some();
        if w.spec_version == SPEC_VERSION && joint {
            return Err(
                "parameters: unknown field `joint` in a spotcheck-draw/1 commitment".into(),
            );
        }
        if w.spec_version == super::JOINT_SPEC_VERSION && !joint {
            return Err(
                "parameters: missing field `joint` in a spotcheck-draw/2 commitment".into(),
            );
        }
        Ok(Commitment {
            spec_version: w.spec_version,
            plan_id: w.plan_id,
            committed_at: w.committed_at,
            frame: w.frame,
            pool: w.pool,
            parameters: w.parameters,
            strata: w.strata,
            secret_commitment: w.secret_commitment,
            entropy_source: w.entropy_source,
        })
    }
}

impl Commitment {
    /// The canonical JSON bytes (spec §3). This is exactly the published file's content.
    ///
    /// # Errors
    /// Never for a well-formed commitment; [`DrawError::Encoding`] otherwise.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, DrawError> {
        to_canonical_bytes(self).map_err(|e| DrawError::Encoding(e.to_string()))
    }

    /// SHA-256 of the canonical bytes: the commitment hash.
    ///
    /// # Errors
    /// As [`Commitment::canonical_bytes`].
    pub fn hash(&self) -> Result<Digest, DrawError> {
        Ok(sha256(&self.canonical_bytes()?))
    }
}

/// What a caller supplies to commit.
#[derive(Debug, Clone)]
pub struct CommitRequest {
    /// The plan.
    pub plan_id: PlanId,
    /// Now, as the caller's clock says.
    pub committed_at: Timestamp,
    /// The parameters.
    pub parameters: DrawParameters,
    /// The promised entropy.
    pub entropy_source: EntropySource,
}

/// Sample sizes per stratum (spec §6.3), checking every named stratum exists and every sample fits.
///
/// # Errors
/// [`DrawError::UnknownStratum`], [`DrawError::SampleTooLarge`].
pub fn plan_strata(frame: &Frame, params: &DrawParameters) -> Result<Vec<StratumPlan>, DrawError> {
    let sizes = frame.stratum_sizes();
    for key in params.strata.keys() {
        if frame.strata().binary_search(key).is_err() {
            return Err(DrawError::UnknownStratum(key.to_string()));
        }
    }
    let mut out = Vec::with_capacity(frame.strata().len());
    for (key, &population) in frame.strata().iter().zip(&sizes) {
        let sample = params
            .rule_for(key)
            .map_or(0, |r| r.sample_size(population));
        if sample > population {
            return Err(DrawError::SampleTooLarge {
                stratum: key.to_string(),
                sample,
                population,
            });
        }
        out.push(StratumPlan {
            key: key.clone(),
            population,
            sample,
        });
    }
    Ok(out)
}

/// The rules on the assignment parameters that commit enforces and every verifier re-checks
/// (spec §9.2, §14 step 4): at least 2 inspectors per target, and a cap (if any) of at least 1.
///
/// # Errors
/// The member of `parameters` concerned (`inspectors_per_target` or
/// `max_assignments_per_inspector`) and [`DrawError::InvalidParameters`].
pub fn check_assignment_rules(params: &DrawParameters) -> Result<(), (&'static str, DrawError)> {
    if params.inspectors_per_target < 2 {
        return Err((
            "inspectors_per_target",
            DrawError::InvalidParameters(
                "inspectors_per_target must be at least 2 (旅游法 §86, 行政处罚法 §42)".into(),
            ),
        ));
    }
    if params.max_assignments_per_inspector == Some(0) {
        return Err((
            "max_assignments_per_inspector",
            DrawError::InvalidParameters(
                "max_assignments_per_inspector must be at least 1 (or absent for no limit)".into(),
            ),
        ));
    }
    Ok(())
}

/// A draw selects at least one target (spec §6.3; re-checked by verifiers, §14 step 4).
///
/// # Errors
/// [`DrawError::InvalidParameters`] when every stratum's sample is 0.
pub fn check_total(strata: &[StratumPlan]) -> Result<(), DrawError> {
    if strata.iter().all(|s| s.sample == 0) {
        return Err(DrawError::InvalidParameters(
            "the parameters select no target at all".into(),
        ));
    }
    Ok(())
}

/// Checks that inspectors can be assigned whatever targets are drawn (spec §9.2): for every target
/// that could be drawn, the inspectors neither conflicted with it nor possibly capped out must
/// number at least `inspectors_per_target`.
///
/// # Errors
/// [`DrawError::InvalidParameters`], [`DrawError::InsufficientInspectors`].
pub fn check_feasible(
    frame: &Frame,
    pool: &InspectorPool,
    params: &DrawParameters,
    strata: &[StratumPlan],
) -> Result<(), DrawError> {
    check_assignment_rules(params).map_err(|(_, e)| e)?;
    check_total(strata)?;
    // A joint plan (spec §17.5): its rules, its departments, one inspector of each department
    // for every target; then the bound below.
    if let Some(plan) = &params.joint {
        check_joint_rules(params).map_err(|(_, e)| e)?;
        let departments = JointDepartments::new(plan, pool)?;
        check_joint_feasible(frame, pool, params, plan, &departments, strata)?;
    }
    let m = u64::from(params.inspectors_per_target);
    let total: u64 = strata.iter().map(|s| s.sample).sum();
    let p = pool.len() as u64;
    let capped_out = match params.max_assignments_per_inspector {
        Some(cap) => (total - 1) * m / u64::from(cap),
        None => 0,
    };
    // Worst case over every target in a stratum that is sampled.
    let conflicts = pool.conflicts_by_target();
    let sampled: Vec<bool> = strata.iter().map(|s| s.sample > 0).collect();
    let mut worst: Option<(&str, u64)> = None;
    for i in 0..frame.len() {
        if !sampled
            .get(frame.stratum_index(i))
            .copied()
            .unwrap_or(false)
        {
            continue;
        }
        let id = frame.id(i);
        let c = conflicts.get(id).map_or(0, |v| v.len() as u64);
        if worst.is_none_or(|(_, w)| c > w) {
            worst = Some((id, c));
        }
    }
    let (target, c) = worst.unwrap_or(("", 0));
    let available = p.saturating_sub(capped_out).saturating_sub(c);
    if available < m {
        return Err(DrawError::InsufficientInspectors {
            target: target.to_owned(),
            pool: p,
            conflicted: c,
            // The bound counts assignments, not people: at most the inspectors left after the
            // conflicted ones can be at their cap.
            possibly_capped: capped_out.min(p.saturating_sub(c)),
            needed: m,
        });
    }
    Ok(())
}

/// Builds the commitment (spec §9.1) after checking feasibility.
///
/// # Errors
/// Any feasibility error; [`DrawError::InvalidParameters`] for a source with neither a witness
/// nor a beacon round, or a witness named twice; [`DrawError::Beacon`] for a beacon round that is
/// not of a known chain or not after `committed_at` (spec §7.3).
pub fn commit(
    request: CommitRequest,
    frame: &Frame,
    pool: &InspectorPool,
    secret: &super::Secret,
) -> Result<Commitment, DrawError> {
    let source = &request.entropy_source;
    if source.witnesses.is_empty() && source.drand.is_none() {
        return Err(DrawError::InvalidParameters(
            "the entropy source needs at least one witness or a drand beacon round".into(),
        ));
    }
    if let Some(drand) = &source.drand {
        check_source(drand, request.committed_at)?;
    }
    let mut names: Vec<_> = request.entropy_source.witnesses.iter().collect();
    names.sort();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(DrawError::InvalidParameters(format!(
            "witness {:?} is named twice",
            w[0].as_str()
        )));
    }
    let strata = plan_strata(frame, &request.parameters)?;
    check_feasible(frame, pool, &request.parameters, &strata)?;
    Ok(Commitment {
        spec_version: version_for(&request.parameters).to_owned(),
        plan_id: request.plan_id,
        committed_at: request.committed_at,
        frame: frame.summary(),
        pool: pool.summary(),
        parameters: request.parameters,
        strata,
        secret_commitment: secret.commitment(),
        entropy_source: request.entropy_source,
    })
}
