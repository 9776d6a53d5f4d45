//! What a generated operation's `send` returns once its parameters are checked: a
//! [`ResponseFuture`] that sends the request its closure builds ([`super::exec`]) and decodes
//! the answer as the spec's success type. `build/surface.rs` writes every `send` as a call into
//! this file.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use super::exec::{Template, exchange};
use super::inner::Inner;
use super::wire::Answer;
use crate::error::{Error, VendorError, decode_error};

/// One operation of a spec, as its generated `send` names it; `E` is the API's error body.
pub(crate) struct Op<E> {
    about: About,
    error: PhantomData<fn() -> E>,
}

/// What a call's future keeps of its operation (not generic over the error body, so that
/// [`ResponseFuture`] names only the success type).
struct About {
    /// The API's name in messages.
    api: &'static str,
    /// The spec's operationId, which messages name (`createTarget`).
    id: &'static str,
    /// The Rust name of the call, which traces record (`create_target`).
    name: &'static str,
    /// The path template, which traces record (`/clients/{clientId}/targets`).
    path: &'static str,
    /// The success statuses the spec declares; any other status that is not an error is
    /// [`Error::UnexpectedStatus`].
    success: &'static [u16],
}

impl<E: VendorError> Op<E> {
    /// An operation: its spec id, Rust name, path template and success statuses (each
    /// generated `send` has one as a `static`).
    pub(crate) const fn new(id: &'static str, name: &'static str, path: &'static str, success: &'static [u16]) -> Self {
        Op {
            about: About {
                api: E::API,
                id,
                name,
                path,
                success,
            },
            error: PhantomData,
        }
    }
}

/// A parameter or body as its builder holds it: set and valid, or the message of what is
/// missing or wrong, which becomes [`Error::InvalidRequest`] naming the operation.
pub(crate) fn check<T, E>(value: Result<T, String>, op: &Op<E>) -> crate::Result<T> {
    value.map_err(|message| Error::InvalidRequest {
        api: op.about.api,
        message: format!("{}: {message}", op.about.id),
    })
}

/// `checked!(param, OP)` in a generated `send`: the parameter's value, or the `send` returns a
/// future that answers [`Error::InvalidRequest`] at once and sends nothing (a `send` is a plain
/// function returning its future, where `?` does not reach).
macro_rules! checked {
    ($value:expr, $op:expr) => {
        match $crate::transport::call::check($value, &$op) {
            Ok(value) => value,
            Err(e) => return $crate::transport::ResponseFuture::failed(e, &$op),
        }
    };
}
pub(crate) use checked;

/// Sends an operation whose success answer has a JSON body of type `T`; `build` builds its
/// request (again for a retry).
pub(crate) fn call<'a, T: DeserializeOwned + Send + 'a, E: VendorError + 'static>(
    op: &'static Op<E>,
    http: &'a reqwest::Client,
    inner: &'a Inner,
    build: impl BuildRequest + 'a,
) -> ResponseFuture<'a, T> {
    let about = &op.about;
    ResponseFuture::new(about, async move {
        let answer = exchange::<E>(http, inner, &build, about.name, Template::Spec(about.path)).await?;
        let Answer { status, headers, body } = declared(about, answer)?;
        match serde_json::from_slice(&body) {
            Ok(value) => Ok(ResponseValue::new(value, status, headers)),
            Err(e) => Err(decode_error(about.api, status, body, &e)),
        }
    })
}

/// Sends an operation whose success answer has no body, as [`call`] does. (Some specs have
/// none: a build with only those APIs does not use it.)
#[allow(dead_code)]
pub(crate) fn call_empty<'a, E: VendorError + 'static>(
    op: &'static Op<E>,
    http: &'a reqwest::Client,
    inner: &'a Inner,
    build: impl BuildRequest + 'a,
) -> ResponseFuture<'a, ()> {
    let about = &op.about;
    ResponseFuture::new(about, async move {
        let answer = exchange::<E>(http, inner, &build, about.name, Template::Spec(about.path)).await?;
        let Answer { status, headers, .. } = declared(about, answer)?;
        Ok(ResponseValue::new((), status, headers))
    })
}

