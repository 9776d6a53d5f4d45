//! A tour of the crate: `cargo run --example tour`.
//!
//! With no credentials it runs every client against an embedded mock on 127.0.0.1 (the crate's
//! typed `mock::MockServer`, feature `mock`) that answers with the specs' own examples (so the
//! examples are proven to decode). With an API's credential
//! set it calls that API for real, read-only (at its `*_BASE_URL` when set), and exits non-zero
//! with the error's message if a call fails:
//! - `REQUESTROCKET_USER_TOKEN`: clients; the first client's targets and proxies; system
//!   notifications;
//! - `ROCKETPUNCH_API_KEY` (or `ROCKETPUNCH_ACCESS_TOKEN`): a job search, first page;
//! - `ROCKETY_API_TOKEN`: the first page of projects and of users;
//! - `AUTHROCKET_API_KEY` (with `AUTHROCKET_ACCOUNT` for a legacy key, `AUTHROCKET_REALM` and
//!   `AUTHROCKET_BASE_URL` when set): the first page of orgs. On the mock, a login as well: the
//!   mock issues a login token, which is verified locally and confirmed with the API.

#[path = "../tests/support/authrocket_ops.rs"]
mod authrocket_ops;
#[path = "../tests/support/login_token_mint.rs"]
mod login_token_mint;
#[path = "../tests/support/requestrocket_ops.rs"]
mod requestrocket_ops;
#[path = "../tests/support/rocketpunch_ops.rs"]
mod rocketpunch_ops;
#[path = "../tests/support/rockety_ops.rs"]
mod rockety_ops;
#[path = "../tests/support/spec_mock.rs"]
#[allow(dead_code)]
mod spec_mock;

use std::process::ExitCode;

use rocket_apis::{
    authrocket,
    requestrocket::{self, Client, UserToken},
    rocketpunch, rockety,
};

#[tokio::main]
async fn main() -> ExitCode {
    // The crate's own log lines (retries) go into the transcript; they never hold a credential.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_target(false)
        .without_time()
        .with_ansi(false)
        .with_writer(std::io::stdout)
        .init();
    println!("rocket-apis {} tour", env!("CARGO_PKG_VERSION"));
    let results = [
        ("RequestRocket", requestrocket_tour().await),
        ("Rocketpunch", rocketpunch_tour().await),
        ("Rockety", rockety_tour().await),
        ("AuthRocket", authrocket_tour().await),
    ];
    let mut code = ExitCode::SUCCESS;
    for (api, result) in results {
        if let Err(e) = result {
            eprintln!("error ({api}): {e}");
            code = ExitCode::FAILURE;
        }
    }
    code
}

type TourResult = Result<(), Box<dyn std::error::Error>>;

/// Fails the tour if any call of the every-operation sweep did not decode.
fn all_decoded(results: &[(&str, Result<u16, rocket_apis::Error>)], operations: usize) -> TourResult {
    let failed: Vec<String> = results
        .iter()
        .filter_map(|(id, r)| r.as_ref().err().map(|e| format!("{id}: {e}")))
        .collect();
    if !failed.is_empty() {
        return Err(format!("spec examples that do not decode:\n  {}", failed.join("\n  ")).into());
    }
    println!(
        "every operation: {} of {operations} calls decoded the spec's example",
        results.len()
    );
    Ok(())
}

async fn requestrocket_tour() -> TourResult {
    println!("\n== RequestRocket Core API");
    if std::env::var_os(requestrocket::TOKEN_ENV).is_some() {
        let client = Client::from_env()?;
        println!("live: {} (token from {})", client.base_url(), requestrocket::TOKEN_ENV);
        return requestrocket_read_only(&client).await;
    }

    // The crate's typed mock (feature `mock`), answering every operation with the spec's example.
    let server = requestrocket::mock::MockServer::start().await;
    let mocked = spec_mock::mount(server.wiremock(), include_str!("../specs/requestrocket.yaml"), "/api").await;
    let client = server
        .builder(UserToken::new("u-tour-demo-token")?)
        .retry(rocket_apis::RetryPolicy::default())
        .build()?;
    println!(
        "mock: {} answers {} operations with the examples in specs/requestrocket.yaml",
        client.base_url(),
        mocked.len()
    );
    println!("      (set {} to call the real API instead)", requestrocket::TOKEN_ENV);

    // Its first answer to `listClients` is a 429 with `Retry-After: 1`: the client waits and retries.
    server
        .list_clients()
        .times(1)
        .header("retry-after", 1)
        .fail(429, "Rate limit exceeded")
        .await;
    println!("the mock answers the first call with 429 Too Many Requests, Retry-After: 1");
    requestrocket_read_only(&client).await?;
    let asked = server
        .received()
        .await
        .iter()
        .filter(|(_, target)| target == "/api/clients")
        .count();
    if asked > 1 {
        println!("retry: GET /clients was sent {asked} times (429, waited 1 s, then 200); the walk went on");
    }

    // Every page of a list as one stream (here a single page).
    use futures::TryStreamExt;
    use rocket_apis::Paginate;
    let names: Vec<String> = client
        .list_clients()
        .limit(100)
        .stream()
        .map_ok(|c| c.client_name)
        .try_collect()
        .await?;
    println!("stream of every client across pages: {names:?}");

    all_decoded(&requestrocket_ops::call_every_operation(&client).await, mocked.len())?;
    requestrocket_data_plane().await
}

