//! # spotcheck-beacon
#![warn(missing_docs)]
