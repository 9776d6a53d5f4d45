//! The hand-written layer's header names, prefixes and base URLs agree with each spec's
//! `securitySchemes` and `servers`: the spec leads, the code follows.

use serde_yaml::Value;

fn spec(name: &str) -> Value {
    let path = format!("{}/specs/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The first server's URL with every variable at its default.
fn default_server_url(doc: &Value) -> String {
    let server = &doc["servers"][0];
    let mut url = server["url"].as_str().unwrap().to_string();
    if let Some(vars) = server["variables"].as_mapping() {
        for (name, var) in vars {
            let default = var["default"].as_str().unwrap();
            url = url.replace(&format!("{{{}}}", name.as_str().unwrap()), default);
        }
    }
    url
}

#[cfg(feature = "requestrocket")]
#[test]
fn requestrocket_layer_matches_its_spec() {
    use rocket_apis::requestrocket;
    let doc = spec("requestrocket");
    let scheme = &doc["components"]["securitySchemes"]["userToken"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "header");
    assert_eq!(
        scheme["name"].as_str().unwrap().to_ascii_lowercase(),
        requestrocket::AUTH_HEADER
    );
    assert_eq!(
        doc["security"][0].as_mapping().unwrap().keys().next().unwrap(),
        "userToken"
    );
    let documented = format!("starts with `{}`", requestrocket::TOKEN_PREFIX);
    assert!(
        scheme["description"].as_str().unwrap().contains(&documented),
        "the spec documents the prefix"
    );
    assert!(
        format!("{}1", requestrocket::TOKEN_PREFIX)
            .parse::<requestrocket::UserToken>()
            .is_ok()
    );
    assert!("x-1".parse::<requestrocket::UserToken>().is_err());
    assert_eq!(default_server_url(&doc), requestrocket::DEFAULT_BASE_URL);
    assert_eq!(
        requestrocket::Client::new(requestrocket::UserToken::new("u-x1").unwrap())
            .unwrap()
            .base_url(),
        requestrocket::DEFAULT_BASE_URL
    );
}

#[cfg(feature = "rocketpunch")]
#[test]
fn rocketpunch_layer_matches_its_spec() {
    use rocket_apis::rocketpunch::{self, oauth};
    let doc = spec("rocketpunch");
    let schemes = &doc["components"]["securitySchemes"];
    let key = &schemes["appKey"];
    assert_eq!(
        (key["type"].as_str(), key["in"].as_str()),
        (Some("apiKey"), Some("header"))
    );
    assert_eq!(
        key["name"].as_str().unwrap().to_ascii_lowercase(),
        rocketpunch::APP_KEY_HEADER
    );
    assert!(
        key["description"]
            .as_str()
            .unwrap()
            .contains(&format!("`{}`", rocketpunch::APP_KEY_PREFIX))
    );
    let flow = &schemes["oauth2"]["flows"]["authorizationCode"];
    assert_eq!(flow["authorizationUrl"].as_str(), Some(oauth::DEFAULT_AUTHORIZE_URL));
    assert_eq!(flow["tokenUrl"].as_str(), Some(oauth::DEFAULT_TOKEN_URL));
    for scope in [oauth::Scope::ProfileRead, oauth::Scope::ProfileEmail] {
        assert!(flow["scopes"][scope.as_str()].is_string(), "{scope:?}");
    }
    assert_eq!(default_server_url(&doc), rocketpunch::DEFAULT_BASE_URL);
    let key = rocketpunch::AppKey::new(format!("{}abc123", rocketpunch::APP_KEY_PREFIX)).unwrap();
    assert_eq!(
        rocketpunch::Client::new(key).unwrap().base_url(),
        rocketpunch::DEFAULT_BASE_URL
    );
}

#[cfg(feature = "rockety")]
#[test]
fn rockety_layer_matches_its_spec() {
    use rocket_apis::rockety;
    let doc = spec("rockety");
    let scheme = &doc["components"]["securitySchemes"]["bearerAuth"];
    assert_eq!(
        (scheme["type"].as_str(), scheme["scheme"].as_str()),
        (Some("http"), Some("bearer"))
    );
    assert_eq!(rockety::AUTH_HEADER, "authorization");
    assert_eq!(rockety::AUTH_SCHEME.to_ascii_lowercase(), "bearer");
    assert_eq!(default_server_url(&doc), rockety::DEFAULT_BASE_URL);
    let example = doc["components"]["schemas"]["NaiveTimestamp"]["example"]
        .as_str()
        .unwrap();
    assert!(
        example.parse::<rockety::NaiveTimestamp>().is_ok(),
        "the spec's timestamp example parses"
    );
}

#[cfg(feature = "authrocket")]
#[test]
fn authrocket_layer_matches_its_spec() {
    use rocket_apis::authrocket as ar;
    let doc = spec("authrocket");
    let schemes = &doc["components"]["securitySchemes"];
    let header = |name: &str| schemes[name]["name"].as_str().unwrap().to_ascii_lowercase();
    assert_eq!(header("apiKey"), ar::API_KEY_HEADER);
    assert_eq!(header("legacyApiKey"), ar::API_KEY_HEADER);
    assert_eq!(header("legacyAccount"), ar::ACCOUNT_HEADER);
    for (scheme, prefix) in [
        ("apiKey", ar::API_KEY_PREFIX),
        ("legacyApiKey", ar::LEGACY_API_KEY_PREFIX),
        ("legacyAccount", ar::ACCOUNT_PREFIX),
    ] {
        let text = schemes[scheme]["description"].as_str().unwrap();
        assert!(text.contains(&format!("`{prefix}`")), "{scheme} documents `{prefix}`");
    }
    // The spec's first requirement is the modern key, the second the legacy pair.
    assert!(doc["security"][0]["apiKey"].is_sequence());
    assert!(doc["security"][1]["legacyAccount"].is_sequence() && doc["security"][1]["legacyApiKey"].is_sequence());
    let info = doc["info"]["description"].as_str().unwrap();
    let realm = format!("X-Authrocket-Realm: {}", ar::REALM_PREFIX);
    assert!(info.contains(&realm), "the spec documents `{realm}…`");
    assert_eq!(ar::REALM_HEADER, "x-authrocket-realm");
    assert_eq!(default_server_url(&doc), ar::DEFAULT_BASE_URL);
}

/// The known values of an open set in the spec (`anyOf` of an `enum` and a plain string); fails if
/// the spec closes the set.
#[allow(dead_code)]
fn open_set(doc: &Value, schema: &str) -> Vec<String> {
    let branches = doc["components"]["schemas"][schema]["anyOf"]
        .as_sequence()
        .unwrap_or_else(|| panic!("schema {schema} is not `anyOf` [known enum, string]"));
    assert!(
        branches
            .iter()
            .any(|b| b["type"] == "string" && b.get("enum").is_none()),
        "schema {schema} has no plain-string branch: tools would refuse values the vendor adds"
    );
    let known: Vec<String> = branches
        .iter()
        .filter_map(|b| b["enum"].as_sequence())
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    assert!(!known.is_empty(), "schema {schema} lists no known value");
    known
}

/// Every known value of the spec's open set is a named variant of the Rust open enum (not
/// `Other`), written back unchanged; an unknown value is kept as `Other`.
macro_rules! assert_open_enum_matches {
    ($doc:expr, $schema:literal, $ty:ident) => {{
        for value in open_set(&$doc, $schema) {
            let parsed: $ty = value.parse().unwrap();
            assert!(
                !matches!(parsed, $ty::Other(_)),
                "{}: `{value}` is in the spec but not a variant of {}",
                $schema,
                stringify!($ty)
            );
            assert_eq!(parsed.as_str(), value);
        }
        let unknown: $ty = "zz-unknown-value".parse().unwrap();
        assert_eq!(unknown, $ty::Other("zz-unknown-value".into()));
    }};
}

#[cfg(feature = "authrocket")]
#[test]
fn authrocket_open_sets_are_open_in_the_spec_and_known_to_the_layer() {
    use rocket_apis::authrocket::{State, UserType};
    let doc = spec("authrocket");
    assert_open_enum_matches!(doc, "State", State);
    assert_open_enum_matches!(doc, "UserType", UserType);
}

#[cfg(feature = "requestrocket")]
#[test]
fn requestrocket_open_sets_are_open_in_the_spec_and_known_to_the_layer() {
    use rocket_apis::requestrocket::{ClientRole, HttpMethod, NotificationType, PathPresence, RuleEffect};
    let doc = spec("requestrocket");
    assert_open_enum_matches!(doc, "ClientRole", ClientRole);
    assert_open_enum_matches!(doc, "HttpMethod", HttpMethod);
    assert_open_enum_matches!(doc, "NotificationType", NotificationType);
    assert_open_enum_matches!(doc, "PathPresence", PathPresence);
    assert_open_enum_matches!(doc, "RuleEffect", RuleEffect);
}

#[cfg(feature = "rocketpunch")]
#[test]
fn rocketpunch_open_sets_are_open_in_the_spec_and_known_to_the_layer() {
    use rocket_apis::rocketpunch::{CompanySize, Language};
    let doc = spec("rocketpunch");
    assert_open_enum_matches!(doc, "Language", Language);
    assert_open_enum_matches!(doc, "CompanySize", CompanySize);
    let size = &doc["components"]["schemas"]["CompanySize"]["anyOf"];
    assert!(
        size.as_sequence().unwrap().iter().any(|b| b["nullable"] == true),
        "CompanySize is nullable (every non-id Rocketpunch field may be null)"
    );
}