/// Sends an operation whose success answer is text (`text/*`), read whole, as [`call`] does;
/// invalid UTF-8 is a decode error naming where it broke.
#[allow(dead_code)]
pub(crate) fn call_text<'a, E: VendorError + 'static>(
    op: &'static Op<E>,
    http: &'a reqwest::Client,
    inner: &'a Inner,
    build: impl BuildRequest + 'a,
) -> ResponseFuture<'a, String> {
    let about = &op.about;
    ResponseFuture::new(about, async move {
        let answer = exchange::<E>(http, inner, &build, about.name, Template::Spec(about.path)).await?;
        let Answer { status, headers, body } = declared(about, answer)?;
        match String::from_utf8(body.to_vec()) {
            Ok(text) => Ok(ResponseValue::new(text, status, headers)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let json_error = serde_json::Error::io(std::io::Error::other(format!("invalid UTF-8 at byte {at}")));
                Err(decode_error(about.api, status, body, &json_error))
            }
        }
    })
}

/// Sends an operation whose success answer is bytes (`application/octet-stream`, images,
/// files), read whole within the client's size limit, as [`call`] does.
#[allow(dead_code)]
pub(crate) fn call_bytes<'a, E: VendorError + 'static>(
    op: &'static Op<E>,
    http: &'a reqwest::Client,
    inner: &'a Inner,
    build: impl BuildRequest + 'a,
) -> ResponseFuture<'a, bytes::Bytes> {
    let about = &op.about;
    ResponseFuture::new(about, async move {
        let answer = exchange::<E>(http, inner, &build, about.name, Template::Spec(about.path)).await?;
        let Answer { status, headers, body } = declared(about, answer)?;
        Ok(ResponseValue::new(body, status, headers))
    })
}

/// What a generated `send` hands the transport to build its request, for each attempt.
pub(crate) trait BuildRequest: Fn() -> reqwest::Result<reqwest::Request> + Send + Sync {}
impl<F: Fn() -> reqwest::Result<reqwest::Request> + Send + Sync> BuildRequest for F {}

/// The future of an operation's `send()`: await it for the response
/// ([`ResponseValue`]`<T>`, the body and its status and headers) or the crate's
/// [`Error`](crate::Error). Nothing is sent until it is awaited (or polled); dropping it
/// cancels the call.
///
/// It is [`Send`], so a call can be spawned, and names only the success type, so a function
/// can return one: `fn projects(c: &Client) -> ResponseFuture<'_, types::ProjectPage>`.
#[must_use = "a call is sent only when its future is awaited"]
pub struct ResponseFuture<'a, T> {
    call: Pin<Box<dyn Future<Output = crate::Result<ResponseValue<T>>> + Send + 'a>>,
    about: &'static About,
}

impl<T> std::fmt::Debug for ResponseFuture<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("api", &self.about.api)
            .field("operation", &self.about.id)
            .finish_non_exhaustive()
    }
}

impl<'a, T> ResponseFuture<'a, T> {
    fn new(about: &'static About, call: impl Future<Output = crate::Result<ResponseValue<T>>> + Send + 'a) -> Self {
        ResponseFuture {
            call: Box::pin(call),
            about,
        }
    }

    /// The future of a call that cannot be sent (a missing or invalid parameter): it answers
    /// `error` at once.
    #[cold]
    pub(crate) fn failed<E>(error: Error, op: &'static Op<E>) -> Self
    where
        T: Send + 'a,
    {
        Self::new(&op.about, async move { Err(error) })
    }
}

impl<T> Future for ResponseFuture<'_, T> {
    type Output = crate::Result<ResponseValue<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.call.as_mut().poll(cx)
    }
}

/// The answer when its status is one the spec declares for the operation, else
/// [`Error::UnexpectedStatus`].
fn declared(about: &About, answer: Answer) -> crate::Result<Answer> {
    if about.success.contains(&answer.status.as_u16()) {
        Ok(answer)
    } else {
        Err(Error::UnexpectedStatus {
            api: about.api,
            status: answer.status,
            headers: Box::new(answer.headers),
        })
    }
}
