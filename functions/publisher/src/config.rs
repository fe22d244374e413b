//! Configuration from environment variables (see the crate docs for the table).

use spotcheck_domain::calendar::Calendar;
use spotcheck_lambda::StartError;
use spotcheck_store::DynamoConfig;

/// The function could not start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is missing or a file it names is unusable.
    #[error("environment variable {name}: {reason}")]
    Env {
        /// The variable.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// Everything the function reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// The table.
    pub dynamo: DynamoConfig,
    /// The bucket.
    pub bucket: String,
    /// Key prefix (empty or ending in `/`).
    pub prefix: String,
    /// Public URL of the site.
    pub base_url: Option<String>,
    /// Page title.
    pub site_title: Option<String>,
    /// The site configuration file (the bureau's identity), deployed with the function.
    pub site_config: Option<String>,
    /// Calendar override file.
    pub calendar_file: Option<String>,
    /// CloudWatch namespace.
    pub metric_namespace: String,
}

fn required(
    get: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<String, ConfigError> {
    get(name)
        .filter(|v| !v.trim().is_empty())
        .ok_or(ConfigError::Env {
            name,
            reason: "is not set".into(),
        })
}

fn optional(get: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    get(name).filter(|v| !v.trim().is_empty())
}

impl Config {
    /// Reads the configuration through `get` (the process environment, or a map in tests).
    ///
    /// # Errors
    /// [`ConfigError::Env`] naming a missing variable.
    pub fn from_env(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let dynamo = spotcheck_lambda::dynamo_config(get).map_err(|e| match e {
            StartError::Env { name, reason } => ConfigError::Env { name, reason },
            other => ConfigError::Env {
                name: "SPOTCHECK_TABLE",
                reason: other.to_string(),
            },
        })?;
        let mut prefix = optional(get, "SPOTCHECK_SITE_PREFIX").unwrap_or_default();
        prefix = prefix.trim_matches('/').to_owned();
        if !prefix.is_empty() {
            prefix.push('/');
        }
        Ok(Self {
            dynamo,
            bucket: required(get, "SPOTCHECK_SITE_BUCKET")?,
            prefix,
            base_url: optional(get, "SPOTCHECK_SITE_BASE_URL"),
            site_title: optional(get, "SPOTCHECK_SITE_TITLE"),
            site_config: optional(get, "SPOTCHECK_SITE_CONFIG"),
            calendar_file: optional(get, "SPOTCHECK_CALENDAR_FILE"),
            metric_namespace: optional(get, "SPOTCHECK_METRIC_NAMESPACE")
                .unwrap_or_else(|| "Spotcheck".into()),
        })
    }

    /// The embedded calendar, with the configured file merged over it.
    ///
    /// # Errors
    /// [`ConfigError::Env`] if the file cannot be read or is invalid.
    pub fn calendar(&self) -> Result<Calendar, ConfigError> {
        let bad = |reason: String| ConfigError::Env {
            name: "SPOTCHECK_CALENDAR_FILE",
            reason,
        };
        match &self.calendar_file {
            None => Calendar::embedded().map_err(|e| bad(e.to_string())),
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|e| bad(format!("{path}: {e}")))?;
                Calendar::embedded_with_overrides(&text).map_err(|e| bad(format!("{path}: {e}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn table_and_bucket_are_required_and_the_prefix_is_normalised() -> Result<(), ConfigError> {
        let e = Config::from_env(&env(&[("SPOTCHECK_SITE_BUCKET", "b")]));
        assert!(matches!(
            e,
            Err(ConfigError::Env {
                name: "SPOTCHECK_TABLE",
                ..
            })
        ));
        let e = Config::from_env(&env(&[("SPOTCHECK_TABLE", "t")]));
        assert!(matches!(
            e,
            Err(ConfigError::Env {
                name: "SPOTCHECK_SITE_BUCKET",
                ..
            })
        ));
        let c = Config::from_env(&env(&[
            ("SPOTCHECK_TABLE", "t"),
            ("SPOTCHECK_SITE_BUCKET", "b"),
            ("SPOTCHECK_SITE_PREFIX", "/public/"),
        ]))?;
        assert_eq!(c.prefix, "public/");
        assert_eq!(c.metric_namespace, "Spotcheck");
        assert!(c.calendar().is_ok());
        Ok(())
    }

    #[test]
    fn a_missing_calendar_file_is_named() -> Result<(), ConfigError> {
        let c = Config::from_env(&env(&[
            ("SPOTCHECK_TABLE", "t"),
            ("SPOTCHECK_SITE_BUCKET", "b"),
            ("SPOTCHECK_CALENDAR_FILE", "/nonexistent/calendar.json"),
        ]))?;
        let e = c
            .calendar()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("/nonexistent/calendar.json"), "{e}");
        Ok(())
    }
}
