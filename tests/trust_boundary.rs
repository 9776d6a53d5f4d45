//! The trust boundary, tested from the outside: credentials never leave the origin they were
//! configured for (redirects, raw paths, path parameters), and no secret prints in `Debug`.
#![cfg(all(
    feature = "authrocket",
    feature = "authrocket-jwt",
    feature = "requestrocket",
    feature = "rocketpunch",
    feature = "rockety"
))]

#[path = "support/login_token_mint.rs"]
mod mint;

use std::future::Future;

use rocket_apis::{Error, Method, RetryPolicy, authrocket, requestrocket, rocketpunch, rockety};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{method, path},
};

const AR_KEY: &str = "ko_trustBoundaryKey7f3a";
const RR_TOKEN: &str = "u-trustBoundaryToken7f3a";
const RP_KEY: &str = "rp_app_trustBoundaryKey7f3a";
const RY_TOKEN: &str = "trustBoundaryToken7f3a9c";

/// One API as these tests drive it: its base path on a server, the credential it sends (the
/// secret part), a raw call and a generated GET at `base` (an `http://127.0.0.1:port/...` URL).
struct Api {
    name: &'static str,
    base_path: &'static str,
    secret: &'static str,
    generated_path: &'static str,
}

const APIS: [Api; 4] = [
    Api {
        name: "AuthRocket",
        base_path: "/v1",
        secret: AR_KEY,
        generated_path: "/v1/realms",
    },
    Api {
        name: "RequestRocket",
        base_path: "/api",
        secret: RR_TOKEN,
        generated_path: "/api/clients",
    },
    Api {
        name: "Rocketpunch",
        base_path: "/api/v1",
        secret: RP_KEY,
        generated_path: "/api/v1/jobs",
    },
    Api {
        name: "Rockety",
        base_path: "/api/v1",
        secret: RY_TOKEN,
        generated_path: "/api/v1/projects",
    },
];

/// A raw call (`raw == true`) or the API's generated GET, through a client of `api` at `base`.
fn call(api: &str, base: String, raw: Option<(Method, &'static str)>) -> impl Future<Output = Result<Value, Error>> {
    let api = api.to_string();
    async move {
        macro_rules! go {
            ($client:expr, $generated:ident) => {{
                let client = $client.base_url(base).retry(RetryPolicy::none()).build().unwrap();
                match raw {
                    Some((m, p)) => client
                        .raw(m, p)
                        .json(json!({"password": "hunter2-in-body"}))
                        .send()
                        .await
                        .map(|r| r.into_inner()),
                    None => client.$generated().send().await.map(|_| Value::Null),
                }
            }};
        }
        match api.as_str() {
            "AuthRocket" => go!(
                authrocket::Client::builder(authrocket::ApiKey::new(AR_KEY).unwrap()),
                list_realms
            ),
            "RequestRocket" => go!(
                requestrocket::Client::builder(requestrocket::UserToken::new(RR_TOKEN).unwrap()),
                list_clients
            ),
            "Rocketpunch" => go!(
                rocketpunch::Client::builder(rocketpunch::AppKey::new(RP_KEY).unwrap()),
                list_jobs
            ),
            _ => go!(
                rockety::Client::builder(rockety::ApiToken::new(RY_TOKEN).unwrap()),
                list_projects
            ),
        }
    }
}

fn carries(request: &Request, secret: &str) -> bool {
    request
        .headers
        .values()
        .any(|v| String::from_utf8_lossy(v.as_bytes()).contains(secret))
        || String::from_utf8_lossy(&request.body).contains(secret)
}

/// Answers every request on `server` with a redirect to `to`.
async fn redirect_all(server: &MockServer, status: u16, to: &str) {
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status).insert_header("location", to))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_redirect_to_another_port_receives_no_credential_of_any_api() {
    for api in &APIS {
        for (status, verb, raw_path) in [
            (307, Method::GET, Some("/start")),
            (308, Method::POST, Some("/start")),
            (302, Method::GET, Some("/start")),
            (307, Method::GET, None),
        ] {
            let origin = MockServer::start().await;
            let stranger = MockServer::start().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
                .mount(&stranger)
                .await;
            redirect_all(
                &origin,
                status,
                &format!("{}{}/landing?token=abc", stranger.uri(), api.base_path),
            )
            .await;
            let base = format!("{}{}", origin.uri(), api.base_path);
            let err = call(api.name, base, raw_path.map(|p| (verb.clone(), p)))
                .await
                .unwrap_err();
            let what = format!("{} {status} {verb} raw={}", api.name, raw_path.is_some());
            assert!(
                stranger.received_requests().await.unwrap().is_empty(),
                "{what}: the other origin was called"
            );
            assert_eq!(origin.received_requests().await.unwrap().len(), 1, "{what}");
            // The origin did get the credential: the test sends it where it should go.
            assert!(
                carries(&origin.received_requests().await.unwrap()[0], api.secret),
                "{what}"
            );
            match &err {
                Error::Redirect { to: Some(to), .. } => assert_eq!(to, &stranger.uri(), "{what}"),
                other => panic!("{what}: expected Error::Redirect, got {other:?}"),
            }
            let shown = format!("{err} {err:?}");
            assert!(shown.contains(&stranger.uri()), "{what}: {shown}");
            assert!(!shown.contains("landing") && !shown.contains("abc"), "{what}: {shown}");
            assert!(!shown.contains(api.secret), "{what}: {shown}");
            assert_eq!(err.attempts(), 1, "{what}: a refused redirect is not retried");
        }
    }
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_credential_and_no_referer() {
    for api in &APIS {
        let server = MockServer::start().await;
        Mock::given(path(format!("{}/start", api.base_path)))
            .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/landing", api.base_path)))
            .mount(&server)
            .await;
        Mock::given(path(format!("{}/landing", api.base_path)))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"landed": true})))
            .mount(&server)
            .await;
        let base = format!("{}{}", server.uri(), api.base_path);
        let answer = call(api.name, base, Some((Method::GET, "/start"))).await.unwrap();
        assert_eq!(answer, json!({"landed": true}), "{}", api.name);
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 2, "{}", api.name);
        let landing = &received[1];
        assert_eq!(landing.url.path(), format!("{}/landing", api.base_path));
        assert!(carries(landing, api.secret), "{}: the credential followed", api.name);
        assert!(landing.headers.get("referer").is_none(), "{}: no Referer", api.name);
    }
}

