//! Rocketpunch Open API: jobs, profiles, events and code tables.
//!
//! Public data is read with an [`AppKey`] (`X-RP-API-Key: rp_app_…`); a user's data with their
//! OAuth 2.0 [`AccessToken`] (`Authorization: Bearer …`), sent *instead of* the App Key. The
//! authorization code flow itself is in [`oauth`]. Every response carries the rate-limit
//! headers; read them with [`RateLimitExt::rate_limit`].
//!
//! ```no_run
//! use rocket_apis::rocketpunch::{Client, RateLimitExt};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // ROCKETPUNCH_API_KEY=rp_app_… (developers.rocketpunch.com/apps/new)
//! let rp = Client::from_env()?;
//! let jobs = rp.list_jobs().keyword("AI").page(1).send().await?;
//! for job in &jobs.items {
//!     println!("{}", job.title.as_deref().unwrap_or("(untitled)"));
//! }
//! if let Some(limit) = jobs.rate_limit() {
//!     println!("{:?} requests left in this window", limit.remaining);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Rocketpunch takes no request bodies, so its types have no builders; your tests' mock answers
//! are struct literals:
//!
//! ```
//! # #[cfg(feature = "mock")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> anyhow::Result<()> {
//! use rocket_apis::rocketpunch::{mock::MockServer, types};
//!
//! let server = MockServer::start().await;
//! let job = types::Job {
//!     title: Some("ML Engineer".into()),
//!     web_url: Some("https://www.rocketpunch.com/jobs/1".into()),
//!     ..Default::default()
//! };
//! let jobs = types::JobList { items: vec![job], total_pages: Some(1), ..Default::default() };
//! server.list_jobs().query("keyword", "AI").ok(&jobs).await;
//!
//! let found = server.client().list_jobs().keyword("AI").send().await?;
//! assert_eq!(found.items[0].title.as_deref(), Some("ML Engineer"));
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "mock"))]
//! # fn main() {}
//! ```

pub mod oauth;

use std::{
    fmt,
    str::FromStr,
    time::{Duration, SystemTime},
};

use http::{HeaderMap, HeaderName, StatusCode};
use secrecy::SecretString;

use crate::{
    credential::{self, Format},
    error::{ConfigError, VendorError},
    open_enum::open_enum,
    transport::{self, ClientBuilder, Service},
};

transport::generated_api!("rocketpunch");

/// The header that carries the App Key (the spec's `appKey` scheme).
pub const APP_KEY_HEADER: &str = "x-rp-api-key";
/// The prefix every App Key starts with.
pub const APP_KEY_PREFIX: &str = "rp_app_";
/// The header that carries a user's access token (the spec's `oauth2` scheme), as a bearer.
pub const ACCESS_TOKEN_HEADER: &str = "authorization";
/// Production base URL: the spec's server with its default `basePath` (`/api/v1`).
pub const DEFAULT_BASE_URL: &str = "https://openapi.rocketpunch.com/api/v1";
/// Environment variable read by [`Client::from_env`] for the App Key.
pub const APP_KEY_ENV: &str = "ROCKETPUNCH_API_KEY";
/// Environment variable read by [`Client::from_env`] for a user's access token.
pub const ACCESS_TOKEN_ENV: &str = "ROCKETPUNCH_ACCESS_TOKEN";
/// Environment variable read by [`Client::from_env`] for the base URL.
pub const BASE_URL_ENV: &str = "ROCKETPUNCH_BASE_URL";

const APP_KEY_FORMAT: Format = Format {
    name: "Rocketpunch App Key",
    prefixes: &[APP_KEY_PREFIX],
    alphanumeric_rest: true,
    min_rest: 0,
    expected: "An App Key is `rp_app_` followed by letters and digits only. A stray space or a \
               misspelled header is the usual cause of a 401 on the first request, so this is checked \
               before sending; a key without the prefix was not issued correctly: register an app at \
               developers.rocketpunch.com/apps/new",
};

const ACCESS_TOKEN_FORMAT: Format = Format {
    name: "Rocketpunch access token",
    prefixes: &[],
    alphanumeric_rest: false,
    min_rest: 0,
    expected: "Give the OAuth 2.0 access token alone, without `Bearer ` (the client adds it); get \
               one with `rocketpunch::oauth`",
};

