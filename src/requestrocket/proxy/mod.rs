//! The RequestRocket data plane: your application's traffic sent through a proxy, with a proxy
//! credential, and the answer read with which side said what.
//!
//! A proxy's base URL comes from the dashboard (or is built with [`base_url`] from the proxy's
//! region and id): `https://{region}.requestrocket.com/api/{proxyId}`. Every call goes to
//! `{base URL}/{target path}`; RequestRocket checks the proxy credential, applies the proxy's
//! rules, meters and limits, adds the target's own credential and forwards the call. Each
//! answer carries `requestrocket-proxy-code` (read as [`ProxyCode`]), `requestrocket-proxy-message`
//! and sometimes `requestrocket-proxy-warning` (low budget, approaching a rate limit), which
//! [`ProxyResponse::outcome`] gives on success and [`ProxyError`] on failure, telling a refusal by
//! the proxy ([`ProxyError::Refused`]) from an error the target answered through a granted proxy
//! ([`ProxyError::Target`]).
//!
//! ```no_run
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use rocket_apis::requestrocket::proxy::{self, ProxyCredential, ProxyError};
//!
//! let credential = ProxyCredential::bearer(std::env::var("REQUESTROCKET_PROXY_TOKEN")?)?;
//! let payments = proxy::Client::new("https://us-east-1.requestrocket.com/api/proxy_789e4567", credential)?;
//! match payments.get("/v1/balance").send().await {
//!     Ok(answer) => {
//!         let balance: serde_json::Value = answer.json()?;
//!         println!("{balance}");
//!     }
//!     Err(ProxyError::Refused(refused)) => eprintln!("RequestRocket said no: {refused}"),
//!     Err(ProxyError::Target(target)) => eprintln!("the target said {}: {target}", target.status()),
//!     Err(other) => eprintln!("{other}"),
//! }
//! # Ok(()) }
//! ```
//!
//! Retries: a call with a method that is not idempotent (`POST`, `PATCH`) is sent once unless you
//! set [`ProxyRequest::retry`], as RequestRocket itself does not retry Proxy API calls and
//! promises no idempotency; idempotent calls follow the client's [`RetryPolicy`]. An async
//! submission ([`Client::submit`]) is never retried: RequestRocket queues and retries it itself.
//! The redirect and secret rules of every client of this crate hold: the credential never
//! leaves the proxy's origin and never prints.

