//! The RequestRocket client against a local mock server: what goes on the wire, what comes
//! back, and what is refused before anything is sent.
#![cfg(feature = "requestrocket")]

use std::time::Duration;

use rocket_apis::{
    ConfigError, Error, ErrorKind, Problem,
    requestrocket::{Client, RuleEffect, UserToken, types},
};
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{body_json, header, method, path},
};

const TOKEN: &str = "u-7f3a9c2e5b1d4f60a8e2";

async fn server_and_client() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder(UserToken::new(TOKEN).unwrap())
        .base_url(format!("{}/api", server.uri()))
        // Decoding tests: one attempt per call (retries are tested in tests/resilience.rs).
        .retry(rocket_apis::RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    (server, client)
}

fn json(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// Renames client `c1` to "Org 2" (a `PUT` with a JSON body).
async fn rename_c1(client: &Client) -> types::Client {
    client
        .update_client()
        .client_id("c1")
        .body(types::ClientInput {
            client_name: "Org 2".into(),
        })
        .send()
        .await
        .unwrap()
        .into_inner()
}

/// The headers every request carries: the raw token, nothing undocumented.
fn assert_wire_headers(req: &Request) {
    let auth = req.headers.get("authorization").expect("Authorization header sent");
    assert_eq!(auth.to_str().unwrap(), TOKEN, "raw token, no scheme");
    assert!(!auth.to_str().unwrap().starts_with("Bearer"));
    assert!(
        req.headers.get("api-version").is_none(),
        "progenitor's api-version header removed"
    );
    let ua = req.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(
        ua.starts_with(&format!("rocket-apis/{}", env!("CARGO_PKG_VERSION"))),
        "{ua}"
    );
    assert_eq!(req.headers.get("accept").unwrap(), "application/json");
}

#[tokio::test]
async fn list_clients_sends_raw_token_and_decodes_resource_named_list() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/clients"))
        .and(header("authorization", TOKEN))
        .respond_with(json(
            200,
            serde_json::json!({
                "clients": [{"clientId": "550e8400-e29b-41d4-a716-446655440000", "clientName": "My Organisation",
                             "clientMembers": [{"userId": "user_123", "roles": ["owner", "auditor"]}],
                             "createdAt": "2024-01-15T10:30:00Z", "plan": "team"}],
                "message": "Success"
            }),
        ))
        .mount(&server)
        .await;

    let list = client.list_clients().send().await.unwrap();
    assert_eq!(list.status(), 200);
    let items = list.items();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].client_name, "My Organisation");
    // An unknown role decodes (open enum) and an unknown field is kept.
    let roles = &items[0].client_members[0].roles;
    assert_eq!(roles[1].as_str(), "auditor");
    assert_eq!(items[0].extra["plan"], "team");
    assert_eq!(items[0].created_at.unwrap().to_rfc3339(), "2024-01-15T10:30:00+00:00");
    assert_wire_headers(&only_request(&server).await);
}

#[tokio::test]
async fn list_in_data_pagination_shape_also_decodes() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/clients/c1/targets"))
        .respond_with(json(
            200,
            serde_json::json!({
                "data": [{"pKey": "p", "sKey": "tgt_1", "targetName": "Payments", "targetDefaultRuleEffect": "deny"}],
                "pagination": {"page": 2, "limit": 1, "total": 3, "pages": 3}
            }),
        ))
        .mount(&server)
        .await;
    let list = client
        .list_targets()
        .client_id("c1")
        .page(2)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(list.items()[0].target_name, "Payments");
    assert_eq!(list.items()[0].target_default_rule_effect, Some(RuleEffect::Deny));
    assert_eq!(list.pagination.as_ref().unwrap().pages, 3);
    let req = only_request(&server).await;
    assert_eq!(req.url.query(), Some("limit=1&page=2"));
}

