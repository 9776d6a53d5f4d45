# Sourced by call-instructions.sh and call-footprint.sh: builds benches/call_instructions.rs in
# the release profile and sets `bin` to its executable.
bin=$(cargo bench --locked --bench call_instructions --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "call_instructions" and m.get("executable"):
        print(m["executable"])')
