//! What every client shares on the wire, one job per file:
//!
//! - [`builder`]: the shared [`ClientBuilder`], the per-client state ([`Inner`]) and the
//!   [`Service`] trait each API implements;
//! - [`credentials`]: the live credential slot every clone shares, and what renews it;
//! - [`base_url`]: which base URLs are accepted, and how a refused one is shown;
//! - [`call`]: what each generated operation's `send` runs (checked parameters, the success
//!   body decoded);
//! - [`exec`]: what runs around every call (credentials in, retries, bounded bodies, error
//!   statuses into errors, tracing);
//! - [`options`]: per-call settings ([`CallOptions`]) on a view of a client;
//! - [`path`]: what keeps a call's path under the base path;
//! - [`raw`]: calls to endpoints not in the spec ([`RawRequest`]);
//! - [`redirect`]: which redirects are followed (within the origin only);
//! - [`wire`]: one attempt on the wire (the answer's head, its body read within a limit);
//! - [`macros`]: what each API module invokes once.

pub(crate) mod base_url;
pub(crate) mod builder;
pub(crate) mod call;
pub(crate) mod credentials;
pub(crate) mod exec;
pub(crate) mod macros;
pub(crate) mod options;
pub(crate) mod path;
pub(crate) mod raw;
pub(crate) mod redirect;
pub(crate) mod wire;

#[cfg(any(feature = "authrocket", feature = "rocketpunch"))]
pub(crate) use base_url::is_loopback;
#[cfg(feature = "rocketpunch")]
pub(crate) use base_url::redact_url;
#[cfg(feature = "rocketpunch")]
pub(crate) use builder::http_client_builder;
pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT, Inner, Service, USER_AGENT,
};
pub(crate) use builder::{env_var, sealed};
pub use call::ResponseFuture;
// `call_empty` only serves the specs that have body-less answers.
#[allow(unused_imports)]
pub(crate) use call::{Op, call, call_empty, checked};
#[doc(hidden)]
pub use credentials::Renewal;
pub use credentials::{CredentialSource, CredentialsError, DEFAULT_REFRESH_MARGIN, SourceError, SourcedCredentials};
pub(crate) use exec::query_some;
pub(crate) use macros::{api_client, generated_api};
pub use options::CallOptions;
pub(crate) use path::{encode_path, path_segment};
pub use raw::RawRequest;
pub use redirect::MAX_REDIRECTS;
