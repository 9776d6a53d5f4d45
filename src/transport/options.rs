//! Per-call settings: a view of a client with another timeout, retry policy or extra headers,
//! sharing the client's connection pool and rate limiter.

use std::time::Duration;

use http::{HeaderName, HeaderValue};

use super::inner::Inner;
use crate::RetryPolicy;

/// Settings for the calls made through one view of a client; get one in the closure of an API
/// client's `with_options`, e.g.
/// [`requestrocket::Client::with_options`](crate::requestrocket::Client::with_options).
///
/// Unset settings keep the client's. The view shares the client's connection pool and rate
/// limiter, so making one per call is cheap (no connection is opened, nothing is sent).
///
/// ```
/// # #[cfg(feature = "rockety")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use http::{HeaderName, HeaderValue};
/// use rocket_apis::{RetryPolicy, rockety};
///
/// let client = rockety::Client::new(rockety::ApiToken::new("rk_live_4f9c2a7e1b")?)?;
/// // A slow report: a longer timeout and no retries, for these calls only.
/// let patient = client.with_options(|o| {
///     o.timeout(Duration::from_secs(120))
///         .retry(RetryPolicy::none())
///         .header(HeaderName::from_static("x-trace-id"), HeaderValue::from_static("report-7"))
/// });
/// # let _ = patient;
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "rockety"))]
/// # fn main() {}
/// ```
#[must_use]
#[derive(Debug)]
pub struct CallOptions {
    inner: Inner,
}

impl CallOptions {
    pub(crate) fn new(inner: Inner) -> Self {
        CallOptions { inner }
    }

    pub(crate) fn into_inner(self) -> Inner {
        self.inner
    }

    /// Limit on each attempt of a call, from sending to the end of the body, instead of the
    /// client's [`timeout`](crate::ClientBuilder::timeout). The connect timeout stays the
    /// client's (connections are shared).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.inner.timeout = Some(timeout);
        self
    }

    /// How failed calls are retried, instead of the client's policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.inner.retry = policy;
        self
    }

    /// The client's retry policy with at most `retries` retries (`0` switches retries off).
    pub fn retries(mut self, retries: u32) -> Self {
        self.inner.retry = self.inner.retry.max_retries(retries);
        self
    }

    /// Sends this header too (replacing a default header of the same name).
    ///
    /// # Panics
    ///
    /// If `name` is one of the headers that carry the client's credentials (e.g.
    /// `authorization`): credentials belong to the client (its builder, or `set_credentials`),
    /// never to one call.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        assert!(
            !self.inner.credentials.carries(&name),
            "CallOptions::header: `{name}` carries this {} client's credentials and cannot be set per call; \
             give the client other credentials with `set_credentials` instead",
            self.inner.api
        );
        let credentials = &self.inner.credentials;
        let headers = self
            .inner
            .view_headers
            .get_or_insert_with(|| credentials.base().clone());
        headers.insert(name, value);
        self
    }
}
