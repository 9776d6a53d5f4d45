#!/usr/bin/env bash
# Builds the packaged crate as someone else's dependency: with its default features, where no
# generator crate may be in the dependency tree; then with `codegen` on, after a user edited one
# of its generated files, failing if the build changed anything in the unpacked sources (built as
# a dependency, build.rs writes nothing outside OUT_DIR; see build/codegen.rs). Finds cargo's
# output through `cargo metadata`, so CARGO_TARGET_DIR may point anywhere.
#
#   bash scripts/check-as-dependency.sh      # after `cargo package` (or it packages first)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(grep -m1 -E '^version = ' Cargo.toml | cut -d'"' -f2)
target_dir=$(cargo metadata --locked --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
crate=$target_dir/package/rocket-apis-$version.crate
[ -f "$crate" ] || cargo package --locked --no-verify -p rocket-apis >/dev/null
tar xzf "$crate" -C "$work"
src=$work/rocket-apis-$version
# The weakest case: a plain copy of the sources, with no `.git` and none of cargo's marks.
rm -f "$src/.cargo_vcs_info.json"
echo "// a line the user added" >> "$src/generated/rockety.rs"
fingerprint() { (cd "$src" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
fingerprint > "$work/before"

mkdir -p "$work/dependent/src"
dependent() { # the dependency line
  cat > "$work/dependent/Cargo.toml" <<TOML
[package]
name = "dependent"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$1
TOML
}
echo 'pub fn base() -> &'"'"'static str { rocket_apis::rockety::DEFAULT_BASE_URL }' > "$work/dependent/src/lib.rs"
cp Cargo.lock "$work/dependent/Cargo.lock"
# As a dependent builds it: none of this repository's CI settings. The shared target directory
# only saves compiling the dependencies again.
build() { (cd "$work/dependent" && env -u CI -u ROCKET_APIS_GENERATED CARGO_TARGET_DIR="$target_dir" cargo "$@"); }

dependent "rocket-apis = { path = \"$src\" }"
generators=$(build tree -e normal,build --prefix none |
  grep -E '^(progenitor|progenitor-impl|typify|typify-impl|openapiv3|serde_yaml|prettyplease) ' || true)
if [ -n "$generators" ]; then
  echo "a dependent with the default features builds the generator:" >&2
  echo "$generators" >&2
  exit 1
fi
build build --quiet
echo "built as a dependency with the default features: no generator crate in its tree"

dependent "rocket-apis = { path = \"$src\", default-features = false, features = [\"rockety\", \"codegen\", \"tls-ring\"] }"
build build --quiet
fingerprint > "$work/after"
if ! diff "$work/before" "$work/after"; then
  echo "building rocket-apis as a dependency changed its sources (above)" >&2
  exit 1
fi
echo "built as a dependency with codegen on: the unpacked sources are untouched"
