//! Live credentials: the one slot every clone of a client reads its credentials from, and what
//! renews them (a user's [`CredentialSource`], an OAuth refresh, a second token slot).
//!
//! - A *generation* is one whole credential set (every credential header at once) with what
//!   renews it and when it expires. The slot holds the current generation in an
//!   [`ArcSwap`]: a call reads it with one lock-free atomic load and copies its headers onto
//!   the request, so a request carries one whole generation, never a mix of two.
//! - [`Live::set`] (`Client::set_credentials`) swaps the generation; calls in flight keep the
//!   one they were sent with. Every clone and per-call view of a client shares the slot.
//! - A generation that expires (a source's expiry, an access token's `expires_in`) is renewed
//!   once, ahead of expiry by a margin: the first call that finds it due renews it while
//!   holding the single-flight guard; the others either go on with the still-valid set or, when
//!   it has expired, wait for that one renewal. The guard is never touched while a set is fresh.
//! - A `401` on a request sent with generation `g` renews `g` once (single-flight too: the
//!   100 calls that draw a 401 with `g` cause one renewal) and the call is sent again with the
//!   new set, once. A request whose generation was replaced meanwhile is simply sent again.
//!
//! Tracing: one `info` event per change of generation (`api`, `why`, `generation`, `at`,
//! `expires_in_s`), never a value.

use std::{
    fmt,
    future::Future,
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant, SystemTime},
};

use arc_swap::ArcSwap;
use http::{HeaderMap, HeaderName};

use super::service::Service;

/// How long before expiry credentials are renewed, at most (see
/// [`SourcedCredentials::expires_in`]); for a short-lived set, half its lifetime.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A boxed error from a [`CredentialSource`].
pub type SourceError = Box<dyn std::error::Error + Send + Sync + 'static>;

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a client gets its credentials from when they change while it runs: a secret store, a
/// file, a vault. Give one to an API client's `builder_from_source` (e.g.
/// [`rockety::Client::builder_from_source`](crate::rockety::Client::builder_from_source)).
///
/// The client asks it at its first call, caches what it gives until shortly before the
/// expiry it gives (see [`DEFAULT_REFRESH_MARGIN`]), then asks again, once, however many calls
/// are waiting. A `401` also makes the client ask once more (the secret may have been rotated
/// early) and resend the call when the credentials changed. A failure reaches the call as
/// [`CredentialRenewalError::Source`], which names the source (by [`name`](Self::name)) and never
/// shows a credential.
///
/// ```
/// use rocket_apis::{CredentialSource, SourceError, SourcedCredentials, rockety::ApiToken};
/// use std::time::Duration;
///
/// /// Reads the token from a file that a sidecar rewrites every hour.
/// struct TokenFile(std::path::PathBuf);
///
/// impl CredentialSource<ApiToken> for TokenFile {
///     fn name(&self) -> &str {
///         "token file"
///     }
///     async fn fetch(&self) -> Result<SourcedCredentials<ApiToken>, SourceError> {
///         let text = std::fs::read_to_string(&self.0)?;
///         Ok(SourcedCredentials::new(ApiToken::new(text.trim())?).expires_in(Duration::from_secs(3600)))
///     }
/// }
/// # let _ = TokenFile("/run/secrets/rockety".into());
/// ```
pub trait CredentialSource<C>: Send + Sync + 'static {
    /// A name for errors and logs, e.g. `"vault:kv/rockety"`; never a secret.
    fn name(&self) -> &str;

    /// The current credentials, with when they expire if they do.
    fn fetch(&self) -> impl Future<Output = Result<SourcedCredentials<C>, SourceError>> + Send;
}

/// Credentials from a [`CredentialSource`], with an optional expiry.
#[derive(Clone, Debug)]
pub struct SourcedCredentials<C> {
    credentials: C,
    expires_at: Option<SystemTime>,
}

impl<C> SourcedCredentials<C> {
    /// Credentials that do not expire (they are asked for again only after a `401`).
    pub fn new(credentials: C) -> Self {
        SourcedCredentials {
            credentials,
            expires_at: None,
        }
    }

    /// They stop working this long from now.
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_at = Some(SystemTime::now() + lifetime);
        self
    }

    /// They stop working at this time.
    pub fn expires_at(mut self, at: SystemTime) -> Self {
        self.expires_at = Some(at);
        self
    }
}

