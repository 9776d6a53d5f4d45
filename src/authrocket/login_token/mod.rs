//! AuthRocket login tokens verified locally, as the vendor's own clients do: no round trip, one
//! typed error per reason a token is refused (the vendor clients return `nil` for all of them).
//!
//! A login token is a JWT that AuthRocket signs with the realm's key: HS256 with the realm's JWT
//! secret (`jsk_…`, the default) or RS256 with the realm's key pair (the public key is
//! shareable). [`LoginTokenVerifier`] checks the signature with the key you configure (never
//! with one the token names), then the expiry (with a leeway, 5 s by default, as the vendor's
//! PHP client), an optional maximum age since issue (the vendor's `within`) and an optional
//! realm, and maps the claims of both AuthRocket token layouts to a [`LoginSession`].
//!
//! ```
//! use rocket_apis::authrocket::{JwtSecret, LoginTokenVerifier, TokenError};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // In an app: `LoginTokenVerifier::from_env()?` (AUTHROCKET_JWT_SECRET=jsk_…).
//! let verifier = LoginTokenVerifier::new(JwtSecret::new("jsk_m2y4UYnjRCXzuZVq57bJJSDoqOFMuQCFmLp4Nh9gcbk")?);
//! let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1aWQiOiJ1c3JfMHZLek1rMnZ0TjVNT09rNERCYVJ4aiIsInVuIjoiYWRhIiwibiI6IkFkYSBMb3ZlbGFjZSIsIm0iOlt7InAiOlsiYWRtaW4iXSwib2lkIjoib3JnXzB2S3pLNGhKM3pMMm1OOXBROHJTN3QiLCJvIjoiQW5hbHl0aWNhbCBFbmdpbmVzIn1dLCJ0ayI6Imtzc18wdkt6UjF1VjZ6UHBYN2RBNWVYZjZnIiwiYXVkIjoicmxfMHYxelRIWGh0TmdtRGFYYURZU0FxeCIsImlhdCI6MTc2NzIyNTYwMCwiZXhwIjo0MTAyNDQ0ODAwfQ.whZXjCNt37m1UYTa605zP7lYaPfgHCAD222Sq9WH1PA";
//! let session = verifier.verify(token)?;
//! assert_eq!(session.user_id(), "usr_0vKzMk2vtN5MOOk4DBaRxj");
//! assert_eq!(session.name(), Some("Ada Lovelace"));
//! let org = session.memberships().next().expect("one membership");
//! assert_eq!(org.permissions().collect::<Vec<_>>(), ["admin"]);
//!
//! // An unsigned token, `{"alg":"none"}`: refused, and the error says why.
//! assert_eq!(verifier.verify("eyJhbGciOiJub25lIn0.e30."), Err(TokenError::AlgNone));
//! # Ok(()) }
//! ```
//!
//! A locally valid token may still belong to a session that was logged out since:
//! [`LoginTokenVerifier::confirm`] asks the API (`GET /v1/sessions/{id}`) when that matters.

use std::{
    borrow::Cow,
    fmt,
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, crypto::CryptoProvider};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{Client, RealmId, types};
use crate::{
    credential::{self, Format, InvalidCredential},
    error::ConfigError,
    transport,
};

mod claims;
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
mod ring_backend;
mod session;

use base64::Engine as _;
use claims::{Audience, Claims};
pub use session::{LoginMembership, LoginSession, Memberships, Permissions};

// The TLS backend's crypto, for HMAC with a key prepared once (the two crates share this API).
#[cfg(feature = "tls-aws-lc")]
use aws_lc_rs as crypto;
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
use ring as crypto;

/// Environment variable read first by [`LoginTokenVerifier::from_env`]: the realm's HS256 JWT
/// secret (`jsk_…`), the name the vendor's clients use.
pub const JWT_SECRET_ENV: &str = "AUTHROCKET_JWT_SECRET";
/// Environment variable read when [`JWT_SECRET_ENV`] is not set: the realm's RS256 public key
/// (PEM, or the bare base64 form), or a `jsk_` secret.
pub const JWT_KEY_ENV: &str = "AUTHROCKET_JWT_KEY";
/// Prefix of a realm's JWT secret.
pub const JWT_SECRET_PREFIX: &str = "jsk_";
/// Clock skew allowed on the token's times unless set otherwise: 5 s, as the vendor's PHP client.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(5);
/// The issuer AuthRocket writes in its login tokens' `iss` claim (the vendor's Ruby client
/// checks it). A token whose `iss` is present and another is refused
/// ([`TokenError::WrongIssuer`]); see [`LoginTokenVerifier::issuer`].
pub const AUTHROCKET_ISSUER: &str = "https://authrocket.com";
/// Longest token accepted, in bytes; a longer one is refused before any decoding. Tokens with
/// every membership and org included grow large, but not to this.
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

