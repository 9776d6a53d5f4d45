"""Crafted spec pairs, one per kind of change: `python3 -m unittest discover -s tools/spec-diff`."""

import copy
import io
import os
import sys
import tempfile
import unittest
import contextlib
from contextlib import redirect_stdout

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec_diff  # noqa: E402

BASE = yaml.safe_load("""
openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: 'https://api.example.com/v1'}]
security: [{apiKey: []}]
paths:
  /orgs:
    get:
      operationId: listOrgs
      parameters:
        - {name: page, in: query, required: false, schema: {type: integer, minimum: 1, maximum: 100}}
        - {name: state, in: query, required: false, schema: {$ref: '#/components/schemas/State'}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/OrgList'}}}
    post:
      operationId: createOrg
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/OrgInput'}}}
      responses:
        '201':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Org'}}}
  /orgs/{orgId}:
    parameters:
      - {name: orgId, in: path, required: true, schema: {type: string}}
    delete:
      operationId: deleteOrg
      responses:
        '204': {description: gone}
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-Api-Key}
  schemas:
    State:
      anyOf:
        - {type: string, enum: [active, inactive]}
        - {type: string}
    Kind: {type: string, enum: [a, b]}
    Org:
      type: object
      required: [id]
      properties:
        id: {type: string}
        name: {type: string}
        kind: {$ref: '#/components/schemas/Kind'}
        seats: {type: integer}
    OrgList:
      type: object
      properties:
        collection: {type: array, items: {$ref: '#/components/schemas/Org'}}
    OrgInput:
      type: object
      properties:
        name: {type: string}
""")


def diff(mutate):
    new = copy.deepcopy(BASE)
    mutate(new)
    return spec_diff.compare(spec_diff.Spec(BASE), spec_diff.Spec(new))


def marks(rep):
    return [(b, t) for b, t, _ in rep.changes]


