//! AuthRocket 1 API: realms, users, orgs, memberships, sessions, credentials, auth providers,
//! app hooks, login policies, events, JWT keys and user tokens.
//!
//! Two key modes: the modern key (`X-Authrocket-Api-Key: ko_…`) or the legacy pair
//! (`X-Authrocket-Account: org_…` with `X-Authrocket-Api-Key: key_…`); and an optional default
//! realm (`X-Authrocket-Realm: rl_…`) for single-realm apps. The API answers only on the
//! account's own `https` endpoint on port 443; every request says `Accept: application/json`
//! and every response's `X-Request-ID` is kept (see [`crate::ResponseExt`] and
//! [`crate::ApiError::request_id`]), because AuthRocket support asks for it.
//!
//! ```no_run
//! use rocket_apis::authrocket::Client;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // AUTHROCKET_API_KEY=ko_…, AUTHROCKET_BASE_URL=https://<your endpoint>/v1, AUTHROCKET_REALM=rl_… (optional)
//! let ar = Client::from_env()?;
//! let orgs = ar.list_orgs().max_results(20).send().await?;
//! for org in &orgs.collection {
//!     println!("{}", org.name.as_deref().unwrap_or("(unnamed)"));
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Creating an org: bodies are wrapped in their root key, each level built with `&str` setters.
//!
//! ```
//! # #[cfg(feature = "mock")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> anyhow::Result<()> {
//! use rocket_apis::authrocket::{mock::MockServer, types};
//!
//! let server = MockServer::start().await;
//! let acme = types::Org {
//!     id: "org_1".into(),
//!     name: Some("Acme".into()),
//!     reference: Some("crm-42".into()),
//!     ..Default::default()
//! };
//! server.create_org().ok(&acme).await;
//!
//! let body = types::OrgBody::builder().org(types::OrgInput::builder().name("Acme").reference("crm-42"));
//! let org = server.client().create_org().body(body).send().await?;
//! assert_eq!(org.id, "org_1");
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "mock"))]
//! # fn main() {}
//! ```

use std::{fmt, str::FromStr};

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use secrecy::SecretString;

use crate::{
    credential::{self, Format, InvalidCredential},
    error::{ConfigError, VendorError},
    open_enum::open_enum,
    transport::{self, ClientBuilder, Service},
};

transport::generated_api!("authrocket");

#[cfg(feature = "authrocket-jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "authrocket-jwt")))]
pub mod login_token;
#[cfg(feature = "authrocket-jwt")]
pub use login_token::{
    AUTHROCKET_ISSUER, ConfirmError, JWT_KEY_ENV, JWT_SECRET_ENV, JwtAlgorithm, JwtSecret, KeyError, LoadError,
    LoginMembership, LoginSession, LoginTokenVerifier, Memberships, Permissions, TokenError,
};

/// The header of the API key (both modes), as the spec's security schemes name it.
pub const API_KEY_HEADER: &str = "x-authrocket-api-key";
/// The header of the legacy account id.
pub const ACCOUNT_HEADER: &str = "x-authrocket-account";
/// The header of the optional default realm.
pub const REALM_HEADER: &str = "x-authrocket-realm";
/// Prefix of the modern API key.
pub const API_KEY_PREFIX: &str = "ko_";
/// Prefix of the legacy API key.
pub const LEGACY_API_KEY_PREFIX: &str = "key_";
/// Prefix of the legacy account id.
pub const ACCOUNT_PREFIX: &str = "org_";
/// Prefix of a realm id.
pub const REALM_PREFIX: &str = "rl_";
/// Base URL used when none is given: the endpoint of the vendor's examples. Your account's own
/// endpoint is shown in the portal next to the API key; set it with `base_url` or
/// `AUTHROCKET_BASE_URL`.
pub const DEFAULT_BASE_URL: &str = "https://api-e1.authrocket.com/v1";
/// Environment variable read by [`Client::from_env`] for the API key (`ko_…`, or `key_…` with
/// [`ACCOUNT_ENV`]).
pub const API_KEY_ENV: &str = "AUTHROCKET_API_KEY";
/// Environment variable for the legacy account id (`org_…`); its presence selects legacy mode.
pub const ACCOUNT_ENV: &str = "AUTHROCKET_ACCOUNT";
/// Environment variable for the default realm (`rl_…`), optional.
pub const REALM_ENV: &str = "AUTHROCKET_REALM";
/// Environment variable for the account's endpoint, e.g. `https://api-e2.authrocket.com/v1`.
pub const BASE_URL_ENV: &str = "AUTHROCKET_BASE_URL";

const API_KEY_FORMAT: Format = Format {
    name: "AuthRocket API key",
    prefixes: &[API_KEY_PREFIX],
    alphanumeric_rest: false,
    min_rest: 0,
    expected: "An API key starts with `ko_` (a legacy key starts with `key_` and goes with an `org_` account \
               id: use `Credentials::legacy`); find it in the AuthRocket portal under Realm → Integration",
};

