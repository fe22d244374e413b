//! The official working-day calendar and publication deadlines (being written).