#[tokio::test]
async fn path_segments_and_query_values_are_encoded() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .respond_with(json(200, serde_json::json!({"credentials": [], "message": "Success"})))
        .mount(&server)
        .await;
    client
        .list_credentials()
        .client_id("org 1/ü?x")
        .include_temporary(true)
        .send()
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.url.path(), "/api/clients/org%201%2F%C3%BC%3Fx/credentials");
    assert_eq!(req.url.query(), Some("includeTemporary=true"));
    assert_wire_headers(&req);
}

#[tokio::test]
async fn create_returns_201_with_the_resource_and_sends_json() {
    let (server, client) = server_and_client().await;
    Mock::given(method("POST"))
        .and(path("/api/clients/c1/proxies/p1/rules"))
        .and(header("content-type", "application/json"))
        .and(body_json(serde_json::json!({
            "effect": "allow", "priority": 100, "methods": ["GET", "PURGE"], "pathPattern": "^/v1/.*$"
        })))
        .respond_with(json(
            201,
            serde_json::json!({"userId": "user_123", "clientId": "c1", "effect": "allow", "priority": 100, "ruleId": "rule_9"}),
        ))
        .mount(&server)
        .await;
    let rule = types::RuleInput::builder()
        .effect(RuleEffect::Allow)
        .priority(100)
        .methods(vec!["GET".into(), "PURGE".into()])
        .path_pattern("^/v1/.*$");
    let created = client
        .create_proxy_rule()
        .client_id("c1")
        .proxy_id("p1")
        .body(rule)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.effect, Some(RuleEffect::Allow));
    assert_eq!(created.extra["ruleId"], "rule_9");
}

#[tokio::test]
async fn credential_create_passes_undocumented_fields_through() {
    let (server, client) = server_and_client().await;
    Mock::given(method("POST"))
        .and(path("/api/clients/c1/credentials"))
        .and(body_json(
            serde_json::json!({"credentialRegion": "eu-west-1", "credentialType": "apiKey"}),
        ))
        .respond_with(json(
            200,
            serde_json::json!({"pKey": "p", "sKey": "cred_2", "credentialRegion": "eu-west-1"}),
        ))
        .mount(&server)
        .await;
    let mut body = types::CredentialInput {
        credential_region: Some("eu-west-1".into()),
        ..Default::default()
    };
    body.fields.insert("credentialType".into(), "apiKey".into());
    let created = client
        .create_credential()
        .client_id("c1")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.s_key, "cred_2");
}