/// A Rocketpunch App Key (`rp_app_` + letters and digits), checked and kept secret.
///
/// ```
/// use rocket_apis::rocketpunch::AppKey;
///
/// let key: AppKey = "rp_app_7Hq2LmX9".parse().unwrap();
/// assert_eq!(format!("{key:?}"), "AppKey(rp_app_****)");
/// assert!("rp_app_7Hq2LmX9 ".parse::<AppKey>().is_err()); // trailing space
/// assert!("7Hq2LmX9".parse::<AppKey>().is_err()); // no prefix
/// ```
#[derive(Clone)]
pub struct AppKey(SecretString);

/// A user's OAuth 2.0 access token, checked and kept secret; sent as `Authorization: Bearer`.
///
/// To keep one (e.g. in your session store), read it out deliberately with
/// [`expose`](AccessToken::expose) and rebuild it with [`new`](AccessToken::new); `Debug` and
/// `Display` never show it.
///
/// ```
/// use rocket_apis::rocketpunch::AccessToken;
///
/// let token = AccessToken::new("at_4f9c2a7e1b")?;
/// let stored: String = token.expose().to_string(); // to your store, never to a log
/// let restored = AccessToken::new(&stored)?;
/// assert_eq!(restored.expose(), "at_4f9c2a7e1b");
/// assert!(!format!("{restored:?} {restored}").contains("4f9c2a7e1b"));
/// # Ok::<_, rocket_apis::InvalidCredential>(())
/// ```
#[derive(Clone)]
pub struct AccessToken(SecretString);

impl AccessToken {
    /// The token itself, for storing it; never log it.
    pub fn expose(&self) -> &str {
        secrecy::ExposeSecret::expose_secret(&self.0)
    }
}

credential::secret_credential!(AppKey, APP_KEY_FORMAT);
credential::secret_credential!(AccessToken, ACCESS_TOKEN_FORMAT);

/// What a Rocketpunch client sends: the App Key, or a user's access token instead of it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// Public data: `X-RP-API-Key`.
    AppKey(AppKey),
    /// A user's data: `Authorization: Bearer`, instead of the App Key.
    AccessToken(AccessToken),
    /// A user's data with an access token the client refreshes itself (see
    /// [`oauth::OAuthSession`]).
    OAuth(Box<oauth::OAuthSession>),
}

impl From<oauth::OAuthSession> for Credentials {
    fn from(session: oauth::OAuthSession) -> Self {
        Credentials::OAuth(Box::new(session))
    }
}

/// The header of a user's access token.
fn bearer(token: &AccessToken) -> HeaderMap {
    let value = credential::sensitive_header(token.secret(), "Bearer ");
    HeaderMap::from_iter([(HeaderName::from_static(ACCESS_TOKEN_HEADER), value)])
}

impl From<AppKey> for Credentials {
    fn from(key: AppKey) -> Self {
        Credentials::AppKey(key)
    }
}

impl From<AccessToken> for Credentials {
    fn from(token: AccessToken) -> Self {
        Credentials::AccessToken(token)
    }
}

transport::api_client!(
    service = Rocketpunch,
    name = "Rocketpunch Open API",
    credentials = Credentials,
    error = types::ErrorBody
);

impl Service for Rocketpunch {
    #[cfg(feature = "mock")]
    fn mock_credentials() -> Self::Credentials {
        use crate::credential::known_valid as valid;
        Credentials::AppKey(valid(AppKey::new("rp_app_mock0000")))
    }

    const NAME: &'static str = "Rocketpunch";
    const DEFAULT_BASE_URL: &'static str = DEFAULT_BASE_URL;
    type Credentials = Credentials;

    fn headers(credentials: &Credentials) -> HeaderMap {
        match credentials {
            Credentials::AppKey(key) => HeaderMap::from_iter([(
                HeaderName::from_static(APP_KEY_HEADER),
                credential::sensitive_header(key.secret(), ""),
            )]),
            Credentials::AccessToken(token) => bearer(token),
            Credentials::OAuth(session) => bearer(&session.tokens().access_token),
        }
    }

    fn live(credentials: &Credentials) -> transport::Renewal {
        match credentials {
            Credentials::OAuth(session) => session.renewal(Self::headers(credentials)),
            _ => transport::Renewal::fixed(Self::headers(credentials)),
        }
    }
}

