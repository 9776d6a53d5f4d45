//! The Rocketpunch client against local servers: both credentials on the wire, filters,
//! rate-limit headers, the open error envelope, and the OAuth 2.0 flow against a local token
//! endpoint.
#![cfg(feature = "rocketpunch")]

use std::time::{Duration, SystemTime};

use rocket_apis::{
    ConfigError, ErrorKind, Problem,
    rocketpunch::{
        AccessToken, AppKey, Client, CompanySize, RateLimitExt,
        oauth::{OAuthClient, OAuthError, PkceVerifier, RefreshToken, Scope},
    },
};
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{body_string_contains, header, method, path},
};

const KEY: &str = "rp_app_7Hq2LmX9vB4kT1";

async fn server_and_client(credentials: impl Into<rocket_apis::rocketpunch::Credentials>) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder(credentials)
        .base_url(format!("{}/api/v1", server.uri()))
        // Decoding tests: one attempt per call (retries are tested in tests/resilience.rs).
        .retry(rocket_apis::RetryPolicy::none())
        .build()
        .unwrap();
    (server, client)
}

fn json(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

#[tokio::test]
async fn job_search_sends_the_app_key_and_filters_and_reads_rate_limits() {
    let (server, client) = server_and_client(AppKey::new(KEY).unwrap()).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/jobs"))
        .and(header("x-rp-api-key", KEY))
        .respond_with(
            json(200, serde_json::json!({
                "items": [{"jobId": 128734, "title": "Backend Engineer", "company": {"name": "Toss", "size": "GIGANTIC"}},
                          {"jobId": "128735", "title": "Data Engineer", "company": null}],
                "page": 1, "pageSize": 2, "totalItems": 40, "totalPages": 20
            }))
            .insert_header("x-ratelimit-limit", "1000")
            .insert_header("x-ratelimit-remaining", "847")
            .insert_header("x-ratelimit-reset", "1718150400"),
        )
        .mount(&server)
        .await;
    let jobs = client
        .list_jobs()
        .keyword("AI 엔지니어")
        .job_categories(vec!["DEVELOPMENT".to_string(), "DATA".to_string()])
        .company_sizes(vec![CompanySize::Large])
        .page(1)
        .per_page(2)
        .send()
        .await
        .unwrap();
    assert_eq!(jobs.items.len(), 2);
    // Ids decode from numbers and strings alike.
    assert_eq!(jobs.items[0].job_id.as_ref().unwrap().as_str(), "128734");
    assert_eq!(jobs.items[1].job_id.as_ref().unwrap().as_str(), "128735");
    assert_eq!(
        jobs.items[0].company.as_ref().unwrap().size,
        Some(CompanySize::Other("GIGANTIC".into()))
    );
    assert!(jobs.items[1].company.is_none());
    let limit = jobs.rate_limit().unwrap();
    assert_eq!((limit.limit, limit.remaining), (Some(1000), Some(847)));
    assert_eq!(
        limit.reset,
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_718_150_400))
    );

    let req = &requests(&server).await[0];
    assert!(req.headers.get("authorization").is_none());
    assert!(req.headers.get("api-version").is_none());
    let query: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
    let pairs = |k: &str| {
        query
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(pairs("keyword"), ["AI 엔지니어"]);
    assert_eq!(pairs("jobCategories"), ["DEVELOPMENT", "DATA"]);
    assert_eq!(pairs("companySizes"), ["LARGE"]);
    assert_eq!(pairs("per_page"), ["2"]);
}

#[tokio::test]
async fn access_token_replaces_the_app_key_on_user_endpoints() {
    let (server, client) = server_and_client(AccessToken::new("at_91bd2f").unwrap()).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/profiles"))
        .and(header("authorization", "Bearer at_91bd2f"))
        .respond_with(json(200, serde_json::json!({"items": [{"name": "Kim"}]})))
        .mount(&server)
        .await;
    let profiles = client.list_profiles().send().await.unwrap();
    assert_eq!(profiles.items.len(), 1);
    assert!(requests(&server).await[0].headers.get("x-rp-api-key").is_none());
}

