//! What the crate reads from response headers: the request id (under the names vendors use)
//! and `Retry-After`.

use std::time::Duration;

use http::{HeaderMap, header};

/// The request id a server sent, under the names vendors use for it.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    request_id_str(headers).map(str::to_string)
}

/// The headers a request id is read from, in this order.
pub(crate) const REQUEST_ID_HEADERS: [&str; 5] = [
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "apigw-requestid",
    "x-correlation-id",
];

pub(crate) fn request_id_str(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
}

/// `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The request id of a successful response, under the names vendors use for it.
pub trait ResponseExt {
    /// The server's request id (`X-Request-ID` and similar), to quote to the vendor's support.
    fn request_id(&self) -> Option<&str>;
}

impl<T> ResponseExt for progenitor_client::ResponseValue<T> {
    fn request_id(&self) -> Option<&str> {
        request_id_str(self.headers())
    }
}
