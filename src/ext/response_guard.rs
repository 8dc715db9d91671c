//! What a response must satisfy before anything reads it: bounded, and from the
//! configured origin.
//!
//! Every byte from the network is treated as hostile. An attempt's response passes
//! through `accept`, which
//!
//! - refuses a 3xx (redirects are never followed: a 307/308 would re-send the body, a
//!   301/302/303 would turn a session request into a GET elsewhere), and a response whose
//!   final URL has another origin than the request (only possible with a caller-supplied
//!   `reqwest::Client` that follows redirects);
//! - reads the body up to a limit (one for success bodies, a smaller one for error
//!   bodies), so an endless or oversized body ends the attempt instead of growing memory;
//!   a `Content-Length` above the limit is refused before reading.
//!
//! A JSON body whose exact length the HTTP layer itself knows (hyper's decoder for a
//! `Content-Length` body, not the header: a chunked body with a small `Content-Length`
//! header has no exact length) and that fits the limit is passed on unread: HTTP/1 ends
//! the body at that length, h2 treats more as a protocol error, and the attempt's timeout
//! still covers reading it, which happens at once (JSON is decoded as soon as it is
//! returned). Other bodies (a stream the caller reads later, unknown lengths, HTTP/3,
//! which does not enforce the length) are read here, chunk by chunk. This keeps the
//! usual small answer from being read twice and its response rebuilt (issue 13's
//! per-request overhead).
//!
//! The hooks can only hand progenitor a `reqwest::Response`, so a refusal travels as a
//! response whose body fails with a `Refusal`; `refusal_in` finds it again in the
//! `reqwest::Error` that reading such a body produces. No text is parsed on the way.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use reqwest::header::{CONTENT_LENGTH, LOCATION};
use reqwest::{Response, ResponseBuilderExt as _, StatusCode};

use super::error::{BodyTooLargeError, Error, RedirectError};
use super::printable::Redactions;

/// Default limit for a success body: 4 MiB (a session answer is under 100 bytes).
pub const DEFAULT_MAX_BODY_SIZE: usize = 4 * 1024 * 1024;
/// Default limit for an error body: 64 KiB (Knot's are under 300 bytes).
pub const DEFAULT_MAX_ERROR_BODY_SIZE: usize = 64 * 1024;

/// The most a declared `Content-Length` can make us allocate before bytes arrive.
const FIRST_BUFFER: usize = 64 * 1024;

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

/// Why a response was not used.
#[derive(Debug, Clone)]
pub(crate) enum Refusal {
    Redirect(RedirectError),
    TooLarge(BodyTooLargeError),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Redirect(e) => e.fmt(f),
            Refusal::TooLarge(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Refusal {}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Redirect(e) => Error::Redirect(e),
            Refusal::TooLarge(e) => Error::BodyTooLarge(e),
        }
    }
}

/// The [`Refusal`] carried by a `reqwest` error's source chain, if any.
pub(crate) fn refusal_in(error: &reqwest::Error) -> Option<Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(refusal) = e.downcast_ref::<Refusal>() {
            return Some(refusal.clone().into());
        }
        current = e.source();
    }
    None
}

/// Checks `response` and reads its body within `limits`. The result is a response whose
/// body is in memory, or one whose body fails with a [`Refusal`]. A transport failure
/// while reading (a timeout, a reset) is returned as the `reqwest` error it is.
pub(crate) async fn accept(
    response: Response,
    origin: &reqwest::Url,
    limits: BodyLimits,
    redactions: &Redactions,
) -> reqwest::Result<Response> {
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get(LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let refusal = Refusal::Redirect(RedirectError::new(status, location, redactions));
        return Ok(refused(status, refusal));
    }
    if !same_origin(response.url(), origin) {
        let url = response.url().to_string();
        let refusal = Refusal::Redirect(RedirectError::new(status, Some(url), redactions));
        return Ok(refused(status, refusal));
    }
    let limit = if status.is_success() {
        limits.success
    } else {
        limits.error
    };
    // The length the HTTP layer enforces, when it knows one (see the module docs).
    if passes_unread(&response, limit) {
        return Ok(response);
    }
    let declared = response
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let refusal = Refusal::TooLarge(BodyTooLargeError::new(status, limit, Bytes::new()));
        return Ok(refused(status, refusal));
    }
    // A declared length sizes the first buffer only up to a small amount: a server can
    // declare gigabytes and send one byte, and the limit may be set generously.
    let capacity = declared
        .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX))
        .min(limit)
        .min(FIRST_BUFFER);
    let mut response = response;
    let mut body = Gathered::Empty;
    while let Some(chunk) = response.chunk().await? {
        if let Err(partial) = body.push(chunk, limit, capacity) {
            let refusal = Refusal::TooLarge(BodyTooLargeError::new(status, limit, partial));
            return Ok(refused(status, refusal));
        }
    }
    // The head moves into the rebuilt response (nothing cloned); the URL is kept, so the
    // answer still says where it came from.
    let mut rebuilt = http::Response::builder()
        .url(response.url().clone())
        .body(reqwest::Body::from(body.into_bytes()))
        .expect("a builder given only a URL and a body cannot fail");
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    Ok(Response::from(rebuilt))
}

