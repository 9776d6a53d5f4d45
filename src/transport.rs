//! What every client shares on the wire: configuration, the builder, and the hooks that run
//! around each generated call (credentials in, undocumented headers out, error bodies made
//! decodable).

use std::{
    fmt,
    marker::PhantomData,
    net::IpAddr,
    num::NonZeroU32,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use tracing::Instrument;

use crate::error::{
    ATTEMPTS_HEADER, ConfigError, READING, RETRY_CAP_HEADER, RawErrorBody, SENDING, STAND_IN_HEADER, VendorError,
};
use crate::retry::{self, RetryPolicy};

/// `User-Agent` sent by every client: name, version and where to reach the authors
/// (AuthRocket asks this of libraries).
pub const USER_AGENT: &str = concat!(
    env!("CARGO_PKG_NAME"),
    "/",
    env!("CARGO_PKG_VERSION"),
    " (+",
    env!("CARGO_PKG_REPOSITORY"),
    ")"
);

/// Default limit on establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit on a whole call, body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit on a success body; a larger one fails the call with
/// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge) instead of exhausting memory.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 64 << 20;
/// Error bodies above this size are cut before decoding, so a runaway body cannot exhaust
/// memory.
const ERROR_BODY_LIMIT: usize = 1 << 20;

type Limiter = governor::DefaultDirectRateLimiter;

/// Per-client state the generated code carries (progenitor's "inner type") and the hooks read.
#[derive(Clone)]
pub struct Inner {
    api: &'static str,
    headers: HeaderMap,
    retry: RetryPolicy,
    limiter: Option<Arc<Limiter>>,
    max_response_size: usize,
}

impl Inner {
    /// The API's name, e.g. "RequestRocket".
    pub fn api(&self) -> &'static str {
        self.api
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names only: values include credentials.
        let names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("Inner")
            .field("api", &self.api)
            .field("headers", &names)
            .field("retry", &self.retry)
            .field("rate_limited", &self.limiter.is_some())
            .field("max_response_size", &self.max_response_size)
            .finish()
    }
}

/// One API, as the shared builder needs to know it. Implemented by each API's marker type
/// (e.g. [`crate::requestrocket::RequestRocket`]).
pub trait Service: sealed::Wrap {
    /// Name used in messages.
    const NAME: &'static str;
    /// Production base URL, from the spec's `servers`.
    const DEFAULT_BASE_URL: &'static str;
    /// The credentials this API takes.
    type Credentials: Clone;
    /// The headers that carry the credentials (values marked sensitive) and any other headers
    /// the API wants on every request.
    #[doc(hidden)]
    fn headers(credentials: &Self::Credentials) -> HeaderMap;
    /// Extra rules for the base URL beyond "https, or http on loopback".
    #[doc(hidden)]
    fn check_base_url(_url: &reqwest::Url) -> Result<(), String> {
        Ok(())
    }
    /// Extra headers for every request besides the credentials (e.g. `Accept`).
    #[doc(hidden)]
    fn fixed_headers() -> HeaderMap {
        HeaderMap::new()
    }
    /// Well-formed credentials for a client of a mock server.
    #[cfg(feature = "mock")]
    #[doc(hidden)]
    fn mock_credentials() -> Self::Credentials;
}

pub(crate) mod sealed {
    /// How the shared builder wraps an API's generated client (implemented by `api_client!`).
    pub trait Wrap {
        /// The client the builder builds.
        type Client;
        /// Wraps the generated client.
        fn assemble(base_url: &str, http: reqwest::Client, inner: super::Inner) -> Self::Client;
    }
}

/// Builds a client for one API: credentials, base URL, timeouts, `User-Agent`.
///
/// Get one from the API's `Client::builder`, e.g.
/// [`requestrocket::Client::builder`](crate::requestrocket::Client::builder).
#[must_use]
pub struct ClientBuilder<S: Service> {
    credentials: S::Credentials,
    base_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: Option<String>,
    extra_headers: HeaderMap,
    invalid_header: Option<String>,
    retry: RetryPolicy,
    rate_limit: Option<(u32, Duration)>,
    max_response_size: usize,
    _api: PhantomData<S>,
}

