#!/usr/bin/env bash
# Build times of rocket-apis, each against a floor measured in the same run: an empty crate that
# depends on reqwest with the same version and features as rocket-apis. Dev profile, the
# machine's default job count, dependencies downloaded beforehand (only compiling is timed).
#
#   bash scripts/build-times.sh            # prints a Markdown table
#
# Rows: clean build with one API and `codegen` off; clean build with all APIs and `codegen` on;
# a no-op rebuild; a rebuild after touching one spec. Each clean build has its own target
# directory. Run it on a quiet machine: anything else running skews every row.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TERM_COLOR=never

reqwest_line=$(grep -E '^reqwest = ' Cargo.toml)
mkdir -p "$work/floor/src"
cat > "$work/floor/Cargo.toml" <<TOML
[package]
name = "floor"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$reqwest_line
TOML
echo 'pub fn client() -> reqwest::Client { reqwest::Client::new() }' > "$work/floor/src/lib.rs"
cp Cargo.lock "$work/floor/Cargo.lock"   # same versions as rocket-apis

# Downloads are not compile time.
cargo fetch --locked >/dev/null
(cd "$work/floor" && cargo fetch >/dev/null)

secs() { # runs "$@" and prints its wall time in seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

floor=$(cd "$work/floor" && CARGO_TARGET_DIR="$work/t-floor" secs cargo build)
one=$(CARGO_TARGET_DIR="$work/t-one" secs cargo build --locked --no-default-features --features rockety)
all=$(CARGO_TARGET_DIR="$work/t-all" secs cargo build --locked)
noop=$(CARGO_TARGET_DIR="$work/t-all" secs cargo build --locked)
touch specs/rockety.yaml
spec=$(CARGO_TARGET_DIR="$work/t-all" secs cargo build --locked)

ratio() { awk -v a="$1" -v f="$floor" 'BEGIN { printf "%.2f", a / f }'; }
printf '\nmachine: %s, %s cores, rustc %s\n\n' "$(uname -m)" "$(nproc)" "$(rustc --version | cut -d' ' -f2)"
echo "| build | seconds | × floor |"
echo "|---|---:|---:|"
printf '| floor: empty crate + `%s` | %.1f | 1.00 |\n' "reqwest (same features)" "$floor"
printf '| clean, one API (`rockety`), `codegen` off | %.1f | %s |\n' "$one" "$(ratio "$one")"
printf '| clean, all four APIs, `codegen` on | %.1f | %s |\n' "$all" "$(ratio "$all")"
printf '| no-op rebuild | %.1f | %s |\n' "$noop" "$(ratio "$noop")"
printf '| rebuild after touching `specs/rockety.yaml` | %.1f | %s |\n' "$spec" "$(ratio "$spec")"
