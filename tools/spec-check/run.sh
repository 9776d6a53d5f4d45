#!/usr/bin/env bash
# Spec checks for every specs/*.yaml (or the spec files given as arguments).
#   bash tools/spec-check/run.sh [specs/x.yaml ...]
# Installs the pinned tools into tools/spec-check (npm ci --ignore-scripts, .venv), then per spec:
#   1. openapi-spec-validator, redocly lint, spectral lint: no errors (warnings are printed);
#   2. openapi2postmanv2 → Postman collection, checked with jq against spec-info.js (operations
#      counted from the spec with js-yaml): one request per operation, {{baseUrl}} on every URL,
#      collection auth = first scheme of the spec's first security requirement, request auth =
#      first scheme of each operation's first requirement, one collection variable per credential;
#   3. insomnia-check.js → Insomnia export: openapi3, no validation failure, one request per
#      operation, credentials from {{ variables }};
#   3b. openapi-typescript → types.ts, accepted by `tsc --strict`; openapi-python-client generate
#      without warnings, and every response example (and every open-set value in it replaced by an
#      unknown one) decodes through the generated client (python-client-check.py);
#   4. prism mock --errors on 127.0.0.1:<free port>; newman with a 2xx assertion on every request and all
#      credentials set → every request passes; newman with empty credentials → newman fails and
#      every authenticated operation got 401 (public ones 2xx);
#   5. probe.js against the same Prism: every known and an unknown value of every open set in a
#      query parameter or request body → 2xx; every form-capable body sent as url-encoded form
#      data → 2xx; every declared status forced with `Prefer: code=N` carries the response headers
#      the spec declares for it;
#   6. security alternatives the converter drops (it keeps only the first requirement of each
#      operation, e.g. oauth2 after an apiKey): per dropped scheme, a collection of the operations
#      that accept it alone, with that scheme's auth → 2xx with, 401 without the credential.
# Outputs go to tools/spec-check/out/<spec>/ (SPEC_CHECK_OUT overrides). All specs are checked
# even after a failure; the run fails at the end naming every failed spec and tool.
set -euo pipefail

START=$(date +%s)
CALLER_PWD=$PWD
T="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$T/../.." && pwd)"
BIN="$T/node_modules/.bin"
VENV="$T/.venv"
OUT="${SPEC_CHECK_OUT:-$T/out}"
cd "$ROOT"

export SCARF_ANALYTICS=false DO_NOT_TRACK=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export NO_UPDATE_NOTIFIER=1 NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

die() { echo "spec-check: ERROR: $*" >&2; exit 1; }
elapsed() { echo "$(( $(date +%s) - START ))s"; }

# ---------------------------------------------------------------------------------------------
# Prerequisites and install
# ---------------------------------------------------------------------------------------------
command -v node >/dev/null || die "node not found (Node >= 20.19 is needed: Redocly 2.77 and Prism 5.14)"
command -v npm >/dev/null || die "npm not found"
command -v python3 >/dev/null || die "python3 not found (needed for openapi-spec-validator)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node $(node -v) is too old: Redocly 2.77.0 needs Node >= 20.19"