impl<S: Service> fmt::Debug for ClientBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api", &S::NAME)
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

impl<S: Service> ClientBuilder<S> {
    pub(crate) fn new(credentials: S::Credentials) -> Self {
        ClientBuilder {
            credentials,
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: None,
            extra_headers: HeaderMap::new(),
            invalid_header: None,
            retry: RetryPolicy::default(),
            rate_limit: None,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            _api: PhantomData,
        }
    }

    /// Calls this base URL instead of the production one. It must be `https://`; plain
    /// `http://` is accepted only for loopback hosts (`localhost`, `127.0.0.0/8`, `::1`), for
    /// tests and local mocks.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Limit on each attempt of a call, from sending to the end of the body (default 30 s).
    /// When it fires the call fails with [`Error::Timeout`](crate::Error::Timeout) naming the
    /// total timeout (retried for idempotent methods, like other failures); a call with retries
    /// can take up to `(retries + 1) × timeout` plus the waits between attempts.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit on establishing the connection (default 10 s). When it fires the error names the
    /// connect timeout; such a call was never sent, so it is retried for every method.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How failed calls are retried (default: [`RetryPolicy::default`], 2 retries);
    /// [`RetryPolicy::none`] switches retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Keeps this client (and its clones) under `requests` per minute, waiting before a request
    /// instead of drawing a `429`; retries and look-ahead page requests count too. For example
    /// 100 on RequestRocket's Basic plan, 1,000 on Team. Bursts of up to `requests` are allowed.
    /// Zero makes [`build`](Self::build) fail.
    pub fn requests_per_minute(self, requests: u32) -> Self {
        self.rate_limit(requests, Duration::from_secs(60))
    }

    /// Keeps this client (and its clones) under `requests` per `period` (see
    /// [`requests_per_minute`](Self::requests_per_minute)).
    pub fn rate_limit(mut self, requests: u32, period: Duration) -> Self {
        self.rate_limit = Some((requests, period));
        self
    }

    /// Largest success body accepted (default 64 MiB); a larger one fails the call with
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge).
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Names your application in the `User-Agent`, before this crate's own token,
    /// e.g. `"billing-sync/2.1 (ops@example.com)"`.
    pub fn user_agent(mut self, product: impl Into<String>) -> Self {
        self.user_agent = Some(product.into());
        self
    }

    /// Sends this header on every request too (e.g. a tracing header, or `Prefer` for a mock
    /// server). It cannot replace the credential headers. A name or value that is not a valid
    /// header makes [`build`](Self::build) fail.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(n), Ok(v)) => {
                self.extra_headers.append(n, v);
            }
            _ => self.invalid_header = Some(name.to_string()),
        }
        self
    }

    /// Takes the base URL from this environment variable when it is set and not empty.
    pub(crate) fn base_url_from_env(self, var: &'static str) -> Result<Self, ConfigError> {
        Ok(match env_var(var)? {
            Some(url) => self.base_url(url),
            None => self,
        })
    }

    /// Checks the settings and builds the client. Nothing is sent.
    pub fn build(self) -> Result<<S as sealed::Wrap>::Client, ConfigError> {
        if let Some(name) = &self.invalid_header {
            return Err(ConfigError::Invalid {
                api: S::NAME,
                message: format!("default header `{name}`: not a valid header name and value"),
            });
        }
        let raw = self.base_url.as_deref().unwrap_or(S::DEFAULT_BASE_URL);
        let url = check_base_url::<S>(raw)?;
        let user_agent = match &self.user_agent {
            Some(app) => format!("{app} {USER_AGENT}"),
            None => USER_AGENT.to_string(),
        };
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| ConfigError::Invalid {
            api: S::NAME,
            message: "the User-Agent must be printable ASCII".into(),
        })?;
        let http = http_client_builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(user_agent)
            .build()
            .map_err(|source| ConfigError::HttpClient { api: S::NAME, source })?;
        let limiter = match self.rate_limit {
            None => None,
            Some((requests, period)) => Some(Arc::new(limiter::<S>(requests, period)?)),
        };
        let mut headers = S::fixed_headers();
        headers.extend(self.extra_headers);
        // Credentials last, so a default header cannot replace them.
        headers.extend(S::headers(&self.credentials));
        let inner = Inner {
            api: S::NAME,
            headers,
            retry: self.retry,
            limiter,
            max_response_size: self.max_response_size,
        };
        Ok(S::assemble(url.as_str().trim_end_matches('/'), http, inner))
    }
}

