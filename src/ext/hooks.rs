//! The hooks progenitor calls around every generated operation: auth, extra body
//! fields, validation (`pre`), retry (`exec`) and status capture (`post`).
//!
//! They run on every request, so they are kept cheap: the `Authorization` value is
//! built once per client and cloned (a reference-count bump); a request is cloned only
//! when another attempt may follow; the body is parsed only for operations whose spec
//! describes body fields.

use std::fmt;
use std::sync::Arc;

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, HeaderValue};
use serde_json::Value;

use super::options::CALL;
use super::retry::{self, RetryPolicy};
use super::validation;
use crate::generated::Client;

/// Per-client state the hooks read; the `inner` value of the generated [`Client`].
#[derive(Clone)]
pub struct HookState {
    shared: Arc<Shared>,
}

struct Shared {
    authorization: Option<HeaderValue>,
    retry: RetryPolicy,
    validate: bool,
}

impl HookState {
    pub(crate) fn new(
        authorization: Option<HeaderValue>,
        retry: RetryPolicy,
        validate: bool,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                authorization,
                retry,
                validate,
            }),
        }
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.retry
    }

    /// Whether requests are validated before sending.
    pub fn validates(&self) -> bool {
        self.shared.validate
    }
}

impl fmt::Debug for HookState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookState")
            .field(
                "authorization",
                &self.shared.authorization.as_ref().map(|_| "[redacted]"),
            )
            .field("retry", &self.shared.retry)
            .field("validate", &self.shared.validate)
            .finish()
    }
}

impl ClientHooks<HookState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        prepare(&self.inner, request, info.operation_id)
            .map_err(|e| progenitor_client::Error::Custom(e.to_wire()))
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        send(&self.client, &self.inner, request, info.operation_id).await
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        if let Ok(response) = result {
            // Outside a `KnotClient::call*` scope there is nobody to tell.
            let _ = CALL.try_with(|ctx| ctx.record_status(response.status()));
        }
        Ok(())
    }
}

/// Adds the call's extra body fields, validates, and authenticates `request`.
pub(crate) fn prepare(
    state: &HookState,
    request: &mut reqwest::Request,
    operation_id: &str,
) -> Result<(), validation::ValidationError> {
    let _ = CALL.try_with(|ctx| {
        if !ctx.options.extra_body.is_empty() {
            merge_extra_body(request, &ctx.options.extra_body);
        }
        for (name, value) in &ctx.options.extra_headers {
            if let (Ok(name), Ok(value)) = (
                reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                request.headers_mut().append(name, value);
            }
        }
    });
    if state.shared.validate
        && let Some(body) = request.body().and_then(reqwest::Body::as_bytes)
    {
        validation::validate_body(operation_id, body)?;
    }
    if let Some(authorization) = &state.shared.authorization {
        request
            .headers_mut()
            .insert(AUTHORIZATION, authorization.clone());
    }
    Ok(())
}

fn merge_extra_body(request: &mut reqwest::Request, extra: &serde_json::Map<String, Value>) {
    let mut body = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .and_then(|b| serde_json::from_slice::<Value>(b).ok())
        .unwrap_or_else(|| Value::Object(Default::default()));
    let Value::Object(map) = &mut body else {
        return;
    };
    for (k, v) in extra {
        map.insert(k.clone(), v.clone());
    }
    let bytes = serde_json::to_vec(&body).expect("a JSON value serializes");
    request
        .headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    request.headers_mut().insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    *request.body_mut() = Some(bytes.into());
}

/// Sends with the client's retry policy (or the call's override).
pub(crate) async fn send(
    client: &reqwest::Client,
    state: &HookState,
    request: reqwest::Request,
    operation_id: &str,
) -> reqwest::Result<reqwest::Response> {
    let override_retries = CALL.try_with(|ctx| ctx.options.max_retries).ok().flatten();
    match override_retries {
        Some(n) => {
            let policy = state.shared.retry.clone().with_max_retries(n);
            retry::execute(client, request, &policy, operation_id).await
        }
        None => retry::execute(client, request, &state.shared.retry, operation_id).await,
    }
}
