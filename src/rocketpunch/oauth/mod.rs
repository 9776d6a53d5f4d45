//! The OAuth 2.0 authorization code flow for a Rocketpunch user's data, built on the `oauth2`
//! crate: the authorize URL (with `state` and PKCE), the code exchange and refresh.
//!
//! The authorize URL is documented (`https://www.rocketpunch.com/oauth/authorize`); the token
//! URL is not, so [`DEFAULT_TOKEN_URL`] is the conventional guess and
//! [`OAuthClientBuilder::token_url`] changes it. The redirect URI is yours and must match the
//! one registered with the app. Run the exchange on your server: the client secret must never
//! reach a browser.
//!
//! ```no_run
//! use rocket_apis::rocketpunch::{self, oauth::{OAuthClient, Scope}};
//!
//! # async fn run(code_from_callback: &str, state_from_callback: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let oauth = OAuthClient::builder("my-client-id", "https://app.example.com/oauth/callback")
//!     .client_secret("my-client-secret")
//!     .build()?;
//! let request = oauth.authorize_url(&[Scope::ProfileRead]);
//! // Redirect the user to request.url; keep request.state and request.pkce_verifier server-side.
//! # let (state, verifier) = (request.state.clone(), request.pkce_verifier);
//! assert_eq!(state_from_callback, state, "CSRF check");
//! let tokens = oauth.exchange_code(code_from_callback, verifier).await?;
//! let user_client = rocketpunch::Client::new(tokens.access_token.clone())?;
//! # Ok(())
//! # }
//! ```

use std::{fmt, time::Duration};

use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RefreshToken as OAuthRefreshToken, RequestTokenError, TokenResponse, TokenUrl, basic::BasicClient,
};
use secrecy::{ExposeSecret, SecretString};

use super::AccessToken;
use crate::{ConfigError, transport};

/// A typed mock of the token endpoint (cargo feature `mock`).
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;

mod session;
pub use session::OAuthSession;

/// The documented authorization endpoint.
pub const DEFAULT_AUTHORIZE_URL: &str = "https://www.rocketpunch.com/oauth/authorize";
/// The token endpoint: not documented by Rocketpunch; the conventional `/oauth/token` on the
/// authorization host. Change it with [`OAuthClientBuilder::token_url`].
pub const DEFAULT_TOKEN_URL: &str = "https://www.rocketpunch.com/oauth/token";

/// A documented scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scope {
    /// `profile:read`: the user's profile.
    ProfileRead,
    /// `profile:email`: the user's e-mail address.
    ProfileEmail,
}

impl Scope {
    /// The scope as sent.
    pub fn as_str(&self) -> &'static str {
        match self {
            Scope::ProfileRead => "profile:read",
            Scope::ProfileEmail => "profile:email",
        }
    }
}

/// A refresh token, kept secret (`Debug` shows `RefreshToken(****)`).
#[derive(Clone)]
pub struct RefreshToken(SecretString);

impl RefreshToken {
    /// Wraps a refresh token you stored earlier.
    pub fn new(token: impl Into<String>) -> Self {
        RefreshToken(SecretString::from(token.into()))
    }

    /// The token itself, for storing it (deliberately: everything else redacts it).
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(****)")
    }
}

/// The PKCE verifier of one authorization request; give it back to
/// [`OAuthClient::exchange_code`]. `Debug` shows `PkceVerifier(****)`.
pub struct PkceVerifier(PkceCodeVerifier);

impl PkceVerifier {
    /// Rebuilds a verifier you stored between the redirect and the callback.
    pub fn new(verifier: impl Into<String>) -> Self {
        PkceVerifier(PkceCodeVerifier::new(verifier.into()))
    }

    /// The verifier itself, for storing it in the user's session.
    pub fn expose(&self) -> &str {
        self.0.secret()
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier(****)")
    }
}

/// Where to send the user, and what to keep until they come back. `Debug` shows the URL without
/// its query (which carries `state`), and neither `state` nor the verifier.
pub struct AuthorizationRequest {
    /// The authorize URL with `client_id`, `redirect_uri`, `scope`, `state` and the PKCE
    /// challenge.
    pub url: reqwest::Url,
    /// The CSRF `state`: compare it with the one the callback receives.
    pub state: String,
    /// The PKCE verifier for the code exchange.
    pub pkce_verifier: PkceVerifier,
}

impl fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut url = self.url.clone();
        url.set_query(None);
        f.debug_struct("AuthorizationRequest")
            .field("url", &url.as_str())
            .field("state", &"<redacted>")
            .field("pkce_verifier", &self.pkce_verifier)
            .finish()
    }
}

/// Largest token endpoint answer read; a token response is a few hundred bytes.
pub const MAX_TOKEN_RESPONSE_SIZE: usize = 1 << 20;