#[tokio::test]
async fn delete_accepts_204() {
    let (server, client) = server_and_client().await;
    Mock::given(method("DELETE"))
        .and(path("/api/clients/c1/targets/t1/rules/r1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let done = client
        .delete_target_rule()
        .client_id("c1")
        .target_id("t1")
        .rule_id("r1")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 204);
}

#[tokio::test]
async fn every_resource_group_round_trips() {
    let (server, client) = server_and_client().await;
    let routes: &[(&str, &str, u16, serde_json::Value)] = &[
        (
            "GET",
            "/api/clients/c1",
            200,
            serde_json::json!({"clientId": "c1", "clientName": "Org"}),
        ),
        (
            "PUT",
            "/api/clients/c1",
            200,
            serde_json::json!({"clientId": "c1", "clientName": "Org 2"}),
        ),
        (
            "GET",
            "/api/clients/c1/telemetry",
            200,
            serde_json::json!({"totalRequests": 5}),
        ),
        (
            "GET",
            "/api/clients/c1/credentials/cr1",
            200,
            serde_json::json!({"pKey": "p", "sKey": "cr1"}),
        ),
        (
            "GET",
            "/api/clients/c1/proxies",
            200,
            serde_json::json!({"proxies": [{"pKey": "p", "sKey": "px", "proxyName": "Gateway", "proxyActive": true}]}),
        ),
        (
            "GET",
            "/api/clients/c1/proxies/px/telemetry",
            200,
            serde_json::json!({}),
        ),
        (
            "GET",
            "/api/clients/c1/credentials/cr1/rules",
            200,
            serde_json::json!({"rules": [{"effect": "challenge"}]}),
        ),
        (
            "GET",
            "/api/clients/c1/proxies/px/requests",
            200,
            serde_json::json!({"message": "Success", "totalRequests": 1, "requests": [{"pKey": "a", "processedAt": 1765517217621_i64, "TTL": 1773293219, "proxyData": {"duration": 1.995, "status": 200, "apiHeaders": {"accept": "*/*"}}}]}),
        ),
        (
            "GET",
            "/api/clients/c1/proxies/px/requests/rq1",
            200,
            serde_json::json!({"pKey": "a", "sKey": "rq1"}),
        ),
        (
            "GET",
            "/api/clients/c1/requests",
            200,
            serde_json::json!({"data": [], "pagination": {"page": 1, "limit": 20, "total": 0, "pages": 0}}),
        ),
        (
            "GET",
            "/api/notifications/system",
            200,
            serde_json::json!({"notifications": [{"notificationId": "n1", "type": "system", "title": "Maintenance"}], "message": "Success"}),
        ),
        (
            "GET",
            "/api/users/u1/notifications/n2",
            200,
            serde_json::json!({"notificationId": "n2", "type": "user", "read": true}),
        ),
        (
            "GET",
            "/api/clients/c1/notifications",
            200,
            serde_json::json!({"notifications": [{"notificationId": "n3", "type": "billing"}]}),
        ),
    ];
    for (verb, p, status, body) in routes {
        Mock::given(method(*verb))
            .and(path(*p))
            .respond_with(json(*status, body.clone()))
            .mount(&server)
            .await;
    }

    assert_eq!(
        client.get_client().client_id("c1").send().await.unwrap().client_name,
        "Org"
    );
    assert_eq!(rename_c1(&client).await.client_name, "Org 2");
    assert_eq!(
        client.get_client_telemetry().client_id("c1").send().await.unwrap()["totalRequests"],
        5
    );
    assert_eq!(
        client
            .get_credential()
            .client_id("c1")
            .credential_id("cr1")
            .send()
            .await
            .unwrap()
            .s_key,
        "cr1"
    );
    let proxies = client.list_proxies().client_id("c1").send().await.unwrap();
    assert_eq!(proxies.items()[0].proxy_active, Some(true));
    client
        .get_proxy_telemetry()
        .client_id("c1")
        .proxy_id("px")
        .send()
        .await
        .unwrap();
    let rules = client
        .list_credential_rules()
        .client_id("c1")
        .credential_id("cr1")
        .send()
        .await
        .unwrap();
    assert_eq!(rules.items()[0].effect, Some(RuleEffect::Other("challenge".into())));
    let log = client
        .list_proxy_requests()
        .client_id("c1")
        .proxy_id("px")
        .processed_after("2025-12-01T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(log.items()[0].processed_at, Some(1_765_517_217_621));
    assert_eq!(log.items()[0].ttl, Some(1_773_293_219));
    assert_eq!(log.items()[0].proxy_data.as_ref().unwrap().duration, Some(1.995));
    client
        .get_proxy_request()
        .client_id("c1")
        .proxy_id("px")
        .request_id("rq1")
        .send()
        .await
        .unwrap();
    let history = client.list_client_requests().client_id("c1").send().await.unwrap();
    assert_eq!(history.pagination.pages, 0);
    let system = client.list_system_notifications().send().await.unwrap();
    assert_eq!(system.items()[0].title.as_deref(), Some("Maintenance"));
    let one = client
        .get_user_notification()
        .user_id("u1")
        .notification_id("n2")
        .send()
        .await
        .unwrap();
    assert_eq!(one.read, Some(true));
    let by_client = client.list_client_notifications().client_id("c1").send().await.unwrap();
    assert_eq!(by_client.items()[0].type_.as_ref().map(|t| t.as_str()), Some("billing"));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), routes.len());
    requests.iter().for_each(assert_wire_headers);
    let log_query = requests
        .iter()
        .find(|r| r.url.path().ends_with("/px/requests"))
        .unwrap()
        .url
        .query();
    assert_eq!(log_query, Some("processedAfter=2025-12-01T00%3A00%3A00Z"));
}

