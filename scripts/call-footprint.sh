#!/usr/bin/env bash
# The per-call overhead as code footprint (bash scripts/call-footprint.sh [N]): how many distinct
# 64-byte lines of machine code a call executes, for the hand-written reqwest call and for the
# client, from the same benchmark as scripts/call-instructions.sh (benches/call_instructions.rs
# under callgrind, each loop counted on its own). A call's code is larger than the CPU's
# first-level instruction cache, and other work between calls evicts it, so each line a call
# touches is roughly one cache miss a call: this is the part of the per-call time that an
# instruction count does not show. Prints both totals, their difference, and the N functions
# (default 25) whose line counts differ most. Deterministic for a given build. Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
top=${1:-25}
source scripts/call-bench-binary.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for side in baseline_calls client_calls; do
  valgrind --tool=callgrind --dump-instr=yes --compress-pos=no --compress-strings=no \
    --callgrind-out-file="$out/$side" --toggle-collect="*call_instructions::$side*" "$bin" >/dev/null 2>&1
done
python3 - "$out/baseline_calls" "$out/client_calls" "$top" <<'PY'
import collections, re, sys

def lines(path):
    """The code lines (address >> 6) each function executed while collection was on."""
    by_function, function = collections.defaultdict(set), None
    for line in open(path):
        if line.startswith("fn="):
            function = line[3:].strip()
            continue
        m = re.match(r"^(0x[0-9a-f]+)\s+\d+\s+(\d+)", line)
        if m and int(m.group(2)) > 0:
            by_function[function].add(int(m.group(1), 16) >> 6)
    return by_function

base, ours = lines(sys.argv[1]), lines(sys.argv[2])
total = lambda f: len(set().union(*f.values()))
b, c = total(base), total(ours)
print(f"code lines a call executes: hand-written reqwest {b:,}, client {c:,} ({c - b:+,})")
rows = sorted(
    ((len(ours.get(k, ())) - len(base.get(k, ())), len(base.get(k, ())), len(ours.get(k, ())), k)
     for k in set(base) | set(ours)),
    key=lambda r: -abs(r[0]),
)
print("functions that differ most (lines: difference, hand-written, client):")
for diff, nb, nc, name in [r for r in rows if r[0]][: int(sys.argv[3])]:
    print(f"  {diff:+4} {nb:4} {nc:4}  {name[:150]}")
PY
