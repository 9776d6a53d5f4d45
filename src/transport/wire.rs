//! One attempt on the wire ([`send`]): the request sent (through the user's middleware when
//! there is one), its answer's head taken, its body read within a limit. What the attempt came
//! to is an [`Attempt`]; [`super::exec`] decides what the call does with it.

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode};

use super::inner::Inner;
use crate::error::{READING, SENDING};

/// Error bodies above this size are cut before decoding, so a runaway body cannot exhaust
/// memory.
pub(crate) const ERROR_BODY_LIMIT: usize = 1 << 20;

/// A response whose status is not an error, with its body read.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// What one attempt came to.
pub(crate) enum Attempt {
    /// An answer, its body read (an error status's body cut at [`ERROR_BODY_LIMIT`]).
    Answered(Answer),
    /// The request could not be built, sent or its body read.
    Failed {
        error: reqwest::Error,
        during: &'static str,
    },
    /// The user's middleware failed the attempt.
    #[cfg(feature = "middleware")]
    Middleware(anyhow::Error),
    /// A success body over the client's limit.
    TooLarge,
    /// No credentials could be had for the call (it was not sent).
    NoCredentials(crate::transport::CredentialRenewalError),
}

/// Sends a request ready to go and reads its answer: error bodies cut at [`ERROR_BODY_LIMIT`],
/// success bodies refused over the client's limit.
pub(crate) async fn send(http: &reqwest::Client, inner: &Inner, request: reqwest::Request) -> Attempt {
    #[cfg(feature = "middleware")]
    let sent = match &inner.middleware {
        Some(middleware) => match middleware.execute(request).await {
            Ok(response) => Ok(response),
            Err(reqwest_middleware::Error::Reqwest(error)) => Err(error),
            Err(reqwest_middleware::Error::Middleware(error)) => return Attempt::Middleware(error),
        },
        None => http.execute(request).await,
    };
    #[cfg(not(feature = "middleware"))]
    let sent = http.execute(request).await;
    match sent {
        Ok(response) => read(response, inner.max_response_size).await,
        Err(error) => Attempt::Failed { error, during: SENDING },
    }
}

async fn read(mut response: reqwest::Response, limit: usize) -> Attempt {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let is_error = status.is_client_error() || status.is_server_error();
    let cap = if is_error { ERROR_BODY_LIMIT } else { limit };
    let announced = response.content_length().unwrap_or(0);
    if !is_error && announced > cap as u64 {
        return Attempt::TooLarge;
    }
    let mut body = BytesMut::with_capacity(announced.min(cap as u64) as usize);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() <= cap => body.extend_from_slice(&chunk),
            Ok(Some(_)) if !is_error => return Attempt::TooLarge,
            Ok(Some(chunk)) => {
                // An error body is cut, not refused: its start is what says what went wrong.
                let room = cap - body.len();
                body.extend_from_slice(&chunk[..room]);
                break;
            }
            Ok(None) => break,
            Err(error) => return Attempt::Failed { error, during: READING },
        }
    }
    Attempt::Answered(Answer {
        status,
        headers,
        body: body.freeze(),
    })
}
