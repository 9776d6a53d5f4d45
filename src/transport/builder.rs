//! The shared client builder: credentials, base URL, timeouts, retries, rate limit and
//! `User-Agent`, and the per-client state ([`Inner`]) the generated code carries.

use std::{fmt, marker::PhantomData, num::NonZeroU32, sync::Arc, time::Duration};

use http::{HeaderMap, HeaderName, HeaderValue, header};

use super::base_url::{check_base_url, redact_url};
use super::credentials::{Live, Renewal};
use crate::error::ConfigError;
use crate::retry::RetryPolicy;

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

type Limiter = governor::DefaultDirectRateLimiter;

/// Per-client state the generated code carries (progenitor's "inner type") and the hooks read.
#[derive(Clone)]
pub struct Inner {
    pub(crate) api: &'static str,
    /// A per-call view's headers when it has headers of its own (the client's with the view's
    /// over them); `None` for the client's own headers, which the credential slot keeps
    /// ([`Live::base`]).
    pub(crate) view_headers: Option<HeaderMap>,
    /// The credential slot, shared by every clone and view (see [`super::credentials`]); its
    /// headers (values marked sensitive) go on last, so nothing replaces them.
    pub(crate) credentials: Arc<Live>,
    pub(crate) retry: RetryPolicy,
    pub(crate) limiter: Option<Arc<Limiter>>,
    pub(crate) max_response_size: usize,
    /// A per-call timeout ([`CallOptions::timeout`](crate::CallOptions::timeout)) replacing
    /// the client's.
    pub(crate) timeout: Option<Duration>,
}

impl Inner {
    /// The API's name, e.g. "RequestRocket".
    pub fn api(&self) -> &'static str {
        self.api
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names only: values can hold secrets.
        let headers = self.view_headers.as_ref().unwrap_or(self.credentials.base());
        let names: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("Inner")
            .field("api", &self.api)
            .field("headers", &names)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
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
    /// The credential headers with what renews them, if anything does (default: nothing).
    #[doc(hidden)]
    fn live(credentials: &Self::Credentials) -> Renewal {
        Renewal::fixed(Self::headers(credentials))
    }
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
    credentials: Renewal,
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
        Self::live(S::live(&credentials))
    }

    pub(crate) fn live(credentials: Renewal) -> Self {
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
            .user_agent(user_agent.clone())
            .build()
            .map_err(|source| ConfigError::HttpClient { api: S::NAME, source })?;
        let limiter = match self.rate_limit {
            None => None,
            Some((requests, period)) => Some(Arc::new(limiter::<S>(requests, period)?)),
        };
        // Every operation of the four specs answers JSON; an API's fixed headers and the
        // builder's default headers may replace it. The `User-Agent` is on each request already,
        // so reqwest has none of its default headers left to add to a call's headers.
        let mut headers = HeaderMap::from_iter([
            (header::ACCEPT, HeaderValue::from_static("application/json")),
            (header::USER_AGENT, user_agent),
        ]);
        headers.extend(S::fixed_headers());
        headers.extend(self.extra_headers);
        let inner = Inner {
            api: S::NAME,
            view_headers: None,
            // The credentials are sent last, so a default or per-call header cannot replace them.
            credentials: Live::new(S::NAME, headers, self.credentials),
            retry: self.retry,
            limiter,
            max_response_size: self.max_response_size,
            timeout: None,
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
/// ring as rustls's process default when no provider is installed yet) and the rules that keep
/// credentials on their origin ([`super::redirect`]).
pub(crate) fn http_client_builder() -> reqwest::ClientBuilder {
    #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
    {
        // Fails only when a provider is installed already, which then serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    super::redirect::protect(reqwest::Client::builder())
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