/// New credentials could not be had (a credential source failed, an OAuth refresh was refused or
/// failed): the call they were needed for was not sent. Never shows a credential.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialRenewalError {
    /// A [`CredentialSource`] failed; its error is the [`source`](std::error::Error::source).
    #[error("{api}: the credential source `{source_name}` failed to give credentials")]
    Source {
        /// Which API the credentials are for.
        api: &'static str,
        /// The source's [`name`](CredentialSource::name).
        source_name: String,
        /// What the source said.
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The OAuth refresh token was refused (or there is none): the user must authorize the app
    /// again (a new authorization code flow), then give the client the new tokens with
    /// `set_credentials`. Until then every call fails with this error.
    #[error(
        "{api}: the refresh token was refused{}; the user must authorize again (start a new authorization, then call set_credentials with the new tokens)",
        .code.as_deref().map(|c| format!(" ({c})")).unwrap_or_else(|| " (there is no refresh token)".into())
    )]
    ReauthorizeRequired {
        /// Which API.
        api: &'static str,
        /// The token endpoint's OAuth error code (e.g. `invalid_grant`); `None` when there was
        /// no refresh token to try.
        code: Option<String>,
    },
    /// Renewing the credentials failed for another reason (the token endpoint could not be
    /// reached, refused the app, …); the next call tries again.
    #[error("{api}: renewing the credentials failed")]
    Renewal {
        /// Which API.
        api: &'static str,
        /// What failed.
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync + 'static>,
    },
}

impl CredentialRenewalError {
    /// Which API the credentials are for.
    pub fn api(&self) -> &'static str {
        match self {
            CredentialRenewalError::Source { api, .. }
            | CredentialRenewalError::ReauthorizeRequired { api, .. }
            | CredentialRenewalError::Renewal { api, .. } => api,
        }
    }

    /// Whether the user must authorize again (see [`CredentialRenewalError::ReauthorizeRequired`]).
    pub fn reauthorize_required(&self) -> bool {
        matches!(self, CredentialRenewalError::ReauthorizeRequired { .. })
    }
}

/// Why a client took new credentials (a word for tracing).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// `set_credentials`.
    Set,
    /// The first call of a client whose credentials come from a source.
    FirstUse,
    /// Within the margin before expiry.
    ExpiresSoon,
    /// Expired.
    Expired,
    /// A `401` with the current set.
    Unauthorized,
}

impl Why {
    fn as_str(self) -> &'static str {
        match self {
            Why::Set => "set_credentials",
            Why::FirstUse => "first use",
            Why::ExpiresSoon => "expires soon",
            Why::Expired => "expired",
            Why::Unauthorized => "401 Unauthorized",
        }
    }
}

/// What renews one generation of credentials: a source, an OAuth refresh, the other token slot.
#[doc(hidden)]
pub trait Renew: Send + Sync {
    /// What this is, for tracing (e.g. "OAuth refresh").
    fn what(&self) -> &'static str;
    /// The next generation.
    fn renew(&self, why: Why) -> BoxFuture<'_, Result<Renewal, CredentialRenewalError>>;
}

/// A generation about to be published: the credential headers, what renews them, and when they
/// expire.
#[doc(hidden)]
pub struct Renewal {
    pub(crate) headers: HeaderMap,
    pub(crate) renew: Option<Arc<dyn Renew>>,
    pub(crate) expires_at: Option<Instant>,
    pub(crate) margin: Duration,
}

impl Renewal {
    /// Credentials that never change by themselves.
    pub(crate) fn fixed(headers: HeaderMap) -> Self {
        Renewal {
            headers,
            renew: None,
            expires_at: None,
            margin: DEFAULT_REFRESH_MARGIN,
        }
    }

    /// Credentials renewed by `renew` (on a 401, and ahead of `expires_at` when there is one).
    pub(crate) fn renewed_by(headers: HeaderMap, renew: Arc<dyn Renew>, expires_at: Option<Instant>) -> Self {
        Renewal {
            headers,
            renew: Some(renew),
            expires_at,
            margin: DEFAULT_REFRESH_MARGIN,
        }
    }

    /// Renews ahead of expiry by at most `margin` (half the lifetime when that is shorter).
    #[cfg(feature = "rocketpunch")]
    pub(crate) fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Two interchangeable sets (two token slots): `first` is sent; a `401` switches to the
    /// other one, which is then kept.
    #[cfg(feature = "requestrocket")]
    pub(crate) fn alternating(first: HeaderMap, second: HeaderMap) -> Self {
        let switch = Arc::new(OtherSlot {
            current: 1,
            other: second,
            this: first.clone(),
        });
        Renewal::renewed_by(first, switch, None)
    }

