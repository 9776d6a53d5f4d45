//! What runs around every call ([`exchange`]): at each attempt the request built and its
//! headers put on (the client's and the credentials, [`super::credentials`]), then rate limit,
//! the attempt on the wire ([`super::wire`]), retries (each building the request again), error
//! statuses turned into [`crate::Error`] and one tracing span per call.

use std::{
    fmt,
    pin::Pin,
    task::{Context, Poll, ready},
    time::{Duration, Instant},
};

use http::StatusCode;

use super::builder::Inner;
use super::credentials::BoxFuture;
use super::wire::{Answer, Attempt, OnWire, send};
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
pub(crate) fn exchange<'a, E: VendorError + 'a>(
    http: &'a reqwest::Client,
    inner: &'a Inner,
    build: Build<'a>,
    operation: &'static str,
    path: TracedPath<'a>,
) -> Exchange<'a> {
    Exchange {
        http,
        inner,
        build,
        finish: finish::<E>,
        operation,
        path,
        span: None,
        started: None,
        attempts: 0,
        resent: false,
        over_cap: None,
        backoff: None,
        method: http::Method::GET,
        used: 0,
        step: Step::Start,
    }
}

/// The future of a call's exchange ([`exchange`]): the retry loop as a state machine written
/// out, not an `async` body, so that its type can be named and a call's future holds it in
/// place. (Boxed, as an `async` body's future had to be, it cost about a microsecond a call on
/// the 2-core machine: a fresh heap block written and read at each call, where a future in
/// place lives in memory the caller's task touches anyway.) It is not generic: every operation
/// of every API runs this one `poll`. The rare waits (the rate limit, a credential renewal, a
/// `401`'s renewal, the sleep before a retry) are boxed, so they take no room in it.
pub(crate) struct Exchange<'a> {
    http: &'a reqwest::Client,
    inner: &'a Inner,
    build: Build<'a>,
    /// What the last attempt's outcome becomes (`finish::<E>` for the API's error body `E`).
    finish: Finish,
    operation: &'static str,
    path: TracedPath<'a>,
    /// The call's span, made at the first poll.
    span: Option<tracing::Span>,
    /// When the call started, kept only when the span records its duration.
    started: Option<Instant>,
    attempts: u32,
    /// Live credentials (issue 12): a 401 may renew them and send the call again, once.
    resent: bool,
    /// The `Retry-After` cap, when a wait over it stopped the retries.
    over_cap: Option<Duration>,
    /// The waits between retries, made at the first retry.
    backoff: Option<Backoff>,
    /// The current attempt's method (whether a failure may be retried depends on it).
    method: http::Method,
    /// The credential generation the current attempt carries.
    used: u64,
    step: Step<'a>,
}

type Finish = fn(&Inner, Attempt, u32, Option<Duration>) -> crate::Result<Answer>;

/// Where a call's exchange stands.
enum Step<'a> {
    /// The next attempt is to be built (the first at the first poll).
    Start,
    /// An attempt's request waits for the rate limit or a due credential renewal.
    Waiting(BoxFuture<'a, (reqwest::Request, Result<u64, crate::transport::CredentialsError>)>),
    /// An attempt is on the wire.
    OnWire(OnWire),
    /// A `401`'s credential renewal, with the answer that asked for it.
    Renewing(
        BoxFuture<'a, Result<bool, crate::transport::CredentialsError>>,
        Box<Attempt>,
    ),
    /// The wait before the next attempt.
    Sleeping(Pin<Box<tokio::time::Sleep>>),
    /// The call has answered.
    Done,
}

impl Future for Exchange<'_> {
    type Output = crate::Result<Answer>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.span.is_none() {
            this.begin();
        }
        // Entered around each poll only when a subscriber records it.
        match this.span.as_ref().filter(|span| !span.is_disabled()).cloned() {
            None => this.drive(cx),
            Some(span) => {
                let _entered = span.enter();
                this.drive(cx)
            }
        }
    }
}

