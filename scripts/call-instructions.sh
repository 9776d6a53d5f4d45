#!/usr/bin/env bash
# The per-call overhead as instructions (bash scripts/call-instructions.sh): builds
# benches/call_instructions.rs in the release profile, runs it under callgrind, and prints the
# instructions per call of the hand-written reqwest call, of the client, their ratio and the
# difference. Counts, unlike times, do not move with the machine's load. Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/call-bench-binary.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
calls=$(valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
  --toggle-collect='*call_instructions::baseline_calls*' --toggle-collect='*call_instructions::client_calls*' \
  "$bin" 2>/dev/null | sed -n 's/^calls per loop: //p')
callgrind_annotate --inclusive=yes "$out/cg" 2>/dev/null | python3 -c '
import re, sys
calls = int(sys.argv[1])
found = {}
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+) .*call_instructions::(baseline_calls|client_calls)\b", line)
    if m and m.group(2) not in found:
        found[m.group(2)] = int(m.group(1).replace(",", "")) / calls
base, ours = found["baseline_calls"], found["client_calls"]
print(f"instructions per call ({calls} calls each): hand-written reqwest {base:,.0f}, client {ours:,.0f}")
print(f"ratio {ours / base:.3f}, added {ours - base:+,.0f} instructions per call")
' "$calls"
