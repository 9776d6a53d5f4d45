//! A user's OAuth session that keeps itself alive: the credentials of a user client that
//! refreshes its access token with the refresh token, ahead of expiry and after a `401`, and
//! hands every new [`TokenSet`] to your callback so you can store it.

use std::{
    fmt,
    sync::Arc,
    time::{Duration, Instant},
};

use http::HeaderMap;

use super::{OAuthClient, OAuthError, RefreshToken, TokenSet};
use crate::transport::{
    CredentialRenewalError, DEFAULT_REFRESH_MARGIN, Renewal,
    credentials::{BoxFuture, Renew, Why},
};

type OnRefresh = Arc<dyn Fn(&TokenSet) + Send + Sync>;

/// A user's tokens with the app that refreshes them: the credentials of a Rocketpunch user
/// client that keeps itself alive. Get one with [`OAuthClient::session`] and give it to
/// [`Client::new`](crate::rocketpunch::Client::new), [`Client::builder`](crate::rocketpunch::Client::builder)
/// or [`Client::set_credentials`](crate::rocketpunch::Client::set_credentials).
///
/// The client sends the access token and gets a new one with the refresh token
/// - ahead of expiry: from `expires_in` (counted from when the session is made), a margin
///   before ([`DEFAULT_REFRESH_MARGIN`], at most half the lifetime; see
///   [`refresh_margin`](Self::refresh_margin));
/// - once after a `401` (Rocketpunch answers `401 UNAUTHORIZED` to an invalid or expired
///   token), then sends the call again.
///
/// However many calls are waiting, one refresh request is made. Each new [`TokenSet`] (its
/// refresh token may be a new one: keep it, the old one may stop working; when the server sent
/// none, the set holds the one still in use) goes to [`on_refresh`](Self::on_refresh), once. A
/// refused refresh token (`invalid_grant`), or none at all, fails calls with
/// [`CredentialRenewalError::ReauthorizeRequired`] until the user has authorized again and you call
/// `set_credentials` with the new tokens.
///
/// `Debug` shows no token.
#[derive(Clone)]
pub struct OAuthSession {
    oauth: OAuthClient,
    tokens: TokenSet,
    on_refresh: Option<OnRefresh>,
    margin: Duration,
}

impl fmt::Debug for OAuthSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthSession")
            .field("oauth", &self.oauth)
            .field("tokens", &self.tokens)
            .field("on_refresh", &self.on_refresh.is_some())
            .field("margin", &self.margin)
            .finish()
    }
}

impl OAuthClient {
    /// The credentials of a user client that refreshes these tokens itself (see
    /// [`OAuthSession`]).
    pub fn session(&self, tokens: TokenSet) -> OAuthSession {
        OAuthSession {
            oauth: self.clone(),
            tokens,
            on_refresh: None,
            margin: DEFAULT_REFRESH_MARGIN,
        }
    }
}

impl OAuthSession {
    /// Called with each new token set, once per refresh, from the call that refreshed; store
    /// it there (keep it quick: hand it to a channel or a task for slow storage).
    pub fn on_refresh(mut self, callback: impl Fn(&TokenSet) + Send + Sync + 'static) -> Self {
        self.on_refresh = Some(Arc::new(callback));
        self
    }

    /// Refreshes this long before the access token expires (default
    /// [`DEFAULT_REFRESH_MARGIN`]; never more than half the token's lifetime).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The tokens the session started with.
    pub fn tokens(&self) -> &TokenSet {
        &self.tokens
    }

    pub(crate) fn renewal(&self, headers: HeaderMap) -> Renewal {
        let keeper = Arc::new(Refresher {
            oauth: self.oauth.clone(),
            refresh_token: self.tokens.refresh_token.clone(),
            on_refresh: self.on_refresh.clone(),
            margin: self.margin,
        });
        let expires_at = self.tokens.expires_in.map(|lifetime| Instant::now() + lifetime);
        Renewal::renewed_by(headers, keeper, expires_at).margin(self.margin)
    }
}

/// Refreshes one refresh token's access token.
struct Refresher {
    oauth: OAuthClient,
    refresh_token: Option<RefreshToken>,
    on_refresh: Option<OnRefresh>,
    margin: Duration,
}

const API: &str = "Rocketpunch";

impl Renew for Refresher {
    fn what(&self) -> &'static str {
        "OAuth refresh"
    }

    fn renew(&self, _why: Why) -> BoxFuture<'_, Result<Renewal, CredentialRenewalError>> {
        Box::pin(async move {
            let Some(refresh_token) = &self.refresh_token else {
                return Err(CredentialRenewalError::ReauthorizeRequired { api: API, code: None });
            };
            let mut tokens = match self.oauth.refresh(refresh_token).await {
                Ok(tokens) => tokens,
                Err(OAuthError::Refused { code, .. }) if code == "invalid_grant" => {
                    return Err(CredentialRenewalError::ReauthorizeRequired {
                        api: API,
                        code: Some(code),
                    });
                }
                Err(e) => {
                    return Err(CredentialRenewalError::Renewal {
                        api: API,
                        source: Arc::new(e),
                    });
                }
            };
            if tokens.refresh_token.is_none() {
                // Not rotated: the one in use stays valid.
                tokens.refresh_token = Some(refresh_token.clone());
            }
            if let Some(callback) = &self.on_refresh {
                callback(&tokens);
            }
            let session = OAuthSession {
                oauth: self.oauth.clone(),
                tokens,
                on_refresh: self.on_refresh.clone(),
                margin: self.margin,
            };
            Ok(session.renewal(super::super::bearer(&session.tokens.access_token)))
        })
    }
}