async fn error_for(status: u16, template: ResponseTemplate) -> Error {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/clients"))
        .respond_with(template)
        .mount(&server)
        .await;
    let err = client.list_clients().send().await.expect_err("error status");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    err
}

#[tokio::test]
async fn each_documented_error_status_becomes_a_typed_error() {
    let cases = [
        (
            400,
            ErrorKind::BadRequest,
            serde_json::json!({"error": "Invalid client ID", "code": "INVALID_CLIENT_ID", "status": 400}),
        ),
        (
            401,
            ErrorKind::Unauthorized,
            serde_json::json!({"error": "Unauthorized", "message": "Invalid or missing authentication token", "status": 401}),
        ),
        (
            403,
            ErrorKind::Forbidden,
            serde_json::json!({"error": "Forbidden", "message": "Insufficient permissions to access this resource", "status": 403}),
        ),
        (
            404,
            ErrorKind::NotFound,
            serde_json::json!({"error": "Not Found", "message": "Resource not found", "status": 404}),
        ),
        (
            409,
            ErrorKind::Conflict,
            serde_json::json!({"error": "Conflict", "message": "Resource already exists", "status": 409}),
        ),
        (
            500,
            ErrorKind::Server,
            serde_json::json!({"error": "Internal Server Error", "status": 500}),
        ),
    ];
    for (status, kind, body) in cases {
        let template = json(status, body.clone()).insert_header("x-request-id", "req-abc-123");
        let err = error_for(status, template).await;
        let api = err.api_error().expect("an API error");
        assert_eq!(api.kind(), kind);
        assert_eq!(api.request_id(), Some("req-abc-123"));
        assert!(api.body_was_json());
        assert_eq!(api.body(), &body);
        let typed: types::ErrorBody = api.decode().unwrap();
        assert_eq!(typed.status, Some(status as i64));
        let shown = err.to_string();
        assert!(
            shown.contains(&status.to_string()) && shown.contains("req-abc-123"),
            "{shown}"
        );
        let expected = body
            .get("message")
            .or(body.get("error"))
            .and_then(|m| m.as_str())
            .unwrap();
        assert_eq!(api.message(), Some(expected));
        assert!(shown.contains(expected), "{shown}");
    }
    let err = error_for(
        400,
        json(
            400,
            serde_json::json!({"error": "Invalid client ID", "code": "INVALID_CLIENT_ID"}),
        ),
    )
    .await;
    assert_eq!(err.api_error().unwrap().code(), Some("INVALID_CLIENT_ID"));
}

#[tokio::test]
async fn too_many_requests_carries_retry_after_seconds_and_dates() {
    let body = serde_json::json!({"error": "Too Many Requests", "message": "Rate limit exceeded", "status": 429});
    let err = error_for(429, json(429, body.clone()).insert_header("retry-after", "30")).await;
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(err.api_error().unwrap().kind(), ErrorKind::RateLimited);
    assert!(err.to_string().contains("retry after 30s"), "{err}");

    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
    let err = error_for(429, json(429, body).insert_header("retry-after", when.as_str())).await;
    let wait = err.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
}

#[tokio::test]
async fn html_502_keeps_status_headers_and_text() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let template = ResponseTemplate::new(502)
        .set_body_raw(html, "text/html")
        .insert_header("x-amzn-requestid", "amzn-42");
    let err = error_for(502, template).await;
    let api = err.api_error().unwrap();
    assert_eq!(api.kind(), ErrorKind::Server);
    assert!(!api.body_was_json());
    assert_eq!(api.body(), &serde_json::Value::String(html.into()));
    assert_eq!(api.message(), Some(html));
    assert_eq!(api.request_id(), Some("amzn-42"));
    assert_eq!(
        api.headers()["content-type"],
        "text/html",
        "the server's own headers, untouched"
    );
    assert!(
        api.headers().get("x-rocket-apis-stand-in").is_none(),
        "internal marker removed"
    );
    let shown = err.to_string();
    assert!(
        shown.contains("502 Bad Gateway") && shown.contains("not JSON"),
        "{shown}"
    );
}

