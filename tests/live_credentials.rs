//! Live credentials against real local servers: `set_credentials` on a running
//! client while calls are in flight (each request carries one whole set), credential sources
//! (cached, renewed once ahead of expiry, typed failures), Rocketpunch OAuth that refreshes
//! itself (one token-endpoint request for 100 concurrent calls), RequestRocket's two token
//! slots, and no credential in any message or TRACE log line.

#[path = "support/rotating_server.rs"]
mod rotating_server;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

#[path = "support/live_fixtures.rs"]
mod live_fixtures;

use live_fixtures::*;
use rocket_apis::{
    CredentialRenewalError, CredentialSource, Error, SourceError, SourcedCredentials, authrocket, requestrocket,
    rocketpunch, rockety,
};
use rotating_server::{CredentialSet, Rotating};
use wiremock::{
    Mock, MockServer, Request, Respond, ResponseTemplate,
    matchers::{header, method, path},
};

/// 200 calls spread over the run through clones and per-call views, while `rotate` is called
/// 10 times; returns how many calls failed.
async fn calls_while_rotating<C, F, R>(client: C, call: F, rotate: R) -> usize
where
    C: Clone + Send + Sync + 'static,
    F: Fn(C, usize) -> futures::future::BoxFuture<'static, bool> + Send + Sync + 'static,
    R: Fn(usize) + Send + 'static,
{
    let call = Arc::new(call);
    let mut tasks = Vec::new();
    for i in 0..200 {
        let (client, call) = (client.clone(), call.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis((i % 50) as u64 * 4)).await;
            call(client, i).await
        }));
    }
    let rotations = tokio::spawn(async move {
        for generation in 1..=10 {
            tokio::time::sleep(Duration::from_millis(18)).await;
            rotate(generation);
        }
    });
    let mut failed = 0;
    for task in tasks {
        if !task.await.unwrap() {
            failed += 1;
        }
    }
    rotations.await.unwrap();
    failed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rockety_rotated_ten_times_under_200_concurrent_calls_fails_none() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"data": [], "pagination": {"current_page": 1, "per_page": 20, "total_pages": 1, "total_items": 0}});
    let rotating = Rotating::new(
        rockety_set(0),
        Duration::from_millis(200),
        body,
        Duration::from_millis(15),
    );
    rotating.serve_get(&server, "/api/v1/projects").await;
    let client = rockety::Client::builder(rockety_token(0))
        .base_url(format!("{}/api/v1", server.uri()))
        .retry(rocket_apis::RetryPolicy::none())
        .build()
        .unwrap();
    let (server_side, rotator) = (rotating.clone(), client.clone());
    let failed = calls_while_rotating(
        client,
        |client: rockety::Client, i| {
            Box::pin(async move {
                // Clones and per-call views share the slot.
                let result = match i % 3 {
                    0 => client.list_projects().send().await,
                    1 => client.clone().list_projects().send().await,
                    _ => client.with_options(|o| o.retries(0)).list_projects().send().await,
                };
                result.is_ok()
            })
        },
        move |generation| {
            server_side.rotate(rockety_set(generation));
            rotator.set_credentials(rockety_token(generation));
        },
    )
    .await;
    assert_eq!(failed, 0, "calls failed during rotation");
    assert_eq!(rotating.mixed(), 0, "requests without one whole credential set");
    let seen = rotating.seen();
    assert_eq!(seen.len(), 200);
    let mut generations: Vec<usize> = seen.clone();
    generations.sort_unstable();
    generations.dedup();
    assert!(
        generations.len() >= 3,
        "the calls spanned few generations: {generations:?}"
    );
}

