//! What runs around every call: the `pre` hook (credentials and fixed headers in) and the `exec`
//! hook (rate limit, retries, bounded body read, stand-in
//! error bodies, one tracing span per call).

use std::{
    fmt,
    time::{Duration, Instant},
};

use http::{HeaderMap, HeaderValue, StatusCode, header};
use tracing::Instrument;

use super::builder::Inner;
use crate::error::{READING, SENDING, VendorError};
use crate::headers::{request_id_str, retry_after};
use crate::retry;
use crate::stand_in::{ATTEMPTS_HEADER, Failure, FailureKind, RETRY_CAP_HEADER, RawErrorBody, STAND_IN_HEADER};

/// Error bodies above this size are cut before decoding, so a runaway body cannot exhaust
/// memory.
const ERROR_BODY_LIMIT: usize = 1 << 20;

/// The `pre` hook: puts the API's fixed headers and any per-call ones on the request, and a
/// per-call timeout; the credentials go on at each attempt, in the `exec` hook. (progenitor's
/// undocumented `api-version` header is taken out of the generated code by `build/surface.rs`.)
pub(crate) fn prepare(inner: &Inner, request: &mut reqwest::Request) {
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

/// The path a trace shows for a call, worked out only when a subscriber records it.
pub(crate) enum TracedPath<'a> {
    /// A generated operation: its template, looked up in the API's `OPERATIONS` table.
    Spec(&'static [(&'static str, &'static str, &'static str)], &'static str),
    /// A raw call: its first segment only, the rest can hold ids or tokens.
    Raw(&'a str),
}

impl fmt::Display for TracedPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TracedPath::Spec(operations, operation_id) => f.write_str(
                operations
                    .iter()
                    .find(|(id, _, _)| id == operation_id)
                    .map_or("(unknown)", |(_, _, path)| path),
            ),
            TracedPath::Raw(path) => {
                let first = path.split(['/', '?']).find(|s| !s.is_empty()).unwrap_or_default();
                write!(f, "/{first}/…")
            }
        }
    }
}

/// The `exec` hook: sends the request under the client's rate limit, retries it as the
/// client's [`RetryPolicy`] allows, reads the body (bounded) and, for an error status whose body
/// does not decode as the API's error type, puts a stand-in in its place, so the status and
/// headers reach the caller instead of a bare "invalid payload". One `tracing` span per call
/// records the operation, method, path template, status, attempts, duration and request id;
/// never a header value.
pub(crate) async fn execute<E: VendorError>(
    http: &reqwest::Client,
    inner: &Inner,
    request: reqwest::Request,
    operation: &'static str,
    path: TracedPath<'_>,
) -> reqwest::Result<reqwest::Response> {
    // Field values are only worked out when a subscriber wants the span.
    let span = tracing::info_span!(
        "rocket_apis.call",
        api = inner.api,
        operation,
        method = %request.method(),
        path = %path,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
        request_id = tracing::field::Empty,
    );
    send_with_retries::<E>(http, inner, request).instrument(span).await
}

/// What one attempt came to.
enum Attempt {
    Answered(Answer),
    Failed {
        error: reqwest::Error,
        during: &'static str,
    },
    TooLarge,
}

/// A response with its body read.
struct Answer {
    status: StatusCode,
    version: http::Version,
    headers: HeaderMap,
    body: bytes::Bytes,
    /// The URL answered, for the rebuilt response (without it reqwest parses a placeholder URL
    /// on every call).
    url: reqwest::Url,
}

