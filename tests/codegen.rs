//! The generator step: committed `generated/` files match the specs, and the pre-flight check
//! names the operation and the rule when a spec breaks one of progenitor's limits.

#[path = "../build/apis.rs"]
mod apis;
#[path = "../build/preflight.rs"]
#[allow(dead_code)]
mod preflight;

/// Whether this build has the API's cargo feature on.
fn enabled(api: &apis::Api) -> bool {
    match api.name {
        "requestrocket" => cfg!(feature = "requestrocket"),
        "rocketpunch" => cfg!(feature = "rocketpunch"),
        "rockety" => cfg!(feature = "rockety"),
        "authrocket" => cfg!(feature = "authrocket"),
        other => panic!("tests/codegen.rs does not know API `{other}`"),
    }
}

#[cfg(feature = "codegen")]
#[test]
fn generated_files_match_specs() {
    for name in apis::APIS.iter().filter(|a| enabled(a)).map(|a| a.name) {
        let fresh = std::fs::read_to_string(format!("{}/{name}.rs", env!("OUT_DIR"))).unwrap();
        let committed =
            std::fs::read_to_string(format!("{}/generated/{name}.rs", env!("CARGO_MANIFEST_DIR"))).unwrap_or_default();
        assert!(
            fresh == committed,
            "generated/{name}.rs is stale: it differs from what specs/{name}.yaml generates. \
             Run `cargo build` (outside CI) and commit generated/{name}.rs."
        );
    }
}

fn problems(yaml: &str, replaced: &[&str]) -> Vec<String> {
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(yaml).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    preflight::check(&spec, &doc, replaced).err().unwrap_or_default()
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

#[test]
fn the_committed_specs_pass_the_preflight_check() {
    for api in apis::APIS {
        let text = std::fs::read_to_string(format!("{}/specs/{}.yaml", env!("CARGO_MANIFEST_DIR"), api.name)).unwrap();
        let replaced: Vec<&str> = api.replacements.iter().map(|(schema, _)| *schema).collect();
        assert_eq!(problems(&text, &replaced), Vec::<String>::new(), "{}", api.name);
    }
}

#[test]
fn mixed_success_bodies_name_the_operation() {
    let yaml = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object}}\n        '204':\n          description: none\n"
    );
    let p = problems(&yaml, &[]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("operation `getA` (GET /a)")
            && p[0].contains("success responses have 2 different bodies (json:inline schema, none)"),
        "{p:?}"
    );
}

#[test]
fn default_error_responses_of_any_shape_are_the_transports() {
    let yaml = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object}}\n        default:\n          description: err\n          content:\n            application/json:\n              schema: {{type: string}}\n"
    );
    // Every status that is not a declared success is `Error::Api` with the API's error body,
    // whatever the spec says of it: a `default`, two error shapes, or none at all.
    assert_eq!(problems(&yaml, &[]), Vec::<String>::new());
    let two_shapes = yaml.replace(
        "        default:",
        "        '404':\n          description: gone\n          content:\n            text/html:\n              schema: {type: string}\n        default:",
    );
    assert_eq!(problems(&two_shapes, &[]), Vec::<String>::new());
}

#[test]
fn optional_path_parameter_missing_operation_id_and_two_media_types_are_refused() {
    let yaml = format!(
        "{HEAD}paths:\n  /a/{{id}}:\n    post:\n      operationId: postA\n      parameters:\n        - {{name: id, in: path, required: false, schema: {{type: string}}}}\n      requestBody:\n        content:\n          application/json: {{schema: {{type: object}}}}\n          text/plain: {{schema: {{type: string}}}}\n      responses:\n        '204': {{description: ok}}\n  /b:\n    get:\n      responses:\n        '204': {{description: ok}}\n"
    );
    let p = problems(&yaml, &[]);
    assert!(
        p.iter()
            .any(|m| m.contains("postA") && m.contains("path parameter `id` is not `required: true`")),
        "{p:?}"
    );
    assert!(
        p.iter().any(|m| m.contains("postA") && m.contains("2 media types")),
        "{p:?}"
    );
    assert!(p.iter().any(|m| m.contains("GET /b: no operationId")), "{p:?}");
}

#[test]
fn a_form_alternative_beside_json_is_allowed() {
    let body = |types: &str| {
        format!(
            "{HEAD}paths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n{types}      responses:\n        '204': {{description: ok}}\n"
        )
    };
    let json = "          application/json: {schema: {type: object}}\n";
    let form = "          application/x-www-form-urlencoded: {schema: {type: object}}\n";
    let text = "          text/plain: {schema: {type: string}}\n";
    assert_eq!(problems(&body(&format!("{json}{form}")), &[]), Vec::<String>::new());
    assert_eq!(problems(&body(&format!("{form}{json}")), &[]), Vec::<String>::new());
    let p = problems(&body(&format!("{json}{form}{text}")), &[]);
    assert!(
        p.iter()
            .any(|m| m.contains("postA") && m.contains("2 media types (application/json, text/plain)")),
        "{p:?}"
    );
}

