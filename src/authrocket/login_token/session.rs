//! The session a verified login token maps to: the claims of either AuthRocket layout under one
//! set of names (never the token itself).

use std::{fmt, iter::FusedIterator, slice};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::claims::{Claims, Membership};

/// A verified login: the session, its user and the user's memberships, from the token's
/// claims, for both of AuthRocket's claim layouts.
///
/// It keeps the claims, not the token (the signature is gone, so they cannot be passed off as
/// one). `Debug` shows ids and names.
///
/// ```
/// # use rocket_apis::authrocket::{JwtSecret, LoginTokenVerifier};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let verifier = LoginTokenVerifier::new(JwtSecret::new("jsk_m2y4UYnjRCXzuZVq57bJJSDoqOFMuQCFmLp4Nh9gcbk")?);
/// # let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1aWQiOiJ1c3JfMHZLek1rMnZ0TjVNT09rNERCYVJ4aiIsInVuIjoiYWRhIiwibiI6IkFkYSBMb3ZlbGFjZSIsIm0iOlt7InAiOlsiYWRtaW4iXSwib2lkIjoib3JnXzB2S3pLNGhKM3pMMm1OOXBROHJTN3QiLCJvIjoiQW5hbHl0aWNhbCBFbmdpbmVzIn1dLCJ0ayI6Imtzc18wdkt6UjF1VjZ6UHBYN2RBNWVYZjZnIiwiYXVkIjoicmxfMHYxelRIWGh0TmdtRGFYYURZU0FxeCIsImlhdCI6MTc2NzIyNTYwMCwiZXhwIjo0MTAyNDQ0ODAwfQ.whZXjCNt37m1UYTa605zP7lYaPfgHCAD222Sq9WH1PA";
/// let session = verifier.verify(token)?;
/// assert_eq!(session.user_id(), "usr_0vKzMk2vtN5MOOk4DBaRxj");
/// assert_eq!(session.username(), Some("ada"));
/// for membership in session.memberships() {
///     let permissions: Vec<&str> = membership.permissions().collect();
///     println!("{}: {}", membership.org_name().unwrap_or("(no org)"), permissions.join(", "));
/// }
/// let org = session.membership_in("org_0vKzK4hJ3zL2mN9pQ8rS7t").expect("a member");
/// assert!(org.has_permission("admin"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct LoginSession {
    session_id: Option<String>,
    user_id: String,
    realm_id: Option<String>,
    username: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    name: Option<String>,
    email: Option<String>,
    email_verified: Option<bool>,
    reference: Option<String>,
    custom: Map<String, Value>,
    memberships: Vec<Membership>,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// What [`LoginSession::new`] takes besides the claims: what the verifier derived from them.
pub(super) struct Checked {
    pub(super) user_id: String,
    pub(super) realm_id: Option<String>,
    pub(super) issued_at: DateTime<Utc>,
    pub(super) expires_at: DateTime<Utc>,
}

impl LoginSession {
    /// The session of checked claims.
    pub(super) fn new(mut claims: Claims, checked: Checked) -> Self {
        LoginSession {
            memberships: claims.memberships(),
            session_id: claims.tk.or(claims.sid),
            user_id: checked.user_id,
            realm_id: checked.realm_id,
            username: claims.un.or(claims.preferred_username),
            first_name: claims.first_name.or(claims.given_name),
            last_name: claims.ln.or(claims.family_name),
            name: claims.n.or(claims.name),
            email: claims.email,
            email_verified: claims.email_verified,
            reference: claims.reference,
            custom: claims.cs.unwrap_or_default(),
            issued_at: checked.issued_at,
            expires_at: checked.expires_at,
        }
    }

    /// The session id (`kss_…`; claim `tk`, or `sid`). Absent on unmanaged tokens.
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// The user id (`usr_…`; claim `uid`, or `sub`); never empty.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The realm id (`rl_…`; claim `rid`, or the realm among the `aud` audiences).
    pub fn realm_id(&self) -> Option<&str> {
        self.realm_id.as_deref()
    }

    /// The username (`un`, or `preferred_username`).
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// First name (`fn`, or `given_name`).
    pub fn first_name(&self) -> Option<&str> {
        self.first_name.as_deref()
    }

    /// Last name (`ln`, or `family_name`).
    pub fn last_name(&self) -> Option<&str> {
        self.last_name.as_deref()
    }

    /// Full name (`n`, or `name`).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// E-mail address (`email`, newer layout only).
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// Whether the e-mail address is verified (`email_verified`, newer layout only).
    pub fn email_verified(&self) -> Option<bool> {
        self.email_verified
    }

    /// Your reference for the user (`ref`).
    pub fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }

    /// The user's custom attributes (`cs`), when the realm includes them; empty otherwise. Read
    /// (and checked) with the rest of the claims, so a token whose `cs` is not a JSON object is
    /// refused by `verify`.
    pub fn custom(&self) -> &Map<String, Value> {
        &self.custom
    }

    /// The user's memberships (`m`, or `orgs`), when the realm includes them, in the token's
    /// order.
    pub fn memberships(&self) -> Memberships<'_> {
        Memberships {
            records: self.memberships.iter(),
        }
    }

    /// The membership in this org (`org_…`), if the user has one.
    pub fn membership_in(&self, org_id: &str) -> Option<LoginMembership<'_>> {
        self.memberships().find(|m| m.org_id() == Some(org_id))
    }

    /// When the token was issued (`iat`).
    pub fn issued_at(&self) -> DateTime<Utc> {
        self.issued_at
    }

    /// When the token expires (`exp`).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

