//! `spotcheck gen-pool`: a synthetic inspector pool (draw spec Appendix A.2).

use std::io::Write;
use std::path::PathBuf;

use spotcheck_domain::synthetic::synthetic_pool;

use crate::exit::Failure;
use crate::files::{say_wrote, write_atomic};

/// Write a deterministic synthetic pool CSV whose conflicts point into a synthetic frame.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of inspectors.
    #[arg(long)]
    pub size: u64,
    /// Seed text.
    #[arg(long)]
    pub seed: String,
    /// Size of the synthetic frame the conflicts refer to.
    #[arg(long, default_value_t = 0)]
    pub frame_size: u64,
    /// Seed of that frame.
    #[arg(long, default_value = "")]
    pub frame_seed: String,
    /// Most conflicts per inspector.
    #[arg(long, default_value_t = 0)]
    pub max_conflicts: u64,
    /// Output file (`-` for standard output).
    #[arg(long, default_value = "-")]
    pub out: PathBuf,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    if args.size > 1_000_000 || args.frame_size > 50_000_000 || args.max_conflicts > 1_000 {
        return Err(Failure::bad_input(
            "--size at most 1,000,000, --frame-size at most 50,000,000, --max-conflicts at most 1,000",
        ));
    }
    let pool = synthetic_pool(
        args.size,
        &args.seed,
        args.frame_size,
        &args.frame_seed,
        args.max_conflicts,
    );
    let mut buf = Vec::new();
    buf.extend_from_slice(b"inspector_id,department,conflicts\n");
    let inspectors = pool.len();
    for p in pool {
        let _ = writeln!(buf, "{},{},{}", p.id, p.department, p.conflicts.join(";"));
    }
    write_atomic(&args.out, &buf)?;
    say_wrote(
        &args.out,
        format_args!("{inspectors} inspectors (inspector_id,department,conflicts)"),
    );
    Ok(())
}
