//! What runs around every call ([`exchange`]): at each attempt the request built and its
//! headers put on (the client's and the credentials, [`super::credentials`]), then rate limit,
//! the attempt on the wire ([`super::wire`]), retries (each building the request again), error
//! statuses turned into [`crate::Error`] and one tracing span per call.

use std::{
    fmt,
    time::{Duration, Instant},
};

use http::StatusCode;
use tracing::Instrument;

use super::builder::Inner;
use super::credentials::BoxFuture;
use super::wire::{Answer, Attempt, OnWire};
use crate::error::{BUILDING, VendorError};
use crate::headers::{request_id_str, retry_after};
use crate::retry;

/// Adds an optional query parameter to a request being built, only when it is set. The
/// generated code calls this instead of progenitor's `.query(..)` for every optional query
/// parameter (`build/surface.rs`): an absent one then costs nothing, where `.query` rewrites the
/// URL's query either way.
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

/// The path a trace shows for a call.
pub(crate) enum TracedPath<'a> {
    /// A generated operation: its path template from the spec.
    Spec(&'static str),
    /// A raw call: its first segment only, the rest can hold ids or tokens.
    Raw(&'a str),
}

impl fmt::Display for TracedPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TracedPath::Spec(template) => f.write_str(template),
            TracedPath::Raw(path) => {
                let first = path.split(['/', '?']).find(|s| !s.is_empty()).unwrap_or_default();
                write!(f, "/{first}/…")
            }
        }
    }
}

/// What builds the request of a call, for each attempt (a generated operation's parameters, or
/// a raw call's parts, are still at hand): a call answered at once is built once and copies
/// nothing, a retry builds it again.
pub(crate) type BuildFn<'a> = dyn Fn() -> reqwest::Result<reqwest::Request> + Send + Sync + 'a;

/// A call's [`BuildFn`], owned by the call's future (one small allocation a call: the future of a
/// generated `send` is then a plain value, not a state machine of its own per operation).
pub(crate) type Build<'a> = Box<BuildFn<'a>>;

/// Builds and prepares a call's request, sends it under the client's rate limit, retries it as
/// the client's [`RetryPolicy`](crate::RetryPolicy) allows and reads the body (bounded). An error status
/// becomes [`crate::Error::Api`] (its body decoded as `E` where it can be), a transport failure
/// or an oversized body the matching [`crate::Error`]; anything else is the [`Answer`]. One
/// `tracing` span per call records the operation, method, path template, status, attempts,
/// duration and request id; never a header value.
///
/// The future is boxed, its type erased: every generated `send` awaits it, and with its full
/// type (the retry loop, the attempt, reqwest's pending response, the credential renewal) each
/// of them was laid out and compiled around it again (about a tenth of the crate's build, most
/// of it code generation). One allocation a call, against a round trip: 712 bytes
/// (`-Zprint-type-sizes`), under the 1,032 that glibc's `malloc` serves from its per-thread
/// cache. It was 1,864 with the rate limit's and the renewal's waits inline and values held
/// over two awaits, and 992 while the request was borrowed in it (a borrowed local keeps its
/// place in every later state).
pub(crate) fn exchange<'a, E: VendorError + 'a>(
    http: &'a reqwest::Client,
    inner: &'a Inner,
    build: Build<'a>,
    operation: &'static str,
    path: TracedPath<'a>,
) -> BoxFuture<'a, crate::Result<Answer>> {
    // A block, not an `async fn`: an `async fn`'s future keeps its arguments twice (as passed
    // and as moved into its body), and each branch returns at once, so no result is held over
    // an await (each such value has a place of its own in every state of the future).
    Box::pin(async move {
        // Field values are only worked out when a subscriber wants the span; the method is
        // recorded once the first request is built.
        let span = tracing::info_span!(
            "rocket_apis.call",
            api = inner.api,
            operation,
            method = tracing::field::Empty,
            path = %path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        // Entered around each poll only when a subscriber records it.
        if span.is_disabled() {
            let (outcome, attempts, over_cap) = send_with_retries(http, inner, &*build, &span).await;
            finish::<E>(inner, outcome, attempts, over_cap)
        } else {
            let (outcome, attempts, over_cap) = send_with_retries(http, inner, &*build, &span)
                .instrument(span.clone())
                .await;
            finish::<E>(inner, outcome, attempts, over_cap)
        }
    })
}

