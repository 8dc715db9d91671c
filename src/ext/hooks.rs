//! The hooks progenitor runs around every request of the generated client (its
//! `ClientHooks`): `pre` adds this call's extras and the `Authorization` header, `exec`
//! makes the attempts ([`super::retry`]) and bounds the answer's body
//! ([`super::limits`]), `post` refuses an answer from another origin.
//!
//! The state they read is the generated client's `inner` value: the client's settings,
//! shared by every call, and the options of the one call this client was made for.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde_json::Value;

use super::limits::BodyLimits;
use super::options::RequestOptions;
use super::printable::Redactions;
use super::retry::{self, RetryPolicy};
use crate::generated::Client;

/// The generated client's `inner` value.
#[derive(Clone)]
pub(crate) struct HookState {
    shared: Arc<Shared>,
    call: Option<Arc<RequestOptions>>,
}

/// What every call of one client shares.
pub(crate) struct Shared {
    pub(crate) authorization: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) validate: bool,
    pub(crate) limits: BodyLimits,
    /// Per-attempt timeout, when this crate built the HTTP client.
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) total_timeout: Duration,
    /// The client's secrets, kept out of every error it prints.
    pub(crate) redactions: Redactions,
    /// The base URL's origin: an answer from elsewhere is refused.
    pub(crate) origin: reqwest::Url,
}

impl HookState {
    pub(crate) fn new(shared: Shared) -> Self {
        Self {
            shared: Arc::new(shared),
            call: None,
        }
    }

    /// The same client state for one call with `options`.
    pub(crate) fn for_call(&self, options: RequestOptions) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            call: Some(Arc::new(options)),
        }
    }

    /// This call's extra body fields, if it has any.
    pub(crate) fn extra_body(&self) -> Option<&serde_json::Map<String, Value>> {
        self.call
            .as_deref()
            .map(|options| &options.extra_body)
            .filter(|extra| !extra.is_empty())
    }

    pub(crate) fn validates(&self) -> bool {
        self.shared.validate
    }

    pub(crate) fn limits(&self) -> BodyLimits {
        self.shared.limits
    }

    pub(crate) fn redactions(&self) -> &Redactions {
        &self.shared.redactions
    }
}

impl fmt::Debug for HookState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookState")
            .field("authorization", &"[redacted]")
            .field("retry", &self.shared.retry)
            .field("validate", &self.shared.validate)
            .finish()
    }
}

impl ClientHooks<HookState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let state = &self.inner;
        if let Some(options) = &state.call {
            if !options.extra_body.is_empty() {
                merge_extra_body(request, options).map_err(progenitor_client::Error::Custom)?;
            }
            // Checked when the options were made: no framing, hop-by-hop or auth header.
            // The first value of a name replaces what the client set; more are appended.
            let headers = &options.extra_headers;
            for (i, (name, value)) in headers.iter().enumerate() {
                if headers[..i].iter().any(|(earlier, _)| earlier == name) {
                    request.headers_mut().append(name.clone(), value.clone());
                } else {
                    request.headers_mut().insert(name.clone(), value.clone());
                }
            }
        }
        request
            .headers_mut()
            .insert(AUTHORIZATION, state.shared.authorization.clone());
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let shared = &*self.inner.shared;
        let options = self.inner.call.as_deref();
        let max_retries = options
            .and_then(|o| o.max_retries)
            .unwrap_or_else(|| shared.retry.max_retries_for(info.operation_id));
        let total = options
            .and_then(|o| o.total_timeout)
            .unwrap_or(shared.total_timeout);
        let attempts = retry::Attempts {
            policy: &shared.retry,
            max_retries,
            attempt_timeout: shared.attempt_timeout,
            deadline: Instant::now().checked_add(total),
            operation_id: info.operation_id,
        };
        let response = attempts.run(&self.client, request).await?;
        Ok(shared.limits.apply(response))
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let origin = &self.inner.shared.origin;
        match result {
            Ok(response) if !same_origin(response.url(), origin) => {
                Err(progenitor_client::Error::Custom(format!(
                    "the HTTP client followed a redirect to another origin ({}); build it with \
                     reqwest::redirect::Policy::none()",
                    super::printable::Printable::url(
                        response.url().as_str(),
                        &self.inner.shared.redactions
                    )
                )))
            }
            _ => Ok(()),
        }
    }
}

/// Whether two URLs share scheme, host and port (compared without allocating).
fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Adds the call's extra fields to a JSON object body.
fn merge_extra_body(
    request: &mut reqwest::Request,
    options: &RequestOptions,
) -> Result<(), String> {
    let refuse = || "RequestOptions::extra_body needs a JSON object body".to_owned();
    let bytes = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .ok_or_else(refuse)?;
    let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(bytes) else {
        return Err(refuse());
    };
    map.extend(options.extra_body.clone());
    let merged = serde_json::to_vec(&map).map_err(|e| e.to_string())?;
    *request.body_mut() = Some(merged.into());
    Ok(())
}
