//! The benchmarks' local server: keep-alive HTTP/1.1 on 127.0.0.1, answering every request at
//! once (or after a delay) with the body its handler gives for the request target.

use std::{sync::Arc, time::Duration};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

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
        // Head and body in one write, as HTTP servers send a small response: written apart, the
        // client could wake on the head alone and wait again for the body, a race whose outcome
        // depended on how soon each side got to its read, not on what it does.
        let mut response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: bench\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(&body);
        if stream.write_all(&response).await.is_err() {
            return;
        }
    }
}