    /// Nothing yet: the source is asked at the first call.
    pub(crate) fn from_source<S: Service + 'static, Src: CredentialSource<S::Credentials>>(source: Src) -> Self {
        let renew = Arc::new(SourceRenew::<S, Src> {
            source: Arc::new(source),
            _api: std::marker::PhantomData,
        });
        Renewal::renewed_by(HeaderMap::new(), renew, Some(Instant::now()))
    }
}

/// An instant `at` in the system clock, on the monotonic clock.
pub(crate) fn instant_of(at: SystemTime) -> Instant {
    let now = Instant::now();
    match at.duration_since(SystemTime::now()) {
        Ok(ahead) => now + ahead,
        Err(past) => now.checked_sub(past.duration()).unwrap_or(now),
    }
}

struct SourceRenew<S: Service, Src> {
    source: Arc<Src>,
    _api: std::marker::PhantomData<fn() -> S>,
}

impl<S: Service + 'static, Src: CredentialSource<S::Credentials>> Renew for SourceRenew<S, Src> {
    fn what(&self) -> &'static str {
        "credential source"
    }

    fn renew(&self, _why: Why) -> BoxFuture<'_, Result<Renewal, CredentialRenewalError>> {
        Box::pin(async move {
            let got = self.source.fetch().await.map_err(|e| CredentialRenewalError::Source {
                api: S::NAME,
                source_name: self.source.name().to_string(),
                source: Arc::from(e),
            })?;
            // Only the headers of what the source gives: the source is what renews them.
            let headers = S::live(&got.credentials).headers;
            let again = Arc::new(SourceRenew::<S, Src> {
                source: self.source.clone(),
                _api: std::marker::PhantomData,
            });
            Ok(Renewal::renewed_by(headers, again, got.expires_at.map(instant_of)))
        })
    }
}

/// The other of two token slots.
#[cfg(feature = "requestrocket")]
struct OtherSlot {
    /// The slot in use (1 or 2).
    current: u8,
    this: HeaderMap,
    other: HeaderMap,
}

#[cfg(feature = "requestrocket")]
impl Renew for OtherSlot {
    fn what(&self) -> &'static str {
        if self.current == 1 {
            "token slot 2"
        } else {
            "token slot 1"
        }
    }

    fn renew(&self, _why: Why) -> BoxFuture<'_, Result<Renewal, CredentialRenewalError>> {
        let switched = Arc::new(OtherSlot {
            current: 3 - self.current,
            this: self.other.clone(),
            other: self.this.clone(),
        });
        let renewal = Renewal::renewed_by(self.other.clone(), switched, None);
        Box::pin(async move { Ok(renewal) })
    }
}

/// One whole credential set.
struct Generation {
    id: u64,
    /// The credential headers.
    headers: HeaderMap,
    /// What a request without headers of its own carries on a client without per-call headers:
    /// the client's headers with the credential headers over them, put together once per
    /// generation, so that such a call copies one map instead of inserting each header.
    sent: HeaderMap,
    renew: Option<Arc<dyn Renew>>,
    /// From here on, the first call renews it (others go on with it).
    refresh_at: Option<Instant>,
    /// From here on, calls wait for the renewal.
    expires_at: Option<Instant>,
    /// A failure no renewal can mend (a refused refresh token): every call fails with it until
    /// new credentials are set.
    dead: Option<CredentialRenewalError>,
}

enum Due {
    No,
    Soon,
    Now,
    Dead,
}

impl Generation {
    fn due(&self) -> Due {
        if self.dead.is_some() {
            return Due::Dead;
        }
        let (Some(refresh_at), Some(expires_at)) = (self.refresh_at, self.expires_at) else {
            return Due::No;
        };
        let now = Instant::now();
        if now >= expires_at {
            Due::Now
        } else if now >= refresh_at {
            Due::Soon
        } else {
            Due::No
        }
    }
}

/// The credential slot of a client, shared by all its clones and per-call views.
pub(crate) struct Live {
    api: &'static str,
    /// The client's headers as its builder made them (`Accept`, the API's fixed headers, the
    /// builder's default headers), which every generation's `sent` starts from.
    base: HeaderMap,
    slot: ArcSwap<Generation>,
    next_id: AtomicU64,
    /// Held only while one renewal runs (single flight), never by a call whose set is fresh.
    renewing: futures_util::lock::Mutex<()>,
    /// The last renewal that failed without killing the set: (generation, when, error), so the
    /// calls that waited for it fail with it instead of each trying again.
    failed: Mutex<Option<(u64, Instant, CredentialRenewalError)>>,
}

