//! One call of a generated operation: its options, what the hooks learn during it, and
//! how its outcome becomes [`Error`].
//!
//! The generated builders (reshaped by knot-codegen's `calls` pass) hold a
//! `Cow<Client>`. [`Call::start`] gives the call a client of its own whose hook state
//! carries a [`CallState`]: the call's [`RequestOptions`], the last status seen, and a
//! typed error raised inside a hook. The hooks read and write that state through
//! `&self`, so nothing travels in a task-local (a spawned future keeps its options) and
//! no error crosses progenitor's error type as text: a hook that refuses a request
//! stores the typed error here and hands progenitor a placeholder that is never read.

use std::borrow::Cow;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};

use progenitor_client::ResponseValue;
use reqwest::StatusCode;

use super::error::{self, Error};
use super::hooks::HookState;
use super::options::RequestOptions;
use super::validation::ValidationError;
use crate::generated::Client;

/// What one call shares with the hooks.
#[derive(Debug, Default)]
pub(crate) struct CallState {
    pub(crate) options: RequestOptions,
    status: AtomicU16,
    /// The typed body was validated before it was serialized, so `pre` need not read
    /// the bytes again.
    body_validated: AtomicBool,
    /// A typed error a hook raised (the request was not sent).
    failure: Mutex<Option<Error>>,
}

impl CallState {
    pub(crate) fn new(options: RequestOptions) -> Self {
        Self {
            options,
            ..Self::default()
        }
    }

    pub(crate) fn record_status(&self, status: StatusCode) {
        self.status.store(status.as_u16(), Ordering::Relaxed);
    }

    pub(crate) fn mark_body_validated(&self) {
        self.body_validated.store(true, Ordering::Relaxed);
    }

    pub(crate) fn body_validated(&self) -> bool {
        self.body_validated.load(Ordering::Relaxed)
    }

    fn status(&self) -> Option<StatusCode> {
        StatusCode::from_u16(self.status.load(Ordering::Relaxed)).ok()
    }

    pub(crate) fn fail(&self, error: Error) {
        if let Ok(mut slot) = self.failure.lock() {
            slot.get_or_insert(error);
        }
    }

    fn take_failure(&self) -> Option<Error> {
        self.failure.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// Gives the builder's call its own client carrying `options`.
pub(crate) fn set_options(client: &mut Cow<'_, Client>, options: RequestOptions) {
    let inner = client.inner.for_call(options);
    client.to_mut().inner = inner;
}

/// A started call.
pub(crate) struct Call {
    state: HookState,
}

impl Call {
    /// Gives the call its own state (default options unless `.options(..)` was given)
    /// and refuses invalid options before anything is sent.
    pub(crate) fn start(client: &mut Cow<'_, Client>) -> Result<Call, Error> {
        // A fresh state for every call: a cloned builder sent twice must not share one
        // call's status or refusal with the other. The state `.options(..)` made is
        // reused when nothing else holds it (no clone of the builder exists); otherwise
        // the call gets a copy of its options.
        let unshared = match client {
            Cow::Owned(owned) => owned.inner.call_is_unshared(),
            Cow::Borrowed(_) => false,
        };
        if unshared {
            if let Some(call) = client.inner.call() {
                call.options.check()?;
            }
        } else {
            let options = client
                .inner
                .call()
                .map(|call| call.options.clone())
                .unwrap_or_default();
            options.check()?;
            set_options(client, options);
        }
        Ok(Call {
            state: client.inner.clone(),
        })
    }

    /// The call's outcome as [`Error`]: a hook's typed error first, else progenitor's
    /// error classified (an unexpected response's body is read, within the limits).
    pub(crate) async fn finish<T, E: serde::Serialize>(
        self,
        result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Result<ResponseValue<T>, Error> {
        match result {
            Ok(value) => Ok(value),
            Err(e) => {
                let call = self.state.call();
                if let Some(failure) = call.and_then(CallState::take_failure) {
                    return Err(failure);
                }
                let status = call.and_then(CallState::status);
                // Boxed: reading an error body is a large future that only errors need;
                // inline, it would enlarge (and be copied with) every call's future.
                Err(Box::pin(error::from_progenitor(e, status, self.state.redactions())).await)
            }
        }
    }
}

/// progenitor's `ResponseValue::from_response` (the generated operations call this in
/// its place, see knot-codegen's `calls` pass): the same status, headers, body and
/// errors, with the headers moved out of the consumed response instead of copied.
pub(crate) async fn from_response<T: serde::de::DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response
        .bytes()
        .await
        .map_err(progenitor_client::Error::ResponseBodyError)?;
    let inner = serde_json::from_slice(&body)
        .map_err(|e| progenitor_client::Error::InvalidResponsePayload(body, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

/// A typed body's field without a usable value (`missing`: a required field never set).
/// Used by the generated operations of specs whose bodies are typed.
#[allow(dead_code)]
pub(crate) fn invalid_field(field: &str, missing: bool) -> Error {
    Error::Validation(ValidationError::unusable_field(field, missing))
}

/// A parameter (or an untyped body) without a usable value. Used by the generated
/// operations of specs whose operations have parameters.
#[allow(dead_code)]
pub(crate) fn invalid_part(part: &str) -> Error {
    Error::Validation(ValidationError::unusable_part(part))
}
