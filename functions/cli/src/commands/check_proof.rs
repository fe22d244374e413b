//! `spotcheck check-proof`: check an inclusion proof, optionally against a published commitment.

use std::path::PathBuf;

use spotcheck_domain::draw::Commitment;
use spotcheck_domain::frame::InclusionProof;

use crate::exit::Failure;
use crate::files::read_json;

/// Check an inclusion proof file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The proof (from `spotcheck prove` or the public site).
    pub proof: PathBuf,
    /// The published commitment whose frame the proof must lead to.
    #[arg(long)]
    pub commitment: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let proof: InclusionProof = read_json(&args.proof)?;
    proof
        .verify()
        .map_err(|e| Failure::CheckFailed(format!("{}: {e}", args.proof.display())))?;
    if let Some(path) = &args.commitment {
        let c: Commitment = read_json(path)?;
        if c.frame.root != proof.frame_root || c.frame.size != proof.frame_size {
            return Err(Failure::CheckFailed(format!(
                "the proof is for frame root {} (size {}), but {} commits to frame root {} (size {})",
                proof.frame_root,
                proof.frame_size,
                path.display(),
                c.frame.root,
                c.frame.size
            )));
        }
        say!(
            "OK: {} is entry {} of {} in the frame committed for plan {}",
            proof.target,
            proof.index,
            proof.frame_size,
            c.plan_id
        );
    } else {
        say!(
            "OK: {} (stratum {}) is entry {} of the {}-entry frame with root {}",
            proof.target,
            proof.stratum,
            proof.index,
            proof.frame_size,
            proof.frame_root
        );
    }
    Ok(())
}
