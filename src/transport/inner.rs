//! The per-client state the generated code carries as progenitor's "inner type": what every
//! call of a client (and of its clones and per-call views) shares or sets.

use std::{fmt, sync::Arc, time::Duration};

use http::{HeaderMap, HeaderName};

use super::credentials::Live;
use crate::retry::RetryPolicy;

pub(crate) type Limiter = governor::DefaultDirectRateLimiter;

/// Per-client state (progenitor's inner type). Not meant to be used directly.
#[doc(hidden)]
#[derive(Clone)]
pub struct Inner {
    pub(crate) api: &'static str,
    /// The base URL's host and port, which call spans record (`server.address`, `server.port`).
    pub(crate) server: Arc<(String, u16)>,
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
    /// The user's middleware, which sends each attempt instead of the plain client.
    #[cfg(feature = "middleware")]
    pub(crate) middleware: Option<reqwest_middleware::ClientWithMiddleware>,
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
        let mut out = f.debug_struct("Inner");
        out.field("api", &self.api)
            .field("headers", &names)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("rate_limited", &self.limiter.is_some())
            .field("max_response_size", &self.max_response_size);
        #[cfg(feature = "middleware")]
        out.field("middleware", &self.middleware.is_some());
        out.finish()
    }
}
