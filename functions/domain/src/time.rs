//! Timestamps as the spec writes them: UTC, whole seconds, `YYYY-MM-DDTHH:MM:SSZ`.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::ids::IdError;

/// A UTC instant with whole-second precision. Its text form is fixed (`2026-11-26T08:30:00Z`), so
/// it hashes the same everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From seconds since the Unix epoch.
    pub const fn from_unix(secs: i64) -> Self {
        Self(secs)
    }
    /// Seconds since the Unix epoch.
    pub const fn unix(&self) -> i64 {
        self.0
    }
    /// Truncates a chrono time to whole seconds.
    pub fn from_datetime(t: DateTime<Utc>) -> Self {
        Self(t.timestamp())
    }
    /// As a chrono time.
    pub fn to_datetime(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.0, 0)
    }

    /// The calendar date in China (China Standard Time, UTC+8, no daylight saving) at this
    /// instant: the calendar the bureau's dates (results, decisions, deadlines) are counted in.
    pub fn china_date(&self) -> Option<chrono::NaiveDate> {
        Timestamp::from_unix(self.0.saturating_add(8 * 3600))
            .to_datetime()
            .map(|d| d.date_naive())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_datetime() {
            Some(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%SZ")),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl FromStr for Timestamp {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || {
            IdError::new(
                "timestamp",
                s,
                "must look like 2026-11-26T08:30:00Z (UTC, whole seconds)",
            )
        };
        let t = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ")
            .map(|t| Self(t.and_utc().timestamp()))
            .map_err(|_| err())?;
        // Only the one spelling (draw spec §2): no leap second `:60` read as `:59`, no
        // one-digit month or day, no year beyond four digits.
        if t.to_string() != s {
            return Err(err());
        }
        Ok(t)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

crate::ids::openapi_string!(
    Timestamp,
    pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_offsets() {
        let t: Result<Timestamp, _> = "2026-11-26T08:30:00Z".parse();
        assert_eq!(
            t.map(|t| t.to_string()).ok().as_deref(),
            Some("2026-11-26T08:30:00Z")
        );
        assert!("2026-11-26T08:30:00+08:00".parse::<Timestamp>().is_err());
        assert!("2026-11-26T08:30:00.5Z".parse::<Timestamp>().is_err());
    }

    #[test]
    fn only_the_one_spelling_is_read() {
        for other in [
            "2016-12-31T23:59:60Z",
            "2026-1-26T08:30:00Z",
            "2026-11-6T08:30:00Z",
            "2026-11-26T8:30:00Z",
            "12026-11-26T08:30:00Z",
            "+2026-11-26T08:30:00Z",
        ] {
            assert!(other.parse::<Timestamp>().is_err(), "{other}");
        }
        assert!("2016-12-31T23:59:59Z".parse::<Timestamp>().is_ok());
    }
}
