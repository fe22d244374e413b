//! `spotcheck verify`: re-run a draw from its transcript, frame and pool.

use std::path::PathBuf;

use spotcheck_domain::draw::{
    CHECKS, Commitment, Transcript, check_published_commitment, known_chain, verify, verify_frame,
    verify_version,
};

use crate::exit::Failure;
use crate::files::{read_frame, read_json, read_pool};

/// Verify a draw. Exit 0 if every check passes, 1 naming the first field that differs.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The transcript.
    pub transcript: PathBuf,
    /// The frame file the draw used.
    #[arg(long)]
    pub frame: PathBuf,
    /// The pool file the draw used.
    #[arg(long)]
    pub pool: PathBuf,
    /// The commitment as published before the draw, to compare with the transcript's copy.
    #[arg(long)]
    pub commitment: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let t: Transcript = read_json(&args.transcript)?;
    if let Some(path) = &args.commitment {
        let published: Commitment = read_json(path)?;
        check_published_commitment(&t, &published)
            .map_err(|e| Failure::CheckFailed(format!("{}: {e}", path.display())))?;
        say!(
            "ok  transcript's commitment is the published one ({})",
            path.display()
        );
    }
    // Each file is read at its step of spec §14 (frame: 2, pool: 3), so a refused file is
    // reported after the steps before it, as every verifier reports it.
    verify_version(&t).map_err(|e| Failure::CheckFailed(e.to_string()))?;
    let frame = read_frame(&args.frame)?;
    verify_frame(&t, &frame).map_err(|e| Failure::CheckFailed(e.to_string()))?;
    let pool = read_pool(&args.pool)?;
    verify(&t, &frame, &pool).map_err(|e| Failure::CheckFailed(e.to_string()))?;
    for c in CHECKS {
        say!("ok  {c}");
    }
    if let Some(d) = &t.entropy.drand {
        let chain = known_chain(&d.chain_hash).map_or("?", |c| c.name);
        say!(
            "ok  drand {chain} round {}: BLS signature checked offline against the chain's public key",
            d.round
        );
    }
    say!(
        "VERIFIED: plan {}, {} targets drawn from {} entries, transcript {}",
        t.commitment.plan_id,
        t.selections.len(),
        t.commitment.frame.size,
        t.digest
    );
    Ok(())
}
