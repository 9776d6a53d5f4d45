//! No secret in any log line, at any level, on the paths where credentials meet a misbehaving
//! server: redirects (another origin, within the origin, a loop), `from_realm` and `confirm`
//! redirected away, refused raw paths. Records sent through the `log` crate (reqwest, rustls)
//! are captured too. Alone in its test binary, as the `log` bridge is process-wide.
#![cfg(all(
    feature = "authrocket",
    feature = "authrocket-jwt",
    feature = "rocketpunch",
    feature = "requestrocket"
))]

#[path = "support/captured_logs.rs"]
mod captured_logs;
#[path = "support/login_token_mint.rs"]
mod mint;

use captured_logs::Captured;
use rocket_apis::{Method, RetryPolicy, authrocket, requestrocket::proxy, rocketpunch};
use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{any, path},
};

const AR_KEY: &str = "ko_logCaptureKey4d2e9b";
const RP_KEY: &str = "rp_app_logCaptureKey4d2e9b";
const PROXY_TOKEN: &str = "proxyLogCaptureToken3b9e1d";

#[tokio::test]
async fn trace_logs_of_redirects_and_refusals_hold_no_secret() {
    tracing_log::LogTracer::init().unwrap();
    let (captured, _guard) = Captured::start(tracing::Level::TRACE, tracing_subscriber::fmt::format::FmtSpan::FULL);

    let origin = MockServer::start().await;
    let stranger = MockServer::start().await;
    Mock::given(path("/v1/inside"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/v1/landed"))
        .mount(&origin)
        .await;
    Mock::given(path("/v1/landed"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&origin)
        .await;
    Mock::given(path("/v1/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/v1/loop"))
        .mount(&origin)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/v1/stolen?k=1", stranger.uri())))
        .mount(&origin)
        .await;
    let client = authrocket::Client::builder(authrocket::ApiKey::new(AR_KEY).unwrap())
        .base_url(format!("{}/v1", origin.uri()))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut shown = Vec::new();
    client.raw(Method::GET, "/inside").send().await.unwrap();
    for raw in ["/loop", "/elsewhere", "/%2e%2e/admin"] {
        let err = client
            .raw(Method::POST, raw)
            .json(json!({"password": "pw-in-body-77"}))
            .send()
            .await
            .unwrap_err();
        shown.extend([err.to_string(), format!("{err:?}")]);
    }
    let realm = authrocket::RealmId::new(mint::REALM).unwrap();
    let err = authrocket::LoginTokenVerifier::from_realm(&client, &realm)
        .await
        .unwrap_err();
    shown.extend([err.to_string(), format!("{err:?}")]);
    let mut claims = mint::ar1_claims(0, 3600);
    claims.as_object_mut().unwrap().remove("tk");
    let token = mint::hs256(mint::SECRET, &claims);
    let verifier = authrocket::LoginTokenVerifier::new(authrocket::JwtSecret::new(mint::SECRET).unwrap());
    let err = verifier.confirm(&client, &token).await.unwrap_err();
    shown.extend([err.to_string(), format!("{err:?}")]);

    let rp = rocketpunch::Client::builder(rocketpunch::AppKey::new(RP_KEY).unwrap())
        .base_url(format!("{}/v1", origin.uri()))
        .build()
        .unwrap();
    let err = rp.list_jobs().send().await.unwrap_err();
    shown.extend([err.to_string(), format!("{err:?}")]);
    assert!(stranger.received_requests().await.unwrap().is_empty());

    // The data plane: a proxy's warning is logged once however many answers carry it.
    let mock_proxy = proxy::mock::MockServer::start_with(proxy::ProxyCredential::bearer(PROXY_TOKEN).unwrap()).await;
    mock_proxy
        .on("GET", "/warned")
        .warning("Approaching rate limit threshold")
        .target(200, json!({}))
        .await;
    mock_proxy.on("GET", "/denied").denied().await;
    let through = mock_proxy.client();
    for _ in 0..3 {
        through.get("/warned").send().await.unwrap();
    }
    let err = through.get("/denied").send().await.unwrap_err();
    shown.extend([err.to_string(), format!("{err:?}"), format!("{through:?}")]);

    let logged = captured.text();
    // Positive controls: the capture sees the crate's own events and reqwest's `log` records.
    assert!(logged.contains("rocket_apis.call"), "{logged}");
    assert!(logged.contains("redirect_refused"), "{logged}");
    assert!(
        logged.contains("reqwest::connect"),
        "no `log` record captured:\n{logged}"
    );
    assert_eq!(
        logged.matches("RequestRocket proxy warning").count(),
        1,
        "a warning is logged once: {logged}"
    );
    let everything = format!("{}\n{logged}", shown.join("\n"));
    for secret in [
        &AR_KEY[3..],
        &RP_KEY[7..],
        PROXY_TOKEN,
        "pw-in-body-77",
        token.split('.').nth(1).unwrap(),
        token.split('.').nth(2).unwrap(),
        &mint::SECRET[4..],
    ] {
        assert!(
            !everything.contains(secret),
            "`{secret}` reached a message or log line:\n{everything}"
        );
    }
    assert!(
        !everything.contains("stolen"),
        "a redirect's path reached a line:\n{everything}"
    );
}