use std::{
    collections::HashSet,
    fmt,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{
    ApiError, ClientBuilder, ConfigError, Error, InvalidCredential, Problem, RetryPolicy,
    credential::{self, Format},
    error::{VendorError, decode_error},
    open_enum::open_enum,
    transport::{self, Inner, Service, sealed},
};

#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;

/// The header with the proxy's verdict.
pub const PROXY_CODE_HEADER: &str = "requestrocket-proxy-code";
/// The header with the verdict in words.
pub const PROXY_MESSAGE_HEADER: &str = "requestrocket-proxy-message";
/// The header with a warning that did not stop the call.
pub const PROXY_WARNING_HEADER: &str = "requestrocket-proxy-warning";
/// Environment variable read by [`Client::from_env`]: the proxy's base URL.
pub const BASE_URL_ENV: &str = "REQUESTROCKET_PROXY_URL";
/// Environment variable read by [`Client::from_env`]: a Bearer proxy credential.
pub const TOKEN_ENV: &str = "REQUESTROCKET_PROXY_TOKEN";

/// A proxy's base URL from its region and id, as the documentation shows it
/// (`https://{region}.requestrocket.com/api/{proxyId}`). Prefer the URL the dashboard gives:
/// RequestRocket says its form may depend on the proxy credential's type.
pub fn base_url(region: &str, proxy_id: &str) -> String {
    format!("https://{region}.requestrocket.com/api/{proxy_id}")
}

open_enum! {
    /// The proxy's verdict on a call (`requestrocket-proxy-code`).
    pub enum ProxyCode {
        /// The proxy credential was accepted and the call forwarded: the status is the target's.
        AccessGranted = "proxy-access-granted",
        /// The proxy credential or the proxy id was refused (403).
        AccessDenied = "proxy-access-denied",
        /// The account is suspended for want of budget (402).
        BillingSuspended = "billing-suspended",
        /// The target's answer is over RequestRocket's 6 MB limit (413).
        ResponseTooLarge = "response-too-large",
    }
}

/// A proxy credential: what a caller presents to a RequestRocket proxy, in the form of the
/// proxy credential's type. Checked when made; `Debug` and `Display` show the type only.
#[derive(Clone)]
pub struct ProxyCredential(Kind);

#[derive(Clone)]
enum Kind {
    /// `Authorization: {key}`.
    ApiKey(SecretString),
    /// `Authorization: {prefix}{token}`.
    Bearer { prefix: String, token: SecretString },
    /// `Authorization: Basic base64(user:password)`.
    Basic(SecretString),
    /// `Authorization: {jwt}`.
    Jwt(SecretString),
}

const KEY_FORMAT: Format = Format {
    name: "RequestRocket proxy credential",
    prefixes: &[],
    alphanumeric_rest: false,
    min_rest: 0,
    expected: "A proxy credential is the secret set when the proxy credential was created (RequestRocket never shows \
               it again); give the value alone, without a scheme",
};

fn refused(problem: Problem) -> InvalidCredential {
    InvalidCredential::new(KEY_FORMAT.name, problem, KEY_FORMAT.expected)
}

impl ProxyCredential {
    /// An API key, sent as it is (`Authorization: {key}`).
    pub fn api_key(key: impl AsRef<str>) -> Result<Self, InvalidCredential> {
        Ok(ProxyCredential(Kind::ApiKey(KEY_FORMAT.check(key.as_ref())?)))
    }

    /// A Bearer token (`Authorization: Bearer {token}`).
    pub fn bearer(token: impl AsRef<str>) -> Result<Self, InvalidCredential> {
        Self::bearer_with_prefix("Bearer ", token)
    }

    /// A Bearer token whose credential is configured with another prefix (`Token `, or one of
    /// your own), sent as `Authorization: {prefix}{token}`.
    pub fn bearer_with_prefix(prefix: impl Into<String>, token: impl AsRef<str>) -> Result<Self, InvalidCredential> {
        let prefix = prefix.into();
        if HeaderValue::from_str(&prefix).is_err() {
            return Err(refused(Problem::ControlCharacter(0)));
        }
        Ok(ProxyCredential(Kind::Bearer {
            prefix,
            token: KEY_FORMAT.check(token.as_ref())?,
        }))
    }

    /// A user name and password (`Authorization: Basic …`).
    pub fn basic(user: &str, password: impl AsRef<str>) -> Result<Self, InvalidCredential> {
        if user.is_empty() {
            return Err(refused(Problem::Empty));
        }
        if let Some(i) = user.chars().position(|c| c == ':' || c.is_control()) {
            return Err(refused(Problem::NotAllowed(i)));
        }
        let password = KEY_FORMAT.check(password.as_ref())?;
        use base64::Engine as _;
        let pair = format!("{user}:{}", password.expose_secret());
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        Ok(ProxyCredential(Kind::Basic(SecretString::from(encoded))))
    }

    /// A JWT, sent as it is (`Authorization: {jwt}`: RequestRocket says "use a JWT token
    /// directly"; for the `Bearer` form use [`bearer`](Self::bearer)). Refused unless it has a
    /// JWT's three dot-separated parts.
    pub fn jwt(token: impl AsRef<str>) -> Result<Self, InvalidCredential> {
        let token = KEY_FORMAT.check(token.as_ref())?;
        let parts = token.expose_secret().split('.').count();
        if parts != 3 {
            return Err(refused(Problem::NotAllowed(0)));
        }
        Ok(ProxyCredential(Kind::Jwt(token)))
    }

    fn header(&self) -> HeaderValue {
        match &self.0 {
            Kind::ApiKey(key) => credential::sensitive_header(key, ""),
            Kind::Bearer { prefix, token } => credential::sensitive_header(token, prefix),
            Kind::Basic(encoded) => credential::sensitive_header(encoded, "Basic "),
            Kind::Jwt(jwt) => credential::sensitive_header(jwt, ""),
        }
    }

    fn kind(&self) -> &'static str {
        match &self.0 {
            Kind::ApiKey(_) => "ApiKey",
            Kind::Bearer { .. } => "Bearer",
            Kind::Basic(_) => "Basic",
            Kind::Jwt(_) => "Jwt",
        }
    }
}

impl fmt::Debug for ProxyCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyCredential::{}(****)", self.kind())
    }
}