#[tokio::test]
async fn empty_401_and_malformed_json_keep_the_status() {
    let err = error_for(401, ResponseTemplate::new(401)).await;
    assert_eq!(err.api_error().unwrap().kind(), ErrorKind::Unauthorized);
    assert!(err.to_string().contains("(empty body)"), "{err}");

    let err = error_for(
        500,
        ResponseTemplate::new(500).set_body_raw("{\"error\": ", "application/json"),
    )
    .await;
    assert_eq!(err.api_error().unwrap().message(), Some("{\"error\": "));
}

#[tokio::test]
async fn undocumented_error_status_still_has_its_body() {
    let template = json(
        418,
        serde_json::json!({"error": "Teapot", "message": "short and stout"}),
    );
    let err = error_for(418, template).await;
    let api = err.api_error().unwrap();
    assert_eq!(api.kind(), ErrorKind::Other);
    assert_eq!(api.message(), Some("short and stout"));
}

#[tokio::test]
async fn malformed_success_body_is_a_decode_error_without_the_body_in_its_message() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/clients/c1"))
        .respond_with(json(
            200,
            serde_json::json!({"clientId": 7, "clientName": "secret-ish-value"}),
        ))
        .mount(&server)
        .await;
    let err = client.get_client().client_id("c1").send().await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert!(!err.to_string().contains("secret-ish-value"));
    assert!(!format!("{err:?}").contains("secret-ish-value"));
    assert!(String::from_utf8_lossy(decode.body()).contains("secret-ish-value"));
    assert_eq!(decode.field(), Some("clientId"), "{err}");
}

#[tokio::test]
async fn a_missing_required_field_is_a_decode_error_naming_it() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/clients/c1"))
        .respond_with(json(200, serde_json::json!({"clientId": "c1"})))
        .mount(&server)
        .await;
    let err = client.get_client().client_id("c1").send().await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(decode.field(), Some("clientName"), "{err}");
}

