//! Retries, timeouts, rate limits, pagination and traces, against local servers that fail on
//! purpose (wiremock, and a bare socket for resets, silence and endless bodies). Every case
//! ends in a typed error or the right items, within a few seconds, and no message or log line
//! holds the credential.

#![cfg(all(
    feature = "requestrocket",
    feature = "rockety",
    feature = "rocketpunch",
    feature = "authrocket"
))]

#[path = "support/raw_server.rs"]
mod raw_server;

use std::{
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant},
};

use futures::{StreamExt, TryStreamExt};
use raw_server::{RawServer, respond_json};
use rocket_apis::{Error, ErrorKind, Paginate, RetryPolicy, TimeoutPhase, requestrocket, rockety};
use tokio::io::AsyncWriteExt;
use wiremock::{
    Mock, MockServer, Request, Respond, ResponseTemplate,
    matchers::{method, path, query_param},
};

const TOKEN: &str = "u-resilience0secret";
const ROCKETY_TOKEN: &str = "rockety-secret-token";

/// Short waits, so the tests stay fast; the retry rules are the defaults.
fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(40))
}

fn rr(base: &str, policy: RetryPolicy) -> requestrocket::Client {
    requestrocket::Client::builder(requestrocket::UserToken::new(TOKEN).unwrap())
        .base_url(format!("{base}/api"))
        .retry(policy)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn rockety_client(base: &str, policy: RetryPolicy) -> rockety::Client {
    rockety::Client::builder(rockety::ApiToken::new(ROCKETY_TOKEN).unwrap())
        .base_url(format!("{base}/api/v1"))
        .retry(policy)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn rocketpunch_client(base: &str) -> rocket_apis::rocketpunch::Client {
    rocket_apis::rocketpunch::Client::builder(rocket_apis::rocketpunch::AppKey::new("rp_app_resilience0").unwrap())
        .base_url(base)
        .retry(fast())
        .build()
        .unwrap()
}

fn authrocket_client(base: &str) -> rocket_apis::authrocket::Client {
    rocket_apis::authrocket::Client::builder(rocket_apis::authrocket::ApiKey::new("ko_resilience0").unwrap())
        .base_url(format!("{base}/v1"))
        .retry(fast())
        .build()
        .unwrap()
}

fn clients_json(names: &[&str]) -> serde_json::Value {
    let clients: Vec<_> = names
        .iter()
        .map(|n| serde_json::json!({"clientId": format!("c-{n}"), "clientName": n}))
        .collect();
    serde_json::json!({"clients": clients, "message": "Success"})
}

fn json(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// Asserts the error says nothing secret, in `Display` or `Debug`.
fn assert_no_secret(err: &Error) {
    let shown = format!("{err} {err:?} {:?}", std::error::Error::source(err));
    assert!(
        !shown.contains(TOKEN) && !shown.contains(ROCKETY_TOKEN),
        "secret in {shown}"
    );
}

/// Answers with the given templates in turn, the last one for ever after.
struct Sequence(Vec<ResponseTemplate>, AtomicUsize);

impl Sequence {
    fn new(templates: Vec<ResponseTemplate>) -> Self {
        Sequence(templates, AtomicUsize::new(0))
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.1.fetch_add(1, Ordering::SeqCst);
        self.0[n.min(self.0.len() - 1)].clone()
    }
}

async fn mount(server: &MockServer, verb: &str, at: &str, respond: impl Respond + 'static) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(respond)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_503_then_a_200_is_retried_into_success() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/api/clients",
        Sequence::new(vec![
            json(503, serde_json::json!({"error": "Service Unavailable", "status": 503})),
            json(502, serde_json::json!({"error": "Bad Gateway", "status": 502})),
            json(200, clients_json(&["acme"])),
        ]),
    )
    .await;
    let client = rr(&server.uri(), fast());
    let list = client.list_clients().send().await.unwrap();
    assert_eq!(list.items()[0].client_name, "acme");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn every_client_retries_with_the_shared_policy() {
    let server = MockServer::start().await;
    let unavailable = || json(503, serde_json::json!({"error": "x", "message": "down", "status": 503}));
    let rockety_page = serde_json::json!({"data": [], "pagination":
        {"current_page": 1, "per_page": 20, "total_pages": 1, "total_items": 0}});
    mount(
        &server,
        "GET",
        "/api/v1/projects",
        Sequence::new(vec![unavailable(), json(200, rockety_page)]),
    )
    .await;
    mount(
        &server,
        "GET",
        "/rp/api/v1/jobs",
        Sequence::new(vec![
            json(
                503,
                serde_json::json!({"error": {"code": "X", "message": "down", "status": 503}}),
            ),
            json(200, serde_json::json!({"items": []})),
        ]),
    )
    .await;
    mount(
        &server,
        "GET",
        "/v1/realms",
        Sequence::new(vec![
            ResponseTemplate::new(503).set_body_string("down"),
            json(200, serde_json::json!({"collection": [], "more_results": false})),
        ]),
    )
    .await;

    rockety_client(&server.uri(), fast())
        .list_projects()
        .send()
        .await
        .unwrap();
    rocketpunch_client(&format!("{}/rp/api/v1", server.uri()))
        .list_jobs()
        .send()
        .await
        .unwrap();
    authrocket_client(&server.uri()).list_realms().send().await.unwrap();
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        6,
        "each API: one 503, one retry"
    );
}

#[tokio::test]
async fn a_429_storm_gives_up_after_the_limit_with_the_last_retry_after() {
    let server = MockServer::start().await;
    let limited = |wait: &str| {
        json(
            429,
            serde_json::json!({"error": "Too Many Requests", "message": "Rate limit exceeded", "status": 429}),
        )
        .insert_header("retry-after", wait)
        .insert_header("x-request-id", "req-storm")
    };
    mount(
        &server,
        "GET",
        "/api/clients",
        Sequence::new(vec![limited("0"), limited("0"), limited("7")]),
    )
    .await;
    let err = rr(&server.uri(), fast()).list_clients().send().await.unwrap_err();
    assert_eq!(err.attempts(), 3, "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    let api = err.api_error().expect("an API error");
    assert_eq!(api.kind(), ErrorKind::RateLimited);
    assert_eq!(
        api.retry_after(),
        Some(Duration::from_secs(7)),
        "the last response's wait"
    );
    assert_eq!(api.request_id(), Some("req-storm"));
    let shown = err.to_string();
    assert!(
        shown.contains("gave up after 3 attempts") && shown.contains("retry after 7s"),
        "{shown}"
    );
    assert!(
        api.headers().get("x-rocket-apis-attempts").is_none(),
        "marker headers are internal"
    );
    assert_no_secret(&err);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    mount(
        &server,
        "GET",
        "/api/clients",
        Sequence::new(vec![
            json(429, serde_json::json!({"error": "x", "status": 429})).insert_header("retry-after", when.as_str()),
            json(200, clients_json(&["acme"])),
        ]),
    )
    .await;
    let started = Instant::now();
    rr(&server.uri(), fast()).list_clients().send().await.unwrap();
    // The date has one-second resolution: the wait is between 1 and 2 s, far above the backoff.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_absurd_retry_after_fails_at_once_with_the_wait() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/api/clients",
        json(429, serde_json::json!({"error": "x", "status": 429})).insert_header("retry-after", "86400"),
    )
    .await;
    let started = Instant::now();
    let err = rr(&server.uri(), fast()).list_clients().send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.attempts(), 1);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(86400)));
    assert!(err.api_error().unwrap().wait_over_cap());
    assert!(err.to_string().contains("longer than the 60s cap"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_unreadable_retry_after_falls_back_to_the_backoff() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/api/clients",
        Sequence::new(vec![
            json(503, serde_json::json!({"error": "x", "status": 503})).insert_header("retry-after", "soon"),
            json(200, clients_json(&[])),
        ]),
    )
    .await;
    rr(&server.uri(), fast()).list_clients().send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_post_is_not_retried_on_a_5xx_but_is_on_a_429() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        "/api/clients",
        json(503, serde_json::json!({"error": "Service Unavailable", "status": 503})),
    )
    .await;
    let client = rr(&server.uri(), fast());
    let input: requestrocket::types::ClientInput =
        serde_json::from_value(serde_json::json!({"clientName": "acme"})).unwrap();
    let err = client.create_client().body(input.clone()).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a POST may have been processed"
    );

    server.reset().await;
    mount(
        &server,
        "POST",
        "/api/clients",
        Sequence::new(vec![
            json(429, serde_json::json!({"error": "x", "status": 429})).insert_header("retry-after", "0"),
            json(201, serde_json::json!({"clientId": "c-1", "clientName": "acme"})),
        ]),
    )
    .await;
    let created = client.create_client().body(input).send().await.unwrap();
    assert_eq!(created.client_id, "c-1");
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "a 429 was not processed"
    );
}

