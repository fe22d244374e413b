//! `spotcheck token`: mint a development token for the local server.

use std::path::PathBuf;

use spotcheck_api::auth::{Claims, mint_token};

use crate::commands::serve::{key_path, load_or_create_key};
use crate::exit::Failure;

/// Print a signed token (HS256, the key `spotcheck serve` uses).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Subject (user id).
    #[arg(long)]
    pub sub: String,
    /// Department, e.g. 莆田市文化和旅游局.
    #[arg(long)]
    pub department: String,
    /// Role: inspector, supervisor, publisher or admin (repeat for several).
    #[arg(long = "role", required = true)]
    pub roles: Vec<String>,
    /// Validity in hours.
    #[arg(long, default_value_t = 8)]
    pub hours: i64,
    /// The server's data file (the key is `<data>.jwt-key`).
    #[arg(long, default_value = "spotcheck.sqlite")]
    pub data: PathBuf,
    /// The key file, if not next to the data file.
    #[arg(long)]
    pub jwt_key_file: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    for r in &args.roles {
        r.parse::<spotcheck_api::Role>()
            .map_err(|e| Failure::bad_input(format!("--role: {e}")))?;
    }
    if !(1..=24 * 30).contains(&args.hours) {
        return Err(Failure::bad_input("--hours: between 1 and 720"));
    }
    let key = load_or_create_key(&key_path(
        &args.data,
        args.jwt_key_file.as_deref(),
        ".jwt-key",
    ))?;
    let now = chrono::Utc::now().timestamp();
    let token = mint_token(
        &key,
        &Claims {
            sub: args.sub,
            department: args.department,
            roles: args.roles,
            iat: now,
            exp: now + args.hours * 3600,
        },
    )
    .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    say!("{token}");
    Ok(())
}