fn limiter<S: Service>(requests: u32, period: Duration) -> Result<Limiter, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid { api: S::NAME, message };
    let burst = NonZeroU32::new(requests)
        .ok_or_else(|| invalid("rate limit: the number of requests must be at least 1".into()))?;
    let quota = governor::Quota::with_period(period / requests)
        .ok_or_else(|| invalid(format!("rate limit: a period of {period:?} is too short")))?
        .allow_burst(burst);
    Ok(governor::RateLimiter::direct(quota))
}

/// A `reqwest` client builder with the crate's TLS backend ready (feature `tls-ring` installs
/// ring as rustls's process default when no provider is installed yet).
pub(crate) fn http_client_builder() -> reqwest::ClientBuilder {
    #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
    {
        // Fails only when a provider is installed already, which then serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
}

/// Reads an environment variable that may be absent; present but empty counts as absent.
pub(crate) fn env_var(var: &'static str) -> Result<Option<String>, ConfigError> {
    match std::env::var(var) {
        Ok(v) if v.is_empty() => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode { var }),
    }
}

fn check_base_url<S: Service>(raw: &str) -> Result<reqwest::Url, ConfigError> {
    let refuse = |reason: String| ConfigError::BaseUrl {
        api: S::NAME,
        url: redact_url(raw),
        reason,
    };
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| {
        refuse(format!(
            "not an absolute URL ({e}); expected e.g. `{}`",
            S::DEFAULT_BASE_URL
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "it contains a user name or password; credentials go in the builder, never in the URL".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse(
            "it has a query or fragment; give the scheme, host and base path only".into(),
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(refuse(
                "plain http would send the credentials unencrypted; use https:// (http:// is allowed only for loopback hosts)".into(),
            ));
        }
        other => return Err(refuse(format!("scheme `{other}` is not supported; use https://"))),
    }
    S::check_base_url(&url).map_err(refuse)?;
    Ok(url)
}

pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// The URL as it may be shown: any user name or password replaced.
fn redact_url(raw: &str) -> String {
    match reqwest::Url::parse(raw.trim()) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("redacted");
            let _ = url.set_password(None);
            url.to_string()
        }
        Ok(_) => raw.trim().to_string(),
        // Unparseable: show it only if it cannot hide a user-info part.
        Err(_) if !raw.contains('@') => raw.trim().to_string(),
        Err(_) => "<unparseable URL, not shown>".into(),
    }
}

/// The request id a server sent, under the names vendors use for it.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    request_id_str(headers).map(str::to_string)
}

fn request_id_str(headers: &HeaderMap) -> Option<&str> {
    [
        "x-request-id",
        "request-id",
        "x-amzn-requestid",
        "apigw-requestid",
        "x-correlation-id",
    ]
    .iter()
    .find_map(|name| headers.get(*name)?.to_str().ok())
}

/// `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The `pre` hook: puts the credentials and the API's fixed headers on the request and takes
/// off what the vendor does not document (progenitor's `api-version`).
pub(crate) fn prepare(inner: &Inner, request: &mut reqwest::Request) {
    let headers = request.headers_mut();
    headers.remove("api-version");
    for (name, value) in &inner.headers {
        headers.insert(name.clone(), value.clone());
    }
}

/// Status of the stand-in response that carries a failure out of the `exec` hook (see
/// [`Failure`]); outside every range a spec can list, so the generated code always hands it
/// back as an unexpected response, which [`crate::Error`]'s `From` turns into the failure.
pub(crate) const FAILURE_STATUS: u16 = 999;

