//! RequestRocket Core API: organisations ("clients"), credentials, targets, proxies, rules,
//! meters, request history and notifications; and, in [`proxy`], the data plane: your
//! application's traffic sent through a proxy, with which side answered.
//!
//! Every operation of `specs/requestrocket.yaml` is a method of [`Client`] (through `Deref` to
//! the generated [`api::Client`], whose docs list every call), named after its operationId, with
//! a builder per call whose `send` returns [`crate::Result`]. Three things here carry the name:
//! [`Client`] is the one you build and call; [`api::Client`] is the generated client it
//! dereferences to; [`types::Client`] is RequestRocket's *client* resource (an organisation).
//!
//! ```no_run
//! use rocket_apis::requestrocket::Client;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // REQUESTROCKET_USER_TOKEN=u-… (Settings → Keys); REQUESTROCKET_BASE_URL is optional.
//! let rr = Client::from_env()?;
//! let clients = rr.list_clients().send().await?;
//! for client in clients.items() {
//!     println!("{}", client.client_name);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Creating something: the body's builder takes `&str`, and a missing required parameter or
//! field fails before anything is sent, naming it as the spec does.
//!
//! ```
//! # #[cfg(feature = "mock")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> anyhow::Result<()> {
//! use rocket_apis::requestrocket::{mock::MockServer, types};
//!
//! let server = MockServer::start().await;
//! // A type only read back has no builder: a struct literal builds the mock's answer.
//! let created = types::Target {
//!     p_key: "p-1".into(),
//!     s_key: "tgt_1".into(),
//!     target_name: "Payments API".into(),
//!     ..Default::default()
//! };
//! server.create_target().path_param("clientId", "c-1").ok(&created).await;
//!
//! let rr = server.client();
//! let target = rr
//!     .create_target()
//!     .client_id("c-1")
//!     .body(types::TargetInput::builder().target_name("Payments API").target_base_url("https://api.payments.example.com"))
//!     .send()
//!     .await?;
//! assert_eq!(target.s_key, "tgt_1");
//!
//! let err = rr.create_target().body(types::TargetInput::default()).send().await.unwrap_err();
//! assert!(err.to_string().contains("createTarget: path parameter `clientId` is required"));
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "mock"))]
//! # fn main() {}
//! ```
//!
//! Settings, and an endpoint that is not in the spec yet:
//!
//! ```
//! use std::time::Duration;
//! use rocket_apis::requestrocket::{Client, UserToken};
//!
//! let client = Client::builder(UserToken::new("u-4f9c2a7e1b")?)
//!     .base_url("http://127.0.0.1:8080/api")
//!     .timeout(Duration::from_secs(10))
//!     .build()?;
//! assert_eq!(client.base_url(), "http://127.0.0.1:8080/api");
//! let _members = client.raw(http::Method::GET, "/clients/c1/members").query("page", 1);
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! ```

use http::{HeaderMap, HeaderName, StatusCode};
use secrecy::SecretString;

use crate::{
    credential::{self, Format},
    error::{ConfigError, VendorError},
    open_enum::open_enum,
    transport::{self, ClientBuilder, Service},
};

transport::generated_api!("requestrocket");

pub mod proxy;

/// The header that carries the user token, as the spec's `userToken` security scheme names it.
pub const AUTH_HEADER: &str = "authorization";
/// Production base URL: the spec's first server with its default `basePath` (`/api`).
pub const DEFAULT_BASE_URL: &str = "https://api.requestrocket.com/api";
/// The prefix every user token starts with.
pub const TOKEN_PREFIX: &str = "u-";
/// Environment variable read by [`Client::from_env`] for the token.
pub const TOKEN_ENV: &str = "REQUESTROCKET_USER_TOKEN";
/// Environment variable read by [`Client::from_env`] for the base URL.
pub const BASE_URL_ENV: &str = "REQUESTROCKET_BASE_URL";

const TOKEN_FORMAT: Format = Format {
    name: "RequestRocket user token",
    prefixes: &[TOKEN_PREFIX],
    alphanumeric_rest: false,
    min_rest: 0,
    expected: "A user token starts with `u-` and is sent raw, without `Bearer`; copy it from \
               Settings → Keys in the RequestRocket dashboard",
};

/// A personal RequestRocket user token (`u-…`), checked and kept secret.
///
/// It is refused if empty, without the `u-` prefix, with a `Bearer ` prefix, or with
/// whitespace or control characters. `Debug` and `Display` show `UserToken(u-****)`.
///
/// ```
/// use rocket_apis::requestrocket::UserToken;
///
/// let token: UserToken = "u-4f9c2a7e1b".parse().unwrap();
/// assert_eq!(format!("{token:?}"), "UserToken(u-****)");
/// assert!("Bearer u-4f9c2a7e1b".parse::<UserToken>().is_err());
/// ```
#[derive(Clone)]
pub struct UserToken(SecretString);

