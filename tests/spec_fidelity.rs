//! Every header, status and media type a vendor's own document (Rocketpunch's, RequestRocket's two,
//! AuthRocket 1's, Rockety's) states is in
//! that API's spec, in a form tools read (a security scheme, a header parameter, a response
//! header, a response status, a media type), on every operation the sentence applies to.
//!
//! Each fact quotes its sentence; a failure names the fact and each operation that misses it.
//! These read the spec files, so they hold for every API whatever features are built.

use serde_yaml::Value;

fn spec(name: &str) -> Value {
    let path = format!("{}/specs/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Follows `$ref`s within the document.
fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    while let Some(r) = v.get("$ref").and_then(Value::as_str) {
        v = r
            .trim_start_matches("#/")
            .split('/')
            .try_fold(doc, |node, part| node.get(part))
            .unwrap_or_else(|| panic!("dangling $ref {r}"));
    }
    v
}

/// One operation: `METHOD /path (operationId)`, its path item and itself.
struct Op<'a> {
    name: String,
    method: &'a str,
    item: &'a Value,
    op: &'a Value,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn operations(doc: &Value) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_mapping().unwrap() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push(Op {
                    name: format!(
                        "{} {} ({})",
                        method.to_uppercase(),
                        path.as_str().unwrap(),
                        op["operationId"].as_str().unwrap_or("?")
                    ),
                    method,
                    item,
                    op,
                });
            }
        }
    }
    assert!(!out.is_empty());
    out
}

impl Op<'_> {
    fn responses<'d>(&self, doc: &'d Value) -> Vec<(String, &'d Value)>
    where
        Self: 'd,
    {
        let mut out = Vec::new();
        for (code, r) in self.op["responses"].as_mapping().unwrap() {
            let code = match code {
                Value::String(s) => s.clone(),
                other => serde_yaml::to_string(other).unwrap().trim().to_string(),
            };
            out.push((code, resolve(doc, r)));
        }
        out
    }

    fn response<'d>(&self, doc: &'d Value, code: &str) -> Option<&'d Value>
    where
        Self: 'd,
    {
        self.responses(doc).into_iter().find(|(c, _)| c == code).map(|(_, r)| r)
    }

    /// Header parameters (path-item level and operation level), by lower-case name.
    fn header_params<'d>(&self, doc: &'d Value) -> Vec<(String, &'d Value)>
    where
        Self: 'd,
    {
        [&self.item["parameters"], &self.op["parameters"]]
            .into_iter()
            .filter_map(Value::as_sequence)
            .flatten()
            .map(|p| resolve(doc, p))
            .filter(|p| p["in"] == "header")
            .map(|p| (p["name"].as_str().unwrap().to_ascii_lowercase(), p))
            .collect()
    }

    fn has_body(&self) -> bool {
        self.op.get("requestBody").is_some()
    }
}

