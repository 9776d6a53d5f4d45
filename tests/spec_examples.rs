//! Every operation, called through the generated client against a mock that answers with the
//! spec's own examples: every example decodes into its generated type, and every operation of
//! the spec is covered.
#![cfg(feature = "requestrocket")]

#[path = "support/requestrocket_ops.rs"]
mod requestrocket_ops;
#[path = "support/spec_mock.rs"]
#[allow(dead_code)]
mod spec_mock;

use rocket_apis::requestrocket::{Client, UserToken};

#[tokio::test]
async fn requestrocket_examples_decode_for_every_operation() {
    let spec = include_str!("../specs/requestrocket.yaml");
    let (server, mocked) = spec_mock::start(spec, "/api").await;
    let client = Client::builder(UserToken::new("u-tour0000").unwrap())
        .base_url(format!("{}/api", server.uri()))
        .build()
        .unwrap();
    let results = requestrocket_ops::call_every_operation(&client).await;
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
