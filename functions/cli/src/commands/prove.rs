//! Not written yet.

use crate::exit::Failure;

/// Arguments (none yet).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Not written yet.
pub fn run(_args: Args) -> Result<(), Failure> {
    Err(Failure::bad_input("this command is not available yet"))
}
