//! Commit, draw, verify: draw spec v1 (docs/draw-spec.md is normative; section numbers below refer
//! to it).
//!
//! ```
//! use spotcheck_domain::draw::*;
//! use spotcheck_domain::frame::{FrameBuilder, PoolBuilder};
//!
//! let mut f = FrameBuilder::new();
//! for i in 0..20 { f.push(&format!("T{i:02}"), if i < 10 { "A" } else { "B" }, i)?; }
//! let frame = f.finish()?;
//! let mut p = PoolBuilder::new();
//! for i in 0..6 { p.push_fields(&format!("ZF{i}"), "莆田市文化和旅游局", [], i)?; }
//! let pool = p.finish()?;
//!
//! let secret = Secret::from_bytes([42; 32]); // in real use: 32 bytes from the OS CSPRNG
//! let commitment = commit(CommitRequest {
//!     plan_id: "PT-2026-001".parse()?,
//!     committed_at: "2026-11-26T08:00:00Z".parse()?,
//!     parameters: serde_json::from_str(r#"{"default":{"count":2},"inspectors_per_target":2}"#)?,
//!     entropy_source: EntropySource { witnesses: vec!["公证员 王某".parse()?], drand: None },
//! }, &frame, &pool, &secret)?;
//!
//! let transcript = draw(DrawRequest {
//!     commitment,
//!     secret,
//!     entropy: Entropy { witnesses: vec![WitnessContribution {
//!         name: "公证员 王某".parse()?, value: "3 1 4 1 5 9".parse()? }], drand: None },
//!     drawn_at: "2026-11-27T09:00:00Z".parse()?,
//! }, &frame, &pool)?;
//! assert_eq!(transcript.selections.len(), 4);
//! verify(&transcript, &frame, &pool)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod beacon;
mod commitment;
mod engine;
mod entropy;
mod joint;
mod params;
mod secret;
mod stream;
mod transcript;
mod verify;

pub use beacon::{
    BeaconError, BeaconSignature, DrandBeacon, DrandChain, DrandScheme, DrandSource, KNOWN_CHAINS,
    MAX_ROUND, QUICKNET, check_beacon, check_draw_beacon, check_source, known_chain,
};
pub use commitment::{
    CommitRequest, Commitment, check_assignment_rules, check_feasible, check_total, commit,
    plan_strata,
};
pub use engine::{
    DrawRequest, assign_inspectors, assign_sub_key, compute_selections, draw, draw_key,
    draw_key_for, select_targets, stratum_sub_key,
};
pub use entropy::{Entropy, EntropySource, WitnessContribution, WitnessName, WitnessValue};
pub use joint::{
    JointDepartments, assign_joint, assign_joint_departments, check_joint_feasible,
    check_joint_rules,
};
pub use params::{
    DrawParameters, JointPlan, Ratio, Requirement, Rounding, StratumPlan, StratumRule,
};
pub use secret::Secret;
pub use stream::{RandomStream, partial_shuffle};
pub use transcript::{Selection, Transcript};
pub use verify::{
    CHECKS, VerifyError, check_published_commitment, verify, verify_frame, verify_version,
};

use crate::ids::Digest;

/// The version of the draw specification of a single department's draw (spec §1–§16).
pub const SPEC_VERSION: &str = "spotcheck-draw/1";

/// The version of a joint draw of several departments (spec §17).
pub const JOINT_SPEC_VERSION: &str = "spotcheck-draw/2";

/// Every version this code commits, draws and verifies.
pub const SUPPORTED_VERSIONS: &[&str] = &[SPEC_VERSION, JOINT_SPEC_VERSION];

/// The largest integer a commitment, transcript or proof holds (spec §3): 2^53 − 1.
pub const MAX_JSON_INTEGER: u64 = (1 << 53) - 1;

/// Reads an integer of 0 … 2^53 − 1 (spec §3); a larger one makes the file malformed, as it does
/// for a reader whose numbers are IEEE doubles.
pub(crate) fn json_integer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let n = <u64 as serde::Deserialize>::deserialize(d)?;
    if n > MAX_JSON_INTEGER {
        return Err(serde::de::Error::custom(format_args!(
            "{n} is above 2^53 - 1, the largest integer of the draw spec"
        )));
    }
    Ok(n)
}

/// [`json_integer`] for an optional member that, when present, holds a value (never `null`).
pub(crate) fn some_json_integer<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<u64>, D::Error> {
    json_integer(d).map(Some)
}

