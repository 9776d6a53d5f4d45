//! Errors shared by every client: what went wrong, in the type and in the message.
//!
//! Every generated operation's `send` returns [`Result`]: an [`Error`] that keeps the status, the vendor's message and code, the request id, the
//! `Retry-After` wait and the whole decoded body. Nothing here ever prints a credential.

use std::{fmt, time::Duration};

use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

pub use crate::credential::{InvalidCredential, Problem};
pub use crate::transport::CredentialRenewalError;
pub use crate::transport::TransportCause;

/// The result of a call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failed call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No answer in time.
    #[error("{api}: the {phase} timeout fired{} ({source})", Attempts(*attempts))]
    Timeout {
        /// Which API was called.
        api: &'static str,
        /// Which timeout fired.
        phase: TimeoutPhase,
        /// Attempts made (more than 1 when retried).
        attempts: u32,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The connection could not be made or broke before a response arrived.
    #[error("{api}: could not reach the server: {}{}", Why(*cause, source), Attempts(*attempts))]
    Connect {
        /// Which API was called.
        api: &'static str,
        /// Why, as far as the transport tells (a certificate problem, a name that did not
        /// resolve, a refused connection, …).
        cause: TransportCause,
        /// Attempts made (more than 1 when retried).
        attempts: u32,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The connection broke while the response was being read, or another transport failure.
    #[error("{api}: the connection failed while {during}: {}{}", Why(*cause, source), Attempts(*attempts))]
    Transport {
        /// Which API was called.
        api: &'static str,
        /// What was happening: "sending the request" or "reading the response body".
        during: &'static str,
        /// Why, as far as the transport tells.
        cause: TransportCause,
        /// Attempts made (more than 1 when retried).
        attempts: u32,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// A middleware added with `ClientBuilder::middleware` failed the call (cargo feature
    /// `middleware`). Not retried.
    #[error("{api}: a middleware failed the call: {source}")]
    Middleware {
        /// Which API was called.
        api: &'static str,
        /// The middleware's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The server redirected the call where this client does not follow: to another origin
    /// (scheme, host or port) than the one the call was sent to, where the credentials must not
    /// go, or more than [`MAX_REDIRECTS`](crate::MAX_REDIRECTS) times. Not retried.
    #[error("{api}: {}", redirect_message(.to.as_deref()))]
    Redirect {
        /// Which API was called.
        api: &'static str,
        /// The origin (`scheme://host[:port]`) the server pointed at, never its path or query;
        /// `None` when the call was refused for too many hops within its origin.
        to: Option<String>,
    },
    /// A success body larger than the client's limit
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size)); it was not
    /// read to the end.
    #[error(
        "{api}: the response body is larger than the {limit}-byte limit; raise it with `ClientBuilder::max_response_size` or ask for smaller pages"
    )]
    ResponseTooLarge {
        /// Which API was called.
        api: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// A success response whose body does not match the spec.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// A success status the spec does not list for this operation.
    #[error("{api}: unexpected status {status} (the spec does not list it for this operation)")]
    UnexpectedStatus {
        /// Which API was called.
        api: &'static str,
        /// The status received.
        status: StatusCode,
        /// The response headers.
        headers: Box<HeaderMap>,
    },
    /// The request could not be built (for example a required parameter was not set).
    #[error("{api}: the request is incomplete or invalid: {message}")]
    InvalidRequest {
        /// Which API was called.
        api: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No credentials for the call: a credential source failed, or an OAuth refresh token was
    /// refused and the user must authorize again
    /// ([`CredentialRenewalError::reauthorize_required`]). The call was not sent.
    #[error(transparent)]
    Credentials(CredentialRenewalError),
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus { status, .. } => Some(*status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The API error, when the server answered with an error status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The server's request id, when the server answered and sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(|e| e.request_id.as_deref())
    }

    /// How long the server asked to wait before retrying (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|e| e.retry_after)
    }

    /// How many attempts the call made before this error (1 when it was not retried).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(e) => e.attempts,
            Error::Timeout { attempts, .. } | Error::Connect { attempts, .. } | Error::Transport { attempts, .. } => {
                *attempts
            }
            _ => 1,
        }
    }
}

