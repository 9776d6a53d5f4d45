#!/usr/bin/env python3
"""What each runtime dependency of rocket-apis costs in a clean build.

    python3 scripts/dep-weight.py            # all four APIs, `codegen` off, tls-aws-lc

Builds the crate once from scratch with `cargo build --timings` in a temporary target
directory, then, for each direct dependency, adds up the compile time of the crates that only it
brings in: the crates that would leave the build if rocket-apis did not depend on it (a crate
reqwest brings anyway costs nothing here). Prints a Markdown table: seconds of compile time (summed over units, so
parallel units count in full) and the share of the whole build's summed time. Run it on a quiet
machine.
"""
import json, os, re, subprocess, sys, tempfile
from collections import defaultdict

FEATURES = sys.argv[1] if len(sys.argv) > 1 else "authrocket,requestrocket,rocketpunch,rockety,tls-aws-lc"
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, **kw):
    return subprocess.run(args, cwd=root, check=True, capture_output=True, text=True, **kw).stdout


with tempfile.TemporaryDirectory() as target:
    env = dict(os.environ, CARGO_TARGET_DIR=target, CARGO_TERM_COLOR="never")
    subprocess.run(["cargo", "fetch", "--locked"], cwd=root, check=True, capture_output=True)
    subprocess.run(["cargo", "build", "--locked", "--no-default-features", "--features", FEATURES, "--timings"],
                   cwd=root, check=True, capture_output=True, env=env)
    html_dir = os.path.join(target, "cargo-timings")
    html = open(os.path.join(html_dir, sorted(f for f in os.listdir(html_dir) if f.endswith(".html"))[-1])).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
seconds = defaultdict(float)
for u in units:
    seconds[u["name"]] += u["duration"]
total = sum(seconds.values())

meta = json.loads(run("cargo", "metadata", "--locked", "--format-version", "1", "--no-default-features",
                      "--features", FEATURES))
names = {p["id"]: p["name"] for p in meta["packages"]}
graph = {}
for node in meta["resolve"]["nodes"]:
    # Normal and build dependencies compile; dev dependencies do not.
    graph[node["id"]] = [d["pkg"] for d in node["deps"]
                         if any(k["kind"] in (None, "build") for k in d["dep_kinds"])]
me = next(i for i in graph if names[i] == "rocket-apis")


def reach(start, skip_edge=None):
    """Every crate reachable from `start`, ignoring the edge `start` -> `skip_edge`."""
    seen, todo = set(), [start]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        todo.extend(d for d in graph[n] if not (n == start and d == skip_edge))
    return seen


everything = reach(me)
built = {u["name"] for u in units}
rows = []
for dep in graph[me]:
    if names[dep] not in built:
        continue  # not compiled with these features (an optional or dev-only dependency)
    # What declaring it adds: the crates that leave the build without this one edge (a crate
    # that reqwest brings anyway costs nothing here).
    only = everything - reach(me, skip_edge=dep)
    cost = sum(seconds.get(names[i], 0.0) for i in only)
    rows.append((cost, names[dep], sorted(names[i] for i in only)))
rows.sort(reverse=True)
print(f"\nclean build, features {FEATURES}: {total:.1f} s of compile time summed over units "
      f"(rocket-apis itself {seconds.get('rocket-apis', 0.0):.1f} s)\n")
print("| dependency | crates only it brings | seconds | share | the largest of them |")
print("|---|---:|---:|---:|---|")
for cost, name, only in rows:
    largest = sorted(only, key=lambda n: -seconds.get(n, 0.0))[:3]
    shown = ", ".join(f"{n} {seconds.get(n, 0.0):.1f}" for n in largest if seconds.get(n, 0.0) >= 0.5)
    print(f"| {name} | {len(only)} | {cost:.1f} | {100 * cost / total:.1f} % | {shown} |")