const JWT_SECRET_FORMAT: Format = Format {
    name: "AuthRocket JWT secret",
    prefixes: &[JWT_SECRET_PREFIX],
    alphanumeric_rest: false,
    // AuthRocket generates long random secrets; anything shorter is a placeholder (`jsk_SAMPLE`),
    // and RFC 7518 §3.2 wants an HS256 key at least as long as the hash.
    min_rest: 16,
    expected: "A realm's JWT secret starts with `jsk_`; find it in the AuthRocket portal in the realm's settings, \
               Sessions & JWT (an RS256 realm shows a public key instead: use `LoginTokenVerifier::rs256`)",
};

/// A realm's HS256 JWT secret (`jsk_…`), checked and kept secret: `Debug` and `Display` show
/// `JwtSecret(jsk_****)`.
///
/// ```
/// use rocket_apis::authrocket::JwtSecret;
///
/// let secret = JwtSecret::new("jsk_m2y4UYnjRCXzuZVq57bJJSDoqOFMuQCFmLp4Nh9gcbk").unwrap();
/// assert_eq!(format!("{secret:?}"), "JwtSecret(jsk_****)");
/// assert!(JwtSecret::new("m2y4UYnjRCXz").is_err()); // no `jsk_`
/// ```
#[derive(Clone)]
pub struct JwtSecret(SecretString);

credential::secret_credential!(JwtSecret, JWT_SECRET_FORMAT);

/// The signing algorithms AuthRocket issues login tokens with (the realm's `jwt_algo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwtAlgorithm {
    /// HMAC-SHA256 with the realm's secret (`jsk_…`), AuthRocket's default.
    Hs256,
    /// RSA PKCS#1 v1.5 with SHA-256, verified with the realm's public key.
    Rs256,
}

impl JwtAlgorithm {
    fn jwt(self) -> Algorithm {
        match self {
            JwtAlgorithm::Hs256 => Algorithm::HS256,
            JwtAlgorithm::Rs256 => Algorithm::RS256,
        }
    }

    /// From a realm's or a JWT key's `algo` (`hs256`, `rs256`, any case).
    fn from_algo(algo: &str) -> Option<Self> {
        if algo.eq_ignore_ascii_case("hs256") {
            Some(JwtAlgorithm::Hs256)
        } else if algo.eq_ignore_ascii_case("rs256") {
            Some(JwtAlgorithm::Rs256)
        } else {
            None
        }
    }
}

impl fmt::Display for JwtAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JwtAlgorithm::Hs256 => "HS256",
            JwtAlgorithm::Rs256 => "RS256",
        })
    }
}

/// A key that could not be used. The message never contains the key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key is empty.
    #[error("the AuthRocket JWT key is empty")]
    Empty,
    /// An HS256 secret was given where an RS256 public key was expected.
    #[error(
        "this is an HS256 JWT secret (`jsk_…`), not an RS256 public key: use `LoginTokenVerifier::new(JwtSecret::new(…)?)`"
    )]
    IsSecret,
    /// A private key was given; only the public key is needed, and the private key should not
    /// be on this machine.
    #[error("this is a private key: give the realm's public key (`-----BEGIN PUBLIC KEY-----`) instead")]
    PrivateKey,
    /// Neither an RSA public key in PEM form nor the bare base64 form of one.
    #[error(
        "not an RSA public key: expected PEM (`-----BEGIN PUBLIC KEY-----` …) or the bare base64 form the AuthRocket portal shows"
    )]
    NotRsaPublicKey,
    /// An HS256 secret that does not pass the checks.
    #[error(transparent)]
    Secret(#[from] InvalidCredential),
}

/// Why the realm's keys could not be loaded through the API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The API call failed.
    #[error("could not load the realm's JWT keys: {0}")]
    Api(#[source] crate::Error),
    /// The realm has a key this crate cannot use.
    #[error("JWT key {kid} of the realm: {source}")]
    Key {
        /// The key's id (`jky_…`), or `realm.jwt_key` for the realm's own key.
        kid: String,
        /// What is wrong with it.
        #[source]
        source: KeyError,
    },
    /// No usable HS256 or RS256 key: none given, or neither `/v1/jwt_keys` nor the realm
    /// showed one (AuthRocket shows them only to an API key with the `admin_realm` permission).
    #[error(
        "{} has no usable HS256 or RS256 JWT key (reading them takes an API key with the `admin_realm` permission)",
        realm.as_deref().map(|r| format!("realm {r}")).unwrap_or_else(|| "the key list".into())
    )]
    NoKey {
        /// The realm, when loaded through the API.
        realm: Option<String>,
    },
}

