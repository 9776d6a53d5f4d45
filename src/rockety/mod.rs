//! Rockety API: the organisation's projects and users.
//!
//! Only the endpoints the vendor documents are in `specs/rockety.yaml` (the project and user
//! lists); [`Client::raw`] reaches the rest with the same token, base URL and errors.
//! Timestamps arrive as `YYYY-MM-DD HH:MM:SS` without a zone and are parsed as exactly that:
//! [`NaiveTimestamp`].
//!
//! ```no_run
//! use rocket_apis::rockety::Client;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // ROCKETY_API_TOKEN=… (Organisation Settings → Integrations → Rockety API)
//! let rockety = Client::from_env()?;
//! let page = rockety.list_projects().page(1).send().await?;
//! for project in &page.data {
//!     println!("{}", project.name.as_deref().unwrap_or("(unnamed)"));
//! }
//! println!("page {} of {}", page.pagination.current_page, page.pagination.total_pages);
//! # Ok(())
//! # }
//! ```
//!
//! Rockety takes no request bodies, so its types have no builders; your tests' mock answers are
//! struct literals:
//!
//! ```
//! # #[cfg(feature = "mock")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> anyhow::Result<()> {
//! use rocket_apis::rockety::{mock::MockServer, types};
//!
//! let server = MockServer::start().await;
//! let project = types::Project { name: Some("Web".into()), prefix: Some("WEB".into()), ..Default::default() };
//! let page = types::ProjectPage {
//!     data: vec![project],
//!     pagination: types::Pagination { current_page: 1, per_page: 20, total_pages: 1, total_items: 1, ..Default::default() },
//!     ..Default::default()
//! };
//! server.list_projects().ok(&page).await;
//!
//! let projects = server.client().list_projects().send().await?;
//! assert_eq!(projects.data[0].name.as_deref(), Some("Web"));
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "mock"))]
//! # fn main() {}
//! ```

use std::{fmt, str::FromStr};

use chrono::NaiveDateTime;
use http::{HeaderMap, HeaderName, StatusCode};
use secrecy::SecretString;

use crate::{
    credential::{self, Format},
    error::{ConfigError, VendorError},
    transport::{self, ClientBuilder, Service},
};

transport::generated_api!("rockety");

/// The header that carries the token (`bearerAuth`, an HTTP bearer scheme).
pub const AUTH_HEADER: &str = "authorization";
/// The scheme written before the token.
pub const AUTH_SCHEME: &str = "Bearer";
/// Production base URL, the spec's server.
pub const DEFAULT_BASE_URL: &str = "https://app.rockety.io/api/v1";
/// Environment variable read by [`Client::from_env`] for the token.
pub const TOKEN_ENV: &str = "ROCKETY_API_TOKEN";
/// Environment variable read by [`Client::from_env`] for the base URL.
pub const BASE_URL_ENV: &str = "ROCKETY_BASE_URL";

const TOKEN_FORMAT: Format = Format {
    name: "Rockety API token",
    prefixes: &[],
    alphanumeric_rest: false,
    min_rest: 0,
    expected: "Give the token alone, without `Bearer ` (the client adds it); an organisation admin \
               creates it under Organisation Settings → Integrations → Rockety API",
};

/// A Rockety API token, checked and kept secret. Sent as `Authorization: Bearer <token>`.
///
/// Refused if empty, if it already includes `Bearer `, or if it contains whitespace or
/// control characters. `Debug` and `Display` show `ApiToken(****)`.
///
/// ```
/// use rocket_apis::rockety::ApiToken;
///
/// let token: ApiToken = "9f2c41d7e0b35a68".parse().unwrap();
/// assert_eq!(format!("{token:?}"), "ApiToken(****)");
/// assert!("Bearer 9f2c41d7e0b35a68".parse::<ApiToken>().is_err());
/// ```
#[derive(Clone)]
pub struct ApiToken(SecretString);

credential::secret_credential!(ApiToken, TOKEN_FORMAT);