fn has_header(response: &Value, name: &str) -> bool {
    response.get("headers").and_then(Value::as_mapping).is_some_and(|h| {
        h.keys()
            .any(|k| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
    })
}

fn media_types(v: &Value) -> Vec<String> {
    v.get("content")
        .and_then(Value::as_mapping)
        .map(|m| m.keys().map(|k| k.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// Collects the operations that miss a fact; fails naming every fact and operation at once.
#[derive(Default)]
struct Facts(Vec<String>);

impl Facts {
    fn every_op(&mut self, doc: &Value, fact: &str, holds: impl Fn(&Op) -> bool) {
        let missing: Vec<String> = operations(doc)
            .iter()
            .filter(|o| !holds(o))
            .map(|o| o.name.clone())
            .collect();
        if !missing.is_empty() {
            self.0.push(format!("{fact}\n      missing on: {}", missing.join(", ")));
        }
    }

    fn check(&mut self, fact: &str, holds: bool) {
        if !holds {
            self.0.push(fact.to_string());
        }
    }

    fn assert_all(self, api: &str) {
        assert!(
            self.0.is_empty(),
            "{api}: the spec does not show these vendor facts:\n  - {}",
            self.0.join("\n  - ")
        );
    }
}

/// Every response of the operation, including errors and no-content ones.
fn every_response(doc: &Value, op: &Op, holds: impl Fn(&Value) -> bool) -> bool {
    op.responses(doc).iter().all(|(_, r)| holds(r))
}

fn scheme<'a>(doc: &'a Value, name: &str) -> &'a Value {
    &doc["components"]["securitySchemes"][name]
}

#[test]
fn authrocket_spec_shows_every_fact_of_its_access_document() {
    // Seed 003, "Accessing the AuthRocket APIs" (AuthRocket 1).
    let doc = spec("authrocket");
    let mut f = Facts::default();
    f.check(
        "\"TLS is required … respond only on port 443\": the server URL is https",
        doc["servers"][0]["url"].as_str().unwrap().starts_with("https://"),
    );
    f.check(
        "\"they will always end with .authrocket.com\": the endpoint variable's default does",
        doc["servers"][0]["variables"]["endpoint"]["default"]
            .as_str()
            .unwrap()
            .ends_with(".authrocket.com"),
    );
    f.check(
        "\"X-Authrocket-Api-Key: ko_…\": an apiKey header scheme, the first security requirement",
        scheme(&doc, "apiKey")["in"] == "header"
            && scheme(&doc, "apiKey")["name"] == "X-Authrocket-Api-Key"
            && doc["security"][0]["apiKey"].is_sequence(),
    );
    f.check(
        "legacy note: X-Authrocket-Account (org_) with X-Authrocket-Api-Key (key_), \"still supported\": \
         a second requirement with both headers",
        scheme(&doc, "legacyAccount")["name"] == "X-Authrocket-Account"
            && scheme(&doc, "legacyApiKey")["name"] == "X-Authrocket-Api-Key"
            && doc["security"][1]["legacyAccount"].is_sequence()
            && doc["security"][1]["legacyApiKey"].is_sequence(),
    );
    f.every_op(
        &doc,
        "\"The API only sends JSON responses. All API requests must indicate that they are requesting JSON \
         payloads: Accept: application/json\" / \"Responses … Content-type: application/json\": every \
         response with a body is application/json only (tools derive `Accept` from it), and 406 is declared",
        |o| {
            every_response(&doc, o, |r| {
                let t = media_types(r);
                t.is_empty() || t == ["application/json"]
            }) && o.response(&doc, "406").is_some()
        },
    );
    f.every_op(
        &doc,
        "\"Payloads sent to the API via POST or PUT requests may be sent as JSON or as standard url-encoded \
         form data\": every POST/PUT body offers application/json and application/x-www-form-urlencoded, \
         and 415 is declared",
        |o| {
            !o.has_body()
                || (media_types(resolve(&doc, &o.op["requestBody"]))
                    == ["application/json", "application/x-www-form-urlencoded"]
                    && o.response(&doc, "415").is_some())
        },
    );
    f.every_op(&doc, "request bodies only on POST and PUT", |o| {
        !o.has_body() || o.method == "post" || o.method == "put"
    });
    f.every_op(
        &doc,
        "\"you may specify a default Realm ID via HTTP header … This is optional\": an optional \
         X-Authrocket-Realm header parameter",
        |o| {
            o.header_params(&doc)
                .iter()
                .any(|(n, p)| n == "x-authrocket-realm" && p["required"] != true)
        },
    );
    f.every_op(
        &doc,
        "\"a User-agent header with contact info … is required\" for libraries, optional otherwise: an \
         optional User-Agent header parameter",
        |o| {
            o.header_params(&doc)
                .iter()
                .any(|(n, p)| n == "user-agent" && p["required"] != true)
        },
    );
    f.every_op(
        &doc,
        "\"All API responses will include X-Request-ID\": on every response, errors and no-content included",
        |o| every_response(&doc, o, |r| has_header(r, "X-Request-ID")),
    );
    f.assert_all("authrocket");
}

#[test]
fn authrocket_spec_shows_every_status_of_its_notes() {
    // notes/apis/authrocket.md §6 (the vendor's v1 status-codes page), §3 (creates, deletes),
    // §7 (429 from the vendor clients).
    let doc = spec("authrocket");
    let mut f = Facts::default();
    f.every_op(
        &doc,
        "§6 status list 200, 202 (\"accepted, may still fail\"), 400, 402, 403, 404, 405, 406, 409, 414, 422, and \
         §7 429 (vendor clients): on every operation",
        |o| {
            [
                "200", "202", "400", "402", "403", "404", "405", "406", "409", "414", "422", "429",
            ]
            .iter()
            .all(|c| o.response(&doc, c).is_some())
        },
    );
    f.every_op(&doc, "§6 201 (created): on every create", |o| {
        !o.name.contains("(create") || o.response(&doc, "201").is_some()
    });
    f.every_op(
        &doc,
        "§3 \"delete → … 204 is in V1:status_codes\": 204 on every DELETE",
        |o| o.method != "delete" || o.response(&doc, "204").is_some(),
    );
    f.every_op(
        &doc,
        "§6 \"401 (an authenticate / authenticate_key call failed; API credentials were fine)\": 401 on the \
         authenticate calls and only there",
        |o| o.name.contains("(authenticate") == o.response(&doc, "401").is_some(),
    );
    f.every_op(
        &doc,
        "§6 \"415 (body not JSON or form)\": on every operation with a body",
        |o| !o.has_body() || o.response(&doc, "415").is_some(),
    );
    f.every_op(
        &doc,
        "§2 \"Responses are Content-Type: application/json and always carry X-Request-ID\": every added status too",
        |o| {
            ["202", "405", "414"]
                .iter()
                .all(|c| o.response(&doc, c).is_some_and(|r| has_header(r, "X-Request-ID")))
        },
    );
    f.every_op(
        &doc,
        "a 202 has the body kind of the operation's 200 (one success type for the Rust client)",
        |o| {
            o.response(&doc, "202").map(media_types) == o.response(&doc, "200").map(media_types)
                && o.response(&doc, "202")
                    .map(|r| &r["content"]["application/json"]["schema"])
                    == o.response(&doc, "200")
                        .map(|r| &r["content"]["application/json"]["schema"])
        },
    );
    let info = doc["info"]["description"].as_str().unwrap();
    for (fact, text) in [
        (
            "§6 302/303/307 \"follow a limited number\" (OpenAPI tools read 3xx as final answers)",
            "302/303/307",
        ),
        (
            "§6 status 215 (undocumented; vendor clients: metadata only), marked as from the vendor clients",
            "215",
        ),
        (
            "§7 \"no rate-limit or Retry-After headers are documented\"",
            "No rate limits",
        ),
        (
            "§2 key permissions \"read\", \"write\" or \"admin_realm\"",
            "admin_realm",
        ),
        (
            "§3 the removed `GET /v1/events/login/{token}` is not modelled",
            "events/login",
        ),
        (
            "§1 Core API / Extended API grouping, server-side only",
            "server-side only",
        ),
    ] {
        f.check(&format!("{fact}: in info"), info.contains(text));
    }
    let user = doc["components"]["schemas"]["User"]["description"].as_str().unwrap();
    f.check(
        "§4 User `membership_count` / `last_login_on` are 3P only: marked as third-party",
        user.contains("membership_count") && user.contains("Third-party"),
    );
    f.assert_all("authrocket");
}

#[test]
fn requestrocket_spec_shows_every_fact_of_its_documents() {
    // Seed 001 "Core API Authentication", seed 002 "Overview".
    let doc = spec("requestrocket");
    let mut f = Facts::default();
    let token = scheme(&doc, "userToken");
    f.check(
        "\"Include your user token in the Authorization header … raw Authorization header value (no Bearer \
         prefix)\": an apiKey scheme on the Authorization header (not http bearer)",
        token["type"] == "apiKey" && token["in"] == "header" && token["name"] == "Authorization",
    );
    f.check(
        "\"Base URL https://api.requestrocket.com\", \"Always use HTTPS\"",
        doc["servers"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://api.requestrocket.com"),
    );
    f.every_op(
        &doc,
        "\"All responses use JSON format\": every response with a body is application/json",
        |o| {
            every_response(&doc, o, |r| {
                let t = media_types(r);
                t.is_empty() || t == ["application/json"]
            })
        },
    );
    f.every_op(
        &doc,
        "\"Content-Type: application/json\" on requests: every request body is application/json",
        |o| !o.has_body() || media_types(resolve(&doc, &o.op["requestBody"])) == ["application/json"],
    );
    f.every_op(
        &doc,
        "401 \"No Authorization header … Token is invalid … revoked\" and 403 \"Token is valid but lacks \
         necessary permissions\": on every operation",
        |o| o.response(&doc, "401").is_some() && o.response(&doc, "403").is_some(),
    );
    f.every_op(
        &doc,
        "\"Rate limits are applied per user token … you'll receive a 429 response with a Retry-After \
         header\": 429 with Retry-After on every operation",
        |o| o.response(&doc, "429").is_some_and(|r| has_header(r, "Retry-After")),
    );
    f.every_op(
        &doc,
        "status table 400 (bad request), 404 (not found), 500 (server error): on every operation",
        |o| ["400", "404", "500"].iter().all(|c| o.response(&doc, c).is_some()),
    );
    f.every_op(
        &doc,
        "\"201 Created - Resource successfully created\", \"409 Conflict - Resource already exists\": on \
         every create",
        |o| {
            !(o.method == "post" && o.name.contains("(create"))
                || (o.response(&doc, "201").is_some() && o.response(&doc, "409").is_some())
        },
    );
    f.every_op(
        &doc,
        "\"List endpoints support pagination using query parameters\" page and limit: on every list",
        |o| {
            let names: Vec<String> = [&o.item["parameters"], &o.op["parameters"]]
                .into_iter()
                .filter_map(Value::as_sequence)
                .flatten()
                .map(|p| resolve(&doc, p))
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect();
            !o.name.contains("(list") || (names.iter().any(|n| n == "page") && names.iter().any(|n| n == "limit"))
        },
    );
    let info = doc["info"]["description"].as_str().unwrap();
    f.check(
        "\"Manage users and team members\": noted as having no documented endpoint",
        info.contains("Manage users and team members"),
    );
    f.check(
        "rate-limit table \"Business | Custom\": the Business plan's custom limit is stated",
        info.contains("Business")
            && resolve(&doc, &doc["components"]["responses"]["TooManyRequests"])["description"]
                .as_str()
                .unwrap()
                .contains("Business"),
    );
    f.assert_all("requestrocket");
}

#[test]
fn rocketpunch_spec_shows_every_fact_of_its_documents() {
    // Seed 000 "App Key Authentication"; the rate-limit headers are from the vendor's rate-limits
    // page (notes/apis/rocketpunch.md §7).
    let doc = spec("rocketpunch");
    let mut f = Facts::default();
    let key = scheme(&doc, "appKey");
    f.check(
        "\"Every API request must include your App Key in the X-RP-API-Key header\": an apiKey header scheme, \
         the first requirement, documenting the rp_app_ prefix",
        key["type"] == "apiKey"
            && key["in"] == "header"
            && key["name"] == "X-RP-API-Key"
            && key["description"].as_str().unwrap().contains("`rp_app_`")
            && doc["security"][0]["appKey"].is_sequence(),
    );
    let oauth = scheme(&doc, "oauth2");
    f.check(
        "\"OAuth 2.0 … authorization code flow … Include the access token in your API requests instead of your \
         App Key\": an oauth2 authorizationCode scheme whose token URL is marked as not vendor-documented",
        oauth["type"] == "oauth2"
            && oauth["flows"]["authorizationCode"]["x-token-url-documented"] == false
            && oauth["description"].as_str().unwrap().contains("instead of"),
    );
    f.every_op(
        &doc,
        "401 \"The X-RP-API-Key header is missing, malformed, or contains an invalid key\" and 403 \"does not \
         have permission\": on every operation",
        |o| o.response(&doc, "401").is_some() && o.response(&doc, "403").is_some(),
    );
    f.every_op(
        &doc,
        "\"Every response carries X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset\": on every \
         response",
        |o| {
            every_response(&doc, o, |r| {
                ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
                    .iter()
                    .all(|h| has_header(r, h))
            })
        },
    );
    f.every_op(&doc, "429 adds Retry-After", |o| {
        o.response(&doc, "429").is_some_and(|r| has_header(r, "Retry-After"))
    });
    f.every_op(
        &doc,
        "\"422 UNPROCESSABLE_ENTITY\" for an out-of-range page or unsupported lang: on every operation",
        |o| o.response(&doc, "422").is_some(),
    );
    f.assert_all("rocketpunch");
}

#[test]
fn rockety_spec_shows_every_fact_of_its_getting_started_page() {
    // Seed 004 "Getting Started".
    let doc = spec("rockety");
    let mut f = Facts::default();
    let bearer = scheme(&doc, "bearerAuth");
    f.check(
        "\"All API requests must include an Authorization header with your API token as a Bearer token\": \
         an http bearer scheme, the first requirement",
        bearer["type"] == "http" && bearer["scheme"] == "bearer" && doc["security"][0]["bearerAuth"].is_sequence(),
    );
    f.check(
        "\"The base URL for all API requests is https://app.rockety.io/api/v1\"",
        doc["servers"][0]["url"] == "https://app.rockety.io/api/v1",
    );
    f.every_op(
        &doc,
        "response codes 200, 400, 401 (\"Authentication failed or user does not have permissions\"), 404, 500: \
         on every operation",
        |o| {
            ["200", "400", "401", "404", "500"]
                .iter()
                .all(|c| o.response(&doc, c).is_some())
        },
    );
    f.every_op(
        &doc,
        "\"You can use the page query parameter to control pagination\": on every list",
        |o| {
            !o.name.contains("(list")
                || o.op["parameters"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .map(|p| resolve(&doc, p))
                    .any(|p| p["in"] == "query" && p["name"] == "page")
        },
    );
    f.check(
        "timestamps \"YYYY-MM-DD HH:MM:SS\": NaiveTimestamp has a pattern tools check",
        doc["components"]["schemas"]["NaiveTimestamp"]["pattern"].is_string(),
    );
    f.assert_all("rockety");
}

/// Whether any response of any operation declares the header.
fn declares_header_anywhere(doc: &Value, name: &str) -> bool {
    operations(doc)
        .iter()
        .any(|o| o.responses(doc).iter().any(|(_, r)| has_header(r, name)))
}

#[test]
fn requestrocket_spec_shows_every_fact_of_its_notes() {
    // notes/apis/requestrocket.md §3 (statuses, request log), §6 (errors), §7 (rate limits).
    let doc = spec("requestrocket");
    let mut f = Facts::default();
    f.every_op(&doc, "§6 status list 200: on every operation", |o| {
        o.response(&doc, "200").is_some()
    });
    f.check(
        "§7 \"No X-RateLimit-* style headers are documented for the Core API\": none declared",
        !declares_header_anywhere(&doc, "X-RateLimit-Limit")
            && !declares_header_anywhere(&doc, "X-RateLimit-Remaining")
            && !declares_header_anywhere(&doc, "X-RateLimit-Reset"),
    );
    let log_limit = resolve(&doc, &doc["components"]["parameters"]["requestLogLimit"]);
    f.check(
        "§3 request log `limit` (number, default 1000): a query parameter with default 1000",
        log_limit["in"] == "query" && log_limit["name"] == "limit" && log_limit["schema"]["default"] == 1000,
    );
    let info = doc["info"]["description"].as_str().unwrap();
    for (fact, text) in [
        (
            "§7 Retry-After \"seconds or an HTTP date is not documented\"",
            "HTTP date",
        ),
        ("§7 \"No X-RateLimit-* style headers\" stated", "No `X-RateLimit-*`"),
        (
            "§6 data-plane headers requestrocket-proxy-code/-message/-warning are named as not Core API",
            "requestrocket-proxy-code",
        ),
        (
            "§3 create statuses 200 vs 201 not stated per endpoint",
            "not stated per endpoint",
        ),
    ] {
        f.check(&format!("{fact}: in info"), info.contains(text));
    }
    f.assert_all("requestrocket");
}

#[test]
fn rocketpunch_spec_shows_every_fact_of_its_notes() {
    // notes/apis/rocketpunch.md §6 (the error table), §7 (rate limits), §2 (OAuth bearer).
    let doc = spec("rocketpunch");
    let mut f = Facts::default();
    f.every_op(
        &doc,
        "§6 error table 400, 401, 403, 404, 422, 429, 500: on every operation, each with the table's `code`",
        |o| {
            [
                ("400", Some("BAD_REQUEST")),
                ("401", Some("UNAUTHORIZED")),
                ("403", Some("FORBIDDEN")),
                ("404", Some("NOT_FOUND")),
                ("422", Some("UNPROCESSABLE_ENTITY")),
                ("429", Some("RATE_LIMIT_EXCEEDED")),
                ("500", None),
            ]
            .iter()
            .all(|(c, code)| {
                o.response(&doc, c).is_some_and(|r| {
                    media_types(r) == ["application/json"]
                        && code.is_none_or(|code| r["content"]["application/json"]["example"]["error"]["code"] == code)
                })
            })
        },
    );
    f.check(
        "§7 \"429 responses add Retry-After: <seconds>\": the header says seconds",
        resolve(&doc, &doc["components"]["headers"]["Retry-After"])["description"]
            .as_str()
            .unwrap()
            .contains("seconds"),
    );
    f.check(
        "§2 \"User-mode requests send Authorization: Bearer <access_token>, replacing X-RP-API-Key\": an oauth2 \
         scheme as a separate security alternative",
        scheme(&doc, "oauth2")["description"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
            && operations(&doc).iter().any(|o| {
                o.op["security"].as_sequence().is_some_and(|reqs| {
                    reqs.iter().any(|r| r["oauth2"].is_sequence() && r["appKey"].is_null())
                        && reqs
                            .iter()
                            .all(|r| !(r["oauth2"].is_sequence() && r["appKey"].is_sequence()))
                })
            }),
    );
    let info = doc["info"]["description"].as_str().unwrap();
    for (fact, text) in [
        ("§2 3P `X-OBA-API-Key` marked as a third-party report", "X-OBA-API-Key"),
        (
            "§3 3P `Accept-Language: ko` marked as a third-party report",
            "Accept-Language",
        ),
        (
            "§7 3P \"60 requests per minute\" marked as a third-party report",
            "60 requests per minute",
        ),
    ] {
        f.check(
            &format!("{fact}: in info"),
            info.contains(text) && info.contains("Third-party report"),
        );
    }
    f.assert_all("rocketpunch");
}

#[test]
fn rockety_spec_shows_every_fact_of_its_notes() {
    // notes/apis/rockety.md §5 (pagination), §6 (errors), §7 (rate limits), §4 (timestamps).
    let doc = spec("rockety");
    let mut f = Facts::default();
    let page = resolve(&doc, &doc["components"]["parameters"]["page"]);
    f.check(
        "§3 `page` (integer, optional), default the first page",
        page["in"] == "query"
            && page["required"] != true
            && page["schema"]["type"] == "integer"
            && page["schema"]["default"] == 1,
    );
    f.check(
        "§7 \"no rate-limit headers\": none declared",
        !declares_header_anywhere(&doc, "X-RateLimit-Limit"),
    );
    f.check(
        "§4 \"YYYY-MM-DD HH:MM:SS\" with no T and no zone: the exact pattern",
        doc["components"]["schemas"]["NaiveTimestamp"]["pattern"] == r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$",
    );
    for (name, status) in [("Forbidden", "403"), ("TooManyRequests", "429")] {
        f.check(
            &format!("§6/§7 {status} is not in the vendor's list: its response says \"Not documented by Rockety\""),
            doc["components"]["responses"][name]["description"]
                .as_str()
                .unwrap()
                .starts_with("Not documented by Rockety"),
        );
    }
    let info = doc["info"]["description"].as_str().unwrap();
    for (fact, text) in [
        ("§6 201 Created listed but no create operation", "201"),
        (
            "§6 \"Error body format: not documented\"",
            "error body is not documented",
        ),
        ("§1 GET, POST, PUT and DELETE; PATCH not mentioned", "PATCH"),
        ("§3 POST/PUT body content type not stated", "content type is not stated"),
    ] {
        f.check(&format!("{fact}: in info"), info.contains(text));
    }
    f.assert_all("rockety");
}