/// One verification key: its algorithm is fixed here, never taken from a token.
#[derive(Clone)]
struct VerifyingKey {
    kid: Option<String>,
    algorithm: JwtAlgorithm,
    material: Material,
    expired: bool,
}

#[derive(Clone)]
enum Material {
    /// The HMAC key, prepared once (its inner and outer pads hashed) rather than per token.
    Hmac(Box<crypto::hmac::Key>),
    /// An RSA public key, checked through jsonwebtoken's provider.
    Rsa(DecodingKey),
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.algorithm)?;
        if let Some(kid) = &self.kid {
            write!(f, " {kid}")?;
        }
        if self.expired {
            f.write_str(" (expired)")?;
        }
        Ok(())
    }
}

/// Verifies AuthRocket login tokens locally. Cheap to clone (the keys are shared); build it once
/// and keep it, e.g. in your web framework's state.
///
/// `Debug` shows the algorithms, key ids and options, never a key.
#[derive(Clone)]
pub struct LoginTokenVerifier {
    keys: Arc<[VerifyingKey]>,
    leeway: Duration,
    max_age: Option<Duration>,
    realm: Option<RealmId>,
    issuer: Cow<'static, str>,
    accept_expired_keys: bool,
}

impl fmt::Debug for LoginTokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginTokenVerifier")
            .field("keys", &self.keys)
            .field("leeway", &self.leeway)
            .field("max_age", &self.max_age)
            .field("realm", &self.realm)
            .field("issuer", &self.issuer)
            .field("accept_expired_keys", &self.accept_expired_keys)
            .finish()
    }
}

impl LoginTokenVerifier {
    fn with_keys(keys: Vec<VerifyingKey>) -> Self {
        LoginTokenVerifier {
            keys: keys.into(),
            leeway: DEFAULT_LEEWAY,
            max_age: None,
            realm: None,
            issuer: Cow::Borrowed(AUTHROCKET_ISSUER),
            accept_expired_keys: false,
        }
    }

    /// Verifies HS256 tokens with the realm's JWT secret.
    pub fn new(secret: JwtSecret) -> Self {
        Self::with_keys(vec![hs256_key(None, &secret, false)])
    }

    /// Verifies RS256 tokens with the realm's public key: PEM (`-----BEGIN PUBLIC KEY-----`), or
    /// the bare base64 form without the armour lines, as the AuthRocket portal may show it.
    pub fn rs256(public_key: &str) -> Result<Self, KeyError> {
        Ok(Self::with_keys(vec![rs256_key(None, public_key, false)?]))
    }

    /// From the environment: `AUTHROCKET_JWT_SECRET` (`jsk_…`), else `AUTHROCKET_JWT_KEY` (an
    /// RS256 public key, or a `jsk_` secret).
    pub fn from_env() -> Result<Self, ConfigError> {
        if let Some(secret) = transport::env_var(JWT_SECRET_ENV)? {
            let secret = JwtSecret::new(secret).map_err(|e| e.with_env_var(JWT_SECRET_ENV))?;
            return Ok(Self::new(secret));
        }
        match transport::env_var(JWT_KEY_ENV)? {
            Some(key) if key.trim_start().starts_with(JWT_SECRET_PREFIX) => {
                let secret = JwtSecret::new(key.trim()).map_err(|e| e.with_env_var(JWT_KEY_ENV))?;
                Ok(Self::new(secret))
            }
            Some(key) => Self::rs256(&key).map_err(|e| ConfigError::Invalid {
                api: "AuthRocket",
                message: format!("{JWT_KEY_ENV}: {e}"),
            }),
            None => Err(ConfigError::MissingEnv {
                var: JWT_SECRET_ENV,
                what: "your realm's JWT secret (`jsk_…`), or set AUTHROCKET_JWT_KEY to its RS256 public key",
            }),
        }
    }

