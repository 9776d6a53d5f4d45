//! What checking an AuthRocket login token locally costs (`cargo bench --bench login_token`):
//! `LoginTokenVerifier::verify` of an HS256 token in the vendor's layout (two memberships) and
//! of an RS256 token, each beside a baseline measured in the same run: `jsonwebtoken::decode` of
//! the same token into a map of its claims, with the same key (what a hand-rolled check with the
//! ecosystem's standard crate costs).
//!
//! Budget: one HS256 verification ≤ 5 µs at the median. The figures are printed, not asserted
//! (CI only compiles this).

#[path = "../tests/support/login_token_mint.rs"]
mod mint;
#[path = "support/stats.rs"]
mod stats;

use std::{
    collections::BTreeMap,
    hint::black_box,
    sync::{Mutex, OnceLock},
    time::{Duration, Instant},
};

use criterion::Criterion;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rocket_apis::authrocket::{JwtSecret, LoginTokenVerifier};
use stats::median;

const PRIVATE: &str = include_str!("../tests/fixtures/authrocket_rs256_a.key.pem");
const PUBLIC: &str = include_str!("../tests/fixtures/authrocket_rs256_a.pub.pem");
/// The HS256 budget, in microseconds.
const BUDGET_US: f64 = 5.0;

/// Seconds per operation of each benchmark's samples.
fn samples() -> &'static Mutex<BTreeMap<&'static str, Vec<f64>>> {
    static SAMPLES: OnceLock<Mutex<BTreeMap<&'static str, Vec<f64>>>> = OnceLock::new();
    SAMPLES.get_or_init(Default::default)
}

/// Times `f` `iters` times and records the time per call under `name`.
fn timed(name: &'static str, iters: u64, mut f: impl FnMut() -> bool) -> Duration {
    let t0 = Instant::now();
    for _ in 0..iters {
        black_box(f());
    }
    let total = t0.elapsed();
    samples()
        .lock()
        .unwrap()
        .entry(name)
        .or_default()
        .push(total.as_secs_f64() / iters.max(1) as f64);
    total
}

fn bench(c: &mut Criterion) {
    let hs_token = mint::hs256(mint::SECRET, &mint::ar1_claims(0, 3600));
    let rs_token = mint::rs256(PRIVATE, None, &mint::ar1_claims(0, 3600));
    let hs = LoginTokenVerifier::new(JwtSecret::new(mint::SECRET).unwrap());
    let rs = LoginTokenVerifier::rs256(PUBLIC).unwrap();
    assert!(hs.verify(&hs_token).is_ok() && rs.verify(&rs_token).is_ok());

    let hs_key = DecodingKey::from_secret(mint::SECRET.as_bytes());
    let rs_key = DecodingKey::from_rsa_pem(PUBLIC.as_bytes()).unwrap();
    let (mut hs_rules, mut rs_rules) = (Validation::new(Algorithm::HS256), Validation::new(Algorithm::RS256));
    for rules in [&mut hs_rules, &mut rs_rules] {
        rules.validate_aud = false;
        rules.leeway = 5;
    }
    type AnyClaims = serde_json::Map<String, serde_json::Value>;
    assert!(jsonwebtoken::decode::<AnyClaims>(&hs_token, &hs_key, &hs_rules).is_ok());

    let mut g = c.benchmark_group("login_token");
    g.bench_function("verify HS256", |b| {
        b.iter_custom(|iters| timed("verify HS256", iters, || hs.verify(black_box(&hs_token)).is_ok()))
    });
    g.bench_function("jsonwebtoken::decode HS256 (baseline)", |b| {
        b.iter_custom(|iters| {
            timed("jsonwebtoken HS256", iters, || {
                jsonwebtoken::decode::<AnyClaims>(black_box(&hs_token), &hs_key, &hs_rules).is_ok()
            })
        })
    });
    g.bench_function("verify RS256", |b| {
        b.iter_custom(|iters| timed("verify RS256", iters, || rs.verify(black_box(&rs_token)).is_ok()))
    });
    g.bench_function("jsonwebtoken::decode RS256 (baseline)", |b| {
        b.iter_custom(|iters| {
            timed("jsonwebtoken RS256", iters, || {
                jsonwebtoken::decode::<AnyClaims>(black_box(&rs_token), &rs_key, &rs_rules).is_ok()
            })
        })
    });
    g.finish();
}

fn report() {
    let samples = samples().lock().unwrap();
    let get = |name| samples.get(name).map(|v| median(v));
    println!("\nlogin tokens (medians of this run):");
    for (ours, baseline) in [
        ("verify HS256", "jsonwebtoken HS256"),
        ("verify RS256", "jsonwebtoken RS256"),
    ] {
        let (Some(t), Some(base)) = (get(ours), get(baseline)) else {
            continue;
        };
        let budget = match ours {
            "verify HS256" if t * 1e6 <= BUDGET_US => format!("; budget ≤ {BUDGET_US} µs: meets"),
            "verify HS256" => format!("; budget ≤ {BUDGET_US} µs: MISSES"),
            _ => String::new(),
        };
        println!(
            "  {ours}  {:>8.2} µs  {:>9.0} verifications/s  ({:.2}× {baseline}'s {:.2} µs){budget}",
            t * 1e6,
            1.0 / t,
            t / base,
            base * 1e6
        );
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
    report();
}
