//! Where the site goes: a local folder ([`LocalDir`]) or, on AWS, an S3 bucket (in the
//! `spotcheck-publisher` crate), behind one small trait. A manifest (`site-manifest.json`: the
//! SHA-256 of every file) makes re-rendering incremental: only files whose bytes changed are
//! written, and files no longer rendered (an expired penalty, a withdrawn decision) are deleted.

use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::error::SiteError;
use crate::redact::scan_bytes;
use crate::render::SiteFile;

/// The manifest's path in the site.
pub const MANIFEST: &str = "site-manifest.json";

/// One published file as recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// What the content derives from, for immutable files (a Merkle root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// What the site holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// `spotcheck-site-manifest/1`.
    pub format: String,
    /// Path → entry.
    pub files: BTreeMap<String, ManifestEntry>,
}

/// Where a site is written. Implementations write each file atomically (readers see the old or
/// the new file, never half of one).
pub trait SiteSink: Send + Sync {
    /// The manifest of what is published (empty if none).
    ///
    /// # Errors
    /// [`SiteError::Output`].
    fn read_manifest(&self) -> impl Future<Output = Result<Manifest, SiteError>> + Send;
    /// Records the manifest (written last).
    ///
    /// # Errors
    /// [`SiteError::Output`].
    fn write_manifest(
        &self,
        manifest: &Manifest,
    ) -> impl Future<Output = Result<(), SiteError>> + Send;
    /// Writes one file.
    ///
    /// # Errors
    /// [`SiteError::Output`].
    fn put(
        &self,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> impl Future<Output = Result<(), SiteError>> + Send;
    /// Deletes one file (absent is fine).
    ///
    /// # Errors
    /// [`SiteError::Output`].
    fn delete(&self, path: &str) -> impl Future<Output = Result<(), SiteError>> + Send;
    /// Whether the file is there (a local folder checks; a bucket trusts its manifest).
    fn exists(&self, path: &str) -> impl Future<Output = bool> + Send;
}

/// What an update did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SiteStats {
    /// Files in the site after the update.
    pub files: usize,
    /// Files written (new or changed).
    pub written: usize,
    /// Files deleted.
    pub deleted: usize,
    /// Files left as they were.
    pub unchanged: usize,
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// Checks every rendered file for personal numbers.
///
/// # Errors
/// [`SiteError::Redaction`] for the first hit (nothing is written then).
pub fn check_redaction(files: &[SiteFile]) -> Result<(), SiteError> {
    for f in files {
        if let Some(body) = &f.body
            && let Some(hit) = scan_bytes(body).into_iter().next()
        {
            return Err(SiteError::Redaction {
                path: f.path.clone(),
                kind: hit.kind.as_str(),
                excerpt: hit.excerpt,
            });
        }
    }
    Ok(())
}

/// The manifest format written by [`update`].
pub const MANIFEST_FORMAT: &str = "spotcheck-site-manifest/1";

/// The hash recorded for a path an update is about to write or delete: it matches no file, so
/// the next update rewrites the path if it is still rendered and deletes it otherwise.
pub const UNKNOWN_SHA256: &str = "";

/// Brings the sink to `files`: writes what changed, deletes what is gone, then the manifest.
/// Refuses (writing nothing) if any file contains a personal number.
///
/// When anything is to be written or deleted, an interim manifest goes first: the old one with
/// every path about to be touched recorded as [`UNKNOWN_SHA256`] (new paths included). So a run
/// that fails half way (a network error, a missing bucket) leaves a manifest from which the next
/// update rewrites every touched path that is still rendered and deletes every touched path that
/// is not — even a page written by the failed run for a record withdrawn before the next run.
/// The final manifest is written last.
///
/// # Errors
/// [`SiteError::Redaction`]; the sink's errors.
pub async fn update<K: SiteSink>(sink: &K, files: &[SiteFile]) -> Result<SiteStats, SiteError> {
    check_redaction(files)?;
    let old = sink.read_manifest().await?;
    let mut next = Manifest {
        format: MANIFEST_FORMAT.into(),
        files: BTreeMap::new(),
    };
    let mut stats = SiteStats::default();
    let mut puts: Vec<(&SiteFile, &[u8])> = Vec::new();
    for f in files {
        let entry = match &f.body {
            Some(body) => {
                let entry = ManifestEntry {
                    sha256: sha256_hex(body),
                    source: f.source.clone(),
                };
                let same = old.files.get(&f.path) == Some(&entry) && sink.exists(&f.path).await;
                if same {
                    stats.unchanged += 1;
                } else {
                    puts.push((f, body));
                }
                entry
            }
            None => match old.files.get(&f.path) {
                Some(e) if e.sha256 != UNKNOWN_SHA256 => {
                    stats.unchanged += 1;
                    e.clone()
                }
                _ => {
                    return Err(SiteError::Output {
                        path: f.path.clone(),
                        reason: "kept file is not in the manifest".into(),
                    });
                }
            },
        };
        next.files.insert(f.path.clone(), entry);
    }
    let deletes: Vec<&String> = old
        .files
        .keys()
        .filter(|p| !next.files.contains_key(*p))
        .collect();
    let touched = !puts.is_empty() || !deletes.is_empty();
    if touched {
        let mut interim = old.clone();
        interim.format = MANIFEST_FORMAT.into();
        let unknown = ManifestEntry {
            sha256: UNKNOWN_SHA256.into(),
            source: None,
        };
        for (f, _) in &puts {
            interim.files.insert(f.path.clone(), unknown.clone());
        }
        for p in &deletes {
            interim.files.insert((*p).clone(), unknown.clone());
        }
        sink.write_manifest(&interim).await?;
    }
    for (f, body) in puts {
        sink.put(&f.path, f.content_type, body).await?;
        stats.written += 1;
    }
    for path in deletes {
        sink.delete(path).await?;
        stats.deleted += 1;
    }
    stats.files = next.files.len();
    if touched || next != old {
        sink.write_manifest(&next).await?;
    }
    Ok(stats)
}

/// A local folder (`spotcheck publish --site-dir DIR`). Files are written to a temporary name and
/// renamed; [`LocalDir::lock`] serialises concurrent publishers on one folder.
#[derive(Debug, Clone)]
pub struct LocalDir {
    root: PathBuf,
}

/// Holds the folder's lock until dropped.
#[derive(Debug)]
pub struct DirLock {
    _file: std::fs::File,
}

fn out_err(path: &Path, e: impl std::fmt::Display) -> SiteError {
    SiteError::Output {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

impl LocalDir {
    /// The folder (created if missing).
    ///
    /// # Errors
    /// [`SiteError::Output`] if it cannot be created.
    pub fn new(root: impl Into<PathBuf>) -> Result<Self, SiteError> {
        let root = root.into();
        std::fs::create_dir_all(&root).map_err(|e| out_err(&root, e))?;
        Ok(Self { root })
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Waits for and takes the folder's exclusive lock (`.publish.lock`, an OS file lock released
    /// when the process ends, even if it is killed).
    ///
    /// # Errors
    /// [`SiteError::Output`].
    pub fn lock(&self) -> Result<DirLock, SiteError> {
        let p = self.root.join(".publish.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&p)
            .map_err(|e| out_err(&p, e))?;
        file.lock().map_err(|e| out_err(&p, e))?;
        Ok(DirLock { _file: file })
    }

    fn target(&self, path: &str) -> Result<PathBuf, SiteError> {
        let ok = !path.is_empty()
            && !path.starts_with('/')
            && path
                .split('/')
                .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('\\'));
        if !ok {
            return Err(SiteError::Output {
                path: path.into(),
                reason: "not a plain relative path".into(),
            });
        }
        Ok(self.root.join(path))
    }

    fn write_file(&self, path: &str, body: &[u8]) -> Result<(), SiteError> {
        let target = self.target(path)?;
        let dir = target.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(|e| out_err(dir, e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| out_err(dir, e))?;
        tmp.write_all(body).map_err(|e| out_err(&target, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
                .map_err(|e| out_err(&target, e))?;
        }
        tmp.persist(&target)
            .map_err(|e| out_err(&target, e.error))?;
        Ok(())
    }
}

impl SiteSink for LocalDir {
    async fn read_manifest(&self) -> Result<Manifest, SiteError> {
        let p = self.root.join(MANIFEST);
        match std::fs::read(&p) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| out_err(&p, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(out_err(&p, e)),
        }
    }

    async fn write_manifest(&self, manifest: &Manifest) -> Result<(), SiteError> {
        let body =
            serde_json::to_vec_pretty(manifest).map_err(|e| out_err(Path::new(MANIFEST), e))?;
        self.write_file(MANIFEST, &body)
    }

    async fn put(&self, path: &str, _content_type: &str, body: &[u8]) -> Result<(), SiteError> {
        self.write_file(path, body)
    }

    async fn delete(&self, path: &str) -> Result<(), SiteError> {
        let target = self.target(path)?;
        match std::fs::remove_file(&target) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(out_err(&target, e)),
        }
    }

    async fn exists(&self, path: &str) -> bool {
        self.target(path).is_ok_and(|p| p.is_file())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A sink in memory whose puts fail for paths `broken` matches.
    #[derive(Default)]
    struct Memory {
        files: Mutex<BTreeMap<String, Vec<u8>>>,
        manifest: Mutex<Manifest>,
        broken: Option<&'static str>,
    }

    fn fail(path: &str) -> SiteError {
        SiteError::Output {
            path: path.into(),
            reason: "test failure".into(),
        }
    }

    impl SiteSink for Memory {
        async fn read_manifest(&self) -> Result<Manifest, SiteError> {
            Ok(self.manifest.lock().map_err(|_| fail(MANIFEST))?.clone())
        }
        async fn write_manifest(&self, manifest: &Manifest) -> Result<(), SiteError> {
            *self.manifest.lock().map_err(|_| fail(MANIFEST))? = manifest.clone();
            Ok(())
        }
        async fn put(&self, path: &str, _: &str, body: &[u8]) -> Result<(), SiteError> {
            if self.broken.is_some_and(|b| path.starts_with(b)) {
                return Err(fail(path));
            }
            self.files
                .lock()
                .map_err(|_| fail(path))?
                .insert(path.into(), body.to_vec());
            Ok(())
        }
        async fn delete(&self, path: &str) -> Result<(), SiteError> {
            self.files.lock().map_err(|_| fail(path))?.remove(path);
            Ok(())
        }
        async fn exists(&self, _: &str) -> bool {
            true
        }
    }

    fn file(path: &str, body: &str) -> SiteFile {
        SiteFile {
            path: path.into(),
            content_type: "text/html; charset=utf-8",
            body: Some(body.as_bytes().to_vec()),
            source: None,
        }
    }

    fn paths(sink: &Memory) -> Vec<String> {
        sink.files
            .lock()
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn a_page_written_by_a_failed_update_is_deleted_when_no_longer_rendered()
    -> Result<(), SiteError> {
        let mut sink = Memory::default();
        update(&sink, &[file("index.html", "1")]).await?;
        sink.broken = Some("z/");
        let failed = update(
            &sink,
            &[
                file("index.html", "2"),
                file("p/new.html", "new"),
                file("z/register.html", "r"),
            ],
        )
        .await;
        assert!(failed.is_err());
        assert_eq!(paths(&sink), ["index.html", "p/new.html"]);
        // The record behind p/new.html is withdrawn before the next run.
        sink.broken = None;
        let stats = update(
            &sink,
            &[file("index.html", "2"), file("z/register.html", "r")],
        )
        .await?;
        assert_eq!(paths(&sink), ["index.html", "z/register.html"]);
        assert_eq!((stats.written, stats.deleted), (2, 1));
        let again = update(
            &sink,
            &[file("index.html", "2"), file("z/register.html", "r")],
        )
        .await?;
        assert_eq!((again.written, again.deleted, again.unchanged), (0, 0, 2));
        Ok(())
    }
}
