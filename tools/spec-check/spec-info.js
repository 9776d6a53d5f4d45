// node spec-info.js spec.yaml > info.json
// Reads a spec with the js-yaml that ships with the tools and lists, independently of the
// converters: every operation (keyed "METHOD /path/{}" with path parameters blanked), the
// security alternatives that apply to it, and for every security scheme the Postman auth
// that openapi-to-postmanv2 should produce and the credential variables that auth uses.
"use strict";
const fs = require("fs");
const yaml = require("js-yaml");

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// "/clients/{clientId}/x" -> "/clients/{}/x"; the same key is built from the Postman and
// Insomnia URLs, so every converted request can be matched to exactly one operation.
const normPath = (p) => p.replace(/\{[^}/]+\}/g, "{}");

function resolve(doc, obj) {
  let seen = 0;
  while (obj && typeof obj.$ref === "string" && seen++ < 20) {
    if (!obj.$ref.startsWith("#/")) throw new Error(`external $ref not supported here: ${obj.$ref}`);
    obj = obj.$ref.slice(2).split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((o, k) => (o == null ? undefined : o[k]), doc);
  }
  return obj;
}

// What the Postman collection should hold for one scheme (converter conventions, plus the
// oauth2 access-token variable that run.sh injects because the converter sets none).
function schemeInfo(name, s) {
  const base = { name, type: s.type };
  if (s.type === "apiKey") {
    return { ...base, in: s.in, paramName: s.name,
      postman: { type: "apikey", params: { key: s.name, value: "{{apiKey}}", in: s.in } },
      vars: ["apiKey"] };
  }
  if (s.type === "http" && String(s.scheme).toLowerCase() === "bearer") {
    return { ...base, httpScheme: "bearer",
      postman: { type: "bearer", params: { token: "{{bearerToken}}" } }, vars: ["bearerToken"] };
  }
  if (s.type === "http" && String(s.scheme).toLowerCase() === "basic") {
    return { ...base, httpScheme: "basic",
      postman: { type: "basic", params: { username: "{{basicAuthUsername}}", password: "{{basicAuthPassword}}" } },
      vars: ["basicAuthUsername", "basicAuthPassword"] };
  }
  if (s.type === "oauth2" || s.type === "openIdConnect") {
    return { ...base,
      postman: { type: "oauth2", params: { accessToken: "{{oauth2AccessToken}}" } },
      vars: ["oauth2AccessToken"] };
  }
  return { ...base, unsupported: `security scheme type ${s.type}${s.scheme ? "/" + s.scheme : ""}` };
}

function specInfo(file) {
  const doc = yaml.load(fs.readFileSync(file, "utf8"));
  if (!doc || typeof doc !== "object") throw new Error("not a YAML mapping");
  const rawSchemes = (doc.components && doc.components.securitySchemes) || {};
  const schemes = {};
  for (const [n, s] of Object.entries(rawSchemes)) schemes[n] = schemeInfo(n, resolve(doc, s) || {});
  const rootAlts = (doc.security || []).map((req) => Object.keys(req || {}));
  const ops = [];
  for (const [path, rawItem] of Object.entries(doc.paths || {})) {
    const item = resolve(doc, rawItem) || {};
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const alts = (op.security !== undefined ? op.security : doc.security || []).map((r) => Object.keys(r || {}));
      const isPublic = alts.length === 0 || alts.some((a) => a.length === 0);
      for (const a of alts) for (const n of a) {
        if (!schemes[n]) throw new Error(`${m.toUpperCase()} ${path} uses undefined security scheme ${n}`);
      }
      ops.push({ key: `${m.toUpperCase()} ${normPath(path)}`, method: m.toUpperCase(), path,
        operationId: op.operationId || null, alts, public: isPublic });
    }
  }
  const keys = ops.map((o) => o.key);
  const dup = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (dup.length) throw new Error(`operations that differ only in path parameter names: ${dup.join(", ")}`);
  // The scheme the collection-level auth must use: the first scheme of the first root alternative.
  const first = rootAlts.length && rootAlts[0].length ? rootAlts[0][0] : null;
  // Credential variables the main newman run must set: those of every scheme the converter
  // keeps (first alternative of each operation, all schemes of it).
  const vars = new Set();
  for (const o of ops) if (!o.public) for (const n of o.alts[0]) (schemes[n].vars || []).forEach((v) => vars.add(v));
  return { file, title: (doc.info && doc.info.title) || null, count: ops.length, first, rootAlts,
    schemes, ops, credVars: [...vars].sort() };
}

module.exports = { specInfo, normPath };

if (require.main === module) {
  try {
    process.stdout.write(JSON.stringify(specInfo(process.argv[2]), null, 2) + "\n");
  } catch (e) {
    console.error(`spec-info: ${process.argv[2]}: ${e.message}`);
    process.exit(1);
  }
}
