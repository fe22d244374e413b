//! The two routers: [`public`] (no login, read-only) and [`inspector`] (authenticated writes),
//! with [`uploads`] (large registry files through the upload bucket) beside the inspector's.

pub mod inspector;
pub mod public;
mod support;
pub mod uploads;
