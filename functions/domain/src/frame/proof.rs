//! "Was my business in the frame?": inclusion proofs a member of the public can check.

use serde::{Deserialize, Serialize};

use crate::encoding::put_lp;
use crate::ids::{Digest, StratumKey, TargetId};
use crate::merkle::{ProofError, leaf_hash, verify_inclusion};

/// Proof that `target` (in `stratum`) is entry `index` of the frame with root `frame_root`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InclusionProof {
    /// Root the proof leads to; compare it with the commitment's `frame.root`.
    pub frame_root: Digest,
    /// Frame size; compare it with the commitment's `frame.size`.
    #[serde(deserialize_with = "crate::draw::json_integer")]
    pub frame_size: u64,
    /// Canonical index of the entry.
    #[serde(deserialize_with = "crate::draw::json_integer")]
    pub index: u64,
    /// The target.
    pub target: TargetId,
    /// Its stratum.
    pub stratum: StratumKey,
    /// RFC 9162 audit path, leaf to root.
    pub path: Vec<Digest>,
}

impl InclusionProof {
    /// Checks the path against `frame_root`.
    ///
    /// # Errors
    /// The [`ProofError`] saying what does not add up.
    pub fn verify(&self) -> Result<(), ProofError> {
        let mut buf = Vec::new();
        put_lp(&mut buf, self.target.as_str().as_bytes());
        put_lp(&mut buf, self.stratum.as_str().as_bytes());
        verify_inclusion(
            &leaf_hash(&buf),
            self.index,
            self.frame_size,
            &self.path,
            &self.frame_root,
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::frame::FrameBuilder;

    #[test]
    fn proofs_verify_for_every_entry_and_fail_when_tampered()
    -> Result<(), Box<dyn std::error::Error>> {
        let mut b = FrameBuilder::new();
        for i in 0..37 {
            b.push(&format!("T{i:03}"), if i % 3 == 0 { "A" } else { "B" }, i)?;
        }
        let f = b.finish()?;
        let root = f.summary().root;
        for i in 0..f.len() {
            let p = f.prove(f.id(i)).ok_or("missing")?;
            assert_eq!(p.frame_root, root);
            p.verify()?;
            let mut wrong = p.clone();
            wrong.stratum = if wrong.stratum.as_str() == "A" {
                "B"
            } else {
                "A"
            }
            .parse()?;
            assert!(wrong.verify().is_err());
        }
        assert!(f.prove("T999").is_none());
        Ok(())
    }
}