impl fmt::Display for ProxyCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Marker for the data plane in [`ClientBuilder`].
#[derive(Debug, Clone, Copy)]
pub struct Proxy;

impl sealed::Wrap for Proxy {
    type Client = Client;
    fn assemble(base_url: &str, http: reqwest::Client, inner: Inner) -> Client {
        Client::assemble(base_url, http, inner)
    }
}

impl Service for Proxy {
    const NAME: &'static str = "RequestRocket proxy";
    // No default: every proxy has its own URL, which `Client::builder` takes.
    const DEFAULT_BASE_URL: &'static str = "";
    type Credentials = ProxyCredential;

    fn headers(credentials: &ProxyCredential) -> HeaderMap {
        HeaderMap::from_iter([(header::AUTHORIZATION, credentials.header())])
    }

    fn check_base_url(url: &reqwest::Url) -> Result<(), String> {
        if url.path().trim_matches('/').is_empty() {
            return Err(
                "a proxy's base URL has its proxy in the path (`https://{region}.requestrocket.com/api/{proxyId}`): copy it from the dashboard".into(),
            );
        }
        Ok(())
    }

    /// The target decides what it answers; `Accept: application/json` is not imposed.
    fn fixed_headers() -> HeaderMap {
        HeaderMap::from_iter([(header::ACCEPT, HeaderValue::from_static("*/*"))])
    }

    #[cfg(feature = "mock")]
    fn mock_credentials() -> ProxyCredential {
        credential::known_valid(ProxyCredential::bearer(mock::MOCK_TOKEN))
    }
}

/// A client of one RequestRocket proxy. Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct Client {
    base: String,
    /// The same proxy's Async API base (`/async/{proxyId}`), when the base URL has `/api/{id}`.
    async_base: Option<String>,
    proxy_id: Option<String>,
    http: reqwest::Client,
    inner: Inner,
    /// The warnings already logged, so each is logged once.
    warned: Arc<Mutex<HashSet<String>>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("proxy::Client")
            .field("base_url", &self.base)
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client of the proxy at `base_url` with the default settings.
    pub fn new(base_url: impl Into<String>, credential: ProxyCredential) -> Result<Self, ConfigError> {
        Self::builder(base_url, credential).build()
    }

    /// A builder, for timeouts, retries, a rate limit, your HTTP settings or middleware.
    pub fn builder(base_url: impl Into<String>, credential: ProxyCredential) -> ClientBuilder<Proxy> {
        ClientBuilder::new(credential).base_url(base_url)
    }

    /// From the environment: the base URL from `REQUESTROCKET_PROXY_URL`, a Bearer credential
    /// from `REQUESTROCKET_PROXY_TOKEN`.
    pub fn from_env() -> Result<Self, ConfigError> {
        let url = transport::env_var(BASE_URL_ENV)?.ok_or(ConfigError::MissingEnv {
            var: BASE_URL_ENV,
            what: "the proxy's base URL from the RequestRocket dashboard (`https://{region}.requestrocket.com/api/{proxyId}`)",
        })?;
        let token = transport::env_var(TOKEN_ENV)?.ok_or(ConfigError::MissingEnv {
            var: TOKEN_ENV,
            what: "the proxy credential's secret (a Bearer token)",
        })?;
        let credential = ProxyCredential::bearer(token).map_err(|e| e.with_env_var(TOKEN_ENV))?;
        Self::new(url, credential)
    }

    fn assemble(base_url: &str, http: reqwest::Client, inner: Inner) -> Client {
        let base = base_url.trim_end_matches('/').to_string();
        let (async_base, proxy_id) = match reqwest::Url::parse(&base) {
            Ok(url) => {
                let segments: Vec<&str> = url.path_segments().map(Iterator::collect).unwrap_or_default();
                match segments.iter().position(|s| *s == "api") {
                    Some(i) if i + 1 < segments.len() => {
                        let mut async_url = url.clone();
                        let mut path = segments.clone();
                        path[i] = "async";
                        async_url.set_path(&path.join("/"));
                        (Some(async_url.to_string()), Some(segments[i + 1].to_string()))
                    }
                    _ => (None, None),
                }
            }
            Err(_) => (None, None),
        };
        Client {
            base,
            async_base,
            proxy_id,
            http,
            inner,
            warned: Arc::default(),
        }
    }

    /// The proxy's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The proxy's id, read from its base URL (`…/api/{proxyId}`).
    pub fn proxy_id(&self) -> Option<&str> {
        self.proxy_id.as_deref()
    }

    /// A call of any method to `path` on the target (relative to the proxy's base URL).
    pub fn request(&self, method: Method, path: &str) -> ProxyRequest<'_> {
        ProxyRequest::new(self, method, path, false)
    }

    /// A `GET` of `path`.
    pub fn get(&self, path: &str) -> ProxyRequest<'_> {
        self.request(Method::GET, path)
    }

    /// A `POST` to `path`.
    pub fn post(&self, path: &str) -> ProxyRequest<'_> {
        self.request(Method::POST, path)
    }

    /// A `PUT` to `path`.
    pub fn put(&self, path: &str) -> ProxyRequest<'_> {
        self.request(Method::PUT, path)
    }

    /// A `PATCH` of `path`.
    pub fn patch(&self, path: &str) -> ProxyRequest<'_> {
        self.request(Method::PATCH, path)
    }

    /// A `DELETE` of `path`.
    pub fn delete(&self, path: &str) -> ProxyRequest<'_> {
        self.request(Method::DELETE, path)
    }

    /// A call to the same proxy's Async API (`/async/{proxyId}/{path}`): RequestRocket
    /// acknowledges it with a request id, then sends it, retrying up to 10 times over 15
    /// minutes. Use `POST`, `PUT`, `PATCH` or `DELETE` (RequestRocket discourages `GET`). The
    /// submission itself is never retried by this client (RequestRocket promises no
    /// idempotency, so a resent submission could run twice).
    pub fn submit(&self, method: Method, path: &str) -> AsyncRequest<'_> {
        AsyncRequest(ProxyRequest::new(self, method, path, true))
    }

    fn log_warning(&self, warning: &str) {
        let new = self
            .warned
            .lock()
            .map(|mut seen| seen.insert(warning.to_string()))
            .unwrap_or(false);
        if new {
            tracing::warn!(api = self.inner.api(), warning, "RequestRocket proxy warning");
        }
    }
}