impl Client {
    /// A client from the environment: `ROCKETPUNCH_ACCESS_TOKEN` when set (a user's data),
    /// otherwise `ROCKETPUNCH_API_KEY`; and `ROCKETPUNCH_BASE_URL` when set.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::builder_from_env()?.build()
    }

    /// A builder from the environment, as [`Client::from_env`], to adjust before building.
    pub fn builder_from_env() -> Result<ClientBuilder<Rocketpunch>, ConfigError> {
        let credentials = match transport::env_var(ACCESS_TOKEN_ENV)? {
            Some(token) => {
                Credentials::AccessToken(AccessToken::new(token).map_err(|e| e.with_env_var(ACCESS_TOKEN_ENV))?)
            }
            None => {
                let key = transport::env_var(APP_KEY_ENV)?.ok_or(ConfigError::MissingEnv {
                    var: APP_KEY_ENV,
                    what: "your Rocketpunch App Key (`rp_app_…`, from developers.rocketpunch.com/apps/new), \
                           or set ROCKETPUNCH_ACCESS_TOKEN to a user's OAuth 2.0 access token",
                })?;
                Credentials::AppKey(AppKey::new(key).map_err(|e| e.with_env_var(APP_KEY_ENV))?)
            }
        };
        Self::builder(credentials).base_url_from_env(BASE_URL_ENV)
    }
}

impl VendorError for types::ErrorBody {
    const API: &'static str = "Rocketpunch";

    fn message(&self) -> Option<String> {
        self.error.as_ref()?.message.clone()
    }

    fn code(&self) -> Option<String> {
        self.error.as_ref()?.code.clone()
    }

    fn stand_in(status: StatusCode, text: &str) -> serde_json::Value {
        serde_json::json!({"error": {"message": text, "status": status.as_u16()}})
    }
}

/// Rocketpunch's rate-limit headers, present on every response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: when the window resets (sent as Unix seconds, UTC).
    pub reset: Option<SystemTime>,
}

impl RateLimit {
    /// Reads the headers; `None` when none of the three is present.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        let limit = RateLimit {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset").map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s)),
        };
        (limit.limit.is_some() || limit.remaining.is_some() || limit.reset.is_some()).then_some(limit)
    }

    /// How long until the window resets (zero when it already has).
    pub fn resets_in(&self) -> Option<Duration> {
        Some(self.reset?.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
    }
}

/// Rate-limit headers from a response or an API error.
pub trait RateLimitExt {
    /// The `X-RateLimit-*` headers, when the server sent them.
    fn rate_limit(&self) -> Option<RateLimit>;
}

impl<T> RateLimitExt for progenitor_client::ResponseValue<T> {
    fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::from_headers(self.headers())
    }
}

impl RateLimitExt for crate::ApiError {
    fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::from_headers(self.headers())
    }
}

open_enum! {
    /// A response language (the vendor names `ko`, the default, and `en`).
    pub enum Language {
        /// Korean.
        Ko = "ko",
        /// English.
        En = "en",
    }
}

open_enum! {
    /// A company's size band.
    pub enum CompanySize {
        /// Tiny.
        Tiny = "TINY",
        /// Small.
        Small = "SMALL",
        /// Medium.
        Medium = "MEDIUM",
        /// Large.
        Large = "LARGE",
        /// Huge.
        Huge = "HUGE",
    }
}

/// A job, event or company id. Whether Rocketpunch sends ids as strings or numbers is not
/// documented, so both decode; it is kept as text either way.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(pub String);

impl ResourceId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ResourceId {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(ResourceId(s.to_string()))
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for ResourceId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ResourceId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            Signed(i64),
            Unsigned(u64),
        }
        Ok(ResourceId(match Wire::deserialize(d)? {
            Wire::Text(s) => s,
            Wire::Signed(n) => n.to_string(),
            Wire::Unsigned(n) => n.to_string(),
        }))
    }
}

crate::pagination::numbered_pages! {
    JobList: Job, items = items, total_pages = |p| p.total_pages.and_then(|n| u64::try_from(n).ok());
    ProfileList: Profile, items = items, total_pages = |p| p.total_pages.and_then(|n| u64::try_from(n).ok());
    EventList: Event, items = items, total_pages = |p| p.total_pages.and_then(|n| u64::try_from(n).ok());
}

crate::pagination::numbered_lists! {
    ListJobs => types::JobList;
    ListProfiles => types::ProfileList;
    ListEvents => types::EventList;
}

/// A code table's entries: the elements when it is an array, else the whole table as one.
fn code_entries(table: types::CodeTable) -> Vec<serde_json::Value> {
    match table.0 {
        serde_json::Value::Array(entries) => entries,
        other => vec![other],
    }
}

crate::pagination::single_lists! {
    ListJobCategoryCodes => serde_json::Value, |table| code_entries(table);
    ListSeniorityCodes => serde_json::Value, |table| code_entries(table);
    ListEmploymentTypeCodes => serde_json::Value, |table| code_entries(table);
    ListJobIndustryCodes => serde_json::Value, |table| code_entries(table);
}
