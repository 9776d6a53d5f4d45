//! Checks a spec against what progenitor 0.15 (and this crate's layer) can handle, before
//! progenitor sees it. progenitor panics on several of these without naming the operation;
//! here each problem names the operationId and the rule broken, and all are reported at once.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, Parameter, QueryStyle, ReferenceOr, RequestBody, Response, StatusCode};

pub const JSON: &str = "application/json";
pub const FORM: &str = "application/x-www-form-urlencoded";

/// `spec` and `doc`: the spec as OpenAPI and as the YAML tree it was read from (the schema
/// rules walk the tree, so the build never serializes the OpenAPI model back, which would
/// compile all of openapiv3's `Serialize` into the build script). `open_enums`: the component
/// schemas the hand-written layer replaces with its own types.
pub fn check(spec: &OpenAPI, doc: &serde_yaml::Value, open_enums: &[&str]) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    if !spec.openapi.starts_with("3.0.") {
        problems.push(format!(
            "`openapi: {}`: the generator reads OpenAPI 3.0.x only; write the spec as 3.0.3",
            spec.openapi
        ));
    }

    let mut seen_ids = BTreeMap::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            problems.push(format!(
                "path `{path}` is a `$ref`; write the path item inline (the generator does not follow `$ref` path items)"
            ));
            continue;
        };
        for (method, op) in item.iter() {
            let method = method.to_uppercase();
            let Some(id) = op.operation_id.as_deref() else {
                problems.push(format!(
                    "{method} {path}: no operationId; every operation needs one (it names the Rust method)"
                ));
                continue;
            };
            let at = format!("operation `{id}` ({method} {path})");
            if let Some(other) = seen_ids.insert(id.to_string(), format!("{method} {path}")) {
                problems.push(format!(
                    "{at}: operationId already used by {other}; operationIds must be unique"
                ));
            }

            // Parameters: path-item level ones apply to every operation below it.
            let params: Vec<&Parameter> = item
                .parameters
                .iter()
                .chain(op.parameters.iter())
                .filter_map(|p| resolve_parameter(spec, p, &at, &mut problems))
                .collect();
            let mut path_params = BTreeSet::new();
            for p in &params {
                let data = p.parameter_data_ref();
                match p {
                    Parameter::Path { .. } => {
                        path_params.insert(data.name.clone());
                        if !data.required {
                            problems.push(format!(
                                "{at}: path parameter `{}` is not `required: true`; a path parameter is always sent, so write `required: true`",
                                data.name
                            ));
                        }
                    }
                    Parameter::Cookie { .. } => problems.push(format!(
                        "{at}: cookie parameter `{}`: the generated client sends no cookies; remove it from the operation and send it with `ClientBuilder::default_header(\"cookie\", ..)` or a middleware",
                        data.name
                    )),
                    Parameter::Query {
                        style: QueryStyle::DeepObject,
                        ..
                    } => problems.push(format!(
                        "{at}: query parameter `{}` uses `style: deepObject`, which the generated client cannot write; use `style: form` (the default) with one parameter per field, or send it in a JSON body",
                        data.name
                    )),
                    _ => {}
                }
            }
            for name in template_names(path) {
                if !path_params.contains(&name) {
                    problems.push(format!("{at}: `{{{name}}}` in the path has no path parameter"));
                }
            }

            if let Some(body) = &op.request_body
                && let Some(body) = resolve_body(spec, body, &at, &mut problems)
            {
                // A form alternative beside JSON is for other tools (Postman, Insomnia, Prism);
                // the copy progenitor sees keeps JSON only (`spec_model::progenitor_view`).
                let types: Vec<&String> = body
                    .content
                    .keys()
                    .filter(|t| !(t.as_str() == FORM && body.content.contains_key(JSON)))
                    .collect();
                if types.len() > 1 {
                    problems.push(format!(
                            "{at}: request body has {} media types ({}); a generated call sends one: keep application/json (an application/x-www-form-urlencoded alternative beside it is allowed: the Rust client sends JSON)",
                            types.len(),
                            join(&types)
                        ));
                }
                for t in types {
                    if t.contains("+json") {
                        problems.push(format!(
                            "{at}: request media type `{t}`: the generated client sends `application/json`; write that media type (the server reads the same JSON)"
                        ));
                    }
                }
            }

            // Responses: one body kind for all successes. Error responses (any `4xx`/`5xx`,
            // `default`, or none declared) are the transport's: every status that is not a
            // declared success becomes `crate::Error::Api` with the API's error body.
            let mut success = BTreeMap::new();
            for (code, resp) in op.responses.responses.iter() {
                let Some(resp) = resolve_response(spec, resp, &at, &mut problems) else {
                    continue;
                };
                let class = match code {
                    StatusCode::Code(c) => *c / 100,
                    StatusCode::Range(r) => *r,
                };
                if class == 2 {
                    let (kind, shown) = body_kind(resp);
                    success.insert(kind, shown);
                }
            }
            if let Some(default) = &op.responses.default {
                resolve_response(spec, default, &at, &mut problems);
            }
            if success.len() > 1 {
                problems.push(format!(
                    "{at}: success responses have {} different bodies ({}); a Rust call has one success type: keep one 2xx body (a typed 200 and a body-less 204 on one operation cannot both be), or split the operation",
                    success.len(),
                    join(success.values())
                ));
            }
        }
    }

    // Schemas: closed enums and `additionalProperties: false` break decoding the day the
    // vendor adds a value or a field.
    // Only schemas count: `servers` variables are enums too, but not Rust types.
    let rules = Rules { open_enums };
    for part in ["paths", "components"] {
        if let Some(node) = doc.get(part) {
            walk(node, &mut vec![part.to_string()], &rules, &mut problems);
        }
    }
    for name in open_enums {
        let present = spec.components.as_ref().is_some_and(|c| c.schemas.contains_key(*name));
        if !present {
            problems.push(format!(
                "build/apis.rs replaces schema `{name}` with an open enum, but the spec has no such schema"
            ));
        }
    }

    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// What the schema walk needs to know of the spec as a whole.
