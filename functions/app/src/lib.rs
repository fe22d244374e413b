//! # spotcheck-app
//!
//! The application core: one use case per workflow and one projection per audience, between the
//! pure domain (which decides) and the surfaces (the HTTP API, the Lambda functions, the CLI and
//! the publisher, which only extract input, call a use case and map its typed error).
//!
//! Every use case is generic over only the storage ports it needs; it loads, asks the domain to
//! decide, hands the decision to the store to apply, and returns a typed outcome or an
//! [`AppError`] whose [`ErrorKind`] decides the HTTP status in one place.
#![warn(missing_docs)]

pub mod drafts;
pub mod error;
pub mod export;
pub mod history;
pub mod plans;
pub mod ports;
pub mod public;
pub mod queries;
pub mod records;
pub mod registry;
pub mod staff;
pub mod statistics;
pub mod timestamps;

pub use error::{AppError, ErrorKind};
pub use ports::{Beacon, SecretSource, secret_not_reproduced};
pub use staff::{Role, Staff};
pub use timestamps::Timestamper;
