#!/usr/bin/env bash
# Build times of rocket-apis, each against a floor measured in the same run: an empty crate that
# depends on reqwest with the same version and features as rocket-apis. Dev profile, the
# machine's default job count, dependencies downloaded beforehand (only compiling is timed).
#
#   bash scripts/build-times.sh            # prints a Markdown table
#
# Rows: clean build with one API and `codegen` off (with each TLS backend, against the floor
# with the same backend); clean build with all APIs and `codegen` on; a no-op rebuild; a
# rebuild after touching one spec. Each clean build has its own target
# directory. Run it on a quiet machine: anything else running skews every row.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TERM_COLOR=never

# The floors: reqwest as rocket-apis uses it, with each TLS backend rocket-apis offers.
reqwest_line=$(grep -E '^reqwest = ' Cargo.toml)
rustls_line=$(grep -E '^rustls = ' Cargo.toml | sed 's/, optional = true//')
floor_crate() { # name, TLS features for reqwest, extra dependency line, code
  mkdir -p "$work/$1/src"
  cat > "$work/$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
${reqwest_line/\]/, $2]}
$3
TOML
  echo "$4" > "$work/$1/src/lib.rs"
  cp Cargo.lock "$work/$1/Cargo.lock"   # same versions as rocket-apis
}
floor_crate floor '"rustls"' '' 'pub fn client() -> reqwest::Client { reqwest::Client::new() }'
floor_crate floor-ring '"rustls-no-provider"' "$rustls_line" \
  'pub fn client() -> reqwest::Client { let _ = rustls::crypto::ring::default_provider().install_default(); reqwest::Client::new() }'

# Downloads are not compile time.
cargo fetch --locked >/dev/null
(cd "$work/floor" && cargo fetch >/dev/null)
(cd "$work/floor-ring" && cargo fetch >/dev/null)

secs() { # runs "$@" and prints its wall time in seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

floor=$(cd "$work/floor" && CARGO_TARGET_DIR="$work/t-floor" secs cargo build)
floor_ring=$(cd "$work/floor-ring" && CARGO_TARGET_DIR="$work/t-floor-ring" secs cargo build)
one=$(CARGO_TARGET_DIR="$work/t-one" secs cargo build --locked --no-default-features --features rockety,tls-aws-lc)
one_ring=$(CARGO_TARGET_DIR="$work/t-one-ring" secs cargo build --locked --no-default-features --features rockety,tls-ring)
all=$(CARGO_TARGET_DIR="$work/t-all" secs cargo build --locked)
noop=$(CARGO_TARGET_DIR="$work/t-all" secs cargo build --locked)
touch specs/rockety.yaml
spec=$(CARGO_TARGET_DIR="$work/t-all" secs cargo build --locked)

ratio() { awk -v a="$1" -v f="$2" 'BEGIN { printf "%.2f", a / f }'; }
printf '\nmachine: %s, %s cores, rustc %s\n\n' "$(uname -m)" "$(nproc)" "$(rustc --version | cut -d' ' -f2)"
echo "| build | seconds | × its floor |"
echo "|---|---:|---:|"
printf '| floor: empty crate + reqwest, rustls with aws-lc-rs | %s | 1.00 |\n' "$floor"
printf '| floor: empty crate + reqwest, rustls with ring | %s | 1.00 |\n' "$floor_ring"
printf '| clean, one API (`rockety`), `codegen` off, `tls-aws-lc` | %s | %s |\n' "$one" "$(ratio "$one" "$floor")"
printf '| clean, one API (`rockety`), `codegen` off, `tls-ring` | %s | %s |\n' "$one_ring" "$(ratio "$one_ring" "$floor_ring")"
printf '| clean, all four APIs, `codegen` on (default features) | %s | %s |\n' "$all" "$(ratio "$all" "$floor")"
printf '| no-op rebuild | %s | %s |\n' "$noop" "$(ratio "$noop" "$floor")"
printf '| rebuild after touching `specs/rockety.yaml` | %s | %s |\n' "$spec" "$(ratio "$spec" "$floor")"
