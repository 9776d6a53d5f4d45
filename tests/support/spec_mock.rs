//! A mock server that answers every operation of a spec with the spec's own example.
//!
//! Used by the tour (its embedded default) and by the tests, so the examples in `specs/` are
//! exercised: if an example does not decode into the generated type, the tour fails.

use serde_yaml::Value;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path_regex},
};

/// One operation the mock answers.
#[derive(Debug, Clone)]
pub struct MockedOperation {
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub status: u16,
}

/// Starts a server on 127.0.0.1 that answers each operation of `spec` under `base_path`
/// (e.g. "/api") with the example of its first success response.
pub async fn start(spec: &str, base_path: &str) -> (MockServer, Vec<MockedOperation>) {
    let server = MockServer::start().await;
    let mocked = mount(&server, spec, base_path).await;
    (server, mocked)
}

/// Mounts the answers of [`start`] on a running server.
pub async fn mount(server: &MockServer, spec: &str, base_path: &str) -> Vec<MockedOperation> {
    let doc: Value = serde_yaml::from_str(spec).expect("spec parses as YAML");
    let mut mocked = Vec::new();
    let paths = doc["paths"].as_mapping().expect("spec has paths");
    for (path, item) in paths {
        let path = path.as_str().expect("path keys are strings");
        for verb in ["get", "put", "post", "delete", "patch"] {
            let Some(op) = item.get(verb) else { continue };
            let (status, example, headers) = success_example(&doc, op);
            let mut template = ResponseTemplate::new(status);
            for (name, value) in headers {
                template = template.insert_header(name.as_str(), value.as_str());
            }
            if let Some(example) = example {
                let json = serde_json::to_value(&example).expect("example converts to JSON");
                template = template.set_body_json(json);
            }
            let pattern = format!("^{}{}$", regex_escape(base_path), template_regex(path));
            Mock::given(method(verb.to_uppercase().as_str()))
                .and(path_regex(pattern))
                .respond_with(template)
                .mount(server)
                .await;
            mocked.push(MockedOperation {
                operation_id: op["operationId"].as_str().unwrap_or_default().to_string(),
                method: verb.to_uppercase(),
                path: path.to_string(),
                status,
            });
        }
    }
    mocked
}

/// The first success status, its body example and the examples of its documented headers.
fn success_example(doc: &Value, op: &Value) -> (u16, Option<Value>, Vec<(String, String)>) {
    let responses = op["responses"].as_mapping().expect("operation has responses");
    let mut codes: Vec<(u16, &Value)> = responses
        .iter()
        .filter_map(|(code, resp)| {
            let code: u16 = match code {
                Value::String(s) => s.parse().ok()?,
                Value::Number(n) => n.as_u64()? as u16,
                _ => return None,
            };
            (200..300).contains(&code).then_some((code, resp))
        })
        .collect();
    codes.sort_by_key(|(c, _)| *c);
    // Prefer the documented "created"/"no content" codes when an operation lists several.
    let (code, resp) = codes
        .iter()
        .find(|(c, _)| *c == 201 || *c == 204)
        .or_else(|| codes.first())
        .copied()
        .expect("operation has a 2xx response");
    let resp = resolve(doc, resp);
    let example = resp["content"]["application/json"]["example"].clone();
    let mut headers = Vec::new();
    if let Some(map) = resp["headers"].as_mapping() {
        for (name, header) in map {
            let header = resolve(doc, header);
            let value = match &header["example"] {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => continue,
            };
            headers.push((name.as_str().unwrap_or_default().to_string(), value));
        }
    }
    (code, (!example.is_null()).then_some(example), headers)
}

fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let mut at = doc;
            for part in r.trim_start_matches("#/").split('/') {
                at = &at[part];
            }
            at
        }
        None => node,
    }
}

fn template_regex(path: &str) -> String {
    let mut out = String::new();
    for (i, part) in path.split('{').enumerate() {
        if i == 0 {
            out.push_str(&regex_escape(part));
        } else if let Some((_, rest)) = part.split_once('}') {
            out.push_str("[^/]+");
            out.push_str(&regex_escape(rest));
        }
    }
    out
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if ".+*?()|[]{}^$\\".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}
