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
        requestrocket::Client::new("u-x1".parse().unwrap()).unwrap().base_url(),
        requestrocket::DEFAULT_BASE_URL
    );
}