    /// From a realm's JWT keys as `/v1/jwt_keys` lists them (`list_jwt_keys`), keyed by their
    /// id: a token whose header names a `kid` is checked with that key only. Keys with another
    /// algorithm than `hs256` or `rs256` are skipped. Keys marked `expired` (replaced, and soon
    /// deleted by AuthRocket) are kept but refuse their tokens unless
    /// [`accept_expired_keys`](Self::accept_expired_keys) is on.
    pub fn from_jwt_keys<'a>(keys: impl IntoIterator<Item = &'a types::JwtKey>) -> Result<Self, LoadError> {
        let mut loaded = Vec::new();
        for key in keys {
            let Some(algorithm) = key.algo.as_deref().and_then(JwtAlgorithm::from_algo) else {
                continue;
            };
            let material = key.key.as_deref().unwrap_or_default();
            let expired = key.expired.unwrap_or(false);
            let kid = Some(key.id.clone());
            let loaded_key = match algorithm {
                JwtAlgorithm::Hs256 => JwtSecret::new(material)
                    .map(|secret| hs256_key(kid, &secret, expired))
                    .map_err(KeyError::from),
                JwtAlgorithm::Rs256 => rs256_key(kid, material, expired),
            };
            loaded.push(loaded_key.map_err(|source| LoadError::Key {
                kid: key.id.clone(),
                source,
            })?);
        }
        if loaded.is_empty() {
            return Err(LoadError::NoKey { realm: None });
        }
        Ok(Self::with_keys(loaded))
    }

    /// Loads the realm's keys through the API: `GET /v1/jwt_keys?realm_id=…` (every page), or,
    /// when that lists none (or is refused), the realm's own `jwt_algo` and `jwt_key`. The
    /// verifier then also expects tokens of this realm ([`expected_realm`](Self::expected_realm)).
    ///
    /// Load once at start-up and again after a key rotation: tokens signed with a key the
    /// verifier does not have fail with [`TokenError::UnknownKey`].
    pub async fn from_realm(client: &Client, realm: &RealmId) -> Result<Self, LoadError> {
        let listed = match api::jwt_keys(client, realm).await {
            Ok(keys) => keys,
            Err(e) if matches!(e.status().map(|s| s.as_u16()), Some(403 | 404)) => Vec::new(),
            Err(e) => return Err(LoadError::Api(e)),
        };
        let verifier = match Self::from_jwt_keys(&listed) {
            Ok(verifier) => verifier,
            Err(LoadError::NoKey { .. }) => {
                let found = api::realm(client, realm).await.map_err(LoadError::Api)?;
                let no_key = || LoadError::NoKey {
                    realm: Some(realm.to_string()),
                };
                let algorithm = found
                    .jwt_algo
                    .as_deref()
                    .and_then(JwtAlgorithm::from_algo)
                    .ok_or_else(no_key)?;
                let material = found.jwt_key.as_deref().filter(|k| !k.is_empty()).ok_or_else(no_key)?;
                let key = match algorithm {
                    JwtAlgorithm::Hs256 => JwtSecret::new(material)
                        .map(|secret| hs256_key(None, &secret, false))
                        .map_err(KeyError::from),
                    JwtAlgorithm::Rs256 => rs256_key(None, material, false),
                }
                .map_err(|source| LoadError::Key {
                    kid: "realm.jwt_key".into(),
                    source,
                })?;
                Self::with_keys(vec![key])
            }
            Err(e) => return Err(e),
        };
        Ok(verifier.expected_realm(realm.clone()))
    }

    /// Clock skew allowed on `exp`, `nbf` and `iat` (default [`DEFAULT_LEEWAY`], 5 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Refuses tokens issued longer ago than this, however far their expiry (the vendor's
    /// `within`: e.g. ask for a fresh login before a sensitive action). Off by default.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Refuses tokens of any other realm (the realm is the `rid` claim, or `aud` in the
    /// AuthRocket 1 layout), and tokens that name none.
    ///
    /// This is how a verifier is bound to one realm: an account's realms may share nothing, but
    /// a verifier built from a secret alone accepts a token of any realm signed with it. Set it
    /// whenever you know the realm ([`from_realm`](Self::from_realm) sets it for you).
    pub fn expected_realm(mut self, realm: RealmId) -> Self {
        self.realm = Some(realm);
        self
    }

    /// The issuer a token's `iss` claim must name when it has one (default
    /// [`AUTHROCKET_ISSUER`]); a token without `iss` is accepted, as AuthRocket 1 tokens carry
    /// none. Change it only for tokens of a self-hosted or test issuer.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Cow::Owned(issuer.into());
        self
    }

    /// Whether keys the API marks `expired` (replaced by a newer key, deleted by AuthRocket
    /// soon after) still verify their tokens: off by default, so a replaced key stops working at
    /// once even in a verifier loaded long ago. Turn it on for a grace period after a routine
    /// rotation, so sessions signed with the old key are not logged out.
    pub fn accept_expired_keys(mut self, accept: bool) -> Self {
        self.accept_expired_keys = accept;
        self
    }

    /// Verifies a login token (the bare JWT, without `Bearer `) and returns its session.
    ///
    /// The signature is checked before any claim is read; the algorithm comes from the
    /// configured key, never from the token. Refusals are logged at `DEBUG` with their reason,
    /// never with the token.
    pub fn verify(&self, token: &str) -> Result<LoginSession, TokenError> {
        let verified = self.verify_at(token, unix_now());
        match &verified {
            Ok(session) => tracing::trace!(
                target: "rocket_apis::authrocket::login_token",
                user_id = session.user_id(),
                session_id = session.session_id().unwrap_or(""),
                "login token verified"
            ),
            Err(e) => tracing::debug!(
                target: "rocket_apis::authrocket::login_token",
                reason = %e,
                "login token refused"
            ),
        }
        verified
    }

    /// Verifies the token locally, then asks AuthRocket whether its session still exists
    /// (`GET /v1/sessions/{id}`): a session logged out or revoked since the token was issued
    /// fails with [`ConfirmError::Revoked`]. One API round trip; use it where a revoked session
    /// must not get through (changing a password, paying), and [`verify`](Self::verify)
    /// elsewhere.
    ///
    /// The path names the token's session id (`tk` or `sid`), so the token itself is sent only
    /// for a token without one (AuthRocket accepts the full token in its place); either way the
    /// client's traces record the path template, never the value.
    pub async fn confirm(&self, client: &Client, token: &str) -> Result<LoginSession, ConfirmError> {
        let session = self.verify(token)?;
        let id = session.session_id().unwrap_or(token);
        let answer = api::session(client, id).await;
        match answer {
            Ok(found) if found.user_id.as_deref().is_none_or(|user| user == session.user_id()) => Ok(session),
            Ok(_) => Err(ConfirmError::OtherUser),
            Err(e) if e.status().map(|s| s.as_u16()) == Some(404) => Err(ConfirmError::Revoked {
                session_id: session.session_id().map(str::to_owned),
            }),
            Err(e) => Err(ConfirmError::Api(e)),
        }
    }

    fn verify_at(&self, token: &str, now: f64) -> Result<LoginSession, TokenError> {
        let parts = split(token)?;
        let header_json = decode_part(parts.header, Part::Header)?;
        let header: Header<'_> = parse_object(&header_json, Part::Header)?;
        if header.crit.is_some() {
            return Err(TokenError::Malformed(Malformed::CriticalHeader));
        }
        let algorithm = if header.alg.eq_ignore_ascii_case("none") {
            return Err(TokenError::AlgNone);
        } else if header.alg == "HS256" {
            Some(JwtAlgorithm::Hs256)
        } else if header.alg == "RS256" {
            Some(JwtAlgorithm::Rs256)
        } else {
            None
        };
        // The signature over the raw `header.payload` first, then the claims: only a token
        // signed with our key has its claims read.
        let signature = decode_part(parts.signature, Part::Signature)?;
        self.check_signature(algorithm, &header, parts.signed.as_bytes(), &signature)?;
        let json = decode_part(parts.payload, Part::Payload)?;
        let claims: Claims = parse_object(&json, Part::Payload)?;
        self.check_claims(claims, now)
    }

    /// Finds the key for this token (by `kid` when both sides have one) and checks the
    /// signature with it.
    fn check_signature(
        &self,
        algorithm: Option<JwtAlgorithm>,
        header: &Header<'_>,
        signed: &[u8],
        signature: &[u8],
    ) -> Result<(), TokenError> {
        let kid = header.kid.as_deref();
        let (mut named, mut other_algorithm, mut expired) = (false, None, None);
        let mut tried = false;
        for key in self.keys.iter() {
            if let (Some(ours), Some(theirs)) = (key.kid.as_deref(), kid)
                && ours != theirs
            {
                continue;
            }
            named = true;
            if Some(key.algorithm) != algorithm {
                other_algorithm.get_or_insert(key.algorithm);
                continue;
            }
            if key.expired && !self.accept_expired_keys {
                expired.get_or_insert(key);
                continue;
            }
            tried = true;
            if signature_matches(key, signed, signature) {
                return Ok(());
            }
        }
        Err(if tried {
            TokenError::BadSignature
        } else if let Some(key) = expired {
            TokenError::KeyExpired {
                kid: key.kid.clone().unwrap_or_default(),
            }
        } else if let Some(expected) = other_algorithm {
            TokenError::AlgorithmMismatch {
                expected,
                found: shown(&header.alg, 16),
            }
        } else if named {
            // Only reached with no keys at all, which the constructors prevent.
            TokenError::BadSignature
        } else {
            TokenError::UnknownKey {
                kid: shown(kid.unwrap_or_default(), 64),
            }
        })
    }

    fn check_claims(&self, mut claims: Claims, now: f64) -> Result<LoginSession, TokenError> {
        let leeway = self.leeway.as_secs_f64();
        let user_id = claims
            .uid
            .take()
            .or(claims.sub.take())
            .filter(|id| !id.is_empty())
            .ok_or(TokenError::MissingClaim("uid"))?;
        let exp = claims.exp.ok_or(TokenError::MissingClaim("exp"))?;
        let iat = claims.iat.ok_or(TokenError::MissingClaim("iat"))?;
        let expires_at = timestamp(exp).ok_or(TokenError::InvalidClaim("exp"))?;
        let issued_at = timestamp(iat).ok_or(TokenError::InvalidClaim("iat"))?;
        if now - leeway >= exp {
            return Err(TokenError::Expired {
                expired_at: expires_at,
                ago: Duration::try_from_secs_f64(now - exp).unwrap_or(Duration::MAX),
            });
        }
        if let Some(nbf) = claims.nbf
            && nbf > now + leeway
        {
            return Err(TokenError::NotYetValid {
                valid_from: timestamp(nbf).ok_or(TokenError::InvalidClaim("nbf"))?,
            });
        }
        if iat > now + leeway {
            return Err(TokenError::NotYetValid { valid_from: issued_at });
        }
        if let Some(max_age) = self.max_age
            && now - iat > max_age.as_secs_f64()
        {
            return Err(TokenError::TooOld { issued_at, max_age });
        }
        if let Some(iss) = &claims.iss
            && iss.as_str() != self.issuer
        {
            return Err(TokenError::WrongIssuer {
                expected: self.issuer.to_string(),
                found: shown(iss, 64),
            });
        }
        let realm_id = claims.rid.take().or_else(|| claims.aud.take().and_then(realm_of));
        if let Some(expected) = &self.realm
            && realm_id.as_deref() != Some(expected.as_str())
        {
            return Err(TokenError::WrongRealm {
                expected: expected.to_string(),
                found: realm_id.map(|r| shown(&r, 64)),
            });
        }
        let checked = session::Checked {
            user_id,
            realm_id,
            issued_at,
            expires_at,
        };
        Ok(LoginSession::new(claims, checked))
    }
}