/// A transport failure's cause in words, and reqwest's own words when the cause is not known.
struct Why<'a>(TransportCause, &'a reqwest::Error);

impl fmt::Display for Why<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            TransportCause::Other => write!(f, "{} ({})", self.0, self.1),
            cause => write!(f, "{cause}"),
        }
    }
}

/// " after N attempts" when a call was retried, nothing otherwise.
struct Attempts(u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 1 {
            write!(f, " (gave up after {} attempts)", self.0)
        } else {
            Ok(())
        }
    }
}

/// Which timeout fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Connecting to the server took longer than the connect timeout.
    Connect,
    /// The whole call took longer than the total timeout.
    Total,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "connect",
            TimeoutPhase::Total => "total",
        })
    }
}

/// What kind of error status it was, so callers need not compare numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 400: the request was malformed or a parameter invalid.
    BadRequest,
    /// 401: missing or refused credentials (AuthRocket also uses it for a failed authenticate call).
    Unauthorized,
    /// 402: the account's subscription is not active.
    PaymentRequired,
    /// 403: the credentials are valid but may not do this.
    Forbidden,
    /// 404: no such resource.
    NotFound,
    /// 409: the resource already exists or is in a conflicting state.
    Conflict,
    /// 422: the request was understood but a field is invalid.
    Unprocessable,
    /// 429: rate limited; see [`ApiError::retry_after`].
    RateLimited,
    /// 5xx: the server or a gateway in front of it failed.
    Server,
    /// Any other error status.
    Other,
}

impl ErrorKind {
    fn of(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthorized,
            402 => ErrorKind::PaymentRequired,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::Unprocessable,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Other,
        }
    }
}

/// An error status from the API, with everything it said.
#[derive(Clone)]
pub struct ApiError {
    pub(crate) api: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) message: Option<String>,
    pub(crate) code: Option<String>,
    pub(crate) field_errors: Vec<(String, Vec<String>)>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) retry_cap: Option<Duration>,
    pub(crate) attempts: u32,
    pub(crate) headers: HeaderMap,
    pub(crate) body: serde_json::Value,
    pub(crate) body_was_json: bool,
}

impl ApiError {
    /// Which API answered, e.g. "RequestRocket".
    pub fn api(&self) -> &'static str {
        self.api
    }
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The kind of error, from the status.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::of(self.status)
    }
    /// The vendor's human-readable message, or the body's text when it was not JSON.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// The vendor's machine-readable error code, when it sent one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// Per-field validation messages (`{"errors": {field: [messages]}}`), in the order sent.
    pub fn field_errors(&self) -> &[(String, Vec<String>)] {
        &self.field_errors
    }
    /// The server's request id, to quote to the vendor's support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// How long the server asked to wait (`Retry-After`, seconds or HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// How many attempts the call made (1 when it was not retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// Whether the server asked for a wait longer than the client's cap
    /// ([`RetryPolicy::max_retry_after`](crate::RetryPolicy::max_retry_after)), so the call was
    /// not retried.
    pub fn wait_over_cap(&self) -> bool {
        self.retry_cap.is_some()
    }
    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The decoded body. A body that was not JSON (an HTML page from a gateway, an empty
    /// body) is a JSON string holding its text.
    pub fn body(&self) -> &serde_json::Value {
        &self.body
    }
    /// Whether the body was JSON.
    pub fn body_was_json(&self) -> bool {
        self.body_was_json
    }
    /// Decodes the body into a type of your choice, e.g. the generated `types::ErrorBody`.
    pub fn decode<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_value(self.body.clone())
    }
}

