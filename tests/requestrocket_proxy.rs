//! RequestRocket whole: the Meters API through the generated client and its typed mock, and the
//! data plane (`requestrocket::proxy`) against local servers: the proxy credential on the wire,
//! which side failed for every proxy code, warnings, retries, the Async API and its log entry.
#![cfg(feature = "requestrocket")]

use std::time::Duration;

use rocket_apis::{
    Error, Method, RetryPolicy,
    requestrocket::{
        self, MeterType,
        proxy::{self, ProxyCode, ProxyCredential, ProxyError, Refusal, mock::MockServer as ProxyMock},
        types,
    },
};
use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path},
};

const PROXY_TOKEN: &str = "rr_live_proxyToken6f2a9c";

fn meter(kind: MeterType, active: bool) -> types::Meter {
    types::Meter {
        meter_type: Some(kind),
        meter_active: Some(active),
        meter_region: Some("us-east-1".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_generated_client_lists_creates_gets_updates_and_deletes_meters() {
    let server = requestrocket::mock::MockServer::start().await;
    let list = types::MeterList {
        meters: vec![meter(MeterType::RequestCount, true)],
        ..Default::default()
    };
    server
        .list_meters()
        .path_param("clientId", "c-1")
        .path_param("proxyId", "p-1")
        .ok(&list)
        .await;
    server
        .create_meter()
        .path_param("proxyId", "p-1")
        .ok(&meter(MeterType::ResponseValue, true))
        .await;
    server
        .get_meter()
        .path_param("meterId", "m-1")
        .ok(&meter(MeterType::RequestCount, true))
        .await;
    server
        .update_meter()
        .path_param("meterId", "m-1")
        .ok(&meter(MeterType::RequestCount, false))
        .await;
    server.delete_meter().path_param("meterId", "m-1").empty(204).await;
    let rr = server.client();

    let listed = rr.list_meters().client_id("c-1").proxy_id("p-1").send().await.unwrap();
    assert_eq!(listed.items()[0].meter_type, Some(MeterType::RequestCount));
    let created = rr
        .create_meter()
        .client_id("c-1")
        .proxy_id("p-1")
        .body_map(|b| {
            b.meter_type(MeterType::ResponseValue)
                .meter_active(true)
                .extraction(types::MeterExtraction {
                    location: Some("body".into()),
                    ..Default::default()
                })
        })
        .send()
        .await
        .unwrap();
    assert_eq!(created.meter_type, Some(MeterType::ResponseValue));
    let got = rr
        .get_meter()
        .client_id("c-1")
        .proxy_id("p-1")
        .meter_id("m-1")
        .send()
        .await
        .unwrap();
    assert_eq!(got.meter_active, Some(true));
    let updated = rr
        .update_meter()
        .client_id("c-1")
        .proxy_id("p-1")
        .meter_id("m-1")
        .body_map(|b| b.meter_type(MeterType::RequestCount).meter_active(false))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.meter_active, Some(false));
    let deleted = rr
        .delete_meter()
        .client_id("c-1")
        .proxy_id("p-1")
        .meter_id("m-1")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);

    let sent = server.wiremock().received_requests().await.unwrap();
    let created_body: serde_json::Value = sent[1].body_json().unwrap();
    assert_eq!(
        created_body,
        json!({"meterType": "response_value", "meterActive": true, "extraction": {"location": "body"}})
    );
    server.verify();
}

#[test]
fn an_unknown_meter_type_and_unknown_meter_fields_decode() {
    let got: types::Meter = serde_json::from_value(json!({
        "meterType": "latency_sum", "meterActive": true, "limits": [{"window": "minute", "max": 10}]
    }))
    .unwrap();
    assert_eq!(got.meter_type, Some(MeterType::Other("latency_sum".into())));
    assert!(got.extra.contains_key("limits"));
}

fn client_of(server: &MockServer, credential: ProxyCredential) -> proxy::Client {
    proxy::Client::builder(format!("{}/api/proxy_789", server.uri()), credential)
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_bearer_proxy_credential_reaches_the_proxys_path_and_the_answer_is_the_targets() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/proxy_789/v1/users/7"))
        .and(header("authorization", format!("Bearer {PROXY_TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("requestrocket-proxy-code", "proxy-access-granted")
                .insert_header("requestrocket-proxy-message", "Proxy authentication successful")
                .set_body_json(json!({"id": 7, "name": "Ada"})),
        )
        .mount(&server)
        .await;
    let client = client_of(&server, ProxyCredential::bearer(PROXY_TOKEN).unwrap());
    assert_eq!(client.proxy_id(), Some("proxy_789"));
    let answer = client.get("/v1/users/7").query("expand", "orgs").send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.outcome().code, Some(ProxyCode::AccessGranted));
    assert_eq!(answer.warning(), None);
    let user: serde_json::Value = answer.json().unwrap();
    assert_eq!(user["name"], "Ada");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.query(), Some("expand=orgs"));
    assert!(received[0].headers.get("referer").is_none());
}

#[tokio::test]
async fn each_credential_type_goes_in_its_documented_form() {
    use base64::Engine as _;
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    for (credential, expected) in [
        (
            ProxyCredential::api_key("rk_key_123").unwrap(),
            "rk_key_123".to_string(),
        ),
        (ProxyCredential::bearer("tok_1").unwrap(), "Bearer tok_1".to_string()),
        (
            ProxyCredential::bearer_with_prefix("Token ", "tok_2").unwrap(),
            "Token tok_2".to_string(),
        ),
        (
            ProxyCredential::basic("svc", "pa55:word").unwrap(),
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode("svc:pa55:word")
            ),
        ),
        (ProxyCredential::jwt(jwt).unwrap(), jwt.to_string()),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(header("authorization", expected.as_str()))
            .respond_with(ResponseTemplate::new(200).insert_header("requestrocket-proxy-code", "proxy-access-granted"))
            .mount(&server)
            .await;
        let shown = format!("{credential:?} {credential}");
        client_of(&server, credential).get("/x").send().await.unwrap();
        assert!(
            !shown.contains("tok_") && !shown.contains("rk_key") && !shown.contains("pa55"),
            "{shown}"
        );
    }
    for bad in [
        ProxyCredential::bearer("Bearer tok"),
        ProxyCredential::bearer(""),
        ProxyCredential::api_key("has space"),
        ProxyCredential::basic("a:b", "pw"),
        ProxyCredential::jwt("not-a-jwt"),
    ] {
        let err = bad.unwrap_err();
        assert!(err.to_string().contains("RequestRocket proxy credential"), "{err}");
    }
}

