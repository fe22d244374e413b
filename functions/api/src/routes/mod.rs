//! The two routers: [`public`] (no login, read-only) and [`inspector`] (authenticated writes).

pub mod inspector;
pub mod public;
mod support;
