//! `spotcheck gen-frame`: a synthetic frame (draw spec Appendix A.1).

use std::io::Write;
use std::path::PathBuf;

use spotcheck_domain::synthetic::synthetic_frame;

use crate::exit::Failure;
use crate::files::{progress, say_wrote, write_atomic};

/// Write a deterministic synthetic frame CSV.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of entries.
    #[arg(long)]
    pub size: u64,
    /// Seed text.
    #[arg(long)]
    pub seed: String,
    /// Output file (`-` for standard output).
    #[arg(long, default_value = "-")]
    pub out: PathBuf,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    if args.size > 50_000_000 {
        return Err(Failure::bad_input("--size: at most 50,000,000"));
    }
    let bar = progress(args.size, "gen-frame");
    let mut buf = Vec::with_capacity(args.size as usize * 30 + 20);
    buf.extend_from_slice(b"target_id,stratum\n");
    for (i, (id, stratum)) in synthetic_frame(args.size, &args.seed).enumerate() {
        let _ = writeln!(buf, "{id},{stratum}");
        if i.is_multiple_of(65_536) {
            bar.set_position(i as u64);
        }
    }
    bar.finish_and_clear();
    write_atomic(&args.out, &buf)?;
    say_wrote(
        &args.out,
        format_args!("{} frame entries (target_id,stratum)", args.size),
    );
    Ok(())
}