#[tokio::test]
async fn missing_required_parameter_is_refused_without_sending() {
    let (server, client) = server_and_client().await;
    let err = client.get_client().send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(err.to_string().contains("client_id"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn bad_tokens_are_refused_with_a_reason_and_without_the_token() {
    let cases: &[(&str, Problem)] = &[
        ("", Problem::Empty),
        ("   ", Problem::Empty),
        ("Bearer u-7f3a9c2e5b1d", Problem::SchemePrefix("Bearer")),
        ("bearer u-7f3a9c2e5b1d", Problem::SchemePrefix("Bearer")),
        ("7f3a9c2e5b1d", Problem::MissingPrefix(&["u-"])),
        ("u-", Problem::NothingAfterPrefix),
        ("u-7f3a9c2e5b1d\n", Problem::Whitespace(14)),
        (" u-7f3a9c2e5b1d", Problem::Whitespace(0)),
        ("u-7f3a\u{7}9c2e", Problem::ControlCharacter(6)),
        ("u-7f3a9cé2e5b1d", Problem::NonAscii(8)),
    ];
    for (raw, problem) in cases {
        let err = UserToken::new(raw).expect_err(raw);
        assert_eq!(err.problem(), problem, "{raw:?}");
        let shown = err.to_string();
        assert!(
            shown.contains("RequestRocket user token") && shown.contains("u-"),
            "{shown}"
        );
        let secret_part = raw.trim().trim_start_matches("Bearer ").trim_start_matches("bearer ");
        if secret_part.len() > 2 {
            assert!(!shown.contains(secret_part), "{shown}");
            assert!(!format!("{err:?}").contains(secret_part));
        }
    }
}

#[tokio::test]
async fn token_client_and_error_debug_never_show_the_token() {
    let token = UserToken::new(TOKEN).unwrap();
    assert_eq!(format!("{token:?}"), "UserToken(u-****)");
    assert_eq!(token.to_string(), "UserToken(u-****)");
    let secret = &TOKEN[2..];

    let (server, client) = server_and_client().await;
    assert!(!format!("{client:?}").contains(secret), "{client:?}");
    Mock::given(method("GET"))
        .respond_with(json(401, serde_json::json!({"error": "Unauthorized"})).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    let err = client.list_clients().send().await.unwrap_err();
    assert!(!format!("{err:?}").contains(secret) && !err.to_string().contains(secret));
    // The request as reqwest holds it: the header is marked sensitive.
    let req = only_request(&server).await;
    assert_eq!(req.headers["authorization"], TOKEN);
}

#[test]
fn plain_http_is_refused_except_on_loopback() {
    let token = || UserToken::new(TOKEN).unwrap();
    for url in [
        "http://api.requestrocket.com/api",
        "http://10.0.0.8/api",
        "ftp://127.0.0.1/",
        "not a url",
    ] {
        let err = Client::builder(token()).base_url(url).build().expect_err(url);
        assert!(matches!(err, ConfigError::BaseUrl { .. }), "{url}: {err:?}");
    }
    let err = Client::builder(token())
        .base_url("https://user:hunter2@api.requestrocket.com/api")
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    for url in [
        "http://127.0.0.1:9/api",
        "http://localhost:9/api",
        "http://[::1]:9/api",
        "https://api.requestrocket.com",
    ] {
        Client::builder(token())
            .base_url(url)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    let client = Client::new(token()).unwrap();
    assert_eq!(client.base_url(), "https://api.requestrocket.com/api");
}

#[test]
fn from_env_reads_the_token_and_base_url_and_names_the_variable() {
    // One test touches the environment, so no other test races with it.
    let set = |k: &str, v: Option<&str>| unsafe {
        match v {
            Some(v) => std::env::set_var(k, v),
            None => std::env::remove_var(k),
        }
    };
    set("REQUESTROCKET_USER_TOKEN", None);
    set("REQUESTROCKET_BASE_URL", None);
    let err = Client::from_env().unwrap_err();
    assert!(matches!(
        err,
        ConfigError::MissingEnv {
            var: "REQUESTROCKET_USER_TOKEN",
            ..
        }
    ));
    assert!(err.to_string().contains("REQUESTROCKET_USER_TOKEN"), "{err}");

    set("REQUESTROCKET_USER_TOKEN", Some("Bearer u-1234567890"));
    let err = Client::from_env().unwrap_err();
    assert!(
        err.to_string().contains("REQUESTROCKET_USER_TOKEN") && err.to_string().contains("Bearer"),
        "{err}"
    );
    assert!(!err.to_string().contains("1234567890"));

    set("REQUESTROCKET_USER_TOKEN", Some(TOKEN));
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "https://api.requestrocket.com/api"
    );
    set("REQUESTROCKET_BASE_URL", Some("http://127.0.0.1:4010/"));
    assert_eq!(Client::from_env().unwrap().base_url(), "http://127.0.0.1:4010");
    set("REQUESTROCKET_BASE_URL", Some("http://example.com"));
    assert!(matches!(Client::from_env().unwrap_err(), ConfigError::BaseUrl { .. }));
    set("REQUESTROCKET_USER_TOKEN", None);
    set("REQUESTROCKET_BASE_URL", None);
}

#[tokio::test]
async fn raw_calls_reach_undocumented_endpoints_with_the_same_credentials_and_errors() {
    use rocket_apis::ResponseExt;
    let (server, client) = server_and_client().await;
    Mock::given(method("POST"))
        .and(path("/api/clients/c1/members"))
        .and(body_json(serde_json::json!({"email": "a@example.com"})))
        .respond_with(json(200, serde_json::json!({"invited": true})).insert_header("x-request-id", "rq_1"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/clients/c1/members"))
        .respond_with(json(
            403,
            serde_json::json!({"error": "Forbidden", "message": "Not an owner"}),
        ))
        .mount(&server)
        .await;
    let ok = client
        .raw(http::Method::POST, "/clients/c1/members")
        .json(serde_json::json!({"email": "a@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.request_id(), Some("rq_1"));
    assert_eq!(ok.into_inner()["invited"], true);
    let err = client
        .raw(http::Method::GET, "/clients/c1/members")
        .query("page", 2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.api_error().unwrap().kind(), ErrorKind::Forbidden);
    assert_eq!(err.api_error().unwrap().message(), Some("Not an owner"));
    let requests = server.received_requests().await.unwrap();
    requests.iter().for_each(assert_wire_headers);
    assert_eq!(requests[1].url.query(), Some("page=2"));
    for bad in [
        "https://evil.example.com/x",
        "//evil.example.com/x",
        "clients",
        "/clients/../../x",
    ] {
        let err = client.raw(http::Method::GET, bad).send().await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest { .. }), "{bad}: {err:?}");
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "refused paths send nothing"
    );
}

#[tokio::test]
async fn default_headers_are_sent_but_cannot_replace_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(200, serde_json::json!({"clients": []})))
        .mount(&server)
        .await;
    let client = Client::builder(UserToken::new(TOKEN).unwrap())
        .base_url(server.uri())
        .default_header("x-trace-id", "trace-1")
        .default_header("authorization", "u-someone-else")
        .build()
        .unwrap();
    client.list_clients().send().await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.headers["x-trace-id"], "trace-1");
    assert_eq!(req.headers.get_all("authorization").iter().collect::<Vec<_>>(), [TOKEN]);
    let bad = Client::builder(UserToken::new(TOKEN).unwrap())
        .default_header("bad header", "x")
        .build();
    assert!(matches!(bad, Err(ConfigError::Invalid { .. })));
}

/// Every value of a header, in order.
fn values<'r>(req: &'r Request, name: &str) -> Vec<&'r str> {
    req.headers.get_all(name).iter().map(|v| v.to_str().unwrap()).collect()
}

#[tokio::test]
async fn each_request_carries_every_header_once_and_the_later_source_wins() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(200, serde_json::json!({"clients": []})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(json(200, serde_json::json!({"clientId": "c1", "clientName": "Org 2"})))
        .mount(&server)
        .await;
    let client = Client::builder(UserToken::new(TOKEN).unwrap())
        .base_url(server.uri())
        .user_agent("billing-sync/2.1")
        .default_header("x-tag", "a")
        .default_header("x-tag", "b")
        .build()
        .unwrap();

    // A request without headers of its own: the client's, every value of each, and the token.
    client.list_clients().send().await.unwrap();
    // A per-call header replaces the client's of the same name, not the others.
    client
        .with_options(|o| {
            o.header(
                http::HeaderName::from_static("x-tag"),
                http::HeaderValue::from_static("c"),
            )
        })
        .list_clients()
        .send()
        .await
        .unwrap();
    // A request with headers of its own (a JSON body's `Content-Type`) keeps them.
    rename_c1(&client).await;

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    for (req, tags) in requests.iter().zip([["a", "b"].as_slice(), &["c"], &["a", "b"]]) {
        assert_eq!(values(req, "x-tag"), tags, "{} {}", req.method, req.url);
        assert_eq!(values(req, "authorization"), [TOKEN]);
        assert_eq!(values(req, "accept"), ["application/json"]);
        let ua = values(req, "user-agent");
        assert_eq!(ua.len(), 1, "{ua:?}");
        assert!(ua[0].starts_with("billing-sync/2.1 rocket-apis/"), "{ua:?}");
    }
    assert_eq!(values(&requests[2], "content-type"), ["application/json"]);
}
