//! Retrying failed attempts: which failures, how often, how long to wait.
//!
//! Retried: HTTP 500 (and the gateway statuses 502, 503, 504), and connection failures
//! before any response. Never retried: any 4xx, timeouts after the request was sent
//! (Knot may have created the session; a retry would make a second one), and anything
//! once the policy's retries are spent. The last response or error is returned as it
//! came, so the caller sees the last body.
//!
//! Every attempt is a `DEBUG` event on target `knot_api::http` (operation, attempt,
//! status) and every retry a `WARN` event on `knot_api::retry` (attempt, delay,
//! cause); neither carries headers or bodies.
//!
//! Delays follow the Stainless SDK convention: `min(base × 2^n, cap)` minus up to 25 %
//! jitter, unless the server sent `Retry-After` (seconds or any of the three HTTP date
//! forms) or `retry-after-ms`, which is honoured between [`MIN_SERVER_DELAY`] (so
//! `Retry-After: 0` cannot make a hot loop) and the policy's cap
//! ([`RetryPolicy::with_max_retry_after`]). Header values of any size, sign or shape are
//! capped or ignored, never trusted to convert.
//!
//! Bounds: at most [`MAX_RETRIES_CEILING`] retries whatever is configured, and one
//! deadline for the whole call ([`crate::KnotClientBuilder::total_timeout`]): each
//! attempt's timeout is cut to what is left of it, and no retry starts whose delay would
//! end past it (the last answer is returned instead).

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Request, Response, StatusCode};

/// The most retries any policy makes, whatever it is configured with.
pub const MAX_RETRIES_CEILING: u32 = 10;
/// The shortest wait before a retry that a server's `Retry-After` can ask for.
pub const MIN_SERVER_DELAY: Duration = Duration::from_millis(100);

/// How a client retries. `RetryPolicy::default()` is 2 retries, 0.5 s base, 8 s cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
    statuses: Vec<u16>,
    per_operation: Vec<(String, u32)>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            statuses: vec![500, 502, 503, 504],
            per_operation: Vec::new(),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self::default().with_max_retries(0)
    }

    /// Retries after the first attempt (0 disables retrying), at most
    /// [`MAX_RETRIES_CEILING`]: larger values are lowered to it.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries.min(MAX_RETRIES_CEILING);
        self
    }

    /// Retries for one operation (by its spec `operationId`), instead of
    /// [`Self::with_max_retries`]. `with_operation_max_retries("session_create", 0)` makes
    /// sure a 500 never leads to a second session (Knot has no idempotency keys).
    pub fn with_operation_max_retries(
        mut self,
        operation_id: impl Into<String>,
        max_retries: u32,
    ) -> Self {
        let operation_id = operation_id.into();
        self.per_operation.retain(|(id, _)| *id != operation_id);
        self.per_operation
            .push((operation_id, max_retries.min(MAX_RETRIES_CEILING)));
        self
    }

    /// Retries made for `operation_id`.
    pub fn max_retries_for(&self, operation_id: &str) -> u32 {
        self.per_operation
            .iter()
            .find(|(id, _)| id == operation_id)
            .map_or(self.max_retries, |(_, n)| *n)
    }

    /// Delay before the first retry; doubles each time up to [`Self::with_max_delay`].
    pub fn with_base_delay(mut self, base: Duration) -> Self {
        self.base_delay = base;
        self
    }

    /// Longest computed backoff delay.
    pub fn with_max_delay(mut self, max: Duration) -> Self {
        self.max_delay = max;
        self
    }

    /// Longest wait a server's `Retry-After` can ask for; longer requests are capped.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// The statuses that are retried. 4xx statuses are ignored: they are never retried.
    pub fn with_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.statuses = statuses.into_iter().filter(|s| *s >= 500).collect();
        self
    }

    /// Retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// Whether a response with this status is retried.
    pub fn retries_status(&self, status: StatusCode) -> bool {
        self.statuses.contains(&status.as_u16())
    }

    /// The wait before retry number `retry` (0-based), given a server's requested wait.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(requested) = retry_after {
            return requested
                .max(MIN_SERVER_DELAY)
                .min(self.max_retry_after.max(MIN_SERVER_DELAY));
        }
        let exponential = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(30)))
            .min(self.max_delay);
        let jitter = 1.0 - 0.25 * fastrand::f64();
        // `mul_f64` panics when rounding overflows (a `Duration::MAX` configuration).
        Duration::try_from_secs_f64(exponential.as_secs_f64() * jitter).unwrap_or(exponential)
    }
}

