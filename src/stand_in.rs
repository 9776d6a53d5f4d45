//! The one internal device of the crate: how the `exec` hook hands back what progenitor's
//! `reqwest::Result<reqwest::Response>` cannot carry.
//!
//! - A transport failure after retries (with its attempt count), or a success body over the
//!   size limit, travels as a response with [`FAILURE_STATUS`], a status outside every range a
//!   spec can list, so the generated code always hands it back as an unexpected response; its
//!   extensions hold the [`FailureKind`], which [`crate::error`] takes out. Users never see the
//!   status: every generated `send` converts it into [`crate::Error`].
//! - An error body that does not decode as the API's error type is replaced by a stand-in body
//!   in the vendor's shape ([`STAND_IN_HEADER`] marks it), and the number of attempts and a
//!   refused `Retry-After` wait ride along as marker headers; the conversion into
//!   [`crate::ApiError`] strips every marker and restores the original text.

use std::sync::{Arc, Mutex};

use http::StatusCode;

/// Marks a response whose error body was replaced by `VendorError::stand_in`.
pub(crate) const STAND_IN_HEADER: &str = "x-rocket-apis-stand-in";
/// Carries the number of attempts on an error response that was retried.
pub(crate) const ATTEMPTS_HEADER: &str = "x-rocket-apis-attempts";
/// Carries the `Retry-After` cap (ms) on an error response not retried because of it.
pub(crate) const RETRY_CAP_HEADER: &str = "x-rocket-apis-retry-cap";
/// Every marker header, stripped before a user sees the headers.
pub(crate) const MARKER_HEADERS: [&str; 3] = [STAND_IN_HEADER, ATTEMPTS_HEADER, RETRY_CAP_HEADER];

/// The original bytes of an error body, carried in the response's extensions.
#[derive(Clone)]
pub(crate) struct RawErrorBody(pub bytes::Bytes);

/// Status of the stand-in response that carries a failure out of the `exec` hook (see
/// [`Failure`]); outside every range a spec can list, so the generated code always hands it
/// back as an unexpected response, which [`crate::Error`]'s `From` turns into the failure.
pub(crate) const FAILURE_STATUS: u16 = 999;

/// A failure found inside the `exec` hook that the hook's `reqwest::Result` cannot carry (how
/// many attempts were made, a body over the limit). Travels in the extensions of a stand-in
/// response and is taken out once, by the conversion into [`crate::Error`].
#[derive(Clone)]
pub(crate) struct Failure(pub(crate) Arc<Mutex<Option<FailureKind>>>);

pub(crate) enum FailureKind {
    Transport {
        error: reqwest::Error,
        during: &'static str,
        attempts: u32,
    },
    TooLarge {
        limit: usize,
    },
    /// No credentials could be had for the call (it was not sent).
    Credentials(crate::transport::CredentialsError),
}

impl Failure {
    pub(crate) fn response(kind: FailureKind) -> reqwest::Response {
        let mut response = http::Response::new(bytes::Bytes::new());
        *response.status_mut() = StatusCode::from_u16(FAILURE_STATUS).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        response
            .extensions_mut()
            .insert(Failure(Arc::new(Mutex::new(Some(kind)))));
        reqwest::Response::from(response)
    }

    /// The failure a stand-in response carries, taken out (`None` for any other response).
    pub(crate) fn take(response: &reqwest::Response) -> Option<FailureKind> {
        let failure = response.extensions().get::<Failure>()?;
        failure.0.lock().ok()?.take()
    }
}

/// A stand-in error body in the common flat shape `{error, message, status}` (RequestRocket's
/// and Rockety's), holding the original text as the message.
#[cfg_attr(not(any(feature = "requestrocket", feature = "rockety")), allow(dead_code))]
pub(crate) fn flat_stand_in(status: StatusCode, text: &str) -> serde_json::Value {
    serde_json::json!({
        "error": status.canonical_reason().unwrap_or("Error"),
        "message": text,
        "status": status.as_u16(),
    })
}
