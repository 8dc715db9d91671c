//! Where and how the client talks to Knot: environment, timeouts, retries, user agent,
//! and reading all of it from `KNOT_*` environment variables.

use std::time::Duration;

use super::credentials::Credentials;
use super::error::{ConfigError, Error};
use super::limits::BodyLimits;
use super::printable::{Printable, Redactions};
use super::retry::{MAX_RETRIES_CEILING, RetryPolicy};

/// Knot's hosted environments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://development.knotapi.com` (the spec's server; the default).
    #[default]
    Development,
    /// `https://production.knotapi.com`.
    Production,
}

impl Environment {
    /// The environment's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Development => "https://development.knotapi.com",
            Environment::Production => "https://production.knotapi.com",
        }
    }
}

impl std::str::FromStr for Environment {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(Environment::Development),
            "production" | "prod" => Ok(Environment::Production),
            other => Err(ConfigError::new(format!(
                "unknown Knot environment `{other}` (expected `development` or `production`)"
            ))
            .into()),
        }
    }
}

/// Default time to establish a connection (TCP + TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for one attempt, from sending the request to the end of the body.
/// Knot answers `session/create` in well under a second; 30 s leaves room for a slow
/// network without letting a hung connection hold a caller for minutes.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for a whole call: every attempt, every backoff delay and reading the
/// body. Each attempt's timeout is cut to what is left of it.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(60);
/// The `User-Agent` sent by default.
pub const DEFAULT_USER_AGENT: &str = concat!("knot-api-rust/", env!("CARGO_PKG_VERSION"));

/// Environment variable names read by [`crate::KnotClient::from_env`].
pub mod env_vars {
    /// Knot client id.
    pub const CLIENT_ID: &str = "KNOT_CLIENT_ID";
    /// Knot secret.
    pub const SECRET: &str = "KNOT_SECRET";
    /// `development` (default) or `production`.
    pub const ENVIRONMENT: &str = "KNOT_ENVIRONMENT";
    /// Any base URL; overrides the environment.
    pub const BASE_URL: &str = "KNOT_BASE_URL";
    /// Retries after the first attempt.
    pub const MAX_RETRIES: &str = "KNOT_MAX_RETRIES";
}

/// Everything a [`crate::KnotClient`] is built from.
#[derive(Debug, Clone)]
pub(crate) struct KnotConfig {
    pub(crate) credentials: Option<Credentials>,
    pub(crate) base_url: String,
    /// Where the base URL came from, for error messages.
    pub(crate) base_url_setting: &'static str,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) total_timeout: Duration,
    pub(crate) limits: BodyLimits,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) validate: bool,
}

