//! The generated clients held to their specs by an independent tool: every operation of every
//! spec is sent through its client to `prism mock --errors` of that spec. Prism rejects any
//! request that breaks the spec (a missing or wrong parameter, a bad body, a missing
//! credential) with a 4xx, which fails the test; every response Prism generates must decode.
//!
//! Needs Prism, so the tests are ignored by plain `cargo test`; `.ci/run` runs them with
//! `PRISM_BIN` pointing at the pinned Prism that `tools/spec-check/run.sh` installs:
//! `PRISM_BIN=tools/spec-check/node_modules/.bin/prism cargo test --test prism_contract -- --ignored`.

#[cfg(feature = "authrocket")]
#[path = "support/authrocket_ops.rs"]
mod authrocket_ops;
#[cfg(feature = "requestrocket")]
#[path = "support/requestrocket_ops.rs"]
mod requestrocket_ops;
#[cfg(feature = "rocketpunch")]
#[path = "support/rocketpunch_ops.rs"]
mod rocketpunch_ops;
#[cfg(feature = "rockety")]
#[path = "support/rockety_ops.rs"]
mod rockety_ops;

use std::{
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A `prism mock --errors` of one spec on 127.0.0.1, stopped when dropped.
struct Prism {
    child: Child,
    url: String,
}

impl Prism {
    fn start(spec: &str) -> Prism {
        let bin = std::env::var("PRISM_BIN").expect(
            "PRISM_BIN is not set: run `bash tools/spec-check/run.sh` once, then \
             PRISM_BIN=tools/spec-check/node_modules/.bin/prism cargo test --test prism_contract -- --ignored",
        );
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let spec = format!("{}/specs/{spec}.yaml", env!("CARGO_MANIFEST_DIR"));
        let mut child = Command::new(&bin)
            .args(["mock", "--errors", "-h", "127.0.0.1", "-p", &port.to_string(), &spec])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("prism exited while starting ({status}) for {spec}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "prism did not listen within 60 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn assert_all_accepted(api: &str, results: Vec<(&'static str, Result<u16, rocket_apis::Error>)>) {
    let failures: Vec<String> = results
        .iter()
        .filter_map(|(id, r)| match r {
            Ok(status) if (200..300).contains(status) => None,
            Ok(status) => Some(format!("{id}: status {status}")),
            Err(e) => Some(format!("{id}: {e}")),
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{api}: Prism refused or the client could not decode:\n  {}",
        failures.join("\n  ")
    );
    println!("{api}: {} operations accepted by Prism and decoded", results.len());
}

#[cfg(feature = "requestrocket")]
#[tokio::test]
#[ignore = "needs Prism (PRISM_BIN); run by .ci/run"]
async fn requestrocket_requests_match_the_spec() {
    use rocket_apis::requestrocket::{Client, UserToken};
    let prism = Prism::start("requestrocket");
    let client = Client::builder(UserToken::new("u-prism0000").unwrap())
        .base_url(&prism.url)
        .build()
        .unwrap();
    assert_all_accepted("requestrocket", requestrocket_ops::call_every_operation(&client).await);

    // A documented 429, forced through Prism: the typed error carries the wait.
    let limited = Client::builder(UserToken::new("u-prism0000").unwrap())
        .base_url(&prism.url)
        .default_header("prefer", "code=429")
        // The spec's example asks for 30 s: over this cap, so the call fails at once.
        .retry(rocket_apis::RetryPolicy::default().max_retry_after(Duration::from_secs(5)))
        .build()
        .unwrap();
    let err = limited.list_clients().send().await.unwrap_err();
    assert_eq!(err.attempts(), 1, "a wait over the cap is not slept through");
    let api = err
        .api_error()
        .unwrap_or_else(|| panic!("expected an API error, got {err:?}"));
    assert_eq!(api.kind(), rocket_apis::ErrorKind::RateLimited);
    assert_eq!(
        api.retry_after(),
        Some(Duration::from_secs(30)),
        "the spec's Retry-After example"
    );
    assert_eq!(api.message(), Some("Rate limit exceeded"));
    assert!(api.wait_over_cap(), "{api}");
}

#[cfg(feature = "rocketpunch")]
#[tokio::test]
#[ignore = "needs Prism (PRISM_BIN); run by .ci/run"]
async fn rocketpunch_requests_match_the_spec() {
    use rocket_apis::rocketpunch::{AccessToken, AppKey, Client};
    let prism = Prism::start("rocketpunch");
    let client = Client::builder(AppKey::new("rp_app_prism0000").unwrap())
        .base_url(&prism.url)
        .build()
        .unwrap();
    assert_all_accepted("rocketpunch", rocketpunch_ops::call_every_operation(&client).await);
    let user = Client::builder(AccessToken::new("prism-user-token").unwrap())
        .base_url(&prism.url)
        .build()
        .unwrap();
    user.list_profiles()
        .send()
        .await
        .expect("profiles accept a user's bearer token");
}

#[cfg(feature = "rockety")]
#[tokio::test]
#[ignore = "needs Prism (PRISM_BIN); run by .ci/run"]
async fn rockety_requests_match_the_spec() {
    use rocket_apis::rockety::{ApiToken, Client};
    let prism = Prism::start("rockety");
    let client = Client::builder(ApiToken::new("prism0000").unwrap())
        .base_url(&prism.url)
        .build()
        .unwrap();
    assert_all_accepted("rockety", rockety_ops::call_every_operation(&client).await);
}

#[cfg(feature = "authrocket")]
#[tokio::test]
#[ignore = "needs Prism (PRISM_BIN); run by .ci/run"]
async fn authrocket_requests_match_the_spec() {
    use rocket_apis::authrocket::{AccountId, ApiKey, Client, Credentials, LegacyApiKey};
    let prism = Prism::start("authrocket");
    let client = Client::builder(ApiKey::new("ko_prism0000").unwrap())
        .base_url(&prism.url)
        .build()
        .unwrap();
    assert_all_accepted("authrocket", authrocket_ops::call_every_operation(&client).await);
    let legacy = Credentials::legacy(
        AccountId::new("org_prism").unwrap(),
        LegacyApiKey::new("key_prism").unwrap(),
    );
    let legacy = Client::builder(legacy).base_url(&prism.url).build().unwrap();
    legacy
        .list_orgs()
        .send()
        .await
        .expect("the legacy key pair satisfies the spec's second security requirement");
}

/// Prism really does refuse what breaks a spec: without the credential it answers 401.
#[cfg(feature = "rockety")]
#[tokio::test]
#[ignore = "needs Prism (PRISM_BIN); run by .ci/run"]
async fn prism_refuses_a_request_that_breaks_the_spec() {
    let prism = Prism::start("rockety");
    let status = reqwest::get(format!("{}/projects", prism.url)).await.unwrap().status();
    assert_eq!(status, 401, "a request without the bearer token must be refused");
}
