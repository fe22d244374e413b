//! The transcript (spec §13): every input and output of a draw, hashed.

use serde::{Deserialize, Serialize};

use super::commitment::Commitment;
use super::entropy::Entropy;
use super::{DrawError, Secret};
use crate::canonical_json::to_canonical_bytes;
use crate::encoding::sha256;
use crate::ids::{Digest, InspectorId, StratumKey, TargetId};
use crate::time::Timestamp;

/// One drawn target and the inspectors assigned to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Selection {
    // Fields are declared in canonical (sorted) order, so the canonical serializer writes the
    // 50,000 records of a large draw straight through without sorting each one.
    /// Its canonical index in the frame (for inclusion proofs).
    #[serde(deserialize_with = "super::json_integer")]
    pub frame_index: u64,
    /// Assigned inspectors, in the order drawn.
    pub inspectors: Vec<InspectorId>,
    /// Its stratum.
    pub stratum: StratumKey,
    /// The target.
    pub target: TargetId,
}

/// The complete, self-describing record of a draw. Anyone holding it, the frame and the pool can
/// re-run the draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transcript {
    /// The commitment's spec version ([`super::SPEC_VERSION`] or [`super::JOINT_SPEC_VERSION`]).
    pub spec_version: String,
    /// The commitment, as published before the draw.
    pub commitment: Commitment,
    /// SHA-256 of the commitment's canonical JSON.
    pub commitment_hash: Digest,
    /// The revealed secret.
    pub secret: Secret,
    /// The outside entropy, naming who supplied what.
    pub entropy: Entropy,
    /// Digest of the entropy.
    pub entropy_digest: Digest,
    /// The draw key every random choice derives from.
    pub draw_key: Digest,
    /// When the draw was run.
    pub drawn_at: Timestamp,
    /// Drawn targets in selection order, with their inspectors.
    pub selections: Vec<Selection>,
    /// SHA-256 of the canonical JSON of every other field.
    pub digest: Digest,
}

impl Transcript {
    /// Assembles a transcript and computes its digest.
    ///
    /// # Errors
    /// [`DrawError::Encoding`] only if the canonical form cannot be built.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        commitment: Commitment,
        commitment_hash: Digest,
        secret: Secret,
        entropy: Entropy,
        entropy_digest: Digest,
        draw_key: Digest,
        drawn_at: Timestamp,
        selections: Vec<Selection>,
    ) -> Result<Self, DrawError> {
        let mut t = Transcript {
            spec_version: commitment.spec_version.clone(),
            commitment,
            commitment_hash,
            secret,
            entropy,
            entropy_digest,
            draw_key,
            drawn_at,
            selections,
            digest: Digest::from_bytes([0; 32]),
        };
        t.digest = t.compute_digest()?;
        Ok(t)
    }

    /// SHA-256 of the canonical JSON of the transcript without its `digest` member (spec §13.2).
    ///
    /// # Errors
    /// [`DrawError::Encoding`].
    pub fn compute_digest(&self) -> Result<Digest, DrawError> {
        let body = TranscriptBody {
            commitment: &self.commitment,
            commitment_hash: &self.commitment_hash,
            draw_key: &self.draw_key,
            drawn_at: &self.drawn_at,
            entropy: &self.entropy,
            entropy_digest: &self.entropy_digest,
            secret: &self.secret,
            selections: &self.selections,
            spec_version: &self.spec_version,
        };
        let bytes = to_canonical_bytes(&body).map_err(|e| DrawError::Encoding(e.to_string()))?;
        Ok(sha256(&bytes))
    }

    /// The canonical JSON bytes of the whole transcript (the published file).
    ///
    /// # Errors
    /// [`DrawError::Encoding`].
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, DrawError> {
        to_canonical_bytes(self).map_err(|e| DrawError::Encoding(e.to_string()))
    }
}

/// Every member of [`Transcript`] but `digest`, borrowed: what the digest covers.
#[derive(Serialize)]
struct TranscriptBody<'a> {
    // Canonical (sorted) order, so the serializer streams the selections without a copy.
    commitment: &'a Commitment,
    commitment_hash: &'a Digest,
    draw_key: &'a Digest,
    drawn_at: &'a Timestamp,
    entropy: &'a Entropy,
    entropy_digest: &'a Digest,
    secret: &'a Secret,
    selections: &'a [Selection],
    spec_version: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_has_every_member_but_the_digest() -> Result<(), Box<dyn std::error::Error>> {
        // If a member is added to Transcript but not to TranscriptBody, the digest would not cover
        // it: compare the member names of both.
        let v = serde_json::from_str::<serde_json::Value>(include_str!(
            "../../../../fixtures/vectors/01-minimal.json"
        ))?;
        let t: Transcript = serde_json::from_value(v["expected"]["transcript"].clone())?;
        let full = serde_json::to_value(&t)?;
        let body = serde_json::to_value(TranscriptBody {
            spec_version: &t.spec_version,
            commitment: &t.commitment,
            commitment_hash: &t.commitment_hash,
            secret: &t.secret,
            entropy: &t.entropy,
            entropy_digest: &t.entropy_digest,
            draw_key: &t.draw_key,
            drawn_at: &t.drawn_at,
            selections: &t.selections,
        })?;
        let mut names: Vec<&String> = full.as_object().ok_or("object")?.keys().collect();
        names.retain(|k| k.as_str() != "digest");
        let body_names: Vec<&String> = body.as_object().ok_or("object")?.keys().collect();
        assert_eq!(names, body_names);
        Ok(())
    }
}
