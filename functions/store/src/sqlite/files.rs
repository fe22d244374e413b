//! Owner-only files: the database, its WAL and shared-memory files hold personal data (guides'
//! names, inspection findings), so they are created 0600 in a folder created 0700, and group or
//! world permission bits found on them at open are removed.
//!
//! SQLite creates `-wal` and `-shm` with the permissions of the database file, so creating the
//! database file ourselves, owner-only, before SQLite opens it is what keeps all three private.

use std::io;
use std::path::{Path, PathBuf};

/// Creates the folder that will hold `data` (and any missing parents) owner-only (0700) if it does
/// not exist. An existing folder is left as it is.
///
/// # Errors
/// The I/O error if the folder cannot be created.
pub fn create_private_parent(data: &Path) -> io::Result<()> {
    let parent = match data.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => return Ok(()),
    };
    if parent.exists() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(parent)
}

/// Prepares the database file before SQLite opens it: creates its folder (0700) and the empty
/// file (0600) if missing, and removes group and world permissions from the file and from an
/// existing `-wal` and `-shm` (with a warning naming the file).
///
/// # Errors
/// The I/O error if the folder or the file cannot be created.
pub fn prepare_data_file(data: &Path) -> io::Result<()> {
    create_private_parent(data)?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(data) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    for suffix in ["", "-wal", "-shm"] {
        tighten(&sibling(data, suffix));
    }
    Ok(())
}

fn sibling(data: &Path, suffix: &str) -> PathBuf {
    let mut p = data.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

#[cfg(unix)]
fn tighten(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    let mode = meta.permissions().mode();
    if !meta.is_file() || mode & 0o077 == 0 {
        return;
    }
    let private = mode & !0o077;
    match std::fs::set_permissions(path, std::fs::Permissions::from_mode(private)) {
        Ok(()) => tracing::warn!(
            file = %path.display(),
            was = format!("{:03o}", mode & 0o777),
            now = format!("{:03o}", private & 0o777),
            "the data file was readable or writable by other users; made it owner-only"
        ),
        Err(e) => tracing::warn!(
            file = %path.display(),
            mode = format!("{:03o}", mode & 0o777),
            error = %e,
            "the data file is readable or writable by other users and could not be made owner-only; run chmod 600 on it"
        ),
    }
}

#[cfg(not(unix))]
fn tighten(_path: &Path) {}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::SqliteStore;

    fn mode(p: &Path) -> io::Result<u32> {
        Ok(std::fs::metadata(p)?.permissions().mode() & 0o777)
    }

    #[test]
    fn a_new_database_its_wal_shm_and_folder_are_owner_only()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        // Under the usual umask (022) SQLite alone makes 0644 files; these must come out private.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;
        let data = dir
            .path()
            .join("new")
            .join("deeper")
            .join("spotcheck.sqlite");
        let store = SqliteStore::open(&data)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(async {
            use spotcheck_domain::store::PlanWriter;
            store
                .create_plan(
                    &crate::testkit::meta("k1")?,
                    crate::testkit::plan_spec("P1")?,
                )
                .await?;
            Ok::<(), crate::testkit::BoxError>(())
        })
        .map_err(|e| e.to_string())?;
        assert_eq!(mode(&data)?, 0o600);
        assert_eq!(mode(&sibling(&data, "-wal"))?, 0o600, "WAL");
        assert_eq!(mode(&sibling(&data, "-shm"))?, 0o600, "SHM");
        assert_eq!(mode(&dir.path().join("new"))?, 0o700);
        assert_eq!(mode(&dir.path().join("new").join("deeper"))?, 0o700);
        Ok(())
    }

    #[test]
    fn an_existing_world_readable_database_and_wal_are_made_owner_only()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("old.sqlite");
        drop(SqliteStore::open(&data)?);
        for suffix in ["", "-wal", "-shm"] {
            let p = sibling(&data, suffix);
            if !p.exists() {
                std::fs::write(&p, b"")?;
            }
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o666))?;
        }
        // Hold a connection so that SQLite keeps the WAL files while we reopen.
        let _keep = rusqlite::Connection::open(&data)?;
        let store = SqliteStore::open(&data)?;
        for suffix in ["", "-wal", "-shm"] {
            assert_eq!(mode(&sibling(&data, suffix))?, 0o600, "{suffix}");
        }
        drop(store);
        Ok(())
    }
}