impl fmt::Debug for LoginSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginSession")
            .field("session_id", &self.session_id())
            .field("user_id", &self.user_id())
            .field("realm_id", &self.realm_id())
            .field("username", &self.username())
            .field("first_name", &self.first_name())
            .field("last_name", &self.last_name())
            .field("name", &self.name())
            .field("email", &self.email())
            .field("email_verified", &self.email_verified)
            .field("reference", &self.reference())
            .field("custom", &self.custom)
            .field("memberships", &self.memberships())
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Equal when every field reads the same.
impl PartialEq for LoginSession {
    fn eq(&self, other: &Self) -> bool {
        self.session_id() == other.session_id()
            && self.user_id() == other.user_id()
            && self.realm_id() == other.realm_id()
            && self.username() == other.username()
            && self.first_name() == other.first_name()
            && self.last_name() == other.last_name()
            && self.name() == other.name()
            && self.email() == other.email()
            && self.email_verified == other.email_verified
            && self.reference() == other.reference()
            && self.custom == other.custom
            && self.memberships().eq(other.memberships())
            && self.issued_at == other.issued_at
            && self.expires_at == other.expires_at
    }
}

/// A membership of the logged-in user, from the token: a view into its [`LoginSession`].
#[derive(Clone, Copy)]
pub struct LoginMembership<'s> {
    record: &'s Membership,
}

impl<'s> LoginMembership<'s> {
    /// The membership id (`mb_…`), when the token carries it.
    pub fn membership_id(&self) -> Option<&'s str> {
        self.record.membership_id.as_deref()
    }

    /// The org id (`org_…`); absent for the one org-less membership AuthRocket 1 allows.
    pub fn org_id(&self) -> Option<&'s str> {
        self.record.org_id.as_deref()
    }

    /// The org's name.
    pub fn org_name(&self) -> Option<&'s str> {
        self.record.org_name.as_deref()
    }

    /// The permissions of this membership, in the token's order.
    pub fn permissions(&self) -> Permissions<'s> {
        Permissions {
            items: self.record.permissions.iter(),
        }
    }

    /// Whether this membership has the permission (compared exactly).
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions().any(|p| p == permission)
    }

    /// Your reference for the org (newer layout).
    pub fn org_reference(&self) -> Option<&'s str> {
        self.record.org_reference.as_deref()
    }

    /// The org's custom attributes (newer layout), when the realm includes them; empty
    /// otherwise.
    pub fn org_custom(&self) -> &'s Map<String, Value> {
        &self.record.org_custom
    }

    /// Whether this is the org the user selected at login (newer layout).
    pub fn selected(&self) -> bool {
        self.record.selected
    }
}

impl fmt::Debug for LoginMembership<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginMembership")
            .field("membership_id", &self.membership_id())
            .field("org_id", &self.org_id())
            .field("org_name", &self.org_name())
            .field("permissions", &self.permissions())
            .field("org_reference", &self.org_reference())
            .field("org_custom", self.org_custom())
            .field("selected", &self.selected())
            .finish()
    }
}

/// Equal when every field reads the same.
impl PartialEq for LoginMembership<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.membership_id() == other.membership_id()
            && self.org_id() == other.org_id()
            && self.org_name() == other.org_name()
            && self.permissions().eq(other.permissions())
            && self.org_reference() == other.org_reference()
            && self.org_custom() == other.org_custom()
            && self.selected() == other.selected()
    }
}

/// The memberships of a [`LoginSession`], in the token's order
/// ([`LoginSession::memberships`]).
#[derive(Clone)]
pub struct Memberships<'s> {
    records: slice::Iter<'s, Membership>,
}

impl<'s> Iterator for Memberships<'s> {
    type Item = LoginMembership<'s>;

    fn next(&mut self) -> Option<Self::Item> {
        self.records.next().map(|record| LoginMembership { record })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.records.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<Self::Item> {
        self.records.nth(n).map(|record| LoginMembership { record })
    }
}

impl DoubleEndedIterator for Memberships<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.records.next_back().map(|record| LoginMembership { record })
    }
}

impl ExactSizeIterator for Memberships<'_> {}
impl FusedIterator for Memberships<'_> {}

impl fmt::Debug for Memberships<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// The permissions of a [`LoginMembership`], in the token's order
/// ([`LoginMembership::permissions`]).
#[derive(Clone)]
pub struct Permissions<'s> {
    items: slice::Iter<'s, String>,
}

impl<'s> Iterator for Permissions<'s> {
    type Item = &'s str;

    fn next(&mut self) -> Option<&'s str> {
        self.items.next().map(String::as_str)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<&'s str> {
        self.items.nth(n).map(String::as_str)
    }
}

impl DoubleEndedIterator for Permissions<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.items.next_back().map(String::as_str)
    }
}

impl ExactSizeIterator for Permissions<'_> {}
impl FusedIterator for Permissions<'_> {}

impl fmt::Debug for Permissions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}