/// The outcome of the last attempt as the caller gets it.
fn finish<E: VendorError>(
    inner: &Inner,
    outcome: Attempt,
    attempts: u32,
    over_cap: Option<Duration>,
) -> crate::Result<Answer> {
    match outcome {
        Attempt::Answered(answer) => {
            let status = answer.status;
            tracing::debug!(status = status.as_u16(), attempts, "call finished");
            if status.is_client_error() || status.is_server_error() {
                Err(crate::error::from_error_status::<E>(
                    status,
                    answer.headers,
                    &answer.body,
                    attempts,
                    over_cap,
                ))
            } else {
                Ok(answer)
            }
        }
        Attempt::Failed { error, during } => {
            tracing::debug!(failure = failure_kind(&error), attempts, "call failed");
            Err(crate::error::from_reqwest(inner.api, error, during, attempts))
        }
        Attempt::NoCredentials(e) => Err(crate::Error::Credentials(e)),
        Attempt::TooLarge => {
            tracing::debug!(limit = inner.max_response_size, "response body over the limit");
            Err(crate::Error::ResponseTooLarge {
                api: inner.api,
                limit: inner.max_response_size,
            })
        }
    }
}

/// The last attempt's outcome, the number of attempts, and the `Retry-After` cap when a wait
/// over it stopped the retries.
///
/// Laid out so that nothing large is held across more than one await (such a value gets its own
/// place in every state of the future, which every call allocates): the request is built inside
/// the attempt and awaited over only once (the rate limit and the renewal share one boxed wait),
/// and the outcome leaves by `return`, not as the loop's value.
async fn send_with_retries(
    http: &reqwest::Client,
    inner: &Inner,
    build: &BuildFn<'_>,
    span: &tracing::Span,
) -> (Attempt, u32, Option<Duration>) {
    // Only a span that records its duration needs the clock.
    let started = (!span.is_disabled()).then(Instant::now);
    let done = |outcome: Attempt, attempts: u32, over_cap: Option<Duration>| {
        if let Some(started) = started {
            record(span, started, attempts, &outcome);
        }
        (outcome, attempts, over_cap)
    };
    let policy = &inner.retry;
    // Built at the first retry: a call that succeeds at once never needs it.
    let mut backoff = None;
    let mut attempts = 0u32;
    let mut over_cap = None;
    // Live credentials (issue 12): a 401 may renew them and send the call again, once.
    let mut resent = false;
    loop {
        attempts += 1;
        // Each attempt builds its request: none is copied or kept in case of a retry. (In a
        // block of its own, so the call's future holds no request while the answer comes.)
        let (sent, method, used) = {
            let (this, method, readiness) = match build() {
                Ok(request) => ready(inner, request),
                Err(error) => {
                    return done(
                        Attempt::Failed {
                            error,
                            during: BUILDING,
                        },
                        attempts,
                        over_cap,
                    );
                }
            };
            if attempts == 1 && started.is_some() {
                span.record("method", tracing::field::display(&method));
            }
            // The slow path takes the request and gives it back: the call's future then keeps
            // no request beside the wait.
            let (this, applied) = match readiness {
                Readiness::Applied(applied) => (this, applied),
                Readiness::Wait { limited } => wait_and_apply(inner, this, limited).await,
            };
            let used = match applied {
                Ok(generation) => generation,
                Err(e) => return done(Attempt::NoCredentials(e), attempts, over_cap),
            };
            (http.execute(this), method, used)
        };
        // The outcome in a block of its own as well: it is gone before the wait for a retry.
        let wait = {
            let outcome = OnWire::new(sent, inner.max_response_size, reqwest::Response::bytes_stream).await;
            if let Attempt::Answered(a) = &outcome
                && a.status == StatusCode::UNAUTHORIZED
                && !resent
            {
                match inner.credentials.after_unauthorized(used).await {
                    Ok(true) => {
                        resent = true;
                        tracing::debug!(attempt = attempts, "sending again with the renewed credentials");
                        continue;
                    }
                    Ok(false) => {}
                    Err(e) => return done(Attempt::NoCredentials(e), attempts, over_cap),
                }
            }
            let retryable = match &outcome {
                Attempt::Answered(a) => retry::retryable_status(&method, a.status),
                Attempt::Failed { error, .. } => retry::retryable_failure(&method, error),
                Attempt::TooLarge | Attempt::NoCredentials(_) => false,
            };
            if !retryable || attempts > policy.retries() + u32::from(resent) {
                return done(outcome, attempts, over_cap);
            }
            match retry_wait(policy, &outcome, &mut backoff, attempts, &mut over_cap) {
                Some(wait) => wait,
                None => return done(outcome, attempts, over_cap),
            }
        };
        Box::pin(tokio::time::sleep(wait)).await;
    }
}

