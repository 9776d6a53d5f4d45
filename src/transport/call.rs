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

use super::builder::Inner;
use super::exec::{Build, Exchange, TracedPath, exchange};
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
pub(crate) fn call<'a, T: DeserializeOwned, E: VendorError + 'static>(
    op: &'static Op<E>,
    http: &'a reqwest::Client,
    inner: &'a Inner,
    build: impl BuildRequest + 'a,
) -> ResponseFuture<'a, T> {
    ResponseFuture {
        stage: Stage::Exchange(start::<E>(http, inner, Box::new(build), op)),
        about: &op.about,
        finish: json,
    }
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
    ResponseFuture {
        stage: Stage::Exchange(start::<E>(http, inner, Box::new(build), op)),
        about: &op.about,
        finish: empty,
    }
}

/// What a generated `send` hands the transport to build its request, for each attempt.
pub(crate) trait BuildRequest: Fn() -> reqwest::Result<reqwest::Request> + Send + Sync {}
impl<F: Fn() -> reqwest::Result<reqwest::Request> + Send + Sync> BuildRequest for F {}

/// The exchange of a call (not generic over the request's builder: one per API).
fn start<'a, E: VendorError + 'static>(
    http: &'a reqwest::Client,
    inner: &'a Inner,
    build: Build<'a>,
    op: &'static Op<E>,
) -> Exchange<'a> {
    exchange::<E>(http, inner, build, op.about.name, TracedPath::Spec(op.about.path))
}

/// The future of an operation's `send()`: await it for the response
/// ([`ResponseValue`]`<T>`, the body and its status and headers) or the crate's
/// [`Error`](crate::Error). Nothing is sent until it is awaited (or polled); dropping it
/// cancels the call.
///
/// It is [`Send`], so a call can be spawned, and names only the success type, so a function
/// can return one: `fn projects(c: &Client) -> ResponseFuture<'_, types::ProjectPage>`.
#[must_use = "a call is sent only when its future is awaited"]
pub struct ResponseFuture<'a, T> {
    stage: Stage<'a>,
    about: &'static About,
    /// What turns the answer into the success value: one small function per success type,
    /// where an `async fn` per operation was a state machine compiled around the exchange.
    finish: fn(&About, Answer) -> crate::Result<ResponseValue<T>>,
}

/// What a call's future is doing.
// The exchange is held in place on purpose: boxed, it cost the call a fresh heap block each
// time (about a microsecond on the 2-core machine); a refused call is the rare one.
#[allow(clippy::large_enum_variant)]
enum Stage<'a> {
    /// The exchange (the same type for every operation of every API), held in place.
    Exchange(Exchange<'a>),
    /// The call was refused before anything was sent (a missing or invalid parameter); the
    /// error is taken when the future answers.
    Refused(Option<Error>),
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
    /// The future of a call that cannot be sent (a missing or invalid parameter): it answers
    /// `error` at once.
    #[cold]
    pub(crate) fn failed<E>(error: Error, op: &'static Op<E>) -> Self {
        ResponseFuture {
            stage: Stage::Refused(Some(error)),
            about: &op.about,
            finish: |_, _| unreachable!("a refused call has no answer to decode"),
        }
    }
}

// Nothing in it is pinned in place (the exchange's own waits are boxed).
impl<T> Unpin for ResponseFuture<'_, T> {}

impl<T> Future for ResponseFuture<'_, T> {
    type Output = crate::Result<ResponseValue<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match &mut this.stage {
            Stage::Exchange(exchange) => match Pin::new(exchange).poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Ok(answer)) => Poll::Ready((this.finish)(this.about, answer)),
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            },
            Stage::Refused(error) => match error.take() {
                Some(error) => Poll::Ready(Err(error)),
                None => panic!("a call's future polled after it answered"),
            },
        }
    }
}

/// The success value of a JSON answer.
fn json<T: DeserializeOwned>(about: &About, answer: Answer) -> crate::Result<ResponseValue<T>> {
    let Answer { status, headers, body } = declared(about, answer)?;
    match serde_json::from_slice(&body) {
        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
        Err(e) => Err(decode_error(about.api, status, body, &e)),
    }
}

/// The success value of an answer without a body.
fn empty(about: &About, answer: Answer) -> crate::Result<ResponseValue<()>> {
    let Answer { status, headers, .. } = declared(about, answer)?;
    Ok(ResponseValue::new((), status, headers))
}

/// The answer when its status is one the spec declares for the operation, else
/// [`Error::UnexpectedStatus`]. (Not an `async` step of its own: each one is a future the call
/// holds and copies.)
fn declared(about: &About, answer: Answer) -> crate::Result<Answer> {
    if about.success.contains(&answer.status.as_u16()) {
        Ok(answer)
    } else {
        Err(unexpected(about.api, answer))
    }
}

/// [`Error::UnexpectedStatus`] for an answer; out of the call's hot code, like the other error
/// constructors.
#[cold]
fn unexpected(api: &'static str, answer: Answer) -> Error {
    Error::UnexpectedStatus {
        api,
        status: answer.status,
        headers: Box::new(answer.headers),
    }
}