impl fmt::Debug for Live {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names only: the values are the secrets.
        let current = self.slot.load();
        let names: Vec<&str> = current.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("Credentials")
            .field("headers", &names)
            .field("generation", &current.id)
            .field("renewed_by", &current.renew.as_ref().map(|r| r.what()))
            .finish()
    }
}

impl Live {
    /// The slot of a new client: its headers (`base`) and its first credential set.
    pub(crate) fn new(api: &'static str, base: HeaderMap, start: Renewal) -> Arc<Live> {
        let live = Live {
            api,
            slot: ArcSwap::from_pointee(generation(&base, 0, start, None)),
            base,
            next_id: AtomicU64::new(1),
            renewing: futures_util::lock::Mutex::new(()),
            failed: Mutex::new(None),
        };
        Arc::new(live)
    }

    /// Replaces the credentials (`set_credentials`): calls sent from now on carry the new set;
    /// calls in flight keep theirs.
    pub(crate) fn set(&self, start: Renewal) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let next = generation(&self.base, id, start, None);
        self.trace(Why::Set, &next);
        self.slot.store(Arc::new(next));
    }

    /// The client's headers as its builder made them (a per-call view with headers of its own
    /// starts from these).
    pub(crate) fn base(&self) -> &HeaderMap {
        &self.base
    }

    /// Whether `name` is one of the current credential headers.
    pub(crate) fn carries(&self, name: &HeaderName) -> bool {
        self.slot.load().headers.contains_key(name)
    }

    /// The set put on the request when it needs no renewal (or cannot have one), else the
    /// generation to renew and why.
    fn try_apply(
        &self,
        request: &mut reqwest::Request,
        view: Option<&HeaderMap>,
    ) -> Result<Result<u64, CredentialRenewalError>, (u64, Why)> {
        let current = self.slot.load();
        match current.due() {
            Due::No => Ok(Ok(put(&current, request, view))),
            Due::Dead => Ok(Err(current.dead.clone().unwrap_or_else(|| unreachable_dead(self.api)))),
            Due::Soon => match self.renewing.try_lock() {
                // Someone renews already; this set still works meanwhile.
                None => Ok(Ok(put(&current, request, view))),
                Some(_free) => Err((current.id, Why::ExpiresSoon)),
            },
            Due::Now if current.headers.is_empty() => Err((current.id, Why::FirstUse)),
            Due::Now => Err((current.id, Why::Expired)),
        }
    }

    /// Puts the current set on a request about to be sent (`view`: a per-call view's headers,
    /// `None` for the client's own), renewing it first when it is due, and says which
    /// generation the request carries. A fresh set costs one atomic load, no lock.
    pub(crate) async fn apply(
        &self,
        request: &mut reqwest::Request,
        view: Option<&HeaderMap>,
    ) -> Result<u64, CredentialRenewalError> {
        let used = match self.try_apply(request, view) {
            Ok(applied) => return applied,
            Err(due) => due,
        };
        match self.renew_from(used.0, used.1).await {
            Ok(_) => {}
            // Not expired yet: go on with the set that still works.
            Err(e) if used.1 == Why::ExpiresSoon && !e.reauthorize_required() => {}
            Err(e) => return Err(e),
        }
        let current = self.slot.load();
        match &current.dead {
            Some(dead) => Err(dead.clone()),
            None => Ok(put(&current, request, view)),
        }
    }

    /// After a `401` to a request that carried generation `used`: renews it (once, however many
    /// calls ask) when something can. `Ok(true)` when the call should be sent again: the set
    /// is now another one.
    pub(crate) async fn after_unauthorized(&self, used: u64) -> Result<bool, CredentialRenewalError> {
        {
            let current = self.slot.load();
            if current.id != used {
                return Ok(true);
            }
            if current.renew.is_none() {
                return Ok(false);
            }
        }
        self.renew_from(used, Why::Unauthorized).await
    }

    /// Renews generation `used` unless that was done meanwhile; `Ok(true)` when the current
    /// set differs from `used`.
    async fn renew_from(&self, used: u64, why: Why) -> Result<bool, CredentialRenewalError> {
        let asked = Instant::now();
        let _single_flight = self.renewing.lock().await;
        let current = self.slot.load_full();
        if current.id != used {
            return Ok(true);
        }
        if let Some(dead) = &current.dead {
            return Err(dead.clone());
        }
        if let Ok(failed) = self.failed.lock()
            && let Some((id, at, error)) = failed.as_ref()
            && *id == used
            && *at >= asked
        {
            // The renewal this call waited for failed: same answer, no second try.
            return Err(error.clone());
        }
        let Some(renew) = current.renew.clone() else {
            return Ok(false);
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let next = match renew.renew(why).await {
            Ok(renewal) => generation(&self.base, id, renewal, None),
            Err(error) if error.reauthorize_required() => {
                let start = Renewal::fixed(current.headers.clone());
                generation(&self.base, id, start, Some(error))
            }
            Err(error) => {
                tracing::warn!(
                    api = self.api,
                    why = why.as_str(),
                    by = renew.what(),
                    error = %error,
                    "renewing the credentials failed"
                );
                if let Ok(mut failed) = self.failed.lock() {
                    *failed = Some((used, Instant::now(), error.clone()));
                }
                return Err(error);
            }
        };
        let changed = next.dead.is_some() || next.headers != current.headers;
        // Not over a set given with `set_credentials` meanwhile.
        let next = Arc::new(next);
        let before = self.slot.compare_and_swap(&current, next.clone());
        if !Arc::ptr_eq(&before, &current) {
            return Ok(true);
        }
        match &next.dead {
            Some(dead) => {
                tracing::warn!(api = self.api, why = why.as_str(), by = renew.what(), error = %dead, "credentials refused");
                Err(dead.clone())
            }
            None => {
                self.trace(why, &next);
                Ok(changed)
            }
        }
    }

    fn trace(&self, why: Why, next: &Generation) {
        let expires_in_s = next
            .expires_at
            .map(|at| at.saturating_duration_since(Instant::now()).as_secs());
        tracing::info!(
            api = self.api,
            why = why.as_str(),
            by = next.renew.as_ref().map_or("caller", |r| r.what()),
            generation = next.id,
            at = %httpdate::fmt_http_date(SystemTime::now()),
            expires_in_s,
            "credentials changed"
        );
    }
}

