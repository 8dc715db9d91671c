//! Response bodies are read within a limit, one for success bodies and a smaller one for
//! error bodies, so an endless or oversized body ends the call with
//! [`Error::BodyTooLarge`](crate::Error::BodyTooLarge) instead of growing memory.
//!
//! A success body, which progenitor decodes, is wrapped in http-body-util's `Limited`
//! (the maintained crate of hyper's own stack), so reading it fails past the limit; a
//! body whose exact length the HTTP layer knows (hyper ends a `Content-Length` body
//! there) and that fits is left as it is. Any other answer is read here, by [`read`],
//! keeping what came up to the limit.

use bytes::{Bytes, BytesMut};
use http_body_util::{LengthLimitError, Limited};
use reqwest::{Response, ResponseBuilderExt as _, StatusCode};

/// Default limit for a success body: 4 MiB (a session answer is under 100 bytes).
pub const DEFAULT_MAX_BODY_SIZE: usize = 4 * 1024 * 1024;
/// Default limit for an error body: 64 KiB (Knot's are under 300 bytes).
pub const DEFAULT_MAX_ERROR_BODY_SIZE: usize = 64 * 1024;

/// The body limits of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyLimits {
    pub(crate) success: usize,
    pub(crate) error: usize,
}

impl Default for BodyLimits {
    fn default() -> Self {
        Self {
            success: DEFAULT_MAX_BODY_SIZE,
            error: DEFAULT_MAX_ERROR_BODY_SIZE,
        }
    }
}

impl BodyLimits {
    /// The limit for an answer of this status.
    pub(crate) fn for_status(&self, status: StatusCode) -> usize {
        if status.is_success() {
            self.success
        } else {
            self.error
        }
    }

    /// `response` with its body limited when it is a success, which progenitor decodes
    /// (see the module docs); any other answer is read by [`read`].
    pub(crate) fn apply(&self, response: Response) -> Response {
        let limit = self.success;
        let fits = response.content_length().is_some_and(|n| n <= limit as u64);
        if !response.status().is_success() || fits {
            return response;
        }
        let url = response.url().clone();
        let (mut parts, body) = http::Response::from(response).into_parts();
        // reqwest keeps the final URL in the response's extensions.
        let marker = http::Response::builder().url(url).body(());
        if let Ok(marker) = marker {
            parts.extensions.extend(marker.into_parts().0.extensions);
        }
        let body = reqwest::Body::wrap(Limited::new(body, limit));
        Response::from(http::Response::from_parts(parts, body))
    }
}

/// Whether reading a body failed because it passed its limit.
pub(crate) fn exceeded(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// How reading an answer's body ended.
pub(crate) enum Read {
    /// The whole body.
    Whole(Bytes),
    /// Past the limit: what was read up to it.
    TooLarge(Bytes),
    /// The connection failed.
    Failed(reqwest::Error),
}

/// Reads an answer progenitor left unread (one other than the documented success),
/// within `limit`. A declared length over the limit is refused before reading.
pub(crate) async fn read(mut response: Response, limit: usize) -> Read {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Read::TooLarge(Bytes::new());
    }
    let mut body = BytesMut::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() > limit => {
                body.extend_from_slice(&chunk[..limit - body.len()]);
                return Read::TooLarge(body.freeze());
            }
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => return Read::Whole(body.freeze()),
            Err(e) if exceeded(&e) => return Read::TooLarge(body.freeze()),
            Err(e) => return Read::Failed(e),
        }
    }
}
