//! One call of an operation, as the generated builders make it: the options checked, the
//! typed body validated, the generated client to call (the shared one, or one carrying
//! this call's options), and progenitor's result turned into [`crate::Result`].

use std::borrow::Cow;

use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::StatusCode;
use serde::Serialize;
use serde_json::Value;

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
            // No options, or none set: the client's own state serves.
            None => Cow::Borrowed(&knot.api),
            Some(options) if options == RequestOptions::default() => Cow::Borrowed(&knot.api),
            Some(options) => {
                options.check()?;
                let api = &knot.api;
                let inner = api.inner().for_call(options);
                Cow::Owned(Client::new_with_client(
                    api.baseurl(),
                    api.client().clone(),
                    inner,
                ))
            }
        };
        Ok(Self { operation, client })
    }

    /// Validates a typed body with the operation's rules (unless the client turned
    /// validation off). When this call's extra body fields override fields of the spec,
    /// the JSON that will be sent is what is judged, by the same rules.
    pub(crate) fn validate<B: Fields + Serialize>(&self, body: &B) -> Result<(), Error> {
        let state = self.client.inner();
        if !state.validates() {
            return Ok(());
        }
        let overrides = state.extra_body().filter(|extra| {
            crate::contract::operation(self.operation)
                .is_some_and(|op| op.body_fields.iter().any(|f| extra.contains_key(f.name)))
        });
        match overrides {
            None => validation::validate(self.operation, body)?,
            Some(extra) => {
                let Ok(Value::Object(mut sent)) = serde_json::to_value(body) else {
                    return Err(ConfigError::new(
                        "RequestOptions::extra_body needs a JSON object body",
                    )
                    .into());
                };
                sent.extend(extra.clone());
                validation::validate(self.operation, &sent)?;
            }
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
