//! One call of an operation, as the generated builders make it: the options checked, the
//! typed body validated, the generated client to call (the shared one, or one carrying
//! this call's options), and progenitor's result turned into [`crate::Result`].

use std::borrow::Cow;

use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::StatusCode;

use super::client::KnotClient;
use super::error::{self, ConfigError, Error};
use super::fields::Fields;
use super::options::RequestOptions;
use super::validation::{self, ValidationError};
use crate::generated::Client;

/// A call in progress.
pub(crate) struct Call<'a> {
    operation: &'static str,
    client: Cow<'a, Client>,
}

impl<'a> Call<'a> {
    /// Starts a call of `operation`: invalid options are refused here, before anything is
    /// built or sent.
    pub(crate) fn new(
        knot: &'a KnotClient,
        operation: &'static str,
        options: Option<RequestOptions>,
    ) -> Result<Self, Error> {
        let client = match options {
            None => Cow::Borrowed(&knot.api),
            Some(options) => {
                options.check()?;
                if let Some(name) = options.extra_body.keys().find(|name| {
                    crate::contract::operation(operation)
                        .is_some_and(|op| op.body_fields.iter().any(|f| f.name == name.as_str()))
                }) {
                    return Err(ConfigError::new(format!(
                        "extra_body `{name}` is a field of the request body; set it with the body's builder"
                    ))
                    .into());
                }
                let api = &knot.api;
                let inner = api.inner().for_call(options);
                Cow::Owned(Client::new_with_client(api.baseurl(), api.client().clone(), inner))
            }
        };
        Ok(Self { operation, client })
    }

    /// Validates a typed body with the operation's rules (unless the client turned
    /// validation off).
    pub(crate) fn validate(&self, body: &dyn Fields) -> Result<(), Error> {
        if self.client.inner().validates() {
            validation::validate(self.operation, body)?;
        }
        Ok(())
    }

    /// The generated client to call.
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// progenitor's result as this crate's: an answer other than the documented success
    /// is read (within the limit) and classified, nothing is lost.
    pub(crate) async fn finish<T>(
        self,
        result: Result<ResponseValue<T>, progenitor_client::Error<()>>,
    ) -> Result<ResponseValue<T>, Error> {
        match result {
            Ok(value) => Ok(value),
            Err(e) => {
                let success = crate::contract::operation(self.operation)
                    .and_then(|op| StatusCode::from_u16(op.success_status).ok())
                    .unwrap_or(StatusCode::OK);
                let state = self.client.inner();
                Err(error::from_progenitor(e, success, state.limits(), state.redactions()).await)
            }
        }
    }
}

/// A required parameter or body, or Knot's "required" message naming it.
pub(crate) fn required<T>(value: Option<T>, name: &str) -> Result<T, ValidationError> {
    value.ok_or_else(|| ValidationError::required(name))
}

/// A required field of a body being built (see [`required`]).
pub(crate) fn required_field<T>(value: Option<T>, name: &str) -> Result<T, ValidationError> {
    required(value, name)
}
