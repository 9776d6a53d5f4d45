//! Which base URLs a client accepts (https, or http on loopback; no user info, query or
//! fragment) and how a refused one is shown (user info redacted).

use std::net::IpAddr;

use super::service::Service;
use crate::error::ConfigError;

pub(crate) fn check_base_url<S: Service>(raw: &str) -> Result<reqwest::Url, ConfigError> {
    let refuse = |reason: String| ConfigError::BaseUrl {
        api: S::NAME,
        url: redact_url(raw),
        reason,
    };
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| {
        refuse(format!(
            "not an absolute URL ({e}); expected e.g. `{}`",
            S::DEFAULT_BASE_URL
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "it contains a user name or password; credentials go in the builder, never in the URL".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse(
            "it has a query or fragment; give the scheme, host and base path only".into(),
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(refuse(
                "plain http would send the credentials unencrypted; use https:// (http:// is allowed only for loopback hosts)".into(),
            ));
        }
        other => return Err(refuse(format!("scheme `{other}` is not supported; use https://"))),
    }
    S::check_base_url(&url).map_err(refuse)?;
    Ok(url)
}

pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// The URL as it may be shown: any user name or password replaced.
pub(crate) fn redact_url(raw: &str) -> String {
    match reqwest::Url::parse(raw.trim()) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("redacted");
            let _ = url.set_password(None);
            url.to_string()
        }
        Ok(_) => raw.trim().to_string(),
        // Unparseable: show it only if it cannot hide a user-info part.
        Err(_) if !raw.contains('@') => raw.trim().to_string(),
        Err(_) => "<unparseable URL, not shown>".into(),
    }
}
