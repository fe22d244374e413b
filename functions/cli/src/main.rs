//! `spotcheck`: run and verify double-random spot-check draws, manage registries, compute deadlines.
//!
//! Exit codes: 0 success, 1 a verification or check failed, 2 bad input (with a message naming the
//! file, line and field).

/// Prints a line to standard output. If the reader has gone away (`spotcheck … | head`), exits
/// quietly as a SIGPIPE-killed tool would, instead of panicking as `println!` does.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

mod commands;
mod console;
mod demo_data;
mod exit;
mod files;
mod idle;
mod store_args;

use clap::{Parser, Subcommand};

/// spotcheck: verifiable 双随机、一公开 spot checks.
#[derive(Debug, Parser)]
#[command(name = "spotcheck", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the audit log's hash chain (`audit verify`).
    #[command(subcommand_required = true)]
    Audit(commands::audit::Args),
    /// Run a complete, verifiable draw over the synthetic Putian demo data.
    Demo(commands::demo::Args),
    /// Serve the HTTP API (public and inspector) over the embedded SQLite store.
    Serve(commands::serve::Args),
    /// Mint a development token for the local server.
    Token(commands::token::Args),
    /// Print the Merkle root and size of a frame file.
    Frame(commands::frame::Args),
    /// Print an inclusion proof for one target of a frame.
    Prove(commands::prove::Args),
    /// Check an inclusion proof file.
    CheckProof(commands::check_proof::Args),
    /// Commit to a draw before any randomness exists.
    Commit(commands::commit::Args),
    /// Run a committed draw with the revealed secret and the external entropy.
    Draw(commands::draw::Args),
    /// Re-run a draw from its transcript, frame and pool and check every field.
    Verify(commands::verify::Args),
    /// Write a large synthetic frame (for benchmarks and vectors).
    GenFrame(commands::gen_frame::Args),
    /// Write a synthetic inspector pool (for benchmarks and vectors).
    GenPool(commands::gen_pool::Args),
    /// Compute a publication deadline in official working days.
    Deadline(commands::deadline::Args),
    /// List a year's holidays and makeup working days with the notice cited.
    Calendar(commands::calendar::Args),
    /// Validate (and import) a registry or item-list file.
    Import(commands::import::Args),
    /// Write a large synthetic registry file (for benchmarks).
    GenRegistry(commands::gen_registry::Args),
    /// Publish what is due (deadlines, withdrawals, expiry) and render the public website.
    Publish(commands::publish::Args),
    /// Export penalties or results in a national platform's layout (.csv or .xlsx).
    Export(commands::export::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Audit(a) => commands::audit::run(a),
        Command::Demo(a) => commands::demo::run(a),
        Command::Serve(a) => commands::serve::run(a),
        Command::Token(a) => commands::token::run(a),
        Command::Frame(a) => commands::frame::run(a),
        Command::Prove(a) => commands::prove::run(a),
        Command::CheckProof(a) => commands::check_proof::run(a),
        Command::Commit(a) => commands::commit::run(a),
        Command::Draw(a) => commands::draw::run(a),
        Command::Verify(a) => commands::verify::run(a),
        Command::GenFrame(a) => commands::gen_frame::run(a),
        Command::GenPool(a) => commands::gen_pool::run(a),
        Command::Deadline(a) => commands::deadline::run(a),
        Command::Calendar(a) => commands::calendar::run(a),
        Command::Import(a) => commands::import::run(a),
        Command::GenRegistry(a) => commands::gen_registry::run(a),
        Command::Publish(a) => commands::publish::run(a),
        Command::Export(a) => commands::export::run(a),
    };
    exit::report(result)
}
