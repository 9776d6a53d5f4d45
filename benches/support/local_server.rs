//! What both call benchmarks share: a keep-alive HTTP/1.1 server on 127.0.0.1 that answers at
//! once (or after a delay), the RequestRocket list body, and the hand-written `reqwest` call the
//! client is compared with.

use std::{sync::Arc, time::Duration};

use rocket_apis::requestrocket;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// The user token both sides send.
pub const TOKEN: &str = "u-bench0000token";

/// What the server answers to a request target: a delay and a body.
pub type Handler = Arc<dyn Fn(&str) -> (Duration, Arc<Vec<u8>>) + Send + Sync>;

/// Answers `GET` requests on kept-alive connections with the handler's body, after its delay.
pub async fn serve(handler: Handler) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(connection(stream, handler.clone()));
        }
    });
    url
}

async fn connection(mut stream: TcpStream, handler: Handler) {
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.drain(..end);
        let target = head.split(' ').nth(1).unwrap_or("/").to_string();
        let (delay, body) = handler(&target);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let header = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: bench\r\n\r\n",
            body.len()
        );
        if stream.write_all(header.as_bytes()).await.is_err() || stream.write_all(&body).await.is_err() {
            return;
        }
    }
}

pub fn clients_body(n: usize) -> Arc<Vec<u8>> {
    let clients: Vec<_> = (0..n)
        .map(|i| {
            serde_json::json!({"clientId": format!("550e8400-e29b-41d4-a716-{i:012}"), "clientName": format!("Client {i}"),
                "clientMembers": [{"userId": format!("user-{i}"), "roles": ["owner"]}], "region": "eu-west-1"})
        })
        .collect();
    Arc::new(serde_json::to_vec(&serde_json::json!({"clients": clients, "message": "Success"})).unwrap())
}

pub fn hand_written(base: &str) -> (reqwest::Client, String) {
    let http = reqwest::Client::builder()
        .timeout(rocket_apis::DEFAULT_TIMEOUT)
        .connect_timeout(rocket_apis::DEFAULT_CONNECT_TIMEOUT)
        .user_agent(rocket_apis::USER_AGENT)
        .build()
        .unwrap();
    (http, format!("{base}/api/clients"))
}

pub async fn hand_written_call(http: &reqwest::Client, url: &str) -> requestrocket::types::ClientList {
    let response = http
        .get(url)
        .header("authorization", TOKEN)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// The RequestRocket client, on the server at `base`.
pub fn client(base: &str) -> requestrocket::Client {
    requestrocket::Client::builder(requestrocket::UserToken::new(TOKEN).unwrap())
        .base_url(format!("{base}/api"))
        .build()
        .unwrap()
}
