//! Webhooks from the mock: signed like Knot's and POSTed to a URL you give, so your own
//! handler can be tested end to end.

use std::fmt;

use serde_json::Value;

use super::MockKnot;
use crate::webhooks::{WebhookError, WebhookVerifier};

/// Why [`MockKnot::deliver_webhook`] could not deliver.
#[derive(Debug)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The event cannot be signed (not an object, no string `event`, ...).
    Webhook(WebhookError),
    /// The request failed (connection refused, timeout, ...).
    Http(reqwest::Error),
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Webhook(e) => write!(f, "cannot sign the webhook: {e}"),
            Self::Http(e) => write!(f, "cannot deliver the webhook: {e}"),
        }
    }
}

impl std::error::Error for DeliveryError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Webhook(e) => Some(e),
            Self::Http(e) => Some(e),
        }
    }
}

impl MockKnot {
    /// A verifier for the webhooks this mock sends (its secret, as its clients'
    /// [`WebhookVerifier::from_client`] would take it).
    pub fn webhook_verifier(&self) -> WebhookVerifier {
        WebhookVerifier::new(&self.secret).expect("a mock's secret is not blank")
    }

    /// Signs `event` (a JSON object with an `event` field, e.g.
    /// `json!({"event": "AUTHENTICATED", "session_id": "..."})`) with this mock's secret
    /// and POSTs it to `url` with the headers Knot sends. Returns your handler's status.
    pub async fn deliver_webhook(
        &self,
        url: &str,
        event: &Value,
    ) -> Result<reqwest::StatusCode, DeliveryError> {
        let body = serde_json::to_vec(event).expect("a JSON value serializes");
        self.deliver_webhook_bytes(url, body).await
    }

    /// As [`deliver_webhook`](Self::deliver_webhook), with the body bytes exactly as sent.
    pub async fn deliver_webhook_bytes(
        &self,
        url: &str,
        body: Vec<u8>,
    ) -> Result<reqwest::StatusCode, DeliveryError> {
        let mut headers = self
            .webhook_verifier()
            .sign(&body)
            .map_err(DeliveryError::Webhook)?;
        // reqwest writes Content-Length from the body itself.
        headers.remove(http::header::CONTENT_LENGTH);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(DeliveryError::Http)?;
        let response = client
            .post(url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(DeliveryError::Http)?;
        Ok(response.status())
    }
}