missing=()
for c in jq curl; do command -v "$c" >/dev/null || missing+=("$c"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "spec-check: installing ${missing[*]} with apt-get"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null \
      || die "apt-get install ${missing[*]} failed"
  else
    die "${missing[*]} not found: install them (e.g. apt-get install -y ${missing[*]})"
  fi
fi

# npm ci wipes node_modules, so it only runs when the lock file (or Node) changed since the last
# successful install, or when SPEC_CHECK_REINSTALL=1.
stamp_of() { { cat "$@"; node -v; } | sha256sum | cut -d' ' -f1; }
npm_stamp=$(stamp_of "$T/package.json" "$T/package-lock.json")
if [ "${SPEC_CHECK_REINSTALL:-0}" = 1 ] || [ "$(cat "$T/node_modules/.spec-check-stamp" 2>/dev/null)" != "$npm_stamp" ]; then
  echo "spec-check: npm ci (pinned tools, --ignore-scripts)"
  npm ci --prefix "$T" --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >"$T/.npm-ci.log" 2>&1 \
    || { tail -n 40 "$T/.npm-ci.log" >&2; die "npm ci failed (log: $T/.npm-ci.log)"; }
  echo "$npm_stamp" > "$T/node_modules/.spec-check-stamp"
fi
# Installed versions must be exactly the pins of package.json.
(cd "$T" && node -e '
  const deps = require("./package.json").dependencies; let bad = 0;
  for (const [n, v] of Object.entries(deps)) {
    let got; try { got = require(`./node_modules/${n}/package.json`).version; } catch { got = "missing"; }
    if (got !== v) { console.error(`spec-check: ERROR: ${n} is ${got}, pinned ${v}`); bad = 1; }
  }
  process.exit(bad);') || die "installed tools do not match package.json (run with SPEC_CHECK_REINSTALL=1)"

py_stamp=$(stamp_of "$T/requirements.txt" "$T/constraints.txt")
if [ "${SPEC_CHECK_REINSTALL:-0}" = 1 ] || [ "$(cat "$VENV/.spec-check-stamp" 2>/dev/null)" != "$py_stamp" ]; then
  echo "spec-check: pip install (openapi-spec-validator, constraints.txt)"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" \
    || die "python3 -m venv failed (on Debian: apt-get install -y python3-venv)"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$T/requirements.txt" -c "$T/constraints.txt" \
    || die "pip install -r tools/spec-check/requirements.txt failed"
  echo "$py_stamp" > "$VENV/.spec-check-stamp"
fi
INSTALL_TIME=$(elapsed)

# ---------------------------------------------------------------------------------------------
# jq programs
# ---------------------------------------------------------------------------------------------
# Helpers shared by the programs below. $info is spec-info.js's output.
JQ_DEFS='
def reqs: [.. | objects | select(has("request"))];
def opkey: "\(.request.method | ascii_upcase) /\(.request.url.path // [] | map(sub("^:[A-Za-z0-9_-]+"; "{}") | gsub("\\{\\{[^}]+\\}\\}"; "{}")) | join("/"))";
def params: if . == null then {} else (.[.type] // []) | map({(.key): .value}) | add // {} end;
# does a Postman auth object implement scheme $s (info.schemes[x])? oauth2: the converter sets no
# token, so only the type is compared before the token is injected.
def implements($s): . != null and .type == $s.postman.type and
  ($s.postman.type == "oauth2" or (params as $p | $s.postman.params | to_entries | all($p[.key] == .value)));
'

# Checks on the converter output; prints one line per problem.
JQ_CHECK='
($info.ops | map({(.key): .}) | add // {}) as $ops
| . as $col
| reqs as $r
| ($r | map(opkey)) as $keys
| [ (if ($keys | length) != $info.count then "\($keys | length) requests for \($info.count) operations" else empty end),
    ($info.ops[] | select(.key as $k | $keys | index($k) | not) | "no request for \(.key) (\(.operationId))"),
    ($keys | group_by(.) | map(select(length > 1))[] | "\(length) requests for \(.[0])"),
    ($keys[] | select($ops[.] == null) | "request \(.) matches no operation"),
    (if ($col.variable // []) | any(.key == "baseUrl") then empty else "no baseUrl collection variable" end),
    ($r[] | select((.request.url.host // []) != ["{{baseUrl}}"]) | "\(opkey): URL host is \(.request.url.host // .request.url | tojson), not {{baseUrl}}"),
    (if $info.first == null then
       (if ($col.auth == null or $col.auth.type == "noauth") then empty else "collection auth is \($col.auth.type) but the spec has no top-level security" end)
     elif ($col.auth | implements($info.schemes[$info.first])) then empty
     else "collection auth \($col.auth | tojson) does not match scheme \($info.first) (expected \($info.schemes[$info.first].postman | tojson))" end),
    ($r[] | opkey as $k | $ops[$k] as $o | select($o != null and ($o.public | not))
      | (if .request.auth == null then $col.auth else .request.auth end) as $a
      | select($a | implements($info.schemes[$o.alts[0][0]]) | not)
      | "\($k) (\($o.operationId)): auth \($a.type // "none") does not match its first scheme \($o.alts[0][0])"),
    ($info.schemes[] | select(.unsupported) | "scheme \(.name): \(.unsupported) is not supported by this runner")
  ] | .[]
'

# Prepares the collection for newman: item ids = operation keys (so reports map back to
# operations), public operations get noauth (the converter lets them inherit the collection
# auth), oauth2 auths get the {{oauth2AccessToken}} the converter leaves out, extra schemes of an
# AND requirement are added as headers/query parameters, and every credential variable exists.
JQ_PREPARE='
($info.ops | map({(.key): .}) | add // {}) as $ops
| def oauth2fix: if type == "object" and .type == "oauth2" then
      .oauth2 = ((.oauth2 // []) | map(select(.key | IN("accessToken", "addTokenTo", "headerPrefix", "tokenType") | not))
        + [{key: "accessToken", value: "{{oauth2AccessToken}}", type: "string"},
           {key: "addTokenTo", value: "header", type: "string"},
           {key: "headerPrefix", value: "Bearer", type: "string"}])
    else . end;
  def extra($s): if $s.type == "apiKey" and $s.in == "header" then {header: {key: $s.paramName, value: "{{apiKey}}"}}
    elif $s.type == "apiKey" and $s.in == "query" then {query: {key: $s.paramName, value: "{{apiKey}}"}}
    elif $s.httpScheme == "bearer" then {header: {key: "Authorization", value: "Bearer {{bearerToken}}"}}
    elif ($s.type | IN("oauth2", "openIdConnect")) then {header: {key: "Authorization", value: "Bearer {{oauth2AccessToken}}"}}
    else error("AND requirement with scheme \($s.name) (\($s.type)) is not supported by this runner") end;
  (.. | objects | select(has("request"))) |= (
    opkey as $k | $ops[$k] as $o | .id = $k
    | if $o.public then .request.auth = {type: "noauth"}
      else reduce ($o.alts[0][1:][] | extra($info.schemes[.])) as $x (.;
        if $x.header then .request.header = ((.request.header // []) + [$x.header])
        else .request.url.query = ((.request.url.query // []) + [$x.query]) end)
      end)
| .auth |= oauth2fix
| (.. | objects | select(has("request")) | .request.auth) |= oauth2fix
| .variable = ((.variable // []) + ([$info.credVars[], $info.schemes[].vars[]?] | unique
    | map({key: ., value: ""})) | unique_by(.key))
'

# Adds the status assertion to every request (the converter writes no tests, so newman would
# report 0 assertions and exit 0 whatever the status).
TEST='pm.test("status is 2xx", function () { pm.expect(pm.response.code).to.be.within(200, 299); });'
JQ_TEST='(.. | objects | select(has("request"))) |= . + {event: [{listen: "test", script: {type: "text/javascript", exec: [$t]}}]}'

# Every {{var}} the collection uses must be a collection variable (newman sends unknown ones
# literally, and Prism accepts a literal "{{apiKey}}" as a credential).
JQ_VARS='([.. | strings | scan("\\{\\{([A-Za-z0-9_.$-]+)\\}\\}") | .[0]] | unique) - [(.variable // [])[].key] | .[] | "{{\(.)}} is not a collection variable"'

# A collection of the operations that accept scheme $s alone but whose first requirement is
# something else (the converter drops those alternatives), each with $s as its auth.
JQ_ALT='
{info: (.info + {name: "\(.info.name) [\($s.name)]"}), variable: .variable, auth: {type: "noauth"},
 item: [reqs[] | select(.id as $k | $keys | index($k)) | .request.auth = ({type: $s.postman.type}
   + {($s.postman.type): ($s.postman.params | to_entries | map({key, value, type: "string"})
       + (if $s.postman.type == "oauth2" then [{key: "addTokenTo", value: "header", type: "string"}, {key: "headerPrefix", value: "Bearer", type: "string"}] else [] end))})]}
'

# Checks a newman JSON report against $expect: {"<item id>": "2xx" | 401}.
JQ_REPORT='
.run as $run
| [ (if ($run.executions | length) != ($expect | length) then "\($run.executions | length) requests ran, \($expect | length) expected" else empty end),
    ($run.executions[] | .item.id as $id | (.response.code // "no response") as $c | $expect[$id] as $e
      | if $e == null then "\($id): not expected in this run"
        elif $e == "2xx" then (if ($c | type) == "number" and $c >= 200 and $c < 300 then empty else "\($id): got \($c), expected 2xx" end)
        elif $c != $e then "\($id): got \($c), expected \($e)" else empty end),
    ($run.failures[]? | select(.error.name != "AssertionError") | "\(.source.name // .source.id // "?"): \(.error.name): \(.error.message)")
  ] | .[]
'

# ---------------------------------------------------------------------------------------------
# Per spec (runs in a subshell; the first failing step ends that spec)
# ---------------------------------------------------------------------------------------------
# Each running Prism's PID is in out/<spec>/prism.pid until it has been stopped.
mkdir -p "$OUT"
cleanup() {
  local f p
  for f in "$OUT"/*/prism.pid; do
    [ -f "$f" ] || continue
    p=$(cat "$f"); rm -f "$f"
    [ -z "$p" ] || kill "$p" 2>/dev/null || true
  done
}
CHILD=""
trap cleanup EXIT
trap 'echo "spec-check: interrupted" >&2; [ -z "$CHILD" ] || kill "$CHILD" 2>/dev/null; cleanup; exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

check_spec() {
  set -euo pipefail
  local spec=$1 n d spec_abs
  case "$spec" in /*) spec_abs=$spec ;; *) spec_abs=$ROOT/$spec ;; esac
  n=$(basename "$spec" .yaml); d="$OUT/$n"
  rm -rf "$d"; mkdir -p "$d"
  # Globals: the EXIT trap (stop_prism) runs after this function has returned.
  PRISM_PID="" PRISM_PIDFILE="$d/prism.pid"
  fail() { # fail TOOL MESSAGE [LOG]
    echo "spec-check: FAIL [$n] $1: $2" >&2
    if [ -n "${3:-}" ] && [ -s "$3" ]; then cut -c1-400 "$3" | sed 's/^/    | /' | tail -n 60 >&2; fi
    echo "$1" >> "$d/FAILED"
    exit 1
  }
  stop_prism() {
    if [ -n "$PRISM_PID" ] && kill -0 "$PRISM_PID" 2>/dev/null; then
      kill "$PRISM_PID" 2>/dev/null || true
      wait "$PRISM_PID" 2>/dev/null || true
    fi
    PRISM_PID=""
    rm -f "$PRISM_PIDFILE"
  }
  trap stop_prism EXIT
  echo "== $n ($spec)"

  # 1. Linters: run all three, then stop if any failed. Warnings are shown, errors fail.
  local lint_failed=()
  lint() { # lint NAME cmd...
    local name=$1; shift
    local log="$d/$name.log" rc=0
    "$@" > "$log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
      echo "spec-check: FAIL [$n] $name (exit $rc)" >&2
      grep -vE '^\s*$|║|╔|╚' "$log" | cut -c1-400 | sed 's/^/    | /' | tail -n 60 >&2
      echo "$name" >> "$d/FAILED"
      lint_failed+=("$name")
    else
      # redocly: "You have N warnings."; spectral: "(0 errors, N warnings, ...)"
      local w; w=$(grep -oE 'You have [0-9]+ warning|[0-9]+ warnings?,' "$log" | grep -oE '[0-9]+' | head -n 1 || true)
      if [ -n "$w" ] && [ "$w" != 0 ]; then echo "   $name: ok, $w warning(s)"; else echo "   $name: ok"; fi
      grep -E '^\s*[0-9]+:[0-9]+\s+warning' "$log" | sed 's/^ */      /' || true
    fi
  }
  lint openapi-spec-validator "$VENV/bin/openapi-spec-validator" --schema 3.0 --validation-errors all "$spec"
  lint redocly "$BIN/redocly" lint "$spec" --config "$T/redocly.yaml" --format=stylish
  lint spectral "$BIN/spectral" lint "$spec" --ruleset "$T/.spectral.yaml" --fail-severity=error
  if [ ${#lint_failed[@]} -gt 0 ]; then
    echo "spec-check: [$n] lint failed (${lint_failed[*]}); conversion and Prism checks skipped" >&2
    exit 1
  fi

  # Operations and security, counted from the spec itself.
  local info="$d/spec-info.json"
  (cd "$T" && node spec-info.js "$spec_abs") > "$info" 2> "$d/spec-info.log" || fail spec-info "cannot read the spec" "$d/spec-info.log"
  local count; count=$(jq '.count' "$info")
  [ "$count" -gt 0 ] || fail spec-info "the spec has no operations"

  # Start Prism now; it boots while the converters run.
  local port; port=$(free_port)
  "$BIN/prism" mock --errors -h 127.0.0.1 -p "$port" "$spec" > "$d/prism.log" 2>&1 &
  PRISM_PID=$!
  echo "$PRISM_PID" > "$PRISM_PIDFILE"

  # 2. Postman collection.
  local raw="$d/postman.raw.json" col="$d/postman.json"
  "$BIN/openapi2postmanv2" -s "$spec" -o "$raw" -O folderStrategy=Tags,parametersResolution=Example \
    > "$d/openapi2postmanv2.log" 2>&1 || fail openapi2postmanv2 "exit $?" "$d/openapi2postmanv2.log"
  [ -s "$raw" ] || fail openapi2postmanv2 "wrote no collection (it exits 0 on failure)" "$d/openapi2postmanv2.log"
  jq -e '.info.schema | test("v2\\.1")' "$raw" >/dev/null 2>&1 || fail openapi2postmanv2 "output is not a Postman v2.1 collection" "$d/openapi2postmanv2.log"
  jq -r --slurpfile i "$info" "$JQ_DEFS \$i[0] as \$info | $JQ_CHECK" "$raw" > "$d/postman-check.log" 2>&1 \
    || fail openapi2postmanv2 "jq check crashed" "$d/postman-check.log"
  [ ! -s "$d/postman-check.log" ] || fail openapi2postmanv2 "collection does not match the spec" "$d/postman-check.log"
  jq --slurpfile i "$info" --arg t "$TEST" "$JQ_DEFS \$i[0] as \$info | $JQ_PREPARE | $JQ_TEST" "$raw" > "$col" 2> "$d/postman-prepare.log" \
    || fail openapi2postmanv2 "cannot prepare the collection" "$d/postman-prepare.log"
  jq -r "$JQ_VARS" "$col" > "$d/postman-vars.log"
  [ ! -s "$d/postman-vars.log" ] || fail openapi2postmanv2 "undefined variables" "$d/postman-vars.log"
  local cred_vars; cred_vars=$(jq -r '.credVars | join(" ")' "$info")
  echo "   openapi2postmanv2: ok, $count/$count operations, collection auth $(jq -r '.auth.type // "none"' "$col")$([ -n "$(jq -r '.first // empty' "$info")" ] && echo " (scheme $(jq -r .first "$info"))"), variables: baseUrl ${cred_vars} (converter baseUrl $(jq -r '[.variable[] | select(.key == "baseUrl") | .value][0]' "$raw"), run against prism at /)"

  # 3. Insomnia export.
  (cd "$T" && node insomnia-check.js "$spec_abs" "$d/insomnia.json") > "$d/insomnia.log" 2>&1 \
    || fail insomnia-importers "export does not match the spec" "$d/insomnia.log"
  echo "   insomnia-importers: $(grep '^insomnia:' "$d/insomnia.log" | tail -n 1 | sed 's/^insomnia: //')"

  # 3b. Independent generators: openapi-typescript (+ tsc --strict on its output) and
  # openapi-python-client (no warnings; every response example decodes through it, and again with
  # every open-set value replaced by an unknown one).
  "$BIN/openapi-typescript" "$spec_abs" -o "$d/types.ts" > "$d/openapi-typescript.log" 2>&1 \
    || fail openapi-typescript "generation failed" "$d/openapi-typescript.log"
  [ -s "$d/types.ts" ] || fail openapi-typescript "wrote nothing" "$d/openapi-typescript.log"
  "$BIN/tsc" --strict --noEmit --target es2022 --module esnext --moduleResolution bundler "$d/types.ts" \
    > "$d/tsc.log" 2>&1 || fail tsc "tsc --strict rejects openapi-typescript's output" "$d/tsc.log"
  echo "   openapi-typescript + tsc --strict: ok ($(grep -c '^ *[A-Za-z0-9_]*[?]*: ' "$d/types.ts") members)"
  (cd "$d" && "$VENV/bin/openapi-python-client" generate --path "$spec_abs" --output-path "$d/pyclient/${n}_client" \
      --meta none --overwrite --config "$T/python-client.yaml") > "$d/openapi-python-client.log" 2>&1 \
    || fail openapi-python-client "generation failed" "$d/openapi-python-client.log"
  ! grep -qiE 'warning|error|unable' "$d/openapi-python-client.log" \
    || fail openapi-python-client "generation warned (pieces may be missing)" "$d/openapi-python-client.log"
  "$VENV/bin/python" "$T/python-client-check.py" "$spec_abs" "$d/pyclient/${n}_client" > "$d/python-client-check.log" 2>&1 \
    || fail openapi-python-client "a spec example does not decode through the generated client" "$d/python-client-check.log"
  echo "   openapi-python-client: ok, $(tail -n 1 "$d/python-client-check.log" | sed 's/^python-client: //')"

  # 4. Prism + newman.
  local i
  for i in $(seq 120); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && break
    kill -0 "$PRISM_PID" 2>/dev/null || fail prism "prism mock exited while starting" "$d/prism.log"
    [ "$i" -lt 120 ] || fail prism "not listening on 127.0.0.1:$port after 60 s" "$d/prism.log"
    sleep 0.5
  done
  kill -0 "$PRISM_PID" 2>/dev/null || fail prism "prism mock is not running" "$d/prism.log"

  # newman_run NAME COLLECTION EXPECT_JSON VALUE(set|empty) VARS...
  newman_run() {
    local name=$1 c=$2 expect=$3 mode=$4; shift 4
    local args=(--env-var "baseUrl=http://127.0.0.1:$port") v rc=0
    for v in "$@"; do
      if [ "$mode" = set ]; then args+=(--env-var "$v=ci-$v"); else args+=(--env-var "$v="); fi
    done
    "$BIN/newman" run "$c" "${args[@]}" --color off --timeout-request 15000 \
      --reporters cli,json,junit --reporter-json-export "$d/$name.json" --reporter-junit-export "$d/$name.xml" \
      > "$d/$name.log" 2>&1 || rc=$?
    [ -s "$d/$name.json" ] || fail newman "$name: no report (exit $rc)" "$d/$name.log"
    jq -r --argjson expect "$expect" "$JQ_REPORT" "$d/$name.json" > "$d/$name.check.log" \
      || fail newman "$name: cannot read the report" "$d/$name.log"
    [ ! -s "$d/$name.check.log" ] || fail newman "$name: unexpected responses (exit $rc)" "$d/$name.check.log"
    if [ "$mode" = set ]; then
      [ "$rc" -eq 0 ] || fail newman "$name: exit $rc with all credentials set" "$d/$name.log"
      local a; a=$(jq '[.run.stats.assertions.total, .run.stats.assertions.failed] | join("/")' -r "$d/$name.json")
      [ "$a" = "$(echo "$expect" | jq length)/0" ] || fail newman "$name: assertions total/failed = $a" "$d/$name.log"
    elif [ "$(echo "$expect" | jq '[.[] | select(. == 401)] | length')" -gt 0 ]; then
      [ "$rc" -ne 0 ] || fail newman "$name: exit 0 with empty credentials (auth is not wired)" "$d/$name.log"
    fi
    local codes; codes=$(jq -r '[.run.executions[].response.code] | group_by(.) | map("\(length)x\(.[0])") | join(", ")' "$d/$name.json")
    echo "   newman $name: ok ($codes)"
  }
  local ok_all deny_all
  ok_all=$(jq -c '.ops | map({(.key): "2xx"}) | add' "$info")
  deny_all=$(jq -c '.ops | map({(.key): (if .public then "2xx" else 401 end)}) | add' "$info")
  # shellcheck disable=SC2086
  newman_run newman-auth "$col" "$ok_all" set $cred_vars
  # shellcheck disable=SC2086
  newman_run newman-noauth "$col" "$deny_all" empty $cred_vars

  # 5. Open sets, form bodies and declared response headers (probe.js).
  (cd "$T" && node probe.js "$spec_abs" "http://127.0.0.1:$port") > "$d/probe.log" 2>&1 \
    || fail probe "Prism refused a documented or unknown open-set value or a form body, or left out a declared header" "$d/probe.log"
  echo "   probe: $(tail -n 1 "$d/probe.log" | sed 's/^probe: //')"

  # 6. Alternatives the converter dropped: scheme S alone accepted, but not the first requirement.
  local s keys
  for s in $(jq -r '.schemes | keys[]' "$info"); do
    keys=$(jq -c --arg s "$s" '[.ops[] | select((.public | not) and (.alts | any(. == [$s])) and .alts[0] != [$s]) | .key]' "$info")
    [ "$keys" != "[]" ] || continue
    jq -e --arg s "$s" '.schemes[$s].unsupported | not' "$info" >/dev/null \
      || fail runner "scheme $s: $(jq -r --arg s "$s" '.schemes[$s].unsupported' "$info") is not supported"
    jq --slurpfile i "$info" --arg s "$s" --argjson keys "$keys" \
      "$JQ_DEFS \$i[0] as \$info | \$info.schemes[\$s] as \$s | $JQ_ALT" "$col" > "$d/postman.alt-$s.json" \
      || fail runner "cannot build the collection for scheme $s"
    local svars; svars=$(jq -r --arg s "$s" '.schemes[$s].vars | join(" ")' "$info")
    # shellcheck disable=SC2086
    newman_run "newman-alt-$s" "$d/postman.alt-$s.json" "$(echo "$keys" | jq -c 'map({(.): "2xx"}) | add')" set $svars
    # shellcheck disable=SC2086
    newman_run "newman-alt-$s-noauth" "$d/postman.alt-$s.json" "$(echo "$keys" | jq -c 'map({(.): 401}) | add')" empty $svars
  done

  local p=$PRISM_PID
  stop_prism
  ! kill -0 "$p" 2>/dev/null || fail prism "still running after kill"
  echo "   $n: passed"
}

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------
if [ $# -gt 0 ]; then
  SPECS=()
  for a in "$@"; do
    case "$a" in /*) f=$a ;; *) f=$CALLER_PWD/$a ;; esac
    [ -f "$f" ] || die "$a: no such file"
    f="$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
    SPECS+=("${f#"$ROOT"/}")
  done
else
  shopt -s nullglob; SPECS=(specs/*.yaml); shopt -u nullglob
fi
[ ${#SPECS[@]} -gt 0 ] || die "no specs/*.yaml found in $ROOT"
echo "spec-check: ${#SPECS[@]} spec(s): ${SPECS[*]} (tools ready in $INSTALL_TIME)"

passed=0; failed=()
for spec in "${SPECS[@]}"; do
  # Not `( ... ) || rc=$?`: errexit is ignored inside a subshell that is the left side of ||.
  # In the background + wait, so that INT/TERM reach the trap at once.
  set +e
  ( check_spec "$spec" ) &
  CHILD=$!
  wait "$CHILD"
  rc=$?
  CHILD=""
  set -e
  name=$(basename "$spec" .yaml)
  if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); else
    tools=$(sort -u "$OUT/$name/FAILED" 2>/dev/null | paste -sd, - || true)
    failed+=("$name (${tools:-exit $rc})")
  fi
done

echo "spec-check: took $(elapsed) (tools ready after $INSTALL_TIME); outputs in ${OUT#"$ROOT"/}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "spec-check: FAILED: ${#failed[@]} of ${#SPECS[@]} spec(s): ${failed[*]}" >&2
  exit 1
fi
echo "spec-check: $passed specs passed"
