//! The two routers: [`public`] (no login, read-only) and [`inspector`] (authenticated writes),
//! with [`uploads`] (large registry files through the upload bucket) beside the inspector's, and
//! [`reports`] (the full problem reports of refused direct uploads).

pub mod audit_head;
pub mod drafts;
pub mod exports;
pub mod history;
pub mod inspector;
pub mod joint;
pub mod public;
pub mod reports;
mod support;
pub mod timestamps;
pub mod uploads;
