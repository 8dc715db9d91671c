//! [`KnotClient`] and its builder: configuration, credentials and the HTTP client.
//!
//! The operations themselves (`knot.session_create()`, `knot.create_session(..)`, one
//! method per operation of the spec) are written into `OUT_DIR` by knot-codegen and run
//! through [`super::call`] and [`super::hooks`].

use std::fmt;
use std::time::Duration;

use super::config::{Environment, KnotConfig};
use super::credentials::Credentials;
use super::error::{ConfigError, Error};
use super::hooks::{HookState, Shared};
use super::retry::RetryPolicy;
use crate::generated::Client;

/// The Knot client: one method per operation of the spec, each returning a builder whose
/// `send()` validates, authenticates, retries and returns [`crate::Result`]. Cheap to
/// clone (clones share the connection pool).
///
/// ```
/// use knot_api::{KnotClient, Session, types};
///
/// async fn start_card_switcher(knot: &KnotClient) -> knot_api::Result<Session> {
///     knot.create_session(
///         types::SessionCreateBody::builder()
///             .type_(types::SessionCreateBodyType::CardSwitcher)
///             .external_user_id("user-123")
///             .card_id("card-456"),
///     )
///     .await
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> knot_api::Result<()> {
/// # let mock = knot_api::mock::MockKnot::start().await;
/// # let session = start_card_switcher(&mock.client()).await?;
/// # assert!(!session.expose_token().is_empty());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct KnotClient {
    pub(crate) api: Client,
    credentials: Option<Credentials>,
}

impl KnotClient {
    /// A builder with Knot's defaults (development environment, 2 retries).
    pub fn builder() -> KnotClientBuilder {
        KnotClientBuilder::default()
    }

    /// A client configured from `KNOT_CLIENT_ID`, `KNOT_SECRET`, `KNOT_ENVIRONMENT`,
    /// `KNOT_BASE_URL` and `KNOT_MAX_RETRIES`. Missing credentials are an error here.
    /// To add settings on top, start from [`KnotClientBuilder::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        KnotClientBuilder::from_env()?.build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        progenitor_client::ClientInfo::baseurl(&self.api)
    }

    /// The credentials in use (the secret stays redacted in `Debug`).
    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }
}

impl fmt::Debug for KnotClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KnotClient")
            .field("base_url", &self.base_url())
            .field("credentials", &self.credentials)
            .field("hooks", progenitor_client::ClientInfo::inner(&self.api))
            .finish()
    }
}

/// Builds a [`KnotClient`].
#[derive(Debug, Clone, Default)]
pub struct KnotClientBuilder {
    config: KnotConfig,
    http: Option<reqwest::Client>,
}

