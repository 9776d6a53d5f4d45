//! The call surface as a downstream user writes against it: `?` in `anyhow` functions, body
//! builders with `&str`, no `.extra(..)`, no `map_err`, against local servers. Each test is one
//! promise of the surface.
#![cfg(all(
    feature = "requestrocket",
    feature = "authrocket",
    feature = "rocketpunch",
    feature = "rockety"
))]

use std::{panic::AssertUnwindSafe, time::Duration};

use http::{HeaderName, HeaderValue};
use rocket_apis::{
    prelude::*,
    requestrocket::{self, UserToken, types},
};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_json, header, method, path},
};

const TOKEN: &str = "u-7f3a9c2e5b1d4f60a8e2";

fn client_at(base: &str) -> requestrocket::Client {
    requestrocket::Client::builder(UserToken::new(TOKEN).unwrap())
        .base_url(base)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn server_and_client() -> (MockServer, requestrocket::Client) {
    let server = MockServer::start().await;
    let client = client_at(&format!("{}/api", server.uri()));
    (server, client)
}

/// What a user's own code looks like: `?` on every call, into `anyhow`.
async fn count_clients(rr: &requestrocket::Client) -> anyhow::Result<usize> {
    let clients = rr.list_clients().send().await?;
    Ok(clients.items().len())
}

async fn count_clients_boxed(rr: &requestrocket::Client) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    Ok(rr.list_clients().send().await?.items().len())
}

#[tokio::test]
async fn a_refused_connection_reaches_anyhow_as_the_crates_error() {
    // A port nothing listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let rr = client_at(&format!("http://127.0.0.1:{port}/api"));

    let err = count_clients(&rr).await.unwrap_err();
    let message = format!("{err}");
    assert!(
        message.starts_with("RequestRocket: could not reach the server"),
        "{message}"
    );
    for leak in ["999", "no.url.provided", "Unexpected Response", "progenitor", TOKEN] {
        assert!(!format!("{err:?}").contains(leak), "`{leak}` in {err:?}");
        assert!(!message.contains(leak), "`{leak}` in {message}");
    }
    let typed = err
        .downcast_ref::<rocket_apis::Error>()
        .expect("downcasts to rocket_apis::Error");
    assert!(
        matches!(typed, rocket_apis::Error::Connect { attempts: 1, .. }),
        "{typed:?}"
    );

    let boxed = count_clients_boxed(&rr).await.unwrap_err();
    assert!(boxed.downcast_ref::<rocket_apis::Error>().is_some());
}

#[tokio::test]
async fn a_403_reaches_anyhow_with_the_vendors_message_and_request_id() {
    let (server, rr) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/clients"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-request-id", "req-403-a")
                .set_body_json(
                    serde_json::json!({"error": "Forbidden", "message": "Insufficient permissions", "status": 403}),
                ),
        )
        .mount(&server)
        .await;

    let err = count_clients(&rr).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "RequestRocket API error: 403 Forbidden: Insufficient permissions; request id req-403-a"
    );
    let api = err
        .downcast_ref::<rocket_apis::Error>()
        .and_then(|e| e.api_error())
        .expect("an API error");
    assert_eq!(api.kind(), ErrorKind::Forbidden);
    assert_eq!(api.request_id(), Some("req-403-a"));
}

