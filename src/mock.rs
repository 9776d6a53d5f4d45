//! Typed mock servers for your own tests (cargo feature `mock`): one per API, on 127.0.0.1,
//! programmed per operation with the operation's own response type, so a mock cannot answer
//! with a shape the client would refuse.
//!
//! Each API module has `mock::MockServer`; it has a method per operation of the spec, named like
//! the client's (`list_clients`, `get_org`, …), returning an [`Expectation`] to narrow (path
//! parameters, query parameters, how many times) and answer: [`ok`](Expectation::ok) with the
//! success type, [`fail`](Expectation::fail) with a status and message in the vendor's error
//! shape, or [`error`](Expectation::error) with a whole error body. `server.client()` is a
//! client of that API pointed at the mock, with retries off so programmed failures surface at
//! once. Built on [wiremock](https://docs.rs/wiremock): `server.wiremock()` reaches it for
//! anything else (typed expectations take precedence over mocks mounted there), and
//! unprogrammed requests get a `404`.
//!
//! ```
//! # #[cfg(feature = "rockety")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use rocket_apis::rockety::{mock::MockServer, types};
//!
//! let server = MockServer::start().await;
//! let page: types::ProjectPage = serde_json::from_value(serde_json::json!({
//!     "data": [{"id": 1, "name": "Web"}],
//!     "pagination": {"current_page": 1, "per_page": 20, "total_pages": 1, "total_items": 1}
//! })).unwrap();
//! server.list_projects().query("page", "1").ok(&page).await;
//!
//! let projects = server.client().list_projects().page(1).send().await.unwrap();
//! assert_eq!(projects.data[0].name.as_deref(), Some("Web"));
//! # }
//! # #[cfg(not(feature = "rockety"))]
//! # fn main() {}
//! ```

use std::{marker::PhantomData, time::Duration};

use http::StatusCode;
use serde::Serialize;
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{method, path_regex, query_param},
};

use crate::{Service, error::VendorError};

/// A mock server for one API. Start one per test; it stops when dropped.
pub struct MockServer<S: Service> {
    server: wiremock::MockServer,
    base_path: String,
    _api: PhantomData<S>,
}

impl<S: Service> std::fmt::Debug for MockServer<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("api", &S::NAME)
            .field("base_url", &self.base_url())
            .finish()
    }
}

impl<S: Service> MockServer<S> {
    /// Starts a server on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        let base_path = reqwest::Url::parse(S::DEFAULT_BASE_URL)
            .map(|u| u.path().trim_end_matches('/').to_string())
            .unwrap_or_default();
        MockServer {
            server: wiremock::MockServer::start().await,
            base_path,
            _api: PhantomData,
        }
    }

    /// The base URL to give a client: the server's address and the API's base path
    /// (e.g. `http://127.0.0.1:41234/api/v1`).
    pub fn base_url(&self) -> String {
        format!("{}{}", self.server.uri(), self.base_path)
    }

    /// A client builder for this API pointed at the mock, with these credentials and retries
    /// off.
    pub fn builder(&self, credentials: impl Into<S::Credentials>) -> crate::ClientBuilder<S> {
        crate::ClientBuilder::new(credentials.into())
            .base_url(self.base_url())
            .retry(crate::RetryPolicy::none())
    }

    /// The wiremock server underneath, for matchers and checks this layer does not offer.
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.server
    }

    /// The requests received so far (method, path with query), oldest first.
    pub async fn received(&self) -> Vec<(String, String)> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let target = match r.url.query() {
                    Some(q) => format!("{}?{q}", r.url.path()),
                    None => r.url.path().to_string(),
                };
                (r.method.to_string(), target)
            })
            .collect()
    }

    /// An expectation for one operation; the API's `MockServer` has a typed method per
    /// operation that calls this.
    #[doc(hidden)]
    pub fn operation<T: Serialize, E: VendorError>(
        &self,
        verb: &'static str,
        template: &'static str,
        success: u16,
    ) -> Expectation<'_, T, E> {
        Expectation {
            server: &self.server,
            base_path: &self.base_path,
            verb,
            template,
            success,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            times: None,
            delay: None,
            _types: PhantomData,
        }
    }
}

/// What one operation's mock should match and answer. Finish it with
/// [`ok`](Self::ok), [`fail`](Self::fail) or [`error`](Self::error), and `.await` that.
#[must_use = "an expectation does nothing until answered with ok, fail or error and awaited"]
pub struct Expectation<'a, T, E> {
    server: &'a wiremock::MockServer,
    base_path: &'a str,
    verb: &'static str,
    template: &'static str,
    success: u16,
    path_params: Vec<(String, String)>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    times: Option<u64>,
    delay: Option<Duration>,
    _types: PhantomData<fn(T, E)>,
}

impl<T: Serialize, E: VendorError> Expectation<'_, T, E> {
    /// Matches only this value of a path parameter (by its name in the spec, e.g. `clientId`);
    /// unnamed parameters match any segment.
    pub fn path_param(mut self, name: &str, value: impl ToString) -> Self {
        self.path_params.push((name.to_string(), value.to_string()));
        self
    }

    /// Matches only requests with this query parameter.
    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds this header to the answer (e.g. `Retry-After`, `X-Request-ID`, rate-limit headers).
    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Answers only the first `n` matching requests; later ones fall through to other mocks.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Waits this long before answering (to test timeouts).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Answers with the operation's success status and this body.
    pub async fn ok(self, body: &T) {
        let status = self.success;
        let body = serde_json::to_value(body).unwrap_or(serde_json::Value::Null);
        // `()` (an operation without a body) answers with no body.
        let body = (!body.is_null()).then_some(body);
        self.mount(status, body).await;
    }

    /// Answers with an error status and this message in the vendor's error shape.
    pub async fn fail(self, status: u16, message: &str) {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.mount(status, Some(E::stand_in(code, message))).await;
    }

    /// Answers with an error status and this error body.
    pub async fn error(self, status: u16, body: &E) {
        let body = serde_json::to_value(body).unwrap_or(serde_json::Value::Null);
        self.mount(status, Some(body)).await;
    }

    /// Answers with a status and no body (e.g. `204` for a delete).
    pub async fn empty(self, status: u16) {
        self.mount(status, None).await;
    }

    async fn mount(self, status: u16, body: Option<serde_json::Value>) {
        let mut pattern = regex_escape(self.base_path);
        for segment in self.template.split('/').filter(|s| !s.is_empty()) {
            pattern.push('/');
            match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => match self.path_params.iter().find(|(n, _)| n == name) {
                    Some((_, value)) => pattern.push_str(&regex_escape(value)),
                    None => pattern.push_str("[^/]+"),
                },
                None => pattern.push_str(&regex_escape(segment)),
            }
        }
        let mut mock = Mock::given(method(self.verb)).and(path_regex(format!("^{pattern}$")));
        for (name, value) in &self.query {
            mock = mock.and(query_param(name.as_str(), value.as_str()));
        }
        let mut template = ResponseTemplate::new(status);
        if let Some(body) = body {
            template = template.set_body_json(body);
        }
        for (name, value) in &self.headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        if let Some(delay) = self.delay {
            template = template.set_delay(delay);
        }
        // Before plain wiremock mocks (priority 5), and narrower expectations first.
        let narrowing = (self.path_params.len() + self.query.len()).min(3) as u8;
        let priority = 4 - narrowing;
        let mut mock = mock.respond_with(template).with_priority(priority);
        if let Some(n) = self.times {
            mock = mock.up_to_n_times(n);
        }
        mock.mount(self.server).await;
    }
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