#[tokio::test]
async fn a_redirect_loop_within_the_origin_stops() {
    let server = MockServer::start().await;
    redirect_all(&server, 302, "/api/v1/again").await;
    let err = call("Rockety", format!("{}/api/v1", server.uri()), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Redirect { to: None, .. }), "{err:?}");
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        rocket_apis::MAX_REDIRECTS + 1
    );
}

#[tokio::test]
async fn a_redirect_to_https_on_another_scheme_is_refused_too() {
    // http → https on the same host and port is another origin as well (the scheme differs);
    // the https → http downgrade is covered by the policy's unit tests.
    let origin = MockServer::start().await;
    let port = origin.address().port();
    redirect_all(&origin, 307, &format!("https://127.0.0.1:{port}/api/v1/projects")).await;
    let err = call("Rockety", format!("{}/api/v1", origin.uri()), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Redirect { to: Some(to), .. } if to.starts_with("https://")),
        "{err:?}"
    );
}

#[tokio::test]
async fn generated_calls_go_to_the_documented_path() {
    // The paths the redirect tests rely on are the ones the generated calls use.
    for api in &APIS {
        let server = MockServer::start().await;
        let base = format!("{}{}", server.uri(), api.base_path);
        let _ = call(api.name, base, None).await;
        let received = server.received_requests().await.unwrap();
        assert_eq!(received[0].url.path(), api.generated_path, "{}", api.name);
    }
}

#[tokio::test]
async fn a_raw_path_never_leaves_the_base_path_whatever_its_encoding() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = requestrocket::Client::builder(requestrocket::UserToken::new(RR_TOKEN).unwrap())
        .base_url(format!("{}/api", server.uri()))
        .build()
        .unwrap();
    for bad in [
        "/../admin",
        "/%2e%2e/admin",
        "/.%2E/admin",
        "/%2E%2e/admin",
        "/clients/..\\..\\admin",
        "/clients/%2e%2e/%2e%2e/admin",
        "/a/./b",
        "/.\t./admin",
    ] {
        let err = client.raw(Method::GET, bad).send().await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest { .. }), "{bad:?}: {err:?}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
    // A raw path can hold a token (AuthRocket takes a login token as a session id): `Debug`
    // shows its first segment only.
    let shown = format!(
        "{:?}",
        client.raw(Method::GET, "/sessions/eyJhbGciOiJIUzI1NiJ9.tokenpart.sig")
    );
    assert!(shown.contains("/sessions/…") && !shown.contains("tokenpart"), "{shown}");
    // A plain path, and dots inside a segment, still work.
    client.raw(Method::GET, "/clients/a.b").send().await.unwrap();
    assert_eq!(
        server.received_requests().await.unwrap()[0].url.path(),
        "/api/clients/a.b"
    );
}

