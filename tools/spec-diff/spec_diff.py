#!/usr/bin/env python3
"""Breaking-change report for specs/*.yaml: what a user of the Rust client (and of any tool fed the
spec) feels when a spec changes.

    python3 tools/spec-diff/spec_diff.py [--base REV] [specs/x.yaml ...]     # REV (default HEAD) vs working tree
    python3 tools/spec-diff/spec_diff.py --old a.yaml --new b.yaml [--name NAME]

Per API it prints every change, marked BREAKING or compatible, with the Rust items it changes
(methods are the snake_case of the operationId, builders and types are named as typify names them;
schemas that build/apis.rs replaces name the replacement type), then a semver verdict: major (a
breaking change), minor (additions only), patch (documentation only) or none. Exit status 0 unless
`--fail-on-breaking` is given and something breaks, or a spec cannot be read.

Needs PyYAML (pinned in tools/spec-check/requirements.txt and constraints.txt; run it with
tools/spec-check/.venv/bin/python, which tools/spec-check/run.sh installs).
"""

import argparse
import os
import re
import subprocess
import sys

import yaml

METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RUST_KEYWORDS = {
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
}


# --- names as heck / typify make them -------------------------------------------------------------

def words(name):
    """Splits like heck: on non-alphanumerics, lower→Upper, and ACRONYMWord boundaries."""
    out = []
    for part in re.split(r"[^A-Za-z0-9]+", name):
        out += re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+", part)
    return [w for w in out if w]


def snake(name):
    return "_".join(w.lower() for w in words(name))


def pascal(name):
    return "".join(w[:1].upper() + w[1:].lower() for w in words(name))


def field(name):
    s = snake(name)
    return s + "_" if s in RUST_KEYWORDS else s


# --- reading specs -------------------------------------------------------------------------------

class Spec:
    def __init__(self, doc, replacements=None):
        self.doc = doc or {}
        self.replacements = replacements or {}
        self.schemas = (self.doc.get("components") or {}).get("schemas") or {}

    def resolve(self, node):
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 20:
            seen += 1
            cur = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                cur = (cur or {}).get(part.replace("~1", "/").replace("~0", "~")) if isinstance(cur, dict) else None
            node = cur
        return node if node is not None else {}

    def operations(self):
        ops = {}
        for path, item in (self.doc.get("paths") or {}).items():
            item = self.resolve(item)
            for method in METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                key = op.get("operationId") or f"{method.upper()} {path}"
                ops[key] = (method, path, item, op)
        return ops

    def params(self, item, op):
        out = {}
        for p in (item.get("parameters") or []) + (op.get("parameters") or []):
            p = self.resolve(p)
            if p.get("name"):
                out[(p.get("in"), p["name"])] = p
        return out

    def rust_type(self, schema_name):
        if schema_name in self.replacements:
            return self.replacements[schema_name]
        return f"types::{pascal(schema_name)}"

    def request_schemas(self):
        """Component schemas reachable from request bodies or parameters."""
        return self.reachable(lambda item, op: [op.get("requestBody"), item.get("parameters"), op.get("parameters")])

    def response_schemas(self):
        """Component schemas reachable from responses."""
        return self.reachable(lambda item, op: [op.get("responses")])

    def reachable(self, roots):
        found = set()

        def walk(node):
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    name = ref.rsplit("/", 1)[1]
                    if name not in found:
                        found.add(name)
                        walk(self.schemas.get(name))
                    return
                if isinstance(ref, str):
                    walk(self.resolve(node))
                    return
                for k, v in node.items():
                    if k not in ("example", "examples"):
                        walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        for _, (_, _, item, op) in self.operations().items():
            for root in roots(item, op):
                walk(root)
        return found