#[test]
fn open_enums_are_open_in_the_spec_too() {
    let open = "    State:\n      anyOf:\n      - {type: string, enum: [a, b]}\n      - {type: string}\n";
    let closed = "    State: {type: string, enum: [a, b]}\n";
    let yaml = |schema: &str| format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n{schema}");
    assert_eq!(problems(&yaml(open), &["State"]), Vec::<String>::new());
    let p = problems(&yaml(closed), &["State"]);
    assert!(
        p.iter()
            .any(|m| m.contains("`State` is an open enum in Rust but a closed `enum` in the spec")),
        "{p:?}"
    );
    // Without a Rust replacement the generator opens it itself.
    assert_eq!(problems(&yaml(open), &[]), Vec::<String>::new());
    assert_eq!(problems(&yaml(closed), &[]), Vec::<String>::new());
}

#[test]
fn dropped_fields_are_refused_and_string_enums_are_not() {
    let yaml = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    State: {{type: string, enum: [a, b]}}\n    Thing:\n      type: object\n      properties:\n        kind: {{type: string, enum: [x]}}\n      additionalProperties: false\n    Loose:\n      type: object\n      properties: {{a: {{type: string}}}}\n      additionalProperties: true\n"
    );
    let p = problems(&yaml, &[]);
    // String enums, named or inline, become open enums in Rust: nothing to refuse.
    assert!(p.iter().all(|m| !m.contains("enum")), "{p:?}");
    assert!(
        p.iter()
            .any(|m| m.contains("Thing") && m.contains("additionalProperties: false")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("Loose") && m.contains("drop unknown fields")),
        "{p:?}"
    );
    assert!(
        problems(
            &yaml.replace("    Thing:", "    Ignored:").replace(
                "State: {type: string, enum: [a, b]}",
                "State: {anyOf: [{type: string, enum: [a, b]}, {type: string}]}"
            ),
            &["State"]
        )
        .iter()
        .all(|m| !m.contains("`State`"))
    );
}

#[test]
fn a_string_enum_needs_no_registration_wherever_it_is_used() {
    let yaml = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      parameters:\n      - {{$ref: '#/components/parameters/direction'}}\n      responses:\n        '204': {{description: none}}\ncomponents:\n  parameters:\n    direction:\n      name: direction\n      in: query\n      schema: {{$ref: '#/components/schemas/Direction'}}\n  schemas:\n    Direction: {{type: string, enum: [asc, desc]}}\n"
    );
    let p = problems(&yaml, &[]);
    assert!(p.iter().all(|m| !m.contains("`Direction`")), "{p:?}");
    let held = yaml.replace(
        "  schemas:\n",
        "  schemas:\n    Page:\n      type: object\n      properties:\n        order: {$ref: '#/components/schemas/Direction'}\n",
    );
    // A response type that holds it decodes an added value as `Other(..)`: accepted too.
    assert_eq!(problems(&held, &[]), Vec::<String>::new());
}

#[test]
fn openapi_3_1_and_dangling_refs_are_refused() {
    let yaml = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n";
    let p = problems(yaml, &[]);
    assert!(p.iter().any(|m| m.contains("OpenAPI 3.0.x only")), "{p:?}");
    assert!(
        p.iter().any(|m| m.contains("getA") && m.contains("does not resolve")),
        "{p:?}"
    );
}

/// Traces name a call by the path template its `send` carries (never by a path holding values:
/// an AuthRocket session id can be a login token): every operation of every spec carries its
/// spec id and its template.
#[test]
fn every_send_carries_its_operation_id_and_spec_path_template() {
    for api in apis::APIS {
        let root = env!("CARGO_MANIFEST_DIR");
        let code = std::fs::read_to_string(format!("{root}/generated/{}.rs", api.name)).unwrap();
        let flat: String = code.split_whitespace().collect();
        let spec: openapiv3::OpenAPI =
            serde_yaml::from_str(&std::fs::read_to_string(format!("{root}/specs/{}.yaml", api.name)).unwrap()).unwrap();
        let mut count = 0;
        for (path, item) in &spec.paths.paths {
            for (_, op) in item.as_item().unwrap().iter() {
                let id = op.operation_id.as_deref().unwrap();
                // `static OP: Op = Op::new(id, Rust name, path template, success statuses);`
                let descriptor = format!("staticOP:Op=Op::new(\"{id}\",\"{}\",\"{path}\",&[", id_to_snake(id));
                assert!(
                    flat.contains(&descriptor),
                    "{}: `{id}` does not carry its id and path `{path}`",
                    api.name
                );
                count += 1;
            }
        }
        assert_eq!(flat.matches("staticOP:Op=Op::new(").count(), count, "{}", api.name);
    }
}

