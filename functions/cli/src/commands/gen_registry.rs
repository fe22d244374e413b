//! `spotcheck gen-registry`: write a large synthetic registry (for benchmarks and demos).
//!
//! Deterministic: the same `--kind`, `--size` and `--seed` give the same bytes. The data is
//! synthetic Putian data from `spotcheck_import::synth` (valid check characters, no personal data).

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use spotcheck_domain::registry::RegistryKind;
use spotcheck_import::synth;

use crate::exit::Failure;
use crate::files::say_wrote;

/// Which registry to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Travel agencies (at most 69,999: licence numbers have five digits).
    Agencies,
    /// Guides, referencing the agencies `--kind agencies --size <agencies> --seed <seed>` writes.
    Guides,
    /// Online travel operators.
    Operators,
}

/// Arguments of `spotcheck gen-registry`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which registry.
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// Number of rows.
    #[arg(long)]
    pub size: usize,
    /// Seed of the deterministic generator.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Number of agencies guides may belong to.
    #[arg(long, default_value_t = 150)]
    pub agencies: usize,
    /// Output file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn write_all<W: Write>(args: &Args, out: W) -> io::Result<()> {
    match args.kind {
        Kind::Guides => {
            let bar = (args.out.is_some() && io::stderr().is_terminal()).then(|| {
                let bar = indicatif::ProgressBar::new(args.size as u64);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:40} {pos}/{len} guides ({per_sec}, eta {eta})",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar
            });
            synth::write_guides(args.seed, args.size, args.agencies, out, |n| {
                if let Some(b) = &bar {
                    b.set_position(n);
                }
            })?;
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            Ok(())
        }
        Kind::Agencies => synth::write_rows(
            RegistryKind::Agencies,
            &synth::agencies(args.seed, args.size),
            out,
        ),
        Kind::Operators => synth::write_rows(
            RegistryKind::Operators,
            &synth::operators(args.seed, args.size),
            out,
        ),
    }
}

/// Runs `spotcheck gen-registry`.
pub fn run(args: Args) -> Result<(), Failure> {
    if args.kind == Kind::Agencies && args.size > synth::MAX_AGENCIES {
        return Err(Failure::bad_input(format!(
            "--size {} is too large for agencies: at most {}",
            args.size,
            synth::MAX_AGENCIES
        )));
    }
    if args.kind == Kind::Guides && !(1..=synth::MAX_AGENCIES).contains(&args.agencies) {
        return Err(Failure::bad_input(format!(
            "--agencies must be between 1 and {}",
            synth::MAX_AGENCIES
        )));
    }
    let result = match &args.out {
        Some(path) => {
            let file = File::create(path).map_err(|e| {
                Failure::bad_input(format!("cannot create {}: {e}", path.display()))
            })?;
            write_all(&args, BufWriter::with_capacity(1 << 20, file))
        }
        None => write_all(&args, BufWriter::new(io::stdout().lock())),
    };
    match result {
        Ok(()) => {
            if let Some(path) = &args.out {
                let kind = match args.kind {
                    Kind::Agencies => "travel agency",
                    Kind::Guides => "guide",
                    Kind::Operators => "online operator",
                };
                say_wrote(path, format_args!("{} {kind} rows", args.size));
            }
            Ok(())
        }
        // `spotcheck gen-registry ... | head` closes the pipe: not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Other(
            anyhow::Error::new(e).context("writing the registry"),
        )),
    }
}