/// Method, path, query, headers (sorted) and body of a request as the server saw it.
type Sent = (String, String, Option<String>, Vec<(String, String)>, Vec<u8>);

/// What a request is, minus what may differ between two sends of it.
fn sent(request: &wiremock::Request) -> Sent {
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("<bytes>").to_string()))
        .collect();
    headers.sort();
    (
        request.method.to_string(),
        request.url.path().to_string(),
        request.url.query().map(str::to_string),
        headers,
        request.body.clone(),
    )
}

#[tokio::test]
async fn a_retry_sends_the_same_request_again() {
    let server = MockServer::start().await;
    let answers = || {
        Sequence::new(vec![
            json(429, serde_json::json!({"error": "x", "status": 429})).insert_header("retry-after", "0"),
            json(201, serde_json::json!({"clientId": "c-1", "clientName": "acme"})),
        ])
    };
    mount(&server, "POST", "/api/clients", answers()).await;
    let client = rr(&server.uri(), fast());
    let input: requestrocket::types::ClientInput =
        serde_json::from_value(serde_json::json!({"clientName": "acme"})).unwrap();
    client.create_client().body(input).send().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(
        sent(&received[0]),
        sent(&received[1]),
        "the retry differs from the first send"
    );
    assert!(!received[1].body.is_empty());
    assert!(received[1].headers.contains_key("authorization"));

    // A query, and a raw call, the same.
    server.reset().await;
    let list = Sequence::new(vec![
        json(429, serde_json::json!({"error": "x", "status": 429})).insert_header("retry-after", "0"),
        json(200, serde_json::json!({"clients": [], "message": "ok"})),
    ]);
    mount(&server, "GET", "/api/clients", list).await;
    client.list_clients().page(2).send().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(sent(&received[0]), sent(&received[1]), "the list call's retry differs");
    assert_eq!(received[1].url.query(), Some("page=2"));
    server.reset().await;
    mount(&server, "POST", "/api/clients/c1/members", answers()).await;
    client
        .raw(http::Method::POST, "/clients/c1/members")
        .query("notify", "yes")
        .json(serde_json::json!({"userId": "u-1"}))
        .send()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(sent(&received[0]), sent(&received[1]), "the raw call's retry differs");
    assert_eq!(received[1].url.query(), Some("notify=yes"));
    assert_eq!(received[1].body, br#"{"userId":"u-1"}"#);
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/api/clients",
        json(503, serde_json::json!({"error": "x", "status": 503})),
    )
    .await;
    let err = rr(&server.uri(), RetryPolicy::none())
        .list_clients()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert!(!err.to_string().contains("gave up"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_for_any_method_and_counted() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = rr(&base, fast());
    let input: requestrocket::types::ClientInput =
        serde_json::from_value(serde_json::json!({"clientName": "acme"})).unwrap();
    let err = client.create_client().body(input).send().await.unwrap_err();
    assert!(matches!(err, Error::Connect { attempts: 3, .. }), "{err:?}");
    assert!(err.to_string().contains("gave up after 3 attempts"), "{err}");
    assert!(
        !err.to_string().contains("/api/clients"),
        "no URL in the message: {err}"
    );
    assert_no_secret(&err);
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_retried_then_reported() {
    let server = RawServer::start(|_req, mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{\"clients\": [";
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.flush().await;
        // Dropping the socket here cuts the body short.
    })
    .await;
    let err = rr(&server.url, fast()).list_clients().send().await.unwrap_err();
    match &err {
        Error::Transport { during, attempts, .. } => {
            assert_eq!(*during, "reading the response body");
            assert_eq!(*attempts, 3);
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(server.hits(), 3);
    assert_no_secret(&err);
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_total_timeout() {
    let server = RawServer::start(|_req, stream| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    })
    .await;
    let client = requestrocket::Client::builder(requestrocket::UserToken::new(TOKEN).unwrap())
        .base_url(format!("{}/api", server.url))
        .timeout(Duration::from_millis(300))
        .retry(fast().max_retries(1))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.list_clients().send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: TimeoutPhase::Total,
                attempts: 2,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("total timeout fired"), "{err}");
    assert_no_secret(&err);
}

#[tokio::test]
async fn a_server_that_never_accepts_hits_the_connect_timeout() {
    // A listener with a backlog of 1 that never accepts: once its queue is full the kernel drops
    // further SYNs, so a new connection neither succeeds nor is refused.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(Ok(s)) = tokio::time::timeout(Duration::from_millis(200), tokio::net::TcpStream::connect(addr)).await
        {
            fillers.push(s);
        }
    }
    let client = requestrocket::Client::builder(requestrocket::UserToken::new(TOKEN).unwrap())
        .base_url(format!("http://{addr}/api"))
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(10))
        .retry(fast().max_retries(1))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.list_clients().send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: TimeoutPhase::Connect,
                attempts: 2,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("connect timeout fired"), "{err}");
    drop((listener, fillers));
}

#[tokio::test]
async fn truncated_and_malformed_json_are_decode_errors_not_retried() {
    for body in [
        "{\"clients\": [{\"clientId\": \"c-1\"",
        "{\"clients\": nope}",
        "",
        "<html>ok</html>",
    ] {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            "/api/clients",
            ResponseTemplate::new(200).set_body_raw(body, "application/json"),
        )
        .await;
        let err = rr(&server.uri(), fast()).list_clients().send().await.unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{body:?}: {err:?}");
        assert_eq!(server.received_requests().await.unwrap().len(), 1, "{body:?}");
    }
}

