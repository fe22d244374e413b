//! `spotcheck verify`: re-run a draw from its transcript, frame and pool.

use std::path::{Path, PathBuf};

use spotcheck_app::timestamps;

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
    /// Time-stamp tokens published beside it (`commitment.<authority>.tsr`) are checked too.
    #[arg(long)]
    pub commitment: Option<PathBuf>,
    /// An RFC 3161 time-stamp token of the commitment (a DER `TimeStampResp`, e.g.
    /// `commitment.tsa-1.tsr`) to check (docs/draw-spec.md §16); repeat for several.
    #[arg(long = "timestamp", value_name = "TSR")]
    pub timestamps: Vec<PathBuf>,
    /// The trust anchors (PEM) the tokens must chain to: the authorities' roots you accept.
    /// Default: `tsa-anchors.pem` beside the commitment (the anchors the bureau published).
    #[arg(long, value_name = "PEMFILE")]
    pub tsa_anchors: Option<PathBuf>,
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
    check_timestamps(&args, &t)
}

/// The tokens given with `--timestamp` and those published beside the commitment file
/// (`commitment.*.tsr`), each once, in name order after the given ones.
fn token_files(args: &Args) -> Result<Vec<PathBuf>, Failure> {
    let mut files = args.timestamps.clone();
    if let Some(dir) = args.commitment.as_ref().map(|c| {
        c.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }) {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Failure::bad_input(format!("{}: {e}", dir.display())))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("commitment.") && n.ends_with(".tsr"))
            })
            .collect();
        found.sort();
        for f in found {
            let same = |g: &PathBuf| match (g.canonicalize(), f.canonicalize()) {
                (Ok(a), Ok(b)) => a == b,
                _ => *g == f,
            };
            if !files.iter().any(same) {
                files.push(f);
            }
        }
    }
    Ok(files)
}

/// Checks the commitment's time-stamp tokens (spec §16.3, §16.4) and says what they prove: when
/// the commitment existed on an authority's word, or that its publication time rests on the
/// bureau's word alone. A token that does not count fails the command (exit 1), naming its code.
fn check_timestamps(args: &Args, t: &Transcript) -> Result<(), Failure> {
    let files = token_files(args)?;
    let deadline = timestamps::transcript_deadline(t)
        .ok_or_else(|| Failure::bad_input("the transcript's draw time is out of range"))?;
    let mut tokens = Vec::new();
    for f in &files {
        let bytes =
            std::fs::read(f).map_err(|e| Failure::bad_input(format!("{}: {e}", f.display())))?;
        tokens.push((f.display().to_string(), bytes));
    }
    let anchors = if tokens.is_empty() {
        String::new()
    } else {
        let (path, published) = match (&args.tsa_anchors, &args.commitment) {
            (Some(p), _) => (p.clone(), false),
            (None, Some(c)) => (c.with_file_name(timestamps::ANCHORS_FILE), true),
            (None, None) => {
                return Err(Failure::bad_input(
                    "--timestamp needs --tsa-anchors (the roots of the authorities you accept)",
                ));
            }
        };
        let pem = std::fs::read_to_string(&path).map_err(|e| {
            Failure::bad_input(format!(
                "{}: {e} (give the authorities' roots you accept with --tsa-anchors)",
                path.display()
            ))
        })?;
        say!(
            "    time-stamp trust anchors: {}{}",
            path.display(),
            if published {
                " (as the bureau published them; choose your own with --tsa-anchors)"
            } else {
                ""
            }
        );
        pem
    };
    let assessment = timestamps::assess_tokens(&tokens, &t.commitment_hash, deadline, &anchors)
        .map_err(|e| Failure::bad_input(e.to_string()))?;
    for o in &assessment.outcomes {
        match &o.result {
            Ok(s) => say!(
                "ok  time-stamp {}: {} says the commitment existed by {}",
                o.label,
                s.authority,
                s.latest
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            ),
            Err(e) => say!("BAD time-stamp {}: {} ({})", o.label, e, e.code()),
        }
    }
    say!("TIME: {}", assessment.summary());
    let refused: Vec<String> = assessment
        .failures()
        .map(|(label, e)| format!("{label}: {}", e.code()))
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(Failure::CheckFailed(format!(
            "the draw verifies, but {} time-stamp token(s) do not count: {}",
            refused.len(),
            refused.join("; ")
        )))
    }
}
