//! What keeps a call under its client's base path: a path parameter or a raw path can never
//! name a dot segment (`.`, `..`, or their `%2e` forms, which URL parsers resolve the same way)
//! or a backslash (which they read as `/`), and a raw call's parsed URL must keep the base URL's
//! origin and path prefix.

/// A path parameter's value as one URL path segment: progenitor's encoding, plus the backslash.
pub(crate) fn encode_path(value: &str) -> String {
    progenitor_client::encode_path(value).replace('\\', "%5C")
}

/// A path parameter as its builder holds it, refused when its value is a dot segment.
pub(crate) fn path_segment<T: ToString>(value: Result<T, String>, name: &str) -> Result<T, String> {
    let value = value?;
    if is_dot_segment(&value.to_string()) {
        return Err(format!(
            "path parameter `{name}` is `.` or `..`, which would name another path than the operation's"
        ));
    }
    Ok(value)
}

/// A header parameter's value as its builder converted it, or the message of why it cannot be
/// sent (a control character, a non-ASCII byte); a secret one is marked sensitive, so `Debug`
/// of the request never shows it. (The four specs have no header parameter.)
#[allow(dead_code)]
pub(crate) fn header_value<E>(
    value: Result<http::HeaderValue, E>,
    name: &str,
    secret: bool,
) -> Result<http::HeaderValue, String> {
    let mut value = value.map_err(|_| format!("header parameter `{name}` is not a valid header value"))?;
    value.set_sensitive(secret);
    Ok(value)
}

/// Whether a segment is `.` or `..` once a URL parser reads it (`%2e` is a dot there).
fn is_dot_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    let dots = lower.replace("%2e", ".");
    dots == "." || dots == ".."
}

/// Checks a raw call's path as written: relative to the base URL, one leading `/`, no dot
/// segment in any encoding, no backslash and no control character. The message says what is
/// wrong without quoting the path, which may hold an id or a token.
pub(crate) fn check_raw(path: &str) -> Result<(), String> {
    if !path.starts_with('/') || path.starts_with("//") || path.contains("://") {
        return Err("a call's path must be relative to the base URL and start with a single `/`".into());
    }
    if path.contains('\\') || path.chars().any(char::is_control) {
        return Err(
            "a call's path must not contain a backslash or a control character (URL parsers read them as `/` or drop them)"
                .into(),
        );
    }
    let before_query = path.split(['?', '#']).next().unwrap_or_default();
    if before_query.split('/').any(is_dot_segment) {
        return Err("a call's path must not contain a `.` or `..` segment (in any encoding)".into());
    }
    Ok(())
}

/// The URL of a call to `path` (checked by [`check_raw`]) under `base`, with `query` added: it
/// must still be on the base URL's origin and under its path once parsed, whatever encoding
/// the path used. The message says what is wrong without quoting the path.
pub(crate) fn join(base: &str, path: &str, query: &[(String, String)]) -> Result<reqwest::Url, String> {
    check_raw(path)?;
    let mut url =
        reqwest::Url::parse(&format!("{base}{path}")).map_err(|e| format!("the path does not make a URL: {e}"))?;
    let base = reqwest::Url::parse(base).map_err(|e| format!("base URL: {e}"))?;
    if !under_base(&url, &base) {
        return Err("the path leads outside the base URL's path".into());
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query.iter());
    }
    Ok(url)
}

/// Whether a parsed URL is still on the base URL's origin and under its path.
pub(crate) fn under_base(url: &reqwest::Url, base: &reqwest::Url) -> bool {
    let prefix = base.path().trim_end_matches('/');
    url.origin() == base.origin()
        && url
            .path()
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_in_every_encoding_are_refused() {
        for path in [
            "/../admin",
            "/%2e%2e/admin",
            "/.%2E/admin",
            "/%2E./admin",
            "/a/./b",
            "/a/%2e/b",
            "/a\\..\\b",
            "/.\t./admin",
            "/..",
        ] {
            assert!(check_raw(path).is_err(), "{path:?} accepted");
        }
        for path in ["/clients", "/a/b.c/..d", "/a/...", "/x?q=..", "/files/%2e%2ex"] {
            assert!(check_raw(path).is_ok(), "{path:?} refused");
        }
    }

    #[test]
    fn a_path_parameter_cannot_climb() {
        for value in [".", "..", "%2e", "%2E%2e"] {
            assert!(
                path_segment(Ok::<_, String>(value.to_string()), "id").is_err(),
                "{value}"
            );
        }
        assert_eq!(path_segment(Ok::<_, String>("a.b".to_string()), "id"), Ok("a.b".into()));
        assert_eq!(encode_path("a\\..\\b"), "a%5C..%5Cb");
        assert_eq!(encode_path("a/b"), "a%2Fb");
    }

    #[test]
    fn only_urls_under_the_base_path_pass() {
        let base = reqwest::Url::parse("https://api.example.com/v1").unwrap();
        let ok = reqwest::Url::parse("https://api.example.com/v1/clients").unwrap();
        let out = reqwest::Url::parse("https://api.example.com/admin").unwrap();
        let near = reqwest::Url::parse("https://api.example.com/v10").unwrap();
        let other = reqwest::Url::parse("https://evil.example.com/v1/clients").unwrap();
        assert!(under_base(&ok, &base));
        assert!(!under_base(&out, &base));
        assert!(!under_base(&near, &base));
        assert!(!under_base(&other, &base));
    }
}
