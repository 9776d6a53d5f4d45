//! Property test: arbitrary statuses, headers and bodies, served over a real socket, through
//! each API's whole decoding path (hooks, stand-ins, error mapping, pagination). It must never
//! panic, and no message may show the credential. Cases per API: `PROPTEST_CASES` (default 256).

#![cfg(all(
    feature = "requestrocket",
    feature = "rockety",
    feature = "rocketpunch",
    feature = "authrocket"
))]

#[path = "support/raw_server.rs"]
mod raw_server;

use std::sync::{Arc, Mutex};

use futures::StreamExt;
use proptest::prelude::*;
use raw_server::RawServer;
use rocket_apis::{Error, Paginate, RetryPolicy};
use tokio::io::AsyncWriteExt;

const SECRETS: [&str; 4] = [
    "u-fuzz0secret",
    "rp_app_fuzz0secret",
    "rockety-fuzz-secret",
    "ko_fuzz0secret",
];

/// What the server answers next.
#[derive(Clone, Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

struct Harness {
    runtime: tokio::runtime::Runtime,
    server: RawServer,
    next: Arc<Mutex<Reply>>,
}

impl Harness {
    fn new() -> Harness {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let next = Arc::new(Mutex::new(Reply {
            status: 200,
            headers: vec![],
            body: vec![],
        }));
        let slot = next.clone();
        let server = runtime.block_on(RawServer::start(move |_req, mut stream| {
            let reply = slot.lock().unwrap().clone();
            async move {
                let headers: Vec<(&str, &str)> = reply.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let bytes = raw_server::response(reply.status, &headers, &reply.body);
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
            }
        }));
        Harness { runtime, server, next }
    }

    fn serve(&self, reply: Reply) {
        *self.next.lock().unwrap() = reply;
    }
}

fn check(result: Result<(), Error>) -> Result<(), TestCaseError> {
    if let Err(err) = result {
        let shown = format!("{err} {err:?}");
        for secret in SECRETS {
            prop_assert!(!shown.contains(secret), "secret in {}", shown);
        }
    }
    Ok(())
}

/// Bodies: arbitrary bytes, or a body that decodes with one byte changed or cut short.
fn body(valid: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        (0..valid.len(), any::<u8>()).prop_map(move |(at, byte)| {
            let mut b = valid.as_bytes().to_vec();
            b[at] = byte;
            b
        }),
        (0..valid.len()).prop_map(move |at| valid.as_bytes()[..at].to_vec()),
        Just(valid.as_bytes().to_vec()),
    ]
}

fn reply(valid: &'static str) -> impl Strategy<Value = Reply> {
    let status = prop_oneof![
        Just(200u16),
        Just(201),
        Just(204),
        Just(400),
        Just(401),
        Just(404),
        Just(422),
        Just(429),
        Just(500),
        Just(502),
        200u16..600
    ];
    let value = "[ -~]{0,40}";
    let headers = proptest::collection::vec(
        (
            prop_oneof![
                Just("retry-after".to_string()),
                Just("x-request-id".to_string()),
                Just("content-type".to_string()),
                Just("x-ratelimit-remaining".to_string()),
                Just("x-ratelimit-reset".to_string()),
                "[a-z-]{1,20}",
            ],
            value,
        ),
        0..4,
    );
    (status, headers, body(valid)).prop_map(|(status, headers, body)| Reply {
        status,
        headers: headers.into_iter().map(|(k, v)| (k, v.trim().to_string())).collect(),
        body,
    })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const RR_VALID: &str = r#"{"data": [{"clientId": "c-1", "clientName": "Acme"}], "pagination": {"page": 1, "limit": 20, "total": 1, "pages": 1}}"#;
const RP_VALID: &str = r#"{"items": [{"id": 7, "title": "Engineer"}], "totalPages": 1, "page": 1}"#;
const RK_VALID: &str = r#"{"data": [{"id": 1, "name": "Web", "created_at": "2024-01-02 03:04:05"}], "pagination": {"current_page": 1, "per_page": 20, "total_pages": 1, "total_items": 1}}"#;
const AR_VALID: &str = r#"{"collection": [{"id": "org_1", "name": "Acme", "state": "active", "custom": {}, "created_at": 1.5}], "more_results": false}"#;

#[test]
fn requestrocket_decoding_never_panics() {
    let h = Harness::new();
    let client =
        rocket_apis::requestrocket::Client::builder(rocket_apis::requestrocket::UserToken::new(SECRETS[0]).unwrap())
            .base_url(&h.server.url)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
    proptest!(config(), |(r in reply(RR_VALID))| {
        h.serve(r);
        check(h.runtime.block_on(async {
            client.list_clients().send().await.map(drop)?;
            client.list_clients().stream().take(3).collect::<Vec<_>>().await;
            client.raw(http::Method::GET, "/clients").send().await.map(drop)
        }))?;
    });
}

#[test]
fn rocketpunch_decoding_never_panics() {
    use rocket_apis::rocketpunch::RateLimitExt;
    let h = Harness::new();
    let client = rocket_apis::rocketpunch::Client::builder(rocket_apis::rocketpunch::AppKey::new(SECRETS[1]).unwrap())
        .base_url(&h.server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    proptest!(config(), |(r in reply(RP_VALID))| {
        h.serve(r);
        check(h.runtime.block_on(async {
            match client.list_jobs().send().await {
                Ok(page) => { let _ = page.rate_limit(); }
                Err(e) => { if let Some(api) = e.api_error() { let _ = api.rate_limit(); } }
            }
            client.list_job_category_codes().send().await.map(drop)
        }))?;
    });
}

#[test]
fn rockety_decoding_never_panics() {
    let h = Harness::new();
    let client = rocket_apis::rockety::Client::builder(rocket_apis::rockety::ApiToken::new(SECRETS[2]).unwrap())
        .base_url(&h.server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    proptest!(config(), |(r in reply(RK_VALID))| {
        h.serve(r);
        check(h.runtime.block_on(async {
            client.list_projects().send().await.map(drop)
        }))?;
    });
}

#[test]
fn authrocket_decoding_never_panics() {
    let h = Harness::new();
    let client = rocket_apis::authrocket::Client::builder(rocket_apis::authrocket::ApiKey::new(SECRETS[3]).unwrap())
        .base_url(&h.server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    proptest!(config(), |(r in reply(AR_VALID))| {
        h.serve(r);
        check(h.runtime.block_on(async {
            client.list_orgs().send().await.map(drop)?;
            client.list_orgs().stream().take(5).collect::<Vec<_>>().await;
            Ok(())
        }))?;
    });
}
