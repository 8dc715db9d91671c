//! The hooks progenitor calls around every generated operation: auth, extra body
//! fields, validation (`pre`), retry within the call's deadline and the response guard
//! (`exec`), and status capture (`post`).
//!
//! Per-call options and outcomes live in the call's own [`HookState`] (see
//! [`super::call`]); a refusal in `pre` is stored there as a typed error.
//!
//! A typed body is validated before it is serialized ([`validate_typed`], called by
//! the generated operations), so `pre` reads the bytes only of other bodies and of
//! bodies with extra fields merged in.
//!
//! They run on every request, so they are kept cheap: the `Authorization` value is
//! built once per client and cloned (a reference-count bump); a request is cloned only
//! when another attempt may follow; the body is parsed only for operations whose spec
//! describes body fields and whose body was not validated typed.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use super::call::CallState;
use super::error::{ConfigError, Error};
use super::options::RequestOptions;
use super::printable::Redactions;
use super::response_guard::BodyLimits;
use super::retry::{self, RetryPolicy};
use super::validation;
use crate::generated::Client;

/// The state the hooks read: the client's (shared by every call) and, during a call,
/// that call's. The `inner` value of the generated [`Client`].
#[derive(Clone)]
pub(crate) struct HookState {
    shared: Arc<Shared>,
    call: Option<Arc<CallState>>,
}

/// What every call of one client shares.
pub(crate) struct Shared {
    pub(crate) authorization: Option<HeaderValue>,
    pub(crate) retry: RetryPolicy,
    pub(crate) validate: bool,
    pub(crate) limits: BodyLimits,
    /// Per-attempt timeout, when this crate built the HTTP client.
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) total_timeout: Duration,
    /// The client's secrets, kept out of every error it prints.
    pub(crate) redactions: Redactions,
    /// The base URL, parsed once: answers from another origin are refused.
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
            call: Some(Arc::new(CallState::new(options))),
        }
    }

    pub(crate) fn call(&self) -> Option<&CallState> {
        self.call.as_deref()
    }

    /// Whether this state has a call state that nothing else holds (not yet used by a
    /// call, not shared with a cloned builder).
    pub(crate) fn call_is_unshared(&mut self) -> bool {
        self.call
            .as_mut()
            .is_some_and(|call| Arc::get_mut(call).is_some())
    }

    pub(crate) fn redactions(&self) -> &Redactions {
        &self.shared.redactions
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
        prepare(&self.inner, request, info.operation_id).map_err(|refusal| {
            // The typed error goes to the call; progenitor carries only a placeholder.
            if let Some(call) = self.inner.call() {
                call.fail(refusal);
            }
            progenitor_client::Error::Custom(REFUSED.to_owned())
        })
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
        if let (Ok(response), Some(call)) = (result, self.inner.call()) {
            call.record_status(response.status());
        }
        Ok(())
    }
}

/// What progenitor's error says when `pre` refused a request; the typed error is in the
/// call's state.
const REFUSED: &str = "the request was refused before sending";

/// Validates a typed body as it is, before the request is built from it. A refusal is
/// stored in the call's state, as `pre` stores its own. A call with extra body fields is
/// left to `pre`, which validates the merged bytes.
// The error is progenitor's, the type every step of a generated operation returns.
#[allow(clippy::result_large_err)]
pub(crate) fn validate_typed<B: Serialize, E>(
    state: &HookState,
    operation_id: &str,
    body: &B,
) -> Result<(), progenitor_client::Error<E>> {
    let Some(call) = state.call() else {
        return Ok(());
    };
    if !state.shared.validate || !call.options.extra_body.is_empty() {
        return Ok(());
    }
    match validation::validate_typed(operation_id, body) {
        Ok(()) => {
            call.mark_body_validated();
            Ok(())
        }
        Err(refusal) => {
            call.fail(Error::from(refusal));
            Err(progenitor_client::Error::Custom(REFUSED.to_owned()))
        }
    }
}