async fn send_with_retries<E: VendorError>(
    http: &reqwest::Client,
    inner: &Inner,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let started = Instant::now();
    let method = request.method().clone();
    let policy = &inner.retry;
    // Built at the first retry: a call that succeeds at once never needs it.
    let mut backoff = None;
    let mut attempts = 0u32;
    let mut over_cap = None;
    // Live credentials (issue 12): a 401 may renew them and send the call again, once.
    let mut resent = false;
    let outcome = loop {
        attempts += 1;
        if let Some(limiter) = &inner.limiter {
            limiter.until_ready().await;
        }
        let Some(mut this) = request.try_clone() else {
            // A streamed body cannot be sent twice: one attempt only.
            let mut request = request;
            if let Err(e) = inner.credentials.apply(&mut request).await {
                return Ok(Failure::response(FailureKind::Credentials(e)));
            }
            break attempt(http, request, inner.max_response_size).await;
        };
        let used = match inner.credentials.apply(&mut this).await {
            Ok(generation) => generation,
            Err(e) => return Ok(Failure::response(FailureKind::Credentials(e))),
        };
        let outcome = attempt(http, this, inner.max_response_size).await;
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
                Err(e) => return Ok(Failure::response(FailureKind::Credentials(e))),
            }
        }
        let retryable = match &outcome {
            Attempt::Answered(a) => retry::retryable_status(&method, a.status),
            Attempt::Failed { error, .. } => retry::retryable_failure(&method, error),
            Attempt::TooLarge => false,
        };
        if !retryable || attempts > policy.retries() + u32::from(resent) {
            break outcome;
        }
        let Some(backoff_wait) = backoff.get_or_insert_with(|| policy.backoff()).next() else {
            break outcome;
        };
        let (wait, reason) = match &outcome {
            Attempt::Answered(a) => match retry_after(&a.headers) {
                Some(asked) if asked > policy.retry_after_cap() => {
                    over_cap = Some(policy.retry_after_cap());
                    tracing::info!(
                        status = a.status.as_u16(),
                        retry_after_s = asked.as_secs_f64(),
                        cap_s = policy.retry_after_cap().as_secs_f64(),
                        "not retrying: the server asks for a wait longer than the cap"
                    );
                    break outcome;
                }
                Some(asked) => (asked, format!("status {}, Retry-After", a.status.as_u16())),
                None => (backoff_wait, format!("status {}", a.status.as_u16())),
            },
            Attempt::Failed { error, .. } => (backoff_wait, failure_kind(error).to_string()),
            Attempt::TooLarge => break outcome,
        };
        tracing::warn!(
            attempt = attempts,
            reason = %reason,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        drop(outcome);
        tokio::time::sleep(wait).await;
    };

    let span = tracing::Span::current();
    if !span.is_disabled() {
        span.record("attempts", attempts);
        span.record("duration_ms", started.elapsed().as_millis() as u64);
    }
    match outcome {
        Attempt::Answered(answer) => {
            if !span.is_disabled() {
                span.record("status", answer.status.as_u16());
                if let Some(id) = request_id_str(&answer.headers) {
                    span.record("request_id", id);
                }
            }
            tracing::debug!(status = answer.status.as_u16(), attempts, "call finished");
            Ok(finish::<E>(answer, attempts, over_cap))
        }
        Attempt::Failed { error, during } => {
            tracing::debug!(failure = failure_kind(&error), attempts, "call failed");
            if attempts == 1 && during == SENDING {
                Err(error)
            } else {
                Ok(Failure::response(FailureKind::Transport {
                    error,
                    during,
                    attempts,
                }))
            }
        }
        Attempt::TooLarge => {
            tracing::debug!(limit = inner.max_response_size, "response body over the limit");
            Ok(Failure::response(FailureKind::TooLarge {
                limit: inner.max_response_size,
            }))
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

/// Sends once and reads the body: error bodies cut at [`ERROR_BODY_LIMIT`], success bodies
/// refused over `limit`.
async fn attempt(http: &reqwest::Client, request: reqwest::Request, limit: usize) -> Attempt {
    let mut response = match http.execute(request).await {
        Ok(r) => r,
        Err(error) => return Attempt::Failed { error, during: SENDING },
    };
    let status = response.status();
    let version = response.version();
    let url = response.url().clone();
    let headers = std::mem::take(response.headers_mut());
    let is_error = status.is_client_error() || status.is_server_error();
    if !is_error && response.content_length().is_some_and(|len| len > limit as u64) {
        return Attempt::TooLarge;
    }
    let cut_at = if is_error { ERROR_BODY_LIMIT.min(limit) } else { limit };
    match read_limited(response, cut_at).await {
        Ok((body, complete)) if complete || is_error => Attempt::Answered(Answer {
            status,
            version,
            headers,
            body,
            url,
        }),
        Ok(_) => Attempt::TooLarge,
        Err(error) => Attempt::Failed { error, during: READING },
    }
}

/// The response the generated code reads: the buffered body, or for an error status a body
/// that decodes as `E` (the stand-in), with the attempts and a refused wait as marker headers.
fn finish<E: VendorError>(answer: Answer, attempts: u32, over_cap: Option<Duration>) -> reqwest::Response {
    let Answer {
        status,
        version,
        mut headers,
        body,
        url,
    } = answer;
    let mut rebuilt = if status.is_client_error() || status.is_server_error() {
        let decoded = if serde_json::from_slice::<E>(&body).is_ok() {
            body.clone()
        } else {
            headers.insert(STAND_IN_HEADER, HeaderValue::from_static("1"));
            let text = String::from_utf8_lossy(&body);
            bytes::Bytes::from(E::stand_in(status, &text).to_string())
        };
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if attempts > 1 {
            headers.insert(ATTEMPTS_HEADER, HeaderValue::from(attempts));
        }
        if let Some(cap) = over_cap {
            headers.insert(RETRY_CAP_HEADER, HeaderValue::from(cap.as_millis() as u64));
        }
        // The body may be a stand-in now: the framing headers no longer describe it.
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::CONTENT_ENCODING);
        headers.remove(header::TRANSFER_ENCODING);
        let mut rebuilt = rebuild(status, version, url, decoded);
        rebuilt.extensions_mut().insert(RawErrorBody(body));
        rebuilt
    } else {
        rebuild(status, version, url, body)
    };
    *rebuilt.headers_mut() = headers;
    reqwest::Response::from(rebuilt)
}

/// A response with this status, version and body that says which URL it came from (without
/// the URL, `reqwest::Response::from` parses a placeholder one on every call).
fn rebuild(
    status: StatusCode,
    version: http::Version,
    url: reqwest::Url,
    body: bytes::Bytes,
) -> http::Response<bytes::Bytes> {
    use reqwest::ResponseBuilderExt;
    let builder = http::Response::builder().status(status).version(version).url(url);
    // A builder given a valid status and version cannot fail; the fallback keeps them anyway.
    builder.body(body.clone()).unwrap_or_else(|_| {
        let mut response = http::Response::new(body);
        *response.status_mut() = status;
        *response.version_mut() = version;
        response
    })
}

/// Reads the body up to `limit` bytes; `complete` is false when there was more.
async fn read_limited(mut response: reqwest::Response, limit: usize) -> reqwest::Result<(bytes::Bytes, bool)> {
    // Sized once from the announced length, so a large body is not copied at every doubling.
    let announced = response
        .content_length()
        .map_or(0, |len| len.min(limit as u64) as usize);
    let mut buf = bytes::BytesMut::with_capacity(announced);
    while let Some(chunk) = response.chunk().await? {
        if buf.is_empty() && chunk.len() <= limit {
            // The common case, a body in one chunk: no copy.
            match response.chunk().await? {
                None => return Ok((chunk, true)),
                Some(next) => {
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
