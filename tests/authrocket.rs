//! The AuthRocket client against a local mock server: both key modes and the default realm on
//! the wire, root-wrapped bodies, list filters and cursor paging, fractional timestamps, each
//! error class, request ids, and what is refused before anything is sent.
#![cfg(feature = "authrocket")]

use rocket_apis::{
    ConfigError, Error, ErrorKind, Problem, ResponseExt,
    authrocket::{AccountId, ApiKey, Client, Credentials, LegacyApiKey, RealmId, State, types},
};
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{body_json, header, method, path},
};

const KEY: &str = "ko_0ut5nPLwrV9PxSRGy8OMZI-e34b5ff952f5e43de641d6e96a9a5d58";
const SECRET_PART: &str = "e34b5ff952f5e43de641d6e96a9a5d58";

async fn server_and(credentials: Credentials) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder(credentials)
        .base_url(format!("{}/v1", server.uri()))
        // Decoding tests: one attempt per call (retries are tested in tests/resilience.rs).
        .retry(rocket_apis::RetryPolicy::none())
        .build()
        .unwrap();
    (server, client)
}

fn json(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(body)
        .insert_header("x-request-id", "rq_0vdbINw16QhITBp4iBhgX4")
}

fn org_json() -> serde_json::Value {
    serde_json::json!({"id": "org_1", "object": "org", "realm_id": "rl_1", "name": "Acme", "state": "active",
                       "reference": null, "custom": {}, "created_at": 1423941493.701})
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

#[tokio::test]
async fn modern_key_with_default_realm_on_the_wire() {
    let credentials =
        Credentials::new(ApiKey::new(KEY).unwrap()).with_realm(RealmId::new("rl_0v1zTHXhtNgmDaXaDYSAqx").unwrap());
    let (server, client) = server_and(credentials).await;
    Mock::given(method("GET"))
        .and(path("/v1/orgs"))
        .and(header("x-authrocket-api-key", KEY))
        .respond_with(json(
            200,
            serde_json::json!({"collection": [org_json()], "more_results": false}),
        ))
        .mount(&server)
        .await;
    let orgs = client.list_orgs().send().await.unwrap();
    assert_eq!(orgs.collection[0].name.as_deref(), Some("Acme"));
    assert_eq!(
        orgs.collection[0].created_at,
        Some(1423941493.701),
        "fractional Unix seconds"
    );
    assert_eq!(orgs.collection[0].state, Some(State::Active));
    assert_eq!(orgs.request_id(), Some("rq_0vdbINw16QhITBp4iBhgX4"));
    let req = &requests(&server).await[0];
    assert_eq!(req.headers["x-authrocket-realm"], "rl_0v1zTHXhtNgmDaXaDYSAqx");
    assert_eq!(req.headers["accept"], "application/json");
    assert!(req.headers.get("x-authrocket-account").is_none());
    assert!(req.headers.get("api-version").is_none());
    let ua = req.headers["user-agent"].to_str().unwrap();
    assert!(
        ua.contains("rocket-apis/") && ua.contains("https://github.com/rocket-apis/rocket-apis"),
        "{ua}"
    );
}

#[tokio::test]
async fn legacy_pair_without_realm_on_the_wire() {
    let credentials = Credentials::legacy(
        AccountId::new("org_0ut5nPLwrV9PxSRGy8OMZI").unwrap(),
        LegacyApiKey::new("key_e34b5ff952f5").unwrap(),
    );
    let (server, client) = server_and(credentials).await;
    Mock::given(method("GET"))
        .and(header("x-authrocket-account", "org_0ut5nPLwrV9PxSRGy8OMZI"))
        .and(header("x-authrocket-api-key", "key_e34b5ff952f5"))
        .respond_with(json(200, serde_json::json!({"collection": [], "more_results": false})))
        .mount(&server)
        .await;
    client.list_realms().send().await.unwrap();
    assert!(requests(&server).await[0].headers.get("x-authrocket-realm").is_none());
}

#[tokio::test]
async fn create_and_update_bodies_are_wrapped_in_the_root_key() {
    let (server, client) = server_and(Credentials::new(ApiKey::new(KEY).unwrap())).await;
    Mock::given(method("POST"))
        .and(path("/v1/orgs"))
        .and(body_json(
            serde_json::json!({"org": {"name": "Acme", "realm_id": "rl_1", "custom": {"plan": "gold"}}}),
        ))
        .respond_with(json(201, org_json()))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v1/users/usr_1/update_password"))
        .and(body_json(serde_json::json!({"user": {"current_password": "old", "password": "new-1", "password_confirmation": "new-1"}})))
        .respond_with(json(200, serde_json::json!({"id": "usr_1", "object": "user"})))
        .mount(&server)
        .await;
    let body: types::OrgBody = serde_json::from_value(
        serde_json::json!({"org": {"name": "Acme", "realm_id": "rl_1", "custom": {"plan": "gold"}}}),
    )
    .unwrap();
    let created = client.create_org().body(body).send().await.unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.id, "org_1");
    let change: types::UserActionBody = serde_json::from_value(
        serde_json::json!({"user": {"current_password": "old", "password": "new-1", "password_confirmation": "new-1"}}),
    )
    .unwrap();
    client
        .update_user_password()
        .user_id("usr_1")
        .body(change)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn list_filters_and_cursor_parameters_are_sent() {
    let (server, client) = server_and(Credentials::new(ApiKey::new(KEY).unwrap())).await;
    Mock::given(method("GET"))
        .and(path("/v1/memberships"))
        .respond_with(json(
            200,
            serde_json::json!({"collection": [{"id": "mb_9", "user_id": "usr_1", "org_id": null,
            "permissions": ["admin"], "expires_at": 1424000000.5}], "more_results": true}),
        ))
        .mount(&server)
        .await;
    let page = client
        .list_memberships()
        .user_id("usr_1")
        .org_id("org_1")
        .after("mb_8")
        .max_results(2)
        .sort("id")
        .direction(types::SortDirection::Desc)
        .send()
        .await
        .unwrap();
    assert!(page.more_results);
    assert_eq!(page.collection[0].org_id, None);
    assert_eq!(page.collection[0].expires_at, Some(1424000000.5));
    let query = requests(&server).await[0].url.query().unwrap().to_string();
    for part in [
        "user_id=usr_1",
        "org_id=org_1",
        "after=mb_8",
        "max_results=2",
        "sort=id",
        "direction=desc",
    ] {
        assert!(query.contains(part), "{part} in {query}");
    }
}

async fn error_of(status: u16, body: serde_json::Value) -> Error {
    let (server, client) = server_and(Credentials::new(ApiKey::new(KEY).unwrap())).await;
    Mock::given(method("POST"))
        .respond_with(json(status, body))
        .mount(&server)
        .await;
    let login: types::AuthenticateBody = serde_json::from_value(serde_json::json!({"password": "hunter2"})).unwrap();
    client
        .authenticate_user()
        .user_id("dave")
        .body(login)
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn each_error_class_is_distinguishable_and_carries_the_request_id() {
    let cases = [
        (
            401,
            ErrorKind::Unauthorized,
            serde_json::json!({"errors": {"base": ["Username or password is incorrect"]}}),
        ),
        (
            402,
            ErrorKind::PaymentRequired,
            serde_json::json!({"error": "Subscription inactive"}),
        ),
        (
            403,
            ErrorKind::Forbidden,
            serde_json::json!({"error": "Invalid API key"}),
        ),
        (404, ErrorKind::NotFound, serde_json::json!({"error": "Not found"})),
    ];
    for (status, kind, body) in cases {
        let err = error_of(status, body).await;
        let api = err.api_error().unwrap();
        assert_eq!(api.kind(), kind, "{status}");
        assert_eq!(api.request_id(), Some("rq_0vdbINw16QhITBp4iBhgX4"));
        assert!(
            err.to_string().contains("request id rq_0vdbINw16QhITBp4iBhgX4"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn validation_errors_list_their_fields() {
    let err = error_of(
        422,
        serde_json::json!({"errors": {"username": ["has already been taken"], "email": ["is invalid", "is too long"]}}),
    )
    .await;
    let api = err.api_error().unwrap();
    assert_eq!(api.kind(), ErrorKind::Unprocessable);
    assert_eq!(
        api.field_errors(),
        &[
            (
                "email".to_string(),
                vec!["is invalid".to_string(), "is too long".to_string()]
            ),
            ("username".to_string(), vec!["has already been taken".to_string()])
        ]
    );
    let shown = err.to_string();
    assert!(
        shown.contains("Validation error") && shown.contains("email: is invalid, is too long"),
        "{shown}"
    );
    let err = error_of(
        409,
        serde_json::json!({"errors": {"base": ["Cannot delete while memberships exist"]}}),
    )
    .await;
    assert_eq!(err.api_error().unwrap().kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("base: Cannot delete while memberships exist"));
}

#[test]
fn bad_keys_and_ids_are_refused_before_sending() {
    let e = ApiKey::new("key_e34b5ff952f5").unwrap_err();
    assert_eq!(e.problem(), &Problem::MissingPrefix(&["ko_"]));
    assert!(e.to_string().contains("Credentials::legacy"), "{e}");
    assert_eq!(
        LegacyApiKey::new(KEY).unwrap_err().problem(),
        &Problem::MissingPrefix(&["key_"])
    );
    assert_eq!(
        ApiKey::new(format!("{KEY} ")).unwrap_err().problem(),
        &Problem::Whitespace(KEY.len())
    );
    assert_eq!(
        ApiKey::new("Bearer ko_x").unwrap_err().problem(),
        &Problem::SchemePrefix("Bearer")
    );
    assert!(AccountId::new("acct_1").is_err());
    assert!(RealmId::new("realm_1").is_err());
    for e in [
        ApiKey::new(format!("{KEY}\n")).unwrap_err(),
        ApiKey::new(&KEY[3..]).unwrap_err(),
    ] {
        assert!(
            !e.to_string().contains(SECRET_PART) && !format!("{e:?}").contains(SECRET_PART),
            "{e}"
        );
    }
    assert_eq!(format!("{:?}", ApiKey::new(KEY).unwrap()), "ApiKey(ko_****)");
}

#[test]
fn only_https_on_port_443_except_loopback() {
    let key = || Credentials::new(ApiKey::new(KEY).unwrap());
    for url in [
        "http://api-e1.authrocket.com/v1",
        "https://api-e1.authrocket.com:8443/v1",
        "http://10.1.2.3/v1",
    ] {
        let err = Client::builder(key()).base_url(url).build().expect_err(url);
        assert!(matches!(err, ConfigError::BaseUrl { .. }), "{url}");
    }
    assert!(
        Client::builder(key())
            .base_url("https://api-e1.authrocket.com:8443/v1")
            .build()
            .unwrap_err()
            .to_string()
            .contains("443")
    );
    for url in [
        "https://api-e2.authrocket.com/v1",
        "https://api-e2.authrocket.com:443/v1",
        "http://127.0.0.1:3000/v1",
        "https://localhost:8443/v1",
    ] {
        Client::builder(key())
            .base_url(url)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

#[tokio::test]
async fn client_and_error_debug_never_show_the_key() {
    let (server, client) = server_and(Credentials::new(ApiKey::new(KEY).unwrap())).await;
    assert!(!format!("{client:?}").contains(SECRET_PART));
    Mock::given(method("GET"))
        .respond_with(json(403, serde_json::json!({"error": "Invalid API key"})))
        .mount(&server)
        .await;
    let err = client.list_orgs().send().await.unwrap_err();
    assert!(!format!("{err:?}").contains(SECRET_PART) && !err.to_string().contains(SECRET_PART));
}

#[test]
fn from_env_reads_both_modes_realm_and_endpoint() {
    let set = |k: &str, v: Option<&str>| unsafe {
        match v {
            Some(v) => std::env::set_var(k, v),
            None => std::env::remove_var(k),
        }
    };
    let vars = [
        "AUTHROCKET_API_KEY",
        "AUTHROCKET_ACCOUNT",
        "AUTHROCKET_REALM",
        "AUTHROCKET_BASE_URL",
    ];
    vars.iter().for_each(|k| set(k, None));
    assert!(matches!(
        Client::from_env().unwrap_err(),
        ConfigError::MissingEnv {
            var: "AUTHROCKET_API_KEY",
            ..
        }
    ));
    set("AUTHROCKET_API_KEY", Some(KEY));
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "https://api-e1.authrocket.com/v1"
    );
    set("AUTHROCKET_BASE_URL", Some("https://api-e2.authrocket.com/v1"));
    set("AUTHROCKET_REALM", Some("rl_1"));
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "https://api-e2.authrocket.com/v1"
    );
    set("AUTHROCKET_REALM", Some("xx_1"));
    assert!(Client::from_env().unwrap_err().to_string().contains("AUTHROCKET_REALM"));
    set("AUTHROCKET_REALM", None);
    // An account selects the legacy mode, where a ko_ key is the wrong kind.
    set("AUTHROCKET_ACCOUNT", Some("org_1"));
    let err = Client::from_env().unwrap_err().to_string();
    assert!(
        err.contains("AUTHROCKET_API_KEY") && err.contains("`key_`") && !err.contains(SECRET_PART),
        "{err}"
    );
    set("AUTHROCKET_API_KEY", Some("key_abc"));
    Client::from_env().unwrap();
    vars.iter().for_each(|k| set(k, None));
}

#[tokio::test]
async fn a_login_token_in_the_path_does_not_reach_a_transport_error() {
    // Nothing listens on this port: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder(Credentials::new(ApiKey::new(KEY).unwrap()))
        .base_url(format!("http://127.0.0.1:{port}/v1"))
        .build()
        .unwrap();
    let token = "kli_0vSecretLoginTokenValue";
    let err = client.get_session().session_id(token).send().await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let shown = format!("{err} {err:?} {:?}", std::error::Error::source(&err));
    assert!(!shown.contains(token), "{shown}");
}

#[tokio::test]
async fn fields_the_spec_marks_secret_never_show_in_debug() {
    const SECRET: &str = "kli0-super-secret-value";
    let (server, client) = server_and(Credentials::new(ApiKey::new(KEY).unwrap())).await;
    Mock::given(method("GET"))
        .and(path("/v1/users/usr_1"))
        .respond_with(json(
            200,
            serde_json::json!({"id": "usr_1", "object": "user", "realm_id": "rl_1", "state": "active",
                               "user_type": "human", "username": "ada", "token": SECRET,
                               "password_reset_token": SECRET, "created_at": 1423941493.7}),
        ))
        .mount(&server)
        .await;
    // A response that carries a login token, decoded from a real answer: its `Debug` says
    // the token is there, not what it is, and the other fields show as they are.
    let user = client.get_user().user_id("usr_1").send().await.unwrap();
    assert_eq!(user.token.as_deref(), Some(SECRET));
    let shown = format!("{user:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(
        shown.contains("token: Some(<redacted>)") && shown.contains("username: Some(\"ada\")"),
        "{shown}"
    );

    // A request body, its builder and the operation builder holding it.
    let body = types::AuthenticateBody {
        password: SECRET.into(),
        request: None,
    };
    assert!(!format!("{body:?}").contains(SECRET));
    let input = types::UserInput::builder().username("ada").password(SECRET);
    assert!(!format!("{input:?}").contains(SECRET), "{input:?}");
    let call = client.create_user().body_map(|b| {
        b.user(
            types::UserInput::builder()
                .username("ada")
                .password(SECRET)
                .password_confirmation(SECRET),
        )
    });
    assert!(!format!("{call:?}").contains(SECRET), "{call:?}");
}
