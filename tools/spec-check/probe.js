// node probe.js spec.yaml http://127.0.0.1:PORT
// Probes a running `prism mock --errors` of the spec with what the vendor documents and the
// specs promise, and prints one line per problem (exit 1 if any):
//   1. open sets: every query parameter and every request-body field whose schema is an open set
//      (`anyOf: [{enum: [...]}, {type: string}]`) is sent with each known value and with an
//      unknown one; every request must get a 2xx;
//   2. form bodies: every operation whose body offers application/x-www-form-urlencoded is sent
//      its JSON example as bracketed form data (`org[name]=Acme`); it must get a 2xx;
//   3. response headers: every declared status of every operation is forced with
//      `Prefer: code=N`; every header the spec declares on that response must be in the reply
//      (e.g. X-Request-ID on AuthRocket errors, X-RateLimit-* on every Rocketpunch response).
// Credentials: every scheme gets a dummy value (Prism checks presence only).
"use strict";
const fs = require("fs");
const yaml = require("js-yaml");

const [specPath, base] = process.argv.slice(2);
const doc = yaml.load(fs.readFileSync(specPath, "utf8"));
const METHODS = ["get", "put", "post", "delete", "patch"];
const UNKNOWN = "zz-unknown-value";

function resolve(obj) {
  let n = 0;
  while (obj && typeof obj.$ref === "string" && n++ < 20) {
    obj = obj.$ref.slice(2).split("/").reduce((o, k) => (o == null ? undefined : o[k]), doc);
  }
  return obj;
}

/** The known values of an open set, or null when the schema is not one. */
function openSet(schema) {
  const s = resolve(schema);
  if (!s || !Array.isArray(s.anyOf)) return null;
  const known = s.anyOf.map(resolve).find((b) => Array.isArray(b.enum));
  const free = s.anyOf.map(resolve).find((b) => b.type === "string" && !b.enum);
  return known && free ? known.enum.filter((v) => v !== null) : null;
}

function credentials() {
  const h = { Accept: "application/json" };
  for (const s of Object.values(doc.components.securitySchemes || {})) {
    if (s.type === "apiKey" && s.in === "header") h[s.name] = s.name === "Authorization" ? "u-ci" : "ci-token";
    if (s.type === "http" && s.scheme === "bearer") h.Authorization = h.Authorization || "Bearer ci-token";
  }
  return h;
}

function params(item, op) {
  return [...(item.parameters || []), ...(op.parameters || [])].map(resolve);
}

function exampleOf(p) {
  if (p.example !== undefined) return p.example;
  const s = resolve(p.schema) || {};
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  return s.type === "integer" ? 1 : "x";
}

function url(path, item, op, query) {
  let u = path;
  for (const p of params(item, op).filter((p) => p.in === "path")) {
    u = u.replace(`{${p.name}}`, encodeURIComponent(String(exampleOf(p))));
  }
  const qs = new URLSearchParams();
  for (const p of params(item, op).filter((p) => p.in === "query" && p.required)) qs.append(p.name, String(exampleOf(p)));
  for (const [k, v] of query) qs.append(k, v);
  const s = qs.toString();
  return base + u + (s ? `?${s}` : "");
}

function jsonBody(op) {
  const rb = resolve(op.requestBody);
  const media = rb && rb.content && rb.content["application/json"];
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const ex = media.examples && Object.values(media.examples)[0];
  return ex ? resolve(ex).value : {};
}

/** Paths (arrays of keys) inside `value` whose schema is an open set. */
function openFields(schema, value, at = [], out = []) {
  const known = openSet(schema);
  if (known && typeof value === "string") { out.push({ at, known }); return out; }
  const s = resolve(schema);
  if (!s || value == null) return out;
  for (const part of [...(s.allOf || []), ...(s.anyOf || []), ...(s.oneOf || [])]) openFields(part, value, at, out);
  if (Array.isArray(value) && s.items) value.forEach((v, i) => openFields(s.items, v, [...at, i], out));
  if (typeof value === "object" && !Array.isArray(value) && s.properties) {
    for (const [k, ps] of Object.entries(s.properties)) if (k in value) openFields(ps, value[k], [...at, k], out);
  }
  return out;
}

