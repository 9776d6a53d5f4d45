//! What every client shares on the wire, one job per file:
//!
//! - [`builder`]: the shared [`ClientBuilder`];
//! - [`service`]: what the builder needs to know of one API ([`Service`]);
//! - [`inner`]: the per-client state the generated code carries ([`Inner`]);
//! - [`http`]: the `reqwest` client: TLS backend, the user's settings, the rules that protect
//!   credentials;
//! - [`redirect`]: which redirects are followed (within the origin only);
//! - [`base_url`]: which base URLs are accepted, and how a refused one is shown;
//! - [`path`]: what keeps a call's path under the base path;
//! - [`credentials`]: the live credential slot every clone shares, and what renews it;
//! - [`call`]: what each generated operation's `send` returns (checked parameters, the success
//!   body decoded);
//! - [`exec`]: the retry loop around every call, and its tracing span;
//! - [`wire`]: one attempt on the wire (the answer's head, its body read within a limit);
//! - [`failure`]: what a transport failure was ([`TransportCause`]);
//! - [`options`]: per-call settings ([`CallOptions`]) on a view of a client;
//! - [`raw`]: calls to endpoints not in the spec ([`RawRequest`]);
//! - [`macros`]: what each API module invokes once.

pub(crate) mod base_url;
pub(crate) mod builder;
pub(crate) mod call;
pub(crate) mod credentials;
pub(crate) mod exec;
pub(crate) mod failure;
pub(crate) mod http;
pub(crate) mod inner;
pub(crate) mod macros;
pub(crate) mod options;
pub(crate) mod path;
pub(crate) mod raw;
pub(crate) mod redirect;
pub(crate) mod service;
pub(crate) mod wire;

#[cfg(any(feature = "authrocket", feature = "rocketpunch"))]
pub(crate) use base_url::is_loopback;
#[cfg(feature = "rocketpunch")]
pub(crate) use base_url::redact_url;
pub(crate) use builder::env_var;
pub use builder::{ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT, USER_AGENT};
pub use call::ResponseFuture;
// `call_empty`, `call_text` and `call_bytes` only serve the specs that have such answers.
#[allow(unused_imports)]
pub(crate) use call::{Op, call, call_bytes, call_empty, call_text, checked};
#[doc(hidden)]
pub use credentials::Renewal;
pub use credentials::{
    CredentialRenewalError, CredentialSource, DEFAULT_REFRESH_MARGIN, SourceError, SourcedCredentials,
};
pub(crate) use exec::query_some;
pub use failure::TransportCause;
#[cfg(feature = "rocketpunch")]
pub(crate) use http::client_builder as http_client_builder;
pub use inner::Inner;
pub(crate) use macros::{api_client, generated_api};
pub use options::CallOptions;
#[allow(unused_imports)]
pub(crate) use path::{encode_path, header_value, path_segment};
pub use raw::RawRequest;
pub use redirect::MAX_REDIRECTS;
pub use service::Service;
pub(crate) use service::sealed;