impl KnotClientBuilder {
    /// A builder holding what the environment says (`KNOT_CLIENT_ID`, `KNOT_SECRET`,
    /// `KNOT_ENVIRONMENT`, `KNOT_BASE_URL`, `KNOT_MAX_RETRIES`), to add settings to:
    /// `KnotClientBuilder::from_env()?.total_timeout(..).build()`. Missing credentials
    /// are an error here.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Self::from_env`] reading the variables through `get`.
    fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let config = KnotConfig::from_lookup(get)?;
        Ok(KnotClientBuilder { config, http: None })
    }

    /// Knot client id and secret (HTTP Basic).
    pub fn credentials(mut self, client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.config.credentials = Some(Credentials::new(client_id, secret));
        self
    }

    /// Knot's development or production environment.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.config.base_url = environment.base_url().to_owned();
        self
    }

    /// Any base URL (a proxy, the embedded mock); overrides the environment.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.base_url = url.into();
        self
    }

    /// Time allowed to connect (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, request to end of body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// Deadline for a whole call: every attempt, backoff delay and body (default 60 s;
    /// per call: [`crate::RequestOptions::total_timeout`]). Applies to a caller-supplied HTTP
    /// client too.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.config.total_timeout = timeout;
        self
    }

    /// Largest success body read, in bytes (default 4 MiB); a larger or endless one ends
    /// the call with [`Error::BodyTooLarge`].
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.config.limits.success = bytes;
        self
    }

    /// Largest error (non-2xx) body read, in bytes (default 64 KiB).
    pub fn max_error_body_size(mut self, bytes: usize) -> Self {
        self.config.limits.error = bytes;
        self
    }

    /// How failed attempts are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }

    /// Shorthand for the policy's retry count (at most
    /// [`crate::MAX_RETRIES_CEILING`]).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.config.retry = self.config.retry.with_max_retries(retries);
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.config.user_agent = user_agent.into();
        self
    }

    /// Turns local validation off (for when Knot relaxes a rule before the spec does).
    pub fn validation(mut self, enabled: bool) -> Self {
        self.config.validate = enabled;
        self
    }

    /// Uses this `reqwest::Client` (its own proxy, TLS, connect timeout); the builder's
    /// per-attempt timeout and user agent then do not apply, the total deadline and body
    /// limits do.
    ///
    /// The deadline is set on each request, and reqwest lets a request's timeout replace
    /// the client's own `timeout`: bound calls with [`Self::total_timeout`] (or
    /// [`crate::RequestOptions::total_timeout`]), not with the client's `timeout`.
    ///
    /// Build it with `reqwest::redirect::Policy::none()`: this crate never follows
    /// redirects itself, and a call whose answer came from another origin fails with
    /// [`Error::Config`], but a client that follows a 307/308 has already re-sent the
    /// body there.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client. Missing or blank credentials and a bad base URL are errors
    /// here, not a 401 later.
    pub fn build(self) -> Result<KnotClient, Error> {
        let credentials = self.config.credentials.clone().ok_or_else(|| {
            ConfigError::new("no Knot credentials (client_id and secret) were given")
        })?;
        let authorization = credentials.authorization()?;
        self.config.check()?;
        let base_url = self.config.checked_base_url()?;
        let (http, attempt_timeout) = match self.http {
            Some(http) => (http, None),
            None => {
                let http = reqwest::Client::builder()
                    .connect_timeout(self.config.connect_timeout)
                    .timeout(self.config.timeout)
                    .user_agent(self.config.user_agent.clone())
                    // Never followed: a 3xx is `Error::Redirect`.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| ConfigError::new(format!("cannot build the HTTP client: {e}")))?;
                (http, Some(self.config.timeout))
            }
        };
        let hooks = HookState::new(Shared {
            authorization,
            retry: self.config.retry.clone(),
            validate: self.config.validate,
            limits: self.config.limits,
            attempt_timeout,
            total_timeout: self.config.total_timeout,
            redactions: credentials.redactions(),
            origin: reqwest::Url::parse(&base_url)
                .map_err(|e| ConfigError::new(format!("cannot parse the base URL: {e}")))?,
        });
        Ok(KnotClient {
            api: Client::new_with_client(&base_url, http, hooks),
            credentials: Some(credentials),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A builder from the environment keeps taking settings, and keeps what the
    /// environment said (base URL, retries) under them.
    #[test]
    fn a_builder_from_the_environment_takes_more_settings() {
        let vars = [
            ("KNOT_CLIENT_ID", "id"),
            ("KNOT_SECRET", "secret"),
            ("KNOT_BASE_URL", "http://127.0.0.1:9"),
            ("KNOT_MAX_RETRIES", "5"),
        ];
        let get = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let knot = KnotClientBuilder::from_lookup(get)
            .unwrap()
            .total_timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        assert_eq!(knot.base_url(), "http://127.0.0.1:9");
        assert_eq!(knot.credentials().unwrap().client_id(), "id");
        let shown = format!("{knot:?}");
        assert!(shown.contains("max_retries: 5"), "{shown}");
        assert!(!shown.contains("secret\""), "{shown}");
    }
}