#[tokio::test]
async fn an_html_502_is_retried_and_ends_in_a_typed_error_with_its_text() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/api/clients",
        ResponseTemplate::new(502).set_body_raw("<html><h1>502 Bad Gateway</h1></html>", "text/html"),
    )
    .await;
    let err = rr(&server.uri(), fast()).list_clients().send().await.unwrap_err();
    let api = err.api_error().expect("API error");
    assert_eq!(api.kind(), ErrorKind::Server);
    assert!(!api.body_was_json());
    assert_eq!(api.attempts(), 3);
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
}

#[tokio::test]
async fn a_huge_body_is_refused_at_the_limit() {
    // Announced length over the limit: refused before reading.
    let server = MockServer::start().await;
    let big = format!("{{\"clients\": [], \"message\": \"{}\"}}", "x".repeat(3 << 20));
    mount(
        &server,
        "GET",
        "/api/clients",
        ResponseTemplate::new(200).set_body_raw(big, "application/json"),
    )
    .await;
    let client = requestrocket::Client::builder(requestrocket::UserToken::new(TOKEN).unwrap())
        .base_url(format!("{}/api", server.uri()))
        .max_response_size(1 << 20)
        .build()
        .unwrap();
    let err = client.list_clients().send().await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { limit: 1048576, .. }), "{err:?}");
    assert!(err.to_string().contains("max_response_size"), "{err}");

    // No length, an endless chunked body: reading stops at the limit.
    let endless = RawServer::start(|_req, mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
        while stream.write_all(chunk.as_bytes()).await.is_ok() {}
    })
    .await;
    let client = requestrocket::Client::builder(requestrocket::UserToken::new(TOKEN).unwrap())
        .base_url(format!("{}/api", endless.url))
        .max_response_size(1 << 20)
        .build()
        .unwrap();
    let err = client.list_clients().send().await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    assert_eq!(endless.hits(), 1, "a body over the limit is not retried");
}

