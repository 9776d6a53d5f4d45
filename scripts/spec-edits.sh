#!/usr/bin/env bash
# Tries the generator on ordinary spec edits, as a maintainer makes them: a copy of this
# checkout with every fragment of tests/spec_edits/supported.yaml added to
# specs/requestrocket.yaml must regenerate, compile and pass tests/spec_edits/exercise.rs (each
# new operation against the typed mock); a copy with one fragment of tests/spec_edits/refused/
# must fail before rustc, with the message the fragment's `expect` names, and leave the copy's
# generated/ untouched.
#
#   bash scripts/spec-edits.sh        # uses tools/spec-check/.venv's Python (PyYAML), else python3
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
py=${PYTHON:-$root/tools/spec-check/.venv/bin/python}
[ -x "$py" ] || py=python3
target_dir=$(cargo metadata --locked --format-version 1 --no-deps |
  "$py" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

copy() { # a copy of the checkout's files (tracked and new, not ignored) at $1
  mkdir -p "$1"
  git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$1"
}
merge() { # spec, fragment: adds the fragment's paths and component schemas to the spec
  "$py" - "$1" "$2" <<'PY'
import sys, yaml
spec_path, fragment_path = sys.argv[1], sys.argv[2]
spec = yaml.safe_load(open(spec_path))
fragment = yaml.safe_load(open(fragment_path))
fragment.pop("expect", None)
for key, value in fragment.get("paths", {}).items():
    assert key not in spec["paths"], f"{fragment_path}: path {key} exists already"
    spec["paths"][key] = value
for section, items in fragment.get("components", {}).items():
    spec.setdefault("components", {}).setdefault(section, {}).update(items)
yaml.safe_dump(spec, open(spec_path, "w"), sort_keys=False, allow_unicode=True)
PY
}
build() { # in the copy at $1: cargo with the maintainer's write mode
  (cd "$1" && env -u CI ROCKET_APIS_GENERATED=write CARGO_TARGET_DIR="$target_dir" cargo "${@:2}")
}

echo "spec edits: the supported constructs, added to specs/requestrocket.yaml"
copy "$work/supported"
merge "$work/supported/specs/requestrocket.yaml" tests/spec_edits/supported.yaml
cp tests/spec_edits/exercise.rs "$work/supported/tests/spec_edits_exercise.rs"
build "$work/supported" test --locked --quiet -p rocket-apis --features codegen --test spec_edits_exercise
if cmp -s "$root/generated/requestrocket.rs" "$work/supported/generated/requestrocket.rs"; then
  echo "the supported constructs did not change generated/requestrocket.rs" >&2
  exit 1
fi

for fragment in tests/spec_edits/refused/*.yaml; do
  name=$(basename "$fragment" .yaml)
  expect=$("$py" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["expect"])' "$fragment")
  echo "spec edits: refused before rustc: $name"
  copy "$work/$name"
  merge "$work/$name/specs/requestrocket.yaml" "$fragment"
  before=$(cd "$work/$name" && sha256sum generated/*.rs)
  if build "$work/$name" build --locked -p rocket-apis --features codegen >"$work/$name.log" 2>&1; then
    echo "$name: the build passed; it should have refused the spec" >&2
    exit 1
  fi
  grep -q "specs/requestrocket.yaml" "$work/$name.log" && grep -qF -- "$expect" "$work/$name.log" || {
    cat "$work/$name.log" >&2
    echo "$name: the refusal does not name the spec and \`$expect\` (above)" >&2
    exit 1
  }
  if grep -q "^error\[E" "$work/$name.log"; then
    echo "$name: rustc ran on generated code" >&2
    exit 1
  fi
  after=$(cd "$work/$name" && sha256sum generated/*.rs)
  [ "$before" = "$after" ] || { echo "$name: generated/ was rewritten by a refused spec" >&2; exit 1; }
done
echo "spec edits: supported constructs generate, compile and answer; refused ones are refused before rustc"