/// A call through the proxy, to set up and [`send`](Self::send).
#[must_use = "a call is sent only by `send`"]
pub struct ProxyRequest<'a> {
    client: &'a Client,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<Bytes>,
    asynchronous: bool,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    /// A mistake in setting it up, reported by `send`.
    invalid: Option<String>,
}

impl fmt::Debug for ProxyRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("ProxyRequest")
            .field("method", &self.method)
            .field("async", &self.asynchronous)
            .field("headers", &names)
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .finish_non_exhaustive()
    }
}

impl<'a> ProxyRequest<'a> {
    fn new(client: &'a Client, method: Method, path: &str, asynchronous: bool) -> Self {
        ProxyRequest {
            client,
            method,
            path: path.to_string(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            asynchronous,
            retry: None,
            timeout: None,
            invalid: None,
        }
    }

    /// Adds a query parameter (encoded for you).
    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Sends this header too. `Authorization` belongs to the client's proxy credential and is
    /// refused here.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(name), _) if name == header::AUTHORIZATION => {
                self.invalid = Some(
                    "`Authorization` carries the proxy credential: set it with the client's ProxyCredential".into(),
                );
            }
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            _ => self.invalid = Some(format!("header `{name}`: not a valid header name and value")),
        }
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.headers
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                self.body = Some(bytes.into());
            }
            Err(e) => self.invalid = Some(format!("the JSON body could not be written: {e}")),
        }
        self
    }

    /// Sends these bytes as the body, with this `Content-Type`.
    pub fn body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        match HeaderValue::from_str(content_type) {
            Ok(value) => {
                self.headers.insert(header::CONTENT_TYPE, value);
                self.body = Some(body.into());
            }
            Err(_) => self.invalid = Some(format!("content type `{content_type}` is not a valid header value")),
        }
        self
    }

    /// How this call is retried, instead of the client's policy (or, for a method that is not
    /// idempotent, instead of sending it once). Has no effect on an async submission.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Limit on each attempt of this call, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the call: the answer, with the proxy's verdict, or the side that failed.
    pub async fn send(self) -> Result<ProxyResponse, ProxyError> {
        let client = self.client;
        let api = client.inner.api();
        let invalid = |message: String| ProxyError::Call(Error::InvalidRequest { api, message });
        if let Some(message) = self.invalid {
            return Err(invalid(message));
        }
        let base = if self.asynchronous {
            client.async_base.as_deref().ok_or_else(|| {
                invalid("the proxy's base URL has no `/api/{proxyId}`, so its Async API URL is not known".into())
            })?
        } else {
            &client.base
        };
        let url = transport::path::join(base, &self.path, &self.query).map_err(invalid)?;
        let mut inner = client.inner.clone();
        inner.retry = match (self.asynchronous, self.retry) {
            (true, _) => RetryPolicy::none(),
            (false, Some(policy)) => policy,
            (false, None) if crate::retry::idempotent(&self.method) => inner.retry,
            (false, None) => RetryPolicy::none(),
        };
        if self.timeout.is_some() {
            inner.timeout = self.timeout;
        }
        let (method, headers, body, http) = (self.method, self.headers, self.body, &client.http);
        let build = || {
            let builder = http.request(method.clone(), url.clone()).headers(headers.clone());
            match &body {
                Some(body) => builder.body(body.clone()).build(),
                None => builder.build(),
            }
        };
        let operation = if self.asynchronous { "proxy_async" } else { "proxy" };
        let template = transport::exec::Template::Raw(&self.path);
        match transport::exec::exchange::<ProxyBody>(http, &inner, &build, operation, template).await {
            Ok(answer) => {
                let outcome = ProxyOutcome::of(&answer.headers);
                if let Some(warning) = &outcome.warning {
                    client.log_warning(warning);
                }
                Ok(ProxyResponse {
                    status: answer.status,
                    headers: answer.headers,
                    body: answer.body,
                    outcome,
                })
            }
            Err(Error::Api(error)) => {
                let outcome = ProxyOutcome::of(error.headers());
                if let Some(warning) = &outcome.warning {
                    client.log_warning(warning);
                }
                Err(ProxyError::of(*error, outcome))
            }
            Err(other) => Err(ProxyError::Call(other)),
        }
    }
}