fn generation(base: &HeaderMap, id: u64, start: Renewal, dead: Option<CredentialRenewalError>) -> Generation {
    let refresh_at = start.expires_at.map(|expires| {
        let lifetime = expires.saturating_duration_since(Instant::now());
        expires.checked_sub(start.margin.min(lifetime / 2)).unwrap_or(expires)
    });
    // A little room over what it holds: a copy keeps this map's index table, so a header added
    // to a request after it (a proxy's headers, all that reqwest still adds once `Accept` and
    // `User-Agent` are in `base`) does not rehash it.
    let mut sent = HeaderMap::with_capacity(base.len() + start.headers.len() + 8);
    overlay(&mut sent, base);
    overlay(&mut sent, &start.headers);
    Generation {
        id,
        sent,
        headers: start.headers,
        renew: start.renew,
        refresh_at,
        expires_at: start.expires_at,
        dead,
    }
}

/// Puts a request's headers on and returns the generation's id: the request's own headers
/// first, then the client's (or the per-call view's, `view`), then the credential headers, each
/// replacing any of the same name before it. A request without headers of its own on the
/// client's headers (most calls) gets the generation's prepared `sent` whole.
fn put(current: &Generation, request: &mut reqwest::Request, view: Option<&HeaderMap>) -> u64 {
    let headers = request.headers_mut();
    match view {
        None if headers.is_empty() => *headers = current.sent.clone(),
        None => overlay(headers, &current.sent),
        Some(view) => {
            overlay(headers, view);
            overlay(headers, &current.headers);
        }
    }
    current.id
}

/// Puts every header of `over` on `target`, replacing all values of the same name (a name
/// with several values in `over` keeps them all).
fn overlay(target: &mut HeaderMap, over: &HeaderMap) {
    let mut last = None;
    for (name, value) in over {
        if last == Some(name) {
            target.append(name.clone(), value.clone());
        } else {
            target.insert(name.clone(), value.clone());
            last = Some(name);
        }
    }
}

fn unreachable_dead(api: &'static str) -> CredentialRenewalError {
    CredentialRenewalError::ReauthorizeRequired { api, code: None }
}
