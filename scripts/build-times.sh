#!/usr/bin/env bash
# Build times of rocket-apis, each against a floor measured in the same run: an empty crate that
# depends on reqwest with the same version and features as rocket-apis. Dev profile, the
# machine's default job count, dependencies downloaded beforehand (only compiling is timed).
#
#   bash scripts/build-times.sh            # prints a Markdown table
#
# Rows: a dependent's clean build of rocket-apis with its default features (what `cargo add
# rocket-apis` costs; no generator); clean build with one API (with each TLS backend, against the
# floor with the same backend built just before and after it); clean builds with all APIs,
# `codegen` off and on (on: against the floor builds around it); the crate alone
# (`cargo clean -p`, dependencies built; median of three), all APIs and each API; `cargo doc`
# of the crate, from clean and after a touch (with BASE=<revision>, these last rows for that
# revision as well, interleaved); a
# no-op rebuild; a rebuild after touching one spec; then the debug rlib's size and the lines of
# `generated/`. Each clean build has its own target directory. Run it on a quiet machine:
# anything else running skews every row.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TERM_COLOR=never

# The floors: reqwest as rocket-apis uses it, with each TLS backend rocket-apis offers.
reqwest_line=$(grep -E '^reqwest = ' Cargo.toml)
# rustls with ring, as rocket-apis's `tls-ring` feature turns it on.
rustls_line='rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12", "logging"] }'
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
  '#[allow(deprecated)] pub fn client() -> reqwest::Client { let _ = rustls::crypto::ring::default_provider().install_default(); reqwest::Client::new() }'

# Downloads are not compile time.
cargo fetch --locked >/dev/null
(cd "$work/floor" && cargo fetch >/dev/null)
(cd "$work/floor-ring" && cargo fetch >/dev/null)