/// Tokens from the token endpoint. `Debug` never shows them.
#[derive(Clone, Debug)]
pub struct TokenSet {
    /// The access token, for [`super::Client::new`].
    pub access_token: AccessToken,
    /// The refresh token, when the server sent one.
    pub refresh_token: Option<RefreshToken>,
    /// How long the access token lives, when the server said.
    pub expires_in: Option<Duration>,
    /// The scopes granted, when the server listed them.
    pub scopes: Vec<String>,
}

/// The token endpoint refused or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    /// The server answered with an OAuth error (`invalid_grant`, `invalid_client`, …).
    #[error("Rocketpunch OAuth: the token endpoint refused: {code}{}", .description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        /// The OAuth error code.
        code: String,
        /// The server's description, when it sent one.
        description: Option<String>,
    },
    /// The token endpoint could not be reached or failed mid-way.
    #[error("Rocketpunch OAuth: could not reach the token endpoint ({0})")]
    Transport(#[source] reqwest::Error),
    /// The token endpoint's answer was larger than [`MAX_TOKEN_RESPONSE_SIZE`]; it was not read
    /// to the end.
    #[error("Rocketpunch OAuth: the token endpoint's answer is over the {MAX_TOKEN_RESPONSE_SIZE}-byte limit")]
    ResponseTooLarge,
    /// The token endpoint's answer was not a token response (status {status:?}); the body is
    /// not shown because it may hold tokens.
    #[error("Rocketpunch OAuth: the token endpoint's answer is not a token response (HTTP {status})")]
    Unexpected {
        /// The HTTP status, or 0 when unknown.
        status: u16,
    },
    /// The server issued an access token this crate refuses (see the message).
    #[error("Rocketpunch OAuth: {0}")]
    BadToken(#[from] crate::InvalidCredential),
}

type Oauth2Client = BasicClient<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

/// An OAuth 2.0 client for one Rocketpunch app.
#[derive(Clone)]
pub struct OAuthClient {
    oauth: Oauth2Client,
    http: reqwest::Client,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.oauth.client_id().as_str())
            .field("authorize_url", &self.oauth.auth_uri().as_str())
            .field("token_url", &self.oauth.token_uri().as_str())
            .finish_non_exhaustive()
    }
}

/// Configures an [`OAuthClient`].
#[must_use]
pub struct OAuthClientBuilder {
    client_id: String,
    client_secret: Option<SecretString>,
    redirect_uri: String,
    authorize_url: String,
    token_url: String,
    timeout: Duration,
}

impl fmt::Debug for OAuthClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClientBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "****"))
            .field("redirect_uri", &self.redirect_uri)
            .field("authorize_url", &transport::redact_url(&self.authorize_url))
            .field("token_url", &transport::redact_url(&self.token_url))
            .finish_non_exhaustive()
    }
}

impl OAuthClientBuilder {
    /// The app's client secret (confidential clients; kept secret).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// Another token endpoint (it is not documented; see [`DEFAULT_TOKEN_URL`]).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    /// Another authorize endpoint.
    pub fn authorize_url(mut self, url: impl Into<String>) -> Self {
        self.authorize_url = url.into();
        self
    }

    /// Limit on each call to the token endpoint (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Checks the URLs (https, or http on loopback) and builds the client.
    pub fn build(self) -> Result<OAuthClient, ConfigError> {
        let check = |what: &str, raw: &str| -> Result<reqwest::Url, ConfigError> {
            let refuse = |reason: String| ConfigError::Invalid {
                api: "Rocketpunch",
                message: format!("{what} `{}`: {reason}", transport::redact_url(raw)),
            };
            let url = reqwest::Url::parse(raw).map_err(|e| refuse(format!("not an absolute URL ({e})")))?;
            if !url.username().is_empty() || url.password().is_some() {
                return Err(refuse(
                    "it contains a user name or password; the client id and secret go in the builder, never in the URL"
                        .into(),
                ));
            }
            match url.scheme() {
                "https" => Ok(url),
                "http" if transport::is_loopback(&url) => Ok(url),
                _ => Err(refuse("must be https:// (http:// only for loopback hosts)".into())),
            }
        };
        let auth = AuthUrl::from_url(check("authorize URL", &self.authorize_url)?);
        let token = TokenUrl::from_url(check("token URL", &self.token_url)?);
        let redirect = RedirectUrl::new(self.redirect_uri.clone()).map_err(|e| ConfigError::Invalid {
            api: "Rocketpunch",
            message: format!("redirect URI `{}` is not a URL ({e})", self.redirect_uri),
        })?;
        let mut oauth = BasicClient::new(ClientId::new(self.client_id))
            .set_auth_uri(auth)
            .set_token_uri(token)
            .set_redirect_uri(redirect);
        if let Some(secret) = self.client_secret {
            oauth = oauth.set_client_secret(ClientSecret::new(secret.expose_secret().to_string()));
        }
        // No redirects: a token endpoint that redirects would carry the code elsewhere.
        let http = crate::transport::http_client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .timeout(self.timeout)
            .user_agent(transport::USER_AGENT)
            .build()
            .map_err(|source| ConfigError::HttpClient {
                api: "Rocketpunch",
                source,
            })?;
        Ok(OAuthClient { oauth, http })
    }
}