credential::secret_credential!(UserToken, TOKEN_FORMAT);

/// What a RequestRocket client sends: one user token, or both of your account's token slots
/// (User Token 1 and User Token 2 under Settings → Keys).
///
/// With both slots, the client sends the first; when a call draws a `401` it sends the call
/// again, once, with the other slot and keeps using the one that worked. That is how to rotate
/// without downtime: give the client both tokens, then regenerate either slot in the dashboard
/// whenever you like (and give the new pair with
/// [`Client::set_credentials`](Client::set_credentials) when convenient); no call fails.
///
/// ```
/// use rocket_apis::requestrocket::{Client, Credentials, UserToken};
///
/// let both = Credentials::two_slots(UserToken::new("u-slot1token")?, UserToken::new("u-slot2token")?);
/// let client = Client::new(both)?;
/// // Later, after regenerating slot 1 in the dashboard:
/// client.set_credentials(Credentials::two_slots(UserToken::new("u-slot1fresh")?, UserToken::new("u-slot2token")?));
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Credentials {
    first: UserToken,
    second: Option<UserToken>,
}

impl Credentials {
    /// One user token.
    pub fn new(token: UserToken) -> Self {
        Credentials {
            first: token,
            second: None,
        }
    }

    /// Both token slots: `first` is sent until a `401` says it was revoked, then `second`
    /// (and back, should that one be revoked later).
    pub fn two_slots(first: UserToken, second: UserToken) -> Self {
        Credentials {
            first,
            second: Some(second),
        }
    }
}

impl From<UserToken> for Credentials {
    fn from(token: UserToken) -> Self {
        Credentials::new(token)
    }
}

fn token_header(token: &UserToken) -> HeaderMap {
    // Raw token, no scheme (Core API authentication page).
    HeaderMap::from_iter([(
        HeaderName::from_static(AUTH_HEADER),
        credential::sensitive_header(token.secret(), ""),
    )])
}

transport::api_client!(
    service = RequestRocket,
    name = "RequestRocket Core API",
    credentials = Credentials,
    error = types::ErrorBody
);

impl Service for RequestRocket {
    #[cfg(feature = "mock")]
    fn mock_credentials() -> Self::Credentials {
        use crate::credential::known_valid as valid;
        Credentials::new(valid(UserToken::new("u-mock0000")))
    }

    const NAME: &'static str = "RequestRocket";
    const DEFAULT_BASE_URL: &'static str = DEFAULT_BASE_URL;
    type Credentials = Credentials;

    fn headers(credentials: &Credentials) -> HeaderMap {
        token_header(&credentials.first)
    }

    fn live(credentials: &Credentials) -> transport::Renewal {
        match &credentials.second {
            Some(second) => transport::Renewal::alternating(token_header(&credentials.first), token_header(second)),
            None => transport::Renewal::fixed(token_header(&credentials.first)),
        }
    }
}

impl Client {
    /// A client from `REQUESTROCKET_USER_TOKEN` and, when set, `REQUESTROCKET_BASE_URL`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::builder_from_env()?.build()
    }

    /// A builder from the environment, as [`Client::from_env`], to adjust before building.
    pub fn builder_from_env() -> Result<ClientBuilder<RequestRocket>, ConfigError> {
        let token = transport::env_var(TOKEN_ENV)?.ok_or(ConfigError::MissingEnv {
            var: TOKEN_ENV,
            what: "your RequestRocket user token (`u-…`, from Settings → Keys in the dashboard)",
        })?;
        let token = UserToken::new(token).map_err(|e| e.with_env_var(TOKEN_ENV))?;
        Self::builder(token).base_url_from_env(BASE_URL_ENV)
    }
}