/// AuthRocket: even generations a legacy account + key pair with a default realm, odd ones a
/// modern key alone, so a request mixing two generations shows as a foreign set.
fn authrocket_set(generation: usize) -> CredentialSet {
    if generation.is_multiple_of(2) {
        vec![
            ("x-authrocket-account", Some(format!("org_rot{generation}"))),
            ("x-authrocket-api-key", Some(format!("key_rotsecret{generation}"))),
            ("x-authrocket-realm", Some(format!("rl_rot{generation}"))),
        ]
    } else {
        vec![
            ("x-authrocket-account", None),
            ("x-authrocket-api-key", Some(format!("ko_rotsecret{generation}"))),
            ("x-authrocket-realm", None),
        ]
    }
}

fn authrocket_credentials(generation: usize) -> authrocket::Credentials {
    if generation.is_multiple_of(2) {
        authrocket::Credentials::legacy(
            authrocket::AccountId::new(format!("org_rot{generation}")).unwrap(),
            authrocket::LegacyApiKey::new(format!("key_rotsecret{generation}")).unwrap(),
        )
        .with_realm(authrocket::RealmId::new(format!("rl_rot{generation}")).unwrap())
    } else {
        authrocket::Credentials::new(authrocket::ApiKey::new(format!("ko_rotsecret{generation}")).unwrap())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn authrocket_legacy_pair_swapped_together_under_200_concurrent_calls() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"collection": [], "more_results": false});
    let rotating = Rotating::new(
        authrocket_set(0),
        Duration::from_millis(200),
        body,
        Duration::from_millis(15),
    );
    rotating.serve_get(&server, "/v1/orgs").await;
    let client = authrocket::Client::builder(authrocket_credentials(0))
        .base_url(format!("{}/v1", server.uri()))
        .retry(rocket_apis::RetryPolicy::none())
        .build()
        .unwrap();
    let (server_side, rotator) = (rotating.clone(), client.clone());
    let failed = calls_while_rotating(
        client,
        |client: authrocket::Client, i| {
            Box::pin(async move {
                let view = if i % 2 == 0 {
                    client.clone()
                } else {
                    client.with_options(|o| o.retries(0))
                };
                view.list_orgs().send().await.is_ok()
            })
        },
        move |generation| {
            server_side.rotate(authrocket_set(generation));
            rotator.set_credentials(authrocket_credentials(generation));
        },
    )
    .await;
    assert_eq!(failed, 0, "calls failed during rotation");
    assert_eq!(rotating.mixed(), 0, "requests without one whole credential set");
    let seen = rotating.seen();
    assert_eq!(seen.len(), 200);
    assert!(seen.iter().any(|g| g % 2 == 0) && seen.iter().any(|g| g % 2 == 1));
}

/// With no overlap at all (the old key revoked before the client is given the new one), calls
/// sent with the old set draw a 401; as the set was replaced meanwhile, each is sent again,
/// once, with the new one: no call fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_call_refused_with_a_replaced_set_is_sent_again_with_the_new_one() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"data": [], "pagination": {"current_page": 1, "per_page": 20, "total_pages": 1, "total_items": 0}});
    // Every answer takes 300 ms, so the new set is given while the calls are in flight.
    let rotating = Rotating::new(rockety_set(0), Duration::ZERO, body, Duration::from_millis(300));
    rotating.serve_get(&server, "/api/v1/projects").await;
    let client = rockety::Client::builder(rockety_token(0))
        .base_url(format!("{}/api/v1", server.uri()))
        .retry(rocket_apis::RetryPolicy::none())
        .build()
        .unwrap();
    rotating.rotate(rockety_set(1));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_projects().send().await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    client.set_credentials(rockety_token(1));
    for call in calls {
        call.await.unwrap().expect("a call sent with the replaced set failed");
    }
    assert_eq!(rotating.too_late(), 20, "every call was first sent with the old set");
    assert_eq!(rotating.seen(), vec![1; 20], "and then once with the new one");
    assert_eq!(rotating.mixed(), 0);
}

