//! The escape hatch: a call to an endpoint that is not in the spec yet, with a client's
//! credentials, base URL, headers, retries and errors.

use std::{fmt, marker::PhantomData};

use http::header;

use super::exec::{Template, exchange};
use super::inner::Inner;
use super::wire::Answer;
use crate::error::{VendorError, decode_error};

/// A call to an endpoint that is not in the spec yet, with the client's credentials, base URL,
/// headers and error handling. Get one from an API client's `raw` method.
///
/// The path is relative to the base URL and must start with `/`. It cannot leave the base URL's
/// origin or path, in any encoding (`..`, `%2e%2e` and backslashes are refused before sending),
/// and a redirect to another origin is not followed, so the credentials stay where they were
/// configured.
#[must_use]
pub struct RawRequest<'a, E> {
    http: &'a reqwest::Client,
    base_url: &'a str,
    inner: &'a Inner,
    method: http::Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<serde_json::Value>,
    _error: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for RawRequest<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRequest")
            .field("api", &self.inner.api)
            .field("method", &self.method)
            // Its first segment only, as traces show it: the rest can hold ids or tokens.
            .field("path", &format_args!("{}", Template::Raw(&self.path)))
            .finish_non_exhaustive()
    }
}

impl<'a, E: VendorError> RawRequest<'a, E> {
    pub(crate) fn new(
        http: &'a reqwest::Client,
        base_url: &'a str,
        inner: &'a Inner,
        method: http::Method,
        path: &str,
    ) -> Self {
        RawRequest {
            http,
            base_url,
            inner,
            method,
            path: path.to_string(),
            query: Vec::new(),
            body: None,
            _error: PhantomData,
        }
    }

    /// Adds a query parameter (encoded for you).
    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Sends this JSON body.
    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Sends the request. A success body is returned as JSON (`Null` when empty); an error
    /// status becomes [`crate::Error::Api`] exactly as for generated operations.
    pub async fn send(self) -> crate::Result<progenitor_client::ResponseValue<serde_json::Value>> {
        let api = self.inner.api;
        let invalid = |message: String| crate::Error::InvalidRequest { api, message };
        let url = super::path::join(self.base_url, &self.path, &self.query).map_err(invalid)?;
        let build = || {
            let builder = self
                .http
                .request(self.method.clone(), url.clone())
                .header(header::ACCEPT, "application/json");
            match &self.body {
                Some(body) => builder.json(body).build(),
                None => builder.build(),
            }
        };
        let Answer { status, headers, body } =
            exchange::<E>(self.http, self.inner, &build, "raw", Template::Raw(&self.path)).await?;
        let value = if body.iter().all(u8::is_ascii_whitespace) {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&body).map_err(|e| decode_error(api, status, body.clone(), &e))?
        };
        Ok(progenitor_client::ResponseValue::new(value, status, headers))
    }
}
