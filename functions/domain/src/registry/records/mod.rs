//! The record types of the two registries (targets and inspectors) and the item list.

mod agency;
mod common;
mod guide;
mod inspector;
mod item;
mod operator;

pub use agency::TravelAgency;
pub use guide::Guide;
pub use inspector::Inspector;
pub use item::{CheckItem, ItemCode, RepeatLimit};
pub use operator::OnlineOperator;