function setAt(obj, at, v) {
  const copy = JSON.parse(JSON.stringify(obj));
  let o = copy;
  for (const k of at.slice(0, -1)) o = o[k];
  o[at[at.length - 1]] = v;
  return copy;
}

function form(value, prefix = "", out = new URLSearchParams()) {
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) form(v, prefix ? `${prefix}[${k}]` : k, out);
  } else if (value !== null && value !== undefined) {
    out.append(prefix, String(value));
  }
  return out;
}

const problems = [];
let sent = 0;
async function send(what, method, u, headers, body, check) {
  sent++;
  let r;
  try {
    r = await fetch(u, { method: method.toUpperCase(), headers, body });
  } catch (e) {
    problems.push(`${what}: ${e.message}`);
    return;
  }
  const text = await r.text();
  const bad = check(r);
  if (bad) problems.push(`${what}: ${bad} (${r.status} ${text.slice(0, 160).replace(/\s+/g, " ")})`);
}
const ok2xx = (r) => (r.status >= 200 && r.status < 300 ? null : `status ${r.status}, expected 2xx`);

(async () => {
  const auth = credentials();
  let openProbes = 0, formProbes = 0, headerProbes = 0;
  const seenShared = new Set();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const id = `${op.operationId} (${method.toUpperCase()} ${path})`;
      const body = jsonBody(op);
      const jsonHeaders = body === undefined ? auth : { ...auth, "Content-Type": "application/json" };
      const payload = body === undefined ? undefined : JSON.stringify(body);

      // 1. open sets in query parameters (scalars and arrays) and in the JSON body.
      for (const p of params(item, op).filter((p) => p.in === "query")) {
        const s = resolve(p.schema) || {};
        const known = openSet(s) || (s.type === "array" ? openSet(s.items) : null);
        if (!known) continue;
        for (const v of [...known, UNKNOWN]) {
          openProbes++;
          await send(`${id} query ${p.name}=${v}`, method, url(path, item, op, [[p.name, v]]), jsonHeaders, payload, ok2xx);
        }
      }
      if (body !== undefined) {
        const schema = resolve(op.requestBody).content["application/json"].schema;
        for (const { at, known } of openFields(schema, body)) {
          for (const v of [...known, UNKNOWN]) {
            openProbes++;
            await send(`${id} body ${at.join(".")}=${v}`, method, url(path, item, op, []), jsonHeaders,
              JSON.stringify(setAt(body, at, v)), ok2xx);
          }
        }
      }

      // 2. the same body as url-encoded form data.
      const rb = resolve(op.requestBody);
      if (rb && rb.content && rb.content["application/x-www-form-urlencoded"] && body !== undefined) {
        formProbes++;
        await send(`${id} form body`, method, url(path, item, op, []),
          { ...auth, "Content-Type": "application/x-www-form-urlencoded" }, form(body).toString(), ok2xx);
      }

      // 3. every declared response header on every declared status (a shared response once).
      for (const [code, r0] of Object.entries(op.responses)) {
        if (!/^\d{3}$/.test(code)) continue;
        if (r0.$ref) { if (seenShared.has(r0.$ref)) continue; seenShared.add(r0.$ref); }
        const declared = Object.keys(resolve(r0).headers || {});
        if (declared.length === 0) continue;
        headerProbes++;
        await send(`${id} Prefer code=${code}`, method, url(path, item, op, []), { ...jsonHeaders, Prefer: `code=${code}` },
          payload, (r) => {
            if (String(r.status) !== code) return `status ${r.status}, expected ${code}`;
            const missing = declared.filter((h) => !r.headers.has(h));
            return missing.length ? `missing response header(s) ${missing.join(", ")}` : null;
          });
      }
    }
  }
  for (const p of problems) console.log(p);
  console.error(`probe: ${sent} requests (open-set values ${openProbes}, form bodies ${formProbes}, ` +
    `declared statuses with headers ${headerProbes}), ${problems.length} problem(s)`);
  process.exit(problems.length ? 1 : 0);
})();
