//! Known-answer vectors (fixtures/vectors/*.json): the format, and running one.
//!
//! A vector gives every input of a commit and a draw and either the expected outputs or the
//! expected error code (`want_err`). Both this crate's tests and independent implementations
//! (the browser verifier) read the same files; docs/draw-spec.md §15 describes the format.

use serde::{Deserialize, Serialize};

use crate::draw::{
    CommitRequest, Commitment, DrawError, DrawParameters, DrawRequest, Entropy, EntropySource,
    Secret, Transcript, commit, draw,
};
use crate::frame::{Frame, FrameBuilder, InspectorPool, PoolBuilder, TreeSummary};
use crate::ids::{Digest, PlanId};
use crate::synthetic::{synthetic_frame, synthetic_pool};
use crate::time::Timestamp;

/// One vector file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    /// What the vector pins down.
    pub desc: String,
    /// Every input.
    pub inputs: Inputs,
    /// Expected outputs (absent when `want_err` is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Expected>,
    /// Expected error code from [`DrawError::code`] or `frame`/`pool` input errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub want_err: Option<String>,
}

/// Inputs of a vector.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    /// Plan id.
    pub plan_id: PlanId,
    /// Commit time.
    pub committed_at: Timestamp,
    /// Draw time.
    pub drawn_at: Timestamp,
    /// The frame.
    pub frame: FrameInput,
    /// The pool.
    pub pool: PoolInput,
    /// Parameters.
    pub parameters: DrawParameters,
    /// Entropy source.
    pub entropy_source: EntropySource,
    /// The secret (hex).
    pub secret: Secret,
    /// The entropy supplied.
    pub entropy: Entropy,
}

/// A frame listed entry by entry, or generated (Appendix A.1).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FrameInput {
    /// Listed entries, in file order (not necessarily canonical).
    Entries(Vec<FrameEntryInput>),
    /// Generated.
    Synthetic {
        /// Entries.
        size: u64,
        /// Seed.
        seed: String,
    },
}

/// One listed frame entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameEntryInput {
    /// Target id.
    pub target_id: String,
    /// Stratum.
    pub stratum: String,
}

/// A pool listed entry by entry, or generated (Appendix A.2) against a synthetic frame.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PoolInput {
    /// Listed entries.
    Entries(Vec<PoolEntryInput>),
    /// Generated; conflicts point into the vector's synthetic frame.
    Synthetic {
        /// Inspectors.
        size: u64,
        /// Seed.
        seed: String,
        /// Most conflicts per inspector.
        max_conflicts: u64,
    },
}

/// One listed inspector.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolEntryInput {
    /// Inspector id.
    pub inspector_id: String,
    /// Department.
    pub department: String,
    /// Conflicts.
    #[serde(default)]
    pub conflicts: Vec<String>,
}

/// Expected outputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// Frame root and size.
    pub frame: TreeSummary,
    /// Pool root and size.
    pub pool: TreeSummary,
    /// Commitment hash.
    pub commitment_hash: Digest,
    /// Entropy digest.
    pub entropy_digest: Digest,
    /// Draw key.
    pub draw_key: Digest,
    /// Transcript digest.
    pub transcript_digest: Digest,
    /// The whole transcript.
    pub transcript: Transcript,
}

/// Why a vector's inputs could not be built (an expected outcome for `want_err` vectors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VectorError {
    /// The frame is invalid (`want_err: "frame"`).
    #[error("frame: {0}")]
    Frame(String),
    /// The pool is invalid (`want_err: "pool"`).
    #[error("pool: {0}")]
    Pool(String),
    /// Commit or draw failed.
    #[error(transparent)]
    Draw(#[from] DrawError),
}

impl VectorError {
    /// The stable code compared with `want_err`.
    pub fn code(&self) -> &'static str {
        match self {
            VectorError::Frame(_) => "frame",
            VectorError::Pool(_) => "pool",
            VectorError::Draw(e) => e.code(),
        }
    }
}

impl Inputs {
    /// Builds the canonical frame.
    ///
    /// # Errors
    /// [`VectorError::Frame`].
    pub fn build_frame(&self) -> Result<Frame, VectorError> {
        let mut b = FrameBuilder::new();
        let push = |b: &mut FrameBuilder, i: usize, id: &str, s: &str| {
            b.push(id, s, i as u64 + 1)
                .map_err(|e| VectorError::Frame(e.to_string()))
        };
        match &self.frame {
            FrameInput::Entries(list) => {
                for (i, e) in list.iter().enumerate() {
                    push(&mut b, i, &e.target_id, &e.stratum)?;
                }
            }
            FrameInput::Synthetic { size, seed } => {
                for (i, (id, s)) in synthetic_frame(*size, seed).enumerate() {
                    push(&mut b, i, &id, &s)?;
                }
            }
        }
        b.finish().map_err(|e| VectorError::Frame(e.to_string()))
    }

    /// Builds the canonical pool.
    ///
    /// # Errors
    /// [`VectorError::Pool`].
    pub fn build_pool(&self) -> Result<InspectorPool, VectorError> {
        let mut b = PoolBuilder::new();
        let err = |e: crate::frame::PoolError| VectorError::Pool(e.to_string());
        match &self.pool {
            PoolInput::Entries(list) => {
                for (i, p) in list.iter().enumerate() {
                    let c = p.conflicts.iter().map(String::as_str);
                    b.push_fields(&p.inspector_id, &p.department, c, i as u64 + 1)
                        .map_err(err)?;
                }
            }
            PoolInput::Synthetic {
                size,
                seed,
                max_conflicts,
            } => {
                let (fsize, fseed) = match &self.frame {
                    FrameInput::Synthetic { size, seed } => (*size, seed.as_str()),
                    FrameInput::Entries(_) => {
                        return Err(VectorError::Pool(
                            "a synthetic pool needs a synthetic frame".into(),
                        ));
                    }
                };
                for (i, p) in synthetic_pool(*size, seed, fsize, fseed, *max_conflicts)
                    .iter()
                    .enumerate()
                {
                    let c = p.conflicts.iter().map(String::as_str);
                    b.push_fields(&p.id, &p.department, c, i as u64 + 1)
                        .map_err(err)?;
                }
            }
        }
        b.finish().map_err(err)
    }

    /// Commits and draws.
    ///
    /// # Errors
    /// The first [`VectorError`].
    pub fn run(&self) -> Result<(Commitment, Transcript, Frame, InspectorPool), VectorError> {
        let frame = self.build_frame()?;
        let pool = self.build_pool()?;
        let commitment = commit(
            CommitRequest {
                plan_id: self.plan_id.clone(),
                committed_at: self.committed_at,
                parameters: self.parameters.clone(),
                entropy_source: self.entropy_source.clone(),
            },
            &frame,
            &pool,
            &self.secret,
        )?;
        let transcript = draw(
            DrawRequest {
                commitment: commitment.clone(),
                secret: self.secret.clone(),
                entropy: self.entropy.clone(),
                drawn_at: self.drawn_at,
            },
            &frame,
            &pool,
        )?;
        Ok((commitment, transcript, frame, pool))
    }
}
