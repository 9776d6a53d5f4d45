//! A tour of the crate: `cargo run --example tour`.
//!
//! With no credentials it runs every client against an embedded mock on 127.0.0.1 that answers
//! with the specs' own examples (so the examples are proven to decode). With
//! `REQUESTROCKET_USER_TOKEN` set it calls the real API (at `REQUESTROCKET_BASE_URL` when set),
//! read-only, and exits non-zero with the error's message if a call fails.

#[path = "../tests/support/requestrocket_ops.rs"]
mod requestrocket_ops;
#[path = "../tests/support/spec_mock.rs"]
#[allow(dead_code)]
mod spec_mock;

use std::process::ExitCode;

use rocket_apis::requestrocket::{self, Client, UserToken};

#[tokio::main]
async fn main() -> ExitCode {
    println!("rocket-apis {} tour", env!("CARGO_PKG_VERSION"));
    match requestrocket_tour().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type TourResult = Result<(), Box<dyn std::error::Error>>;

async fn requestrocket_tour() -> TourResult {
    println!("\n== RequestRocket Core API");
    if std::env::var_os(requestrocket::TOKEN_ENV).is_some() {
        let client = Client::from_env()?;
        println!("live: {} (token from {})", client.base_url(), requestrocket::TOKEN_ENV);
        return requestrocket_read_only(&client).await;
    }

    let (server, mocked) = spec_mock::start(include_str!("../specs/requestrocket.yaml"), "/api").await;
    let client = Client::builder(UserToken::new("u-tour-demo-token")?)
        .base_url(format!("{}/api", server.uri()))
        .build()?;
    println!(
        "mock: {} answers {} operations with the examples in specs/requestrocket.yaml",
        client.base_url(),
        mocked.len()
    );
    println!("      (set {} to call the real API instead)", requestrocket::TOKEN_ENV);
    requestrocket_read_only(&client).await?;

    let results = requestrocket_ops::call_every_operation(&client).await;
    let failed: Vec<String> = results
        .iter()
        .filter_map(|(id, r)| r.as_ref().err().map(|e| format!("{id}: {e}")))
        .collect();
    if !failed.is_empty() {
        return Err(format!("spec examples that do not decode:\n  {}", failed.join("\n  ")).into());
    }
    let sample = mocked
        .iter()
        .find(|m| m.method == "DELETE")
        .map(|m| format!("{} {} → {}", m.method, m.path, m.status));
    println!(
        "every operation: {} of {} calls decoded the spec's example ({})",
        results.len(),
        mocked.len(),
        sample.unwrap_or_default()
    );
    Ok(())
}

/// The read-only walk: clients; for the first client its targets and proxies; system
/// notifications.
async fn requestrocket_read_only(client: &Client) -> TourResult {
    let clients = client.list_clients().send().await.map_err(rocket_apis::Error::from)?;
    println!("GET /clients → {} client(s)", clients.items().len());
    for c in clients.items() {
        println!("  - {} ({})", c.client_name, c.client_id);
    }
    if let Some(first) = clients.items().first() {
        let id = first.client_id.as_str();
        let targets = client
            .list_targets()
            .client_id(id)
            .send()
            .await
            .map_err(rocket_apis::Error::from)?;
        println!("GET /clients/{id}/targets → {} target(s)", targets.items().len());
        for t in targets.items() {
            println!("  - {}", t.target_name);
        }
        let proxies = client
            .list_proxies()
            .client_id(id)
            .send()
            .await
            .map_err(rocket_apis::Error::from)?;
        println!("GET /clients/{id}/proxies → {} proxy(ies)", proxies.items().len());
        for p in proxies.items() {
            println!("  - {}", p.proxy_name);
        }
    }
    let notes = client
        .list_system_notifications()
        .send()
        .await
        .map_err(rocket_apis::Error::from)?;
    println!("GET /notifications/system → {} notification(s)", notes.items().len());
    for n in notes.items() {
        println!("  - {}", n.title.as_deref().unwrap_or("(untitled)"));
    }
    Ok(())
}
