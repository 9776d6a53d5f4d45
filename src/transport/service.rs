//! What the shared builder needs to know of one API ([`Service`]), and how it wraps the API's
//! generated client ([`sealed::Wrap`]). Implemented once per API by its module.

use http::HeaderMap;

use super::credentials::Renewal;

/// One API, as the shared builder needs to know it. Implemented by each API's marker type
/// (e.g. [`crate::requestrocket::RequestRocket`]); sealed: no other crate implements it.
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
        fn assemble(base_url: &str, http: reqwest::Client, inner: crate::transport::Inner) -> Self::Client;
    }
}
