//! The benchmarks' summary statistics over their samples.

/// The middle value of `v` (not empty).
pub fn median(v: &[f64]) -> f64 {
    quantile(v, 0.5)
}

/// The value at fraction `q` (0 to 1) of `v` sorted (not empty), the nearest rank.
pub fn quantile(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}