impl Default for KnotConfig {
    fn default() -> Self {
        Self {
            credentials: None,
            base_url: Environment::default().base_url().to_owned(),
            base_url_setting: "base_url",
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            limits: BodyLimits::default(),
            retry: RetryPolicy::default(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            validate: true,
        }
    }
}

impl KnotConfig {
    /// Reads `KNOT_*` variables through `get` (the process environment in production,
    /// a map in tests).
    pub(crate) fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let client_id = get(env_vars::CLIENT_ID)
            .ok_or_else(|| ConfigError::new(format!("{} is not set", env_vars::CLIENT_ID)))?;
        let secret = get(env_vars::SECRET)
            .ok_or_else(|| ConfigError::new(format!("{} is not set", env_vars::SECRET)))?;
        let mut config = KnotConfig {
            credentials: Some(Credentials::new(client_id, secret)),
            ..KnotConfig::default()
        };
        if let Some(environment) = get(env_vars::ENVIRONMENT) {
            let environment: Environment = environment.parse()?;
            config.base_url = environment.base_url().to_owned();
        }
        if let Some(url) = get(env_vars::BASE_URL) {
            config.base_url = url;
            config.base_url_setting = env_vars::BASE_URL;
        }
        if let Some(retries) = get(env_vars::MAX_RETRIES) {
            let retries = retries
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= MAX_RETRIES_CEILING)
                .ok_or_else(|| {
                    ConfigError::new(format!(
                        "{} must be a whole number from 0 to {MAX_RETRIES_CEILING}, found `{}`",
                        env_vars::MAX_RETRIES,
                        Printable::text(&retries, &Redactions::default(), 40)
                    ))
                })?;
            config.retry = config.retry.with_max_retries(retries);
        }
        Ok(config)
    }

    /// Checks every setting that can be wrong, naming it in the error.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let positive = [
            ("connect_timeout", self.connect_timeout),
            ("timeout", self.timeout),
            ("total_timeout", self.total_timeout),
        ];
        for (name, value) in positive {
            if value.is_zero() {
                return Err(ConfigError::new(format!("{name} must be longer than zero")).into());
            }
        }
        if self.limits.success == 0 || self.limits.error == 0 {
            return Err(ConfigError::new(
                "max_body_size and max_error_body_size must be at least one byte",
            )
            .into());
        }
        if reqwest::header::HeaderValue::from_str(&self.user_agent).is_err() {
            return Err(ConfigError::new(
                "user_agent must be visible ASCII (it is sent as a header)",
            )
            .into());
        }
        self.checked_base_url().map(drop)
    }

    /// Checks the base URL: absolute http(s) with a host, no credentials, query,
    /// fragment, whitespace or control characters in it. Errors name the setting and show
    /// the URL without any password.
    pub(crate) fn checked_base_url(&self) -> Result<String, Error> {
        let setting = self.base_url_setting;
        let raw = &self.base_url;
        let shown = || Printable::url(raw, &Redactions::default());
        let fail = |what: String| -> Result<String, Error> {
            Err(ConfigError::new(format!("{setting} `{}` {what}", shown())).into())
        };
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return fail("must not contain spaces or control characters".into());
        }
        let url = match reqwest::Url::parse(raw) {
            Ok(url) => url,
            Err(e) => return fail(format!("is not a valid URL ({e})")),
        };
        if url.port().is_none() && raw.trim_end_matches('/').ends_with(':') {
            return fail("has an empty port".into());
        }
        if !matches!(url.scheme(), "http" | "https") {
            return fail(format!("must be http or https, not `{}`", url.scheme()));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return fail("has no host".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return fail("must not contain credentials; use KNOT_CLIENT_ID and KNOT_SECRET".into());
        }
        if url.query().is_some() || url.fragment().is_some() {
            return fail("must not have a query or fragment".into());
        }
        Ok(raw.trim_end_matches('/').to_owned())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn config_error(pairs: &[(&str, &str)]) -> String {
        match KnotConfig::from_lookup(lookup(pairs)) {
            Err(Error::Config(e)) => e.message().to_owned(),
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn credentials_are_required_and_not_blank() {
        assert_eq!(config_error(&[]), "KNOT_CLIENT_ID is not set");
        assert_eq!(
            config_error(&[("KNOT_CLIENT_ID", "id"), ("KNOT_SECRET", " ")]),
            "KNOT_SECRET is not set"
        );
    }

    #[test]
    fn environment_base_url_and_retries() {
        let base = [("KNOT_CLIENT_ID", "id"), ("KNOT_SECRET", "s")];
        let config = KnotConfig::from_lookup(lookup(&base)).unwrap();
        assert_eq!(config.base_url, "https://development.knotapi.com");
        assert_eq!(config.retry.max_retries(), 2);

        let mut pairs = base.to_vec();
        pairs.push(("KNOT_ENVIRONMENT", "production"));
        pairs.push(("KNOT_MAX_RETRIES", "5"));
        let config = KnotConfig::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!(config.base_url, "https://production.knotapi.com");
        assert_eq!(config.retry.max_retries(), 5);

        pairs.push(("KNOT_BASE_URL", "http://127.0.0.1:9999"));
        let config = KnotConfig::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!(config.base_url, "http://127.0.0.1:9999");

        let mut bad = base.to_vec();
        bad.push(("KNOT_ENVIRONMENT", "staging"));
        assert_eq!(
            config_error(&bad),
            "unknown Knot environment `staging` (expected `development` or `production`)"
        );
        let mut bad = base.to_vec();
        bad.push(("KNOT_MAX_RETRIES", "many"));
        assert_eq!(
            config_error(&bad),
            "KNOT_MAX_RETRIES must be a whole number from 0 to 10, found `many`"
        );
        let mut bad = base.to_vec();
        bad.push(("KNOT_MAX_RETRIES", "11"));
        assert_eq!(
            config_error(&bad),
            "KNOT_MAX_RETRIES must be a whole number from 0 to 10, found `11`"
        );
    }

    fn base_url_error(url: &str) -> String {
        let config = KnotConfig::from_lookup(lookup(&[
            ("KNOT_CLIENT_ID", "id"),
            ("KNOT_SECRET", "s"),
            ("KNOT_BASE_URL", url),
        ]))
        .unwrap();
        match config.check() {
            Err(Error::Config(e)) => e.message().to_owned(),
            other => panic!("expected a config error for {url:?}, got {other:?}"),
        }
    }

    #[test]
    fn base_urls_are_checked_whole_and_never_echo_a_password() {
        assert_eq!(
            base_url_error("https://example.com "),
            "KNOT_BASE_URL `https://example.com/` must not contain spaces or control characters"
        );
        let shown = base_url_error("https://user:hunter2@exa mple.com");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.starts_with("KNOT_BASE_URL"), "{shown}");
        let shown = base_url_error("https://user:hunter2@example.com");
        assert_eq!(
            shown,
            "KNOT_BASE_URL `https://example.com` must not contain credentials; use KNOT_CLIENT_ID and KNOT_SECRET"
        );
        assert_eq!(
            base_url_error("ftp://example.com"),
            "KNOT_BASE_URL `ftp://example.com/` must be http or https, not `ftp`"
        );
    }
}
