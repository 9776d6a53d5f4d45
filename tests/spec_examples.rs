//! Every operation, called through the generated client against a mock that answers with the
//! spec's own examples: every example decodes into its generated type, and every operation of
//! each spec is covered.

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
#[path = "support/spec_mock.rs"]
#[allow(dead_code)]
mod spec_mock;

/// Every operation of the spec was called once and got the status of the example answered.
#[allow(dead_code)]
async fn assert_all_decoded(
    server: &wiremock::MockServer,
    mocked: &[spec_mock::MockedOperation],
    results: Vec<(&'static str, Result<u16, rocket_apis::Error>)>,
) {
    let mut called: Vec<&str> = results.iter().map(|(id, _)| *id).collect();
    let mut in_spec: Vec<&str> = mocked.iter().map(|m| m.operation_id.as_str()).collect();
    called.sort();
    in_spec.sort();
    assert_eq!(called, in_spec, "every operation of the spec is exercised");
    for (id, result) in results {
        let status = result.unwrap_or_else(|e| panic!("{id}: {e}"));
        let expected = mocked.iter().find(|m| m.operation_id == id).unwrap().status;
        assert_eq!(status, expected, "{id}");
    }
    assert_eq!(server.received_requests().await.unwrap().len(), in_spec.len());
}

#[cfg(feature = "requestrocket")]
#[tokio::test]
async fn requestrocket_examples_decode_for_every_operation() {
    use rocket_apis::requestrocket::{Client, UserToken};
    let (server, mocked) = spec_mock::start(include_str!("../specs/requestrocket.yaml"), "/api").await;
    let client = Client::builder(UserToken::new("u-tour0000").unwrap())
        .base_url(format!("{}/api", server.uri()))
        .build()
        .unwrap();
    let results = requestrocket_ops::call_every_operation(&client).await;
    assert_all_decoded(&server, &mocked, results).await;
}

#[cfg(feature = "rocketpunch")]
#[tokio::test]
async fn rocketpunch_examples_decode_for_every_operation() {
    use rocket_apis::rocketpunch::{AppKey, Client};
    let (server, mocked) = spec_mock::start(include_str!("../specs/rocketpunch.yaml"), "/api/v1").await;
    let client = Client::builder(AppKey::new("rp_app_tour0000").unwrap())
        .base_url(format!("{}/api/v1", server.uri()))
        .build()
        .unwrap();
    let results = rocketpunch_ops::call_every_operation(&client).await;
    assert_all_decoded(&server, &mocked, results).await;
}

#[cfg(feature = "rockety")]
#[tokio::test]
async fn rockety_examples_decode_for_every_operation() {
    use rocket_apis::rockety::{ApiToken, Client};
    let (server, mocked) = spec_mock::start(include_str!("../specs/rockety.yaml"), "/api/v1").await;
    let client = Client::builder(ApiToken::new("tour0000").unwrap())
        .base_url(format!("{}/api/v1", server.uri()))
        .build()
        .unwrap();
    let results = rockety_ops::call_every_operation(&client).await;
    assert_all_decoded(&server, &mocked, results).await;
}

#[cfg(feature = "authrocket")]
#[tokio::test]
async fn authrocket_examples_decode_for_every_operation() {
    use rocket_apis::authrocket::{ApiKey, Client};
    let (server, mocked) = spec_mock::start(include_str!("../specs/authrocket.yaml"), "/v1").await;
    let client = Client::builder(ApiKey::new("ko_tour0000").unwrap())
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .unwrap();
    let results = authrocket_ops::call_every_operation(&client).await;
    assert_all_decoded(&server, &mocked, results).await;
}
