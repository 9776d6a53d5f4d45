//! Shared checks for credentials, so every API refuses the same mistakes the same way.
//!
//! A credential is checked before any request is sent: a bad one fails with a
//! [`InvalidCredential`] that says what is wrong and what a good one looks like, and never
//! repeats the value.

use std::fmt;

use http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

/// What is wrong with a credential. Positions are 0-based character offsets; the value itself
/// is never part of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The value is empty (or only whitespace).
    Empty,
    /// The value includes an HTTP auth scheme such as `Bearer ` that the client adds itself
    /// (or that the API does not take).
    SchemePrefix(&'static str),
    /// The value does not start with any of the prefixes the vendor issues.
    MissingPrefix(&'static [&'static str]),
    /// The value is only the prefix.
    NothingAfterPrefix,
    /// Fewer characters after the prefix than any real value of this kind has (a placeholder
    /// such as `jsk_SAMPLE`?).
    TooShort {
        /// The fewest characters a real value has after its prefix.
        min: usize,
    },
    /// A space, tab or newline at this position (often a copy-paste slip).
    Whitespace(usize),
    /// A control character at this position.
    ControlCharacter(usize),
    /// A character outside printable ASCII at this position.
    NonAscii(usize),
    /// A character the vendor's format does not allow at this position.
    NotAllowed(usize),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => f.write_str("it is empty"),
            Problem::SchemePrefix(scheme) => write!(f, "it starts with `{scheme} `; give the key alone"),
            Problem::MissingPrefix(prefixes) => {
                let list: Vec<String> = prefixes.iter().map(|p| format!("`{p}`")).collect();
                write!(f, "it does not start with {}", list.join(" or "))
            }
            Problem::NothingAfterPrefix => f.write_str("it is only the prefix, with nothing after it"),
            Problem::TooShort { min } => write!(
                f,
                "it has fewer than {min} characters after the prefix, so it is a placeholder, not a real one"
            ),
            Problem::Whitespace(i) => write!(
                f,
                "it contains whitespace at position {i} (a stray space or newline from copy-paste?)"
            ),
            Problem::ControlCharacter(i) => write!(f, "it contains a control character at position {i}"),
            Problem::NonAscii(i) => write!(f, "it contains a non-ASCII character at position {i}"),
            Problem::NotAllowed(i) => write!(f, "it contains a character that is not allowed at position {i}"),
        }
    }
}

/// A credential value that does not pass its checks (empty, a stray `Bearer `, the wrong
/// prefix, whitespace, a placeholder), refused before anything is sent. Its message names the
/// credential, the problem and what a valid one looks like; it never contains the value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {credential}{from}: {problem}. {expected}", from = .source_var.map(|v| format!(" (from {v})")).unwrap_or_default())]
pub struct InvalidCredential {
    credential: &'static str,
    problem: Problem,
    expected: &'static str,
    source_var: Option<&'static str>,
}

impl InvalidCredential {
    /// A refusal of `credential` for `problem`, with what a valid one looks like.
    #[allow(dead_code)]
    pub(crate) fn new(credential: &'static str, problem: Problem, expected: &'static str) -> Self {
        InvalidCredential {
            credential,
            problem,
            expected,
            source_var: None,
        }
    }

    /// Which credential was refused, e.g. "RequestRocket user token".
    pub fn credential(&self) -> &'static str {
        self.credential
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// The environment variable the value came from, if it came from one.
    pub fn env_var(&self) -> Option<&'static str> {
        self.source_var
    }

    pub(crate) fn with_env_var(mut self, var: &'static str) -> Self {
        self.source_var = Some(var);
        self
    }
}

/// The format of one kind of credential.
pub(crate) struct Format {
    /// Human name, e.g. "RequestRocket user token".
    pub name: &'static str,
    /// Accepted prefixes; empty means any.
    pub prefixes: &'static [&'static str],
    /// Whether characters after the prefix must be ASCII letters and digits only.
    pub alphanumeric_rest: bool,
    /// The fewest characters a real value has after its prefix (0: no minimum).
    pub min_rest: usize,
    /// What a valid value looks like and where to find it, one sentence.
    pub expected: &'static str,
}

