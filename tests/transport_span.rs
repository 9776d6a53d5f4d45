//! The call span's OpenTelemetry HTTP client attributes, read from a captured span. Alone in its
//! test binary: a scoped subscriber does not see callsites other threads registered first.
#![cfg(feature = "rockety")]

#[path = "support/captured_logs.rs"]
mod captured_logs;

use rocket_apis::rockety;
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::path};

const TOKEN: &str = "spanTestToken5b8c2d";

fn projects() -> serde_json::Value {
    json!({"data": [{"uuid": "p-1", "name": "Website"}],
           "pagination": {"current_page": 1, "per_page": 20, "total_pages": 1, "total_items": 1}})
}

fn builder() -> rocket_apis::ClientBuilder<rockety::Rockety> {
    rockety::Client::builder(rockety::ApiToken::new(TOKEN).unwrap())
}

#[tokio::test]
async fn the_call_span_carries_opentelemetry_http_client_attributes() {
    let (captured, _guard) =
        captured_logs::Captured::start(tracing::Level::INFO, tracing_subscriber::fmt::format::FmtSpan::CLOSE);
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/projects"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(projects())
                .insert_header("x-request-id", "req-otel-1"),
        )
        .mount(&server)
        .await;
    let client = builder().base_url(format!("{}/api/v1", server.uri())).build().unwrap();
    client.list_projects().page(1).send().await.unwrap();
    let text = captured.text();
    let port = server.address().port();
    for expected in [
        "rocket_apis.call".to_string(),
        "http.request.method=\"GET\"".to_string(),
        "url.template=/projects".to_string(),
        "server.address=\"127.0.0.1\"".to_string(),
        format!("server.port={port}"),
        "http.response.status_code=200".to_string(),
        "otel.name=\"GET /projects\"".to_string(),
        "api=\"Rockety\"".to_string(),
        "operation=\"list_projects\"".to_string(),
        "request_id=\"req-otel-1\"".to_string(),
    ] {
        assert!(text.contains(&expected), "`{expected}` missing: {text}");
    }
    assert!(!text.contains(TOKEN));
}