#[tokio::test]
async fn a_call_after_set_credentials_carries_the_new_set_and_no_old_header() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"collection": [], "more_results": false});
    let rotating = Rotating::new(authrocket_set(0), Duration::ZERO, body, Duration::ZERO);
    rotating.serve_get(&server, "/v1/orgs").await;
    let client = authrocket::Client::builder(authrocket_credentials(0))
        .base_url(format!("{}/v1", server.uri()))
        .retry(rocket_apis::RetryPolicy::none())
        .build()
        .unwrap();
    let view = client.with_options(|o| o.timeout(Duration::from_secs(5)));
    client.list_orgs().send().await.unwrap();
    rotating.rotate(authrocket_set(1));
    // Set on a view: the client and every other view see it.
    view.set_credentials(authrocket_credentials(1));
    client.list_orgs().send().await.unwrap();
    view.list_orgs().send().await.unwrap();
    assert_eq!(rotating.seen(), vec![0, 1, 1]);
    assert_eq!(
        rotating.mixed(),
        0,
        "the legacy account header stayed after switching to a modern key"
    );
    assert_eq!(rotating.too_late(), 0, "the new set was not used at once");
}

// ---- Rocketpunch: an OAuth session that keeps itself alive ----

async fn token_requests(server: &rocketpunch::mock::MockServer) -> usize {
    server
        .received()
        .await
        .iter()
        .filter(|(_, target)| target == "/oauth/token")
        .count()
}