#[tokio::test]
async fn the_rate_limiter_spaces_requests_out() {
    let server = MockServer::start().await;
    mount(&server, "GET", "/api/clients", json(200, clients_json(&[]))).await;
    let client = requestrocket::Client::builder(requestrocket::UserToken::new(TOKEN).unwrap())
        .base_url(format!("{}/api", server.uri()))
        .rate_limit(2, Duration::from_secs(1))
        .build()
        .unwrap();
    let started = Instant::now();
    // A burst of 2, then one every 500 ms: the 4th request waits about 1 s.
    for _ in 0..4 {
        client.list_clients().send().await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 4);

    let err = requestrocket::Client::builder(requestrocket::UserToken::new(TOKEN).unwrap())
        .requests_per_minute(0)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("at least 1"), "{err}");
}

/// A Rockety server of `pages` pages of `per_page` projects, each answered after `delay`;
/// `fail_page` answers 500 instead.
async fn rockety_pages(pages: u32, per_page: u32, delay: Duration, fail_page: Option<u32>) -> RawServer {
    RawServer::start(move |req, stream| async move {
        let page: u32 = req.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        tokio::time::sleep(delay).await;
        if Some(page) == fail_page {
            respond_json(
                stream,
                500,
                r#"{"error": "Internal Server Error", "message": "boom", "status": 500}"#,
            )
            .await;
            return;
        }
        let data: Vec<_> = (0..per_page)
            .map(|i| serde_json::json!({"id": (page - 1) * per_page + i, "name": format!("p{page}-{i}")}))
            .collect();
        let body = serde_json::json!({"data": data, "pagination": {"current_page": page, "per_page": per_page,
            "total_pages": pages, "total_items": pages * per_page}});
        respond_json(stream, 200, &body.to_string()).await;
    })
    .await
}