/// A failure found inside the `exec` hook that the hook's `reqwest::Result` cannot carry (how
/// many attempts were made, a body over the limit). Travels in the extensions of a stand-in
/// response and is taken out once, by the conversion into [`crate::Error`].
#[derive(Clone)]
pub(crate) struct Failure(pub(crate) Arc<Mutex<Option<FailureKind>>>);

pub(crate) enum FailureKind {
    Transport {
        error: reqwest::Error,
        during: &'static str,
        attempts: u32,
    },
    TooLarge {
        limit: usize,
    },
}

impl Failure {
    fn response(kind: FailureKind) -> reqwest::Response {
        let mut response = http::Response::new(bytes::Bytes::new());
        *response.status_mut() = StatusCode::from_u16(FAILURE_STATUS).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        response
            .extensions_mut()
            .insert(Failure(Arc::new(Mutex::new(Some(kind)))));
        reqwest::Response::from(response)
    }

    /// The failure a stand-in response carries, taken out (`None` for any other response).
    pub(crate) fn take(response: &reqwest::Response) -> Option<FailureKind> {
        let failure = response.extensions().get::<Failure>()?;
        failure.0.lock().ok()?.take()
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
}

async fn send_with_retries<E: VendorError>(
    http: &reqwest::Client,
    inner: &Inner,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let started = Instant::now();
    let method = request.method().clone();
    let policy = &inner.retry;
    let mut backoff = policy.backoff();
    let mut attempts = 0u32;
    let mut over_cap = None;
    let outcome = loop {
        attempts += 1;
        if let Some(limiter) = &inner.limiter {
            limiter.until_ready().await;
        }
        let Some(this) = request.try_clone() else {
            // A streamed body cannot be sent twice: one attempt only.
            break attempt(http, request, inner.max_response_size).await;
        };
        let outcome = attempt(http, this, inner.max_response_size).await;
        let retryable = match &outcome {
            Attempt::Answered(a) => retry::retryable_status(&method, a.status),
            Attempt::Failed { error, .. } => retry::retryable_failure(&method, error),
            Attempt::TooLarge => false,
        };
        if !retryable || attempts > policy.retries() {
            break outcome;
        }
        let Some(backoff_wait) = backoff.next() else {
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
    span.record("attempts", attempts);
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    match outcome {
        Attempt::Answered(answer) => {
            span.record("status", answer.status.as_u16());
            if let Some(id) = request_id_str(&answer.headers) {
                span.record("request_id", id);
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
        let mut rebuilt = http::Response::new(decoded);
        rebuilt.extensions_mut().insert(RawErrorBody(body));
        rebuilt
    } else {
        http::Response::new(body)
    };
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::CONTENT_ENCODING);
    headers.remove(header::TRANSFER_ENCODING);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    reqwest::Response::from(rebuilt)
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

/// A stand-in error body in the common flat shape `{error, message, status}` (RequestRocket's
/// and Rockety's), holding the original text as the message.
#[cfg_attr(not(any(feature = "requestrocket", feature = "rockety")), allow(dead_code))]
pub(crate) fn flat_stand_in(status: StatusCode, text: &str) -> serde_json::Value {
    serde_json::json!({
        "error": status.canonical_reason().unwrap_or("Error"),
        "message": text,
        "status": status.as_u16(),
    })
}

/// Implements progenitor's `ClientHooks` for one generated client with the shared hooks.
macro_rules! shared_hooks {
    ($client:ty, $error:ty, $operations:expr) => {
        impl progenitor_client::ClientHooks<$crate::transport::Inner> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                _info: &progenitor_client::OperationInfo,
            ) -> std::result::Result<(), progenitor_client::Error<E>> {
                $crate::transport::prepare(progenitor_client::ClientInfo::inner(self), request);
                Ok(())
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                use progenitor_client::ClientInfo;
                let path = $crate::transport::TracedPath::Spec($operations, info.operation_id);
                $crate::transport::execute::<$error>(self.client(), self.inner(), request, info.operation_id, path)
                    .await
            }
        }
    };
}

pub(crate) use shared_hooks;

/// A call to an endpoint that is not in the spec yet, with the client's credentials, base URL,
/// headers and error handling. Get one from an API client's `raw` method.
///
/// The path is relative to the base URL and must start with `/`; the request cannot leave the
/// configured host, so the credentials cannot either.
#[must_use]
pub struct RawRequest<'a, E> {
    http: &'a reqwest::Client,
    base_url: &'a str,
    inner: &'a Inner,
    method: http::Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<serde_json::Value>,
    _error: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for RawRequest<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRequest")
            .field("api", &self.inner.api)
            .field("method", &self.method)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<'a, E: VendorError> RawRequest<'a, E> {
    pub(crate) fn new(
        http: &'a reqwest::Client,
        base_url: &'a str,
        inner: &'a Inner,
        method: http::Method,
        path: &str,
    ) -> Self {
        RawRequest {
            http,
            base_url,
            inner,
            method,
            path: path.to_string(),
            query: Vec::new(),
            body: None,
            _error: PhantomData,
        }
    }

    /// Adds a query parameter (encoded for you).
    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Sends this JSON body.
    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Sends the request. A success body is returned as JSON (`Null` when empty); an error
    /// status becomes [`crate::Error::Api`] exactly as for generated operations.
    pub async fn send(self) -> crate::Result<progenitor_client::ResponseValue<serde_json::Value>> {
        let api = self.inner.api;
        let invalid = |message: String| crate::Error::InvalidRequest { api, message };
        if !self.path.starts_with('/') || self.path.starts_with("//") || self.path.contains("://") {
            return Err(invalid(format!(
                "raw path `{}` must be relative to the base URL and start with a single `/`",
                self.path
            )));
        }
        if self.path.split(['/', '?', '#']).any(|seg| seg == "..") {
            return Err(invalid(format!("raw path `{}` must not contain `..`", self.path)));
        }
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, self.path))
            .map_err(|e| invalid(format!("raw path `{}` does not make a URL: {e}", self.path)))?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(self.query.iter());
        }
        let mut builder = self
            .http
            .request(self.method, url)
            .header(header::ACCEPT, "application/json");
        if let Some(body) = &self.body {
            builder = builder.json(body);
        }
        let mut request = builder
            .build()
            .map_err(|e| crate::error::from_reqwest(api, e, "building the request", 1))?;
        prepare(self.inner, &mut request);
        let response = execute::<E>(self.http, self.inner, request, "raw", TracedPath::Raw(&self.path))
            .await
            .map_err(|e| crate::error::from_reqwest(api, e, SENDING, 1))?;
        if let Some(failure) = Failure::take(&response) {
            return Err(crate::error::from_failure(api, failure));
        }
        let status = response.status();
        if status.is_client_error() || status.is_server_error() {
            let rv = progenitor_client::ResponseValue::<E>::from_response::<E>(response).await;
            return Err(match rv {
                Ok(rv) => progenitor_client::Error::ErrorResponse(rv).into(),
                Err(e) => e.into(),
            });
        }
        let headers = response.headers().clone();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| crate::error::from_reqwest(api, e, READING, 1))?;
        let value = if bytes.iter().all(u8::is_ascii_whitespace) {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .map_err(|e| crate::Error::from(progenitor_client::Error::<E>::InvalidResponsePayload(bytes, e)))?
        };
        Ok(progenitor_client::ResponseValue::new(value, status, headers))
    }
}

