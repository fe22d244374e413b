//! `spotcheck token`: mint a development token for the local server.

use std::path::{Path, PathBuf};

use spotcheck_api::auth::{Claims, DEFAULT_ISSUER, DEFAULT_MAX_LIFETIME_SECS, mint_token};

use crate::commands::serve::{key_path, read_key};
use crate::exit::Failure;

/// Print a signed token (HS256, with the key `spotcheck serve` made; never makes one itself).
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
    /// Validity in hours (the server refuses tokens valid longer than its --token-max-hours,
    /// 12 unless set).
    #[arg(long, default_value_t = 8)]
    pub hours: i64,
    /// The `iss` claim: the server's --jwt-issuer.
    #[arg(long, default_value = DEFAULT_ISSUER)]
    pub issuer: String,
    /// The server's data file: the key is the one `spotcheck serve --data <data>` made,
    /// `<data>.jwt-key`.
    #[arg(long, default_value = "spotcheck.sqlite")]
    pub data: PathBuf,
    /// The key file, if the server was given --jwt-key-file.
    #[arg(long)]
    pub jwt_key_file: Option<PathBuf>,
}

/// The server's key, or a message saying where the server keeps it.
fn server_key(data: &Path, explicit: Option<&Path>) -> Result<[u8; 32], Failure> {
    let path = key_path(data, explicit, ".jwt-key");
    read_key(&path)?.ok_or_else(|| {
        let given = if explicit.is_some() {
            "--jwt-key-file".to_owned()
        } else {
            format!("--data {}", data.display())
        };
        Failure::bad_input(format!(
            "{}: no such key ({given}). `spotcheck serve --data X` makes its key at first start as \
             X.jwt-key (the demo's is spotcheck-demo.sqlite.jwt-key) unless given --jwt-key-file; \
             pass the --data (or --jwt-key-file) the server runs with. No key was created.",
            path.display()
        ))
    })
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
    if args.issuer.trim().is_empty() {
        return Err(Failure::bad_input("--issuer: must not be empty"));
    }
    let key = server_key(&args.data, args.jwt_key_file.as_deref())?;
    if args.hours * 3600 > DEFAULT_MAX_LIFETIME_SECS {
        eprintln!(
            "note: a server started without --token-max-hours {} or more refuses this token \
             (its default maximum is {} h)",
            args.hours,
            DEFAULT_MAX_LIFETIME_SECS / 3600
        );
    }
    let now = chrono::Utc::now().timestamp();
    let token = mint_token(
        &key,
        &Claims {
            sub: args.sub,
            department: args.department,
            roles: args.roles,
            iss: args.issuer,
            iat: now,
            exp: now + args.hours * 3600,
            nbf: None,
        },
    )
    .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    say!("{token}");
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn message(r: Result<[u8; 32], Failure>) -> String {
        match r {
            Err(Failure::BadInput(m)) => m,
            other => format!("unexpected: {other:?}"),
        }
    }

    #[test]
    fn a_missing_key_is_not_created_and_the_message_says_where_the_servers_is()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("bureau.sqlite");
        let m = message(server_key(&data, None));
        let expected = dir.path().join("bureau.sqlite.jwt-key");
        assert!(m.contains(&expected.display().to_string()), "{m}");
        assert!(m.contains("serve --data"), "{m}");
        assert!(!expected.exists(), "token must never create a key");
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 0);
        Ok(())
    }

    #[test]
    fn the_servers_key_is_read_and_a_loose_one_refused_with_the_chmod()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("d.sqlite");
        let made =
            crate::commands::serve::load_or_create_key(&dir.path().join("d.sqlite.jwt-key"))?;
        assert_eq!(server_key(&data, None)?, made);
        let key = dir.path().join("d.sqlite.jwt-key");
        for (mode, says) in [
            (0o644, "read"),
            (0o622, "change"),
            (0o666, "read and change"),
        ] {
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode))?;
            let m = message(server_key(&data, None));
            assert!(m.contains(&format!("chmod 600 {}", key.display())), "{m}");
            assert!(
                m.contains(&format!("let other users {says} ")),
                "{mode:o}: {m}"
            );
        }
        Ok(())
    }
}
