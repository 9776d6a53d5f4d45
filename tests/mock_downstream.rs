//! A downstream user's tests: their own code exercised against the typed mocks of the `mock`
//! feature, through the public API only, one case per API.

#![cfg(all(
    feature = "mock",
    feature = "requestrocket",
    feature = "rocketpunch",
    feature = "rockety",
    feature = "authrocket"
))]

use std::time::Duration;

use rocket_apis::{Error, ErrorKind};

/// "Their" code: the names of a RequestRocket client's members, or the error for humans.
async fn client_summary(rr: &rocket_apis::requestrocket::Client, id: &str) -> Result<String, Error> {
    let client = rr.get_client().client_id(id).send().await?;
    Ok(format!(
        "{} ({} members)",
        client.client_name,
        client.client_members.len()
    ))
}

#[tokio::test]
async fn requestrocket_typed_mock_drives_success_and_error_paths() {
    use rocket_apis::requestrocket::{mock::MockServer, types};
    let server = MockServer::start().await;
    let acme: types::Client = serde_json::from_value(serde_json::json!({
        "clientId": "c-1", "clientName": "Acme", "clientMembers": [{"userId": "u1", "roles": ["owner"]}]
    }))
    .unwrap();
    server.get_client().path_param("clientId", "c-1").ok(&acme).await;
    server
        .get_client()
        .path_param("clientId", "c-404")
        .header("x-request-id", "req-9")
        .fail(404, "Client not found")
        .await;

    let rr = server.client();
    assert_eq!(client_summary(&rr, "c-1").await.unwrap(), "Acme (1 members)");
    let err = client_summary(&rr, "c-404").await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.kind(), ErrorKind::NotFound);
    assert_eq!(api.message(), Some("Client not found"));
    assert_eq!(api.request_id(), Some("req-9"));
    assert_eq!(
        server.received().await,
        [
            ("GET".to_string(), "/api/clients/c-1".to_string()),
            ("GET".to_string(), "/api/clients/c-404".to_string())
        ]
    );
}

#[tokio::test]
async fn rocketpunch_typed_mock_with_query_and_rate_limit_headers() {
    use rocket_apis::rocketpunch::{RateLimitExt, mock::MockServer, types};
    let server = MockServer::start().await;
    let jobs: types::JobList =
        serde_json::from_value(serde_json::json!({"items": [{"jobId": 1, "title": "ML Engineer"}], "totalPages": 1}))
            .unwrap();
    server
        .list_jobs()
        .query("keyword", "AI")
        .header("x-ratelimit-limit", 1000)
        .header("x-ratelimit-remaining", 999)
        .ok(&jobs)
        .await;
    server
        .list_jobs()
        .query("keyword", "spam")
        .header("retry-after", 30)
        .fail(429, "Too many requests")
        .await;

    let rp = server.client();
    let found = rp.list_jobs().keyword("AI").send().await.unwrap();
    assert_eq!(found.items[0].title.as_deref(), Some("ML Engineer"));
    assert_eq!(found.rate_limit().and_then(|r| r.remaining), Some(999));
    let err = rp.list_jobs().keyword("spam").send().await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(err.api_error().unwrap().kind(), ErrorKind::RateLimited);
}

#[tokio::test]
async fn rockety_typed_mock_serves_every_page_of_a_stream() {
    use futures::TryStreamExt;
    use rocket_apis::{
        Paginate,
        rockety::{mock::MockServer, types},
    };
    let server = MockServer::start().await;
    for page in 1..=2 {
        let body: types::ProjectPage = serde_json::from_value(serde_json::json!({
            "data": [{"uuid": format!("9d3b6f0e-0000-4000-8000-00000000000{page}"), "name": format!("Project {page}")}],
            "pagination": {"current_page": page, "per_page": 1, "total_pages": 2, "total_items": 2}
        }))
        .unwrap();
        server.list_projects().query("page", page).ok(&body).await;
    }
    let names: Vec<_> = server
        .client()
        .list_projects()
        .stream()
        .map_ok(|p| p.name.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["Project 1", "Project 2"]);
}

