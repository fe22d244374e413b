//! The one error type of the application core. Each variant says which class of failure it is
//! ([`AppError::kind`]), so every surface maps it the same way (422 validation, 409 state
//! conflict, 403 scope, 404 not found, 503 unavailable, 500 internal), and carries a stable
//! machine-readable `code`. No surface ever branches on the message text.

use spotcheck_domain::store::StoreError;

/// Which class of failure an [`AppError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input breaks a rule (HTTP 422).
    Validation,
    /// The request conflicts with the current state (HTTP 409).
    Conflict,
    /// The caller may not do this (HTTP 403).
    Forbidden,
    /// What the request names does not exist (HTTP 404).
    NotFound,
    /// A dependency is down or overloaded; retrying may succeed (HTTP 503).
    Unavailable,
    /// A fault of the service itself (HTTP 500); the message is logged, never shown.
    Internal,
}

/// Why a use case refused or failed: a kind, a stable code and words a clerk can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    kind: ErrorKind,
    code: &'static str,
    message: String,
    problems: Option<Box<crate::registry::RowProblems>>,
}

impl AppError {
    /// An error of `kind` with the stable `code`.
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            problems: None,
        }
    }

    /// The same error listing the row problems of a refused file.
    pub fn with_problems(mut self, problems: crate::registry::RowProblems) -> Self {
        self.problems = Some(Box::new(problems));
        self
    }

    /// The row problems of a refused file (registry import), if any.
    pub fn problems(&self) -> Option<&crate::registry::RowProblems> {
        self.problems.as_deref()
    }

    /// 422: the input breaks a rule.
    pub fn validation(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Validation, code, message)
    }

    /// 409: the state forbids it.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }

    /// 403: outside the caller's roles or department.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, code, message)
    }

    /// 404.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, code, message)
    }

    /// 500: the message is for the log only.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, "internal", message)
    }

    /// The class of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable machine-readable code (problem+json `code`).
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message, in words a clerk can act on (for [`ErrorKind::Internal`], for the log only).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        if let StoreError::Conflict {
            what: spotcheck_domain::store::IDEMPOTENCY_KEY,
            ..
        } = &e
        {
            return Self::validation(
                "idempotency-key-reused",
                format!("{e}: send a new Idempotency-Key for a different request"),
            );
        }
        let kind = match &e {
            StoreError::NotFound { .. } => ErrorKind::NotFound,
            StoreError::Conflict { .. }
            | StoreError::AlreadyCommitted(_)
            | StoreError::AlreadyDrawn(_) => ErrorKind::Conflict,
            StoreError::Invalid(_) => ErrorKind::Validation,
            StoreError::Unavailable(_) => ErrorKind::Unavailable,
            StoreError::Corrupt { .. } => ErrorKind::Internal,
        };
        Self::new(kind, e.code(), e.to_string())
    }
}

impl From<spotcheck_domain::draw::DrawError> for AppError {
    fn from(e: spotcheck_domain::draw::DrawError) -> Self {
        use spotcheck_domain::draw::DrawError as D;
        match &e {
            // A stored frame, pool or encoding that no longer matches is the service's fault.
            D::Encoding(_) | D::FrameMismatch { .. } | D::PoolMismatch { .. } => {
                Self::internal(e.to_string())
            }
            D::AssignmentStuck(_) => Self::internal(e.to_string()),
            _ => Self::validation(e.code(), e.to_string()),
        }
    }
}

impl From<spotcheck_domain::lifecycle::LifecycleError> for AppError {
    fn from(e: spotcheck_domain::lifecycle::LifecycleError) -> Self {
        use spotcheck_domain::lifecycle::LifecycleError as L;
        let code = match &e {
            L::AlreadyCommitted(_) => "already-committed",
            L::AlreadyDrawn(_) => "already-drawn",
            L::Cancelled(_) => "cancelled",
            L::InvalidTransition { .. } => "invalid-transition",
            L::Mismatch { .. } => "mismatch",
            L::Invalid { .. } => return Self::validation("invalid", e.to_string()),
        };
        Self::conflict(code, e.to_string())
    }
}