#[tokio::test]
async fn a_path_parameter_cannot_climb_out_of_its_operation() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "x"})))
        .mount(&server)
        .await;
    let client = authrocket::Client::builder(authrocket::ApiKey::new(AR_KEY).unwrap())
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .unwrap();
    for bad in [".", ".."] {
        let err = client.get_session().session_id(bad).send().await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest { .. }), "{bad}: {err:?}");
        assert!(err.to_string().contains("sessionId"), "{err}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
    // A backslash is encoded, so it cannot split the segment either.
    let _ = client.get_session().session_id("..\\..\\admin").send().await;
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.path(), "/v1/sessions/..%5C..%5Cadmin");
}

const SEED: &str = "JBSWY3DPEHPK3PXPSEEDSEED";

#[test]
fn a_decoded_credential_never_prints_its_otp_seed() {
    let body = json!({
        "id": "crd_1", "object": "credential", "credential_type": "totp", "state": "new",
        "otp_secret": SEED,
        "provisioning_uri": format!("otpauth://totp/Example:dave?secret={SEED}&issuer=Example"),
        "provisioning_svg": format!("<svg><!-- {SEED} --></svg>"),
        "vendor_added_qr": format!("data:{SEED}"),
    });
    let credential: authrocket::types::Credential = serde_json::from_value(body.clone()).unwrap();
    // Positive control: the seed is there to be printed.
    assert_eq!(credential.otp_secret.as_deref(), Some(SEED));
    let shown = format!("{credential:?}");
    assert!(!shown.contains(SEED), "{shown}");
    assert!(
        shown.contains("provisioning_svg") && shown.contains("vendor_added_qr"),
        "{shown}"
    );
    let user: authrocket::types::User = serde_json::from_value(json!({
        "id": "usr_1", "object": "user", "credentials": [body], "vendor_field": SEED,
    }))
    .unwrap();
    let shown = format!("{user:?}");
    assert!(!shown.contains(SEED), "{shown}");
}

#[test]
fn an_operation_builder_never_prints_a_secret_parameter() {
    let token = mint::hs256(mint::SECRET, &mint::ar1_claims(0, 3600));
    let client = authrocket::Client::builder(authrocket::ApiKey::new(AR_KEY).unwrap())
        .build()
        .unwrap();
    let builder = client.get_session().session_id(token.as_str());
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains(&token) && !shown.contains(token.split('.').nth(1).unwrap()),
        "{shown}"
    );
    assert!(shown.contains("session_id"), "{shown}");
    // Positive control: a parameter that is not secret is shown.
    let shown = format!("{:?}", client.get_realm().realm_id("rl_visible123"));
    assert!(shown.contains("rl_visible123"), "{shown}");
}

/// Every generated type and operation builder whose `Debug` hides something, of all four APIs,
/// built with a sentinel in each hidden field: none prints it.
#[test]
fn every_generated_debug_hides_every_secret_field_and_unknown_field() {
    const SENTINEL: &str = "SENTINEL-9c1e-never-printed";
    let mut samples = Vec::new();
    let ar = authrocket::Client::builder(authrocket::ApiKey::new(AR_KEY).unwrap())
        .build()
        .unwrap();
    samples.extend(
        authrocket::api::debug_samples(&ar, SENTINEL)
            .into_iter()
            .map(|s| ("AuthRocket", s)),
    );
    let rr = requestrocket::Client::new(requestrocket::UserToken::new(RR_TOKEN).unwrap()).unwrap();
    samples.extend(
        requestrocket::api::debug_samples(&rr, SENTINEL)
            .into_iter()
            .map(|s| ("RequestRocket", s)),
    );
    let rp = rocketpunch::Client::new(rocketpunch::AppKey::new(RP_KEY).unwrap()).unwrap();
    samples.extend(
        rocketpunch::api::debug_samples(&rp, SENTINEL)
            .into_iter()
            .map(|s| ("Rocketpunch", s)),
    );
    let ry = rockety::Client::new(rockety::ApiToken::new(RY_TOKEN).unwrap()).unwrap();
    samples.extend(
        rockety::api::debug_samples(&ry, SENTINEL)
            .into_iter()
            .map(|s| ("Rockety", s)),
    );

    for api in ["AuthRocket", "RequestRocket", "Rocketpunch", "Rockety"] {
        assert!(samples.iter().any(|(a, _)| *a == api), "{api} has no sample");
    }
    let names: Vec<&str> = samples.iter().map(|(_, (name, _))| *name).collect();
    for expected in [
        "Credential",
        "CredentialInput",
        "GetSession",
        "DeleteSession",
        "UserActionBodyUser",
    ] {
        assert!(names.contains(&expected), "{expected} not sampled: {names:?}");
    }
    for (api, (name, shown)) in &samples {
        assert!(!shown.starts_with("unchecked"), "{api} {name}: {shown}");
        assert!(!shown.contains(SENTINEL), "{api} {name} prints a secret: {shown}");
        // Positive control: the sentinel went into a hidden field, which says it is set.
        assert!(
            shown.contains("<redacted>") || shown.contains("unknown_field"),
            "{api} {name}: {shown}"
        );
    }
}