/// The request id of a successful response, under the names vendors use for it.
pub trait ResponseExt {
    /// The server's request id (`X-Request-ID` and similar), to quote to the vendor's support.
    fn request_id(&self) -> Option<&str>;
}

impl<T> ResponseExt for progenitor_client::ResponseValue<T> {
    fn request_id(&self) -> Option<&str> {
        request_id_str(self.headers())
    }
}

/// The hand-written `Client` of one API: a thin wrapper over the generated client, with the
/// shared builder, base URL, escape hatch and hooks. Each API module invokes it once.
macro_rules! api_client {
    (service = $service:ident, name = $name:literal, credentials = $creds:ty, error = $error:ty) => {
        /// Marker for this API in [`ClientBuilder`](crate::ClientBuilder).
        #[derive(Debug, Clone, Copy)]
        pub struct $service;

        /// This API's marker, under the name the generated code uses.
        #[doc(hidden)]
        pub type Api = $service;

        impl $crate::transport::sealed::Wrap for $service {
            type Client = Client;
            fn assemble(base_url: &str, http: reqwest::Client, inner: $crate::transport::Inner) -> Client {
                Client {
                    api: api::Client::new_with_client(base_url, http, inner),
                }
            }
        }

        #[doc = concat!("A ", $name, " client. Cheap to clone; clones share the connection pool.")]
        ///
        /// Dereferences to the generated [`api::Client`], whose methods are the spec's operations.
        #[derive(Clone, Debug)]
        pub struct Client {
            api: api::Client,
        }

        impl Client {
            /// A client with the default settings.
            pub fn new(credentials: impl Into<$creds>) -> Result<Self, $crate::ConfigError> {
                Self::builder(credentials).build()
            }

            /// A builder, to set the base URL, timeouts or `User-Agent`.
            pub fn builder(credentials: impl Into<$creds>) -> $crate::ClientBuilder<$service> {
                $crate::ClientBuilder::new(credentials.into())
            }

            /// The base URL calls go to, without a trailing slash.
            pub fn base_url(&self) -> &str {
                progenitor_client::ClientInfo::baseurl(&self.api)
            }

            /// Calls an endpoint that is not in the spec yet, with this client's credentials,
            /// base URL, headers and error handling (see [`RawRequest`](crate::RawRequest)).
            pub fn raw(&self, method: http::Method, path: &str) -> $crate::RawRequest<'_, $error> {
                use progenitor_client::ClientInfo;
                $crate::RawRequest::new(
                    self.api.client(),
                    self.api.baseurl(),
                    self.api.inner(),
                    method,
                    path,
                )
            }

            /// The generated client, for passing where `api::Client` is expected.
            pub fn api(&self) -> &api::Client {
                &self.api
            }
        }

        /// A typed mock server of this API for your tests (cargo feature `mock`; see
        /// [`crate::mock`]).
        #[cfg(feature = "mock")]
        pub mod mock {
            /// A mock server of this API, with a typed method per operation.
            pub type MockServer = $crate::mock::MockServer<super::$service>;

            impl $crate::mock::MockServer<super::$service> {
                /// A client pointed at this mock, with well-formed test credentials and
                /// retries off.
                pub fn client(&self) -> super::Client {
                    use $crate::Service;
                    match self.builder(super::$service::mock_credentials()).build() {
                        Ok(client) => client,
                        Err(e) => unreachable!("a loopback base URL and test credentials are valid: {e}"),
                    }
                }
            }
        }

        impl std::ops::Deref for Client {
            type Target = api::Client;
            fn deref(&self) -> &api::Client {
                &self.api
            }
        }

        $crate::transport::shared_hooks!(api::Client, $error, api::OPERATIONS);
    };
}

pub(crate) use api_client;

/// The generated client and types of one API, from `$OUT_DIR` with `codegen`, else from the
/// committed `generated/` file.
macro_rules! generated_api {
    ($name:literal) => {
        #[doc = concat!("The generated client and types (`specs/", $name, ".yaml` → `generated/", $name, ".rs`).")]
        #[allow(
            missing_docs,
            clippy::all,
            clippy::pedantic,
            unused_imports,
            unreachable_patterns,
            dead_code
        )]
        pub mod api {
            #[cfg(feature = "codegen")]
            include!(concat!(env!("OUT_DIR"), "/", $name, ".rs"));
            #[cfg(not(feature = "codegen"))]
            include!(concat!(env!("CARGO_MANIFEST_DIR"), "/generated/", $name, ".rs"));
        }

        pub use api::types;
    };
}

pub(crate) use generated_api;
