//! Retrying failed attempts: which failures, how often, how long to wait.
//!
//! Retried: HTTP 500 (and the gateway statuses 502, 503, 504), and connection failures
//! before any response. Never retried: any 4xx, timeouts after the request was sent
//! (Knot may have created the session; a retry would make a second one), and anything
//! once the policy's retries are spent. The last response or error is returned as it
//! came, so the caller sees the last body.
//!
//! Every attempt is a `DEBUG` event on target `knot_api::http` (operation, attempt, status,
//! elapsed time) and every retry a `WARN` event on `knot_api::retry` (attempt, delay,
//! cause); neither carries headers or bodies.
//!
//! Delays follow the Stainless SDK convention: `min(base × 2^n, cap)` minus up to 25 %
//! jitter, unless the server sent `Retry-After` (seconds or an HTTP date) or
//! `retry-after-ms`, which is honoured up to the policy's cap ([`RetryPolicy::with_max_retry_after`]).

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Request, Response, StatusCode};

/// How a client retries. `RetryPolicy::default()` is 2 retries, 0.5 s base, 8 s cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
    statuses: Vec<u16>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            statuses: vec![500, 502, 503, 504],
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self::default().with_max_retries(0)
    }

    /// Retries after the first attempt (0 disables retrying).
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
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
            return requested.min(self.max_retry_after);
        }
        let exponential = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(30)))
            .min(self.max_delay);
        let jitter = 1.0 - 0.25 * fastrand::f64();
        exponential.mul_f64(jitter)
    }
}

/// The wait a response asks for: `retry-after-ms`, then `Retry-After` in seconds or as
/// an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// Sends `request`, retrying as `policy` says. A request is cloned only when another
/// attempt may follow; the last outcome is returned unchanged.
pub(crate) async fn execute(
    client: &reqwest::Client,
    mut request: Request,
    policy: &RetryPolicy,
    operation_id: &str,
) -> reqwest::Result<Response> {
    let mut retry = 0;
    loop {
        let next = if retry < policy.max_retries {
            request.try_clone()
        } else {
            None
        };
        let started = tracing::enabled!(target: "knot_api::http", tracing::Level::DEBUG)
            .then(std::time::Instant::now);
        let result = client.execute(request).await;
        if let Some(started) = started {
            tracing::debug!(
                target: "knot_api::http",
                operation = operation_id,
                attempt = retry + 1,
                status = result.as_ref().map(|r| r.status().as_u16()).unwrap_or(0),
                elapsed_us = started.elapsed().as_micros() as u64,
                "Knot request attempt finished"
            );
        }
        let Some(next) = next else {
            return result;
        };
        let (delay, cause) = match &result {
            Ok(response) if policy.retries_status(response.status()) => (
                policy.delay(retry, retry_after(response.headers())),
                response.status().as_u16().to_string(),
            ),
            Err(error) if error.is_connect() => (policy.delay(retry, None), "connect".to_owned()),
            _ => return result,
        };
        tracing::warn!(
            target: "knot_api::retry",
            operation = operation_id,
            attempt = retry + 2,
            max_attempts = policy.max_retries + 1,
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