impl<'a> Exchange<'a> {
    /// At the first poll: the call's span, and its start when the span records its duration
    /// (only then is the clock read).
    fn begin(&mut self) {
        // Field values are only worked out when a subscriber wants the span; the method is
        // recorded once the first request is built.
        let span = tracing::info_span!(
            "rocket_apis.call",
            api = self.inner.api,
            operation = self.operation,
            method = tracing::field::Empty,
            path = %self.path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        if !span.is_disabled() {
            self.started = Some(Instant::now());
        }
        self.span = Some(span);
    }

    /// Runs the call as far as it can go without waiting.
    fn drive(&mut self, cx: &mut Context<'_>) -> Poll<crate::Result<Answer>> {
        loop {
            let outcome = match &mut self.step {
                Step::Start => match self.attempt() {
                    None => continue,
                    Some(outcome) => outcome,
                },
                Step::Waiting(wait) => {
                    let (request, applied) = ready!(wait.as_mut().poll(cx));
                    match applied {
                        Ok(generation) => {
                            self.used = generation;
                            self.step = self.on_wire(request);
                            continue;
                        }
                        Err(e) => Attempt::NoCredentials(e),
                    }
                }
                Step::OnWire(on_wire) => {
                    let outcome = ready!(on_wire.poll_attempt(cx));
                    match outcome {
                        Attempt::Answered(a) if a.status == StatusCode::UNAUTHORIZED && !self.resent => {
                            let renewal = self.inner.credentials.after_unauthorized(self.used);
                            self.step = Step::Renewing(renewal, Box::new(Attempt::Answered(a)));
                            continue;
                        }
                        outcome => match self.retry(outcome) {
                            None => continue,
                            Some(outcome) => outcome,
                        },
                    }
                }
                Step::Renewing(renewal, _) => match ready!(renewal.as_mut().poll(cx)) {
                    Ok(true) => {
                        self.resent = true;
                        tracing::debug!(attempt = self.attempts, "sending again with the renewed credentials");
                        self.step = Step::Start;
                        continue;
                    }
                    Ok(false) => {
                        let Step::Renewing(_, outcome) = std::mem::replace(&mut self.step, Step::Done) else {
                            unreachable!("the renewal's step holds its answer")
                        };
                        match self.retry(*outcome) {
                            None => continue,
                            Some(outcome) => outcome,
                        }
                    }
                    Err(e) => Attempt::NoCredentials(e),
                },
                Step::Sleeping(sleep) => {
                    ready!(sleep.as_mut().poll(cx));
                    self.step = Step::Start;
                    continue;
                }
                Step::Done => unreachable!("a call polled after it answered"),
            };
            return Poll::Ready(self.done(outcome));
        }
    }

    /// Builds the next attempt's request, makes it ready and sets the step it waits in next; or
    /// the outcome when it cannot be sent. Each attempt builds its request: none is copied or
    /// kept in case of a retry.
    fn attempt(&mut self) -> Option<Attempt> {
        self.attempts += 1;
        let (request, method, readiness) = match (self.build)() {
            Ok(request) => ready(self.inner, request),
            Err(error) => {
                return Some(Attempt::Failed {
                    error,
                    during: BUILDING,
                });
            }
        };
        if self.attempts == 1
            && self.started.is_some()
            && let Some(span) = &self.span
        {
            span.record("method", tracing::field::display(&method));
        }
        self.method = method;
        self.step = match readiness {
            Readiness::Applied(Ok(generation)) => {
                self.used = generation;
                self.on_wire(request)
            }
            Readiness::Applied(Err(e)) => return Some(Attempt::NoCredentials(e)),
            // The slow path takes the request and gives it back.
            Readiness::Wait { limited } => Step::Waiting(wait_and_apply(self.inner, request, limited)),
        };
        None
    }

    /// The step of a request that is ready: on the wire.
    fn on_wire(&self, request: reqwest::Request) -> Step<'a> {
        Step::OnWire(OnWire::new(send(self.http, request), self.inner.max_response_size))
    }

    /// After an attempt: the wait before the next one when the policy retries this outcome (set
    /// as the next step), else the outcome, which ends the call.
    fn retry(&mut self, outcome: Attempt) -> Option<Attempt> {
        let retryable = match &outcome {
            Attempt::Answered(a) => retry::retryable_status(&self.method, a.status),
            Attempt::Failed { error, .. } => retry::retryable_failure(&self.method, error),
            Attempt::TooLarge | Attempt::NoCredentials(_) => false,
        };
        let policy = &self.inner.retry;
        if !retryable || self.attempts > policy.retries() + u32::from(self.resent) {
            return Some(outcome);
        }
        match retry_wait(policy, &outcome, &mut self.backoff, self.attempts, &mut self.over_cap) {
            Some(wait) => {
                self.step = Step::Sleeping(Box::pin(tokio::time::sleep(wait)));
                None
            }
            None => Some(outcome),
        }
    }

    /// The call's answer from its last attempt's outcome, recorded on its span.
    fn done(&mut self, outcome: Attempt) -> crate::Result<Answer> {
        self.step = Step::Done;
        if let (Some(started), Some(span)) = (self.started, &self.span) {
            record(span, started, self.attempts, &outcome);
        }
        (self.finish)(self.inner, outcome, self.attempts, self.over_cap)
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
    if error.is_redirect() {
        "redirect refused"
    } else if error.is_timeout() && error.is_connect() {
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
