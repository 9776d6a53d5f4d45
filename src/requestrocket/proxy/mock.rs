//! A mock RequestRocket proxy for your tests (cargo feature `mock`): it answers like the data
//! plane, with the `requestrocket-proxy-*` headers, so code that tells the proxy's refusals from
//! the target's errors can be tested without RequestRocket.
//!
//! A request with another credential than the mock's is refused as the proxy would refuse it
//! (`403`, `proxy-access-denied`); a request with the right credential that no answer matches
//! gets `501` and a text naming its method and path.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use rocket_apis::requestrocket::proxy::{ProxyError, mock::MockServer};
//!
//! let proxy = MockServer::start().await;
//! proxy.on("GET", "/users/7").target(404, serde_json::json!({"message": "no such user"})).await;
//! let err = proxy.client().get("/users/7").send().await.unwrap_err();
//! assert!(matches!(err, ProxyError::Target(ref t) if t.status() == 404));
//! # }
//! ```

use http::HeaderValue;
use wiremock::{
    Mock, Request, ResponseTemplate,
    matchers::{any, method, path},
};

use super::{Client, PROXY_CODE_HEADER, PROXY_MESSAGE_HEADER, PROXY_WARNING_HEADER, ProxyCredential};
use crate::RetryPolicy;

/// The Bearer token of [`MockServer::start`]'s credential.
pub const MOCK_TOKEN: &str = "mock-proxy-token";
/// The proxy id of every mock proxy.
pub const MOCK_PROXY_ID: &str = "proxy_mock0001";

/// A mock proxy on 127.0.0.1. Start one per test; it stops when dropped.
pub struct MockServer {
    server: wiremock::MockServer,
    credential: ProxyCredential,
}

impl MockServer {
    /// A mock proxy that accepts the Bearer credential [`MOCK_TOKEN`].
    pub async fn start() -> Self {
        Self::start_with(crate::credential::known_valid(ProxyCredential::bearer(MOCK_TOKEN))).await
    }

    /// A mock proxy that accepts this credential (and refuses every other).
    pub async fn start_with(credential: ProxyCredential) -> Self {
        let server = wiremock::MockServer::start().await;
        let expected = credential.header();
        let wrong = move |request: &Request| request.headers.get("authorization") != Some(&expected);
        Mock::given(wrong)
            .respond_with(verdict(403, "proxy-access-denied", "Invalid proxy credential", None))
            .with_priority(250)
            .mount(&server)
            .await;
        Mock::given(any())
            .respond_with(|request: &Request| {
                ResponseTemplate::new(501).set_body_string(format!(
                    "the mock proxy has no answer for {} {}",
                    request.method,
                    request.url.path()
                ))
            })
            .with_priority(255)
            .mount(&server)
            .await;
        MockServer { server, credential }
    }

    /// The proxy's base URL (`http://127.0.0.1:{port}/api/{MOCK_PROXY_ID}`).
    pub fn base_url(&self) -> String {
        format!("{}/api/{MOCK_PROXY_ID}", self.server.uri())
    }

    /// A client of this mock with its credential and retries off.
    pub fn client(&self) -> Client {
        match Client::builder(self.base_url(), self.credential.clone())
            .retry(RetryPolicy::none())
            .build()
        {
            Ok(client) => client,
            Err(e) => unreachable!("a loopback base URL is valid: {e}"),
        }
    }

    /// The wiremock server underneath, e.g. to read the requests it received.
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.server
    }

    /// How the proxy answers `method` on the target path `path` (relative to the base URL).
    pub fn on(&self, method: &str, path: &str) -> Answer<'_> {
        Answer::new(self, method, format!("/api/{MOCK_PROXY_ID}{path}"))
    }

    /// How the proxy's Async API answers `method` on `path`.
    pub fn on_async(&self, method: &str, path: &str) -> Answer<'_> {
        Answer::new(self, method, format!("/async/{MOCK_PROXY_ID}{path}"))
    }
}

/// An answer of the mock proxy being set up; it is mounted by the method that says what it is.
#[must_use = "an answer is mounted by `target`, `denied`, … (each awaited)"]
pub struct Answer<'a> {
    server: &'a MockServer,
    method: String,
    path: String,
    warning: Option<String>,
    times: Option<u64>,
}

impl<'a> Answer<'a> {
    fn new(server: &'a MockServer, method: &str, path: String) -> Self {
        Answer {
            server,
            method: method.to_ascii_uppercase(),
            path,
            warning: None,
            times: None,
        }
    }

    /// Adds `requestrocket-proxy-warning` to the answer.
    pub fn warning(mut self, warning: &str) -> Self {
        self.warning = Some(warning.to_string());
        self
    }

    /// Answers only this many times.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// The target's answer through a granted proxy.
    pub async fn target(self, status: u16, body: serde_json::Value) {
        let template = verdict(
            status,
            "proxy-access-granted",
            "Proxy authentication successful",
            self.warning.as_deref(),
        )
        .set_body_json(body);
        self.mount(template).await;
    }

    /// The proxy refuses the credential (`403`, `proxy-access-denied`).
    pub async fn denied(self) {
        let template = verdict(
            403,
            "proxy-access-denied",
            "Invalid proxy credential",
            self.warning.as_deref(),
        );
        self.mount(template).await;
    }

    /// The account is suspended (`402`, `billing-suspended`).
    pub async fn billing_suspended(self) {
        let message = "Payment Required - Account suspended due to insufficient budget";
        let template = verdict(402, "billing-suspended", message, self.warning.as_deref());
        self.mount(template).await;
    }

    /// The target's answer was too large (`413`, `response-too-large`).
    pub async fn too_large(self) {
        let message = "Response payload exceeds 6MB limit";
        let template = verdict(413, "response-too-large", message, self.warning.as_deref());
        self.mount(template).await;
    }

    /// A meter's limit was reached (`429`, no verdict header, as the documentation gives it).
    pub async fn meter_limited(self, retry_after_seconds: Option<u64>) {
        let mut template =
            ResponseTemplate::new(429).set_body_json(serde_json::json!({"message": "Meter limit exceeded"}));
        if let Some(wait) = retry_after_seconds {
            template = template.insert_header("retry-after", wait.to_string().as_str());
        }
        self.mount(template).await;
    }

    /// An Async API acknowledgement with this request id (`202`, granted).
    pub async fn accepted(self, request_id: &str) {
        let template = verdict(202, "proxy-access-granted", "Request queued", self.warning.as_deref())
            .set_body_json(serde_json::json!({"requestId": request_id, "message": "Request queued"}));
        self.mount(template).await;
    }

    async fn mount(self, template: ResponseTemplate) {
        let expected = self.server.credential.header();
        let mut mock = Mock::given(method(self.method.as_str()))
            .and(path(self.path.as_str()))
            .and(move |request: &Request| request.headers.get("authorization") == Some(&expected))
            .respond_with(template)
            .with_priority(1);
        if let Some(n) = self.times {
            mock = mock.up_to_n_times(n);
        }
        mock.mount(&self.server.server).await;
    }
}

fn verdict(status: u16, code: &str, message: &str, warning: Option<&str>) -> ResponseTemplate {
    let mut template = ResponseTemplate::new(status)
        .insert_header(PROXY_CODE_HEADER, code)
        .insert_header(PROXY_MESSAGE_HEADER, message);
    if let Some(warning) = warning.filter(|w| HeaderValue::from_str(w).is_ok()) {
        template = template.insert_header(PROXY_WARNING_HEADER, warning);
    }
    template
}