/// Shown in full by `Display`; bodies are cut here so a huge HTML page does not flood a log.
const MESSAGE_LIMIT: usize = 300;

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} API error: {}", self.api, self.status)?;
        if let Some(m) = &self.message {
            let m = m.trim();
            let cut: String = m.chars().take(MESSAGE_LIMIT).collect();
            let more = if cut.len() < m.len() { "…" } else { "" };
            if m.is_empty() {
                f.write_str(" (empty body)")?;
            } else {
                write!(f, ": {cut}{more}")?;
            }
        }
        if let Some(c) = &self.code {
            write!(f, " [code {c}]")?;
        }
        for (field, messages) in &self.field_errors {
            write!(f, "; {field}: {}", messages.join(", "))?;
        }
        if !self.body_was_json {
            f.write_str(" (the body was not JSON)")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, "; retry after {}s", wait.as_secs_f64())?;
            if let Some(cap) = self.retry_cap {
                write!(f, " (longer than the {}s cap, so not retried)", cap.as_secs_f64())?;
            }
        }
        write!(f, "{}", Attempts(self.attempts))?;
        match &self.request_id {
            Some(id) => write!(f, "; request id {id}"),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("api", &self.api)
            .field("status", &self.status)
            .field("message", &self.message)
            .field("code", &self.code)
            .field("field_errors", &self.field_errors)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for ApiError {}

/// A success response whose body did not decode into the spec's type.
///
/// The message gives the position and the kind of mismatch but not the offending value,
/// because a response can carry secrets (session tokens, keys); the raw body is available
/// from [`DecodeError::body`] for deliberate inspection.
#[derive(Clone)]
pub struct DecodeError {
    pub(crate) api: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) category: &'static str,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) field: Option<String>,
    pub(crate) body: bytes::Bytes,
}