#[tokio::test]
async fn every_operation_group_round_trips() {
    let (server, client) = server_and_client(AppKey::new(KEY).unwrap()).await;
    for (p, body) in [
        (
            "/api/v1/jobs/128734",
            serde_json::json!({"jobId": "128734", "title": "Backend Engineer"}),
        ),
        (
            "/api/v1/events",
            serde_json::json!({"items": [{"eventId": 77, "title": "Meetup"}]}),
        ),
        (
            "/api/v1/events/77",
            serde_json::json!({"eventId": 77, "title": "Meetup"}),
        ),
        (
            "/api/v1/codes/seniorities",
            serde_json::json!([{"code": "JUNIOR", "name": "Junior"}]),
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(json(200, body))
            .mount(&server)
            .await;
    }
    assert_eq!(
        client.get_job().job_id("128734").send().await.unwrap().title.as_deref(),
        Some("Backend Engineer")
    );
    let events = client
        .list_events()
        .lang(rocket_apis::rocketpunch::Language::En)
        .send()
        .await
        .unwrap();
    assert_eq!(events.items[0].event_id.as_ref().unwrap().as_str(), "77");
    client.get_event().event_id("77").send().await.unwrap();
    let codes = client.list_seniority_codes().send().await.unwrap();
    assert_eq!(codes.into_inner().0[0]["code"], "JUNIOR");
    assert!(requests(&server).await.iter().all(|r| r.headers["x-rp-api-key"] == KEY));
}

#[tokio::test]
async fn error_envelope_decodes_known_and_unknown_codes() {
    let (server, client) = server_and_client(AppKey::new(KEY).unwrap()).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/jobs"))
        .respond_with(
            json(429, serde_json::json!({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Quota exhausted", "status": 429}}))
                .insert_header("retry-after", "30")
                .insert_header("x-ratelimit-remaining", "0"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(json(
            404,
            serde_json::json!({"error": {"code": "C9999", "message": "Unsupported path"}}),
        ))
        .mount(&server)
        .await;
    let err = client.list_jobs().send().await.unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.kind(), ErrorKind::RateLimited);
    assert_eq!(api.code(), Some("RATE_LIMIT_EXCEEDED"));
    assert_eq!(api.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(api.rate_limit().unwrap().remaining, Some(0));
    let shown = err.to_string();
    assert!(
        shown.contains("Quota exhausted") && shown.contains("retry after 30s"),
        "{shown}"
    );

    let err = client.list_events().send().await.unwrap_err();
    assert_eq!(err.api_error().unwrap().code(), Some("C9999"));
    assert_eq!(err.api_error().unwrap().message(), Some("Unsupported path"));
}

#[test]
fn app_keys_are_checked_before_sending_as_the_seed_advises() {
    for (raw, problem) in [
        ("rp_app_7Hq2LmX9 ", Problem::Whitespace(15)),
        (" rp_app_7Hq2LmX9", Problem::Whitespace(0)),
        ("7Hq2LmX9vB4kT1", Problem::MissingPrefix(&["rp_app_"])),
        ("rp_app_", Problem::NothingAfterPrefix),
        ("rp_app_7Hq2-LmX9", Problem::NotAllowed(11)),
        ("Bearer rp_app_7Hq2LmX9", Problem::SchemePrefix("Bearer")),
        ("", Problem::Empty),
    ] {
        let err = AppKey::new(raw).expect_err(raw);
        assert_eq!(err.problem(), &problem, "{raw:?}");
        let shown = err.to_string();
        assert!(shown.contains("rp_app_") && shown.contains("401"), "{shown}");
        assert!(!shown.contains("7Hq2LmX9"), "{shown}");
    }
    assert_eq!(format!("{:?}", AppKey::new(KEY).unwrap()), "AppKey(rp_app_****)");
    assert_eq!(
        format!("{:?}", AccessToken::new("at_91bd2f").unwrap()),
        "AccessToken(****)"
    );
    assert!(AccessToken::new("Bearer at_91bd2f").is_err());
}

#[tokio::test]
async fn client_and_errors_never_show_credentials() {
    let (server, client) = server_and_client(AppKey::new(KEY).unwrap()).await;
    assert!(!format!("{client:?}").contains("7Hq2LmX9"));
    Mock::given(method("GET"))
        .respond_with(json(
            401,
            serde_json::json!({"error": {"code": "UNAUTHORIZED", "message": "Invalid or missing API key"}}),
        ))
        .mount(&server)
        .await;
    let err = client.list_jobs().send().await.unwrap_err();
    assert!(!format!("{err:?}").contains("7Hq2LmX9") && !err.to_string().contains("7Hq2LmX9"));
}

#[test]
fn from_env_prefers_the_access_token_and_names_variables() {
    let set = |k: &str, v: Option<&str>| unsafe {
        match v {
            Some(v) => std::env::set_var(k, v),
            None => std::env::remove_var(k),
        }
    };
    for k in [
        "ROCKETPUNCH_API_KEY",
        "ROCKETPUNCH_ACCESS_TOKEN",
        "ROCKETPUNCH_BASE_URL",
    ] {
        set(k, None);
    }
    let err = Client::from_env().unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::MissingEnv {
                var: "ROCKETPUNCH_API_KEY",
                ..
            }
        ),
        "{err}"
    );
    set("ROCKETPUNCH_API_KEY", Some("rp_app_abc def"));
    let err = Client::from_env().unwrap_err();
    assert!(
        err.to_string().contains("ROCKETPUNCH_API_KEY") && !err.to_string().contains("abc"),
        "{err}"
    );
    set("ROCKETPUNCH_API_KEY", Some(KEY));
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "https://openapi.rocketpunch.com/api/v1"
    );
    set("ROCKETPUNCH_BASE_URL", Some("https://openapi.rocketpunch.com/v1"));
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "https://openapi.rocketpunch.com/v1"
    );
    set("ROCKETPUNCH_ACCESS_TOKEN", Some("Bearer xyz"));
    assert!(
        Client::from_env()
            .unwrap_err()
            .to_string()
            .contains("ROCKETPUNCH_ACCESS_TOKEN")
    );
    for k in [
        "ROCKETPUNCH_API_KEY",
        "ROCKETPUNCH_ACCESS_TOKEN",
        "ROCKETPUNCH_BASE_URL",
    ] {
        set(k, None);
    }
}

async fn oauth_against(server: &MockServer) -> OAuthClient {
    OAuthClient::builder("client-123", "https://app.example.com/oauth/callback")
        .client_secret("s3cr3t-client")
        .token_url(format!("{}/oauth/token", server.uri()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn authorize_url_has_state_pkce_scopes_and_the_callers_redirect() {
    let server = MockServer::start().await;
    let oauth = oauth_against(&server).await;
    let a = oauth.authorize_url(&[Scope::ProfileRead, Scope::ProfileEmail]);
    let b = oauth.authorize_url(&[Scope::ProfileRead]);
    assert!(
        a.url
            .as_str()
            .starts_with("https://www.rocketpunch.com/oauth/authorize?")
    );
    let q: std::collections::HashMap<String, String> = a.url.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "client-123");
    assert_eq!(q["redirect_uri"], "https://app.example.com/oauth/callback");
    assert_eq!(q["scope"], "profile:read profile:email");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["state"], a.state);
    assert_ne!(a.state, b.state, "fresh state per request");
    assert!(
        !a.url.as_str().contains(a.pkce_verifier.expose()),
        "only the challenge is sent"
    );
    assert_eq!(format!("{:?}", a.pkce_verifier), "PkceVerifier(****)");
    assert!(!format!("{oauth:?}").contains("s3cr3t"));
}

#[tokio::test]
async fn code_exchange_and_refresh_against_a_local_token_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=the-code"))
        .and(body_string_contains("code_verifier=verifier-abc"))
        .and(body_string_contains(
            "redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcallback",
        ))
        .respond_with(json(
            200,
            serde_json::json!({
                "access_token": "at_first", "token_type": "bearer", "expires_in": 3600,
                "refresh_token": "rt_first", "scope": "profile:read"
            }),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=rt_first"))
        .respond_with(json(
            200,
            serde_json::json!({"access_token": "at_second", "token_type": "bearer"}),
        ))
        .mount(&server)
        .await;
    let oauth = oauth_against(&server).await;
    let tokens = oauth
        .exchange_code("the-code", PkceVerifier::new("verifier-abc"))
        .await
        .unwrap();
    assert_eq!(tokens.expires_in, Some(Duration::from_secs(3600)));
    assert_eq!(tokens.scopes, ["profile:read"]);
    let shown = format!("{tokens:?}");
    assert!(!shown.contains("at_first") && !shown.contains("rt_first"), "{shown}");
    // The client authenticates itself with HTTP Basic.
    let sent = &requests(&server).await[0];
    assert!(sent.headers["authorization"].to_str().unwrap().starts_with("Basic "));

    let refreshed = oauth.refresh(tokens.refresh_token.as_ref().unwrap()).await.unwrap();
    assert!(refreshed.refresh_token.is_none());
    // The new access token drives a user client.
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer at_second"))
        .respond_with(json(200, serde_json::json!({"items": []})))
        .mount(&api)
        .await;
    let user = Client::builder(refreshed.access_token)
        .base_url(api.uri())
        .build()
        .unwrap();
    user.list_profiles().send().await.unwrap();
}

#[tokio::test]
async fn token_endpoint_errors_are_typed_and_leak_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(json(
            400,
            serde_json::json!({"error": "invalid_grant", "error_description": "Refresh token expired"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"access_token\": \"at_leaky\"", "application/json"))
        .mount(&server)
        .await;
    let oauth = oauth_against(&server).await;
    let err = oauth.refresh(&RefreshToken::new("rt_old_secret")).await.unwrap_err();
    assert!(
        matches!(&err, OAuthError::Refused { code, .. } if code == "invalid_grant"),
        "{err:?}"
    );
    assert!(err.to_string().contains("Refresh token expired") && !err.to_string().contains("rt_old_secret"));
    let err = oauth.exchange_code("c", PkceVerifier::new("v")).await.unwrap_err();
    assert!(matches!(err, OAuthError::Unexpected { .. }), "{err:?}");
    assert!(!err.to_string().contains("at_leaky") && !format!("{err:?}").contains("at_leaky"));
}

#[test]
fn oauth_urls_must_be_https_except_loopback() {
    let err = OAuthClient::builder("id", "https://app.example.com/cb")
        .token_url("http://auth.example.com/token")
        .build();
    assert!(matches!(err, Err(ConfigError::Invalid { .. })));
    assert!(OAuthClient::builder("id", "not a url").build().is_err());
    assert!(
        OAuthClient::builder("id", "https://app.example.com/cb")
            .token_url("http://127.0.0.1:9/token")
            .build()
            .is_ok()
    );
}
