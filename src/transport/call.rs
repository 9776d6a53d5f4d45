//! What a generated operation's `send` runs once its parameters are checked and its request is
//! built: the request is prepared and sent ([`super::exec`]), then the answer is decoded as the
//! spec's success type. `build/surface.rs` writes every `send` as a call into this file.

use std::marker::PhantomData;

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use super::builder::Inner;
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
pub(crate) async fn call<T: DeserializeOwned, E: VendorError>(
    http: &reqwest::Client,
    inner: &Inner,
    build: Build<'_>,
    op: &'static Op<E>,
) -> crate::Result<ResponseValue<T>> {
    let answer = exchange::<E>(http, inner, build, op.name, TracedPath::Spec(op.path)).await?;
    let Answer { status, headers, body } = declared(op, answer)?;
    match serde_json::from_slice(&body) {
        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
        Err(e) => Err(decode_error(E::API, status, body, &e)),
    }
}

/// Sends an operation whose success answer has no body. (Some specs have none: a build with
/// only those APIs does not use it.)
#[allow(dead_code)]
pub(crate) async fn call_empty<E: VendorError>(
    http: &reqwest::Client,
    inner: &Inner,
    build: Build<'_>,
    op: &'static Op<E>,
) -> crate::Result<ResponseValue<()>> {
    let answer = exchange::<E>(http, inner, build, op.name, TracedPath::Spec(op.path)).await?;
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