/// The wait a response asks for: `retry-after-ms`, then `Retry-After` in seconds or as
/// an HTTP date (IMF-fixdate, RFC 850 or asctime; a past date means now). Negative,
/// non-numeric or unparseable values are ignored; huge ones come back as
/// [`Duration::MAX`] (the policy caps them).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && let Some(wait) = seconds(ms / 1000.0)
    {
        return Some(wait);
    }
    let value = header(reqwest::header::RETRY_AFTER.as_str())?;
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let when = httpdate::parse_http_date(value).ok().or_else(|| {
        chrono::DateTime::parse_from_rfc2822(value)
            .ok()
            .map(SystemTime::from)
    })?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Seconds from the network as a wait: `None` for negative or NaN, capped when huge.
fn seconds(secs: f64) -> Option<Duration> {
    if secs.is_nan() || secs < 0.0 {
        return None;
    }
    Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
}

/// What one call's attempts are bound by.
pub(crate) struct Attempts<'a> {
    pub(crate) policy: &'a RetryPolicy,
    pub(crate) max_retries: u32,
    pub(crate) attempt_timeout: Option<Duration>,
    /// The call's deadline (`None` when it is too far to represent).
    pub(crate) deadline: Option<Instant>,
    pub(crate) operation_id: &'a str,
}

impl Attempts<'_> {
    /// Sends `request`, retrying as the policy says. A request is cloned only when another
    /// attempt may follow; an answer that will be retried is dropped unread; a wait that
    /// would pass the deadline ends the call with the answer in hand.
    pub(crate) async fn run(
        &self,
        client: &reqwest::Client,
        mut request: Request,
    ) -> reqwest::Result<Response> {
        let max_retries = self.max_retries.min(MAX_RETRIES_CEILING);
        let mut retry = 0;
        loop {
            let remaining = self
                .deadline
                .map(|d| d.saturating_duration_since(Instant::now()));
            let timeout = match (
                self.attempt_timeout.or(request.timeout().copied()),
                remaining,
            ) {
                (Some(t), Some(r)) => Some(t.min(r)),
                (t, r) => t.or(r),
            };
            if timeout != self.attempt_timeout {
                *request.timeout_mut() = timeout;
            }
            let next = (retry < max_retries).then(|| request.try_clone()).flatten();
            let result = client.execute(request).await;
            tracing::debug!(
                target: "knot_api::http",
                operation = self.operation_id,
                attempt = retry + 1,
                status = result.as_ref().map(|r| r.status().as_u16()).unwrap_or(0),
                "Knot request attempt finished"
            );
            let wait = match (&next, &result) {
                (Some(_), Ok(response)) if self.policy.retries_status(response.status()) => Some((
                    self.policy.delay(retry, retry_after(response.headers())),
                    response.status().as_u16().to_string(),
                )),
                (Some(_), Err(error)) if error.is_connect() => {
                    Some((self.policy.delay(retry, None), "connect".to_owned()))
                }
                _ => None,
            };
            let fits = |delay: Duration| match (Instant::now().checked_add(delay), self.deadline) {
                (Some(end), Some(deadline)) => end < deadline,
                (Some(_), None) => true,
                (None, _) => false,
            };
            let (Some(next), Some((delay, cause))) = (next, wait.filter(|(d, _)| fits(*d))) else {
                return result;
            };
            tracing::warn!(
                target: "knot_api::retry",
                operation = self.operation_id,
                attempt = retry + 2,
                max_attempts = max_retries + 1,
                delay_ms = delay.as_millis() as u64,
                cause = cause.as_str(),
                "retrying Knot request"
            );
            drop(result);
            tokio::time::sleep(delay).await;
            request = next;
            retry += 1;
        }
    }
}