const LEGACY_API_KEY_FORMAT: Format = Format {
    name: "AuthRocket legacy API key",
    prefixes: &[LEGACY_API_KEY_PREFIX],
    alphanumeric_rest: false,
    min_rest: 0,
    expected: "A legacy API key starts with `key_` and is sent with the `org_` account id (a modern key starts \
               with `ko_`: use `Credentials::new`)",
};

/// A modern AuthRocket API key (`ko_…`), checked and kept secret.
///
/// ```
/// use rocket_apis::authrocket::ApiKey;
///
/// let key: ApiKey = "ko_0ut5nPLwrV9PxSRGy8OMZI-e34b5ff9".parse().unwrap();
/// assert_eq!(format!("{key:?}"), "ApiKey(ko_****)");
/// assert!("key_e34b5ff9".parse::<ApiKey>().is_err()); // a legacy key
/// ```
#[derive(Clone)]
pub struct ApiKey(SecretString);

/// A legacy AuthRocket API key (`key_…`), used with an [`AccountId`]; checked and kept secret.
#[derive(Clone)]
pub struct LegacyApiKey(SecretString);

credential::secret_credential!(ApiKey, API_KEY_FORMAT);
credential::secret_credential!(LegacyApiKey, LEGACY_API_KEY_FORMAT);