/// Traffic through a proxy (the data plane), on a mock proxy that answers as RequestRocket's:
/// which side said no, and the async queue.
async fn requestrocket_data_plane() -> TourResult {
    use requestrocket::proxy::{ProxyCredential, ProxyError, mock::MockServer as MockProxy};
    println!("\n-- through a proxy (mock data plane)");
    let proxy = MockProxy::start().await;
    proxy
        .on("GET", "/users/7")
        .warning("Approaching rate limit threshold")
        .target(200, serde_json::json!({"id": 7}))
        .await;
    proxy
        .on("GET", "/users/8")
        .target(404, serde_json::json!({"message": "no such user"}))
        .await;
    proxy.on_async("POST", "/webhooks").accepted("req_tour_1").await;
    let through = proxy.client();
    let ok = through.get("/users/7").send().await?;
    println!("GET /users/7 → {} (warning: {:?})", ok.status(), ok.warning());
    match through.get("/users/8").send().await {
        Err(ProxyError::Target(target)) => println!("GET /users/8 → {target}"),
        other => return Err(format!("expected the target's 404, got {other:?}").into()),
    }
    let stranger =
        requestrocket::proxy::Client::new(proxy.base_url(), ProxyCredential::bearer("not-the-proxy-credential")?)?;
    match stranger.get("/users/7").send().await {
        Err(ProxyError::Refused(refused)) => println!("with another credential → {refused}"),
        other => return Err(format!("expected the proxy's refusal, got {other:?}").into()),
    }
    let queued = through
        .submit(rocket_apis::Method::POST, "/webhooks")
        .json(&serde_json::json!({"event": "user.created"}))
        .send()
        .await?;
    println!("POST /async/…/webhooks → queued as {}", queued.request_id);
    Ok(())
}

/// The read-only walk: clients; for the first client its targets and proxies; system
/// notifications.
async fn requestrocket_read_only(client: &Client) -> TourResult {
    let clients = client.list_clients().send().await?;
    println!("GET /clients → {} client(s)", clients.items().len());
    for c in clients.items() {
        println!("  - {} ({})", c.client_name, c.client_id);
    }
    if let Some(first) = clients.items().first() {
        let id = first.client_id.as_str();
        let targets = client.list_targets().client_id(id).send().await?;
        println!("GET /clients/{id}/targets → {} target(s)", targets.items().len());
        for t in targets.items() {
            println!("  - {}", t.target_name);
        }
        let proxies = client.list_proxies().client_id(id).send().await?;
        println!("GET /clients/{id}/proxies → {} proxy(ies)", proxies.items().len());
        for p in proxies.items() {
            println!("  - {}", p.proxy_name);
        }
        if let Some(proxy) = proxies.items().first() {
            let proxy_id = proxy.s_key.as_str();
            let meters = client.list_meters().client_id(id).proxy_id(proxy_id).send().await?;
            println!(
                "GET /clients/{id}/proxies/{proxy_id}/meters → {} meter(s)",
                meters.items().len()
            );
            for m in meters.items() {
                let kind = m.meter_type.as_ref().map_or("(no type)", |t| t.as_str());
                println!("  - {kind}, active: {:?}", m.meter_active);
            }
        }
    }
    let notes = client.list_system_notifications().send().await?;
    println!("GET /notifications/system → {} notification(s)", notes.items().len());
    for n in notes.items() {
        println!("  - {}", n.title.as_deref().unwrap_or("(untitled)"));
    }
    Ok(())
}

