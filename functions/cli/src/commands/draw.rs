//! `spotcheck draw`: run a committed draw once the witnesses have spoken.

use std::path::PathBuf;

use spotcheck_domain::draw::{Commitment, DrawRequest, Entropy, Secret, WitnessContribution, draw};
use spotcheck_domain::time::Timestamp;

use crate::exit::Failure;
use crate::files::{canonical, read_frame, read_json, read_pool, write_atomic};

/// Run a draw and write its transcript.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The published commitment.
    #[arg(long)]
    pub commitment: PathBuf,
    /// The secret file written by `spotcheck commit`.
    #[arg(long)]
    pub secret: PathBuf,
    /// Frame CSV.
    #[arg(long)]
    pub frame: PathBuf,
    /// Pool CSV.
    #[arg(long)]
    pub pool: PathBuf,
    /// A witness's value as `NAME=VALUE` (repeat, in the commitment's order).
    #[arg(long = "witness-value", required = true)]
    pub witness_values: Vec<String>,
    /// Draw time (UTC); defaults to now.
    #[arg(long)]
    pub drawn_at: Option<String>,
    /// Where to write the transcript (canonical JSON).
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let commitment: Commitment = read_json(&args.commitment)?;
    let secret_text = std::fs::read_to_string(&args.secret)
        .map_err(|e| Failure::bad_input(format!("{}: cannot read: {e}", args.secret.display())))?;
    let secret: Secret = secret_text
        .parse()
        .map_err(|e| Failure::bad_input(format!("{}: {e}", args.secret.display())))?;
    let witnesses = args
        .witness_values
        .iter()
        .map(|wv| {
            let (name, value) = wv.split_once('=').ok_or_else(|| {
                Failure::bad_input(format!("--witness-value {wv:?}: expected NAME=VALUE"))
            })?;
            Ok(WitnessContribution {
                name: name
                    .parse()
                    .map_err(|e| Failure::bad_input(format!("--witness-value: {e}")))?,
                value: value
                    .parse()
                    .map_err(|e| Failure::bad_input(format!("--witness-value: {e}")))?,
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let drawn_at = match &args.drawn_at {
        Some(t) => t
            .parse::<Timestamp>()
            .map_err(|e| Failure::bad_input(format!("--drawn-at: {e}")))?,
        None => Timestamp::from_datetime(chrono::Utc::now()),
    };
    let frame = read_frame(&args.frame)?;
    let pool = read_pool(&args.pool)?;
    let transcript = draw(
        DrawRequest {
            commitment,
            secret,
            entropy: Entropy {
                witnesses,
                drand: None,
            },
            drawn_at,
        },
        &frame,
        &pool,
    )
    .map_err(|e| Failure::bad_input(format!("cannot draw: {e}")))?;
    write_atomic(&args.out, &canonical(&transcript)?)?;
    say!("transcript {}", transcript.digest);
    say!("draw key {}", transcript.draw_key);
    say!("selected {}", transcript.selections.len());
    Ok(())
}