/// Adds the call's extra body fields, validates, and authenticates `request`.
pub(crate) fn prepare(
    state: &HookState,
    request: &mut reqwest::Request,
    operation_id: &str,
) -> Result<(), Error> {
    if let Some(call) = state.call() {
        let options = &call.options;
        if !options.extra_body.is_empty() {
            merge_extra_body(request, &options.extra_body)?;
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
    if state.shared.validate
        && !state.call().is_some_and(CallState::body_validated)
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

/// Merges the call's extra fields into a JSON object body. Any other body (none, not
/// JSON, not an object, a stream) is refused: the extras would replace or drop data.
fn merge_extra_body(
    request: &mut reqwest::Request,
    extra: &serde_json::Map<String, Value>,
) -> Result<(), Error> {
    let refuse = |what: &str| {
        Err(Error::Config(ConfigError::new(format!(
            "RequestOptions::extra_body needs a JSON object body, and this request has {what}"
        ))))
    };
    let Some(bytes) = request.body().map(reqwest::Body::as_bytes) else {
        return refuse("no body");
    };
    let Some(bytes) = bytes else {
        return refuse("a streamed body");
    };
    let mut map = match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return refuse("a JSON body that is not an object"),
        Err(_) => return refuse("a body that is not JSON"),
    };
    for (k, v) in extra {
        map.insert(k.clone(), v.clone());
    }
    let bytes = serde_json::to_vec(&map).expect("a JSON map serializes");
    request
        .headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    request.headers_mut().insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    *request.body_mut() = Some(bytes.into());
    Ok(())
}

/// Sends with the client's retry policy (or the call's override) within the call's
/// deadline, and reads the final response through the response guard.
pub(crate) async fn send(
    client: &reqwest::Client,
    state: &HookState,
    request: reqwest::Request,
    operation_id: &str,
) -> reqwest::Result<reqwest::Response> {
    let shared = &state.shared;
    let (retries, total) = state.call().map_or((None, None), |call| {
        (call.options.max_retries, call.options.total_timeout)
    });
    let plan = retry::Plan {
        policy: &shared.retry,
        max_retries: retries.unwrap_or_else(|| shared.retry.max_retries_for(operation_id)),
        limits: shared.limits,
        attempt_timeout: shared.attempt_timeout,
        deadline: Instant::now().checked_add(total.unwrap_or(shared.total_timeout)),
        redactions: &shared.redactions,
        operation_id,
        origin: &shared.origin,
    };
    retry::execute(client, request, &plan).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: Option<reqwest::Body>) -> reqwest::Request {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            "http://127.0.0.1:9/x".parse().unwrap(),
        );
        *request.body_mut() = body;
        request
    }

    fn state(validate: bool) -> HookState {
        HookState::new(Shared {
            authorization: None,
            retry: RetryPolicy::none(),
            validate,
            limits: BodyLimits::default(),
            attempt_timeout: None,
            total_timeout: Duration::from_secs(1),
            redactions: Redactions::default(),
            origin: "http://127.0.0.1:9".parse().unwrap(),
        })
        .for_call(RequestOptions::new())
    }

    /// `pre` reads a body's bytes only when the typed body was not validated: a body
    /// marked validated passes `prepare` whatever its bytes, an unmarked one is checked.
    #[test]
    fn pre_skips_the_byte_parse_only_after_typed_validation() {
        let invalid = || {
            request(Some(
                br#"{"type":"card_switcher","external_user_id":"u"}"#.to_vec().into(),
            ))
        };
        let unmarked = state(true);
        let error = prepare(&unmarked, &mut invalid(), "session_create").unwrap_err();
        assert!(matches!(error, Error::Validation(_)), "{error:?}");
        let marked = state(true);
        marked.call().unwrap().mark_body_validated();
        assert!(prepare(&marked, &mut invalid(), "session_create").is_ok());
        // The typed step marks only what it accepted.
        let typed = state(true);
        let body = serde_json::json!({ "type": "card_switcher", "external_user_id": "u" });
        assert!(validate_typed::<_, ()>(&typed, "session_create", &body).is_err());
        assert!(!typed.call().unwrap().body_validated());
        let body = serde_json::json!({ "type": "link", "external_user_id": "u" });
        assert!(validate_typed::<_, ()>(&typed, "session_create", &body).is_ok());
        assert!(typed.call().unwrap().body_validated());
        // Validation off: nothing is checked, nothing marked.
        let off = state(false);
        assert!(prepare(&off, &mut invalid(), "session_create").is_ok());
    }

    fn extra() -> serde_json::Map<String, Value> {
        serde_json::json!({ "merchant_id": 45 })
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn extra_body_merges_into_a_json_object() {
        let mut object = request(Some(br#"{"a":1}"#.to_vec().into()));
        merge_extra_body(&mut object, &extra()).unwrap();
        let sent: Value =
            serde_json::from_slice(object.body().unwrap().as_bytes().unwrap()).unwrap();
        assert_eq!(sent, serde_json::json!({ "a": 1, "merchant_id": 45 }));
        let expected = r#"{"a":1,"merchant_id":45}"#.len().to_string();
        assert_eq!(object.headers()[CONTENT_LENGTH], expected.as_str());
    }

    #[test]
    fn extra_body_refuses_any_other_body_and_keeps_it() {
        // A body with no bytes to read up front, as a stream or an upload has.
        let stream =
            reqwest::Body::wrap(http_body_util::Full::new(bytes::Bytes::from_static(b"{}")));
        for (mut candidate, what) in [
            (request(None), "no body"),
            (request(Some(b"[1,2]".to_vec().into())), "not an object"),
            (request(Some(b"--boundary\r\n".to_vec().into())), "not JSON"),
            (request(Some(stream)), "a streamed body"),
        ] {
            let before = candidate
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(<[u8]>::to_vec);
            let error = merge_extra_body(&mut candidate, &extra()).unwrap_err();
            assert!(matches!(error, Error::Config(_)), "{what}: {error:?}");
            assert!(error.to_string().contains("extra_body"), "{what}: {error}");
            let after = candidate
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(<[u8]>::to_vec);
            assert_eq!(before, after, "{what}: the body is left as it was");
        }
    }
}
