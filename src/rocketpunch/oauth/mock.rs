//! A typed mock of Rocketpunch's OAuth 2.0 token endpoint (cargo feature `mock`), on the same
//! server as the API mock: program code exchanges and refreshes with the crate's own
//! [`TokenSet`], or refuse them with an OAuth error code.

use std::time::Duration;

use wiremock::{
    Mock, ResponseTemplate,
    matchers::{body_string_contains, method, path},
};

use super::{OAuthClient, OAuthClientBuilder, TokenSet};
use crate::mock::MockServer;
use crate::rocketpunch::Rocketpunch;

/// The token endpoint's path on the mock server.
pub const TOKEN_PATH: &str = "/oauth/token";

impl MockServer<Rocketpunch> {
    /// The token endpoint of this mock, for
    /// [`OAuthClientBuilder::token_url`].
    pub fn token_url(&self) -> String {
        format!("{}{TOKEN_PATH}", self.wiremock().uri())
    }

    /// An [`OAuthClient`] builder for this app whose token endpoint is this mock.
    pub fn oauth_client(&self, client_id: &str, redirect_uri: &str) -> OAuthClientBuilder {
        OAuthClient::builder(client_id, redirect_uri).token_url(self.token_url())
    }

    /// An expectation on the token endpoint (`POST /oauth/token`), for every grant.
    pub fn oauth_token(&self) -> TokenExpectation<'_> {
        TokenExpectation {
            server: self,
            grant: None,
            times: None,
            delay: None,
        }
    }
}

/// What one token-endpoint mock matches and answers; finish with [`ok`](Self::ok) or
/// [`refuse`](Self::refuse), and `.await` that.
#[must_use = "an expectation does nothing until answered with ok or refuse and awaited"]
pub struct TokenExpectation<'a> {
    server: &'a MockServer<Rocketpunch>,
    grant: Option<&'static str>,
    times: Option<u64>,
    delay: Option<Duration>,
}

impl std::fmt::Debug for TokenExpectation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenExpectation")
            .field("grant", &self.grant)
            .field("times", &self.times)
            .finish_non_exhaustive()
    }
}

impl TokenExpectation<'_> {
    /// Matches only code exchanges (`grant_type=authorization_code`).
    pub fn code_exchange(mut self) -> Self {
        self.grant = Some("authorization_code");
        self
    }

    /// Matches only refreshes (`grant_type=refresh_token`).
    pub fn refresh(mut self) -> Self {
        self.grant = Some("refresh_token");
        self
    }

    /// Answers only the first `n` matching requests.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Waits this long before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Answers with these tokens, as a standard token response (`token_type: bearer`).
    pub async fn ok(self, tokens: &TokenSet) {
        let mut body = serde_json::json!({
            "access_token": tokens.access_token.expose(),
            "token_type": "bearer",
        });
        if let Some(refresh) = &tokens.refresh_token {
            body["refresh_token"] = refresh.expose().into();
        }
        if let Some(expires) = tokens.expires_in {
            body["expires_in"] = expires.as_secs().into();
        }
        if !tokens.scopes.is_empty() {
            body["scope"] = tokens.scopes.join(" ").into();
        }
        self.mount(ResponseTemplate::new(200).set_body_json(body)).await;
    }

    /// Answers `400` with this OAuth error code (e.g. `invalid_grant` for a refused refresh
    /// token) and description.
    pub async fn refuse(self, code: &str, description: &str) {
        let body = serde_json::json!({"error": code, "error_description": description});
        self.mount(ResponseTemplate::new(400).set_body_json(body)).await;
    }

    async fn mount(self, mut answer: ResponseTemplate) {
        let mut mock = Mock::given(method("POST")).and(path(TOKEN_PATH));
        if let Some(grant) = self.grant {
            mock = mock.and(body_string_contains(format!("grant_type={grant}")));
        }
        if let Some(delay) = self.delay {
            answer = answer.set_delay(delay);
        }
        // Narrower (grant-specific) expectations first, all before plain wiremock mocks.
        let mut mock = mock
            .respond_with(answer)
            .with_priority(if self.grant.is_some() { 3 } else { 4 });
        if let Some(n) = self.times {
            mock = mock.up_to_n_times(n);
        }
        mock.mount(self.server.wiremock()).await;
    }
}
