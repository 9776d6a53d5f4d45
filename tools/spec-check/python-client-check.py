"""Every response example of a spec decodes through the client openapi-python-client generated for it.

    python python-client-check.py SPEC.yaml GENERATED_PACKAGE_DIR

For every operation and every documented status with an application/json example (inline or in a
shared response), the example is handed to the generated `_parse_response` of that operation as an
httpx.Response with that status; it must decode without raising and give a value. Then every
string at an open-set position of the example (a schema `anyOf: [{enum: [...]}, {type: string}]`)
is replaced by an unknown value and decoded again: a value the vendor adds must not break a
generated client. Prints a summary; one line per problem and exit 1 on any.
"""

import copy
import glob
import importlib
import json
import os
import re
import sys

import httpx
import yaml

METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
UNKNOWN = "zz-unknown-value"


def main(spec_path, package_dir):
    with open(spec_path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)

    def resolve(node):
        n = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and n < 20:
            n += 1
            cur = doc
            for part in node["$ref"].lstrip("#/").split("/"):
                cur = cur.get(part, {}) if isinstance(cur, dict) else {}
            node = cur
        return node if node is not None else {}

    def open_set(schema):
        s = resolve(schema)
        if not isinstance(s, dict) or "anyOf" not in s:
            return False
        branches = [resolve(b) for b in s["anyOf"]]
        return any("enum" in b for b in branches) and any(b.get("type") == "string" and "enum" not in b
                                                           for b in branches)

    def open_positions(schema, value, at=()):
        """Paths inside `value` that hold a string of an open set."""
        if open_set(schema) and isinstance(value, str):
            return [at]
        s = resolve(schema)
        if not isinstance(s, dict) or value is None:
            return []
        out = []
        for part in s.get("allOf", []) + s.get("anyOf", []) + s.get("oneOf", []):
            out += open_positions(part, value, at)
        if isinstance(value, list) and "items" in s:
            for i, v in enumerate(value):
                out += open_positions(s["items"], v, at + (i,))
        if isinstance(value, dict):
            for k, ps in (s.get("properties") or {}).items():
                if k in value:
                    out += open_positions(ps, value[k], at + (k,))
        return out

    def set_at(value, at, new):
        value = copy.deepcopy(value)
        cur = value
        for k in at[:-1]:
            cur = cur[k]
        cur[at[-1]] = new
        return value

    package_dir = os.path.abspath(package_dir)
    sys.path.insert(0, os.path.dirname(package_dir))
    package = os.path.basename(package_dir)
    client_mod = importlib.import_module(f"{package}.client")
    client = client_mod.Client(base_url="http://127.0.0.1", raise_on_unexpected_status=True)
    modules = {os.path.splitext(os.path.basename(p))[0]: p
               for p in glob.glob(os.path.join(package_dir, "api", "*", "*.py"))}

    def snake(name):
        return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()

    problems, decoded, unknowns, ops = [], 0, 0, 0
    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            ops += 1
            op_id = op["operationId"]
            name = snake(op_id)
            if name not in modules:
                problems.append(f"{op_id}: no generated module api/*/{name}.py")
                continue
            rel = os.path.relpath(modules[name], os.path.dirname(package_dir))
            mod = importlib.import_module(rel[:-3].replace(os.sep, "."))
            for code, response in (op.get("responses") or {}).items():
                response = resolve(response)
                media = (response.get("content") or {}).get("application/json")
                if not media:
                    continue
                examples = []
                if "example" in media:
                    examples.append(media["example"])
                for ex in (media.get("examples") or {}).values():
                    examples.append(resolve(ex).get("value"))
                schema = media.get("schema")

                def decode(value, what):
                    resp = httpx.Response(int(code), content=json.dumps(value).encode(),
                                          headers={"content-type": "application/json"})
                    try:
                        got = mod._parse_response(client=client, response=resp)
                    except Exception as e:  # noqa: BLE001 - any failure of generated code is the finding
                        problems.append(f"{op_id} {code} {what}: {type(e).__name__}: {e}")
                        return False
                    if got is None:
                        problems.append(f"{op_id} {code} {what}: decoded to None")
                        return False
                    return True

                for value in examples:
                    decoded += decode(value, "example")
                    for at in open_positions(schema, value):
                        unknowns += 1
                        decode(set_at(value, at, UNKNOWN), f"example with {'.'.join(map(str, at))}={UNKNOWN}")
    for p in problems:
        print(p)
    print(f"python-client: {ops} operations, {decoded} response examples decoded, "
          f"{unknowns} open-set values replaced by an unknown one, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