fn hs256_key(kid: Option<String>, secret: &JwtSecret, expired: bool) -> VerifyingKey {
    VerifyingKey {
        kid,
        algorithm: JwtAlgorithm::Hs256,
        // The vendor's clients use the whole `jsk_…` string as the HMAC key.
        material: Material::Hmac(Box::new(crypto::hmac::Key::new(
            crypto::hmac::HMAC_SHA256,
            secret.secret().expose_secret().as_bytes(),
        ))),
        expired,
    }
}

fn rs256_key(kid: Option<String>, public_key: &str, expired: bool) -> Result<VerifyingKey, KeyError> {
    let text = public_key.trim();
    if text.is_empty() {
        return Err(KeyError::Empty);
    }
    if text.starts_with(JWT_SECRET_PREFIX) {
        return Err(KeyError::IsSecret);
    }
    if text.contains("PRIVATE KEY") {
        return Err(KeyError::PrivateKey);
    }
    let pem = if text.starts_with("-----BEGIN ") {
        // An env file often carries a PEM on one line with literal `\n`s.
        text.replace("\\n", "\n")
    } else {
        // The bare form: the base64 body alone, as the vendor's PHP client accepts it.
        let body: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)) {
            return Err(KeyError::NotRsaPublicKey);
        }
        let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
        for line in body.as_bytes().chunks(64) {
            pem.push_str(&String::from_utf8_lossy(line));
            pem.push('\n');
        }
        pem.push_str("-----END PUBLIC KEY-----\n");
        pem
    };
    let key = DecodingKey::from_rsa_pem(pem.as_bytes()).map_err(|_| KeyError::NotRsaPublicKey)?;
    Ok(VerifyingKey {
        kid,
        algorithm: JwtAlgorithm::Rs256,
        material: Material::Rsa(key),
        expired,
    })
}

