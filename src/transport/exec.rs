//! What runs around every call ([`exchange`]): the retry loop. Each attempt builds its request,
//! waits for the rate limit, puts the credentials on ([`super::credentials`]) and goes on the
//! wire ([`super::wire`]); a `401` may renew the credentials and send again; a failure the
//! client's [`RetryPolicy`](crate::RetryPolicy) allows is retried after its wait; the last
//! outcome becomes the call's answer or [`crate::Error`]. One `tracing` span per call, with
//! OpenTelemetry's HTTP client attributes.

use std::{
    fmt,
    time::{Duration, Instant},
};

use http::StatusCode;
use tracing::Instrument as _;

use super::failure;
use super::inner::Inner;
use super::wire::{Answer, Attempt, send};
use crate::error::{BUILDING, VendorError};
use crate::headers::{request_id_str, retry_after};
use crate::retry;

/// Adds an optional query parameter to a request being built, only when it is set. The
/// generated code calls this instead of progenitor's `.query(..)` for every optional query
/// parameter (`build/surface.rs`), so an absent one adds nothing to the URL.
pub(crate) fn query_some<T: serde::Serialize>(
    builder: reqwest::RequestBuilder,
    name: &str,
    value: &Option<T>,
) -> reqwest::RequestBuilder {
    match value {
        Some(_) => builder.query(&progenitor_client::QueryParam::new(name, value)),
        None => builder,
    }
}

/// The path a trace shows for a call (`url.template`).
pub(crate) enum Template<'a> {
    /// A generated operation: its path template from the spec.
    Spec(&'static str),
    /// A raw call: its first segment only, the rest can hold ids or tokens.
    Raw(&'a str),
}

impl fmt::Display for Template<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Template::Spec(template) => f.write_str(template),
            Template::Raw(path) => {
                let first = path.split(['/', '?']).find(|s| !s.is_empty()).unwrap_or_default();
                write!(f, "/{first}/…")
            }
        }
    }
}

/// What builds the request of a call, for each attempt (none is kept for a retry).
pub(crate) type BuildFn<'a> = dyn Fn() -> reqwest::Result<reqwest::Request> + Send + Sync + 'a;

/// Sends a call: attempts until one answers or fails in a way the policy does not retry. An
/// error status becomes [`crate::Error::Api`] (its body decoded as `E` where it can be), a
/// transport failure or an oversized body the matching [`crate::Error`]; anything else is the
/// [`Answer`].
pub(crate) async fn exchange<E: VendorError>(
    http: &reqwest::Client,
    inner: &Inner,
    build: &BuildFn<'_>,
    operation: &'static str,
    template: Template<'_>,
) -> crate::Result<Answer> {
    let span = tracing::info_span!(
        "rocket_apis.call",
        otel.name = tracing::field::Empty,
        otel.kind = "client",
        api = inner.api,
        operation,
        http.request.method = tracing::field::Empty,
        url.template = %template,
        server.address = inner.server.0.as_str(),
        server.port = inner.server.1,
        http.response.status_code = tracing::field::Empty,
        http.request.resend_count = tracing::field::Empty,
        error.type = tracing::field::Empty,
        request_id = tracing::field::Empty,
        attempts = tracing::field::Empty,
        rate_limit_wait_ms = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut call = Call {
        inner,
        attempts: 0,
        renewed: false,
        backoff: None,
        over_cap: None,
        waited: Duration::ZERO,
    };
    let outcome = call.run(http, build, &span, &template).instrument(span.clone()).await;
    let attempts = call.attempts;
    record(&span, started, &call, &outcome);
    finish::<E>(inner, outcome, attempts, call.over_cap)
}

/// A call's state across its attempts.
struct Call<'a> {
    inner: &'a Inner,
    attempts: u32,
    /// A `401` renewed the credentials and the call was sent again (once per call).
    renewed: bool,
    backoff: Option<Box<dyn Iterator<Item = Duration> + Send>>,
    /// The `Retry-After` cap, when a wait over it stopped the retries.
    over_cap: Option<Duration>,
    /// Time spent waiting for the rate limit.
    waited: Duration,
}