/// The call-surface rewrite of `build/surface.rs` reached every operation of every spec: each
/// builder's public `send` returns the crate's `ResponseFuture` (whose output is the crate's
/// `Result`) and no public signature or message
/// still carries progenitor's error or names.
#[test]
fn every_operation_of_every_spec_has_the_reshaped_surface() {
    for api in apis::APIS {
        let root = env!("CARGO_MANIFEST_DIR");
        let code = std::fs::read_to_string(format!("{root}/generated/{}.rs", api.name)).unwrap();
        let spec: openapiv3::OpenAPI =
            serde_yaml::from_str(&std::fs::read_to_string(format!("{root}/specs/{}.yaml", api.name)).unwrap()).unwrap();
        let operations: Vec<(String, String, String)> = spec
            .paths
            .paths
            .iter()
            .filter_map(|(path, item)| Some((path, item.as_item()?)))
            .flat_map(|(path, item)| {
                item.iter().map(move |(verb, op)| {
                    (
                        op.operation_id.clone().unwrap_or_default(),
                        verb.to_uppercase(),
                        path.clone(),
                    )
                })
            })
            .collect();
        // Whitespace-free, so prettyplease's line breaks do not matter.
        let flat: String = code.split_whitespace().collect::<String>().replace(",)", ")");
        let reshaped = flat.matches("pubfnsend(self)->crate::ResponseFuture<'a,").count();
        assert_eq!(
            reshaped,
            operations.len(),
            "{}: reshaped `send`s vs operations",
            api.name
        );
        // Sent through the crate's transport: progenitor's hooks and status match are gone. The
        // request is built by a closure the transport calls for each attempt.
        assert_eq!(
            flat.matches("call(&OP,&client.client,&client.inner,build)").count()
                + flat
                    .matches("call_empty(&OP,&client.client,&client.inner,build)")
                    .count(),
            operations.len(),
            "{}",
            api.name
        );
        assert_eq!(
            flat.matches("letbuild=move||{leturl=").count(),
            operations.len(),
            "{}: every request built in its `build` closure",
            api.name
        );
        for progenitor_path in [
            "client.exec(",
            "client.pre(",
            "Error::ErrorResponse",
            "Error::UnexpectedResponse",
        ] {
            assert!(
                !flat.contains(progenitor_path),
                "{}: `{progenitor_path}` left in",
                api.name
            );
        }
        for (id, verb, path) in &operations {
            // The operation's rustdoc shows the call as the spec writes it.
            assert!(
                code.contains(&format!("/// `{verb} {path}` (operation `{id}`)")),
                "{}: no method/path line in the docs of `{id}`",
                api.name
            );
        }
        for leftover in [
            "was not initialized",
            "no value supplied for",
            "error converting supplied value for",
            "conversion to `::",
        ] {
            assert!(
                !code.contains(leftover),
                "{}: progenitor's `{leftover}` left in",
                api.name
            );
        }
        assert!(
            !flat.contains("pubasyncfnsend(self)->Result<"),
            "{}: a public send returns progenitor's Result",
            api.name
        );
        assert!(
            !code.contains("pub use progenitor_client::{ByteStream, ClientInfo, Error"),
            "{}: progenitor's Error is re-exported",
            api.name
        );
    }
}

/// The client sends JSON where a spec also offers a form body (AuthRocket): the build picks
/// JSON for progenitor and says so in the docs of every such operation.
#[test]
fn operations_with_a_form_alternative_say_the_client_sends_json() {
    for api in apis::APIS {
        let root = env!("CARGO_MANIFEST_DIR");
        let code = std::fs::read_to_string(format!("{root}/generated/{}.rs", api.name)).unwrap();
        let spec: openapiv3::OpenAPI =
            serde_yaml::from_str(&std::fs::read_to_string(format!("{root}/specs/{}.yaml", api.name)).unwrap()).unwrap();
        let with_form = spec
            .paths
            .paths
            .values()
            .filter_map(|item| item.as_item())
            .flat_map(|item| item.iter().map(|(_, op)| op))
            .filter(|op| {
                matches!(&op.request_body, Some(openapiv3::ReferenceOr::Item(b))
                    if b.content.contains_key("application/x-www-form-urlencoded") && b.content.contains_key("application/json"))
            })
            .count();
        let said = code
            .matches("The body is sent as JSON; the spec also offers `application/x-www-form-urlencoded`")
            .count();
        assert_eq!(said, with_form, "{}", api.name);
    }
}

/// `createTarget` -> `create_target`, as progenitor names the methods.
fn id_to_snake(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