#[tokio::test]
async fn a_body_builds_from_str_setters_with_no_extra_and_is_sent_as_written() {
    let (server, rr) = server_and_client().await;
    Mock::given(method("POST"))
        .and(path("/api/clients/c-1/targets"))
        .and(body_json(serde_json::json!({
            "targetName": "Payments API",
            "targetBaseURL": "https://api.payments.example.com"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "pKey": "p", "sKey": "s", "targetName": "Payments API"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let created = rr
        .create_target()
        .client_id("c-1")
        .body(
            types::TargetInput::builder()
                .target_name("Payments API")
                .target_base_url("https://api.payments.example.com"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.target_name, "Payments API");

    // The same through `body_map`, and from `Default` (every field of TargetInput is optional).
    let built = types::TargetInput {
        target_name: Some("Payments API".into()),
        target_base_url: Some("https://api.payments.example.com".into()),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        serde_json::json!({"targetName": "Payments API", "targetBaseURL": "https://api.payments.example.com"})
    );
}

#[test]
fn list_setters_take_str_arrays() {
    use rocket_apis::authrocket::types as ar;
    let membership = ar::MembershipInput::builder()
        .user_id("usr_1")
        .org_id("org_1")
        .permissions(["read", "write:all"]);
    let membership = ar::MembershipInput::try_from(membership).unwrap();
    assert_eq!(
        membership.permissions,
        vec!["read".to_string(), "write:all".to_string()]
    );
    assert_eq!(membership.org_id.as_deref(), Some("org_1"));
}

#[test]
fn a_mistyped_field_in_json_is_a_decode_error_naming_the_field() {
    let err = serde_json::from_value::<types::TargetInput>(serde_json::json!({
        "targetName": "Payments API",
        "targetBaseUrl": "https://api.payments.example.com"
    }))
    .unwrap_err()
    .to_string();
    assert!(err.contains("unknown field `targetBaseUrl`"), "{err}");
    assert!(err.contains("targetBaseURL"), "the valid names are listed: {err}");

    // Nested request types too (AuthRocket's wrapped bodies).
    let err = serde_json::from_value::<rocket_apis::authrocket::types::OrgBody>(serde_json::json!({
        "org": {"name": "Acme", "refrence": "x"}
    }))
    .unwrap_err()
    .to_string();
    assert!(err.contains("unknown field `refrence`"), "{err}");
}

#[test]
fn response_types_keep_unknown_fields() {
    let target: types::Target = serde_json::from_value(serde_json::json!({
        "pKey": "p", "sKey": "s", "targetName": "T", "addedNextYear": true
    }))
    .unwrap();
    assert_eq!(target.extra.get("addedNextYear"), Some(&serde_json::json!(true)));
}

#[test]
fn nested_unknown_fields_are_kept_and_a_mismatch_names_its_place() {
    let client: types::Client = serde_json::from_str(
        r#"{"clientId": "c1", "clientName": "A", "plan": "team", "clientMembers": [{"userId": "u1", "roles": ["owner"], "since": 2024}]}"#,
    )
    .unwrap();
    assert_eq!(client.extra["plan"], "team");
    assert_eq!(client.client_members[0].extra["since"], 2024);

    // From bytes (as the client decodes), from a `Value` and inside a list envelope.
    let bad = r#"{"clientId": "c2", "clientName": "B", "clientMembers": [{"userId": "u1", "roles": []}, {"userId": "u2", "roles": "owner-secret"}]}"#;
    let err = serde_json::from_str::<types::Client>(bad).unwrap_err().to_string();
    assert!(err.starts_with("at `clientMembers[1].roles`: "), "{err}");
    let value: serde_json::Value = serde_json::from_str(bad).unwrap();
    let err = serde_json::from_value::<types::Client>(value).unwrap_err().to_string();
    assert!(err.starts_with("at `clientMembers[1].roles`: "), "{err}");
    let err = serde_json::from_str::<types::ClientList>(&format!(r#"{{"clients": [{bad}]}}"#))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("at `clientMembers[1].roles`: "), "{err}");
    let err = serde_json::from_str::<types::Client>(r#"{"clientName": "A"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("at `clientId`: missing"), "{err}");

    // A repeated field is an error, not a silent choice of one of the two.
    let err = serde_json::from_str::<types::Target>(r#"{"pKey": "p", "sKey": "s", "pKey": "q"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("duplicate field `pKey`"), "{err}");
    // Also among many fields (an object a server fills with extras), and an unknown one.
    let many: String = (0..40).map(|i| format!(r#""x{i}": {i}, "#)).collect();
    let err = serde_json::from_str::<types::Target>(&format!(r#"{{"pKey": "p", {many}"sKey": "s", "x7": 0}}"#))
        .unwrap_err()
        .to_string();
    assert!(err.contains("duplicate field `x7`"), "{err}");
    let target: types::Target =
        serde_json::from_str(&format!(r#"{{"pKey": "p", {many}"sKey": "s", "targetName": "T"}}"#)).unwrap();
    assert_eq!(
        (target.p_key.as_str(), target.extra.len(), &target.extra["x39"]),
        ("p", 40, &serde_json::json!(39))
    );
}

#[test]
fn the_first_mismatch_in_field_order_is_the_one_reported() {
    // A field that may be missing is taken without returning early; its mismatch must still
    // be reported, and before a later field's.
    let err = serde_json::from_str::<types::Client>(r#"{"clientId": "c1", "clientName": "A", "createdAt": 5}"#)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("at `createdAt`: invalid type: integer"), "{err}");
    // `clientMembers` (may be missing) comes before `clientName` (required, missing here).
    let err = serde_json::from_str::<types::Client>(r#"{"clientId": "c1", "clientMembers": [{"userId": 5}]}"#)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("at `clientMembers[0].userId`: "), "{err}");
    // A type that refuses unknown fields reports a bad known field before the unknown one.
    let err = serde_json::from_str::<types::ProxyInput>(r#"{"proxyName": 7, "proxyNmae": "typo"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("at `proxyName`: invalid type: integer"), "{err}");
    let err = serde_json::from_str::<types::ProxyInput>(r#"{"proxyName": "p", "proxyNmae": "typo"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `proxyNmae`"), "{err}");
}

#[test]
fn field_names_read_the_same_however_the_json_arrives() {
    // Names serde_json lends from the input, names it unescapes into its scratch space, names
    // a reader owns, and names a `Value` holds: the same fields, the same extras.
    let plain = r#"{"clientId": "c1", "clientName": "A", "plan": "team"}"#;
    let escaped = r#"{"client\u0049d": "c1", "clientName": "A", "pl\u0061n": "team"}"#;
    let expected: types::Client = serde_json::from_str(plain).unwrap();
    assert_eq!(expected.client_id, "c1");
    for json in [plain, escaped] {
        let from_str: types::Client = serde_json::from_str(json).unwrap();
        let from_reader: types::Client = serde_json::from_reader(json.as_bytes()).unwrap();
        let from_value: types::Client = serde_json::from_value(serde_json::from_str(json).unwrap()).unwrap();
        for client in [from_str, from_reader, from_value] {
            assert_eq!(client, expected, "{json}");
            assert_eq!(client.extra["plan"], "team", "{json}");
        }
    }
}

#[test]
fn the_open_credential_body_has_a_named_map_sent_at_the_top_level() {
    let mut fields = serde_json::Map::new();
    fields.insert("credentialType".into(), "apiKey".into());
    let body = types::CredentialInput {
        credential_region: Some("us-east-1".into()),
        fields,
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        serde_json::json!({"credentialRegion": "us-east-1", "credentialType": "apiKey"})
    );
    let back: types::CredentialInput =
        serde_json::from_value(serde_json::json!({"credentialRegion": "eu", "apiKey": "k"})).unwrap();
    assert_eq!(back.fields.get("apiKey"), Some(&serde_json::json!("k")));
    // The open fields carry the credential itself: `Debug` names them, never their values.
    let secret: types::CredentialInput =
        serde_json::from_value(serde_json::json!({"credentialRegion": "eu", "apiKey": "sk-live-secret"})).unwrap();
    let shown = format!("{secret:?}");
    assert!(
        !shown.contains("sk-live-secret") && shown.contains("\"apiKey\": <redacted>"),
        "{shown}"
    );
    assert!(shown.contains("credential_region: Some(\"eu\")"), "{shown}");
}

/// A user's helper can name the future a `send()` returns.
fn first_page(rr: &requestrocket::Client) -> rocket_apis::ResponseFuture<'_, types::ClientList> {
    rr.list_clients().send()
}

#[tokio::test]
async fn a_send_is_a_named_future_that_sends_only_when_awaited() {
    let (server, rr) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/clients"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"clients": []})))
        .mount(&server)
        .await;
    let pending = first_page(&rr);
    fn spawnable<T: Send>(_: &T) {}
    spawnable(&pending);
    let shown = format!("{pending:?}");
    assert!(shown.contains("listClients") && !shown.contains(TOKEN), "{shown}");
    drop(pending);
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "a dropped future sends nothing"
    );
    let page = first_page(&rr).await.unwrap();
    assert!(page.items().is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_missing_path_parameter_fails_before_sending_and_names_it() {
    let (server, rr) = server_and_client().await;
    let err = rr
        .create_target()
        .body(types::TargetInput::default())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, rocket_apis::Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "RequestRocket: the request is incomplete or invalid: createTarget: path parameter `clientId` is required but not set: call `.client_id(..)`"
    );
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_missing_required_body_field_fails_before_sending_and_names_it() {
    let server = rocket_apis::authrocket::mock::MockServer::start().await;
    let ar = server.client();
    let err = ar.create_org().body_map(|b| b).send().await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains("createOrg"), "{message}");
    assert!(
        message.contains("field `org` of `OrgBody` is required but not set: call `.org(..)`"),
        "{message}"
    );
    assert!(server.received().await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn per_call_options_change_one_view_only() {
    let (server, rr) = server_and_client().await;
    let list = serde_json::json!({"clients": [], "message": "Success"});
    Mock::given(method("GET"))
        .and(path("/api/clients"))
        .and(header("x-trace-id", "t-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&list))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/clients"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(&list)
                .set_delay(Duration::from_millis(600)),
        )
        .mount(&server)
        .await;

    let traced = rr.with_options(|o| o.header(HeaderName::from_static("x-trace-id"), HeaderValue::from_static("t-1")));
    traced.list_clients().send().await.unwrap();

    let hurried = rr.with_options(|o| o.timeout(Duration::from_millis(100)));
    let err = hurried.list_clients().send().await.unwrap_err();
    assert!(
        matches!(
            err,
            rocket_apis::Error::Timeout {
                phase: rocket_apis::TimeoutPhase::Total,
                ..
            }
        ),
        "{err:?}"
    );
    // The client itself keeps its 5 s timeout and sends no trace header.
    rr.list_clients().send().await.unwrap();
}

#[tokio::test]
async fn per_call_retries_override_the_clients_policy() {
    let server = MockServer::start().await;
    let rr = requestrocket::Client::builder(UserToken::new(TOKEN).unwrap())
        .base_url(format!("{}/api", server.uri()))
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/api/clients"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;

    let err = rr
        .with_options(|o| o.retries(0))
        .list_clients()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let err = rr.list_clients().send().await.unwrap_err();
    assert_eq!(err.attempts(), 3, "the client's own policy is unchanged");
}

#[tokio::test]
async fn a_credential_header_cannot_be_set_per_call() {
    let (_server, rr) = server_and_client().await;
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        rr.with_options(|o| o.header(http::header::AUTHORIZATION, HeaderValue::from_static("u-other")))
    }));
    let panic = result
        .err()
        .and_then(|p| p.downcast_ref::<String>().cloned())
        .expect("a panic");
    assert!(
        panic.contains("`authorization` carries this RequestRocket client's credentials"),
        "{panic}"
    );
    assert!(!panic.contains("u-other") && !panic.contains(TOKEN), "{panic}");
}

fn panic_message(result: std::thread::Result<impl Sized>) -> String {
    let panic = result.err().expect("a panic");
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[tokio::test]
async fn a_mistyped_mock_parameter_panics_naming_the_valid_ones() {
    let server = requestrocket::mock::MockServer::start().await;
    let message = panic_message(std::panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = server.get_client().path_param("client_id", "c-1");
    })));
    assert!(message.contains("no path parameter `client_id`"), "{message}");
    assert!(message.contains("`clientId`"), "{message}");

    let message = panic_message(std::panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = server.list_clients().query("pgae", 2);
    })));
    assert!(
        message.contains("no query parameter `pgae`") && message.contains("`page`"),
        "{message}"
    );

    let rp = rocket_apis::rocketpunch::mock::MockServer::start().await;
    let message = panic_message(std::panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = rp.list_jobs().header("x-ratelimit-remainig", 1);
    })));
    assert!(
        message.contains("x-ratelimit-remainig") && message.contains("X-RateLimit-Remaining"),
        "{message}"
    );
}

#[tokio::test]
async fn an_unprogrammed_request_is_answered_so_it_cannot_pass_for_the_vendors() {
    let server = requestrocket::mock::MockServer::start().await;
    let acme: types::Client =
        serde_json::from_value(serde_json::json!({"clientId": "c-1", "clientName": "Acme"})).unwrap();
    server.get_client().path_param("clientId", "c-1").ok(&acme).await;

    let rr = server.client();
    assert_eq!(
        rr.get_client().client_id("c-1").send().await.unwrap().client_name,
        "Acme"
    );
    let err = rr.get_client().client_id("c-2").send().await.unwrap_err();
    assert_eq!(
        err.status().map(|s| s.as_u16()),
        Some(rocket_apis::mock::UNMATCHED_STATUS)
    );
    let message = err.to_string();
    assert!(
        message.contains("no expectation matches GET /api/clients/c-2"),
        "{message}"
    );
    assert_eq!(
        server.unmatched(),
        vec![("GET".to_string(), "/api/clients/c-2".to_string())]
    );
    let verify = panic_message(std::panic::catch_unwind(AssertUnwindSafe(|| server.verify())));
    assert!(
        verify.contains("1 request(s) matched no expectation: GET /api/clients/c-2"),
        "{verify}"
    );
}
