//! The Rockety client against a local mock server: Bearer token on the wire, page-based
//! pagination, zone-less timestamps, nullable fields, refusals and redaction.
#![cfg(feature = "rockety")]

use rocket_apis::{
    ConfigError, Error, ErrorKind, Problem,
    rockety::{ApiToken, Client, NaiveTimestamp},
};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

const TOKEN: &str = "9f2c41d7e0b35a68c1";

async fn server_and_client() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder(ApiToken::new(TOKEN).unwrap())
        .base_url(format!("{}/api/v1", server.uri()))
        // Decoding tests: one attempt per call (retries are tested in tests/resilience.rs).
        .retry(rocket_apis::RetryPolicy::none())
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn projects_page_with_bearer_token_and_naive_timestamps() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/projects"))
        .and(query_param("page", "2"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"uuid": "p-1", "name": "Website", "prefix": "WEB", "image_url": null,
                      "created_at": "2024-11-23 14:58:31", "updated_at": "2024-12-01 00:00:00",
                      "colour": {"name": "ocean", "gradient": {"from": "#00f", "to": "#0ff"}}}],
            "pagination": {"current_page": 2, "per_page": 1, "total_pages": 3, "total_items": 3}
        })))
        .mount(&server)
        .await;
    let page = client.list_projects().page(2).send().await.unwrap();
    let project = &page.data[0];
    assert_eq!(project.name.as_deref(), Some("Website"));
    assert!(project.image_url.is_none());
    let created = project.created_at.unwrap();
    assert_eq!(created.naive().to_string(), "2024-11-23 14:58:31");
    assert_eq!(created.to_string(), "2024-11-23 14:58:31");
    assert_eq!(
        (
            page.pagination.current_page,
            page.pagination.total_pages,
            page.pagination.total_items
        ),
        (2, 3, 3)
    );
    let req = &server.received_requests().await.unwrap()[0];
    assert!(req.headers.get("api-version").is_none());
}

#[tokio::test]
async fn users_list_decodes_documented_fields() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"uuid": "u-1", "name": "Ada", "email": "ada@example.com", "bio": null, "role": "admin",
                      "timezone": "Europe/London", "last_heartbeat_at": "2024-11-23 09:00:00"}],
            "pagination": {"current_page": 1, "per_page": 20, "total_pages": 1, "total_items": 1}
        })))
        .mount(&server)
        .await;
    let users = client.list_users().send().await.unwrap();
    assert_eq!(users.data[0].name.as_deref(), Some("Ada"));
    assert!(users.data[0].bio.is_none());
    assert_eq!(
        users.data[0].last_heartbeat_at.unwrap().to_string(),
        "2024-11-23 09:00:00"
    );
}

#[tokio::test]
async fn an_rfc3339_timestamp_is_a_decode_error_not_a_silent_guess() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"created_at": "2024-11-23 14:58:31"}, {"created_at": "2024-11-23T14:58:31Z"}],
            "pagination": {"current_page": 1, "per_page": 20, "total_pages": 1, "total_items": 2}
        })))
        .mount(&server)
        .await;
    let err = client.list_projects().send().await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    // The message names the field by its place in the body, not by its value.
    assert_eq!(decode.field(), Some("data[1].created_at"));
    assert!(err.to_string().contains("(field `data[1].created_at`)"), "{err}");
    assert!(!err.to_string().contains("14:58:31"), "{err}");
    assert!("2024-02-30 10:00:00".parse::<NaiveTimestamp>().is_err());
    assert!("2024-11-23 14:58".parse::<NaiveTimestamp>().is_err());
    let t: NaiveTimestamp = serde_json::from_str("\"2024-11-23 14:58:31\"").unwrap();
    assert_eq!(serde_json::to_string(&t).unwrap(), "\"2024-11-23 14:58:31\"");
}

#[tokio::test]
async fn a_401_with_an_html_body_keeps_its_status() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_raw("<html>Unauthenticated</html>", "text/html"))
        .mount(&server)
        .await;
    let err = client.list_users().send().await.unwrap_err();
    assert_eq!(err.api_error().unwrap().kind(), ErrorKind::Unauthorized);
    assert!(!err.to_string().contains(TOKEN) && !format!("{err:?}").contains(TOKEN));
    assert!(!format!("{client:?}").contains(TOKEN));
}

#[test]
fn bad_tokens_are_refused_before_sending() {
    for (raw, problem) in [
        ("", Problem::Empty),
        ("Bearer 9f2c41d7e0b35a68c1", Problem::SchemePrefix("Bearer")),
        ("9f2c41d7 e0b35a68c1", Problem::Whitespace(8)),
        ("9f2c41d7e0b35a68c1\r\n", Problem::Whitespace(18)),
    ] {
        let err = ApiToken::new(raw).expect_err(raw);
        assert_eq!(err.problem(), &problem);
        assert!(!err.to_string().contains("e0b35a68c1"), "{err}");
    }
    assert_eq!(format!("{:?}", ApiToken::new(TOKEN).unwrap()), "ApiToken(****)");
}

#[test]
fn from_env_reads_token_and_base_url() {
    let set = |k: &str, v: Option<&str>| unsafe {
        match v {
            Some(v) => std::env::set_var(k, v),
            None => std::env::remove_var(k),
        }
    };
    set("ROCKETY_API_TOKEN", None);
    set("ROCKETY_BASE_URL", None);
    assert!(matches!(
        Client::from_env().unwrap_err(),
        ConfigError::MissingEnv {
            var: "ROCKETY_API_TOKEN",
            ..
        }
    ));
    set("ROCKETY_API_TOKEN", Some(TOKEN));
    assert_eq!(Client::from_env().unwrap().base_url(), "https://app.rockety.io/api/v1");
    set("ROCKETY_BASE_URL", Some("http://localhost:4010"));
    assert_eq!(Client::from_env().unwrap().base_url(), "http://localhost:4010");
    set("ROCKETY_API_TOKEN", None);
    set("ROCKETY_BASE_URL", None);
}
