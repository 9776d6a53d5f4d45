//! What the generated clients cost over hand-written code, as ratios against a baseline
//! measured in the same run (`cargo bench --bench overhead`), on a keep-alive HTTP/1.1 server on
//! 127.0.0.1:
//!
//! - per call: `list_clients().send()` through the whole wrapper (credentials, span, retries
//!   enabled but not triggered, error mapping) against a hand-written `reqwest` call sending the
//!   same request and decoding the same JSON into the same type, both on the client's own
//!   `reqwest` client (so on the same kept-alive connection); budget: ≤ 5 µs added at the
//!   median of the paired differences (a real call takes tens of milliseconds); then
//!   the same call against itself (an A/A control: the measurement's own bias, which should read
//!   1.000 and +0.0 µs);
//! - pagination: 50 pages of 100 items, 20 ms per page, the look-ahead stream (default 4)
//!   against a sequential page loop; target ≤ 0.35;
//! - decoding: a 1,000-item page through the client against the same bytes fetched with
//!   `reqwest` and decoded with `serde_json::from_slice` into the same type; target ≤ 1.05.
//!
//! Each prints the median of its samples' ratios (a sample's client time over its baseline
//! time, the two interleaved call by call, so a ratio never mixes two moments of the machine),
//! the ratio of the two sides' median times, and, from the paired differences
//! of back-to-back calls, the time the client adds per call with its spread (median and middle
//! half). The figures are printed, not asserted (CI only compiles this).

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock},
    time::{Duration, Instant},
};

use criterion::Criterion;
use futures::TryStreamExt;
use rocket_apis::{Paginate, rockety};

#[path = "support/local_server.rs"]
mod local_server;
#[path = "support/requestrocket_calls.rs"]
mod requestrocket_calls;
#[path = "support/stats.rs"]
mod stats;

use local_server::serve;
use requestrocket_calls::hand_written_call;
use stats::{median, quantile};

/// Per-iteration times of each benchmark's samples.
fn samples() -> &'static Mutex<BTreeMap<String, Vec<f64>>> {
    static SAMPLES: OnceLock<Mutex<BTreeMap<String, Vec<f64>>>> = OnceLock::new();
    SAMPLES.get_or_init(Default::default)
}

/// Each benchmark's per-sample ratios: the client's time over the baseline's, both summed over
/// the same interleaved iterations of one sample.
fn sample_ratios() -> &'static Mutex<BTreeMap<String, Vec<f64>>> {
    static RATIOS: OnceLock<Mutex<BTreeMap<String, Vec<f64>>>> = OnceLock::new();
    RATIOS.get_or_init(Default::default)
}

/// Each benchmark's paired differences: the client's time minus the baseline's, for each pair
/// of calls run back to back.
fn differences() -> &'static Mutex<BTreeMap<String, Vec<f64>>> {
    static DIFFERENCES: OnceLock<Mutex<BTreeMap<String, Vec<f64>>>> = OnceLock::new();
    DIFFERENCES.get_or_init(Default::default)
}

fn projects_page(page: u64, per_page: u64, total_pages: u64) -> Arc<Vec<u8>> {
    let data: Vec<_> = (0..per_page)
        .map(|i| {
            serde_json::json!({"id": (page - 1) * per_page + i, "name": format!("Project {i}"),
            "prefix": "PRJ", "created_at": "2024-11-23 14:58:31"})
        })
        .collect();
    Arc::new(
        serde_json::to_vec(&serde_json::json!({"data": data, "pagination": {"current_page": page,
            "per_page": per_page, "total_pages": total_pages, "total_items": per_page * total_pages}}))
        .unwrap(),
    )
}

/// Runs the baseline and the client `iters` times each, interleaved (so both see the same
/// machine), records their times per iteration under `group`, and returns the client's time.
fn interleaved<B, BF, C, CF>(rt: &tokio::runtime::Runtime, group: &str, iters: u64, baseline: B, client: C) -> Duration
where
    B: Fn() -> BF,
    BF: std::future::Future<Output = ()>,
    C: Fn() -> CF,
    CF: std::future::Future<Output = ()>,
{
    let (mut base, mut ours) = (Duration::ZERO, Duration::ZERO);
    let mut pairs = Vec::with_capacity(iters as usize);
    rt.block_on(async {
        for i in 0..iters {
            // Alternate which goes first, so neither always runs on a warmer connection.
            let (b, c) = if i % 2 == 0 {
                let t0 = Instant::now();
                baseline().await;
                let t1 = Instant::now();
                client().await;
                (t1 - t0, t1.elapsed())
            } else {
                let t0 = Instant::now();
                client().await;
                let t1 = Instant::now();
                baseline().await;
                (t1.elapsed(), t1 - t0)
            };
            base += b;
            ours += c;
            pairs.push(c.as_secs_f64() - b.as_secs_f64());
        }
    });
    differences()
        .lock()
        .unwrap()
        .entry(group.to_string())
        .or_default()
        .extend(pairs);
    sample_ratios()
        .lock()
        .unwrap()
        .entry(group.to_string())
        .or_default()
        .push(ours.as_secs_f64() / base.as_secs_f64());
    let mut samples = samples().lock().unwrap();
    samples
        .entry(format!("{group}/baseline"))
        .or_default()
        .push(base.as_secs_f64() / iters as f64);
    samples
        .entry(format!("{group}/client"))
        .or_default()
        .push(ours.as_secs_f64() / iters as f64);
    ours
}