/// Whether `response`'s body can be handed on unread: a JSON body (decoded at once, so
/// its reading stays inside the attempt, unlike a stream the caller reads later) whose
/// exact length the HTTP/1 or HTTP/2 layer knows and enforces, within `limit`. HTTP/3
/// bodies report the declared length without enforcing it, so they are read here.
fn passes_unread(response: &Response, limit: usize) -> bool {
    let enforced = matches!(
        response.version(),
        http::Version::HTTP_10 | http::Version::HTTP_11 | http::Version::HTTP_2
    );
    let json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|media| {
            let media = media.trim();
            media.eq_ignore_ascii_case("application/json")
                || media
                    .get(media.len().saturating_sub(5)..)
                    .is_some_and(|end| end.eq_ignore_ascii_case("+json"))
        })
        .unwrap_or(false);
    enforced && json && response.content_length().is_some_and(|n| n <= limit as u64)
}

/// Whether two URLs have the same origin (scheme, host, port), as `Url::origin` says,
/// without its allocations for the usual `http`/`https` URLs.
fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    match (a.scheme(), b.scheme()) {
        ("http", "http") | ("https", "https") => {
            a.host() == b.host() && a.port_or_known_default() == b.port_or_known_default()
        }
        _ => a.origin() == b.origin(),
    }
}

/// A body being read within its limit. A body that arrives in one chunk (the usual
/// small answer) is kept as that chunk, not copied.
enum Gathered {
    Empty,
    One(Bytes),
    Many(Vec<u8>),
}

impl Gathered {
    /// Adds `chunk`; past `limit`, the part that fits comes back as the error.
    fn push(&mut self, chunk: Bytes, limit: usize, capacity: usize) -> Result<(), Bytes> {
        if chunk.is_empty() {
            return Ok(());
        }
        let held = match self {
            Gathered::Empty => 0,
            Gathered::One(b) => b.len(),
            Gathered::Many(v) => v.len(),
        };
        let room = limit - held;
        if chunk.len() > room {
            let mut partial = match std::mem::replace(self, Gathered::Empty) {
                Gathered::Empty => Vec::new(),
                Gathered::One(b) => Vec::from(b),
                Gathered::Many(v) => v,
            };
            grow_within(&mut partial, room, limit);
            partial.extend_from_slice(&chunk[..room]);
            return Err(Bytes::from(partial));
        }
        match self {
            Gathered::Empty => *self = Gathered::One(chunk),
            Gathered::One(first) => {
                let mut body = Vec::with_capacity(capacity.max(first.len()));
                grow_within(&mut body, first.len() + chunk.len(), limit);
                body.extend_from_slice(first);
                body.extend_from_slice(&chunk);
                *self = Gathered::Many(body);
            }
            Gathered::Many(body) => {
                grow_within(body, chunk.len(), limit);
                body.extend_from_slice(&chunk);
            }
        }
        Ok(())
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Gathered::Empty => Bytes::new(),
            Gathered::One(b) => b,
            Gathered::Many(v) => Bytes::from(v),
        }
    }
}

/// Makes room for `more` bytes, doubling as usual but never past `limit`, so the buffer
/// peaks at 1.5 × `limit` during its last reallocation instead of 3 ×.
fn grow_within(body: &mut Vec<u8>, more: usize, limit: usize) {
    let needed = body.len() + more;
    if needed > body.capacity() {
        let target = needed.max(body.capacity().saturating_mul(2)).min(limit);
        body.reserve_exact(target - body.len());
    }
}

/// A response with `status` whose body fails with `refusal` when read.
fn refused(status: StatusCode, refusal: Refusal) -> Response {
    let mut response = http::Response::new(reqwest::Body::wrap(RefusedBody(Some(refusal))));
    *response.status_mut() = status;
    Response::from(response)
}

/// A body that yields one error: the refusal.
struct RefusedBody(Option<Refusal>);

