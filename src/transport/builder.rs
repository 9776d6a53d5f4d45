//! The shared client builder: credentials, base URL, timeouts, retries, rate limit,
//! `User-Agent`, the user's HTTP settings and middleware.

use std::{fmt, marker::PhantomData, num::NonZeroU32, sync::Arc, time::Duration};

use http::{HeaderMap, HeaderName, HeaderValue, header};

use super::base_url::{check_base_url, redact_url};
use super::credentials::{Live, Renewal};
use super::inner::{Inner, Limiter};
use super::service::{Service, sealed};
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
    configure_http: Option<Box<dyn FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send>>,
    #[cfg(feature = "middleware")]
    middleware: Vec<Arc<dyn reqwest_middleware::Middleware>>,
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
            .field("configure_http", &self.configure_http.is_some())
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
            configure_http: None,
            #[cfg(feature = "middleware")]
            middleware: Vec::new(),
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

    /// Your own settings of the HTTP client: `f` gets the `reqwest::ClientBuilder` the crate has
    /// prepared (timeouts, `User-Agent`, TLS backend) and returns it with yours: a proxy, a
    /// private CA, a client certificate, a local address, HTTP/2 or DNS settings. Called once, at
    /// [`build`](Self::build); a second call replaces the first.
    ///
    /// Afterwards the crate puts back the rules that protect credentials, so no setting here can
    /// weaken them: redirects are followed only within the base URL's origin, no `Referer` is
    /// sent, raw connection bytes are never logged, and an https base URL is never left for
    /// http. A client that cannot be built (say, an invalid certificate) makes `build` fail
    /// with [`ConfigError::HttpClient`].
    ///
    /// An HTTP proxy (reqwest also honours `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` by default):
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # #[cfg(feature = "rockety")] {
    /// use rocket_apis::rockety::{ApiToken, Client};
    ///
    /// let proxy = reqwest::Proxy::https("http://proxy.internal:3128")?.basic_auth("svc", "proxy-password");
    /// let client = Client::builder(ApiToken::new("rk_live_4f9c2a7e1b")?)
    ///     .configure_http(|http| http.proxy(proxy))
    ///     .build()?;
    /// # }
    /// # Ok(()) }
    /// ```
    ///
    /// A private CA, e.g. behind a TLS-inspecting proxy:
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # #[cfg(feature = "rockety")] {
    /// use rocket_apis::rockety::{ApiToken, Client};
    ///
    /// let ca = reqwest::Certificate::from_pem(&std::fs::read("/etc/ssl/corp-root.pem")?)?;
    /// let client = Client::builder(ApiToken::new("rk_live_4f9c2a7e1b")?)
    ///     .configure_http(|http| http.add_root_certificate(ca))
    ///     .build()?;
    /// # }
    /// # Ok(()) }
    /// ```
    ///
    /// A client certificate (mutual TLS), its PEM holding the key and the certificate chain:
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # #[cfg(feature = "rockety")] {
    /// use rocket_apis::rockety::{ApiToken, Client};
    ///
    /// let identity = reqwest::Identity::from_pem(&std::fs::read("/run/secrets/client.pem")?)?;
    /// let client = Client::builder(ApiToken::new("rk_live_4f9c2a7e1b")?)
    ///     .configure_http(|http| http.identity(identity))
    ///     .build()?;
    /// # }
    /// # Ok(()) }
    /// ```
    pub fn configure_http(
        mut self,
        f: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + 'static,
    ) -> Self {
        self.configure_http = Some(Box::new(f));
        self
    }

    /// Adds a [`reqwest_middleware`] middleware (cargo feature `middleware`). Middlewares run in
    /// the order added, once per attempt, between the crate's retry loop and the wire, for
    /// generated calls and `raw()` alike; one may answer in place of the server, and that
    /// answer is decoded as the call's.
    ///
    /// A middleware sees each request as it goes out, credential headers included: redacting
    /// them in its own logs is its job (their values are marked sensitive, so `Debug` of the
    /// headers shows `Sensitive`). Do not add a retrying middleware: the crate retries already
    /// (see [`retry`](Self::retry)), and the two would multiply. Its own failures come back as
    /// [`Error::Middleware`](crate::Error::Middleware), never retried.
    ///
    /// ```no_run
    /// # #[cfg(feature = "rockety")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use rocket_apis::rockety::{ApiToken, Client};
    /// use reqwest_middleware::{Middleware, Next};
    ///
    /// /// Logs each attempt's method, path and status.
    /// struct LogRequests;
    ///
    /// #[async_trait::async_trait]
    /// impl Middleware for LogRequests {
    ///     async fn handle(
    ///         &self,
    ///         req: reqwest::Request,
    ///         extensions: &mut http::Extensions,
    ///         next: Next<'_>,
    ///     ) -> reqwest_middleware::Result<reqwest::Response> {
    ///         let (method, path) = (req.method().clone(), req.url().path().to_owned());
    ///         let response = next.run(req, extensions).await;
    ///         let status = response.as_ref().map(|r| r.status().as_u16()).ok();
    ///         println!("{method} {path} -> {status:?}");
    ///         response
    ///     }
    /// }
    ///
    /// let client = Client::builder(ApiToken::new("rk_live_4f9c2a7e1b")?).middleware(LogRequests).build()?;
    /// # let _ = client;
    /// # Ok(()) }
    /// # #[cfg(not(feature = "rockety"))]
    /// # fn main() {}
    /// ```
    #[cfg(feature = "middleware")]
    #[cfg_attr(docsrs, doc(cfg(feature = "middleware")))]
    pub fn middleware(mut self, m: impl reqwest_middleware::Middleware) -> Self {
        self.middleware.push(Arc::new(m));
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
        let prepared = super::http::client_builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(user_agent.clone());
        let configured = match self.configure_http {
            Some(configure) => configure(prepared),
            None => prepared,
        };
        let http = super::http::protect(configured, url.scheme() == "https")
            .build()
            .map_err(|source| ConfigError::HttpClient { api: S::NAME, source })?;
        #[cfg(feature = "middleware")]
        let middleware = (!self.middleware.is_empty()).then(|| {
            self.middleware
                .into_iter()
                .fold(reqwest_middleware::ClientBuilder::new(http.clone()), |b, m| {
                    b.with_arc(m)
                })
                .build()
        });
        let server = Arc::new((
            url.host_str().unwrap_or_default().to_string(),
            url.port_or_known_default().unwrap_or_default(),
        ));
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
            server,
            #[cfg(feature = "middleware")]
            middleware,
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

/// Reads an environment variable that may be absent; present but empty counts as absent.
pub(crate) fn env_var(var: &'static str) -> Result<Option<String>, ConfigError> {
    match std::env::var(var) {
        Ok(v) if v.is_empty() => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode { var }),
    }
}