/// The crypto of the TLS backend, aws-lc-rs through jsonwebtoken's own provider. Called
/// directly, so nothing is installed process-wide.
#[cfg(feature = "tls-aws-lc")]
fn provider() -> &'static CryptoProvider {
    &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER
}

/// The crypto of the TLS backend, ring through ours.
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
fn provider() -> &'static CryptoProvider {
    &ring_backend::PROVIDER
}

fn signature_matches(key: &VerifyingKey, signed: &[u8], signature: &[u8]) -> bool {
    match &key.material {
        // Constant-time comparison inside the crypto library.
        Material::Hmac(hmac) => crypto::hmac::verify(hmac, signed, signature).is_ok(),
        Material::Rsa(rsa) => match (provider().verifier_factory)(&key.algorithm.jwt(), rsa) {
            // jsonwebtoken's `Verifier<Vec<u8>>` takes the signature as a `Vec`.
            Ok(verifier) => verifier.verify(signed, &signature.to_vec()).is_ok(),
            Err(_) => false,
        },
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

fn timestamp(secs: f64) -> Option<DateTime<Utc>> {
    if !secs.is_finite() {
        return None;
    }
    let whole = secs.floor();
    let nanos = ((secs - whole) * 1e9) as u32;
    DateTime::from_timestamp(whole as i64, nanos.min(999_999_999))
}

/// A value from the token shown in an error: short and plain, or not at all.
fn shown(value: &str, max: usize) -> String {
    if !value.is_empty()
        && value.len() <= max
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.:/".contains(&b))
    {
        value.to_string()
    } else {
        "(not shown)".to_string()
    }
}

struct Parts<'a> {
    header: &'a str,
    payload: &'a str,
    signature: &'a str,
    /// `header.payload`, the bytes the signature covers.
    signed: &'a str,
}

fn split(token: &str) -> Result<Parts<'_>, TokenError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(TokenError::Malformed(Malformed::TooLong { len: token.len() }));
    }
    if token.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("bearer ")) {
        return Err(TokenError::Malformed(Malformed::SchemePrefix));
    }
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(header), Some(payload), Some(signature), None) => Ok(Parts {
            header,
            payload,
            signature,
            signed: &token[..header.len() + 1 + payload.len()],
        }),
        _ => Err(TokenError::Malformed(Malformed::Parts {
            parts: token.split('.').count(),
        })),
    }
}

