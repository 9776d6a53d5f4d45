//! One attempt on the wire ([`OnWire`]): the request sent, its answer's head taken, its body
//! read within a limit. What the attempt came to is an [`Attempt`]; [`super::exec`] decides
//! what the call does with it (retry, renew the credentials, turn an error status into an
//! error).

use std::{
    pin::Pin,
    task::{Context, Poll, ready},
};

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode};
use http_body::Body as _;

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
    /// A success body over the client's limit.
    TooLarge,
    /// No credentials could be had for the call (it was not sent).
    NoCredentials(crate::transport::CredentialsError),
}

/// reqwest's future of a sent request: what `Client::execute` returns, named through the
/// client's `tower` service so that a call's future can hold it without a box.
pub(crate) type Sending = <&'static reqwest::Client as tower_service::Service<reqwest::Request>>::Future;

/// Sends a request on `http` (as `Client::execute` does).
pub(crate) fn send(http: &reqwest::Client, request: reqwest::Request) -> Sending {
    let mut http = http;
    tower_service::Service::call(&mut http, request)
}

/// The future of one attempt: waits for the sent request's answer and reads its body, error
/// bodies cut at [`ERROR_BODY_LIMIT`], success bodies refused over `limit`.
///
/// Written as one `poll` over two states rather than as `async` steps: a call runs it on every
/// attempt, and nested `async` steps (reqwest's `chunk()` inside a read loop inside the
/// attempt) were most of the call's own machine code touched on each call, which is what a
/// call costs beyond its instructions once other work has pushed it out of the CPU's caches.
/// Its types are all named, so the call's future holds it in place.
pub(crate) struct OnWire {
    state: State,
    limit: usize,
}

enum State {
    /// The request is on its way.
    Sending(Sending),
    /// The head is in; the body is being read.
    Reading(Reading),
    /// The attempt has answered.
    Done,
}

/// A body being read, and the head it belongs to.
struct Reading {
    status: StatusCode,
    headers: HeaderMap,
    body: reqwest::Body,
    /// The first chunk, kept as it came: a body in one chunk is never copied.
    first: Option<Bytes>,
    /// The body so far once a second chunk came, sized from the announced length.
    buf: BytesMut,
    /// Where the body is cut (an error body) or refused (a success body).
    cut_at: usize,
    /// The announced length (at most `cut_at`), to size `buf` once.
    announced: usize,
    is_error: bool,
}

impl OnWire {
    /// The attempt of a request being sent (`sent`), with the client's body limit.
    pub(crate) fn new(sent: Sending, limit: usize) -> Self {
        OnWire {
            state: State::Sending(sent),
            limit,
        }
    }

    /// Polls the attempt (the call's future polls it in place).
    pub(crate) fn poll_attempt(&mut self, cx: &mut Context<'_>) -> Poll<Attempt> {
        if let State::Sending(sent) = &mut self.state {
            let outcome = ready!(Pin::new(sent).poll(cx));
            match outcome.map(|response| self.head(response)) {
                Ok(None) => {}
                Ok(Some(answered)) => return self.done(answered),
                Err(error) => return self.done(Attempt::Failed { error, during: SENDING }),
            }
        }
        let State::Reading(reading) = &mut self.state else {
            unreachable!("an attempt polled after it answered")
        };
        loop {
            match ready!(Pin::new(&mut reading.body).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    // Anything but data (trailers) is not part of the body.
                    if let Ok(chunk) = frame.into_data()
                        && !reading.take(chunk)
                    {
                        return self.read(false);
                    }
                }
                Some(Err(error)) => return self.done(Attempt::Failed { error, during: READING }),
                None => return self.read(true),
            }
        }
    }

    /// Takes the answer's head and starts reading its body; or what the attempt came to when
    /// an announced success body is over the limit.
    fn head(&mut self, mut response: reqwest::Response) -> Option<Attempt> {
        let status = response.status();
        let is_error = status.is_client_error() || status.is_server_error();
        let cut_at = if is_error {
            ERROR_BODY_LIMIT.min(self.limit)
        } else {
            self.limit
        };
        let announced = response.content_length();
        if !is_error && announced.is_some_and(|len| len > self.limit as u64) {
            return Some(Attempt::TooLarge);
        }
        self.state = State::Reading(Reading {
            status,
            headers: std::mem::take(response.headers_mut()),
            body: reqwest::Body::from(response),
            first: None,
            buf: BytesMut::new(),
            cut_at,
            announced: announced.map_or(0, |len| len.min(cut_at as u64) as usize),
            is_error,
        });
        None
    }

    /// The attempt once its body is read: `complete` when it was read to its end.
    fn read(&mut self, complete: bool) -> Poll<Attempt> {
        let State::Reading(reading) = std::mem::replace(&mut self.state, State::Done) else {
            unreachable!("a body read outside its attempt")
        };
        Poll::Ready(if complete || reading.is_error {
            let body = match reading.first {
                Some(first) => first,
                None => reading.buf.freeze(),
            };
            Attempt::Answered(Answer {
                status: reading.status,
                headers: reading.headers,
                body,
            })
        } else {
            Attempt::TooLarge
        })
    }

    fn done(&mut self, attempt: Attempt) -> Poll<Attempt> {
        self.state = State::Done;
        Poll::Ready(attempt)
    }
}

impl Reading {
    /// Takes a chunk of the body; false when the body goes past `cut_at` (what fits is kept).
    fn take(&mut self, chunk: Bytes) -> bool {
        if self.buf.is_empty() {
            match self.first.take() {
                // The common case, a body in one chunk: no copy.
                None if chunk.len() <= self.cut_at => {
                    self.first = Some(chunk);
                    return true;
                }
                None => {}
                Some(first) => {
                    self.buf.reserve(self.announced.max(first.len() + chunk.len()));
                    self.buf.extend_from_slice(&first);
                }
            }
        }
        let room = self.cut_at.saturating_sub(self.buf.len());
        self.buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        chunk.len() <= room
    }
}