#[tokio::test]
async fn pages_are_fetched_ahead_with_bounded_concurrency_and_yielded_in_order() {
    let server = rockety_pages(9, 3, Duration::from_millis(60), None).await;
    let client = rockety_client(&server.url, fast());
    let names: Vec<String> = client
        .list_projects()
        .stream()
        .map_ok(|p| p.name.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<String> = (1..=9).flat_map(|p| (0..3).map(move |i| format!("p{p}-{i}"))).collect();
    assert_eq!(names, expected);
    assert_eq!(server.hits(), 9);
    let most = server.max_in_flight.load(Ordering::SeqCst);
    assert!(
        most > 1 && most <= 4,
        "look-ahead of 4: at most 4 in flight, saw {most}"
    );

    let one_by_one = rockety_pages(4, 2, Duration::from_millis(20), None).await;
    let items: Vec<_> = rockety_client(&one_by_one.url, fast())
        .list_projects()
        .stream_with_look_ahead(1)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 8);
    assert_eq!(one_by_one.max_in_flight.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_page_that_fails_ends_the_stream_with_its_error() {
    let server = rockety_pages(5, 2, Duration::ZERO, Some(3)).await;
    let client = rockety_client(&server.url, RetryPolicy::none());
    let results: Vec<_> = client.list_projects().stream().collect().await;
    assert_eq!(results.len(), 5, "pages 1 and 2, then the error: {results:?}");
    assert!(results[..4].iter().all(Result::is_ok));
    let err = results[4].as_ref().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.api_error().and_then(|e| e.message()), Some("boom"));
}

#[tokio::test]
async fn stopping_early_sends_no_further_requests() {
    let server = rockety_pages(6, 5, Duration::ZERO, None).await;
    let client = rockety_client(&server.url, fast());
    let first: Vec<_> = client.list_projects().stream().take(3).try_collect().await.unwrap();
    assert_eq!(first.len(), 3);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.hits(), 1, "three items of page 1 need page 1 only");
}

