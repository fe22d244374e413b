//! `spotcheck prove`: an inclusion proof for one target.

use std::path::PathBuf;

use crate::exit::Failure;
use crate::files::{read_frame, say_wrote, write_atomic};

/// Print (or write) a proof that a target is in a frame.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The frame file.
    pub frame: PathBuf,
    /// The target id to prove.
    pub target: String,
    /// Write the proof here instead of standard output.
    #[arg(long, default_value = "-")]
    pub out: PathBuf,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let frame = read_frame(&args.frame)?;
    let proof = frame.prove(&args.target).ok_or_else(|| {
        Failure::CheckFailed(format!(
            "target {:?} is not in the frame {} (root {})",
            args.target,
            args.frame.display(),
            frame.summary().root
        ))
    })?;
    let mut bytes =
        serde_json::to_vec_pretty(&proof).map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    bytes.push(b'\n');
    write_atomic(&args.out, &bytes)?;
    say_wrote(
        &args.out,
        format_args!(
            "the inclusion proof of {} (index {} in the {}-entry frame, root {})",
            proof.target, proof.index, proof.frame_size, proof.frame_root
        ),
    );
    Ok(())
}
