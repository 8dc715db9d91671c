//! Per-call options, and how they reach the hooks of a generated operation.
//!
//! Generated builders cannot take extra arguments, so [`crate::KnotClient::call_with`]
//! runs the operation's future inside a task-local scope that the hooks read. Outside
//! such a scope the hooks use the client's defaults.

use std::sync::atomic::{AtomicU16, Ordering};

use reqwest::StatusCode;
use serde_json::{Map, Value};

/// Options for one call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestOptions {
    pub(crate) extra_body: Map<String, Value>,
    pub(crate) extra_headers: Vec<(String, String)>,
    pub(crate) max_retries: Option<u32>,
}

impl RequestOptions {
    /// No extras.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a body field the spec does not list (yet), e.g. Knot's `merchant_id`, or
    /// overrides one (e.g. an explicit `null`). Extra fields are validated too when the
    /// spec knows them.
    pub fn extra_body(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra_body.insert(name.into(), value.into());
        self
    }

    /// Adds a request header (e.g. `Prefer` for a mock, a tracing id). `Authorization`
    /// cannot be overridden this way.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    /// Retries for this call, instead of the client's policy.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }
}

/// What one call shares with the hooks.
#[derive(Debug, Default)]
pub(crate) struct CallContext {
    pub(crate) options: RequestOptions,
    status: AtomicU16,
}

impl CallContext {
    pub(crate) fn new(options: RequestOptions) -> Self {
        Self {
            options,
            status: AtomicU16::new(0),
        }
    }

    pub(crate) fn record_status(&self, status: StatusCode) {
        self.status.store(status.as_u16(), Ordering::Relaxed);
    }

    pub(crate) fn status(&self) -> Option<StatusCode> {
        StatusCode::from_u16(self.status.load(Ordering::Relaxed)).ok()
    }
}

tokio::task_local! {
    pub(crate) static CALL: CallContext;
}
