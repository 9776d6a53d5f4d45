//! A local server that knows generations of credentials, as a vendor rotating keys does: it
//! accepts the newest generation and each older one for an overlap window after it was
//! replaced, and it records every request whose credential headers are not one whole
//! generation (a mix of two, or a piece missing).
#![allow(dead_code)]

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use wiremock::{
    Mock, MockServer, Request, Respond, ResponseTemplate,
    matchers::{method, path},
};

/// One generation: the value of each credential header, `None` where the header must be absent.
pub type CredentialSet = Vec<(&'static str, Option<String>)>;

#[derive(Clone)]
pub struct Rotating(Arc<State>);

struct State {
    /// Each generation with when it was replaced.
    generations: Mutex<Vec<(CredentialSet, Option<Instant>)>>,
    overlap: Duration,
    body: serde_json::Value,
    delay: Duration,
    /// Index of the generation each accepted request carried.
    seen: Mutex<Vec<usize>>,
    mixed: AtomicUsize,
    too_late: AtomicUsize,
}

impl Rotating {
    pub fn new(first: CredentialSet, overlap: Duration, body: serde_json::Value, delay: Duration) -> Self {
        Rotating(Arc::new(State {
            generations: Mutex::new(vec![(first, None)]),
            overlap,
            body,
            delay,
            seen: Mutex::new(Vec::new()),
            mixed: AtomicUsize::new(0),
            too_late: AtomicUsize::new(0),
        }))
    }

    /// Answers every `GET` of `route` on `server`.
    pub async fn serve_get(&self, server: &MockServer, route: &str) {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(self.clone())
            .mount(server)
            .await;
    }

    /// Accepts `next` from now on; the previous generation is accepted for the overlap window.
    pub fn rotate(&self, next: CredentialSet) {
        let mut generations = self.0.generations.lock().unwrap();
        if let Some(last) = generations.last_mut() {
            last.1 = Some(Instant::now());
        }
        generations.push((next, None));
    }

    /// Requests whose credential headers were not one whole generation.
    pub fn mixed(&self) -> usize {
        self.0.mixed.load(Ordering::SeqCst)
    }

    /// Requests with a whole generation, after its overlap window (answered 401).
    pub fn too_late(&self) -> usize {
        self.0.too_late.load(Ordering::SeqCst)
    }

    /// The generation of each accepted request.
    pub fn seen(&self) -> Vec<usize> {
        self.0.seen.lock().unwrap().clone()
    }
}

impl Respond for Rotating {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let generations = self.0.generations.lock().unwrap();
        let matches = |set: &CredentialSet| {
            set.iter()
                .all(|(name, value)| request.headers.get(*name).and_then(|v| v.to_str().ok()) == value.as_deref())
        };
        let Some(index) = generations.iter().position(|(set, _)| matches(set)) else {
            self.0.mixed.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"error": "not one whole set"}))
                .set_delay(self.0.delay);
        };
        let accepted = match generations[index].1 {
            None => true,
            Some(replaced) => replaced.elapsed() < self.0.overlap,
        };
        if !accepted {
            self.0.too_late.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"error": "revoked"}))
                .set_delay(self.0.delay);
        }
        self.0.seen.lock().unwrap().push(index);
        ResponseTemplate::new(200)
            .set_body_json(self.0.body.clone())
            .set_delay(self.0.delay)
    }
}
