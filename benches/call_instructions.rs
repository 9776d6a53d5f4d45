//! The per-call overhead as instruction counts, which do not move with the machine's load the
//! way times do: `bash scripts/call-instructions.sh` runs this under `valgrind --tool=callgrind`
//! and divides what each of the two loops below executed by its number of calls.
//!
//! The same server, request and body as `benches/overhead.rs`'s per-call benchmark: first the
//! hand-written `reqwest` call, then `list_clients().send()` through the client, each `CALLS`
//! times after a warm-up of both (the connection both share is open, the pool is filled). The server
//! runs on another thread and is not counted. Run alone (without valgrind) it only prints how
//! many calls each loop made.

#[path = "support/local_server.rs"]
mod local_server;
#[path = "support/requestrocket_calls.rs"]
mod requestrocket_calls;

use std::hint::black_box;

use requestrocket_calls::hand_written_call;

const CALLS: usize = 2_000;

/// `CALLS` hand-written calls; callgrind counts what runs inside this function.
#[inline(never)]
fn baseline_calls(rt: &tokio::runtime::Runtime, http: &reqwest::Client, url: &str) {
    rt.block_on(async {
        for _ in 0..CALLS {
            black_box(hand_written_call(http, url).await);
        }
    });
}

/// `CALLS` calls through the client; callgrind counts what runs inside this function.
#[inline(never)]
fn client_calls(rt: &tokio::runtime::Runtime, client: &rocket_apis::requestrocket::Client) {
    rt.block_on(async {
        for _ in 0..CALLS {
            black_box(client.list_clients().send().await.unwrap());
        }
    });
}

fn main() {
    let requestrocket_calls::Sides {
        server: _server,
        rt,
        client,
        http,
        url,
    } = requestrocket_calls::sides(10);
    // Warm-up: open the connection both sides share, fill the pool and the caches.
    rt.block_on(async {
        for _ in 0..200 {
            black_box(hand_written_call(&http, &url).await);
            black_box(client.list_clients().send().await.unwrap());
        }
    });
    baseline_calls(&rt, &http, &url);
    client_calls(&rt, &client);
    println!("calls per loop: {CALLS}");
}