#[tokio::test]
async fn from_realm_never_takes_keys_from_another_origin() {
    let origin = MockServer::start().await;
    let stranger = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "collection": [{"id": "jky_evil", "algo": "hs256", "key": "jsk_attackerControlledSecret0000"}],
            "more_results": false
        })))
        .mount(&stranger)
        .await;
    redirect_all(&origin, 307, &format!("{}/v1/jwt_keys", stranger.uri())).await;
    let client = authrocket::Client::builder(authrocket::ApiKey::new(AR_KEY).unwrap())
        .base_url(format!("{}/v1", origin.uri()))
        .build()
        .unwrap();
    let realm = authrocket::RealmId::new(mint::REALM).unwrap();
    let err = authrocket::LoginTokenVerifier::from_realm(&client, &realm)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, authrocket::LoadError::Api(Error::Redirect { .. })),
        "{err:?}"
    );
    assert!(stranger.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn confirm_never_sends_a_login_token_to_another_origin() {
    let origin = MockServer::start().await;
    let stranger = MockServer::start().await;
    redirect_all(&origin, 307, &format!("{}/v1/sessions/elsewhere", stranger.uri())).await;
    let client = authrocket::Client::builder(authrocket::ApiKey::new(AR_KEY).unwrap())
        .base_url(format!("{}/v1", origin.uri()))
        .build()
        .unwrap();
    let mut claims = mint::ar1_claims(0, 3600);
    claims.as_object_mut().unwrap().remove("tk"); // no session id: the token goes in the path
    let token = mint::hs256(mint::SECRET, &claims);
    let verifier = authrocket::LoginTokenVerifier::new(authrocket::JwtSecret::new(mint::SECRET).unwrap());
    let err = verifier.confirm(&client, &token).await.unwrap_err();
    assert!(
        matches!(&err, authrocket::ConfirmError::Api(Error::Redirect { .. })),
        "{err:?}"
    );
    assert!(stranger.received_requests().await.unwrap().is_empty());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(token.split('.').nth(1).unwrap()), "{shown}");
}

#[test]
fn oauth_urls_with_user_info_are_refused_and_shown_redacted() {
    use rocketpunch::oauth::OAuthClient;
    for (which, url) in [
        ("token", "https://client:hunter2pw@www.rocketpunch.com/oauth/token"),
        (
            "authorize",
            "https://client:hunter2pw@www.rocketpunch.com/oauth/authorize",
        ),
    ] {
        let builder = OAuthClient::builder("client-id", "https://app.example.com/cb");
        let builder = if which == "token" {
            builder.token_url(url)
        } else {
            builder.authorize_url(url)
        };
        let debug = format!("{builder:?}");
        assert!(!debug.contains("hunter2pw"), "{debug}");
        let err = builder.build().unwrap_err().to_string();
        assert!(err.contains("user name or password"), "{err}");
        assert!(!err.contains("hunter2pw") && !err.contains("client:"), "{err}");
    }
}

#[test]
fn an_authorization_request_never_prints_its_state() {
    use rocketpunch::oauth::OAuthClient;
    let oauth = OAuthClient::builder("client-id", "https://app.example.com/cb")
        .build()
        .unwrap();
    let request = oauth.authorize_url(&[]);
    assert!(request.url.as_str().contains(&request.state), "positive control");
    let shown = format!("{request:?}");
    assert!(!shown.contains(&request.state), "{shown}");
    assert!(shown.contains("rocketpunch.com/oauth/authorize"), "{shown}");
}

