//! No credential in any `Debug`, `Display`, error or log line while credentials change: a
//! `TRACE` capture around an OAuth refresh and a rotation, which also shows the one event each
//! makes. Alone in its test binary, so no other test runs beside its subscriber.

#[path = "support/captured_logs.rs"]
mod captured_logs;
#[path = "support/live_fixtures.rs"]
mod live_fixtures;
#[path = "support/rotating_server.rs"]
mod rotating_server;

use std::time::Duration;

use captured_logs::Captured;
use live_fixtures::*;
use rocket_apis::rockety;
use rotating_server::Rotating;
use wiremock::MockServer;

#[tokio::test]
async fn trace_logs_show_rotations_and_refreshes_and_never_a_credential() {
    let (captured, _guard) = Captured::start(tracing::Level::TRACE, tracing_subscriber::fmt::format::FmtSpan::NONE);

    // Rocketpunch: a refresh after expiry.
    let server = rocketpunch_with_new_tokens().await;
    let (client, _) = expired_session_client(&server, Some(Duration::ZERO)).await;
    client.list_jobs().send().await.unwrap();
    // Rockety: a rotation with set_credentials.
    let rockety_server = MockServer::start().await;
    let body = serde_json::json!({"data": [], "pagination": {"current_page": 1, "per_page": 20, "total_pages": 1, "total_items": 0}});
    let rotating = Rotating::new(rockety_set(0), Duration::from_secs(1), body, Duration::ZERO);
    rotating.serve_get(&rockety_server, "/api/v1/projects").await;
    let rockety_client = rockety::Client::builder(rockety_token(0))
        .base_url(format!("{}/api/v1", rockety_server.uri()))
        .build()
        .unwrap();
    rotating.rotate(rockety_set(1));
    rockety_client.set_credentials(rockety_token(1));
    rockety_client.list_projects().send().await.unwrap();

    let text = captured.text();
    let events: Vec<&str> = text.lines().filter(|l| l.contains("credentials changed")).collect();
    assert_eq!(events.len(), 2, "one event per rotation or refresh: {events:#?}");
    assert!(
        events[0].contains("Rocketpunch") && events[0].contains("expired") && events[0].contains("OAuth refresh"),
        "{}",
        events[0]
    );
    assert!(events[1].contains("Rockety") && events[1].contains("set_credentials"));
    for secret in [
        OLD_ACCESS,
        NEW_ACCESS,
        OLD_REFRESH,
        NEW_REFRESH,
        "rotating-0-secret",
        "rotating-1-secret",
    ] {
        assert!(!text.contains(secret), "{secret} reached a log line: {text}");
    }
    assert!(!format!("{client:?} {rockety_client:?}").contains("secret"));
}