secs() { # runs "$@" and prints its wall time in seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$work/last.log" 2>&1 || { tail -20 "$work/last.log" >&2; echo "failed in $PWD: $*" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

# The floors are built again around each row a target is set for (a clean target directory each
# time), and such a row is divided by the mean of the floor builds just before and after it: the
# machine's speed drifts by a tenth or more over a run, so a floor measured once at the start
# would not compare with a row built twenty minutes later.
floor_once() { # floor crate name
  rm -rf "$work/t-$1"
  (cd "$work/$1" && CARGO_TARGET_DIR="$work/t-$1" secs cargo build)
}
mean() { printf '%s\n' "$@" | awk '{ s += $1; n++ } END { printf "%.1f", s / n }'; }
all_off_features="authrocket,requestrocket,rocketpunch,rockety,tls-aws-lc"
# A dependent with the default features, outside this workspace (so nothing turns `codegen` on).
mkdir -p "$work/dependent/src"
printf '[package]\nname = "dependent"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\nrocket-apis = { path = "%s" }\n' "$root" > "$work/dependent/Cargo.toml"
echo 'pub fn base() -> &'"'"'static str { rocket_apis::rockety::DEFAULT_BASE_URL }' > "$work/dependent/src/lib.rs"
cp Cargo.lock "$work/dependent/Cargo.lock"
(cd "$work/dependent" && cargo fetch >/dev/null)
floor_0=$(floor_once floor)
dependent=$(cd "$work/dependent" && CARGO_TARGET_DIR="$work/t-dependent" secs cargo build)
floor_1=$(floor_once floor)
one=$(CARGO_TARGET_DIR="$work/t-one" secs cargo build --locked -p rocket-apis --no-default-features --features rockety,tls-aws-lc)
floor_2=$(floor_once floor)
all_codegen=$(CARGO_TARGET_DIR="$work/t-codegen" secs cargo build --locked -p rocket-apis --no-default-features --features "$all_off_features,codegen")
floor_3=$(floor_once floor)
floor_ring_1=$(floor_once floor-ring)
one_ring=$(CARGO_TARGET_DIR="$work/t-one-ring" secs cargo build --locked -p rocket-apis --no-default-features --features rockety,tls-ring)
floor_ring_2=$(floor_once floor-ring)
floor_one=$(mean "$floor_1" "$floor_2")
floor_codegen=$(mean "$floor_2" "$floor_3")
floor=$(mean "$floor_1" "$floor_2" "$floor_3")
floor_dependent=$(mean "$floor_0" "$floor_1")
floor_ring=$(mean "$floor_ring_1" "$floor_ring_2")
all_off=$(CARGO_TARGET_DIR="$work/t-off" secs cargo build --locked -p rocket-apis --no-default-features --features "$all_off_features")
# With BASE=<git revision>, the crate-alone and docs rows are measured on that revision too (a
# temporary worktree), interleaved with this one's: the machine's speed drifts by a tenth or more
# over a run, so measured minutes apart the two would not compare.
if [ -n "${BASE:-}" ]; then
  git worktree add --detach "$work/base" "$BASE" >/dev/null 2>&1
  (cd "$work/base" && CARGO_TARGET_DIR="$work/t-base" cargo build --locked -p rocket-apis --no-default-features --features "$all_off_features" >/dev/null 2>&1)
fi
# The crate alone (its dependencies built already), all four APIs and each on its own.
# Three times each, the median: one build of the crate swings by a tenth here. With BASE, each
# of the three builds is followed by the same build of the base revision.
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
alone_once() { # source dir, target dir, features
  (cd "$1" && CARGO_TARGET_DIR="$2" cargo clean --locked -p rocket-apis >/dev/null 2>&1 &&
    CARGO_TARGET_DIR="$2" secs cargo build --locked -p rocket-apis --no-default-features --features "$3")
}
runs=() base_runs=()
for _ in 1 2 3; do
  runs+=("$(alone_once "$root" "$work/t-off" "$all_off_features")")
  if [ -n "${BASE:-}" ]; then base_runs+=("$(alone_once "$work/base" "$work/t-base" "$all_off_features")"); fi
done
alone=$(median3 "${runs[@]}")
rlib=$(find "$work/t-off/debug/deps" -name 'librocket_apis-*.rlib' -printf '%s\n' | sort -n | tail -1)
if [ -n "${BASE:-}" ]; then
  base_alone=$(median3 "${base_runs[@]}")
  base_rlib=$(find "$work/t-base/debug/deps" -name 'librocket_apis-*.rlib' -printf '%s\n' | sort -n | tail -1)
fi
declare -A per_api
for api in authrocket requestrocket rocketpunch rockety; do
  api_runs=()
  for _ in 1 2 3; do api_runs+=("$(alone_once "$root" "$work/t-off" "$api,tls-aws-lc")"); done
  per_api[$api]=$(median3 "${api_runs[@]}")
done
# The crate's docs (default features and `mock`): from a clean target directory (what rustdoc
# needs is built first: dependencies in check mode, the generator, its run), then again after a
# touch of the crate's sources; with BASE, each right after the same for this revision.
doc_cold=$(CARGO_TARGET_DIR="$work/t-doc" secs cargo doc --locked -p rocket-apis --no-deps --features mock)
if [ -n "${BASE:-}" ]; then
  base_doc_cold=$(cd "$work/base" && CARGO_TARGET_DIR="$work/t-base-doc" secs cargo doc --locked -p rocket-apis --no-deps --features mock)
fi
touch src/lib.rs
doc=$(CARGO_TARGET_DIR="$work/t-doc" secs cargo doc --locked -p rocket-apis --no-deps --features mock)
if [ -n "${BASE:-}" ]; then
  touch "$work/base/src/lib.rs"
  base_doc=$(cd "$work/base" && CARGO_TARGET_DIR="$work/t-base-doc" secs cargo doc --locked -p rocket-apis --no-deps --features mock)
  base_lines=$(cat "$work/base"/generated/*.rs | wc -l)
  git worktree remove --force "$work/base"
fi
all=$(CARGO_TARGET_DIR="$work/t-all" secs cargo build --locked)
noop=$(CARGO_TARGET_DIR="$work/t-all" secs cargo build --locked)
touch specs/rockety.yaml
spec=$(CARGO_TARGET_DIR="$work/t-all" secs cargo build --locked)

ratio() { awk -v a="$1" -v f="$2" 'BEGIN { printf "%.2f", a / f }'; }
printf '\nmachine: %s, %s cores, rustc %s\n\n' "$(uname -m)" "$(nproc)" "$(rustc --version | cut -d' ' -f2)"
echo "| build | seconds | × its floor |"
echo "|---|---:|---:|"
printf '| floor: empty crate + reqwest, rustls with aws-lc-rs (built three times: %s, %s, %s) | %s | 1.00 |\n' "$floor_1" "$floor_2" "$floor_3" "$floor"
printf '| floor: empty crate + reqwest, rustls with ring (built twice: %s, %s) | %s | 1.00 |\n' "$floor_ring_1" "$floor_ring_2" "$floor_ring"
printf '| a dependent, clean, rocket-apis with its default features (against the floor builds around it, %s) | %s | %s |\n' "$floor_dependent" "$dependent" "$(ratio "$dependent" "$floor_dependent")"
printf '| clean, one API (`rockety`), `codegen` off, `tls-aws-lc` (against the floor builds around it, %s) | %s | %s |\n' "$floor_one" "$one" "$(ratio "$one" "$floor_one")"
printf '| clean, one API (`rockety`), `codegen` off, `tls-ring` (against the floor builds around it, %s) | %s | %s |\n' "$floor_ring" "$one_ring" "$(ratio "$one_ring" "$floor_ring")"
printf '| clean, all four APIs, `codegen` off, `tls-aws-lc` | %s | %s |\n' "$all_off" "$(ratio "$all_off" "$floor")"
printf '| clean, all four APIs, `codegen` on (against the floor builds around it, %s) | %s | %s |\n' "$floor_codegen" "$all_codegen" "$(ratio "$all_codegen" "$floor_codegen")"
printf '| clean `cargo build` in this repository (default features and `codegen`, as a maintainer builds) | %s | %s |\n' "$all" "$(ratio "$all" "$floor")"
printf '| the crate alone (`cargo clean -p rocket-apis`), all four APIs, `codegen` off | %s | %s |\n' "$alone" "$(ratio "$alone" "$floor")"
for api in authrocket requestrocket rocketpunch rockety; do
  printf '| the crate alone, `%s` only, `codegen` off | %s | %s |\n' "$api" "${per_api[$api]}" "$(ratio "${per_api[$api]}" "$floor")"
done
printf '| `cargo doc --no-deps --features mock`, clean target directory | %s | %s |\n' "$doc_cold" "$(ratio "$doc_cold" "$floor")"
printf '| `cargo doc --no-deps --features mock`, after touching `src/lib.rs` | %s | %s |\n' "$doc" "$(ratio "$doc" "$floor")"
printf '| no-op rebuild | %s | %s |\n' "$noop" "$(ratio "$noop" "$floor")"
printf '| rebuild after touching `specs/rockety.yaml` | %s | %s |\n' "$spec" "$(ratio "$spec" "$floor")"
printf '\ndebug rlib of the crate, all four APIs, `codegen` off: %s MB\n' "$(awk -v b="$rlib" 'BEGIN { printf "%.1f", b / 1e6 }')"
printf '`generated/`: %s lines\n' "$(cat generated/*.rs | wc -l)"
if [ -n "${BASE:-}" ]; then
  printf '\nat %s: the crate alone %s s (now %s: %s×), `cargo doc` clean %s s (now %s: %s×), after a touch %s s (now %s: %s×), rlib %s MB, `generated/` %s lines\n' \
    "$BASE" "$base_alone" "$alone" "$(ratio "$alone" "$base_alone")" "$base_doc_cold" "$doc_cold" "$(ratio "$doc_cold" "$base_doc_cold")" \
    "$base_doc" "$doc" "$(ratio "$doc" "$base_doc")" \
    "$(awk -v b="$base_rlib" 'BEGIN { printf "%.1f", b / 1e6 }')" "$base_lines"
fi
