//! `spotcheck frame`: the Merkle root and size of a frame file.

use std::path::PathBuf;

use crate::exit::Failure;
use crate::files::read_frame;

/// Print the root and size of a frame CSV (`target_id,stratum`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The frame file.
    pub frame: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let frame = read_frame(&args.frame)?;
    let s = frame.summary();
    let members = frame.members_by_stratum();
    if args.json {
        let strata: Vec<_> = frame
            .strata()
            .iter()
            .zip(&members)
            .map(|(k, m)| serde_json::json!({"key": k, "population": m.len()}))
            .collect();
        let v = serde_json::json!({"root": s.root, "size": s.size, "strata": strata});
        say!("{v}");
    } else {
        say!("root {}", s.root);
        say!("size {}", s.size);
        for (k, m) in frame.strata().iter().zip(&members) {
            say!("stratum {k} {}", m.len());
        }
    }
    Ok(())
}