struct Rules<'a> {
    /// The component schemas the hand-written layer replaces with open enums.
    open_enums: &'a [&'a str],
}

fn walk(node: &serde_yaml::Value, at: &mut Vec<String>, rules: &Rules<'_>, problems: &mut Vec<String>) {
    let open_enums = rules.open_enums;
    match node {
        serde_yaml::Value::Mapping(map) => {
            if map.get("additionalProperties") == Some(&serde_yaml::Value::Bool(false)) {
                problems.push(format!(
                    "schema at `{}`: `additionalProperties: false` makes the Rust type reject any field the vendor adds; drop it",
                    at.join("/")
                ));
            }
            if map.contains_key("properties") && map.get("additionalProperties") == Some(&serde_yaml::Value::Bool(true))
            {
                problems.push(format!(
                    "schema at `{}`: `additionalProperties: true` next to `properties` makes the generated type drop unknown fields; write `additionalProperties: {{}}` to keep them in `extra`",
                    at.join("/")
                ));
            }
            let component = (at.len() >= 3 && at[0] == "components" && at[1] == "schemas").then(|| at[2].as_str());
            // Every string enum is open in Rust (`build/surface.rs`); one that the hand-written
            // layer names must be open in the spec too, for the other tools.
            if component.is_some_and(|c| open_enums.contains(&c)) && at.len() == 3 && map.contains_key("enum") {
                problems.push(format!(
                    "schema `{}` is an open enum in Rust but a closed `enum` in the spec, so Prism, Postman and generated clients refuse values the vendor adds; write it as `anyOf: [{{type: string, enum: [...]}}, {{type: string}}]`",
                    at[2]
                ));
            }
            for (k, v) in map {
                let key = match k {
                    serde_yaml::Value::String(s) => s.clone(),
                    // The raw YAML may carry unquoted `200:` or `true:` keys.
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    other => format!("{other:?}"),
                };
                // Examples are data, not schemas.
                if key == "example" || key == "examples" {
                    continue;
                }
                at.push(key);
                walk(v, at, rules, problems);
                at.pop();
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push(i.to_string());
                walk(v, at, rules, problems);
                at.pop();
            }
        }
        _ => {}
    }
}

/// A response body's kind, "none", "json:<schema>" or "raw:<media type>" (progenitor makes one
/// Rust type per kind), and how a message shows it. Inline schemas are told apart by their
/// whole content and shown as "json:inline schema".
fn body_kind(resp: &Response) -> (String, String) {
    match resp.content.iter().next() {
        None => ("none".into(), "none".into()),
        Some((media, m)) if media.starts_with("application/json") => match &m.schema {
            Some(ReferenceOr::Reference { reference }) => (format!("json:{reference}"), format!("json:{reference}")),
            Some(ReferenceOr::Item(item)) => (format!("json:{item:?}"), "json:inline schema".into()),
            None => ("json:".into(), "json:".into()),
        },
        Some((media, _)) => (format!("raw:{media}"), format!("raw:{media}")),
    }
}

fn join<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items.into_iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
        .collect()
}

fn component_name<'a>(reference: &'a str, kind: &str) -> Option<&'a str> {
    reference
        .strip_prefix("#/components/")?
        .strip_prefix(kind)?
        .strip_prefix('/')
}

pub fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    p: &'a ReferenceOr<Parameter>,
    at: &str,
    problems: &mut Vec<String>,
) -> Option<&'a Parameter> {
    match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let found = component_name(reference, "parameters")
                .and_then(|n| spec.components.as_ref()?.parameters.get(n))
                .and_then(|p| p.as_item());
            if found.is_none() {
                problems.push(format!("{at}: `$ref: {reference}` does not resolve to a parameter"));
            }
            found
        }
    }
}

fn resolve_body<'a>(
    spec: &'a OpenAPI,
    b: &'a ReferenceOr<RequestBody>,
    at: &str,
    problems: &mut Vec<String>,
) -> Option<&'a RequestBody> {
    match b {
        ReferenceOr::Item(b) => Some(b),
        ReferenceOr::Reference { reference } => {
            let found = component_name(reference, "requestBodies")
                .and_then(|n| spec.components.as_ref()?.request_bodies.get(n))
                .and_then(|b| b.as_item());
            if found.is_none() {
                problems.push(format!("{at}: `$ref: {reference}` does not resolve to a request body"));
            }
            found
        }
    }
}

pub fn resolve_response<'a>(
    spec: &'a OpenAPI,
    r: &'a ReferenceOr<Response>,
    at: &str,
    problems: &mut Vec<String>,
) -> Option<&'a Response> {
    match r {
        ReferenceOr::Item(r) => Some(r),
        ReferenceOr::Reference { reference } => {
            let found = component_name(reference, "responses")
                .and_then(|n| spec.components.as_ref()?.responses.get(n))
                .and_then(|r| r.as_item());
            if found.is_none() {
                problems.push(format!("{at}: `$ref: {reference}` does not resolve to a response"));
            }
            found
        }
    }
}
