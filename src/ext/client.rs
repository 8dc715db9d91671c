//! [`KnotClient`]: the generated client with auth, validation and retry attached, plus
//! the calls worth a hand-written shape (`create_session`).

use std::fmt;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::Value;

use super::config::{Environment, KnotConfig};
use super::credentials::Credentials;
use super::error::{self, ConfigError, Error};
use super::hooks::{self, HookState, Shared};
use super::options::{CALL, CallContext, RequestOptions};
use super::retry::RetryPolicy;
use super::session::Session;
use crate::contract;
use crate::generated::Client;

/// The Knot client. Cheap to clone (clones share the connection pool).
///
/// ```no_run
/// # async fn run() -> Result<(), knot_api::Error> {
/// let knot = knot_api::KnotClient::from_env()?;
/// let session = knot
///     .create_session(&serde_json::json!({
///         "type": "card_switcher",
///         "external_user_id": "user-123",
///         "card_id": "card-456",
///     }))
///     .await?;
/// let token = session.expose_token(); // hand to Knot's SDK; never log it
/// # let _ = token; Ok(()) }
/// ```
#[derive(Clone)]
pub struct KnotClient {
    api: Client,
    credentials: Option<Credentials>,
}

impl KnotClient {
    /// A builder with Knot's defaults (development environment, 2 retries).
    pub fn builder() -> KnotClientBuilder {
        KnotClientBuilder::default()
    }

    /// A client configured from `KNOT_CLIENT_ID`, `KNOT_SECRET`, `KNOT_ENVIRONMENT`,
    /// `KNOT_BASE_URL` and `KNOT_MAX_RETRIES`. Missing credentials are an error here.
    pub fn from_env() -> Result<Self, Error> {
        let config = KnotConfig::from_lookup(|name| std::env::var(name).ok())?;
        KnotClientBuilder { config, http: None }.build()
    }

    /// The generated client, with this client's hooks. Every operation of the spec is
    /// there; run it through [`KnotClient::call`] to get [`Error`] instead of
    /// progenitor's error.
    pub fn api(&self) -> &Client {
        &self.api
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        progenitor_client::ClientInfo::baseurl(&self.api)
    }

    /// The credentials in use (the secret stays redacted in `Debug`).
    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// Awaits a generated operation and converts its outcome.
    ///
    /// ```no_run
    /// # async fn run(knot: knot_api::KnotClient) -> Result<(), knot_api::Error> {
    /// use knot_api::types;
    /// let body = types::SessionCreateBody::builder()
    ///     .type_(types::SessionCreateBodyType::Link)
    ///     .external_user_id("user-123");
    /// let response = knot.call(knot.api().session_create().body(body).send()).await?;
    /// # let _ = response; Ok(()) }
    /// ```
    pub async fn call<T, E, F>(&self, operation: F) -> Result<T, Error>
    where
        F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
        E: Serialize,
    {
        self.call_with(RequestOptions::default(), operation).await
    }

    /// [`KnotClient::call`] with per-call options (extra body fields, retries).
    pub async fn call_with<T, E, F>(
        &self,
        options: RequestOptions,
        operation: F,
    ) -> Result<T, Error>
    where
        F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
        E: Serialize,
    {
        self.call_with_response(options, operation)
            .await
            .map(ResponseValue::into_inner)
    }

    /// [`KnotClient::call_with`], keeping the response's status and headers.
    pub async fn call_with_response<T, E, F>(
        &self,
        options: RequestOptions,
        operation: F,
    ) -> Result<ResponseValue<T>, Error>
    where
        F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
        E: Serialize,
    {
        options.check()?;
        let context = CallContext::new(options);
        let redactions = progenitor_client::ClientInfo::inner(&self.api).redactions();
        CALL.scope(context, async move {
            match operation.await {
                Ok(value) => Ok(value),
                Err(e) => {
                    let status = CALL.with(CallContext::status);
                    Err(error::from_progenitor(e, status, redactions).await)
                }
            }
        })
        .await
    }