#[tokio::test]
async fn authrocket_typed_mock_for_writes_validation_errors_and_timeouts() {
    use rocket_apis::authrocket::{mock::MockServer, types};
    let server = MockServer::start().await;
    let org: types::Org = serde_json::from_value(serde_json::json!({
        "id": "org_1", "name": "Acme", "state": "active", "custom": {}, "created_at": 1.5
    }))
    .unwrap();
    server.create_org().times(1).ok(&org).await;
    let invalid: types::ErrorBody =
        serde_json::from_value(serde_json::json!({"errors": {"name": ["can't be blank"]}})).unwrap();
    server.create_org().error(422, &invalid).await;
    server.delete_org().path_param("orgId", "org_1").empty(204).await;
    server.get_org().delay(Duration::from_secs(5)).ok(&org).await;

    let ar = server.client();
    let body: types::OrgBody = serde_json::from_value(serde_json::json!({"org": {"name": "Acme"}})).unwrap();
    assert_eq!(ar.create_org().body(body.clone()).send().await.unwrap().id, "org_1");
    let err = ar.create_org().body(body).send().await.unwrap_err();
    assert_eq!(err.api_error().unwrap().field_errors()[0].0, "name");
    ar.delete_org().org_id("org_1").send().await.unwrap();

    let slow = server
        .builder(rocket_apis::authrocket::ApiKey::new("ko_test0").unwrap())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = slow.get_org().org_id("org_1").send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn rocketpunch_typed_token_endpoint_drives_exchange_and_refresh() {
    use rocket_apis::rocketpunch::{
        AccessToken,
        mock::MockServer,
        oauth::{OAuthError, RefreshToken, Scope, TokenSet},
    };
    let server = MockServer::start().await;
    let first = TokenSet {
        access_token: AccessToken::new("at_first_4f9c").unwrap(),
        refresh_token: Some(RefreshToken::new("rt_first_7a1b")),
        expires_in: Some(Duration::from_secs(3600)),
        scopes: vec!["profile:read".into()],
    };
    let rotated = TokenSet {
        access_token: AccessToken::new("at_second_9d2e").unwrap(),
        refresh_token: Some(RefreshToken::new("rt_second_3c4d")),
        expires_in: Some(Duration::from_secs(3600)),
        scopes: vec![],
    };
    server.oauth_token().code_exchange().ok(&first).await;
    server.oauth_token().refresh().times(1).ok(&rotated).await;
    server
        .oauth_token()
        .refresh()
        .refuse("invalid_grant", "refresh token revoked")
        .await;

    let oauth = server
        .oauth_client("app-1", "https://app.example.com/callback")
        .build()
        .unwrap();
    let request = oauth.authorize_url(&[Scope::ProfileRead]);
    let tokens = oauth.exchange_code("code-1", request.pkce_verifier).await.unwrap();
    assert_eq!(tokens.access_token.expose(), "at_first_4f9c");
    assert_eq!(tokens.expires_in, Some(Duration::from_secs(3600)));
    assert_eq!(tokens.scopes, ["profile:read"]);

    let refreshed = oauth.refresh(tokens.refresh_token.as_ref().unwrap()).await.unwrap();
    assert_eq!(refreshed.access_token.expose(), "at_second_9d2e");
    assert_eq!(
        refreshed.refresh_token.as_ref().map(RefreshToken::expose),
        Some("rt_second_3c4d")
    );
    // Stored and rebuilt: the token survives the round trip and still never prints.
    let restored = AccessToken::new(refreshed.access_token.expose()).unwrap();
    assert!(!format!("{restored:?} {restored} {refreshed:?}").contains("9d2e"));

    let refused = oauth.refresh(&RefreshToken::new("rt_old")).await.unwrap_err();
    assert!(
        matches!(&refused, OAuthError::Refused { code, .. } if code == "invalid_grant"),
        "{refused:?}"
    );
    // The user client built from the new token is a client of the same mock.
    let client = server.builder(restored).build().unwrap();
    assert!(client.base_url().starts_with("http://127.0.0.1:"));
}
