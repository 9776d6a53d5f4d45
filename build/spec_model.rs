//! What the generator needs to know of each operation and schema, read once from the spec:
//! the operations (ids, paths, parameters, body, success status, response headers) and which
//! schemas only ever travel in request bodies.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use openapiv3::{OpenAPI, Parameter, ReferenceOr, StatusCode};

/// One operation of a spec, as the call surface and the typed mocks describe it.
pub struct Operation {
    /// The spec's `operationId`, e.g. `createTarget`.
    pub id: String,
    /// The Rust method name progenitor gives it, e.g. `create_target`.
    pub snake: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/clients/{clientId}/targets`.
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    /// The request body's schema name, when it is a `$ref` to a component schema.
    pub body: Option<String>,
    pub body_required: bool,
    /// The body's media types other than JSON, which the spec offers too (AuthRocket's form
    /// bodies); the client sends JSON.
    pub other_body_media: Vec<String>,
    /// The first 2xx status and its schema name (`None` for no body; `Some("")` for an inline
    /// schema).
    pub success: Option<(u16, Option<String>)>,
    /// The media type of the first 2xx response's body, when it has one.
    pub success_media: Option<String>,
    /// Every response header the spec declares for the operation, any status.
    pub response_headers: BTreeSet<String>,
}

/// A success body that is not JSON.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Raw {
    /// `text/*`: a `String`.
    Text,
    /// Anything else (`application/octet-stream`, images, PDFs): `bytes::Bytes`.
    Bytes,
}

/// A parameter of an operation.
pub struct Param {
    /// The spec's name, e.g. `clientId`.
    pub name: String,
    /// The builder's setter, e.g. `client_id`.
    pub rust: String,
    /// `path`, `query` or `header`.
    pub location: &'static str,
    pub required: bool,
    pub description: Option<String>,
    /// Marked `format: password` in the spec: its builder's `Debug` hides the value.
    pub secret: bool,
}

impl Operation {
    /// A list operation: its builder can be read as one stream (`Paginate`). Every list of the
    /// four specs is named `list…`; the generated code asserts the builder implements
    /// `Paginate`, so a list without it fails to compile.
    pub fn is_list(&self) -> bool {
        self.id.starts_with("list")
    }

    /// How the success body is read: JSON (`None`), text or bytes.
    pub fn raw_success(&self) -> Option<Raw> {
        let media = self.success_media.as_deref()?;
        let json = media == "application/json" || media.ends_with("+json") || media.starts_with("application/json;");
        match () {
            _ if json => None,
            _ if media.starts_with("text/") => Some(Raw::Text),
            _ => Some(Raw::Bytes),
        }
    }
}

/// Every operation, in the spec's order. The pre-flight check has already reported anything
/// that does not resolve.
pub fn operations(spec: &OpenAPI) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (verb, op) in item.iter() {
            let Some(id) = &op.operation_id else { continue };
            let mut ignore = Vec::new();
            let params = item
                .parameters
                .iter()
                .chain(op.parameters.iter())
                .filter_map(|p| crate::preflight::resolve_parameter(spec, p, id, &mut ignore))
                .filter(|p| !per_client(p))
                .map(|p| {
                    let location = match p {
                        Parameter::Path { .. } => "path",
                        Parameter::Query { .. } => "query",
                        Parameter::Header { .. } => "header",
                        Parameter::Cookie { .. } => "cookie",
                    };
                    let data = p.parameter_data_ref();
                    Param {
                        name: data.name.clone(),
                        rust: data.name.to_snake_case(),
                        location,
                        required: data.required,
                        description: data.description.clone(),
                        secret: crate::secrets::is_secret_parameter(spec, data),
                    }
                })
                .collect();
            let other_body_media = match &op.request_body {
                Some(ReferenceOr::Item(body)) => body
                    .content
                    .keys()
                    .filter(|m| *m != "application/json")
                    .cloned()
                    .collect(),
                _ => Vec::new(),
            };
            let (body, body_required) = match &op.request_body {
                Some(ReferenceOr::Item(body)) => (
                    body.content
                        .get("application/json")
                        .and_then(|m| m.schema.as_ref())
                        .and_then(schema_name),
                    body.required,
                ),
                _ => (None, false),
            };
            let mut response_headers = BTreeSet::new();
            let mut success = None;
            let mut success_media = None;
            for (code, response) in &op.responses.responses {
                let Some(response) = crate::preflight::resolve_response(spec, response, id, &mut ignore) else {
                    continue;
                };
                response_headers.extend(response.headers.keys().cloned());
                if let StatusCode::Code(c @ 200..=299) = code
                    && success.is_none()
                {
                    let schema = response
                        .content
                        .get("application/json")
                        .and_then(|m| m.schema.as_ref())
                        .map(|s| schema_name(s).unwrap_or_default());
                    success = Some((*c, schema));
                    success_media = response.content.keys().next().cloned();
                }
            }
            out.push(Operation {
                id: id.clone(),
                snake: id.to_snake_case(),
                method: verb.to_uppercase(),
                path: path.clone(),
                summary: op.summary.clone(),
                description: op.description.clone(),
                deprecated: op.deprecated,
                params,
                body,
                body_required,
                other_body_media,
                success,
                success_media,
                response_headers,
            });
        }
    }
    out
}

fn schema_name(schema: &ReferenceOr<openapiv3::Schema>) -> Option<String> {
    match schema {
        ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/schemas/").map(str::to_string),
        ReferenceOr::Item(_) => None,
    }
}

/// The component schemas reachable from request bodies and never from a response: the types a
/// user builds and sends, and nothing reads back. `doc`: the spec's YAML tree as written.
pub fn request_only_schemas(doc: &serde_yaml::Value) -> BTreeSet<String> {
    let mut request = BTreeSet::new();
    let mut response = BTreeSet::new();
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_mapping()) {
        for (_, item) in paths {
            let Some(item) = item.as_mapping() else { continue };
            for (_, op) in item {
                if let Some(body) = op.get("requestBody") {
                    collect_refs(doc, body, &mut request);
                }
                if let Some(responses) = op.get("responses") {
                    collect_refs(doc, responses, &mut response);
                }
            }
        }
    }
    request.difference(&response).cloned().collect()
}

/// Adds every component schema `node` refers to, transitively (other components are followed
/// too: `#/components/responses/…`, `#/components/headers/…`).
fn collect_refs(doc: &serde_yaml::Value, node: &serde_yaml::Value, found: &mut BTreeSet<String>) {
    match node {
        serde_yaml::Value::Mapping(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    (Some("$ref"), Some(reference)) => {
                        if let Some(name) = reference.strip_prefix("#/components/schemas/")
                            && !found.insert(name.to_string())
                        {
                            continue;
                        }
                        let target = reference
                            .trim_start_matches("#/")
                            .split('/')
                            .try_fold(doc, |node, part| node.get(part));
                        if let Some(target) = target {
                            collect_refs(doc, target, found);
                        }
                    }
                    _ => collect_refs(doc, value, found),
                }
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|i| collect_refs(doc, i, found)),
        _ => {}
    }
}

/// The copy of a spec progenitor sees (the spec itself stays as written).
///
/// It keeps only the success responses of each operation ([`successes_only`]) and turns number
/// enums into plain numbers ([`open_number_enums`]).
///
/// It closes the objects of request-only schemas (`additionalProperties: false`), so their Rust
/// types have no catch-all map and refuse unknown fields when decoded: a mistyped field is an
/// error, not a field the server silently ignores. Free-form maps (objects without properties) stay open, and so do
/// the schemas the vendor documents as open (`open`, see `build/apis.rs`).
///
/// The same copy keeps only the JSON media type of a request body that also offers
/// `application/x-www-form-urlencoded` (AuthRocket takes either): progenitor takes one media
/// type per body, and the Rust client sends JSON.
///
/// It also leaves out the parameters marked `x-per-client: true` (request headers the
/// hand-written client sets once for every call, e.g. AuthRocket's `User-Agent` and default
/// realm): tools see them on every operation, the Rust builders do not repeat them per call.
///
/// `doc` is the spec's YAML tree as written (which schemas are request-only is read there).
pub fn progenitor_view(spec: &mut OpenAPI, doc: &serde_yaml::Value, open: &[(&str, &str)]) {
    keep_json_bodies(spec);
    successes_only(spec);
    open_number_enums(spec);
    drop_per_client_parameters(spec);
    let closed = request_only_schemas(doc);
    let Some(components) = spec.components.as_mut() else {
        return;
    };
    for name in closed {
        if open.iter().any(|(schema, _)| *schema == name) {
            continue;
        }
        if let Some(ReferenceOr::Item(schema)) = components.schemas.get_mut(&name) {
            close_object(schema);
        }
    }
}

fn close_object(schema: &mut openapiv3::Schema) {
    use openapiv3::{AdditionalProperties, SchemaKind, Type};
    if let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind {
        if object.properties.is_empty() {
            return;
        }
        object.additional_properties = Some(AdditionalProperties::Any(false));
        for property in object.properties.values_mut() {
            if let ReferenceOr::Item(inner) = property {
                close_object(inner);
            }
        }
    }
}

/// Keeps only the success (2xx) responses of every operation in the copy progenitor sees. The
/// transport turns every other status into `crate::Error::Api` with the API's error body
/// (`types::ErrorBody`), whatever the spec declares for it: none, `default`, `4XX`, or bodies of
/// several shapes, none of which progenitor's one-error-type model takes.
fn successes_only(spec: &mut OpenAPI) {
    use openapiv3::StatusCode;
    for item in spec.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        for op in operations_mut(item) {
            op.responses.default = None;
            op.responses.responses.retain(|code, _| match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            });
        }
    }
}

/// Drops the `enum` of every integer and number schema in the copy progenitor sees: typify makes
/// a closed, validated newtype of one, which would refuse a value the vendor adds. The values
/// stay in the spec (and in the docs other tools show); in Rust the field is the plain number.
fn open_number_enums(spec: &mut OpenAPI) {
    use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
    fn open(schema: &mut Schema) {
        match &mut schema.schema_kind {
            SchemaKind::Type(Type::Integer(t)) => t.enumeration.clear(),
            SchemaKind::Type(Type::Number(t)) => t.enumeration.clear(),
            SchemaKind::Type(Type::Object(o)) => {
                o.properties.values_mut().for_each(boxed);
                if let Some(openapiv3::AdditionalProperties::Schema(s)) = &mut o.additional_properties {
                    item(s);
                }
            }
            SchemaKind::Type(Type::Array(a)) => {
                if let Some(items) = &mut a.items {
                    boxed(items);
                }
            }
            SchemaKind::OneOf { one_of: all }
            | SchemaKind::AllOf { all_of: all }
            | SchemaKind::AnyOf { any_of: all } => all.iter_mut().for_each(item),
            SchemaKind::Any(any) => {
                any.properties.values_mut().for_each(boxed);
                any.one_of
                    .iter_mut()
                    .chain(any.all_of.iter_mut())
                    .chain(any.any_of.iter_mut())
                    .for_each(item);
                if let Some(items) = &mut any.items {
                    boxed(items);
                }
            }
            _ => {}
        }
    }
    fn item(schema: &mut ReferenceOr<Schema>) {
        if let ReferenceOr::Item(s) = schema {
            open(s);
        }
    }
    fn boxed(schema: &mut ReferenceOr<Box<Schema>>) {
        if let ReferenceOr::Item(s) = schema {
            open(s);
        }
    }
    fn parameter(parameter: &mut ReferenceOr<Parameter>) {
        let ReferenceOr::Item(p) = parameter else { return };
        let data = match p {
            Parameter::Query { parameter_data, .. }
            | Parameter::Header { parameter_data, .. }
            | Parameter::Path { parameter_data, .. }
            | Parameter::Cookie { parameter_data, .. } => parameter_data,
        };
        if let openapiv3::ParameterSchemaOrContent::Schema(s) = &mut data.format {
            item(s);
        }
    }
    fn content(content: &mut openapiv3::Content) {
        content.values_mut().filter_map(|m| m.schema.as_mut()).for_each(item);
    }
    // Wherever a schema can sit: components (schemas, parameters, bodies, responses), path
    // items' parameters and each operation's parameters, body and responses.
    if let Some(components) = spec.components.as_mut() {
        components.schemas.values_mut().for_each(item);
        components.parameters.values_mut().for_each(parameter);
        for body in components.request_bodies.values_mut() {
            if let ReferenceOr::Item(body) = body {
                content(&mut body.content);
            }
        }
        for response in components.responses.values_mut() {
            if let ReferenceOr::Item(response) = response {
                content(&mut response.content);
            }
        }
    }
    for path in spec.paths.paths.values_mut() {
        let ReferenceOr::Item(path) = path else { continue };
        path.parameters.iter_mut().for_each(parameter);
        for op in operations_mut(path) {
            if let Some(ReferenceOr::Item(body)) = &mut op.request_body {
                content(&mut body.content);
            }
            for response in op.responses.responses.values_mut() {
                if let ReferenceOr::Item(response) = response {
                    content(&mut response.content);
                }
            }
            op.parameters.iter_mut().for_each(parameter);
        }
    }
}

/// Drops the form alternative of every request body that offers JSON too (see
/// [`progenitor_view`]); the pre-flight check allows exactly this pair.
fn keep_json_bodies(spec: &mut OpenAPI) {
    use crate::preflight::{FORM, JSON};
    let keep_json = |body: &mut openapiv3::RequestBody| {
        if body.content.contains_key(JSON) {
            body.content.shift_remove(FORM);
        }
    };
    for item in spec.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        for op in operations_mut(item) {
            if let Some(ReferenceOr::Item(body)) = &mut op.request_body {
                keep_json(body);
            }
        }
    }
    if let Some(components) = spec.components.as_mut() {
        for body in components.request_bodies.values_mut() {
            if let ReferenceOr::Item(body) = body {
                keep_json(body);
            }
        }
    }
}

/// Every operation of a path item, to change in place.
fn operations_mut(item: &mut openapiv3::PathItem) -> impl Iterator<Item = &mut openapiv3::Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
}

/// A parameter the client sets once for every call (`x-per-client: true`), not per operation.
pub fn per_client(p: &Parameter) -> bool {
    p.parameter_data_ref()
        .extensions
        .get("x-per-client")
        .and_then(|v| v.as_bool())
        == Some(true)
}

/// Removes the `x-per-client` parameters from every path item and operation (see
/// [`progenitor_view`]).
fn drop_per_client_parameters(spec: &mut OpenAPI) {
    let snapshot = spec.clone();
    let keep = |p: &ReferenceOr<Parameter>| {
        let mut ignore = Vec::new();
        !crate::preflight::resolve_parameter(&snapshot, p, "", &mut ignore).is_some_and(per_client)
    };
    for item in spec.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        item.parameters.retain(keep);
        for op in operations_mut(item) {
            op.parameters.retain(keep);
        }
    }
}