#[tokio::test]
async fn without_a_page_count_pages_are_read_until_an_empty_one() {
    let server = MockServer::start().await;
    for (page, names) in [
        ("1", vec!["a", "b"]),
        ("2", vec!["c", "d"]),
        ("3", vec!["e"]),
        ("4", vec![]),
    ] {
        Mock::given(method("GET"))
            .and(path("/api/clients"))
            .and(query_param("page", page))
            .respond_with(json(200, clients_json(&names)))
            .mount(&server)
            .await;
    }
    let names: Vec<String> = rr(&server.uri(), fast())
        .list_clients()
        .limit(2)
        .stream()
        .map_ok(|c| c.client_name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 4);
    assert!(
        requests
            .iter()
            .all(|r| r.url.query().unwrap_or_default().contains("limit=2"))
    );
}

#[tokio::test]
async fn an_api_that_ignores_the_page_number_does_not_loop_for_ever() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/api/clients",
        json(200, clients_json(&["same", "page"])),
    )
    .await;
    let names: Vec<_> = rr(&server.uri(), fast())
        .list_clients()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn authrocket_cursor_pages_follow_the_last_id() {
    let server = MockServer::start().await;
    let org = |id: &str| {
        serde_json::json!({"id": id, "object": "org", "realm_id": "rl_1", "name": id, "state": "active",
                           "reference": null, "custom": {}, "created_at": 1423941493.7})
    };
    let page = |ids: &[&str], more: bool| {
        json(
            200,
            serde_json::json!({"collection": ids.iter().map(|i| org(i)).collect::<Vec<_>>(), "more_results": more}),
        )
    };
    Mock::given(method("GET"))
        .and(path("/v1/orgs"))
        .and(query_param("after", "org_2"))
        .respond_with(page(&["org_3", "org_4"], true))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/orgs"))
        .and(query_param("after", "org_4"))
        .respond_with(page(&["org_5"], false))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/orgs"))
        .respond_with(page(&["org_1", "org_2"], true))
        .mount(&server)
        .await;
    let client = authrocket_client(&server.uri());
    let ids: Vec<String> = client
        .list_orgs()
        .max_results(2)
        .stream()
        .map_ok(|o| o.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["org_1", "org_2", "org_3", "org_4", "org_5"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn rocketpunch_pages_use_its_total_pages() {
    let server = MockServer::start().await;
    for page in 1..=3 {
        let job = serde_json::json!({"jobId": page, "title": format!("job {page}")});
        Mock::given(method("GET"))
            .and(path("/api/v1/jobs"))
            .and(query_param("page", page.to_string()))
            .respond_with(json(
                200,
                serde_json::json!({"items": [job], "totalPages": 3, "page": page}),
            ))
            .mount(&server)
            .await;
    }
    let client = rocketpunch_client(&format!("{}/api/v1", server.uri()));
    let jobs: Vec<_> = client.list_jobs().keyword("AI").stream().try_collect().await.unwrap();
    assert_eq!(jobs.len(), 3);
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests
            .iter()
            .all(|r| r.url.query().unwrap_or_default().contains("keyword=AI"))
    );
}

/// Rocketpunch answers 422 for a page past the end; without `totalPages` the stream asks for it.
async fn rocketpunch_pages_then_422(pages: u32) -> MockServer {
    let server = MockServer::start().await;
    for page in 1..=pages {
        Mock::given(method("GET"))
            .and(path("/api/v1/jobs"))
            .and(query_param("page", page.to_string()))
            .respond_with(json(
                200,
                serde_json::json!({"items": [{"jobId": page, "title": format!("job {page}")}], "page": page}),
            ))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/api/v1/jobs"))
        .and(query_param("page", (pages + 1).to_string()))
        .respond_with(json(
            422,
            serde_json::json!({"error": {"code": "UNPROCESSABLE_ENTITY", "message": "page is out of range", "status": 422}}),
        ))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_422_for_the_page_past_the_end_ends_the_stream_with_every_item() {
    let server = rocketpunch_pages_then_422(2).await;
    let client = rocketpunch_client(&format!("{}/api/v1", server.uri()));
    let jobs: Vec<_> = client
        .list_jobs()
        .stream()
        .try_collect()
        .await
        .expect("the list ends cleanly");
    let titles: Vec<_> = jobs.iter().map(|j| j.title.clone().unwrap_or_default()).collect();
    assert_eq!(titles, ["job 1", "job 2"]);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3,
        "pages 1, 2 and the 422"
    );
}

#[tokio::test]
async fn a_422_on_the_first_page_stays_an_error() {
    let server = rocketpunch_pages_then_422(0).await;
    let client = rocketpunch_client(&format!("{}/api/v1", server.uri()));
    let err = client
        .list_jobs()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("a refused first page is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert!(err.to_string().contains("page is out of range"), "{err}");
}

#[path = "support/captured_logs.rs"]
mod captured_logs;
use captured_logs::Captured;

#[tokio::test]
async fn traces_name_the_call_and_never_a_credential() {
    let (captured, _guard) = Captured::start(tracing::Level::TRACE, tracing_subscriber::fmt::format::FmtSpan::CLOSE);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/clients/c-secret-ish"))
        .respond_with(Sequence::new(vec![
            json(503, serde_json::json!({"error": "x", "status": 503})),
            json(200, serde_json::json!({"clientId": "c-1", "clientName": "acme"}))
                .insert_header("x-request-id", "req-42"),
        ]))
        .mount(&server)
        .await;
    let client = rr(&server.uri(), fast());
    client.get_client().client_id("c-secret-ish").send().await.unwrap();
    let _ = client.list_clients().send().await; // 404 from wiremock: an error status, traced too

    let text = captured.text();
    assert!(text.contains("rocket_apis.call"), "{text}");
    assert!(
        text.contains("operation=\"get_client\"") || text.contains("operation=get_client"),
        "{text}"
    );
    assert!(
        text.contains("/clients/{clientId}"),
        "the path template, not its values: {text}"
    );
    assert!(!text.contains("c-secret-ish"), "path values are not recorded: {text}");
    assert!(text.contains("attempts=2"), "{text}");
    // OpenTelemetry's HTTP client attribute names.
    assert!(
        text.contains("http.request.method=\"GET\"") || text.contains("http.request.method=GET"),
        "the span records the method: {text}"
    );
    assert!(text.contains("http.response.status_code=200"), "{text}");
    assert!(text.contains("http.request.resend_count=1"), "{text}");
    assert!(text.contains("server.address=\"127.0.0.1\""), "{text}");
    assert!(text.contains("req-42"), "{text}");
    assert!(text.contains("retrying"), "{text}");
    assert!(text.contains("http.response.status_code=404"), "{text}");
    assert!(
        text.contains("error.type=\"404\"") || text.contains("error.type=404"),
        "{text}"
    );
    assert!(!text.contains(TOKEN), "the credential reached a log line: {text}");
    assert!(!text.to_ascii_lowercase().contains("authorization"), "{text}");
}
