#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
// With no API feature on, the shared layer has no user.
#![cfg_attr(
    not(any(
        feature = "authrocket",
        feature = "requestrocket",
        feature = "rocketpunch",
        feature = "rockety"
    )),
    allow(unused_macros, unused_imports, dead_code)
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(any(feature = "tls-aws-lc", feature = "tls-ring")))]
compile_error!(
    "rocket-apis needs a TLS backend: enable the feature `tls-aws-lc` (the default) or `tls-ring`, e.g. \
     `rocket-apis = { version = \"0.1\", default-features = false, features = [\"requestrocket\", \"tls-ring\"] }`"
);

mod credential;
mod decode;
mod error;
mod field;
mod headers;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
mod open_enum;
pub mod pagination;
pub mod prelude;
mod redact;
mod retry;
mod transport;

#[doc(hidden)]
pub use error::VendorError;
pub use error::{
    ApiError, ConfigError, DecodeError, Error, ErrorKind, InvalidCredential, Problem, Result, TimeoutPhase,
    TransportCause,
};
pub use field::IntoFieldValue;
pub use headers::ResponseExt;
/// The HTTP method of a [`RawRequest`] (re-exported from `http`).
pub use http::Method;
pub use pagination::{ItemStream, Paginate};
/// The success of every call: the decoded body (`Deref` to it, or
/// [`into_inner`](ResponseValue::into_inner)), with [`status`](ResponseValue::status) and
/// [`headers`](ResponseValue::headers); [`ResponseExt::request_id`] reads the request id.
pub use progenitor_client::ResponseValue;
pub use retry::{
    DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_AFTER, RetryPolicy,
};
/// The sealed trait of the four APIs' marker types, which [`ClientBuilder`] is generic over.
#[doc(hidden)]
pub use transport::Service;
pub use transport::{
    CallOptions, ClientBuilder, CredentialRenewalError, CredentialSource, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_REFRESH_MARGIN, DEFAULT_TIMEOUT, MAX_REDIRECTS, RawRequest, ResponseFuture,
    SourceError, SourcedCredentials, USER_AGENT,
};

#[cfg(feature = "authrocket")]
#[cfg_attr(docsrs, doc(cfg(feature = "authrocket")))]
pub mod authrocket;
#[cfg(feature = "requestrocket")]
#[cfg_attr(docsrs, doc(cfg(feature = "requestrocket")))]
pub mod requestrocket;
#[cfg(feature = "rocketpunch")]
#[cfg_attr(docsrs, doc(cfg(feature = "rocketpunch")))]
pub mod rocketpunch;
#[cfg(feature = "rockety")]
#[cfg_attr(docsrs, doc(cfg(feature = "rockety")))]
pub mod rockety;