impl VendorError for types::ErrorBody {
    const API: &'static str = "RequestRocket";

    fn message(&self) -> Option<String> {
        self.message.clone().or_else(|| self.error.clone())
    }

    fn code(&self) -> Option<String> {
        self.code.clone()
    }

    fn stand_in(status: StatusCode, text: &str) -> serde_json::Value {
        crate::error::flat_stand_in(status, text)
    }
}

/// Lists come in the resource-named shape (`{"clients": [...]}`) on the reference pages and as
/// `{"data": [...]}` on the overview page; the spec accepts both, and `items()` reads whichever
/// arrived.
macro_rules! list_items {
    ($($list:ident.$field:ident: $item:ident;)+) => {$(
        impl types::$list {
            /// The items, from whichever of the two documented list shapes arrived.
            pub fn items(&self) -> &[types::$item] {
                if self.$field.is_empty() { &self.data } else { &self.$field }
            }
        }

        impl $crate::pagination::ListPage for types::$list {
            type Item = types::$item;
            fn into_items(self) -> Vec<types::$item> {
                if self.$field.is_empty() { self.data } else { self.$field }
            }
            fn items_slice(&self) -> &[types::$item] {
                self.items()
            }
        }

        impl $crate::pagination::NumberedPage for types::$list {
            fn total_pages(&self) -> Option<u64> {
                self.pagination.as_ref().and_then(|p| u64::try_from(p.pages).ok())
            }
        }
    )+};
}

crate::pagination::numbered_pages! {
    RequestHistoryPage: RequestLog, items = data, total_pages = |p| u64::try_from(p.pagination.pages).ok();
}

crate::pagination::numbered_lists! {
    ListClients => types::ClientList;
    ListCredentials => types::CredentialList;
    ListCredentialRules => types::RuleList;
    ListTargets => types::TargetList;
    ListTargetRules => types::RuleList;
    ListProxies => types::ProxyList;
    ListProxyRules => types::RuleList;
    ListMeters => types::MeterList;
    ListProxyRequests => types::ProxyRequestList;
    ListClientRequests => types::RequestHistoryPage;
    ListClientNotifications => types::NotificationList;
    ListSystemNotifications => types::NotificationList;
    ListUserNotifications => types::NotificationList;
}

list_items! {
    ClientList.clients: Client;
    CredentialList.credentials: Credential;
    TargetList.targets: Target;
    ProxyList.proxies: Proxy;
    MeterList.meters: Meter;
    RuleList.rules: Rule;
    NotificationList.notifications: Notification;
    ProxyRequestList.requests: RequestLog;
}

open_enum! {
    /// A member's role in a client (organisation).
    pub enum ClientRole {
        /// Owns the organisation.
        Owner = "owner",
        /// Administers it.
        Admin = "admin",
    }
}

open_enum! {
    /// An HTTP method a rule matches.
    pub enum HttpMethod {
        /// GET
        Get = "GET",
        /// POST
        Post = "POST",
        /// PUT
        Put = "PUT",
        /// PATCH
        Patch = "PATCH",
        /// DELETE
        Delete = "DELETE",
        /// HEAD
        Head = "HEAD",
        /// OPTIONS
        Options = "OPTIONS",
    }
}

open_enum! {
    /// What a meter adds up.
    pub enum MeterType {
        /// One per matching request.
        RequestCount = "request_count",
        /// A number taken from each response (its `extraction` says where).
        ResponseValue = "response_value",
    }
}

open_enum! {
    /// Who a notification is for.
    pub enum NotificationType {
        /// Everyone.
        System = "system",
        /// One user.
        User = "user",
        /// One client (organisation).
        Client = "client",
    }
}

open_enum! {
    /// Whether a rule's path pattern must match or must not.
    pub enum PathPresence {
        /// The pattern must match.
        Present = "present",
        /// The pattern must not match.
        Absent = "absent",
    }
}

open_enum! {
    /// Whether a rule (or a default) allows or denies.
    pub enum RuleEffect {
        /// Allow.
        Allow = "allow",
        /// Deny.
        Deny = "deny",
    }
}