async fn rocketpunch_tour() -> TourResult {
    println!("\n== Rocketpunch Open API");
    let live = [rocketpunch::APP_KEY_ENV, rocketpunch::ACCESS_TOKEN_ENV]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    if live {
        let client = rocketpunch::Client::from_env()?;
        println!("live: {}", client.base_url());
        return rocketpunch_search(&client).await;
    }
    let server = rocketpunch::mock::MockServer::start().await;
    let mocked = spec_mock::mount(server.wiremock(), include_str!("../specs/rocketpunch.yaml"), "/api/v1").await;
    let client = server
        .builder(rocketpunch::AppKey::new("rp_app_tourDemoKey")?)
        .build()?;
    println!(
        "mock: {} answers {} operations from specs/rocketpunch.yaml",
        client.base_url(),
        mocked.len()
    );
    println!("      (set {} to call the real API instead)", rocketpunch::APP_KEY_ENV);
    rocketpunch_search(&client).await?;
    let oauth = rocketpunch::oauth::OAuthClient::builder("tour-client-id", "http://127.0.0.1:8080/callback").build()?;
    let request = oauth.authorize_url(&[rocketpunch::oauth::Scope::ProfileRead]);
    println!(
        "OAuth 2.0: send a user to {}…",
        &request.url.as_str()[..60.min(request.url.as_str().len())]
    );
    rocketpunch_refresh(&server).await?;
    all_decoded(&rocketpunch_ops::call_every_operation(&client).await, mocked.len())
}

