//! # spotcheck-site
//!
//! The publisher's core (一公开): it finds every record that must be published, gives it a
//! [`Publication`](spotcheck_domain::lifecycle::Publication) with its statutory deadline from the
//! official calendar, publishes what is due, withdraws changed or revoked penalty decisions with
//! their reasons, expires penalties at the end of their publication period, and renders the public
//! website — HTML, JSON and an Atom feed per category — after redacting everything personal.
//!
//! What is public, and how it is redacted, is decided by one projection in the application core
//! ([`spotcheck_app::public::project`]); the site renders its pages and feeds from it, as the public
//! API renders its JSON. Pure parts ([`duties`], [`view`], [`render`], [`redact`]) work on plain
//! values; I/O stays at the edges: [`records::load`] reads the store, [`sink`] writes the site (a local folder here, S3 in
//! the `spotcheck-publisher` Lambda function). [`publisher::run`] is one whole run, used by both
//! `spotcheck publish --due` and the Lambda function, so both hosts behave the same. See
//! `docs/publication.md`.
//!
//! ```
//! use spotcheck_domain::calendar::Calendar;
//! use spotcheck_site::publisher::{Options, run};
//! use spotcheck_site::sink::LocalDir;
//! use spotcheck_store::SqliteStore;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let store = SqliteStore::open(dir.path().join("spotcheck.sqlite"))?;
//! let site = LocalDir::new(dir.path().join("site"))?;
//! let calendar = Calendar::embedded()?;
//! let opts = Options::at("2026-11-26T01:00:00Z".parse()?)?;
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let report = rt.block_on(run(&store, &calendar, &site, &opts, || site.lock()))?;
//! assert!(report.published.is_empty()); // an empty store publishes nothing…
//! assert!(site.root().join("index.html").is_file()); // …but the site exists
//! let again = rt.block_on(run(&store, &calendar, &site, &opts, || site.lock()))?;
//! assert_eq!(again.site.written, 0); // and a second run writes nothing
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

pub mod duties;
pub mod error;
pub mod identity;
pub mod publisher;
pub mod render;
pub mod rules;
pub mod sink;
pub mod stats;
pub mod view;

// The projection's parts, one copy in the application core: what is public, redaction, and the
// records it reads.
pub use spotcheck_app::public::{records, redact, time};

pub use error::SiteError;
