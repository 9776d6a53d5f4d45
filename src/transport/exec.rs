//! What runs around every call ([`exchange`]): the request built and its fixed headers put on
//! ([`prepare`]), the credentials at each attempt, then rate limit, retries (each building the
//! request again), a bounded body read, error statuses turned into [`crate::Error`] and one
//! tracing span per call.

use std::{
    fmt,
    time::{Duration, Instant},
};

use http::{HeaderMap, StatusCode};
use tracing::Instrument;

use super::builder::Inner;
use super::credentials::BoxFuture;
use crate::error::{BUILDING, READING, SENDING, VendorError};
use crate::headers::{request_id_str, retry_after};
use crate::retry;

/// Error bodies above this size are cut before decoding, so a runaway body cannot exhaust
/// memory.
const ERROR_BODY_LIMIT: usize = 1 << 20;

/// Puts the API's fixed headers and any per-call ones on the request, and a per-call timeout;
/// the credentials go on at each attempt, in [`exchange`]. (progenitor's undocumented
/// `api-version` header is taken out of the generated code by `build/surface.rs`.)
fn prepare(inner: &Inner, request: &mut reqwest::Request) {
    let headers = request.headers_mut();
    for (name, value) in &inner.headers {
        headers.insert(name.clone(), value.clone());
    }
    if let Some(timeout) = inner.timeout {
        *request.timeout_mut() = Some(timeout);
    }
}

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

/// A response whose status is not an error, with its body read.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: bytes::Bytes,
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
/// of it code generation). One allocation a call, against a round trip: 992 bytes, under the
/// 1,032 that glibc's `malloc` serves from its per-thread cache (it was 1,864 with the rate
/// limit's and the renewal's waits inline and values held over two awaits; `-Zprint-type-sizes`).
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

/// What one attempt came to.
enum Attempt {
    Answered(Answer),
    Failed {
        error: reqwest::Error,
        during: &'static str,
    },
    TooLarge,
    /// No credentials could be had for the call (it was not sent).
    NoCredentials(crate::transport::CredentialsError),
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
            let mut this = match build() {
                Ok(mut request) => {
                    prepare(inner, &mut request);
                    request
                }
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
            let method = this.method().clone();
            if attempts == 1 && started.is_some() {
                span.record("method", tracing::field::display(&method));
            }
            // A call with a cell free under the rate limit and a fresh credential set awaits
            // nothing here.
            let limited = inner.limiter.as_ref().is_some_and(|limiter| limiter.check().is_err());
            let current = if limited {
                None
            } else {
                inner.credentials.apply_current(&mut this)
            };
            let applied = match current {
                Some(applied) => applied,
                None => wait_and_apply(inner, &mut this, limited).await,
            };
            let used = match applied {
                Ok(generation) => generation,
                Err(e) => return done(Attempt::NoCredentials(e), attempts, over_cap),
            };
            (http.execute(this), method, used)
        };
        // The outcome in a block of its own as well: it is gone before the wait for a retry.
        let wait = {
            let outcome = attempt(sent, inner.max_response_size).await;
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

/// The slow way to an attempt's credentials: waits for the rate limit's next cell when
/// `limited`, then puts the credential set on the request, renewing it first when it is due.
/// Boxed, so a call that needs neither wait never holds their state in its future.
fn wait_and_apply<'a>(
    inner: &'a Inner,
    request: &'a mut reqwest::Request,
    limited: bool,
) -> BoxFuture<'a, Result<u64, crate::transport::CredentialsError>> {
    Box::pin(async move {
        if let Some(limiter) = inner.limiter.as_ref().filter(|_| limited) {
            limiter.until_ready().await;
        }
        inner.credentials.apply(request).await
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

/// Waits for one sent request's answer and reads its body: error bodies cut at
/// [`ERROR_BODY_LIMIT`], success bodies refused over `limit`.
async fn attempt(sent: impl Future<Output = reqwest::Result<reqwest::Response>>, limit: usize) -> Attempt {
    let mut response = match sent.await {
        Ok(r) => r,
        Err(error) => return Attempt::Failed { error, during: SENDING },
    };
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let is_error = status.is_client_error() || status.is_server_error();
    if !is_error && response.content_length().is_some_and(|len| len > limit as u64) {
        return Attempt::TooLarge;
    }
    let cut_at = if is_error { ERROR_BODY_LIMIT.min(limit) } else { limit };
    match read_limited(&mut response, cut_at).await {
        Ok((body, complete)) if complete || is_error => Attempt::Answered(Answer { status, headers, body }),
        Ok(_) => Attempt::TooLarge,
        Err(error) => Attempt::Failed { error, during: READING },
    }
}

/// Reads the body up to `limit` bytes; `complete` is false when there was more.
async fn read_limited(response: &mut reqwest::Response, limit: usize) -> reqwest::Result<(bytes::Bytes, bool)> {
    // Sized once from the announced length when a second chunk comes, so a large body is not
    // copied at every doubling (a body in one chunk needs no buffer).
    let announced = response
        .content_length()
        .map_or(0, |len| len.min(limit as u64) as usize);
    let mut buf = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if buf.is_empty() && chunk.len() <= limit {
            // The common case, a body in one chunk: no copy.
            match response.chunk().await? {
                None => return Ok((chunk, true)),
                Some(next) => {
                    buf.reserve(announced.max(chunk.len() + next.len()));
                    buf.extend_from_slice(&chunk);
                    let room = limit.saturating_sub(buf.len());
                    buf.extend_from_slice(&next[..next.len().min(room)]);
                    if next.len() > room {
                        return Ok((buf.freeze(), false));
                    }
                    continue;
                }
            }
        }
        let room = limit.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if chunk.len() > room {
            return Ok((buf.freeze(), false));
        }
    }
    Ok((buf.freeze(), true))
}
