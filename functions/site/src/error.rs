//! The publisher's errors.

use spotcheck_domain::calendar::CalendarError;
use spotcheck_domain::store::StoreError;

/// Why a publisher run failed.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// The store refused or could not be reached (retry the run: it is idempotent).
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A deadline could not be computed.
    #[error("calendar: {0}")]
    Calendar(#[from] CalendarError),
    /// A template failed to render (a bug: the templates are part of the program).
    #[error("template {name}: {reason}")]
    Template {
        /// The template.
        name: String,
        /// What went wrong.
        reason: String,
    },
    /// A record could not be encoded.
    #[error("encoding {what}: {reason}")]
    Encode {
        /// What was being encoded.
        what: String,
        /// Why it failed.
        reason: String,
    },
    /// A generated file contains a personal number; nothing was written for it.
    #[error("{path}: refusing to publish a {kind} ({excerpt})")]
    Redaction {
        /// The site path.
        path: String,
        /// What was found.
        kind: &'static str,
        /// The masked number.
        excerpt: String,
    },
    /// Writing the site failed.
    #[error("site output {path}: {reason}")]
    Output {
        /// The path written.
        path: String,
        /// Why it failed.
        reason: String,
    },
    /// The site configuration file is unreadable or invalid.
    #[error("site configuration {file}: {reason}")]
    Config {
        /// The file.
        file: String,
        /// What is wrong.
        reason: String,
    },
}

impl SiteError {
    /// Whether running again may succeed (store or output unavailable).
    pub fn is_retryable(&self) -> bool {
        match self {
            SiteError::Store(e) => e.is_retryable(),
            SiteError::Output { .. } => true,
            _ => false,
        }
    }
}