impl OAuthClient {
    /// A builder for the app with this client id and redirect URI.
    pub fn builder(client_id: impl Into<String>, redirect_uri: impl Into<String>) -> OAuthClientBuilder {
        OAuthClientBuilder {
            client_id: client_id.into(),
            client_secret: None,
            redirect_uri: redirect_uri.into(),
            authorize_url: DEFAULT_AUTHORIZE_URL.into(),
            token_url: DEFAULT_TOKEN_URL.into(),
            timeout: transport::DEFAULT_TIMEOUT,
        }
    }

    /// Starts an authorization: a URL with a fresh random `state` and a PKCE (S256) challenge.
    pub fn authorize_url(&self, scopes: &[Scope]) -> AuthorizationRequest {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self
            .oauth
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge);
        for scope in scopes {
            request = request.add_scope(oauth2::Scope::new(scope.as_str().into()));
        }
        let (url, state) = request.url();
        AuthorizationRequest {
            url,
            state: state.secret().clone(),
            pkce_verifier: PkceVerifier(verifier),
        }
    }

    /// Exchanges the code from the callback for tokens.
    pub async fn exchange_code(&self, code: &str, pkce_verifier: PkceVerifier) -> Result<TokenSet, OAuthError> {
        let http = self.http_client();
        let response = self
            .oauth
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .set_pkce_verifier(pkce_verifier.0)
            .request_async(&http)
            .await;
        tokens(response)
    }

    /// Gets a new access token with a refresh token.
    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<TokenSet, OAuthError> {
        let http = self.http_client();
        let token = OAuthRefreshToken::new(refresh_token.expose().to_string());
        let response = self.oauth.exchange_refresh_token(&token).request_async(&http).await;
        tokens(response)
    }

    /// The `oauth2` crate's HTTP client, on this crate's reqwest, reading at most
    /// [`MAX_TOKEN_RESPONSE_SIZE`] bytes of an answer.
    fn http_client(
        &self,
    ) -> impl Fn(
        oauth2::HttpRequest,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, HttpError>> + Send>>
    + use<> {
        let http = self.http.clone();
        move |request: oauth2::HttpRequest| {
            let http = http.clone();
            Box::pin(async move {
                let (parts, body) = request.into_parts();
                let mut response = http
                    .request(parts.method, parts.uri.to_string())
                    .headers(parts.headers)
                    .body(body)
                    .send()
                    .await?;
                let mut out = http::Response::new(Vec::new());
                *out.status_mut() = response.status();
                *out.headers_mut() = response.headers().clone();
                while let Some(chunk) = response.chunk().await? {
                    if out.body().len() + chunk.len() > MAX_TOKEN_RESPONSE_SIZE {
                        return Err(HttpError::TooLarge);
                    }
                    out.body_mut().extend_from_slice(&chunk);
                }
                Ok(out)
            })
        }
    }
}

/// A failure of the token endpoint's HTTP exchange.
#[derive(Debug, thiserror::Error)]
enum HttpError {
    #[error(transparent)]
    Transport(#[from] reqwest::Error),
    #[error("the answer is over the size limit")]
    TooLarge,
}

type TokenResult =
    Result<oauth2::basic::BasicTokenResponse, RequestTokenError<HttpError, oauth2::basic::BasicErrorResponse>>;

fn tokens(response: TokenResult) -> Result<TokenSet, OAuthError> {
    match response {
        Ok(t) => Ok(TokenSet {
            access_token: AccessToken::new(t.access_token().secret())?,
            refresh_token: t.refresh_token().map(|r| RefreshToken::new(r.secret().clone())),
            expires_in: t.expires_in(),
            scopes: t
                .scopes()
                .map(|s| s.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
        }),
        Err(RequestTokenError::ServerResponse(e)) => Err(OAuthError::Refused {
            code: e.error().as_ref().to_string(),
            description: e.error_description().cloned(),
        }),
        Err(RequestTokenError::Request(HttpError::Transport(e))) => Err(OAuthError::Transport(e.without_url())),
        Err(RequestTokenError::Request(HttpError::TooLarge)) => Err(OAuthError::ResponseTooLarge),
        // The body may hold tokens: report only that it was not a token response.
        Err(RequestTokenError::Parse(_, _)) => Err(OAuthError::Unexpected { status: 200 }),
        Err(RequestTokenError::Other(_)) => Err(OAuthError::Unexpected { status: 0 }),
    }
}