#[tokio::test]
async fn every_proxy_code_says_which_side_failed() {
    let proxy = ProxyMock::start().await;
    proxy.on("GET", "/denied").denied().await;
    proxy.on("GET", "/billing").billing_suspended().await;
    proxy.on("GET", "/huge").too_large().await;
    proxy.on("GET", "/metered").meter_limited(Some(30)).await;
    proxy
        .on("GET", "/missing")
        .target(404, json!({"message": "no such user", "code": "USER_NOT_FOUND"}))
        .await;
    proxy
        .on("GET", "/target-busy")
        .target(503, json!({"error": "busy"}))
        .await;
    let client = proxy.client();
    for (route, expected) in [
        ("/denied", Refusal::AccessDenied),
        ("/billing", Refusal::BillingSuspended),
        ("/huge", Refusal::ResponseTooLarge),
        ("/metered", Refusal::RateLimited),
    ] {
        let err = client.get(route).send().await.unwrap_err();
        let ProxyError::Refused(refused) = &err else {
            panic!("{route}: {err:?}")
        };
        assert_eq!(refused.reason(), expected, "{route}");
        assert!(
            err.to_string().starts_with("RequestRocket's proxy refused the call"),
            "{err}"
        );
    }
    let err = client.get("/metered").send().await.unwrap_err();
    let ProxyError::Refused(refused) = &err else { panic!() };
    assert_eq!(refused.error().retry_after(), Some(Duration::from_secs(30)));
    assert!(err.to_string().contains("retry after 30s"), "{err}");

    let err = client.get("/missing").send().await.unwrap_err();
    let ProxyError::Target(target) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(target.status(), 404);
    assert_eq!(target.body()["code"], "USER_NOT_FOUND");
    assert_eq!(target.outcome().code, Some(ProxyCode::AccessGranted));
    assert!(err.to_string().contains("the target answered 404"), "{err}");
    assert!(err.to_string().contains("no such user"), "{err}");
    let err = client.get("/target-busy").send().await.unwrap_err();
    assert!(matches!(&err, ProxyError::Target(t) if t.status() == 503), "{err:?}");

    // Another credential than the proxy's: the proxy's own refusal.
    let stranger = proxy::Client::builder(proxy.base_url(), ProxyCredential::bearer("wrong-token").unwrap())
        .build()
        .unwrap();
    let err = stranger.get("/missing").send().await.unwrap_err();
    assert!(
        matches!(&err, ProxyError::Refused(r) if r.reason() == Refusal::AccessDenied),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("wrong-token"));
}

#[tokio::test]
async fn an_unknown_proxy_code_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(451)
                .insert_header("requestrocket-proxy-code", "region-blocked")
                .insert_header("requestrocket-proxy-message", "Blocked in this region"),
        )
        .mount(&server)
        .await;
    let err = client_of(&server, ProxyCredential::bearer(PROXY_TOKEN).unwrap())
        .get("/x")
        .send()
        .await
        .unwrap_err();
    let ProxyError::Refused(refused) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(refused.reason(), Refusal::Other);
    assert_eq!(refused.outcome().code, Some(ProxyCode::Other("region-blocked".into())));
    assert!(err.to_string().contains("Blocked in this region"), "{err}");
}

#[tokio::test]
async fn a_warning_on_a_success_is_readable() {
    let proxy = ProxyMock::start().await;
    proxy
        .on("GET", "/ok")
        .warning("Low budget - please add a valid payment method to continue using the API")
        .target(200, json!({"ok": true}))
        .await;
    let answer = proxy.client().get("/ok").send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.warning().unwrap().starts_with("Low budget"));
}