class Kinds(unittest.TestCase):
    def one(self, mutate, breaking, *needles):
        rep = diff(mutate)
        found = [(b, t, r) for b, t, r in rep.changes if all(n in t for n in needles)]
        self.assertEqual(len(found), 1, marks(rep))
        self.assertIs(found[0][0], breaking, found[0])
        return rep, found[0]

    def test_no_change_is_none(self):
        rep = diff(lambda d: None)
        self.assertEqual(rep.changes, [])
        self.assertEqual(rep.verdict(), "none")

    def test_operation_removed_names_the_rust_method(self):
        rep, (_, _, rust) = self.one(lambda d: d["paths"]["/orgs"].pop("post"), True, "operation removed", "createOrg")
        self.assertIn("Client::create_org", rust)
        self.assertIn("builder::CreateOrg", rust)
        self.assertEqual(rep.verdict(), "major")

    def test_operation_renamed(self):
        def m(d):
            d["paths"]["/orgs"]["get"]["operationId"] = "listOrganisations"
        rep, (_, _, rust) = self.one(m, True, "operation renamed", "listOrgs → listOrganisations")
        self.assertIn("Client::list_orgs", rust)
        self.assertIn("Client::list_organisations", rust)
        self.assertFalse(any("operation added" in t for _, t in marks(rep)), marks(rep))

    def test_operation_added_is_minor(self):
        def m(d):
            d["paths"]["/orgs/{orgId}"]["get"] = {"operationId": "getOrg", "responses": {"204": {"description": "x"}}}
        rep, (_, _, rust) = self.one(m, False, "operation added", "getOrg")
        self.assertIn("Client::get_org", rust)
        self.assertEqual(rep.verdict(), "minor")

    def test_required_parameter_added_breaks(self):
        def m(d):
            d["paths"]["/orgs"]["get"]["parameters"].append(
                {"name": "realmId", "in": "query", "required": True, "schema": {"type": "string"}})
        _, (_, _, rust) = self.one(m, True, "required query parameter `realmId` added")
        self.assertEqual(rust, "builder::ListOrgs::realm_id")

    def test_optional_parameter_added_is_compatible(self):
        def m(d):
            d["paths"]["/orgs"]["get"]["parameters"].append(
                {"name": "sort", "in": "query", "required": False, "schema": {"type": "string"}})
        self.one(m, False, "optional query parameter `sort` added")

    def test_parameter_removed_and_made_required(self):
        self.one(lambda d: d["paths"]["/orgs"]["get"]["parameters"].pop(0), True, "parameter `page` removed")
        self.one(lambda d: d["paths"]["/orgs"]["get"]["parameters"][0].update(required=True), True,
                 "parameter `page` made required")

    def test_parameter_type_narrowed(self):
        self.one(lambda d: d["paths"]["/orgs"]["get"]["parameters"][0]["schema"].update(maximum=50), True,
                 "`maximum` 100 → 50", "narrowed")
        self.one(lambda d: d["paths"]["/orgs"]["get"]["parameters"][0]["schema"].update(type="string"), True,
                 "type changed integer → string")

    def test_field_removed(self):
        _, (_, _, rust) = self.one(lambda d: d["components"]["schemas"]["Org"]["properties"].pop("name"), True,
                                   "field `name` removed")
        self.assertEqual(rust, "types::Org::name")

    def test_field_made_required_or_optional(self):
        self.one(lambda d: d["components"]["schemas"]["Org"]["required"].append("name"), True,
                 "field `name` made required")
        self.one(lambda d: d["components"]["schemas"]["Org"].update(required=[]), True, "field `id` made optional")

    def test_required_request_field_added_breaks_optional_does_not(self):
        def req(d):
            s = d["components"]["schemas"]["OrgInput"]
            s["properties"]["realm_id"] = {"type": "string"}
            s["required"] = ["realm_id"]
        self.one(req, True, "required field `realm_id` added", "every writer must set it")
        self.one(lambda d: d["components"]["schemas"]["OrgInput"]["properties"].update(reference={"type": "string"}),
                 False, "optional field `reference` added")

    def test_field_type_narrowed(self):
        self.one(lambda d: d["components"]["schemas"]["Org"]["properties"]["seats"].update(type="string"), True,
                 "field `seats`: type changed integer → string")

    def test_enum_values(self):
        self.one(lambda d: d["components"]["schemas"]["Kind"]["enum"].remove("b"), True, "enum value(s) removed: b")
        self.one(lambda d: d["components"]["schemas"]["Kind"]["enum"].append("c"), True, "enum value(s) added: c",
                 "closed enum")
        self.one(lambda d: d["components"]["schemas"]["State"]["anyOf"][0]["enum"].append("closed"), False,
                 "enum value(s) added: closed", "open set")
        self.one(lambda d: d["components"]["schemas"]["State"]["anyOf"][0]["enum"].remove("inactive"), True,
                 "enum value(s) removed: inactive")

    def test_open_set_closed_breaks(self):
        self.one(lambda d: d["components"]["schemas"].update(State={"type": "string", "enum": ["active", "inactive"]}),
                 True, "open set closed")

    def test_auth_changed(self):
        self.one(lambda d: d["components"]["securitySchemes"]["apiKey"].update(name="X-Key"), True,
                 "auth: scheme `apiKey` name X-Api-Key → X-Key")

        def alt(d):
            d["components"]["securitySchemes"]["bearer"] = {"type": "http", "scheme": "bearer"}
            d["security"] = [{"bearer": []}]
        rep = diff(alt)
        self.assertIn((True, "auth: API-wide security: alternative apiKey no longer accepted"), marks(rep))
        self.assertIn((False, "auth: API-wide security: alternative bearer now accepted"), marks(rep))
        self.assertIn((False, "auth: security scheme `bearer` added"), marks(rep))

    def test_success_body_and_status(self):
        def m(d):
            d["paths"]["/orgs"]["post"]["responses"] = {"200": d["paths"]["/orgs"]["post"]["responses"]["201"]}
        self.one(m, True, "success status 201 → 200")

        def body(d):
            d["paths"]["/orgs"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
                "$ref": "#/components/schemas/Org"}
        self.one(body, True, "success body: type changed ref:OrgList → ref:Org")

    def test_form_media_type_added_is_compatible_for_rust(self):
        def m(d):
            c = d["paths"]["/orgs"]["post"]["requestBody"]["content"]
            c["application/x-www-form-urlencoded"] = copy.deepcopy(c["application/json"])
        _, (_, _, rust) = self.one(m, False, "request media type application/x-www-form-urlencoded added")
        self.assertIn("sends JSON", rust)

    def test_docs_only_is_patch(self):
        rep = diff(lambda d: d["paths"]["/orgs"]["get"].update(summary="List the orgs"))
        self.assertEqual(marks(rep), [(None, "operation listOrgs: summary changed")])
        self.assertEqual(rep.verdict(), "patch")

    def test_removed_operation_and_added_optional_parameter_is_one_breaking_one_compatible_major(self):
        def m(d):
            del d["paths"]["/orgs/{orgId}"]
            d["paths"]["/orgs"]["get"]["parameters"].append(
                {"name": "sort", "in": "query", "required": False, "schema": {"type": "string"}})
        rep = diff(m)
        self.assertEqual(
            sorted(marks(rep), reverse=True),
            [(True, "operation removed: deleteOrg (DELETE /orgs/{orgId})"),
             (False, "operation listOrgs: optional query parameter `sort` added")],
        )
        self.assertEqual(rep.verdict(), "major")

    def test_command_line_prints_the_report_and_verdict(self):
        new = copy.deepcopy(BASE)
        del new["paths"]["/orgs/{orgId}"]
        new["paths"]["/orgs"]["get"]["parameters"].append(
            {"name": "sort", "in": "query", "required": False, "schema": {"type": "string"}})
        with tempfile.TemporaryDirectory() as tmp:
            old_p, new_p = os.path.join(tmp, "old.yaml"), os.path.join(tmp, "new.yaml")
            for p, d in ((old_p, BASE), (new_p, new)):
                with open(p, "w") as f:
                    yaml.safe_dump(d, f)
            out = io.StringIO()
            with redirect_stdout(out):
                rc = spec_diff.main(["--old", old_p, "--new", new_p, "--name", "example"])
            self.assertEqual(rc, 0)
            text = out.getvalue()
            self.assertIn("BREAKING   operation removed: deleteOrg (DELETE /orgs/{orgId})", text)
            self.assertIn("Rust: Client::delete_org, builder::DeleteOrg, MockServer::delete_org", text)
            self.assertIn("compatible operation listOrgs: optional query parameter `sort` added", text)
            self.assertIn("1 breaking, 1 compatible, 0 docs-only → verdict: major", text)
            self.assertIn("== semver verdict for the crate: major", text)
            with redirect_stdout(io.StringIO()):
                self.assertEqual(spec_diff.main(["--old", old_p, "--new", new_p, "--fail-on-breaking"]), 1)


