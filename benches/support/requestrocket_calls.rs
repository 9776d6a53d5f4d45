//! The per-call benchmarks' two sides (`overhead.rs`, `call_instructions.rs`): the RequestRocket
//! list body the server answers, the hand-written `reqwest` call, and the client.

use std::{sync::Arc, time::Duration};

use rocket_apis::requestrocket::{self, api::ClientInfo};

use crate::local_server::serve;

/// The user token both sides send.
pub const TOKEN: &str = "u-bench0000token";

/// A RequestRocket client list with `n` clients, as the API sends it.
pub fn clients_body(n: usize) -> Arc<Vec<u8>> {
    let clients: Vec<_> = (0..n)
        .map(|i| {
            serde_json::json!({"clientId": format!("550e8400-e29b-41d4-a716-{i:012}"), "clientName": format!("Client {i}"),
                "clientMembers": [{"userId": format!("user-{i}"), "roles": ["owner"]}], "region": "eu-west-1"})
        })
        .collect();
    Arc::new(serde_json::to_vec(&serde_json::json!({"clients": clients, "message": "Success"})).unwrap())
}

pub async fn hand_written_call(http: &reqwest::Client, url: &str) -> requestrocket::types::ClientList {
    let response = http
        .get(url)
        .header("authorization", TOKEN)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// The RequestRocket client, on the server at `base`.
pub fn client(base: &str) -> requestrocket::Client {
    requestrocket::Client::builder(requestrocket::UserToken::new(TOKEN).unwrap())
        .base_url(format!("{base}/api"))
        .build()
        .unwrap()
}

/// Both sides of a per-call benchmark, on a local server answering the list with `clients`
/// clients at once.
pub struct Sides {
    /// The server's runtime (its own threads), kept alive with the benchmark.
    pub server: tokio::runtime::Runtime,
    /// A current-thread runtime for the calls.
    pub rt: tokio::runtime::Runtime,
    /// The client under test.
    pub client: requestrocket::Client,
    /// The hand-written side's `reqwest` client: the client's own, so both sides send on the
    /// same kept-alive connection with the same settings (timeouts, `User-Agent`), and the
    /// server answers both from the same task (with two connections, where the server's
    /// runtime put each one moved a run's ratio by several per cent).
    pub http: reqwest::Client,
    /// The list's URL, for the hand-written side.
    pub url: String,
}

/// Starts the server and builds both sides.
pub fn sides(clients: usize) -> Sides {
    let server = tokio::runtime::Runtime::new().unwrap();
    let body = clients_body(clients);
    let base = server.block_on(serve(Arc::new(move |_| (Duration::ZERO, body.clone()))));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = {
        let _guard = rt.enter();
        client(&base)
    };
    let http = ClientInfo::client(client.api()).clone();
    let url = format!("{base}/api/clients");
    Sides {
        server,
        rt,
        client,
        http,
        url,
    }
}