#[tokio::test]
async fn the_token_endpoint_answer_is_read_within_a_limit() {
    use rocketpunch::oauth::{OAuthClient, OAuthError, PkceVerifier};
    let server = MockServer::start().await;
    let huge = format!("{{\"access_token\":\"{}\"}}", "a".repeat(2 << 20));
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string(huge),
        )
        .mount(&server)
        .await;
    let oauth = OAuthClient::builder("client-id", "https://app.example.com/cb")
        .token_url(format!("{}/oauth/token", server.uri()))
        .build()
        .unwrap();
    let err = oauth
        .exchange_code("the-code", PkceVerifier::new("v"))
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::ResponseTooLarge), "{err:?}");
}

/// Names that carry a secret wherever they appear (as a string property or a parameter), and
/// the fields that share such a name but are not secret, each with the reason. (`session_id`:
/// AuthRocket takes the whole login token in its place.)
const SECRET_NAMES: [&str; 16] = [
    "password",
    "password_confirmation",
    "current_password",
    "token",
    "code",
    "secret",
    "key",
    "api_key",
    "access_token",
    "refresh_token",
    "client_secret",
    "otp_secret",
    "provisioning_uri",
    "provisioning_svg",
    "jwt_key",
    "session_id",
];
const SECRET_SUFFIXES: [&str; 4] = ["_token", "_secret", "_password", "_key"];
const NOT_SECRET: [(&str, &str, &str); 4] = [
    ("requestrocket", "ErrorBody.code", "the vendor's error code"),
    ("rocketpunch", "ErrorDetail.code", "the vendor's error code"),
    ("requestrocket", ".pKey", "a storage key: an id, not a credential"),
    ("requestrocket", ".sKey", "a storage key: an id, not a credential"),
];

fn secret_name(name: &str) -> bool {
    let mut snake = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    SECRET_NAMES.contains(&snake.as_str()) || SECRET_SUFFIXES.iter().any(|s| snake.ends_with(s))
}

/// Every string property and every parameter with a secret's name that is not `format: password`.
fn unmarked(node: &serde_yaml::Value, at: &str, out: &mut Vec<String>) {
    use serde_yaml::Value;
    let password = |schema: &Value| schema.get("format").and_then(Value::as_str) == Some("password");
    match node {
        Value::Mapping(map) => {
            if let Some(Value::Mapping(props)) = map.get("properties") {
                for (name, prop) in props {
                    let name = name.as_str().unwrap_or_default();
                    if secret_name(name)
                        && prop.get("type").and_then(Value::as_str) == Some("string")
                        && !password(prop)
                    {
                        out.push(format!("{at}.{name}"));
                    }
                }
            }
            // A parameter (a security scheme has `name` and `in` too, and a `type`).
            if let (Some(name), Some(_), None) =
                (map.get("name").and_then(Value::as_str), map.get("in"), map.get("type"))
                && secret_name(name)
                && !map.get("schema").is_some_and(password)
            {
                out.push(format!("{at} (parameter `{name}`)"));
            }
            for (k, v) in map {
                unmarked(v, &format!("{at}/{}", k.as_str().unwrap_or("?")), out);
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                unmarked(v, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Every field and parameter whose name says it carries a secret is `format: password` in the
/// spec, so the generator hides it (and Swagger UI, Postman and others mask it too).
#[test]
fn every_secret_field_of_every_spec_is_marked() {
    for api in ["authrocket", "requestrocket", "rocketpunch", "rockety"] {
        let text = std::fs::read_to_string(format!("{}/specs/{api}.yaml", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let mut found = Vec::new();
        unmarked(&doc, "", &mut found);
        found.retain(|at| {
            !NOT_SECRET
                .iter()
                .any(|(spec, field, _)| *spec == api && at.ends_with(field))
        });
        assert!(
            found.is_empty(),
            "specs/{api}.yaml: these look like secrets but are not `format: password` (mark them, or list them in NOT_SECRET with the reason): {found:#?}"
        );
    }
    // Positive control: the walk finds an unmarked secret.
    let mut found = Vec::new();
    let doc: serde_yaml::Value = serde_yaml::from_str(
        "components: {schemas: {X: {type: object, properties: {refresh_token: {type: string}}}}}\n\
         paths: {/a: {get: {parameters: [{name: sessionId, in: path, schema: {type: string}}]}}}",
    )
    .unwrap();
    unmarked(&doc, "", &mut found);
    assert_eq!(found.len(), 2, "{found:?}");
}
