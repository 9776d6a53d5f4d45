//! Which redirects a client follows: only those that stay on the origin (scheme, host and port)
//! the call was sent to, a few hops at most.
//!
//! reqwest drops `Authorization` and cookies when a redirect changes origin, but it cannot know
//! the crate's own credential headers (`X-Authrocket-Api-Key`, `X-RP-API-Key`), and a 307/308
//! replays the body (passwords, keys). So a redirect to another origin is refused with
//! [`crate::Error::Redirect`] rather than followed with headers stripped: a stripped call would
//! only fail there with a confusing 401, while the refusal names where the server pointed. An
//! https call never follows to http (the scheme is part of the origin), and no `Referer` is sent.

use std::fmt;

/// Hops followed within the origin before the call fails (AuthRocket's 302/303/307 need one).
pub const MAX_REDIRECTS: usize = 5;

/// The policy every client of this crate uses.
pub(crate) fn policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| match decide(attempt.url(), attempt.previous()) {
        Ok(()) => attempt.follow(),
        Err(refused) => attempt.error(refused),
    })
}

/// Whether a redirect to `next` is followed, after the URLs of `previous` (the call's own URL
/// first).
fn decide(next: &reqwest::Url, previous: &[reqwest::Url]) -> Result<(), Refused> {
    let Some(first) = previous.first() else {
        return Err(Refused::TooMany);
    };
    if next.origin() != first.origin() {
        return Err(Refused::OtherOrigin {
            to: next.origin().ascii_serialization(),
        });
    }
    if previous.len() > MAX_REDIRECTS {
        return Err(Refused::TooMany);
    }
    Ok(())
}

/// Why a redirect was not followed. Its message holds the target's origin only, never its path
/// or query (which may carry tokens).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// To another scheme, host or port.
    OtherOrigin {
        /// `scheme://host[:port]` of the target.
        to: String,
    },
    /// More than [`MAX_REDIRECTS`] hops.
    TooMany,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::OtherOrigin { to } => write!(
                f,
                "the server redirected the call to another origin ({to}); it is not followed, so the credentials stay \
                 on the configured origin (set the base URL to the server that answers)"
            ),
            Refused::TooMany => write!(f, "the server redirected the call more than {MAX_REDIRECTS} times"),
        }
    }
}

impl std::error::Error for Refused {}

/// The refusal inside a reqwest error, when a redirect was refused.
pub(crate) fn refused(error: &reqwest::Error) -> Option<&Refused> {
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<Refused>() {
            return Some(refused);
        }
        source = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).unwrap()
    }

    #[test]
    fn only_the_same_origin_is_followed() {
        let first = [url("https://api.example.com/v1/sessions/abc")];
        assert_eq!(decide(&url("https://api.example.com/v1/other?x=1"), &first), Ok(()));
        assert_eq!(decide(&url("https://api.example.com:443/v2"), &first), Ok(()));
        for (next, origin) in [
            ("http://api.example.com/v1/other", "http://api.example.com"),
            ("https://api.example.com:8443/v1", "https://api.example.com:8443"),
            ("https://evil.example.com/v1?token=x", "https://evil.example.com"),
        ] {
            let refused = decide(&url(next), &first).unwrap_err();
            assert_eq!(refused, Refused::OtherOrigin { to: origin.into() });
            assert!(!refused.to_string().contains("/v1"), "{refused}");
            assert!(!refused.to_string().contains("token"), "{refused}");
        }
    }

    #[test]
    fn hops_are_bounded() {
        let hops: Vec<_> = (0..=MAX_REDIRECTS)
            .map(|i| url(&format!("https://api.example.com/{i}")))
            .collect();
        assert_eq!(
            decide(&url("https://api.example.com/next"), &hops[..MAX_REDIRECTS]),
            Ok(())
        );
        assert_eq!(
            decide(&url("https://api.example.com/next"), &hops),
            Err(Refused::TooMany)
        );
    }
}