impl DecodeError {
    /// The raw body that failed to decode.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The field that did not match, as a path of its spec names and list indexes (e.g.
    /// `data[3].created_at`), when the mismatch is in a field (not in the JSON's syntax).
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the response body ({} bytes) does not match the spec: {} at line {}, column {}",
            self.api,
            self.body.len(),
            self.category,
            self.line,
            self.column
        )?;
        match &self.field {
            Some(field) => write!(f, " (field `{field}`)"),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("api", &self.api)
            .field("category", &self.category)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("field", &self.field)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl std::error::Error for DecodeError {}

/// A client could not be configured: a missing or invalid setting, found before any request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required environment variable is not set.
    #[error("{var} is not set: set it to {what}")]
    MissingEnv {
        /// The variable.
        var: &'static str,
        /// What it should hold.
        what: &'static str,
    },
    /// An environment variable is set but is not valid Unicode.
    #[error("{var} is not valid Unicode")]
    NotUnicode {
        /// The variable.
        var: &'static str,
    },
    /// A credential was refused.
    #[error(transparent)]
    Credential(#[from] InvalidCredential),
    /// The base URL was refused.
    #[error("{api}: base URL `{url}` refused: {reason}")]
    BaseUrl {
        /// Which API.
        api: &'static str,
        /// The URL, with any user name or password in it removed.
        url: String,
        /// Why, and what to use instead.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("{api}: could not build the HTTP client: {source}")]
    HttpClient {
        /// Which API.
        api: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// Another setting was refused.
    #[error("{api}: {message}")]
    Invalid {
        /// Which API.
        api: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// How one API's error body maps onto [`ApiError`]. Implemented for each generated error type;
/// not meant to be implemented outside this crate.
#[doc(hidden)]
pub trait VendorError: DeserializeOwned + serde::Serialize {
    /// The API's name in messages.
    const API: &'static str;
    /// The vendor's message.
    fn message(&self) -> Option<String>;
    /// The vendor's error code.
    fn code(&self) -> Option<String> {
        None
    }
    /// Per-field validation messages.
    fn field_errors(&self) -> Vec<(String, Vec<String>)> {
        Vec::new()
    }
    /// An error body in the vendor's shape carrying `text` as its message (the typed mocks
    /// answer with it).
    fn stand_in(status: StatusCode, text: &str) -> serde_json::Value;
}

/// What was happening when a transport failure struck, as [`Error::Transport`] names it.
pub(crate) const SENDING: &str = "sending the request";
/// See [`SENDING`].
pub(crate) const BUILDING: &str = "building the request";
/// See [`SENDING`].
pub(crate) const READING: &str = "reading the response body";

/// An error status as [`Error::Api`]: the vendor's message, code and field errors where the
/// body decodes as `E`, the whole body (JSON, or its text), the request id and `Retry-After`
/// from the headers, the attempts made and the cap that stopped a retry.
#[cold]
pub(crate) fn from_error_status<E: VendorError>(
    status: StatusCode,
    headers: HeaderMap,
    body: &[u8],
    attempts: u32,
    retry_cap: Option<Duration>,
) -> Error {
    let (value, body_was_json) = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => (v, true),
        Err(_) => (
            serde_json::Value::String(String::from_utf8_lossy(body).into_owned()),
            false,
        ),
    };
    let typed = if body_was_json {
        E::deserialize(&value).ok()
    } else {
        None
    };
    let message = match &typed {
        Some(typed) => typed.message(),
        // Not the vendor's shape: the text itself is the best message there is.
        None => value.as_str().map(str::to_string),
    };
    Error::Api(Box::new(ApiError {
        attempts,
        retry_cap,
        api: E::API,
        status,
        message,
        code: typed.as_ref().and_then(VendorError::code),
        field_errors: typed.as_ref().map(VendorError::field_errors).unwrap_or_default(),
        request_id: crate::headers::request_id(&headers),
        retry_after: crate::headers::retry_after(&headers),
        headers,
        body: value,
        body_was_json,
    }))
}

/// A success body that does not decode as the spec's type.
#[cold]
pub(crate) fn decode_error(api: &'static str, status: StatusCode, body: bytes::Bytes, e: &serde_json::Error) -> Error {
    Error::Decode(Box::new(DecodeError {
        api,
        status,
        category: match e.classify() {
            serde_json::error::Category::Io => "an I/O error",
            serde_json::error::Category::Syntax => "malformed JSON",
            serde_json::error::Category::Data => "a field of the wrong type or a missing field",
            serde_json::error::Category::Eof => "JSON that ends too early",
        },
        line: e.line(),
        column: e.column(),
        field: crate::decode::error_path(e),
        body,
    }))
}

fn redirect_message(to: Option<&str>) -> String {
    let refused = match to {
        Some(to) => crate::transport::redirect::Refused::OtherOrigin { to: to.to_string() },
        None => crate::transport::redirect::Refused::TooMany,
    };
    refused.to_string()
}

#[cold]
pub(crate) fn from_reqwest(api: &'static str, source: reqwest::Error, during: &'static str, attempts: u32) -> Error {
    // The URL can hold a secret in a path segment (AuthRocket takes a login token as a session
    // id), so it is dropped from the message.
    let source = source.without_url();
    if let Some(refused) = crate::transport::redirect::refused(&source) {
        let to = match refused {
            crate::transport::redirect::Refused::OtherOrigin { to } => Some(to.clone()),
            crate::transport::redirect::Refused::TooMany => None,
        };
        return Error::Redirect { api, to };
    }
    if source.is_timeout() {
        let phase = if source.is_connect() {
            TimeoutPhase::Connect
        } else {
            TimeoutPhase::Total
        };
        Error::Timeout {
            api,
            phase,
            attempts,
            source,
        }
    } else if source.is_connect() {
        Error::Connect {
            api,
            cause: crate::transport::failure::cause(&source),
            attempts,
            source,
        }
    } else {
        Error::Transport {
            api,
            during,
            cause: crate::transport::failure::cause(&source),
            attempts,
            source,
        }
    }
}

/// An error body in the common flat shape `{error, message, status}` (RequestRocket's and
/// Rockety's), for [`VendorError::stand_in`].
#[cfg_attr(not(any(feature = "requestrocket", feature = "rockety")), allow(dead_code))]
pub(crate) fn flat_stand_in(status: StatusCode, text: &str) -> serde_json::Value {
    serde_json::json!({
        "error": status.canonical_reason().unwrap_or("Error"),
        "message": text,
        "status": status.as_u16(),
    })
}