/// A call to the proxy's Async API ([`Client::submit`]), to set up and [`send`](Self::send).
#[must_use = "a submission is sent only by `send`"]
#[derive(Debug)]
pub struct AsyncRequest<'a>(ProxyRequest<'a>);

impl AsyncRequest<'_> {
    /// Adds a query parameter (encoded for you).
    pub fn query(self, name: impl Into<String>, value: impl ToString) -> Self {
        AsyncRequest(self.0.query(name, value))
    }

    /// Sends this header too (`Authorization` is refused: it carries the proxy credential).
    pub fn header(self, name: &str, value: &str) -> Self {
        AsyncRequest(self.0.header(name, value))
    }

    /// Sends `body` as JSON.
    pub fn json<T: Serialize + ?Sized>(self, body: &T) -> Self {
        AsyncRequest(self.0.json(body))
    }

    /// Sends these bytes as the body, with this `Content-Type`.
    pub fn body(self, content_type: &str, body: impl Into<Bytes>) -> Self {
        AsyncRequest(self.0.body(content_type, body))
    }

    /// Submits the call, once: its acknowledgement, with the request id RequestRocket gave it.
    pub async fn send(self) -> Result<Submission, ProxyError> {
        let client = self.0.client;
        let response = self.0.send().await?;
        #[derive(Deserialize)]
        struct Acknowledgement {
            #[serde(rename = "requestId")]
            request_id: String,
        }
        let ack: Acknowledgement = serde_json::from_slice(&response.body).map_err(|e| {
            ProxyError::Call(decode_error(
                client.inner.api(),
                response.status,
                response.body.clone(),
                &e,
            ))
        })?;
        Ok(Submission {
            request_id: ack.request_id,
            proxy_id: client.proxy_id.clone(),
            response,
        })
    }
}

/// An accepted async submission.
#[derive(Debug)]
#[non_exhaustive]
pub struct Submission {
    /// The id RequestRocket gave the request (opaque).
    pub request_id: String,
    /// The proxy's id, from the client's base URL.
    pub proxy_id: Option<String>,
    /// The acknowledgement as it came.
    pub response: ProxyResponse,
}

