//! Retries, shared by every client: which failures are retried, how long to wait, and when to
//! give up and say so.

use std::time::Duration;

use http::{Method, StatusCode};

/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default wait before the first retry (doubled for each further one, with jitter).
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// Default longest wait between two attempts computed by the backoff.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(8);
/// Default longest `Retry-After` honoured. A server asking for a longer wait gets no retry: the
/// call fails at once and the error carries the wait.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// When and how a client retries a failed call.
///
/// Retried: connection failures, `408`, `429`, `500`, `502`, `503` and `504`. A request that is
/// not idempotent (`POST`, `PATCH`) is retried only when the server cannot have acted on it: a
/// `429`, or a connection that could not be made. The wait is the server's `Retry-After`
/// (seconds or an HTTP date) when it sends one, up to [`max_retry_after`](Self::max_retry_after);
/// otherwise exponential backoff with jitter.
///
/// ```
/// use std::time::Duration;
/// use rocket_apis::{RetryPolicy, requestrocket};
///
/// let client = requestrocket::Client::builder(requestrocket::UserToken::new("u-3f9a8c2e")?)
///     .retry(RetryPolicy::default().max_retries(4).max_retry_after(Duration::from_secs(10)))
///     .build()?;
/// // Or no retries at all:
/// let once = requestrocket::Client::builder(requestrocket::UserToken::new("u-3f9a8c2e")?)
///     .retry(RetryPolicy::none())
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is made once.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Retries after the first attempt (default 2, so at most 3 attempts).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Wait before the first retry when the server gives no `Retry-After` (default 500 ms);
    /// each further retry doubles it, with jitter.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// Longest backoff between two attempts (default 8 s).
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// Longest `Retry-After` honoured (default 60 s). When the server asks for longer, the call
    /// fails at once with the wait in [`ApiError::retry_after`](crate::ApiError::retry_after)
    /// instead of sleeping.
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// The number of retries after the first attempt.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The `Retry-After` cap.
    pub fn retry_after_cap(&self) -> Duration {
        self.max_retry_after
    }

    /// The backoff waits, one per retry, with jitter.
    pub(crate) fn backoff(&self) -> impl Iterator<Item = Duration> + use<> {
        use backon::BackoffBuilder;
        backon::ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_factor(2.0)
            .with_jitter()
            .with_max_times(self.max_retries as usize)
            .build()
    }
}

/// Whether the method is idempotent (RFC 9110 §9.2.2): sending it twice does no more than once.
pub(crate) fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE | Method::PUT | Method::DELETE
    )
}

/// Whether a response with this status may be retried for this method.
pub(crate) fn retryable_status(method: &Method, status: StatusCode) -> bool {
    match status.as_u16() {
        429 => true,
        408 | 500 | 502 | 503 | 504 => idempotent(method),
        _ => false,
    }
}

/// Whether a transport failure may be retried for this method: a connection that could not be
/// made was never sent, so any method; anything later only for idempotent methods.
pub(crate) fn retryable_failure(method: &Method, error: &reqwest::Error) -> bool {
    if error.is_builder() || error.is_redirect() || error.is_status() {
        return false;
    }
    error.is_connect() || idempotent(method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_retried_only_when_the_server_cannot_have_acted() {
        for status in [408, 500, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(retryable_status(&Method::GET, status), "{status}");
            assert!(retryable_status(&Method::DELETE, status), "{status}");
            assert!(!retryable_status(&Method::POST, status), "{status}");
            assert!(!retryable_status(&Method::PATCH, status), "{status}");
        }
        assert!(retryable_status(&Method::POST, StatusCode::TOO_MANY_REQUESTS));
        for status in [400, 401, 403, 404, 409, 422, 501] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(!retryable_status(&Method::GET, status), "{status}");
        }
    }

    #[test]
    fn backoff_grows_within_bounds_and_stops_after_the_retries() {
        let policy = RetryPolicy::default()
            .max_retries(5)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(1000));
        let waits: Vec<Duration> = policy.backoff().collect();
        assert_eq!(waits.len(), 5);
        for (i, w) in waits.iter().enumerate() {
            let base = Duration::from_millis(100 * (1 << i)).min(Duration::from_millis(1000));
            assert!(
                *w >= base && *w <= base * 2,
                "wait {i}: {w:?} not within [{base:?}, 2×]"
            );
        }
        assert_eq!(RetryPolicy::none().backoff().count(), 0);
    }
}
