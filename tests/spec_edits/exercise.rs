//! Each construct of `tests/spec_edits/supported.yaml`, once `scripts/spec-edits.sh` has added
//! it to a copy of `specs/requestrocket.yaml` and regenerated the client: its method answers the
//! typed mock with the generated type. (Copied into that copy's `tests/`; not a test of this
//! checkout.)
#![allow(deprecated)]

use futures::TryStreamExt;
use rocket_apis::{
    Error, Paginate,
    requestrocket::{mock::MockServer, types},
};
use serde_json::json;

#[tokio::test]
async fn every_supported_construct_answers_the_typed_mock() {
    let server = MockServer::start().await;
    let client = server.client();

    // An inline object, no error responses declared: an error status is still the API's error.
    let health: types::GetHealthResponse = serde_json::from_value(json!({"status": "up", "uptime": 42})).unwrap();
    server.get_health().times(1).ok(&health).await;
    server.get_health().fail(503, "maintenance").await;
    assert_eq!(client.get_health().send().await.unwrap().status, "up");
    let err = client.get_health().send().await.unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.status() == 503 && e.message() == Some("maintenance")), "{err:?}");

    // An inline object with a 500 declared.
    let ok: types::GetHealthOr500Response = serde_json::from_value(json!({"ok": true})).unwrap();
    server.get_health_or500().ok(&ok).await;
    assert_eq!(client.get_health_or500().send().await.unwrap().ok, Some(true));

    // An inline oneOf of two objects.
    let shape: types::GetShapeResponse = serde_json::from_value(json!({"side": 2.0})).unwrap();
    server.get_shape().ok(&shape).await;
    assert_eq!(client.get_shape().send().await.unwrap().into_inner(), shape);

    // A request body with an inline string enum (open: an unknown value decodes) and an integer
    // enum (a plain number).
    let answer: types::SetModeResponse = serde_json::from_value(json!({"mode": "turbo"})).unwrap();
    server.set_mode().ok(&answer).await;
    let set = client
        .set_mode()
        .body_map(|b| b.mode(types::SetModeBodyMode::Safe).level(2))
        .send()
        .await
        .unwrap();
    assert_eq!(set.mode, Some(types::SetModeResponseMode::Other("turbo".into())));
    let sent = server.wiremock().received_requests().await.unwrap();
    let body: serde_json::Value = sent.last().unwrap().body_json().unwrap();
    assert_eq!(body, json!({"mode": "safe", "level": 2}));

    // A `default` error response.
    let tag: types::SpecEditTag = serde_json::from_value(json!({"name": "a"})).unwrap();
    server.get_with_default().times(1).ok(&tag).await;
    server.get_with_default().fail(418, "teapot").await;
    assert_eq!(client.get_with_default().send().await.unwrap().name, "a");
    let err = client.get_with_default().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));

    // Text and bytes answers.
    server.get_text().ok(&"plain words".to_string()).await;
    let text: String = client.get_text().send().await.unwrap().into_inner();
    assert_eq!(text, "plain words");
    server.get_file().ok(&vec![0u8, 159, 146, 150]).await;
    let bytes = client.get_file().send().await.unwrap().into_inner();
    assert_eq!(&bytes[..], &[0u8, 159, 146, 150]);

    // A header parameter, an array query parameter of `&str` items, a deprecated operation and
    // a 204.
    server.get_with_header().empty(204).await;
    let call = client
        .get_with_header()
        .x_trace_id("trace-1")
        .x_signing_key("sk-never-printed")
        .tags(["a", "b"]);
    assert!(!format!("{call:?}").contains("sk-never-printed"), "{call:?}");
    call.send().await.unwrap();
    let sent = server.wiremock().received_requests().await.unwrap();
    let last = sent.last().unwrap();
    assert_eq!(last.headers.get("x-trace-id").unwrap(), "trace-1");
    assert_eq!(last.url.query(), Some("tags=a&tags=b"));
    let err = client.get_with_header().x_trace_id("bad\nvalue").send().await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest { message, .. } if message.contains("X-Trace-Id")), "{err:?}");

    // A top-level array of a new type, as a list that streams.
    server.list_spec_edit_tags().ok(&vec![tag.clone(), tag.clone()]).await;
    assert_eq!(client.list_spec_edit_tags().priority(7).send().await.unwrap().len(), 2);
    let sent = server.wiremock().received_requests().await.unwrap();
    assert_eq!(sent.last().unwrap().url.query(), Some("priority=7"), "a value beyond the enum is sent");
    let streamed: Vec<types::SpecEditTag> = client.list_spec_edit_tags().stream().try_collect().await.unwrap();
    assert_eq!(streamed.len(), 2);

    // A recursive schema, a map, allOf and a discriminated union.
    let tree: types::SpecEditNode = serde_json::from_value(json!({
        "name": "root",
        "children": [{"name": "leaf", "counts": {"a": 1}}],
        "owner": {"name": "o", "email": "o@example.com"},
        "pet": {"petType": "cat", "lives": 9},
        "either": {"petType": "dog", "bark": "woof"}
    }))
    .unwrap();
    server.get_tree().ok(&tree).await;
    let got = client.get_tree().send().await.unwrap().into_inner();
    assert_eq!(got, tree);
    assert_eq!(got.children[0].counts.get("a"), Some(&1));

    // A 204 DELETE with an optional body, sent without one.
    server.delete_spec_edit_item().path_param("itemId", "i-1").empty(204).await;
    client.delete_spec_edit_item().item_id("i-1").send().await.unwrap();
    server.verify();
}
