//! # spotcheck-domain
//!
//! The pure, synchronous core of spotcheck, the verifiable 双随机、一公开 spot-check service:
//! identifiers, frames and inspector pools with Merkle roots, commitments, draws, verification,
//! the official working-day calendar and publication deadlines.
//!
//! Nothing here reads a clock, the operating system's randomness, files, the network or the
//! environment: time, randomness and data come in as arguments. That is what makes a draw a pure
//! function of its published inputs (see `docs/draw-spec.md`) and lets this crate build for
//! `wasm32-unknown-unknown`.
#![warn(missing_docs)]

pub mod calendar;
pub mod canonical_json;
pub mod draw;
pub mod encoding;
pub mod frame;
pub mod ids;
pub mod lifecycle;
pub mod merkle;
pub mod registry;
pub mod store;
pub mod synthetic;
pub mod time;
pub mod vectors;