/// Decodes a part: unpadded base64url, canonical (no stray bits).
fn decode_part(part: &str, which: Part) -> Result<Vec<u8>, TokenError> {
    if part.is_empty() {
        return Err(TokenError::Malformed(Malformed::Empty { part: which }));
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenError::Malformed(Malformed::Base64 { part: which }))
}

/// Reads a part's JSON, which must be an object (serde would read an array's items into a
/// struct's fields by position); a message keeps only where it broke (serde_json's may quote
/// the token's content).
fn parse_object<'a, T: Deserialize<'a>>(bytes: &'a [u8], part: Part) -> Result<T, TokenError> {
    let broke = |column| TokenError::Malformed(Malformed::Json { part, column });
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(broke(1));
    }
    serde_json::from_slice(bytes).map_err(|e| broke(e.column()))
}

#[derive(Deserialize)]
struct Header<'a> {
    #[serde(borrow)]
    alg: Cow<'a, str>,
    #[serde(default, borrow)]
    kid: Option<Cow<'a, str>>,
    /// Present, whatever its value (`"crit": null` too).
    #[serde(default, deserialize_with = "present")]
    crit: Option<serde::de::IgnoredAny>,
}

fn present<'de, D: serde::Deserializer<'de>>(value: D) -> Result<Option<serde::de::IgnoredAny>, D::Error> {
    serde::de::IgnoredAny::deserialize(value).map(Some)
}

/// The realm among the audiences (AuthRocket 1 puts the realm id in `aud`).
fn realm_of(aud: Audience) -> Option<String> {
    match aud {
        Audience::One(aud) => Some(aud),
        Audience::Many(auds) => auds.into_iter().find(|a| a.starts_with(super::REALM_PREFIX)),
    }
}

/// Which of the token's three parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// The header (first part).
    Header,
    /// The claims (second part).
    Payload,
    /// The signature (third part).
    Signature,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        })
    }
}

/// How a token is malformed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// Not three parts separated by dots.
    Parts {
        /// How many parts there are.
        parts: usize,
    },
    /// A part is empty.
    Empty {
        /// Which.
        part: Part,
    },
    /// A part is not unpadded base64url.
    Base64 {
        /// Which.
        part: Part,
    },
    /// The header or payload is not the JSON expected.
    Json {
        /// Which.
        part: Part,
        /// Where the JSON broke (1-based column of the decoded part).
        column: usize,
    },
    /// The header has `crit` extensions, which this verifier does not implement (RFC 7515
    /// §4.1.11 asks to refuse such a token).
    CriticalHeader,
    /// Longer than [`MAX_TOKEN_LEN`].
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// It starts with `Bearer `; give the token alone.
    SchemePrefix,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Parts { parts } => write!(f, "it has {parts} part(s), not the 3 of a JWT"),
            Malformed::Empty { part } => write!(f, "its {part} is empty"),
            Malformed::Base64 { part } => write!(f, "its {part} is not unpadded base64url"),
            Malformed::Json { part, column } => {
                write!(f, "its {part} is not the JSON of a login token (at column {column})")
            }
            Malformed::CriticalHeader => f.write_str("its header has `crit` extensions, which are not supported"),
            Malformed::TooLong { len } => write!(f, "it is {len} bytes long, over the {MAX_TOKEN_LEN}-byte limit"),
            Malformed::SchemePrefix => f.write_str("it starts with `Bearer `; give the token alone"),
        }
    }
}