impl Format {
    /// Checks `value` and returns it as a secret, or says what is wrong.
    pub(crate) fn check(&self, value: &str) -> Result<SecretString, InvalidCredential> {
        let refuse = |problem| InvalidCredential {
            credential: self.name,
            problem,
            expected: self.expected,
            source_var: None,
        };
        if value.trim().is_empty() {
            return Err(refuse(Problem::Empty));
        }
        for scheme in ["Bearer", "Basic", "Token"] {
            let head = value.get(..scheme.len() + 1);
            if head.is_some_and(|h| h[..scheme.len()].eq_ignore_ascii_case(scheme) && h.ends_with([' ', '\t'])) {
                return Err(refuse(Problem::SchemePrefix(scheme)));
            }
        }
        for (i, c) in value.chars().enumerate() {
            if c.is_whitespace() {
                return Err(refuse(Problem::Whitespace(i)));
            }
            if c.is_control() {
                return Err(refuse(Problem::ControlCharacter(i)));
            }
            if !c.is_ascii() {
                return Err(refuse(Problem::NonAscii(i)));
            }
        }
        if !self.prefixes.is_empty() {
            let Some(prefix) = self.prefixes.iter().find(|p| value.starts_with(**p)) else {
                return Err(refuse(Problem::MissingPrefix(self.prefixes)));
            };
            let rest = &value[prefix.len()..];
            if rest.is_empty() {
                return Err(refuse(Problem::NothingAfterPrefix));
            }
            if rest.chars().count() < self.min_rest {
                return Err(refuse(Problem::TooShort { min: self.min_rest }));
            }
            if self.alphanumeric_rest
                && let Some(i) = rest.chars().position(|c| !c.is_ascii_alphanumeric())
            {
                return Err(refuse(Problem::NotAllowed(prefix.len() + i)));
            }
        }
        Ok(SecretString::from(value.to_string()))
    }
}

/// A header value for a secret, marked sensitive so that `Debug` of the request, the header
/// map or the client prints `Sensitive` instead of the value.
pub(crate) fn sensitive_header(secret: &SecretString, prefix: &str) -> HeaderValue {
    let mut value = HeaderValue::from_str(&format!("{prefix}{}", secret.expose_secret()))
        .expect("checked credentials are printable ASCII");
    value.set_sensitive(true);
    value
}

/// The redacted form used by every credential's `Debug` and `Display`: the vendor's public
/// prefix (which says which kind of key it is) and nothing of the secret part.
pub(crate) fn redacted(
    f: &mut fmt::Formatter<'_>,
    type_name: &str,
    secret: &SecretString,
    prefixes: &[&str],
) -> fmt::Result {
    let shown = prefixes
        .iter()
        .find(|p| secret.expose_secret().starts_with(**p))
        .copied()
        .unwrap_or("");
    write!(f, "{type_name}({shown}****)")
}

/// `new`, `FromStr`, redacted `Debug`/`Display` and `secret()` for a credential newtype over
/// a `SecretString`, checked against its [`Format`].
macro_rules! secret_credential {
    ($ty:ident, $format:expr) => {
        impl $ty {
            /// Checks a value.
            pub fn new(value: impl AsRef<str>) -> Result<Self, $crate::InvalidCredential> {
                $crate::credential::Format::check(&$format, value.as_ref()).map($ty)
            }

            #[allow(dead_code)]
            pub(crate) fn secret(&self) -> &secrecy::SecretString {
                &self.0
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::InvalidCredential;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::new(s)
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                $crate::credential::redacted(f, stringify!($ty), &self.0, $format.prefixes)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(self, f)
            }
        }
    };
}

pub(crate) use secret_credential;

/// A credential built from a constant known to pass the checks (the mock servers' test
/// credentials).
#[cfg(feature = "mock")]
pub(crate) fn known_valid<T>(checked: Result<T, InvalidCredential>) -> T {
    match checked {
        Ok(credential) => credential,
        Err(e) => unreachable!("a constant test credential is well-formed: {e}"),
    }
}