class Gate(unittest.TestCase):
    """`--fail-on-breaking` against a git revision: a breaking change fails unless declared."""

    CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n### Changed\n\n## [0.1.0]\n\n- **Breaking:** an old one.\n"
    CARGO = '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\nversion = "9"\n'

    def repo(self, changelog, cargo, change_type):
        import subprocess
        root = tempfile.mkdtemp()
        git = lambda *a: subprocess.run(["git", "-C", root, *a], check=True, capture_output=True)
        git("init", "-q")
        git("config", "user.email", "t@example.com")
        git("config", "user.name", "t")
        os.makedirs(os.path.join(root, "specs"))
        spec_path = os.path.join(root, "specs", "x.yaml")
        for name, text in [("CHANGELOG.md", self.CHANGELOG), ("Cargo.toml", self.CARGO)]:
            with open(os.path.join(root, name), "w") as f:
                f.write(text)
        with open(spec_path, "w") as f:
            yaml.safe_dump(BASE, f)
        git("add", "-A")
        git("commit", "-q", "-m", "base")
        new = copy.deepcopy(BASE)
        if change_type:
            new["components"]["schemas"]["Org"]["properties"]["name"] = {"type": "integer"}
        with open(spec_path, "w") as f:
            yaml.safe_dump(new, f)
        with open(os.path.join(root, "CHANGELOG.md"), "w") as f:
            f.write(changelog)
        with open(os.path.join(root, "Cargo.toml"), "w") as f:
            f.write(cargo)
        return root

    def run_gate(self, root):
        saved = spec_diff.ROOT
        spec_diff.ROOT = root
        try:
            with redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                return spec_diff.main(["--base", "HEAD", "--fail-on-breaking"])
        finally:
            spec_diff.ROOT = saved

    def test_an_undeclared_type_change_fails(self):
        self.assertEqual(self.run_gate(self.repo(self.CHANGELOG, self.CARGO, True)), 1)

    def test_a_breaking_entry_under_unreleased_declares_it(self):
        declared = self.CHANGELOG.replace("### Changed\n", "### Changed\n\n- **Breaking:** `Org.name` is a number.\n")
        self.assertEqual(self.run_gate(self.repo(declared, self.CARGO, True)), 0)

    def test_an_entry_under_a_released_version_does_not(self):
        released = self.CHANGELOG + "- **Breaking:** `Org.name` is a number.\n"
        self.assertEqual(self.run_gate(self.repo(released, self.CARGO, True)), 1)

    def test_a_new_version_declares_it(self):
        bumped = self.CARGO.replace('version = "0.1.0"', 'version = "0.2.0"')
        self.assertEqual(self.run_gate(self.repo(self.CHANGELOG, bumped, True)), 0)

    def test_no_breaking_change_passes_undeclared(self):
        self.assertEqual(self.run_gate(self.repo(self.CHANGELOG, self.CARGO, False)), 0)

    def test_marking_a_field_secret_is_not_a_type_change(self):
        new = copy.deepcopy(BASE)
        new["components"]["schemas"]["Org"]["properties"]["name"]["format"] = "password"
        self.assertEqual(spec_diff.compare(spec_diff.Spec(BASE, {}), spec_diff.Spec(new, {})).verdict(), "none")

    def test_the_version_is_the_packages(self):
        self.assertEqual(spec_diff.crate_version(self.CARGO), "0.1.0")


class Names(unittest.TestCase):
    def test_snake_and_pascal_match_heck(self):
        self.assertEqual(spec_diff.snake("listOrgs"), "list_orgs")
        self.assertEqual(spec_diff.snake("getJWTKey"), "get_jwt_key")
        self.assertEqual(spec_diff.snake("listJobIndustryCodes"), "list_job_industry_codes")
        self.assertEqual(spec_diff.pascal("authenticateUserKey"), "AuthenticateUserKey")
        self.assertEqual(spec_diff.field("type"), "type_")
        self.assertEqual(spec_diff.field("X-Authrocket-Realm"), "x_authrocket_realm")

    def test_replacements_are_read_from_build_apis_rs(self):
        self.assertEqual(spec_diff.replacements("rocketpunch").get("Language"), "crate::rocketpunch::Language")


if __name__ == "__main__":
    unittest.main()
