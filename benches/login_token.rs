//! What checking an AuthRocket login token locally costs, against asking the API, measured in
//! one run (`cargo bench --bench login_token`):
//!
//! - `LoginTokenVerifier::verify` of an HS256 token in the vendor's layout (two memberships),
//!   and of an RS256 token;
//! - one `GET /v1/sessions/{token}` round trip through the AuthRocket client, interleaved with
//!   batches of HS256 verifications so both see the same machine, to two local servers: a bare
//!   keep-alive HTTP/1.1 server on 127.0.0.1 that answers at once (the fastest an API can be,
//!   so the conservative figure), and the crate's typed `authrocket::mock::MockServer`
//!   (wiremock, which matches the request first, as a server would route it).
//!
//! It prints verifications per second and, for each server, the ratio round trip / verification:
//! the median of the samples' ratios (each sample's round trips over the HS256 verifications
//! interleaved with them), then the ratio of the two medians (the target is ≥ 100 for
//! HS256). The figures are printed, not asserted (CI only compiles this).

#[path = "support/local_server.rs"]
mod local_server;
#[path = "../tests/support/login_token_mint.rs"]
mod mint;
#[path = "support/stats.rs"]
mod stats;

use std::{
    collections::BTreeMap,
    hint::black_box,
    sync::{Arc, Mutex, OnceLock},
    time::{Duration, Instant},
};

use criterion::Criterion;
use rocket_apis::authrocket::{self, JwtSecret, LoginTokenVerifier, types};
use stats::{median, quantile};

const PRIVATE: &str = include_str!("../tests/fixtures/authrocket_rs256_a.key.pem");
const PUBLIC: &str = include_str!("../tests/fixtures/authrocket_rs256_a.pub.pem");
/// HS256 verifications per round trip in the interleaved benchmark.
const BATCH: u32 = 200;

/// Seconds per operation of each benchmark's samples.
fn samples() -> &'static Mutex<BTreeMap<&'static str, Vec<f64>>> {
    static SAMPLES: OnceLock<Mutex<BTreeMap<&'static str, Vec<f64>>>> = OnceLock::new();
    SAMPLES.get_or_init(Default::default)
}

fn record(name: &'static str, total: Duration, ops: u64) {
    let per_op = total.as_secs_f64() / ops.max(1) as f64;
    samples().lock().unwrap().entry(name).or_default().push(per_op);
}

/// Each interleaved benchmark's per-sample ratios: the sample's mean round trip over its mean
/// HS256 verification, both measured in the same sample, so a ratio never mixes two moments of
/// the machine (its speed here drifts by several times over a run).
fn sample_ratios() -> &'static Mutex<BTreeMap<&'static str, Vec<f64>>> {
    static RATIOS: OnceLock<Mutex<BTreeMap<&'static str, Vec<f64>>>> = OnceLock::new();
    RATIOS.get_or_init(Default::default)
}

