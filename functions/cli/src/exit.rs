//! How commands end: one place maps failures to exit codes and prints them.

use std::process::ExitCode;

/// A command failed in a way the user should see.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The input was wrong (file, line, field named in the message): exit 2.
    #[error("{0}")]
    BadInput(String),
    /// A check ran and found a difference (verification, proof): exit 1.
    #[error("{0}")]
    CheckFailed(String),
    /// Something else went wrong (I/O on output, etc.): exit 2 as well, with the cause chain.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Failure {
    /// Shorthand for a bad-input failure.
    pub fn bad_input(msg: impl std::fmt::Display) -> Self {
        Self::BadInput(msg.to_string())
    }
}

/// Print the failure (if any) to stderr and return the exit code.
pub fn report(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::CheckFailed(msg)) => {
            eprintln!("FAILED: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::BadInput(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Other(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