    /// Creates a session (`POST /session/create`).
    ///
    /// `body` is anything that serializes to the request JSON: the generated
    /// `types::SessionCreateBody` (built with its builder), or a `serde_json::Value`.
    /// It is validated before sending; an invalid body returns [`Error::Validation`]
    /// and nothing is sent.
    pub async fn create_session<B: Serialize + ?Sized>(&self, body: &B) -> Result<Session, Error> {
        self.create_session_with(body, RequestOptions::default())
            .await
    }

    /// [`KnotClient::create_session`] with per-call options, e.g. fields the spec does
    /// not list yet: `RequestOptions::new().extra_body("merchant_id", 45)`.
    pub async fn create_session_with<B: Serialize + ?Sized>(
        &self,
        body: &B,
        options: RequestOptions,
    ) -> Result<Session, Error> {
        let (status, bytes) = self.send_json("session_create", body, options).await?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| error::decode_error(status, bytes.clone(), &e))?;
        match value.get("session").and_then(Value::as_str) {
            Some(token) if !token.is_empty() => Ok(Session::new(token.to_owned())),
            _ => Err(error::decode_failure(
                status,
                bytes,
                "the response has no `session` string",
            )),
        }
    }

    /// Sends `body` as JSON to the operation named `operation_id` in the spec, through
    /// the same hooks as the generated operations, and returns a success body's bytes.
    pub async fn send_json<B: Serialize + ?Sized>(
        &self,
        operation_id: &str,
        body: &B,
        options: RequestOptions,
    ) -> Result<(StatusCode, Bytes), Error> {
        options.check()?;
        let operation = contract::operation(operation_id).ok_or_else(|| {
            ConfigError::new(format!(
                "the spec this crate was built from has no operation `{operation_id}`"
            ))
        })?;
        let method = Method::from_bytes(operation.method.as_bytes())
            .map_err(|_| ConfigError::new(format!("bad method {}", operation.method)))?;
        let url = format!("{}{}", self.base_url(), operation.path);
        let mut request = progenitor_client::ClientInfo::client(&self.api)
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(
                "api-version",
                <Client as progenitor_client::ClientInfo<HookState>>::api_version(),
            )
            .json(body)
            .build()
            .map_err(error::transport)?;
        CALL.scope(CallContext::new(options), async {
            // The same steps the generated operations take through `ClientHooks`, called
            // directly: no hook error to wrap and unwrap.
            let state = progenitor_client::ClientInfo::inner(&self.api);
            let http = progenitor_client::ClientInfo::client(&self.api);
            hooks::prepare(state, &mut request, operation.operation_id)?;
            let response = hooks::send(http, state, request, operation.operation_id)
                .await
                .map_err(error::transport)?;
            let status = response.status();
            // Already read within the limits by the response guard.
            let bytes = response.bytes().await.map_err(error::transport)?;
            if status.is_success() {
                Ok((status, bytes))
            } else {
                Err(error::from_error_response(
                    status,
                    bytes,
                    state.redactions(),
                ))
            }
        })
        .await
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
    /// per call: [`RequestOptions::total_timeout`]). Applies to a caller-supplied HTTP
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
    /// [`super::retry::MAX_RETRIES_CEILING`]).
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
    /// Build it with `reqwest::redirect::Policy::none()`: this crate never follows
    /// redirects itself, and refuses any response that arrives from another origin, but a
    /// client that follows a 307/308 has already re-sent the body there.
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
                    // Never followed: see `response_guard`.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| ConfigError::new(format!("cannot build the HTTP client: {e}")))?;
                (http, Some(self.config.timeout))
            }
        };
        let hooks = HookState::new(Shared {
            authorization: Some(authorization),
            retry: self.config.retry.clone(),
            validate: self.config.validate,
            limits: self.config.limits,
            attempt_timeout,
            total_timeout: self.config.total_timeout,
            redactions: credentials.redactions(),
        });
        Ok(KnotClient {
            api: Client::new_with_client(&base_url, http, hooks),
            credentials: Some(credentials),
        })
    }
}
