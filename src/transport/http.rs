//! The `reqwest` client every API client sends with: the crate's TLS backend, the user's own
//! settings ([`ClientBuilder::configure_http`](crate::ClientBuilder::configure_http)), then the
//! rules that keep credentials on their origin, put on last so no setting can weaken them.

use super::redirect;

/// A `reqwest` client builder with the crate's TLS backend ready (feature `tls-ring` installs
/// ring as rustls's process default when no provider is installed yet).
pub(crate) fn client_builder() -> reqwest::ClientBuilder {
    #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
    {
        // rustls deprecates its ring provider for want of post-quantum key exchange; `tls-ring`
        // is the user's explicit choice of ring (a faster build), so it stays. Fails only when
        // a provider is installed already, which then serves.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
}

/// The rules that protect credentials, applied after every other setting: redirects only
/// within the origin ([`redirect::policy`]), no `Referer`, no logging of raw connection bytes
/// (which hold the credential headers), and https only when the base URL is https.
pub(crate) fn protect(builder: reqwest::ClientBuilder, https_only: bool) -> reqwest::ClientBuilder {
    builder
        .redirect(redirect::policy())
        .referer(false)
        .connection_verbose(false)
        .https_only(https_only)
}
