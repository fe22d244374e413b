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

/// Brings the sink to `files`: writes what changed, deletes what is gone, then the manifest.
/// Refuses (writing nothing) if any file contains a personal number.
///
/// # Errors
/// [`SiteError::Redaction`]; the sink's errors.
pub async fn update<K: SiteSink>(sink: &K, files: &[SiteFile]) -> Result<SiteStats, SiteError> {
    check_redaction(files)?;
    let old = sink.read_manifest().await?;
    let mut next = Manifest {
        format: "spotcheck-site-manifest/1".into(),
        files: BTreeMap::new(),
    };
    let mut stats = SiteStats::default();
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
                    sink.put(&f.path, f.content_type, body).await?;
                    stats.written += 1;
                }
                entry
            }
            None => match old.files.get(&f.path) {
                Some(e) => {
                    stats.unchanged += 1;
                    e.clone()
                }
                None => {
                    return Err(SiteError::Output {
                        path: f.path.clone(),
                        reason: "kept file is not in the manifest".into(),
                    });
                }
            },
        };
        next.files.insert(f.path.clone(), entry);
    }
    for path in old.files.keys() {
        if !next.files.contains_key(path) {
            sink.delete(path).await?;
            stats.deleted += 1;
        }
    }
    stats.files = next.files.len();
    if next != old {
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