fn client_bench(c: &mut Criterion, group: &str, clients: usize, control: bool) {
    let requestrocket_calls::Sides {
        server: _server,
        rt,
        client,
        http,
        url,
    } = requestrocket_calls::sides(clients);
    let _guard = rt.enter();

    let mut g = c.benchmark_group(group);
    g.measurement_time(Duration::from_secs(if clients > 100 { 15 } else { 10 }));
    g.bench_function("client, interleaved with reqwest + serde_json", |b| {
        b.iter_custom(|iters| {
            interleaved(
                &rt,
                group,
                iters,
                || async {
                    assert_eq!(hand_written_call(&http, &url).await.clients.len(), clients);
                },
                || async {
                    assert_eq!(client.list_clients().send().await.unwrap().clients.len(), clients);
                },
            )
        })
    });
    if control {
        // The client against itself: what the measurement alone gives when both sides run the same
        // code (a position or warm-up bias would show here, not only in the comparison above).
        g.bench_function("client, interleaved with itself (A/A control)", |b| {
            b.iter_custom(|iters| {
                interleaved(
                    &rt,
                    &format!("{group}_control"),
                    iters,
                    || async {
                        assert_eq!(client.list_clients().send().await.unwrap().clients.len(), clients);
                    },
                    || async {
                        assert_eq!(client.list_clients().send().await.unwrap().clients.len(), clients);
                    },
                )
            })
        });
    }
    g.finish();
}

fn pagination_bench(c: &mut Criterion) {
    const PAGES: u64 = 50;
    const PER_PAGE: u64 = 100;
    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let bodies: Vec<_> = (1..=PAGES).map(|p| projects_page(p, PER_PAGE, PAGES)).collect();
    let base = server_rt.block_on(serve(Arc::new(move |target: &str| {
        let page: usize = target
            .split("page=")
            .nth(1)
            .and_then(|p| p.split('&').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        (
            Duration::from_millis(20),
            bodies[page.clamp(1, bodies.len()) - 1].clone(),
        )
    })));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let client = rockety::Client::builder(rockety::ApiToken::new("bench-token").unwrap())
        .base_url(format!("{base}/api/v1"))
        .build()
        .unwrap();

    let mut g = c.benchmark_group("pagination");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.bench_function("stream (look-ahead 4), interleaved with a sequential loop", |b| {
        b.iter_custom(|iters| {
            interleaved(
                &rt,
                "pagination",
                iters,
                || async {
                    let mut items = Vec::new();
                    let mut page = 1;
                    loop {
                        let body = client.list_projects().page(page).send().await.unwrap().into_inner();
                        items.extend(body.data);
                        if u64::from(page) >= body.pagination.total_pages as u64 {
                            break;
                        }
                        page += 1;
                    }
                    assert_eq!(items.len() as u64, PAGES * PER_PAGE);
                },
                || async {
                    let items: Vec<_> = client.list_projects().stream().try_collect().await.unwrap();
                    assert_eq!(items.len() as u64, PAGES * PER_PAGE);
                },
            )
        })
    });
    g.finish();
}

/// What a call without a retry may add over the hand-written `reqwest` call, at the median.
const PER_CALL_BUDGET_US: f64 = 5.0;

fn report() {
    let samples = samples().lock().unwrap();
    println!("\nratios against the baseline of the same run: the median of the samples' ratios (each sample's");
    println!("client time over its baseline time, interleaved), then the ratio of the two sides' median times:");
    // The per-call budget is on the time added (below); the ratios are printed for reference.
    for (group, target) in [
        ("per_call", None),
        ("per_call_control", None),
        ("pagination", Some(0.35)),
        ("decoding", Some(1.05)),
    ] {
        let (Some(base), Some(ours), Some(ratios)) = (
            samples.get(&format!("{group}/baseline")),
            samples.get(&format!("{group}/client")),
            sample_ratios().lock().unwrap().get(group).cloned(),
        ) else {
            continue;
        };
        let (base, ours) = (median(base), median(ours));
        let ratio = median(&ratios);
        let verdict = match target {
            Some(target) if ratio <= target => format!("target ≤ {target}: meets"),
            Some(target) => format!("target ≤ {target}: MISSES"),
            None if group == "per_call_control" => "the client against itself: should be 1.000, +0.0 µs".to_string(),
            None => "budget on the time added, below".to_string(),
        };
        println!(
            "  {group:<11} {ratio:>6.3}  (middle half {:.3} to {:.3}, {} samples; ratio of medians {:.3}: client {:>10.1} µs, baseline {:>10.1} µs; {verdict})",
            quantile(&ratios, 0.25),
            quantile(&ratios, 0.75),
            ratios.len(),
            ours / base,
            ours * 1e6,
            base * 1e6
        );
        if let Some(d) = differences().lock().unwrap().get(group) {
            let added = median(d) * 1e6;
            let budget = match group {
                "per_call" if added <= PER_CALL_BUDGET_US => format!("; budget ≤ {PER_CALL_BUDGET_US} µs: meets"),
                "per_call" => format!("; budget ≤ {PER_CALL_BUDGET_US} µs: MISSES"),
                _ => String::new(),
            };
            println!(
                "  {:<11} added per {}: median {added:+.1} µs (middle half {:+.1} to {:+.1} µs, {} pairs){budget}",
                "",
                if group == "pagination" { "walk" } else { "call" },
                quantile(d, 0.25) * 1e6,
                quantile(d, 0.75) * 1e6,
                d.len()
            );
        }
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    client_bench(&mut c, "per_call", 10, true);
    pagination_bench(&mut c);
    client_bench(&mut c, "decoding", 1000, false);
    c.final_summary();
    report();
}
