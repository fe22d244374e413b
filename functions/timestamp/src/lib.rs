//! # spotcheck-timestamp
//!
//! Independent evidence of when a commitment was published: RFC 3161 time-stamp tokens over the
//! commitment hash, from authorities the bureau does not run (docs/draw-spec.md §16).
//!
//! - [`build_request`]: the `TimeStampReq` for a commitment hash (SHA-256 imprint, the caller's
//!   random [`Nonce`], the authority's certificate requested);
//! - [`verify_response`]: checks a `TimeStampResp` offline — granted, the imprint is the
//!   commitment hash, the nonce, the CMS signature and its signed attributes, the signer is a
//!   time-stamping certificate chaining to one of the [`TrustAnchors`] — and says when and by
//!   whom ([`Stamp`]); [`check_before`] then checks the time against the draw's deadline, and
//!   [`assess`] judges all of a draw's tokens together and says the verdict in words;
//! - [`TsaClient`]: the port to an authority, [`stamp_commitment`] the use case that asks and
//!   verifies before anything is stored, and (feature `http`, on by default) [`HttpTsa`], its
//!   HTTP adapter with a time limit and bounded retries.
//!
//! The verifier needs no network, clock or async runtime, so it builds without the `http`
//! feature (e.g. for wasm32).
//!
//! ```
//! use spotcheck_timestamp::{Nonce, TrustAnchors, build_request, check_before, verify_response};
//!
//! // The known-answer token in fixtures/timestamps/, for the commitment of vector 01-minimal.
//! let anchors = TrustAnchors::from_pem(include_str!("../../../fixtures/timestamps/anchor.pem"))?;
//! let response = include_bytes!("../../../fixtures/timestamps/valid.tsr");
//! let hash = hex::decode("c81d075c87a46ba330c04f540b6ebf1af211317335e4b9959df2cb2952f64578")?;
//! let hash: [u8; 32] = hash.as_slice().try_into()?;
//!
//! let stamp = verify_response(response, &hash, None, &anchors)?;
//! assert!(stamp.authority.contains("spotcheck test TSA"));
//! // The token proves the commitment existed before any later deadline, and no earlier one.
//! assert!(check_before(&stamp, stamp.latest + chrono::TimeDelta::seconds(1)).is_ok());
//! assert!(check_before(&stamp, stamp.gen_time).is_err());
//!
//! // Another commitment's hash is refused.
//! let other = [0u8; 32];
//! let refused = verify_response(response, &other, None, &anchors).unwrap_err();
//! assert_eq!(refused.code(), "timestamp-imprint");
//!
//! // A request to send to an authority.
//! let request = build_request(&hash, Nonce::new(0x5eed_1234_abcd_0001))?;
//! assert_eq!(request[0], 0x30); // a DER SEQUENCE
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod anchors;
mod asn1;
mod assess;
mod attributes;
mod chain;
mod client;
mod crypto;
mod error;
#[cfg(feature = "http")]
mod http;
mod oids;
mod request;
mod verify;

pub use anchors::{AnchorError, TrustAnchors};
pub use assess::{Assessment, TokenFailure, TokenOutcome, assess};
pub use client::{Stamped, TsaClient, TsaError, stamp_commitment};
pub use error::{TooLate, VerifyError};
#[cfg(feature = "http")]
pub use http::{HttpTsa, RetryPolicy};
pub use request::{Nonce, build_request};
pub use verify::{Stamp, check_before, verify_response, verify_token};