/// Why a commitment or a draw cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    /// The parameters name a stratum that has no entry in the frame.
    #[error("the parameters name stratum {0:?}, which has no entry in the frame")]
    UnknownStratum(String),
    /// A stratum's sample is larger than its population.
    #[error("stratum {stratum:?}: sample of {sample} is larger than its {population} entries")]
    SampleTooLarge {
        /// The stratum.
        stratum: String,
        /// Requested sample.
        sample: u64,
        /// Its population.
        population: u64,
    },
    /// Not enough inspectors for some target that could be drawn.
    #[error(
        "too few inspectors: target {target:?} needs {needed}, but of {pool} in the pool {conflicted} declared a conflict with it and up to {possibly_capped} may have reached their assignment cap"
    )]
    InsufficientInspectors {
        /// The worst-placed target.
        target: String,
        /// Pool size.
        pool: u64,
        /// Inspectors conflicted with it.
        conflicted: u64,
        /// Inspectors that may be at their cap by then.
        possibly_capped: u64,
        /// Inspectors needed per target.
        needed: u64,
    },
    /// The parameters are unusable.
    #[error("invalid parameters: {0}")]
    InvalidParameters(String),
    /// The commitment is for another spec version.
    #[error(
        "unsupported spec version {0:?} (this implements spotcheck-draw/1 and spotcheck-draw/2)"
    )]
    UnsupportedVersion(String),
    /// The joint plan breaks a rule of spec §17.2.
    #[error("invalid joint plan: {0}")]
    InvalidJoint(String),
    /// A team of `inspectors_per_target` cannot hold every required department (spec §17.2).
    #[error(
        "inspectors_per_target is {per_target}, but each team must hold {required} departments"
    )]
    TeamTooSmall {
        /// Inspectors per target.
        per_target: u64,
        /// Departments each team must hold.
        required: u64,
    },
    /// An inspector of the pool is of a department the joint plan does not name (spec §17.2).
    #[error(
        "inspector {inspector:?} is of department {department:?}, which the joint plan does not name"
    )]
    UnknownDepartment {
        /// The inspector.
        inspector: String,
        /// Their department.
        department: String,
    },
    /// A department cannot be sure to supply an inspector for some target (spec §17.5).
    #[error(
        "too few inspectors of department {department:?}: target {target:?} needs one, but of its {members} inspectors {conflicted} declared a conflict with it and up to {possibly_capped} may have reached their assignment cap"
    )]
    InsufficientDepartmentInspectors {
        /// The department.
        department: String,
        /// The worst-placed target.
        target: String,
        /// The department's inspectors in the pool.
        members: u64,
        /// Of them, conflicted with the target.
        conflicted: u64,
        /// Inspectors that may be at their cap by then.
        possibly_capped: u64,
    },
    /// The frame is not the committed one.
    #[error("the frame has root {actual}, but the commitment is for {committed}")]
    FrameMismatch {
        /// Committed root.
        committed: Digest,
        /// Actual root.
        actual: Digest,
    },
    /// The pool is not the committed one.
    #[error("the inspector pool has root {actual}, but the commitment is for {committed}")]
    PoolMismatch {
        /// Committed root.
        committed: Digest,
        /// Actual root.
        actual: Digest,
    },
    /// The secret does not hash to the commitment's secret hash.
    #[error("the secret does not match the commitment's secret_commitment")]
    SecretMismatch,
    /// The entropy is not from the committed source.
    #[error("entropy: {0}")]
    EntropyMismatch(String),
    /// Assignment ran out of eligible inspectors (cannot happen after a feasibility check).
    #[error("no eligible inspector left for target {0:?}")]
    AssignmentStuck(String),
    /// Canonical encoding failed.
    #[error("encoding: {0}")]
    Encoding(String),
    /// The drand beacon round cannot be promised or used (spec §7.3).
    #[error("beacon: {0}")]
    Beacon(#[from] BeaconError),
    /// A draw dated before its commitment (spec §13.1, §14 step 7h).
    #[error("a draw at {drawn_at} would be dated before its commitment ({committed_at})")]
    DrawnBeforeCommit {
        /// The commitment's time.
        committed_at: crate::time::Timestamp,
        /// The draw's time.
        drawn_at: crate::time::Timestamp,
    },
}

impl DrawError {
    /// A stable, machine-readable code for this error (used by `want_err` in vectors and by the
    /// HTTP API's problem documents).
    pub fn code(&self) -> &'static str {
        match self {
            DrawError::UnknownStratum(_) => "unknown-stratum",
            DrawError::SampleTooLarge { .. } => "sample-too-large",
            DrawError::InsufficientInspectors { .. } => "insufficient-inspectors",
            DrawError::InvalidParameters(_) => "invalid-parameters",
            DrawError::UnsupportedVersion(_) => "unsupported-version",
            DrawError::InvalidJoint(_) => "invalid-joint",
            DrawError::TeamTooSmall { .. } => "team-too-small",
            DrawError::UnknownDepartment { .. } => "unknown-department",
            DrawError::InsufficientDepartmentInspectors { .. } => {
                "insufficient-department-inspectors"
            }
            DrawError::FrameMismatch { .. } => "frame-mismatch",
            DrawError::PoolMismatch { .. } => "pool-mismatch",
            DrawError::SecretMismatch => "secret-mismatch",
            DrawError::EntropyMismatch(_) => "entropy-mismatch",
            DrawError::AssignmentStuck(_) => "assignment-stuck",
            DrawError::Encoding(_) => "encoding",
            DrawError::Beacon(e) => e.code(),
            DrawError::DrawnBeforeCommit { .. } => "drawn-before-commit",
        }
    }
}
