//! The TLS backend chosen by feature (`tls-aws-lc` or `tls-ring`) is usable: clients build with
//! an https base URL (no "no crypto provider" panic) and a TLS handshake is attempted and fails
//! with a typed error against a server that does not speak TLS. CI runs this with each backend.

#![cfg(feature = "rockety")]

use std::time::Duration;

use rocket_apis::{Error, rockety};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn an_https_client_builds_and_a_failed_handshake_is_a_typed_error() {
    let token = || rockety::ApiToken::new("tls-test-token").unwrap();
    rockety::Client::new(token()).expect("a client with the production https base URL");

    // A server that answers the ClientHello with plain text.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf).await;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\nnot tls").await;
        }
    });
    let client = rockety::Client::builder(token())
        .base_url(format!("https://{addr}/api/v1"))
        .retry(rocket_apis::RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = client.list_projects().send().await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(!format!("{err:?}").contains("tls-test-token"));
}