/// 100 concurrent calls of a user client; returns how many failed.
async fn hundred_calls(client: &rocketpunch::Client) -> usize {
    let calls = (0..100).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_jobs().send().await })
    });
    let mut failed = 0;
    for call in futures::future::join_all(calls).await {
        if let Err(e) = call.unwrap() {
            eprintln!("failed: {e}");
            failed += 1;
        }
    }
    failed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_calls_with_an_expired_access_token_make_one_refresh() {
    let server = rocketpunch_with_new_tokens().await;
    // Expired when the session starts: every call waits for the one refresh.
    let (client, stored) = expired_session_client(&server, Some(Duration::ZERO)).await;
    assert_eq!(hundred_calls(&client).await, 0);
    assert_eq!(token_requests(&server).await, 1, "one refresh for 100 calls");
    let stored = stored.lock().unwrap().clone();
    assert_eq!(stored.len(), 1, "the callback gets the new set once");
    assert_eq!(stored[0].access_token.expose(), NEW_ACCESS);
    assert_eq!(stored[0].refresh_token.as_ref().unwrap().expose(), NEW_REFRESH);
    // No call went out with the expired token.
    let old = server
        .wiremock()
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| {
            r.headers
                .get("authorization")
                .is_some_and(|v| v.to_str().unwrap().contains(OLD_ACCESS))
        })
        .count();
    assert_eq!(old, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_calls_refused_with_401_make_one_refresh_and_all_succeed() {
    let server = rocketpunch_with_new_tokens().await;
    // No expiry known: the 401s say the token expired.
    let (client, stored) = expired_session_client(&server, None).await;
    assert_eq!(hundred_calls(&client).await, 0);
    assert_eq!(
        token_requests(&server).await,
        1,
        "one refresh for 100 calls refused with 401"
    );
    assert_eq!(stored.lock().unwrap().len(), 1);
    // The client keeps the new token: the next call needs no refresh.
    client.list_jobs().send().await.unwrap();
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_ahead_of_time() {
    let server = rocketpunch_with_new_tokens().await;
    // Valid for 1 s more, refreshed 60 s (capped at half its lifetime) ahead: at once.
    let (client, stored) = expired_session_client(&server, Some(Duration::from_secs(1))).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    client.list_jobs().send().await.unwrap();
    assert_eq!(token_requests(&server).await, 1);
    assert_eq!(stored.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_refused_refresh_token_says_authorize_again_until_new_tokens_are_set() {
    let server = rocketpunch::mock::MockServer::start().await;
    server
        .oauth_token()
        .refresh()
        .refuse("invalid_grant", "the refresh token expired")
        .await;
    let (client, stored) = expired_session_client(&server, Some(Duration::ZERO)).await;
    let err = client.list_jobs().send().await.unwrap_err();
    let Error::Credentials(inner) = &err else {
        panic!("not a credentials error: {err:?}")
    };
    assert!(inner.reauthorize_required(), "{inner:?}");
    assert!(matches!(inner, CredentialRenewalError::ReauthorizeRequired { code: Some(c), .. } if c == "invalid_grant"));
    let message = err.to_string();
    assert!(message.contains("authorize again"), "{message}");
    for secret in [OLD_ACCESS, OLD_REFRESH] {
        assert!(!format!("{err} {err:?} {client:?}").contains(secret), "{secret} shown");
    }
    // The refresh token is dead: the next call fails at once, without asking again.
    let again = client.list_jobs().send().await.unwrap_err();
    assert!(matches!(
        again,
        Error::Credentials(CredentialRenewalError::ReauthorizeRequired { .. })
    ));
    assert_eq!(token_requests(&server).await, 1);
    assert!(stored.lock().unwrap().is_empty());

    // After a new authorization: new tokens, and calls work again.
    Mock::given(method("GET"))
        .and(path("/api/v1/jobs"))
        .and(header("authorization", format!("Bearer {NEW_ACCESS}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"items": []})))
        .mount(server.wiremock())
        .await;
    let oauth = server
        .oauth_client("app-1", "http://127.0.0.1/callback")
        .build()
        .unwrap();
    client.set_credentials(oauth.session(token_set(NEW_ACCESS, NEW_REFRESH, None)));
    client.list_jobs().send().await.unwrap();
}

// ---- RequestRocket: two token slots ----

/// Accepts slot 2 always and slot 1 until it is revoked.
#[derive(Clone)]
struct TwoSlots {
    revoked: Arc<std::sync::atomic::AtomicBool>,
    refused: Arc<AtomicUsize>,
    by_slot: Arc<[AtomicUsize; 2]>,
}

impl Respond for TwoSlots {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let token = request.headers.get("authorization").and_then(|v| v.to_str().ok());
        let slot = match token {
            Some("u-slot1secret") if !self.revoked.load(Ordering::SeqCst) => 0,
            Some("u-slot2secret") => 1,
            _ => {
                self.refused.fetch_add(1, Ordering::SeqCst);
                return ResponseTemplate::new(401)
                    .set_body_json(serde_json::json!({"error": "Unauthorized", "message": "Invalid or missing authentication token", "status": 401}))
                    .set_delay(Duration::from_millis(10));
            }
        };
        self.by_slot[slot].fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"clients": [], "message": "Success"}))
            .set_delay(Duration::from_millis(10))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revoking_slot_one_mid_run_fails_no_call() {
    let server = MockServer::start().await;
    let slots = TwoSlots {
        revoked: Arc::default(),
        refused: Arc::default(),
        by_slot: Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]),
    };
    Mock::given(method("GET"))
        .and(path("/api/clients"))
        .respond_with(slots.clone())
        .mount(&server)
        .await;
    let both = requestrocket::Credentials::two_slots(
        requestrocket::UserToken::new("u-slot1secret").unwrap(),
        requestrocket::UserToken::new("u-slot2secret").unwrap(),
    );
    let client = requestrocket::Client::builder(both)
        .base_url(format!("{}/api", server.uri()))
        .retry(rocket_apis::RetryPolicy::none())
        .build()
        .unwrap();
    let calls: Vec<_> = (0..200)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(i % 50 * 4)).await;
                client.list_clients().send().await
            })
        })
        .collect();
    // Revoked once slot 1 has served some calls, while the others are still to come.
    while slots.by_slot[0].load(Ordering::SeqCst) < 10 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    slots.revoked.store(true, Ordering::SeqCst);
    for call in calls {
        call.await.unwrap().expect("a call failed although slot 2 works");
    }
    let [one, two] = [&slots.by_slot[0], &slots.by_slot[1]].map(|n| n.load(Ordering::SeqCst));
    assert_eq!(one + two, 200);
    assert!(one > 0 && two > 0, "slot 1 served {one}, slot 2 {two}");
    // Slot 2 is kept: a later call draws no 401.
    let refused = slots.refused.load(Ordering::SeqCst);
    client.list_clients().send().await.unwrap();
    assert_eq!(slots.refused.load(Ordering::SeqCst), refused);
}

