//! What the live-credential tests share: generations of Rockety tokens, and a Rocketpunch mock
//! whose token endpoint refreshes an expired OAuth session.
#![allow(dead_code)]

use std::{sync::Arc, time::Duration};

use rocket_apis::{
    rocketpunch::{
        self, AccessToken,
        oauth::{RefreshToken, TokenSet},
    },
    rockety,
};
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{header, method, path},
};

use super::rotating_server::CredentialSet;

pub fn rockety_set(generation: usize) -> CredentialSet {
    vec![("authorization", Some(format!("Bearer rotating-{generation}-secret")))]
}

pub fn rockety_token(generation: usize) -> rockety::ApiToken {
    rockety::ApiToken::new(format!("rotating-{generation}-secret")).unwrap()
}

pub const OLD_ACCESS: &str = "at-old-4f9c2a7e";
pub const NEW_ACCESS: &str = "at-new-8d1e6b30";
pub const OLD_REFRESH: &str = "rt-old-51c0ffee";
pub const NEW_REFRESH: &str = "rt-new-9badcafe";

pub fn token_set(access: &str, refresh: &str, expires_in: Option<Duration>) -> TokenSet {
    TokenSet {
        access_token: AccessToken::new(access).unwrap(),
        refresh_token: Some(RefreshToken::new(refresh)),
        expires_in,
        scopes: vec!["profile:read".into()],
    }
}

/// A Rocketpunch mock whose jobs endpoint answers 200 to the new access token and 401 (as
/// Rocketpunch does) to anything else, and whose token endpoint hands out the new tokens
/// slowly, so the 100 calls all wait for the one refresh.
pub async fn rocketpunch_with_new_tokens() -> rocketpunch::mock::MockServer {
    let server = rocketpunch::mock::MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/jobs"))
        .and(header("authorization", format!("Bearer {NEW_ACCESS}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"items": [], "total_pages": 1})))
        .with_priority(1)
        .mount(server.wiremock())
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/jobs"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            serde_json::json!({"error": {"code": "UNAUTHORIZED", "message": "Invalid or expired token", "status": 401}}),
        ))
        .with_priority(2)
        .mount(server.wiremock())
        .await;
    server
        .oauth_token()
        .refresh()
        .delay(Duration::from_millis(100))
        .ok(&token_set(NEW_ACCESS, NEW_REFRESH, Some(Duration::from_secs(3600))))
        .await;
    server
}

pub async fn expired_session_client(
    server: &rocketpunch::mock::MockServer,
    expires_in: Option<Duration>,
) -> (rocketpunch::Client, Arc<std::sync::Mutex<Vec<TokenSet>>>) {
    let stored = Arc::new(std::sync::Mutex::new(Vec::new()));
    let store = stored.clone();
    let oauth = server
        .oauth_client("app-1", "http://127.0.0.1/callback")
        .build()
        .unwrap();
    let session = oauth
        .session(token_set(OLD_ACCESS, OLD_REFRESH, expires_in))
        .on_refresh(move |tokens| store.lock().unwrap().push(tokens.clone()));
    (server.builder(session).build().unwrap(), stored)
}