fn bench(c: &mut Criterion) {
    let hs_token = mint::hs256(mint::SECRET, &mint::ar1_claims(0, 3600));
    let rs_token = mint::rs256(PRIVATE, None, &mint::ar1_claims(0, 3600));
    let hs = LoginTokenVerifier::new(JwtSecret::new(mint::SECRET).unwrap());
    let rs = LoginTokenVerifier::rs256(PUBLIC).unwrap();
    assert!(hs.verify(&hs_token).is_ok() && rs.verify(&rs_token).is_ok());

    let mut g = c.benchmark_group("login_token");
    g.bench_function("verify HS256", |b| {
        b.iter_custom(|iters| {
            let t0 = Instant::now();
            for _ in 0..iters {
                black_box(hs.verify(black_box(&hs_token)).is_ok());
            }
            let total = t0.elapsed();
            record("verify HS256", total, iters);
            total
        })
    });
    g.bench_function("verify RS256", |b| {
        b.iter_custom(|iters| {
            let t0 = Instant::now();
            for _ in 0..iters {
                black_box(rs.verify(black_box(&rs_token)).is_ok());
            }
            let total = t0.elapsed();
            record("verify RS256", total, iters);
            total
        })
    });

    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let body: &'static [u8] = Box::leak(
        serde_json::to_vec(
            &serde_json::json!({"id": mint::SESSION, "object": "session", "user_id": mint::USER,
            "created_at": 1423941493.701, "expires_at": 1423963093, "request": {"ip": "203.0.113.9"}}),
        )
        .unwrap()
        .into_boxed_slice(),
    );
    let answer = Arc::new(body.to_vec());
    let base = server_rt.block_on(local_server::serve(Arc::new(move |_| (Duration::ZERO, answer.clone()))));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let client = authrocket::Client::builder(authrocket::ApiKey::new("ko_bench0000").unwrap())
        .base_url(format!("{base}/v1"))
        .build()
        .unwrap();
    let mock = rt.block_on(async {
        let mock = authrocket::mock::MockServer::start().await;
        let session: types::Session = serde_json::from_slice(body).unwrap();
        mock.get_session().ok(&session).await;
        mock
    });
    let mock_client = mock.client();
    g.measurement_time(Duration::from_secs(10));
    for (name, client, trip_name, local_name) in [
        (
            "GET /v1/sessions/{token} (bare server), interleaved with HS256 batches",
            &client,
            "round trip",
            "verify HS256 (interleaved)",
        ),
        (
            "GET /v1/sessions/{token} (typed MockServer), interleaved with HS256 batches",
            &mock_client,
            "round trip (mock)",
            "verify HS256 (interleaved, mock)",
        ),
    ] {
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let (mut trips, mut local) = (Duration::ZERO, Duration::ZERO);
                rt.block_on(async {
                    for _ in 0..iters {
                        let t0 = Instant::now();
                        let found = client.get_session().session_id(&hs_token).send().await.unwrap();
                        let t1 = Instant::now();
                        for _ in 0..BATCH {
                            black_box(hs.verify(black_box(&hs_token)).is_ok());
                        }
                        local += t1.elapsed();
                        trips += t1 - t0;
                        assert_eq!(found.id, mint::SESSION);
                    }
                });
                record(trip_name, trips, iters);
                record(local_name, local, iters * u64::from(BATCH));
                let ratio = trips.as_secs_f64() / (local.as_secs_f64() / f64::from(BATCH));
                sample_ratios()
                    .lock()
                    .unwrap()
                    .entry(trip_name)
                    .or_default()
                    .push(ratio);
                trips
            })
        });
    }
    g.finish();
}

/// The median of a server's per-sample ratios, with their middle half, and the verdict.
fn paired(server: &'static str) -> Option<String> {
    let ratios = sample_ratios().lock().unwrap().get(server)?.clone();
    let ratio = median(&ratios);
    let verdict = if ratio >= 100.0 { "meets" } else { "MISSES" };
    Some(format!(
        "{ratio:.0}× (median of {} samples' ratios, middle half {:.0}–{:.0}×; target ≥ 100×: {verdict})",
        ratios.len(),
        quantile(&ratios, 0.25),
        quantile(&ratios, 0.75),
    ))
}

fn report() {
    let samples = samples().lock().unwrap();
    let get = |name| samples.get(name).map(|v| median(v));
    let (Some(trip), Some(hs), Some(hs_inter), Some(rs)) = (
        get("round trip"),
        get("verify HS256"),
        get("verify HS256 (interleaved)"),
        get("verify RS256"),
    ) else {
        return;
    };
    println!("\nlogin tokens (medians of this run):");
    println!(
        "  verify HS256               {:>9.2} µs  {:>10.0} verifications/s",
        hs * 1e6,
        1.0 / hs
    );
    println!(
        "  verify HS256 (interleaved) {:>9.2} µs  {:>10.0} verifications/s",
        hs_inter * 1e6,
        1.0 / hs_inter
    );
    println!(
        "  verify RS256               {:>9.2} µs  {:>10.0} verifications/s",
        rs * 1e6,
        1.0 / rs
    );
    println!("  GET /v1/sessions/{{token}}, bare server      {:>9.2} µs", trip * 1e6);
    if let Some(paired) = paired("round trip") {
        println!("    round trip / HS256 verification: {paired}");
    }
    println!("      (ratio of the medians: {:.0}×)", trip / hs_inter);
    println!("    round trip / RS256 verification: {:.1}×", trip / rs);
    if let (Some(mock_trip), Some(mock_local)) = (get("round trip (mock)"), get("verify HS256 (interleaved, mock)")) {
        println!(
            "  GET /v1/sessions/{{token}}, typed MockServer {:>9.2} µs (verify HS256 interleaved {:.2} µs)",
            mock_trip * 1e6,
            mock_local * 1e6
        );
        if let Some(paired) = paired("round trip (mock)") {
            println!("    round trip / HS256 verification: {paired}");
        }
        println!("      (ratio of the medians: {:.0}×)", mock_trip / mock_local);
        println!("    round trip / RS256 verification: {:.1}×", mock_trip / rs);
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
    report();
}