/// How far [`ready`] got with an attempt's request.
enum Readiness {
    /// Its headers are on (with the credential generation it carries), or no credentials
    /// could be had.
    Applied(Result<u64, crate::transport::CredentialsError>),
    /// It waits for the rate limit's next cell (`limited`) or for a due renewal of the
    /// credentials: [`wait_and_apply`].
    Wait { limited: bool },
}

/// An attempt's request made ready without awaiting anything, the common case: its timeout set
/// and, when the rate limit has a cell free and the credential set needs no renewal, its headers
/// put on. Not `async`: the request is only moved through the call's future, never borrowed
/// there, so no state of the future keeps a place for it.
fn ready(inner: &Inner, mut request: reqwest::Request) -> (reqwest::Request, http::Method, Readiness) {
    if let Some(timeout) = inner.timeout {
        *request.timeout_mut() = Some(timeout);
    }
    let method = request.method().clone();
    let limited = inner.limiter.as_ref().is_some_and(|limiter| limiter.check().is_err());
    let applied = if limited {
        None
    } else {
        inner
            .credentials
            .apply_current(&mut request, inner.view_headers.as_ref())
    };
    let readiness = applied.map_or(Readiness::Wait { limited }, Readiness::Applied);
    (request, method, readiness)
}

/// The slow way to an attempt's credentials: waits for the rate limit's next cell when
/// `limited`, then puts the credential set on the request, renewing it first when it is due.
/// Boxed, so a call that needs neither wait never holds their state in its future.
fn wait_and_apply(
    inner: &Inner,
    mut request: reqwest::Request,
    limited: bool,
) -> BoxFuture<'_, (reqwest::Request, Result<u64, crate::transport::CredentialsError>)> {
    Box::pin(async move {
        if let Some(limiter) = inner.limiter.as_ref().filter(|_| limited) {
            limiter.until_ready().await;
        }
        let applied = inner.credentials.apply(&mut request, inner.view_headers.as_ref()).await;
        (request, applied)
    })
}

/// The waits between retries, made at the first retry.
type Backoff = Box<dyn Iterator<Item = Duration> + Send>;

/// The wait before retrying an attempt the policy may retry, or `None` to stop there: no wait
/// left, or a `Retry-After` over the cap (then recorded in `over_cap`). Out of line, like
/// [`record`]: a call answered at once never runs it, so it stays out of the hot code.
#[cold]
#[inline(never)]
fn retry_wait(
    policy: &crate::RetryPolicy,
    outcome: &Attempt,
    backoff: &mut Option<Backoff>,
    attempts: u32,
    over_cap: &mut Option<Duration>,
) -> Option<Duration> {
    let backoff_wait = backoff.get_or_insert_with(|| Box::new(policy.backoff())).next()?;
    let (wait, reason) = match outcome {
        Attempt::Answered(a) => match retry_after(&a.headers) {
            Some(asked) if asked > policy.retry_after_cap() => {
                *over_cap = Some(policy.retry_after_cap());
                tracing::info!(
                    status = a.status.as_u16(),
                    retry_after_s = asked.as_secs_f64(),
                    cap_s = policy.retry_after_cap().as_secs_f64(),
                    "not retrying: the server asks for a wait longer than the cap"
                );
                return None;
            }
            Some(asked) => (asked, format!("status {}, Retry-After", a.status.as_u16())),
            None => (backoff_wait, format!("status {}", a.status.as_u16())),
        },
        Attempt::Failed { error, .. } => (backoff_wait, failure_kind(error).to_string()),
        Attempt::TooLarge | Attempt::NoCredentials(_) => return None,
    };
    tracing::warn!(
        attempt = attempts,
        reason = %reason,
        wait_ms = wait.as_millis() as u64,
        "retrying"
    );
    Some(wait)
}

/// Records a call's outcome on its span (only when a subscriber records the span).
#[cold]
#[inline(never)]
fn record(span: &tracing::Span, started: Instant, attempts: u32, outcome: &Attempt) {
    span.record("attempts", attempts);
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    if let Attempt::Answered(answer) = outcome {
        span.record("status", answer.status.as_u16());
        if let Some(id) = request_id_str(&answer.headers) {
            span.record("request_id", id);
        }
    }
}

/// A word for a transport failure that is safe to log (reqwest's own message names the URL).
fn failure_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() && error.is_connect() {
        "connect timeout"
    } else if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connection failed"
    } else if error.is_body() || error.is_decode() {
        "body read failed"
    } else {
        "transport failure"
    }
}