// ---- Credential sources ----

/// Hands out `tok-N` (N counting the fetches), valid for `lifetime`; fails once `fail` is set.
struct Counting {
    fetches: Arc<AtomicUsize>,
    lifetime: Duration,
    fail: Arc<std::sync::atomic::AtomicBool>,
}

impl CredentialSource<rockety::ApiToken> for Counting {
    fn name(&self) -> &str {
        "test vault"
    }

    async fn fetch(&self) -> Result<SourcedCredentials<rockety::ApiToken>, SourceError> {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if self.fail.load(Ordering::SeqCst) {
            return Err("vault sealed".into());
        }
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(SourcedCredentials::new(rockety::ApiToken::new(format!("tok-{n}-sourcesecret"))?).expires_in(self.lifetime))
    }
}

/// Answers 200 to any `tok-*` bearer and records which token each request carried.
struct RecordTokens(Arc<std::sync::Mutex<Vec<String>>>);

impl Respond for RecordTokens {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let token = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let ok = token.starts_with("Bearer tok-");
        self.0.lock().unwrap().push(token);
        if ok {
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [], "pagination": {"current_page": 1, "per_page": 20, "total_pages": 1, "total_items": 0}}))
        } else {
            ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "Unauthorized"}))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_source_is_asked_once_per_expiry_however_many_calls_wait() {
    let server = MockServer::start().await;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    Mock::given(method("GET"))
        .and(path("/api/v1/projects"))
        .respond_with(RecordTokens(seen.clone()))
        .mount(&server)
        .await;
    let source = Counting {
        fetches: Arc::default(),
        lifetime: Duration::from_millis(600),
        fail: Arc::default(),
    };
    let (fetches, fail) = (source.fetches.clone(), source.fail.clone());
    let client = rockety::Client::builder_from_source(source)
        .base_url(format!("{}/api/v1", server.uri()))
        .retry(rocket_apis::RetryPolicy::none())
        .build()
        .unwrap();
    let wave = |client: rockety::Client| async move {
        let calls = (0..50).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_projects().send().await.is_ok() })
        });
        futures::future::join_all(calls)
            .await
            .into_iter()
            .filter(|ok| !ok.as_ref().unwrap())
            .count()
    };
    assert_eq!(wave(client.clone()).await, 0);
    assert_eq!(fetches.load(Ordering::SeqCst), 1, "first use: one fetch for 50 calls");
    assert_eq!(wave(client.clone()).await, 0);
    assert_eq!(fetches.load(Ordering::SeqCst), 1, "cached while fresh");
    // Past the refresh point (half of 600 ms ahead of expiry at most): one renewal.
    tokio::time::sleep(Duration::from_millis(650)).await;
    assert_eq!(wave(client.clone()).await, 0);
    assert_eq!(fetches.load(Ordering::SeqCst), 2, "renewed once for 50 calls");
    assert!(seen.lock().unwrap().iter().all(|t| t.starts_with("Bearer tok-")));

    // A failing source: a typed error naming it, never the secret.
    tokio::time::sleep(Duration::from_millis(650)).await;
    fail.store(true, Ordering::SeqCst);
    let err = client.list_projects().send().await.unwrap_err();
    let Error::Credentials(CredentialRenewalError::Source { source_name, .. }) = &err else {
        panic!("not a source error: {err:?}")
    };
    assert_eq!(source_name, "test vault");
    assert!(err.to_string().contains("`test vault`"), "{err}");
    let shown = format!("{err} {err:?} {:?}", std::error::Error::source(&err));
    assert!(!shown.contains("sourcesecret"), "{shown}");
}