/// Identifiers that are not secret but have a vendor prefix: checked the same way, shown as
/// they are.
macro_rules! prefixed_id {
    ($(#[$meta:meta])* $ty:ident, $name:literal, $prefix:expr, $expected:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $ty(String);

        impl $ty {
            const FORMAT: Format = Format { name: $name, prefixes: &[$prefix], alphanumeric_rest: false, min_rest: 0, expected: $expected };

            /// Checks an id.
            pub fn new(value: impl AsRef<str>) -> Result<Self, InvalidCredential> {
                use secrecy::ExposeSecret;
                Self::FORMAT.check(value.as_ref()).map(|v| $ty(v.expose_secret().to_string()))
            }

            /// The id.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $ty {
            type Err = InvalidCredential;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::new(s)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($ty), self.0)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

prefixed_id!(
    /// A legacy account id (`org_…`), sent as `X-Authrocket-Account` with a [`LegacyApiKey`].
    AccountId,
    "AuthRocket account id",
    ACCOUNT_PREFIX,
    "A legacy account id starts with `org_`; find it in the AuthRocket portal next to the legacy key"
);
prefixed_id!(
    /// A realm id (`rl_…`), e.g. the default realm sent as `X-Authrocket-Realm`.
    RealmId,
    "AuthRocket realm id",
    REALM_PREFIX,
    "A realm id starts with `rl_`; find it in the AuthRocket portal under Realm → Integration"
);

/// How the client authenticates, plus the optional default realm.
#[derive(Clone, Debug)]
pub struct Credentials {
    mode: KeyMode,
    realm: Option<RealmId>,
}

#[derive(Clone, Debug)]
enum KeyMode {
    Key(ApiKey),
    Legacy { account: AccountId, key: LegacyApiKey },
}

impl Credentials {
    /// The modern mode: one `ko_` key.
    pub fn new(key: ApiKey) -> Self {
        Credentials {
            mode: KeyMode::Key(key),
            realm: None,
        }
    }

    /// The legacy mode: an `org_` account id with a `key_` key.
    pub fn legacy(account: AccountId, key: LegacyApiKey) -> Self {
        Credentials {
            mode: KeyMode::Legacy { account, key },
            realm: None,
        }
    }

    /// Sends this realm as the default (`X-Authrocket-Realm`). Only for apps with a single realm;
    /// with several, pass `realm_id` per call instead.
    pub fn with_realm(mut self, realm: RealmId) -> Self {
        self.realm = Some(realm);
        self
    }

    /// The default realm, if set.
    pub fn realm(&self) -> Option<&RealmId> {
        self.realm.as_ref()
    }
}

impl From<ApiKey> for Credentials {
    fn from(key: ApiKey) -> Self {
        Credentials::new(key)
    }
}

transport::api_client!(
    service = AuthRocket,
    name = "AuthRocket 1 API",
    credentials = Credentials,
    error = types::ErrorBody
);

impl Service for AuthRocket {
    #[cfg(feature = "mock")]
    fn mock_credentials() -> Self::Credentials {
        use crate::credential::known_valid as valid;
        Credentials::new(valid(ApiKey::new("ko_mock0000")))
    }

    const NAME: &'static str = "AuthRocket";
    const DEFAULT_BASE_URL: &'static str = DEFAULT_BASE_URL;
    type Credentials = Credentials;

    fn headers(credentials: &Credentials) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let key = HeaderName::from_static(API_KEY_HEADER);
        match &credentials.mode {
            KeyMode::Key(k) => {
                headers.insert(key, credential::sensitive_header(k.secret(), ""));
            }
            KeyMode::Legacy { account, key: k } => {
                headers.insert(key, credential::sensitive_header(k.secret(), ""));
                if let Ok(v) = HeaderValue::from_str(account.as_str()) {
                    headers.insert(HeaderName::from_static(ACCOUNT_HEADER), v);
                }
            }
        }
        if let Some(realm) = &credentials.realm
            && let Ok(v) = HeaderValue::from_str(realm.as_str())
        {
            headers.insert(HeaderName::from_static(REALM_HEADER), v);
        }
        headers
    }

    // "All API requests must indicate that they are requesting JSON payloads" (AD-003).
    fn fixed_headers() -> HeaderMap {
        HeaderMap::from_iter([(header::ACCEPT, HeaderValue::from_static("application/json"))])
    }

    // "The AuthRocket APIs respond only on port 443" (AD-003).
    fn check_base_url(url: &reqwest::Url) -> Result<(), String> {
        if url.scheme() == "https" && url.port_or_known_default() != Some(443) && !transport::is_loopback(url) {
            return Err("AuthRocket answers only on port 443; drop the port (loopback hosts may use any port)".into());
        }
        Ok(())
    }
}

impl Client {
    /// A client from `AUTHROCKET_API_KEY` (with `AUTHROCKET_ACCOUNT` for the legacy mode),
    /// `AUTHROCKET_REALM` and `AUTHROCKET_BASE_URL`, each optional but the key.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::builder_from_env()?.build()
    }

    /// A builder from the environment, as [`Client::from_env`], to adjust before building.
    pub fn builder_from_env() -> Result<ClientBuilder<AuthRocket>, ConfigError> {
        let key = transport::env_var(API_KEY_ENV)?.ok_or(ConfigError::MissingEnv {
            var: API_KEY_ENV,
            what: "your AuthRocket API key (`ko_…`; find it in the AuthRocket portal under Realm → Integration)",
        })?;
        let mut credentials = match transport::env_var(ACCOUNT_ENV)? {
            Some(account) => Credentials::legacy(
                AccountId::new(account).map_err(|e| e.with_env_var(ACCOUNT_ENV))?,
                LegacyApiKey::new(key).map_err(|e| e.with_env_var(API_KEY_ENV))?,
            ),
            None => Credentials::new(ApiKey::new(key).map_err(|e| e.with_env_var(API_KEY_ENV))?),
        };
        if let Some(realm) = transport::env_var(REALM_ENV)? {
            credentials = credentials.with_realm(RealmId::new(realm).map_err(|e| e.with_env_var(REALM_ENV))?);
        }
        Self::builder(credentials).base_url_from_env(BASE_URL_ENV)
    }
}

impl VendorError for types::ErrorBody {
    const API: &'static str = "AuthRocket";

    fn message(&self) -> Option<String> {
        self.message.clone().or_else(|| self.error.clone()).or_else(|| {
            // 409/422 carry only field errors; the vendor libraries say "Validation error".
            (!self.errors.is_empty()).then(|| "Validation error".to_string())
        })
    }

    fn field_errors(&self) -> Vec<(String, Vec<String>)> {
        self.errors
            .iter()
            .map(|(field, messages)| (field.clone(), messages.clone()))
            .collect()
    }

    fn stand_in(status: StatusCode, text: &str) -> serde_json::Value {
        serde_json::json!({"error": status.canonical_reason().unwrap_or("Error"), "message": text})
    }
}

open_enum! {
    /// Whether a resource is in use.
    pub enum State {
        /// In use.
        Active = "active",
        /// Not in use.
        Inactive = "inactive",
    }
}

open_enum! {
    /// A human user or an API user.
    pub enum UserType {
        /// A person who logs in.
        Human = "human",
        /// A program with an API key.
        Api = "api",
    }
}

macro_rules! cursor_pages {
    ($($page:ident: $item:ident;)+) => {$(
        impl crate::pagination::ListPage for types::$page {
            type Item = types::$item;
            fn into_items(self) -> Vec<types::$item> {
                self.collection
            }
            fn items_slice(&self) -> &[types::$item] {
                &self.collection
            }
        }

        impl crate::pagination::CursorPage for types::$page {
            fn more(&self) -> bool {
                self.more_results
            }
            fn cursor(item: &types::$item) -> &str {
                &item.id
            }
        }
    )+};
}

cursor_pages! {
    RealmList: Realm;
    UserList: User;
    OrgList: Org;
    MembershipList: Membership;
    SessionList: Session;
    AuthProviderList: AuthProvider;
    AppHookList: AppHook;
    LoginPolicyList: LoginPolicy;
    EventList: Event;
    JwtKeyList: JwtKey;
}

crate::pagination::cursor_lists! {
    ListRealms => types::RealmList;
    ListUsers => types::UserList;
    ListOrgs => types::OrgList;
    ListMemberships => types::MembershipList;
    ListSessions => types::SessionList;
    ListAuthProviders => types::AuthProviderList;
    ListAppHooks => types::AppHookList;
    ListLoginPolicies => types::LoginPolicyList;
    ListEvents => types::EventList;
    ListJwtKeys => types::JwtKeyList;
}

crate::pagination::single_lists! {
    ListAuthorizeUrls => types::AuthorizeUrl, |list| list.collection;
}