impl Submission {
    /// The request's entry in the proxy's request log, read through the Core API (a user
    /// token's client: `GET /clients/{clientId}/proxies/{proxyId}/requests/{requestId}`), or
    /// `None` while it has none. RequestRocket does not document how the async request id
    /// relates to the log's ids, nor states beyond `processed`: the entry is what there is.
    pub async fn log_entry(
        &self,
        core: &super::Client,
        client_id: &str,
    ) -> crate::Result<Option<super::types::RequestLog>> {
        let proxy_id = self.proxy_id.as_deref().ok_or_else(|| Error::InvalidRequest {
            api: "RequestRocket",
            message: "the proxy id is not known: the proxy client's base URL has no `/api/{proxyId}`".into(),
        })?;
        let found = core
            .get_proxy_request()
            .client_id(client_id)
            .proxy_id(proxy_id)
            .request_id(self.request_id.as_str())
            .send()
            .await;
        match found {
            Ok(entry) => Ok(Some(entry.into_inner())),
            Err(e) if e.status() == Some(StatusCode::NOT_FOUND) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// [`log_entry`](Self::log_entry) asked every `every` until the entry is there or `within`
    /// has passed (then `None`). Bounded on purpose: RequestRocket retries a submission for up
    /// to 15 minutes and documents no end state; each look counts against the user token's rate
    /// limit.
    pub async fn wait_for_log_entry(
        &self,
        core: &super::Client,
        client_id: &str,
        every: Duration,
        within: Duration,
    ) -> crate::Result<Option<super::types::RequestLog>> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(entry) = self.log_entry(core, client_id).await? {
                return Ok(Some(entry));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            tokio::time::sleep(every.min(deadline - now)).await;
        }
    }
}

/// What the proxy said of a call: its verdict, the verdict in words, and a warning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProxyOutcome {
    /// `requestrocket-proxy-code`, when the answer had one (a gateway in front of the proxy may
    /// answer without).
    pub code: Option<ProxyCode>,
    /// `requestrocket-proxy-message`.
    pub message: Option<String>,
    /// `requestrocket-proxy-warning`: budget or rate-limit trouble that did not stop the call.
    pub warning: Option<String>,
}

impl ProxyOutcome {
    fn of(headers: &HeaderMap) -> Self {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        ProxyOutcome {
            code: text(PROXY_CODE_HEADER).map(|code| ProxyCode::from(code.as_str())),
            message: text(PROXY_MESSAGE_HEADER),
            warning: text(PROXY_WARNING_HEADER),
        }
    }
}

/// A successful answer through the proxy: the target's status, headers and body, and the
/// proxy's verdict.
#[derive(Clone)]
pub struct ProxyResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    outcome: ProxyOutcome,
}

impl fmt::Debug for ProxyResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyResponse")
            .field("status", &self.status)
            .field("outcome", &self.outcome)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl ProxyResponse {
    /// The status (the target's, through a granted proxy).
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The body as it came.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }
    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The body decoded from JSON; a mismatch is [`Error::Decode`], naming where, not the value.
    pub fn json<T: DeserializeOwned>(&self) -> crate::Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| decode_error(ProxyBody::API, self.status, self.body.clone(), &e))
    }
    /// What the proxy said: its verdict, its message and any warning.
    pub fn outcome(&self) -> &ProxyOutcome {
        &self.outcome
    }
    /// The proxy's warning, if it sent one.
    pub fn warning(&self) -> Option<&str> {
        self.outcome.warning.as_deref()
    }
}

/// Why the proxy refused a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The proxy credential or the proxy id was refused, or a rule denied the call
    /// (`proxy-access-denied`, or a 401/403 without a verdict).
    AccessDenied,
    /// The account is suspended for want of budget (`billing-suspended`, or a 402).
    BillingSuspended,
    /// The target's answer was over the 6 MB limit (`response-too-large`, or a 413 without a
    /// verdict).
    ResponseTooLarge,
    /// A meter's limit, or a rate limit, was reached (429).
    RateLimited,
    /// Another verdict, or an error status without one that is not the target's.
    Other,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::AccessDenied => "access denied",
            Refusal::BillingSuspended => "billing suspended",
            Refusal::ResponseTooLarge => "the target's answer is over the size limit",
            Refusal::RateLimited => "rate limited",
            Refusal::Other => "refused",
        })
    }
}

/// A call through the proxy that failed: refused by the proxy, answered with an error by the
/// target, or failed on the way. No variant shows the proxy credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyError {
    /// RequestRocket refused the call; the target did not answer it.
    #[error(transparent)]
    Refused(Box<Refused>),
    /// The proxy forwarded the call (`proxy-access-granted`) and the target answered with an
    /// error status: the problem is the target, its credential or the request.
    #[error(transparent)]
    Target(Box<TargetError>),
    /// The call failed otherwise: transport, timeout, redirect, an invalid request.
    #[error(transparent)]
    Call(Error),
}