impl Body for RefusedBody {
    type Data = Bytes;
    type Error = Refusal;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Refusal>>> {
        Poll::Ready(self.0.take().map(Err))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_origin_agrees_with_url_origin() {
        let urls = [
            "http://127.0.0.1:8080/a",
            "http://127.0.0.1:8080/b?x=1",
            "http://127.0.0.1/a",
            "http://127.0.0.1:80/a",
            "https://127.0.0.1:443/a",
            "https://127.0.0.1/a",
            "http://localhost:8080/a",
            "https://development.knotapi.com/session/create",
            "https://DEVELOPMENT.knotapi.com./session/create",
            "https://user:pw@development.knotapi.com/x",
            "https://production.knotapi.com/session/create",
            "http://[::1]:8080/a",
            "file:///etc/passwd",
            "data:text/plain,hi",
        ];
        for a in urls {
            for b in urls {
                let (a, b) = (
                    reqwest::Url::parse(a).unwrap(),
                    reqwest::Url::parse(b).unwrap(),
                );
                assert_eq!(same_origin(&a, &b), a.origin() == b.origin(), "{a} vs {b}");
            }
        }
    }

    fn gather(chunks: &[&'static [u8]], limit: usize) -> Result<Bytes, Bytes> {
        let mut body = Gathered::Empty;
        for chunk in chunks {
            body.push(Bytes::from_static(chunk), limit, 0)?;
        }
        Ok(body.into_bytes())
    }

    #[test]
    fn bodies_are_gathered_within_the_limit() {
        assert_eq!(gather(&[], 4), Ok(Bytes::new()));
        assert_eq!(gather(&[b"", b"ab", b""], 4), Ok(Bytes::from_static(b"ab")));
        assert_eq!(gather(&[b"ab", b"cd"], 4), Ok(Bytes::from_static(b"abcd")));
        assert_eq!(
            gather(&[b"a", b"b", b"c"], 4),
            Ok(Bytes::from_static(b"abc"))
        );
        // Past the limit: what fits comes back, nothing more.
        assert_eq!(gather(&[b"abcde"], 4), Err(Bytes::from_static(b"abcd")));
        assert_eq!(
            gather(&[b"ab", b"cde"], 4),
            Err(Bytes::from_static(b"abcd"))
        );
        assert_eq!(
            gather(&[b"a", b"b", b"cde"], 4),
            Err(Bytes::from_static(b"abcd"))
        );
        assert_eq!(
            gather(&[b"abcd", b"e"], 4),
            Err(Bytes::from_static(b"abcd"))
        );
    }

    #[test]
    fn only_json_of_an_enforced_length_within_the_limit_passes_unread() {
        let response = |content_type: Option<&str>, version: http::Version, body: &'static str| {
            let mut builder = http::Response::builder().status(200).version(version);
            if let Some(content_type) = content_type {
                builder = builder.header("content-type", content_type);
            }
            Response::from(builder.body(reqwest::Body::from(body)).unwrap())
        };
        let v11 = http::Version::HTTP_11;
        let json = Some("application/json; charset=utf-8");
        assert!(passes_unread(&response(json, v11, "{}"), 2));
        assert!(passes_unread(
            &response(
                Some("application/problem+json"),
                http::Version::HTTP_2,
                "{}"
            ),
            2
        ));
        // Over the limit, a stream the caller reads later, no type, HTTP/3.
        assert!(!passes_unread(&response(json, v11, "{}"), 1));
        assert!(!passes_unread(
            &response(Some("application/x-ndjson"), v11, "{}"),
            2
        ));
        assert!(!passes_unread(
            &response(Some("application/octet-stream"), v11, "{}"),
            2
        ));
        assert!(!passes_unread(&response(None, v11, "{}"), 2));
        assert!(!passes_unread(
            &response(json, http::Version::HTTP_3, "{}"),
            2
        ));
        // A body of unknown length (a stream) never passes.
        struct Unknown;
        impl Body for Unknown {
            type Data = Bytes;
            type Error = std::io::Error;
            fn poll_frame(
                self: Pin<&mut Self>,
                _: &mut Context<'_>,
            ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
                Poll::Ready(None)
            }
        }
        let stream = reqwest::Body::wrap(Unknown);
        let unknown = http::Response::builder()
            .header("content-type", "application/json")
            .body(stream)
            .unwrap();
        assert!(!passes_unread(&Response::from(unknown), 2));
    }

    #[tokio::test]
    async fn an_accepted_response_keeps_its_head_and_url() {
        let url = reqwest::Url::parse("http://127.0.0.1:9/session/create").unwrap();
        let response = http::Response::builder()
            .status(201)
            .header("x-request-id", "r-1")
            .url(url.clone())
            .body(reqwest::Body::from(r#"{"session":"s"}"#))
            .unwrap();
        let accepted = accept(
            Response::from(response),
            &url,
            BodyLimits::default(),
            &Redactions::default(),
        )
        .await
        .unwrap();
        assert_eq!(accepted.status(), StatusCode::CREATED);
        assert_eq!(accepted.url(), &url);
        assert_eq!(accepted.headers()["x-request-id"], "r-1");
        assert_eq!(accepted.bytes().await.unwrap(), r#"{"session":"s"}"#);
    }
}
