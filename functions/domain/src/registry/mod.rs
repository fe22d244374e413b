//! Registry records, validation and snapshots (being written).