def shape(spec, schema):
    """A comparable summary of a schema's type: ref name, type, format, items, nullable."""
    if not isinstance(schema, dict):
        return "any"
    if "$ref" in schema:
        return "ref:" + schema["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return key + "(" + ",".join(shape(spec, s) for s in schema[key]) + ")"
    t = schema.get("type", "any")
    if t == "array":
        return f"array<{shape(spec, schema.get('items'))}>"
    fmt = schema.get("format")
    # `password` marks a value to hide (in Debug, in tools' forms); the type and the wire are the same.
    if fmt == "password":
        fmt = None
    return t + (f"/{fmt}" if fmt else "")


def enum_values(spec, schema):
    """(values, open) of an enum schema: a plain `enum` is closed, `anyOf: [{enum}, {type: string}]` open."""
    s = spec.resolve(schema) if isinstance(schema, dict) else {}
    if isinstance(s.get("enum"), list):
        return [v for v in s["enum"] if v is not None], False
    branches = [spec.resolve(b) for b in s.get("anyOf", []) + s.get("oneOf", [])]
    known = [b for b in branches if isinstance(b.get("enum"), list)]
    free = [b for b in branches if b.get("type") == "string" and "enum" not in b]
    if known:
        return [v for b in known for v in b["enum"] if v is not None], bool(free)
    return None, False


def nullable(spec, schema):
    s = spec.resolve(schema) if isinstance(schema, dict) else {}
    if s.get("nullable") is True:
        return True
    return any(nullable(spec, b) for b in s.get("anyOf", []) + s.get("oneOf", []))


# --- comparing -----------------------------------------------------------------------------------

class Report:
    def __init__(self):
        self.changes = []  # (breaking: bool|None for docs, text, rust items)

    def add(self, breaking, text, rust=""):
        self.changes.append((breaking, text, rust))

    def verdict(self):
        if any(b is True for b, _, _ in self.changes):
            return "major"
        if any(b is False for b, _, _ in self.changes):
            return "minor"
        if self.changes:
            return "patch"
        return "none"


def compare_constraints(rep, where, old, new, rust):
    """Narrowed bounds, patterns and lengths of one schema (old/new resolved dicts)."""
    for key, narrower in (("minimum", lambda a, b: b > a), ("minLength", lambda a, b: b > a),
                          ("minItems", lambda a, b: b > a), ("maximum", lambda a, b: b < a),
                          ("maxLength", lambda a, b: b < a), ("maxItems", lambda a, b: b < a)):
        a, b = old.get(key), new.get(key)
        if a is None and b is not None:
            rep.add(True, f"{where}: `{key}: {b}` added (type narrowed)", rust)
        elif a is not None and b is not None and narrower(a, b):
            rep.add(True, f"{where}: `{key}` {a} → {b} (type narrowed)", rust)
        elif a is not None and b != a:
            rep.add(False, f"{where}: `{key}` {a} → {b if b is not None else 'removed'} (widened)", rust)
    if old.get("pattern") != new.get("pattern"):
        if new.get("pattern") is None:
            rep.add(False, f"{where}: pattern removed (widened)", rust)
        else:
            rep.add(True, f"{where}: pattern {'added' if old.get('pattern') is None else 'changed'} "
                          f"`{new['pattern']}` (type narrowed)", rust)


def compare_schema(rep, old_spec, new_spec, where, old, new, rust, request_side):
    """One schema position (a parameter's, a property's or a component's)."""
    so, sn = shape(old_spec, old), shape(new_spec, new)
    if so.startswith("ref:") or sn.startswith("ref:"):
        # A named schema is compared once, as a component; here only which one is used counts.
        if so != sn:
            rep.add(True, f"{where}: type changed {so} → {sn}", rust)
        return
    no, nn = nullable(old_spec, old), nullable(new_spec, new)
    if no and not nn:
        rep.add(True, f"{where}: no longer nullable (type narrowed)", rust)
    elif nn and not no:
        rep.add(not request_side, f"{where}: now nullable"
                + (" (readers must handle null)" if not request_side else ""), rust)
    eo, open_o = enum_values(old_spec, old)
    en, open_n = enum_values(new_spec, new)
    if eo is not None or en is not None:
        eo, en = eo or [], en or []
        removed = [v for v in eo if v not in en]
        added = [v for v in en if v not in eo]
        if removed:
            rep.add(True, f"{where}: enum value(s) removed: {', '.join(map(str, removed))}", rust)
        if added:
            closed = not open_n
            rep.add(closed, f"{where}: enum value(s) added: {', '.join(map(str, added))}"
                    + (" (a closed enum: exhaustive matches break)" if closed else " (open set)"), rust)
        if open_o and not open_n:
            rep.add(True, f"{where}: open set closed (unknown values now refused)", rust)
        elif open_n and not open_o:
            rep.add(False, f"{where}: closed set opened (unknown values now accepted)", rust)
        return
    if so != sn:
        rep.add(True, f"{where}: type changed {so} → {sn}", rust)
        return
    ro = old_spec.resolve(old) if isinstance(old, dict) and "$ref" not in old else (old if isinstance(old, dict) else {})
    rn = new_spec.resolve(new) if isinstance(new, dict) and "$ref" not in new else (new if isinstance(new, dict) else {})
    compare_constraints(rep, where, ro, rn, rust)


def compare_objects(rep, old_spec, new_spec, name, old, new, rust_type, request_side):
    op_, np_ = old.get("properties") or {}, new.get("properties") or {}
    oreq, nreq = set(old.get("required") or []), set(new.get("required") or [])
    for prop in op_:
        if prop not in np_:
            rep.add(True, f"schema {name}: field `{prop}` removed", f"{rust_type}::{field(prop)}")
    for prop, ps in np_.items():
        rust = f"{rust_type}::{field(prop)}"
        if prop not in op_:
            req = prop in nreq
            rep.add(req, f"schema {name}: {'required' if req else 'optional'} field `{prop}` added"
                    + (" (every writer must set it)" if req and request_side else ""), rust)
            continue
        if prop in nreq and prop not in oreq:
            rep.add(True, f"schema {name}: field `{prop}` made required (Option<T> → T)", rust)
        elif prop in oreq and prop not in nreq:
            rep.add(True, f"schema {name}: field `{prop}` made optional (T → Option<T>)", rust)
        compare_schema(rep, old_spec, new_spec, f"schema {name}: field `{prop}`", op_[prop], ps, rust, request_side)
    ao, an = old.get("additionalProperties"), new.get("additionalProperties")
    if ao not in (None, False) and an is False:
        rep.add(True, f"schema {name}: unknown fields now refused (additionalProperties: false)", rust_type)


def compare_security(rep, old_spec, new_spec):
    os_ = (old_spec.doc.get("components") or {}).get("securitySchemes") or {}
    ns = (new_spec.doc.get("components") or {}).get("securitySchemes") or {}
    for name, s in os_.items():
        if name not in ns:
            rep.add(True, f"auth: security scheme `{name}` removed")
            continue
        n = ns[name]
        for key in ("type", "in", "name", "scheme"):
            if s.get(key) != n.get(key):
                rep.add(True, f"auth: scheme `{name}` {key} {s.get(key)} → {n.get(key)}")
        for flow, f in ((s.get("flows") or {}).items()):
            nf = (n.get("flows") or {}).get(flow)
            if nf is None:
                rep.add(True, f"auth: scheme `{name}` flow `{flow}` removed")
                continue
            for key in ("authorizationUrl", "tokenUrl"):
                if f.get(key) != nf.get(key):
                    rep.add(True, f"auth: scheme `{name}` {flow} {key} {f.get(key)} → {nf.get(key)}")
    for name in ns:
        if name not in os_:
            rep.add(False, f"auth: security scheme `{name}` added")
    compare_requirements(rep, "auth: API-wide security", old_spec.doc.get("security"), new_spec.doc.get("security"))


def requirement_set(reqs):
    return {tuple(sorted(r.keys())) for r in (reqs or [])}


def compare_requirements(rep, where, old, new, rust=""):
    if old is None and new is None:
        return
    o, n = requirement_set(old), requirement_set(new)
    for r in sorted(o - n):
        rep.add(True, f"{where}: alternative {' + '.join(r) or '(none: public)'} no longer accepted", rust)
    for r in sorted(n - o):
        rep.add(False, f"{where}: alternative {' + '.join(r) or '(none: public)'} now accepted", rust)


def first_success(spec, op):
    for code, r in (op.get("responses") or {}).items():
        if str(code).startswith("2"):
            r = spec.resolve(r)
            media = (r.get("content") or {}).get("application/json")
            return str(code), (media or {}).get("schema")
    return None, None


def compare(old_spec, new_spec):
    rep = Report()
    oops, nops = old_spec.operations(), new_spec.operations()
    by_route_new = {(m, p): k for k, (m, p, _, _) in nops.items()}
    renames = set()

    # Operations.
    for key, (method, path, item, op) in oops.items():
        sn = snake(key)
        items = f"Client::{sn}, builder::{pascal(key)}, MockServer::{sn}"
        if key not in nops:
            renamed = by_route_new.get((method, path))
            if renamed and renamed not in oops:
                renames.add(renamed)
                rep.add(True, f"operation renamed: {key} → {renamed} ({method.upper()} {path})",
                        f"{items} → Client::{snake(renamed)}")
            else:
                rep.add(True, f"operation removed: {key} ({method.upper()} {path})", items)
            continue
        nmethod, npath, nitem, nop = nops[key]
        if (method, path) != (nmethod, npath):
            rep.add(False, f"operation {key}: route {method.upper()} {path} → {nmethod.upper()} {npath} "
                           "(same Rust method; other tools' saved requests change)", f"Client::{sn}")
        if op.get("deprecated") != nop.get("deprecated") and nop.get("deprecated"):
            rep.add(False, f"operation {key}: deprecated", f"Client::{sn}")
        for k in ("summary", "description"):
            if op.get(k) != nop.get(k):
                rep.add(None, f"operation {key}: {k} changed", f"Client::{sn} docs")
        # Parameters.
        op_params, np_params = old_spec.params(item, op), new_spec.params(nitem, nop)
        for (loc, name), p in op_params.items():
            setter = f"builder::{pascal(key)}::{field(name)}"
            if (loc, name) not in np_params:
                rep.add(True, f"operation {key}: {loc} parameter `{name}` removed", setter)
                continue
            n = np_params[(loc, name)]
            if n.get("required") and not p.get("required"):
                rep.add(True, f"operation {key}: {loc} parameter `{name}` made required", setter)
            elif p.get("required") and not n.get("required"):
                rep.add(False, f"operation {key}: {loc} parameter `{name}` made optional", setter)
            compare_schema(rep, old_spec, new_spec, f"operation {key}: {loc} parameter `{name}`",
                           p.get("schema"), n.get("schema"), setter, True)
        for (loc, name), n in np_params.items():
            if (loc, name) not in op_params:
                setter = f"builder::{pascal(key)}::{field(name)}"
                if n.get("x-per-client"):
                    rep.add(False, f"operation {key}: client-level {loc} parameter `{name}` declared "
                                   "(x-per-client: not a builder setter)", "none")
                elif n.get("required"):
                    rep.add(True, f"operation {key}: required {loc} parameter `{name}` added", setter)
                else:
                    rep.add(False, f"operation {key}: optional {loc} parameter `{name}` added", setter)
        # Request body.
        ob, nb = old_spec.resolve(op.get("requestBody")), new_spec.resolve(nop.get("requestBody"))
        body_rust = f"builder::{pascal(key)}::body"
        if ob and not nb:
            rep.add(True, f"operation {key}: request body removed", body_rust)
        elif nb and not ob:
            rep.add(bool(nb.get("required")), f"operation {key}: {'required' if nb.get('required') else 'optional'} "
                    "request body added", body_rust)
        elif ob and nb:
            ot, nt = set((ob.get("content") or {}).keys()), set((nb.get("content") or {}).keys())
            for t in sorted(ot - nt):
                rep.add(True, f"operation {key}: request media type {t} removed",
                        body_rust if t == "application/json" else "none (other tools)")
            for t in sorted(nt - ot):
                rep.add(False, f"operation {key}: request media type {t} added",
                        "none (the Rust client sends JSON)" if t != "application/json" else body_rust)
            if "application/json" in ot & nt:
                compare_schema(rep, old_spec, new_spec, f"operation {key}: request body",
                               ob["content"]["application/json"].get("schema"),
                               nb["content"]["application/json"].get("schema"), body_rust, True)
            if nb.get("required") and not ob.get("required"):
                rep.add(True, f"operation {key}: request body made required", body_rust)
        # Responses.
        oc, osch = first_success(old_spec, op)
        nc, nsch = first_success(new_spec, nop)
        if oc != nc:
            rep.add(True, f"operation {key}: success status {oc} → {nc}", f"Client::{sn} return type")
        compare_schema(rep, old_spec, new_spec, f"operation {key}: success body", osch, nsch,
                       f"Client::{sn} return type", False)
        ocodes = {str(c) for c in (op.get("responses") or {})}
        ncodes = {str(c) for c in (nop.get("responses") or {})}
        for c in sorted(ocodes - ncodes):
            if not c.startswith("2"):
                rep.add(False, f"operation {key}: status {c} no longer declared (it arrives as an unexpected "
                               "status)", "none")
        for c in sorted(ncodes - ocodes):
            if not c.startswith("2"):
                rep.add(False, f"operation {key}: status {c} declared", "none (typed error body)")
        compare_requirements(rep, f"operation {key}: security", op.get("security"), nop.get("security"),
                             f"Client::{sn}")
    for key, (method, path, _, _) in nops.items():
        if key not in oops and key not in renames:
            sn = snake(key)
            rep.add(False, f"operation added: {key} ({method.upper()} {path})",
                    f"Client::{sn}, builder::{pascal(key)}, MockServer::{sn}")

    # Component schemas.
    # Request-only schemas: a user writes them and nothing reads them back.
    req_side = (new_spec.request_schemas() | old_spec.request_schemas()) - (
        new_spec.response_schemas() | old_spec.response_schemas())
    for name, old in old_spec.schemas.items():
        rust_type = old_spec.rust_type(name)
        if name not in new_spec.schemas:
            rep.add(True, f"schema {name} removed", rust_type)
            continue
        new = new_spec.schemas[name]
        o, n = old_spec.resolve(old), new_spec.resolve(new)
        request_side = name in req_side
        if (o.get("type") == "object" or "properties" in o) and (n.get("type") == "object" or "properties" in n):
            compare_objects(rep, old_spec, new_spec, name, o, n, rust_type, request_side)
        else:
            compare_schema(rep, old_spec, new_spec, f"schema {name}", old, new, rust_type, request_side)
    for name in new_spec.schemas:
        if name not in old_spec.schemas:
            rep.add(False, f"schema {name} added", new_spec.rust_type(name))

    compare_security(rep, old_spec, new_spec)
    ou = ((old_spec.doc.get("servers") or [{}])[0]).get("url")
    nu = ((new_spec.doc.get("servers") or [{}])[0]).get("url")
    if ou != nu:
        rep.add(True, f"server URL {ou} → {nu}", "DEFAULT_BASE_URL")
    if (old_spec.doc.get("info") or {}).get("description") != (new_spec.doc.get("info") or {}).get("description"):
        rep.add(None, "info.description changed", "module docs")
    return rep


# --- command line --------------------------------------------------------------------------------

def replacements(api):
    """Schema → Rust type of the open-enum and format replacements in build/apis.rs, per API."""
    try:
        text = read(os.path.join(ROOT, "build", "apis.rs"))
    except OSError:
        return {}
    out = {}
    for block in re.split(r"\n\s*Api \{", text)[1:]:
        m = re.search(r'name:\s*"([a-z]+)"', block)
        if m and m.group(1) == api:
            for schema, rust in re.findall(r'\("([A-Za-z0-9_]+)",\s*"(crate::[A-Za-z0-9_:]+)"\)', block):
                out[schema] = rust
    return out


def load_text(text, what):
    try:
        return yaml.safe_load(text) if text is not None else None
    except yaml.YAMLError as e:
        sys.exit(f"spec-diff: {what} is not YAML: {e}")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def git_show(rev, path):
    r = subprocess.run(["git", "-C", ROOT, "show", f"{rev}:{path}"], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def print_report(name, what, rep):
    print(f"== {name} ({what})")
    if not rep.changes:
        print("   no changes")
    for breaking, text, rust in sorted(rep.changes, key=lambda c: {True: 0, False: 1, None: 2}[c[0]]):
        mark = {True: "BREAKING  ", False: "compatible", None: "docs      "}[breaking]
        print(f"   {mark} {text}" + (f"\n              Rust: {rust}" if rust else ""))
    b = sum(1 for c in rep.changes if c[0] is True)
    c = sum(1 for c in rep.changes if c[0] is False)
    d = sum(1 for c in rep.changes if c[0] is None)
    print(f"   {b} breaking, {c} compatible, {d} docs-only → verdict: {rep.verdict()}")


def unreleased_breaking(changelog):
    """The `**Breaking` entries of CHANGELOG.md's `## [Unreleased]` section (Keep a Changelog)."""
    if changelog is None:
        return set()
    entries, inside = set(), False
    for line in changelog.splitlines():
        if line.startswith("## "):
            inside = line.strip().lower().startswith("## [unreleased]")
            continue
        if inside and "**breaking" in line.lower():
            entries.add(line.strip())
    return entries


def crate_version(cargo_toml):
    """The `version` of Cargo.toml's `[package]`."""
    if cargo_toml is None:
        return None
    inside = False
    for line in cargo_toml.splitlines():
        if line.startswith("["):
            inside = line.strip() == "[package]"
        elif inside and line.startswith("version"):
            return line.split("=", 1)[1].strip().strip('"')
    return None


def breaking_declared(old_changelog, new_changelog, old_cargo, new_cargo):
    """Whether a breaking change is declared: a `**Breaking` entry added under `[Unreleased]` in
    CHANGELOG.md, or a new crate version."""
    added = unreleased_breaking(new_changelog) - unreleased_breaking(old_changelog)
    bumped = crate_version(old_cargo) != crate_version(new_cargo)
    return bool(added) or bumped


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", default="HEAD", help="git revision to compare the working tree with (default HEAD)")
    ap.add_argument("--old", help="old spec file (instead of --base)")
    ap.add_argument("--new", help="new spec file (with --old)")
    ap.add_argument("--name", help="API name for --old/--new (reads its replacements from build/apis.rs)")
    ap.add_argument("--fail-on-breaking", action="store_true",
                    help="exit 1 when a change is breaking, unless it is declared (with --base: a `**Breaking` "
                         "entry added under CHANGELOG.md's [Unreleased], or a new version in Cargo.toml)")
    ap.add_argument("specs", nargs="*", help="specs to compare (default: specs/*.yaml at either revision)")
    args = ap.parse_args(argv)

    reports = []
    if args.old or args.new:
        if not (args.old and args.new):
            ap.error("--old and --new go together")
        name = args.name or os.path.splitext(os.path.basename(args.new))[0]
        old = Spec(load_text(read(args.old), args.old), replacements(name))
        new = Spec(load_text(read(args.new), args.new), replacements(name))
        reports.append((name, f"{args.old} → {args.new}", compare(old, new)))
    else:
        if subprocess.run(["git", "-C", ROOT, "rev-parse", "--verify", "-q", f"{args.base}^{{commit}}"],
                          capture_output=True).returncode != 0:
            print(f"spec-diff: revision `{args.base}` does not exist here (a shallow clone?); nothing to compare")
            return 0
        if args.specs:
            paths = [os.path.relpath(os.path.abspath(p), ROOT) for p in args.specs]
        else:
            listed = subprocess.run(["git", "-C", ROOT, "ls-tree", "--name-only", args.base, "specs/"],
                                    capture_output=True, text=True).stdout.split()
            here = [f"specs/{f}" for f in sorted(os.listdir(os.path.join(ROOT, "specs")))]
            paths = sorted({p for p in listed + here if p.endswith(".yaml")})
        for path in paths:
            name = os.path.splitext(os.path.basename(path))[0]
            old_text = git_show(args.base, path)
            full = os.path.join(ROOT, path)
            new_text = read(full) if os.path.exists(full) else None
            if old_text is None and new_text is None:
                sys.exit(f"spec-diff: {path} exists neither at {args.base} nor in the working tree")
            rep = Report()
            if old_text is None:
                rep.add(False, "new API")
            elif new_text is None:
                rep.add(True, "API removed (its module and cargo feature go)", f"rocket_apis::{name}")
            else:
                repl = replacements(name)
                rep = compare(Spec(load_text(old_text, f"{args.base}:{path}"), repl),
                              Spec(load_text(new_text, path), repl))
            reports.append((name, f"{path}: {args.base} → working tree", rep))

    order = ["none", "patch", "minor", "major"]
    overall = "none"
    for name, what, rep in reports:
        print_report(name, what, rep)
        overall = max(overall, rep.verdict(), key=order.index)
    print(f"== semver verdict for the crate: {overall}"
          + (" (before 1.0: bump the minor version)" if overall == "major" else ""))
    if args.fail_on_breaking and overall == "major":
        if not (args.old or args.new):
            def here(path):
                full = os.path.join(ROOT, path)
                return read(full) if os.path.exists(full) else None
            if breaking_declared(git_show(args.base, "CHANGELOG.md"), here("CHANGELOG.md"),
                                 git_show(args.base, "Cargo.toml"), here("Cargo.toml")):
                print("== breaking changes, declared (a **Breaking entry in CHANGELOG.md's [Unreleased], or a new version)")
                return 0
        print("== breaking changes not declared: add a `- **Breaking:** …` entry under `## [Unreleased]` in "
              "CHANGELOG.md (or bump the version in Cargo.toml)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
