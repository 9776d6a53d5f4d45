#!/usr/bin/env bash
# Builds the packaged crate as someone else's dependency, with `codegen` on, after a user edited
# one of its generated files, and fails if the build changed anything in the unpacked sources:
# built as a dependency, build.rs writes nothing outside OUT_DIR (see build/codegen.rs).
#
#   bash scripts/check-as-dependency.sh      # after `cargo package` (or it packages first)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(grep -m1 -E '^version = ' Cargo.toml | cut -d'"' -f2)
crate=target/package/rocket-apis-$version.crate
[ -f "$crate" ] || cargo package --locked --no-verify >/dev/null
tar xzf "$crate" -C "$work"
src=$work/rocket-apis-$version
# The weakest case: a plain copy of the sources, with no `.git` and none of cargo's marks.
rm -f "$src/.cargo_vcs_info.json"
echo "// a line the user added" >> "$src/generated/rockety.rs"
fingerprint() { (cd "$src" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
fingerprint > "$work/before"

mkdir -p "$work/dependent/src"
cat > "$work/dependent/Cargo.toml" <<TOML
[package]
name = "dependent"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
rocket-apis = { path = "$src", default-features = false, features = ["rockety", "codegen", "tls-ring"] }
TOML
echo 'pub fn base() -> &'"'"'static str { rocket_apis::rockety::DEFAULT_BASE_URL }' > "$work/dependent/src/lib.rs"
cp Cargo.lock "$work/dependent/Cargo.lock"
# As a dependent builds it: none of this repository's CI settings. The shared target directory
# only saves compiling the dependencies again.
(cd "$work/dependent" && env -u CI -u ROCKET_APIS_GENERATED CARGO_TARGET_DIR="$root/target" cargo build --quiet)
fingerprint > "$work/after"
if ! diff "$work/before" "$work/after"; then
  echo "building rocket-apis as a dependency changed its sources (above)" >&2
  exit 1
fi
echo "built as a dependency with codegen on: the unpacked sources are untouched"