impl Call<'_> {
    /// The retry loop: the last attempt's outcome.
    async fn run(
        &mut self,
        http: &reqwest::Client,
        build: &BuildFn<'_>,
        span: &tracing::Span,
        template: &Template<'_>,
    ) -> Attempt {
        loop {
            self.attempts += 1;
            let (outcome, method, used) = self.attempt(http, build).await;
            if self.attempts == 1
                && let Some(method) = &method
            {
                span.record("http.request.method", method.as_str());
                span.record("otel.name", format!("{method} {template}"));
            }
            if let Attempt::Answered(answer) = &outcome
                && answer.status == StatusCode::UNAUTHORIZED
                && !self.renewed
            {
                match self.inner.credentials.after_unauthorized(used).await {
                    Ok(true) => {
                        self.renewed = true;
                        tracing::debug!(attempt = self.attempts, "sending again with the renewed credentials");
                        continue;
                    }
                    Ok(false) => {}
                    Err(e) => return Attempt::NoCredentials(e),
                }
            }
            let Some(method) = method else { return outcome };
            match self.retry_wait(&method, &outcome) {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return outcome,
            }
        }
    }

    /// One attempt: the request built, the rate limit's wait, the credentials put on, the
    /// request sent and its answer read. Also the request's method (`None` when it could not
    /// be built) and the credential generation it carried.
    async fn attempt(&mut self, http: &reqwest::Client, build: &BuildFn<'_>) -> (Attempt, Option<http::Method>, u64) {
        let mut request = match build() {
            Ok(request) => request,
            Err(error) => {
                return (
                    Attempt::Failed {
                        error,
                        during: BUILDING,
                    },
                    None,
                    0,
                );
            }
        };
        let method = request.method().clone();
        if let Some(timeout) = self.inner.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        if let Some(limiter) = &self.inner.limiter
            && limiter.check().is_err()
        {
            let since = Instant::now();
            limiter.until_ready().await;
            self.waited += since.elapsed();
        }
        let view = self.inner.view_headers.as_ref();
        let used = match self.inner.credentials.apply(&mut request, view).await {
            Ok(generation) => generation,
            Err(e) => return (Attempt::NoCredentials(e), Some(method), 0),
        };
        (send(http, self.inner, request).await, Some(method), used)
    }

    /// The wait before the next attempt when the policy retries this outcome, else `None`.
    fn retry_wait(&mut self, method: &http::Method, outcome: &Attempt) -> Option<Duration> {
        let retryable = match outcome {
            Attempt::Answered(a) => retry::retryable_status(method, a.status),
            Attempt::Failed { error, .. } => retry::retryable_failure(method, error),
            _ => false,
        };
        let policy = &self.inner.retry;
        if !retryable || self.attempts > policy.retries() + u32::from(self.renewed) {
            return None;
        }
        let backoff = self.backoff.get_or_insert_with(|| Box::new(policy.backoff())).next()?;
        let (wait, reason) = match outcome {
            Attempt::Answered(a) => match retry_after(&a.headers) {
                Some(asked) if asked > policy.retry_after_cap() => {
                    self.over_cap = Some(policy.retry_after_cap());
                    tracing::info!(
                        status = a.status.as_u16(),
                        retry_after_s = asked.as_secs_f64(),
                        cap_s = policy.retry_after_cap().as_secs_f64(),
                        "not retrying: the server asks for a wait longer than the cap"
                    );
                    return None;
                }
                Some(asked) => (asked, format!("status {}, Retry-After", a.status.as_u16())),
                None => (backoff, format!("status {}", a.status.as_u16())),
            },
            Attempt::Failed { error, .. } => (backoff, failure::kind(error).to_string()),
            _ => return None,
        };
        tracing::warn!(attempt = self.attempts, reason = %reason, wait_ms = wait.as_millis() as u64, "retrying");
        Some(wait)
    }
}

/// The outcome of the last attempt as the caller gets it.
fn finish<E: VendorError>(
    inner: &Inner,
    outcome: Attempt,
    attempts: u32,
    over_cap: Option<Duration>,
) -> crate::Result<Answer> {
    match outcome {
        Attempt::Answered(answer) if answer.status.is_client_error() || answer.status.is_server_error() => Err(
            crate::error::from_error_status::<E>(answer.status, answer.headers, &answer.body, attempts, over_cap),
        ),
        Attempt::Answered(answer) => Ok(answer),
        Attempt::Failed { error, during } => Err(crate::error::from_reqwest(inner.api, error, during, attempts)),
        #[cfg(feature = "middleware")]
        Attempt::Middleware(source) => Err(crate::Error::Middleware {
            api: inner.api,
            source: source.into(),
        }),
        Attempt::NoCredentials(e) => Err(crate::Error::Credentials(e)),
        Attempt::TooLarge => Err(crate::Error::ResponseTooLarge {
            api: inner.api,
            limit: inner.max_response_size,
        }),
    }
}

/// Records a call's outcome on its span, and one `DEBUG` event.
fn record(span: &tracing::Span, started: Instant, call: &Call<'_>, outcome: &Attempt) {
    let _entered = span.enter();
    span.record("attempts", call.attempts);
    if call.attempts > 1 {
        span.record("http.request.resend_count", call.attempts - 1);
    }
    if !call.waited.is_zero() {
        span.record("rate_limit_wait_ms", call.waited.as_millis() as u64);
    }
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    match outcome {
        Attempt::Answered(answer) => {
            span.record("http.response.status_code", answer.status.as_u16());
            if let Some(id) = request_id_str(&answer.headers) {
                span.record("request_id", id);
            }
            if answer.status.is_client_error() || answer.status.is_server_error() {
                span.record("error.type", answer.status.as_str());
            }
            tracing::debug!(
                status = answer.status.as_u16(),
                attempts = call.attempts,
                "call finished"
            );
        }
        Attempt::Failed { error, .. } => {
            span.record("error.type", failure::kind(error));
            tracing::debug!(failure = failure::kind(error), attempts = call.attempts, "call failed");
        }
        #[cfg(feature = "middleware")]
        Attempt::Middleware(_) => {
            span.record("error.type", "middleware");
        }
        Attempt::TooLarge => {
            span.record("error.type", "response_too_large");
        }
        Attempt::NoCredentials(_) => {
            span.record("error.type", "credentials");
        }
    }
}
