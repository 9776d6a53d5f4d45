// node insomnia-check.js spec.yaml out.json
// Converts the spec with insomnia-importers 3.6.0 and checks what the importer does not:
// it exits 0 and returns requests even for an invalid spec, so this script fails (exit 1)
// unless the type is openapi3, nothing logged "validation failed", every operation
// (counted from the spec by spec-info.js, not by the importer) became exactly one request on
// `{{ base_url }}`, and every request of an authenticated operation sets its credential
// from a `{{ variable }}` (header/parameter for apiKey, authentication block otherwise).
"use strict";
const fs = require("fs");
const { convert } = require("insomnia-importers");
const { specInfo } = require("./spec-info.js");

const [spec, out] = process.argv.slice(2);
const problems = [];
let invalid = false;
const log = console.log;
console.log = (...a) => {
  if (a.some((x) => String(x).includes("validation failed"))) invalid = true;
  log(...a);
};

const VAR = /\{\{\s*[\w.$-]+\s*\}\}/;
const hasVar = (v) => typeof v === "string" && VAR.test(v);
const enabled = (x) => x && !x.disabled;

function authProblem(req, scheme) {
  const headers = (req.headers || []).filter(enabled);
  // Query parameters come in disabled from this importer, so their state is not checked.
  const params = req.parameters || [];
  const auth = req.authentication || {};
  const header = (name) => headers.find((h) => String(h.name).toLowerCase() === name.toLowerCase());
  if (scheme.type === "apiKey") {
    if (scheme.in === "header") {
      const h = header(scheme.paramName);
      return h && hasVar(h.value) ? null : `no ${scheme.paramName} header from a {{ variable }}`;
    }
    if (scheme.in === "query") {
      const p = params.find((x) => x.name === scheme.paramName);
      return p && hasVar(p.value) ? null : `no ${scheme.paramName} query parameter from a {{ variable }}`;
    }
    const c = header("Cookie");
    return c && hasVar(c.value) ? null : `no Cookie header from a {{ variable }}`;
  }
  if (scheme.httpScheme === "bearer") {
    if (auth.type === "bearer" && hasVar(auth.token)) return null;
    const h = header("Authorization");
    return h && hasVar(h.value) ? null : "no bearer authentication from a {{ variable }}";
  }
  if (scheme.httpScheme === "basic") {
    return auth.type === "basic" && hasVar(auth.username) && hasVar(auth.password)
      ? null : "no basic authentication from {{ variables }}";
  }
  if (scheme.type === "oauth2" || scheme.type === "openIdConnect") {
    if (auth.type === "oauth2" && Object.values(auth).some(hasVar)) return null;
    const h = header("Authorization");
    return h && hasVar(h.value) ? null : "no oauth2 authentication from {{ variables }}";
  }
  return scheme.unsupported || `unsupported scheme ${scheme.name}`;
}

(async () => {
  const info = specInfo(spec);
  const r = await convert(fs.readFileSync(spec, "utf8"));
  fs.writeFileSync(out, JSON.stringify(r.data, null, 2));
  if (invalid) problems.push("importer logged 'Import file validation failed'");
  if (!r.type || r.type.id !== "openapi3") problems.push(`import type is ${r.type && r.type.id}, not openapi3`);
  const reqs = ((r.data && r.data.resources) || []).filter((x) => x._type === "request");
  if (reqs.length !== info.count) problems.push(`${reqs.length} requests for ${info.count} operations`);
  const byKey = new Map(info.ops.map((o) => [o.key, o]));
  const seen = new Set();
  for (const req of reqs) {
    const m = /^\{\{\s*base_url\s*\}\}(.*)$/.exec(req.url || "");
    if (!m) { problems.push(`${req.method} ${req.url}: URL does not start with {{ base_url }}`); continue; }
    const path = (m[1].split("?")[0] || "/").replace(/\{\{\s*[^}]+?\s*\}\}/g, "{}");
    const key = `${String(req.method).toUpperCase()} ${path}`;
    const op = byKey.get(key);
    if (!op) { problems.push(`${key}: request matches no operation of the spec`); continue; }
    if (seen.has(key)) problems.push(`${key}: more than one request`);
    seen.add(key);
    if (op.public) continue;
    const scheme = info.schemes[op.alts[0][0]];
    const p = authProblem(req, scheme);
    if (p) problems.push(`${key} (${op.operationId}): ${p} (scheme ${scheme.name})`);
  }
  for (const o of info.ops) if (!seen.has(o.key)) problems.push(`${o.key} (${o.operationId}): no request`);
  if (problems.length) {
    console.error(`insomnia: ${problems.length} problem(s):\n  - ${problems.slice(0, 40).join("\n  - ")}`);
    process.exit(1);
  }
  log(`insomnia: openapi3, ${reqs.length}/${info.count} requests, auth from variables on every authenticated request`);
})().catch((e) => { console.error(`insomnia: ${e && e.stack || e}`); process.exit(1); });
