//! `spotcheck draw`: run a committed draw once the witnesses have spoken.

use std::path::PathBuf;

use spotcheck_beacon::{
    FetchError, HttpRelays, RecordedBeacons, RetryPolicy, fetch_promised_round_blocking,
};
use spotcheck_domain::draw::{
    Commitment, DrandBeacon, DrandSource, DrawRequest, Entropy, Secret, WitnessContribution, draw,
};
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
    /// A witness's value as `NAME=VALUE` (repeat, in the commitment's order). NAME is the
    /// committed name, which may itself contain `=`.
    #[arg(long = "witness-value")]
    pub witness_values: Vec<String>,
    /// Read the promised drand round from this file (a recorded round, or a relay's answer saved
    /// as is) instead of fetching it.
    #[arg(long, conflicts_with = "relays")]
    pub beacon_file: Option<PathBuf>,
    /// A drand HTTP relay to fetch the promised round from (repeat; tried in order, with retries).
    /// Defaults to api.drand.sh, api2.drand.sh, api3.drand.sh and drand.cloudflare.com.
    #[arg(long = "relay")]
    pub relays: Vec<String>,
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
    let committed: Vec<&str> = commitment
        .entropy_source
        .witnesses
        .iter()
        .map(|w| w.as_str())
        .collect();
    let witnesses = args
        .witness_values
        .iter()
        .map(|wv| {
            let (name, value) = split_witness_value(wv, &committed)?;
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
    let drand = match &commitment.entropy_source.drand {
        Some(promised) => Some(beacon_round(&args, promised, drawn_at)?),
        None if args.beacon_file.is_some() || !args.relays.is_empty() => {
            return Err(Failure::bad_input(
                "--beacon-file/--relay: the commitment promises no drand round",
            ));
        }
        None => None,
    };
    let frame = read_frame(&args.frame)?;
    let pool = read_pool(&args.pool)?;
    let transcript = draw(
        DrawRequest {
            commitment,
            secret,
            entropy: Entropy { witnesses, drand },
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

/// Splits `NAME=VALUE`. A witness name may itself contain `=`, so NAME is the committed name the
/// argument starts with (followed by `=`); only when none matches is it split at the first `=`
/// (and the draw then reports the name as not committed).
fn split_witness_value<'a>(
    arg: &'a str,
    committed: &[&str],
) -> Result<(&'a str, &'a str), Failure> {
    let mut matches = committed.iter().filter_map(|name| {
        arg.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('='))
            .map(|value| (&arg[..name.len()], value))
    });
    match (matches.next(), matches.next()) {
        (Some(one), None) => Ok(one),
        (Some((a, _)), Some((b, _))) => Err(Failure::bad_input(format!(
            "--witness-value {arg:?}: could be a value of witness {a:?} or of witness {b:?}"
        ))),
        (None, _) => arg.split_once('=').ok_or_else(|| {
            Failure::bad_input(format!("--witness-value {arg:?}: expected NAME=VALUE"))
        }),
    }
}

/// The promised round, from the file or the relays, checked against the chain's key. Refused
/// before the round's time; if no relay answers, every attempt is reported and nothing else is
/// used instead.
fn beacon_round(
    args: &Args,
    promised: &DrandSource,
    now: spotcheck_domain::time::Timestamp,
) -> Result<DrandBeacon, Failure> {
    let result = match &args.beacon_file {
        Some(path) => {
            let recorded = RecordedBeacons::from_file(path)
                .map_err(|e| Failure::bad_input(format!("--beacon-file {e}")))?;
            fetch_promised_round_blocking(&recorded, promised, now)
        }
        None => {
            let relays = if args.relays.is_empty() {
                HttpRelays::with_defaults()
            } else {
                HttpRelays::new(&args.relays, RetryPolicy::default())
            }
            .map_err(|e| Failure::bad_input(format!("--relay: {e}")))?;
            eprintln!(
                "fetching drand round {} from {}",
                promised.round,
                relays.relays().join(", ")
            );
            fetch_promised_round_blocking(&relays, promised, now)
        }
    };
    let beacon = result.map_err(|e| match e {
        FetchError::Invalid { .. } => Failure::CheckFailed(format!("beacon: {e}")),
        other => Failure::bad_input(format!("cannot draw: {other}")),
    })?;
    say!(
        "drand round {} verified, randomness {}",
        beacon.round,
        beacon.randomness
    );
    Ok(beacon)
}