transport::api_client!(
    service = Rockety,
    name = "Rockety API",
    credentials = ApiToken,
    error = types::ErrorBody
);

impl Service for Rockety {
    #[cfg(feature = "mock")]
    fn mock_credentials() -> Self::Credentials {
        use crate::credential::known_valid as valid;
        valid(ApiToken::new("mock0000"))
    }

    const NAME: &'static str = "Rockety";
    const DEFAULT_BASE_URL: &'static str = DEFAULT_BASE_URL;
    type Credentials = ApiToken;

    fn headers(token: &ApiToken) -> HeaderMap {
        let value = credential::sensitive_header(token.secret(), &format!("{AUTH_SCHEME} "));
        HeaderMap::from_iter([(HeaderName::from_static(AUTH_HEADER), value)])
    }
}

impl Client {
    /// A client from `ROCKETY_API_TOKEN` and, when set, `ROCKETY_BASE_URL`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::builder_from_env()?.build()
    }

    /// A builder from the environment, as [`Client::from_env`], to adjust before building.
    pub fn builder_from_env() -> Result<ClientBuilder<Rockety>, ConfigError> {
        let token = transport::env_var(TOKEN_ENV)?.ok_or(ConfigError::MissingEnv {
            var: TOKEN_ENV,
            what: "a Rockety API token (Organisation Settings → Integrations → Rockety API)",
        })?;
        let token = ApiToken::new(token).map_err(|e| e.with_env_var(TOKEN_ENV))?;
        Self::builder(token).base_url_from_env(BASE_URL_ENV)
    }
}

impl VendorError for types::ErrorBody {
    const API: &'static str = "Rockety";

    fn message(&self) -> Option<String> {
        self.message.clone().or_else(|| match &self.error {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
            None => None,
        })
    }

    fn stand_in(status: StatusCode, text: &str) -> serde_json::Value {
        crate::error::flat_stand_in(status, text)
    }
}

/// The wire format of Rockety's timestamps.
pub const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A Rockety timestamp: `YYYY-MM-DD HH:MM:SS` with no zone, as the API sends it.
///
/// Rockety does not say which zone its timestamps are in, so this is a
/// [`chrono::NaiveDateTime`] and not an instant; attach the zone you know with
/// [`NaiveDateTime::and_local_timezone`] or [`NaiveDateTime::and_utc`]. It serializes back to
/// the same form.
///
/// ```
/// use rocket_apis::rockety::NaiveTimestamp;
///
/// let t: NaiveTimestamp = "2024-11-23 14:58:31".parse().unwrap();
/// assert_eq!(t.to_string(), "2024-11-23 14:58:31");
/// assert!("2024-11-23T14:58:31Z".parse::<NaiveTimestamp>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NaiveTimestamp(pub NaiveDateTime);

impl NaiveTimestamp {
    /// The date and time.
    pub fn naive(&self) -> NaiveDateTime {
        self.0
    }
}

/// A string that is not a Rockety timestamp.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a Rockety timestamp (expected `YYYY-MM-DD HH:MM:SS`, no zone)")]
pub struct TimestampError {
    value: String,
}

impl FromStr for NaiveTimestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NaiveDateTime::parse_from_str(s, TIMESTAMP_FORMAT)
            .map(NaiveTimestamp)
            .map_err(|_| TimestampError {
                value: s.chars().take(40).collect(),
            })
    }
}

impl fmt::Display for NaiveTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(TIMESTAMP_FORMAT))
    }
}

impl serde::Serialize for NaiveTimestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for NaiveTimestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde::de::DeserializeSeed::deserialize(crate::decode::Text("a timestamp"), d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

crate::pagination::numbered_pages! {
    ProjectPage: Project, items = data, total_pages = |p| u64::try_from(p.pagination.total_pages).ok();
    UserPage: User, items = data, total_pages = |p| u64::try_from(p.pagination.total_pages).ok();
}

crate::pagination::numbered_lists! {
    ListProjects => types::ProjectPage;
    ListUsers => types::UserPage;
}