/// Why a login token was refused: one variant per reason. No message contains the token or a
/// key; a value from the token (an algorithm name, a key id) is shown only when short and plain.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not a well-formed JWT.
    #[error("the login token is malformed: {0}")]
    Malformed(Malformed),
    /// An unsigned token (`alg: none`).
    #[error("the login token is unsigned (`alg: none`); refused")]
    AlgNone,
    /// Signed with another algorithm than the configured key's (e.g. an HS256 token checked
    /// against an RS256 public key: the algorithm confusion attack).
    #[error(
        "the login token says it is signed with {found}, but this verifier's key is {expected}; the key decides, not the token"
    )]
    AlgorithmMismatch {
        /// The configured key's algorithm.
        expected: JwtAlgorithm,
        /// The token's `alg`.
        found: String,
    },
    /// The header names a key id (`kid`) this verifier does not have.
    #[error(
        "the login token names key `{kid}`, which this verifier does not have (reload the realm's keys after a rotation)"
    )]
    UnknownKey {
        /// The token's `kid`.
        kid: String,
    },
    /// Signed with a key AuthRocket has replaced (`expired`); see
    /// [`LoginTokenVerifier::accept_expired_keys`].
    #[error("the login token is signed with key `{kid}`, which AuthRocket has replaced (expired); log in again")]
    KeyExpired {
        /// The key's id.
        kid: String,
    },
    /// The signature does not match: forged, altered, or signed with another key.
    #[error("the login token's signature does not match (forged, altered, or signed with another realm's key)")]
    BadSignature,
    /// Past its expiry (`exp`), beyond the leeway.
    #[error("the login token expired at {expired_at} ({}s ago)", ago.as_secs())]
    Expired {
        /// Its expiry.
        expired_at: DateTime<Utc>,
        /// How long ago.
        ago: Duration,
    },
    /// Not valid yet (`nbf`, or an `iat` in the future), beyond the leeway.
    #[error("the login token is not valid before {valid_from} (is this machine's clock right?)")]
    NotYetValid {
        /// When it becomes valid.
        valid_from: DateTime<Utc>,
    },
    /// Issued longer ago than the verifier's maximum age.
    #[error("the login token was issued at {issued_at}, more than the allowed {}s ago; log in again", max_age.as_secs())]
    TooOld {
        /// When it was issued.
        issued_at: DateTime<Utc>,
        /// The maximum age.
        max_age: Duration,
    },
    /// Of another realm than the expected one, or of none.
    #[error("the login token is for realm {}, not {expected}", found.as_deref().unwrap_or("(none named)"))]
    WrongRealm {
        /// The expected realm.
        expected: String,
        /// The token's realm.
        found: Option<String>,
    },
    /// Issued by someone else: the `iss` claim names another issuer than AuthRocket's (or the
    /// one set with [`LoginTokenVerifier::issuer`]).
    #[error("the login token was issued by {found}, not {expected}")]
    WrongIssuer {
        /// The issuer expected.
        expected: String,
        /// The token's `iss`, when short and plain.
        found: String,
    },
    /// A required claim is missing.
    #[error("the login token has no `{0}` claim")]
    MissingClaim(&'static str),
    /// A claim has a value out of range.
    #[error("the login token's `{0}` claim is out of range")]
    InvalidClaim(&'static str),
}

/// Why [`LoginTokenVerifier::confirm`] refused a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfirmError {
    /// The token failed local verification; the API was not asked.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// AuthRocket no longer has the session: logged out, revoked or deleted.
    #[error("the login token's session {} no longer exists: it was logged out or revoked", session_id.as_deref().unwrap_or("(unnamed)"))]
    Revoked {
        /// The session id, when the token carries one.
        session_id: Option<String>,
    },
    /// AuthRocket answered with a session of another user.
    #[error("AuthRocket answered with a session of another user than the token's")]
    OtherUser,
    /// The API call failed (the session's state is unknown).
    #[error("could not confirm the login token's session: {0}")]
    Api(#[source] crate::Error),
}

/// The API calls of this module, one small function each.
mod api {
    use futures_util::TryStreamExt;

    use super::{Client, RealmId, types};
    use crate::Paginate;

    /// `GET /v1/sessions/{id}`; `id` may be the full login token.
    pub(super) async fn session(client: &Client, id: &str) -> crate::Result<types::Session> {
        let found = client.get_session().session_id(id).send().await?;
        Ok(found.into_inner())
    }

    /// `GET /v1/jwt_keys?realm_id=…`, every page.
    pub(super) async fn jwt_keys(client: &Client, realm: &RealmId) -> crate::Result<Vec<types::JwtKey>> {
        client
            .list_jwt_keys()
            .realm_id(realm.as_str())
            .stream()
            .try_collect()
            .await
    }

    /// `GET /v1/realms/{id}`.
    pub(super) async fn realm(client: &Client, realm: &RealmId) -> crate::Result<types::Realm> {
        let found = client.get_realm().realm_id(realm.as_str()).send().await?;
        Ok(found.into_inner())
    }
}
