//! What a generated operation's `send` runs once its parameters are checked and its request is
//! built: the request is prepared and sent ([`super::exec`]), then the answer is decoded as the
//! spec's success type. `build/surface.rs` writes every `send` as a call into this file.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use super::builder::Inner;
use super::credentials::BoxFuture;
use super::exec::{Answer, Build, TracedPath, exchange};
use crate::error::{Error, VendorError, decode_error};

/// One operation of a spec, as its generated `send` names it; `E` is the API's error body.
pub(crate) struct Op<E> {
    /// The spec's operationId, which messages name (`createTarget`).
    id: &'static str,
    /// The Rust name of the call, which traces record (`create_target`).
    name: &'static str,
    /// The path template, which traces record (`/clients/{clientId}/targets`).
    path: &'static str,
    /// The success statuses the spec declares; any other status that is not an error is
    /// [`Error::UnexpectedStatus`].
    success: &'static [u16],
    error: PhantomData<fn() -> E>,
}

impl<E> Op<E> {
    /// An operation: its spec id, Rust name, path template and success statuses (each
    /// generated `send` has one as a `static`).
    pub(crate) const fn new(id: &'static str, name: &'static str, path: &'static str, success: &'static [u16]) -> Self {
        Op {
            id,
            name,
            path,
            success,
            error: PhantomData,
        }
    }
}

/// A parameter or body as its builder holds it: set and valid, or the message of what is
/// missing or wrong, which becomes [`Error::InvalidRequest`] naming the operation.
pub(crate) fn checked<T, E: VendorError>(value: Result<T, String>, op: &Op<E>) -> crate::Result<T> {
    value.map_err(|message| Error::InvalidRequest {
        api: E::API,
        message: format!("{}: {message}", op.id),
    })
}

/// Sends an operation whose success answer has a JSON body of type `T`. `build` builds its
/// request (again for a retry).
pub(crate) fn call<'a, T: DeserializeOwned, E: VendorError + 'static>(
    http: &'a reqwest::Client,
    inner: &'a Inner,
    build: Build<'a>,
    op: &'static Op<E>,
) -> Call<'a, T, E> {
    Call {
        exchange: exchange::<E>(http, inner, build, op.name, TracedPath::Spec(op.path)),
        op,
        finish: json,
    }
}

/// Sends an operation whose success answer has no body. (Some specs have none: a build with
/// only those APIs does not use it.)
#[allow(dead_code)]
pub(crate) fn call_empty<'a, E: VendorError + 'static>(
    http: &'a reqwest::Client,
    inner: &'a Inner,
    build: Build<'a>,
    op: &'static Op<E>,
) -> Call<'a, (), E> {
    Call {
        exchange: exchange::<E>(http, inner, build, op.name, TracedPath::Spec(op.path)),
        op,
        finish: empty,
    }
}

/// The future of a call: the exchange (its type erased, shared by every operation of an API)
/// and what turns its answer into the success value. A plain future rather than an `async fn`:
/// an `async fn` generic over `T` was a state machine compiled once per success type around the
/// boxed exchange; this is one small `poll` and one decode each.
pub(crate) struct Call<'a, T, E: 'static> {
    exchange: BoxFuture<'a, crate::Result<Answer>>,
    op: &'static Op<E>,
    finish: fn(&Op<E>, Answer) -> crate::Result<ResponseValue<T>>,
}

// Nothing in it is pinned in place: the exchange is pinned in its own box.
impl<T, E: 'static> Unpin for Call<'_, T, E> {}

impl<T, E: 'static> Future for Call<'_, T, E> {
    type Output = crate::Result<ResponseValue<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match this.exchange.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(answer)) => Poll::Ready((this.finish)(this.op, answer)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        }
    }
}

/// The success value of a JSON answer.
fn json<T: DeserializeOwned, E: VendorError>(op: &Op<E>, answer: Answer) -> crate::Result<ResponseValue<T>> {
    let Answer { status, headers, body } = declared(op, answer)?;
    match serde_json::from_slice(&body) {
        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
        Err(e) => Err(decode_error(E::API, status, body, &e)),
    }
}

/// The success value of an answer without a body.
fn empty<E: VendorError>(op: &Op<E>, answer: Answer) -> crate::Result<ResponseValue<()>> {
    let Answer { status, headers, .. } = declared(op, answer)?;
    Ok(ResponseValue::new((), status, headers))
}

/// The answer when its status is one the spec declares for the operation, else
/// [`Error::UnexpectedStatus`]. (Not an `async` step of its own: each one is a future the call
/// holds and copies.)
fn declared<E: VendorError>(op: &Op<E>, answer: Answer) -> crate::Result<Answer> {
    if op.success.contains(&answer.status.as_u16()) {
        Ok(answer)
    } else {
        Err(unexpected::<E>(answer))
    }
}

/// [`Error::UnexpectedStatus`] for an answer; out of the call's hot code, like the other error
/// constructors.
#[cold]
fn unexpected<E: VendorError>(answer: Answer) -> Error {
    Error::UnexpectedStatus {
        api: E::API,
        status: answer.status,
        headers: Box::new(answer.headers),
    }
}