impl ProxyError {
    fn of(error: ApiError, outcome: ProxyOutcome) -> Self {
        let reason = match (&outcome.code, error.status().as_u16()) {
            (Some(ProxyCode::AccessGranted), _) => return ProxyError::Target(Box::new(TargetError { error, outcome })),
            (Some(ProxyCode::AccessDenied), _) => Refusal::AccessDenied,
            (Some(ProxyCode::BillingSuspended), _) => Refusal::BillingSuspended,
            (Some(ProxyCode::ResponseTooLarge), _) => Refusal::ResponseTooLarge,
            (_, 429) => Refusal::RateLimited,
            (None, 401 | 403) => Refusal::AccessDenied,
            (None, 402) => Refusal::BillingSuspended,
            (None, 413) => Refusal::ResponseTooLarge,
            _ => Refusal::Other,
        };
        ProxyError::Refused(Box::new(Refused { reason, error, outcome }))
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ProxyError::Refused(r) => Some(r.error.status()),
            ProxyError::Target(t) => Some(t.error.status()),
            ProxyError::Call(e) => e.status(),
        }
    }

    /// What the proxy said, when there was an answer.
    pub fn outcome(&self) -> Option<&ProxyOutcome> {
        match self {
            ProxyError::Refused(r) => Some(&r.outcome),
            ProxyError::Target(t) => Some(&t.outcome),
            ProxyError::Call(_) => None,
        }
    }
}

/// A call RequestRocket refused.
#[derive(Debug)]
pub struct Refused {
    reason: Refusal,
    error: ApiError,
    outcome: ProxyOutcome,
}

impl Refused {
    /// Why.
    pub fn reason(&self) -> Refusal {
        self.reason
    }
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.error.status()
    }
    /// What the proxy said.
    pub fn outcome(&self) -> &ProxyOutcome {
        &self.outcome
    }
    /// The answer: status, headers, body, `Retry-After`.
    pub fn error(&self) -> &ApiError {
        &self.error
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RequestRocket's proxy refused the call: {} ({}",
            self.reason,
            self.error.status()
        )?;
        if let Some(code) = &self.outcome.code {
            write!(f, ", {code}")?;
        }
        f.write_str(")")?;
        if let Some(message) = self.outcome.message.as_deref().or(self.error.message()) {
            write!(f, ": {message}")?;
        }
        if let Some(wait) = self.error.retry_after() {
            write!(f, "; retry after {}s", wait.as_secs_f64())?;
        }
        if let Some(warning) = &self.outcome.warning {
            write!(f, "; warning: {warning}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Refused {}

/// An error status the target answered through a granted proxy.
#[derive(Debug)]
pub struct TargetError {
    error: ApiError,
    outcome: ProxyOutcome,
}

impl TargetError {
    /// The target's status.
    pub fn status(&self) -> StatusCode {
        self.error.status()
    }
    /// The target's answer: status, headers, body (JSON, or its text), message.
    pub fn error(&self) -> &ApiError {
        &self.error
    }
    /// The target's body (JSON, or a JSON string holding its text).
    pub fn body(&self) -> &serde_json::Value {
        self.error.body()
    }
    /// What the proxy said.
    pub fn outcome(&self) -> &ProxyOutcome {
        &self.outcome
    }
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the target answered {} through RequestRocket's proxy (access granted)",
            self.error.status()
        )?;
        if let Some(message) = self.error.message().map(str::trim).filter(|m| !m.is_empty()) {
            let cut: String = message.chars().take(300).collect();
            write!(f, ": {cut}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TargetError {}

/// A target's error body, in whatever shape it has: its `message` or `error` when it is a JSON
/// object with one.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
struct ProxyBody(serde_json::Value);

impl VendorError for ProxyBody {
    const API: &'static str = "RequestRocket proxy";

    fn message(&self) -> Option<String> {
        ["message", "error"]
            .iter()
            .find_map(|k| self.0.get(k).and_then(|v| v.as_str()).map(str::to_string))
    }

    fn stand_in(status: StatusCode, text: &str) -> serde_json::Value {
        crate::error::flat_stand_in(status, text)
    }
}
