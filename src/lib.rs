//! Typed async clients for four HTTP APIs, generated from hand-written OpenAPI specs:
//! RequestRocket Core ([`requestrocket`]), AuthRocket 1 ([`authrocket`]), Rocketpunch
//! ([`rocketpunch`]) and Rockety ([`rockety`]).
//!
//! Each API has a cargo feature and a module. The module's `Client` is the generated client
//! (every operation of `specs/<api>.yaml`, a builder per call) plus what a generator cannot
//! give: checked credentials that never print, `from_env()`, base URL rules, and errors that
//! say what went wrong ([`Error`]).
//!
//! ```no_run
//! # #[cfg(feature = "requestrocket")]
//! # async fn run() -> rocket_apis::Result<(), Box<dyn std::error::Error>> {
//! use rocket_apis::requestrocket::{Client, UserToken};
//!
//! let rr = Client::new(UserToken::new("u-4f9c2a7e1b")?)?;
//! let clients = rr.list_clients().send().await.map_err(rocket_apis::Error::from)?;
//! println!("{} clients", clients.items().len());
//! # Ok(())
//! # }
//! ```
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
mod error;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
#[cfg(any(feature = "authrocket", feature = "requestrocket", feature = "rocketpunch"))]
mod open_enum;
pub mod pagination;
mod retry;
mod transport;

#[doc(hidden)]
pub use error::VendorError;
pub use error::{ApiError, ConfigError, CredentialError, DecodeError, Error, ErrorKind, Problem, Result, TimeoutPhase};
pub use pagination::{ItemStream, Paginate};
pub use retry::{
    DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_AFTER, RetryPolicy,
};
pub use transport::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT, Inner, RawRequest, ResponseExt,
    Service, USER_AGENT,
};

#[cfg(feature = "authrocket")]
pub mod authrocket;
#[cfg(feature = "requestrocket")]
pub mod requestrocket;
#[cfg(feature = "rocketpunch")]
pub mod rocketpunch;
#[cfg(feature = "rockety")]
pub mod rockety;

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