#[tokio::test]
async fn a_post_is_sent_once_unless_asked_and_a_get_is_retried() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client_of(&server, ProxyCredential::bearer(PROXY_TOKEN).unwrap());
    let err = client
        .post("/orders")
        .json(&json!({"sku": 1}))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a POST is sent once"
    );
    client.get("/orders").send().await.unwrap_err();
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        4,
        "a GET is retried twice"
    );
    server.reset().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    client
        .post("/orders")
        .retry(
            RetryPolicy::default()
                .max_retries(1)
                .initial_backoff(Duration::from_millis(1)),
        )
        .send()
        .await
        .unwrap_err();
    // A 503 of a POST is not retried even when asked (the policy retries POSTs only when the
    // server cannot have acted: 429 or no connection).
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_async_submission_returns_its_request_id_and_is_never_resent() {
    let proxy = ProxyMock::start().await;
    proxy
        .on_async("POST", "/webhooks")
        .times(1)
        .accepted("req_8c1f2e")
        .await;
    let client = proxy.client();
    let submission = client
        .submit(Method::POST, "/webhooks")
        .json(&json!({"event": "user.created"}))
        .send()
        .await
        .unwrap();
    assert_eq!(submission.request_id, "req_8c1f2e");
    assert_eq!(submission.proxy_id.as_deref(), Some(proxy::mock::MOCK_PROXY_ID));
    let sent = proxy.wiremock().received_requests().await.unwrap();
    assert_eq!(sent[0].url.path(), "/async/proxy_mock0001/webhooks");

    // A failed submission is not retried, even on a client whose policy retries.
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let err = client_of(&server, ProxyCredential::bearer(PROXY_TOKEN).unwrap())
        .submit(Method::POST, "/webhooks")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProxyError::Refused(r) if r.reason() == Refusal::RateLimited),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_async_submissions_fate_is_read_from_the_core_apis_request_log() {
    let proxy = ProxyMock::start().await;
    proxy.on_async("POST", "/jobs").accepted("req_42").await;
    let submission = proxy.client().submit(Method::POST, "/jobs").send().await.unwrap();

    let core = requestrocket::mock::MockServer::start().await;
    core.get_proxy_request()
        .path_param("proxyId", proxy::mock::MOCK_PROXY_ID)
        .path_param("requestId", "req_42")
        .times(1)
        .fail(404, "Request not found")
        .await;
    let entry = types::RequestLog {
        processed: Some(true),
        ..Default::default()
    };
    core.get_proxy_request()
        .path_param("requestId", "req_42")
        .ok(&entry)
        .await;
    let rr = core.client();
    assert!(
        submission.log_entry(&rr, "c-1").await.unwrap().is_none(),
        "not logged yet"
    );
    let found = submission
        .wait_for_log_entry(&rr, "c-1", Duration::from_millis(5), Duration::from_secs(5))
        .await
        .unwrap()
        .expect("logged");
    assert_eq!(found.processed, Some(true));
}

#[tokio::test]
async fn the_proxy_credential_never_follows_a_redirect_to_another_origin_and_never_prints() {
    let origin = MockServer::start().await;
    let stranger = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(307).insert_header("location", format!("{}/api/proxy_789/x", stranger.uri())),
        )
        .mount(&origin)
        .await;
    let credential = ProxyCredential::bearer(PROXY_TOKEN).unwrap();
    let client = client_of(&origin, credential.clone());
    let request = client.post("/x").header("x-trace", "t-1").json(&json!({"a": 1}));
    let shown_request = format!("{request:?}");
    let err = request.send().await.unwrap_err();
    assert!(matches!(&err, ProxyError::Call(Error::Redirect { .. })), "{err:?}");
    assert!(stranger.received_requests().await.unwrap().is_empty());
    let everything = format!("{err} {err:?} {client:?} {credential:?} {credential} {shown_request}");
    assert!(!everything.contains(&PROXY_TOKEN[8..]), "{everything}");
    assert!(everything.contains("ProxyCredential::Bearer(****)"), "{everything}");
    // The credential is the client's: a per-call Authorization is refused.
    let err = client
        .get("/x")
        .header("authorization", "Bearer other")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, ProxyError::Call(Error::InvalidRequest { .. })), "{err:?}");
}

#[test]
fn base_urls_are_checked_and_can_be_built_from_region_and_id() {
    assert_eq!(
        proxy::base_url("eu-west-1", "proxy_1"),
        "https://eu-west-1.requestrocket.com/api/proxy_1"
    );
    let credential = || ProxyCredential::bearer(PROXY_TOKEN).unwrap();
    for bad in [
        "https://us-east-1.requestrocket.com",
        "http://us-east-1.requestrocket.com/api/p",
        "not a url",
    ] {
        let err = proxy::Client::new(bad, credential()).unwrap_err();
        assert!(err.to_string().contains("RequestRocket proxy"), "{err}");
    }
    let client = proxy::Client::new("https://us-east-1.requestrocket.com/api/proxy_9", credential()).unwrap();
    assert_eq!(client.proxy_id(), Some("proxy_9"));
}