/// A user client whose access token has expired: it refreshes the token once against the mock's
/// token endpoint, hands the new set to its callback, and the call goes through.
async fn rocketpunch_refresh(server: &rocketpunch::mock::MockServer) -> TourResult {
    use rocketpunch::{
        AccessToken,
        oauth::{RefreshToken, TokenSet},
    };
    let tokens = |access: &str, refresh: &str, lifetime: u64| -> Result<TokenSet, rocket_apis::InvalidCredential> {
        Ok(TokenSet {
            access_token: AccessToken::new(access)?,
            refresh_token: Some(RefreshToken::new(refresh)),
            expires_in: Some(std::time::Duration::from_secs(lifetime)),
            scopes: vec!["profile:read".into()],
        })
    };
    server
        .oauth_token()
        .refresh()
        .ok(&tokens("at_tourFresh", "rt_tourRotated", 3600)?)
        .await;
    let refreshed = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = refreshed.clone();
    let oauth = server
        .oauth_client("tour-client-id", "http://127.0.0.1:8080/callback")
        .build()?;
    let session = oauth
        .session(tokens("at_tourExpired", "rt_tourFirst", 0)?)
        .on_refresh(move |_new_tokens| {
            // Store the new set here (its refresh token may be a new one).
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
    let user = server.builder(session).build()?;
    let jobs = user.list_jobs().page(1).send().await?;
    let token_requests = server
        .received()
        .await
        .iter()
        .filter(|(_, target)| target == rocketpunch::oauth::mock::TOKEN_PATH)
        .count();
    println!(
        "refresh: the user's access token had expired; the client refreshed it ({token_requests} token request, \
         {} new token set stored) and the call went through ({} jobs)",
        refreshed.load(std::sync::atomic::Ordering::SeqCst),
        jobs.items.len()
    );
    Ok(())
}

/// A keyword job search, first page: each job's title.
async fn rocketpunch_search(client: &rocketpunch::Client) -> TourResult {
    use rocketpunch::RateLimitExt;
    let jobs = client.list_jobs().keyword("AI").page(1).send().await?;
    println!("GET /jobs?keyword=AI → {} job(s)", jobs.items.len());
    for job in &jobs.items {
        println!("  - {}", job.title.as_deref().unwrap_or("(untitled)"));
    }
    if let Some(limit) = jobs.rate_limit() {
        println!("rate limit: {:?} of {:?} left", limit.remaining, limit.limit);
    }
    Ok(())
}

async fn rockety_tour() -> TourResult {
    println!("\n== Rockety API");
    if std::env::var_os(rockety::TOKEN_ENV).is_some() {
        let client = rockety::Client::from_env()?;
        println!("live: {}", client.base_url());
        return rockety_lists(&client).await;
    }
    let server = rockety::mock::MockServer::start().await;
    let mocked = spec_mock::mount(server.wiremock(), include_str!("../specs/rockety.yaml"), "/api/v1").await;
    let client = server.builder(rockety::ApiToken::new("tour-demo-token")?).build()?;
    println!(
        "mock: {} answers {} operations from specs/rockety.yaml",
        client.base_url(),
        mocked.len()
    );
    println!("      (set {} to call the real API instead)", rockety::TOKEN_ENV);
    rockety_lists(&client).await?;
    all_decoded(&rockety_ops::call_every_operation(&client).await, mocked.len())
}

/// The first page of projects and of users: their names.
async fn rockety_lists(client: &rockety::Client) -> TourResult {
    let projects = client.list_projects().page(1).send().await?;
    let p = &projects.pagination;
    println!(
        "GET /projects?page=1 → {} project(s), page {} of {}",
        projects.data.len(),
        p.current_page,
        p.total_pages
    );
    for project in &projects.data {
        let created = project
            .created_at
            .map(|t| format!(" (created {t}, no zone)"))
            .unwrap_or_default();
        println!("  - {}{created}", project.name.as_deref().unwrap_or("(unnamed)"));
    }
    let users = client.list_users().page(1).send().await?;
    println!("GET /users?page=1 → {} user(s)", users.data.len());
    for user in &users.data {
        println!("  - {}", user.name.as_deref().unwrap_or("(unnamed)"));
    }
    Ok(())
}

async fn authrocket_tour() -> TourResult {
    println!("\n== AuthRocket 1 API");
    if std::env::var_os(authrocket::API_KEY_ENV).is_some() {
        let client = authrocket::Client::from_env()?;
        println!("live: {}", client.base_url());
        return authrocket_orgs(&client).await;
    }
    let server = authrocket::mock::MockServer::start().await;
    let mocked = spec_mock::mount(server.wiremock(), include_str!("../specs/authrocket.yaml"), "/v1").await;
    let credentials = authrocket::Credentials::new(authrocket::ApiKey::new("ko_tourDemoKey")?)
        .with_realm(authrocket::RealmId::new("rl_0v1zTHXhtNgmDaXaDYSAqx")?);
    let client = server.builder(credentials).build()?;
    println!(
        "mock: {} answers {} operations from specs/authrocket.yaml",
        client.base_url(),
        mocked.len()
    );
    println!(
        "      (set {} and {} to call your account instead)",
        authrocket::API_KEY_ENV,
        authrocket::BASE_URL_ENV
    );
    authrocket_orgs(&client).await?;
    all_decoded(&authrocket_ops::call_every_operation(&client).await, mocked.len())?;
    authrocket_login(&server, &client).await
}

/// A password login on the mock, which answers as AuthRocket does: with a login token signed
/// with the realm's JWT secret. The token is verified locally (no round trip), then confirmed
/// with the API (one round trip, for when a revoked session must not get through).
async fn authrocket_login(server: &authrocket::mock::MockServer, client: &authrocket::Client) -> TourResult {
    use authrocket::{JwtSecret, LoginTokenVerifier, types};
    use login_token_mint as mint;

    let issued = mint::hs256(mint::SECRET, &mint::ar1_claims(0, 3600));
    let user: types::User = serde_json::from_value(serde_json::json!({
        "id": mint::USER, "object": "user", "username": "ada", "token": issued}))?;
    server.authenticate_user().path_param("userId", "ada").ok(&user).await;
    let body: types::AuthenticateBody = serde_json::from_value(serde_json::json!({"password": "correct horse"}))?;
    let login = client.authenticate_user().user_id("ada").body(body).send().await?;
    let token = login.token.as_deref().ok_or("the login answered without a token")?;

    // AUTHROCKET_JWT_SECRET in an app: `LoginTokenVerifier::from_env()`.
    let verifier = LoginTokenVerifier::new(JwtSecret::new(mint::SECRET)?);
    let session = verifier.verify(token)?;
    println!(
        "POST /users/ada/authenticate → login token, verified locally: {} ({}), session {}",
        session.name().unwrap_or("(unnamed)"),
        session.username().unwrap_or("-"),
        session.session_id().unwrap_or("-")
    );
    for membership in session.memberships() {
        let permissions: Vec<&str> = membership.permissions().collect();
        println!(
            "  - {}: {}",
            membership.org_name().unwrap_or("(no org)"),
            permissions.join(", ")
        );
    }
    verifier.confirm(client, token).await?;
    println!("GET /sessions/{{id}} → the session is still active");
    Ok(())
}

/// The first page of orgs: their names.
async fn authrocket_orgs(client: &authrocket::Client) -> TourResult {
    use rocket_apis::ResponseExt;
    let orgs = client.list_orgs().max_results(100).send().await?;
    let more = if orgs.more_results { ", more follow" } else { "" };
    println!("GET /orgs → {} org(s){more}", orgs.collection.len());
    for org in &orgs.collection {
        println!("  - {}", org.name.as_deref().unwrap_or("(unnamed)"));
    }
    if let Some(id) = orgs.request_id() {
        println!("request id: {id}");
    }
    Ok(())
}
