//! The OpenAPI document, generated at start-up from the route table and the endpoints'
//! input and output types (their `schemars::JsonSchema`): parameters with their
//! constraints, every response object with its required and optional fields, and the
//! errors each call can answer.

use super::params;
use super::{Api, Verb};
use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

/// The error statuses every endpoint may answer, and what each means.
const ERRORS: &[(&str, &str)] = &[
    ("400", "A parameter is missing or invalid, or the request cannot be done as asked"),
    ("401", "Not signed in (no token, or it was never valid)"),
    ("403", "Not allowed, or the token was revoked"),
    ("404", "The object does not exist, or the caller cannot see it"),
    ("405", "The endpoint does not answer this HTTP method (see the Allow header)"),
    ("409", "It already exists"),
    ("408", "The body did not arrive in time"),
    ("413", "The body is too large"),
    ("429", "Too many attempts (retry after the Retry-After header's seconds), or too many streams open"),
    ("503", "The database is not reachable; try again"),
];

/// Twist's error codes, in the `error_code` field of every error.
const ERROR_CODES: &str = "19 required argument missing, 20 invalid argument value, 101 email already used, \
    102 password too short, 103 email invalid, 104 wrong email or password, 105-108, 115, 119, 124, 125 \
    (workspace, user, channel, thread, comment, group, conversation, message) not found, 109 forbidden, \
    110 resource not found, 114 bad request or too many requests, 120 not logged in, 121 invalid timezone, \
    122 unsupported reaction, 126 name too short, 127 last admin, 128 invalid date range, 131 already exists, \
    200 invalid token, 201 service unavailable";

/// An error answer.
#[derive(serde::Serialize, JsonSchema)]
#[allow(dead_code)]
struct Error {
    /// Twist's error code (see the document's description).
    error_code: i64,
    error_string: String,
    /// Quote it when reporting a problem: the server's log has the details.
    error_uuid: String,
    /// `{"argument": name}` for a parameter's error, `{"retry_after": s}` for 429.
    error_extra: Map<String, Value>,
}

/// The generator for response objects: what the server writes, so an optional field is one
/// it may leave out.
fn output_generator() -> SchemaGenerator {
    SchemaSettings::openapi3().with(|s| s.contract = Contract::Serialize).into_generator()
}

/// Applies the generator's OpenAPI transforms to a schema it returned directly.
fn finish(g: &mut SchemaGenerator, mut schema: schemars::Schema) -> Value {
    for t in g.transforms_mut() {
        t.transform(&mut schema);
    }
    schema.to_value()
}

/// An extra operation outside the route table (the event stream).
pub struct ExtraOperation {
    pub path: &'static str,
    pub summary: &'static str,
    pub params: Vec<params::Param>,
    pub content_type: &'static str,
    pub returns: super::SchemaFn,
}

/// The whole document, as the server serves it.
pub fn document_of_api() -> Value {
    document(&Api::new(), &[crate::app::stream_doc()])
}

/// The schema of a parameter given in the query string. Lists are comma-joined there.
fn query_parameter(p: &params::Param) -> Value {
    let mut param = json!({"name": p.name, "in": "query", "required": p.required, "schema": p.schema});
    if p.schema.get("type").and_then(Value::as_str) == Some("array") {
        param["style"] = json!("form");
        param["explode"] = json!(false);
    }
    if let Some(d) = p.schema.get("description") {
        param["description"] = d.clone();
    }
    param
}

fn responses(ok: Value, content_type: &str, auth: bool) -> Value {
    let mut out = Map::new();
    out.insert("200".into(), json!({"description": "Success", "content": {content_type: {"schema": ok}}}));
    for (status, description) in ERRORS {
        if *status == "401" && !auth {
            continue;
        }
        out.insert(
            status.to_string(),
            json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    }
    Value::Object(out)
}

/// The schema of an endpoint's form body. A form is text: it carries objects only as JSON
/// text, whose content a form's schema cannot describe, so an optional object is left out
/// (the JSON body's schema has it) and a required one is documented as text (batch's
/// `requests`); an object alternative (`away_mode`) is left out too. A list of texts may be
/// one field: a single text.
fn form_schema(e: &super::Endpoint, inputs: &mut SchemaGenerator) -> Value {
    let mut form = params::input_schema(&e.input, inputs, false);
    let required: Vec<String> =
        form["required"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect();
    let Some(props) = form.get_mut("properties").and_then(Value::as_object_mut) else { return form };
    let kind = |name: &str| e.params.iter().find(|p| p.name == name).map(params::Param::kind);
    props.retain(|name, _| {
        required.contains(name) || !matches!(kind(name), Some(params::Kind::Object | params::Kind::Objects))
    });
    for (name, s) in props.iter_mut() {
        match kind(name) {
            Some(params::Kind::Object | params::Kind::Objects) => {
                let what = if kind(name) == Some(params::Kind::Object) { "a JSON object" } else { "a JSON array" };
                let description =
                    s.get("description").and_then(Value::as_str).map(|d| format!("{d} ")).unwrap_or_default();
                *s = json!({"type": "string", "description": format!("{description}(In a form: {what} as text.)")});
            }
            Some(params::Kind::Texts) => {
                let one = s["items"].clone();
                let description = s.as_object_mut().and_then(|o| o.remove("description"));
                *s = json!({"anyOf": [s.clone(), one]});
                if let Some(d) = description {
                    s["description"] = d;
                }
            }
            _ => {
                if let Some(options) = s.get_mut("anyOf").and_then(Value::as_array_mut) {
                    options.retain(|o| o.get("type") != Some(&json!("object")));
                    if options.len() == 1 {
                        let only = options.pop().expect("one option");
                        let obj = s.as_object_mut().expect("an object schema");
                        obj.remove("anyOf");
                        for (k, v) in only.as_object().into_iter().flatten() {
                            obj.entry(k.clone()).or_insert(v.clone());
                        }
                    }
                }
            }
        }
    }
    form
}

/// Replaces every string schema in `value` whose enum is `names` (with or without `null`)
/// by a reference to `reference`, keeping its description and nullability.
fn refer_to(value: &mut Value, names: &[Value], reference: &str) {
    match value {
        Value::Object(map) => {
            // Every copy lists the names in the same order (a nullable one adds `null`).
            let listed = map.get("enum").and_then(Value::as_array);
            if listed.is_some_and(|e| e.iter().filter(|v| !v.is_null()).eq(names.iter())) {
                let mut replaced = json!({"allOf": [{"$ref": reference}]});
                for key in ["description", "nullable"] {
                    if let Some(v) = map.get(key) {
                        replaced[key] = v.clone();
                    }
                }
                if replaced.get("description").is_none() && replaced.get("nullable").is_none() {
                    replaced = json!({"$ref": reference});
                }
                *value = replaced;
                return;
            }
            map.values_mut().for_each(|v| refer_to(v, names, reference));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| refer_to(v, names, reference)),
        _ => {}
    }
}

pub fn document(api: &Api, extra: &[ExtraOperation]) -> Value {
    let mut outputs = output_generator();
    let mut inputs = params::input_generator();
    let error = Error::json_schema(&mut outputs);
    let error = finish(&mut outputs, error);
    let mut paths = Map::new();
    for e in &api.endpoints {
        let ok = (e.output)(&mut outputs);
        let ok = finish(&mut outputs, ok);
        let body = params::input_schema(&e.input, &mut inputs, true);
        let form = form_schema(e, &mut inputs);
        let mut op = json!({
            "operationId": e.path.replace('/', "_"),
            "summary": e.summary,
            "responses": responses(ok, "application/json", e.auth),
            "security": if e.auth { json!([{"bearer": []}]) } else { json!([]) },
        });
        if e.extension {
            op["x-weft-extension"] = json!(true);
        }
        let mut get = op.clone();
        get["operationId"] = json!(format!("{}_get", e.path.replace('/', "_")));
        get["parameters"] = e.params.iter().map(query_parameter).collect();
        // In a form, lists are comma-joined.
        let form_encoding: Map<String, Value> = e
            .params
            .iter()
            .filter(|p| p.kind() == params::Kind::Ids)
            .map(|p| (p.name.clone(), json!({"style": "form", "explode": false})))
            .collect();
        // A body is needed when a parameter is, or when a rule across parameters asks for one.
        let needs_body =
            e.params.iter().any(|p| p.required) || ["anyOf", "oneOf", "allOf"].iter().any(|k| body.get(*k).is_some());
        op["requestBody"] = if e.multipart {
            // A file comes as a part of a multipart body; the other fields are text parts,
            // and no other part is taken.
            let mut form = form;
            form["additionalProperties"] = json!(false);
            json!({"required": true, "content": {
                "multipart/form-data": {"schema": form, "encoding": {"file": {"contentType": "application/octet-stream"}}},
            }})
        } else {
            json!({"required": needs_body, "content": {
                "application/json": {"schema": body},
                "application/x-www-form-urlencoded": {"schema": form, "encoding": form_encoding},
            }})
        };
        let item = match e.verb {
            // A reading call answers GET and POST alike (Twist's SDK posts some of them).
            Verb::Get => json!({"get": get, "post": op}),
            Verb::Post => json!({ "post": op }),
        };
        paths.insert(format!("/api/v3/{}", e.path), item);
    }
    for x in extra {
        let returns = (x.returns)(&mut outputs);
        let returns = finish(&mut outputs, returns);
        let op = json!({
            "operationId": x.path.replace('/', "_"),
            "summary": x.summary,
            "x-weft-extension": true,
            "security": [{"bearer": []}, {}],
            "parameters": x.params.iter().map(query_parameter).collect::<Vec<_>>(),
            "responses": responses(returns, x.content_type, true),
        });
        paths.insert(format!("/api/v3/{}", x.path), json!({"get": op}));
    }
    let mut schemas = outputs.take_definitions(true);
    // The server leaves an optional field out rather than sending `null`: such a field is
    // not required, and not nullable either.
    for schema in schemas.values_mut() {
        let required: Vec<String> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            props.iter_mut().filter(|(name, _)| !required.contains(name)).for_each(|(_, s)| params::not_nullable(s));
        }
    }
    schemas.insert("Error".into(), error);
    // The time-zone list is long (≈600 names): stated once, referred to where used.
    let timezone = weft_core::input::Timezone::json_schema(&mut outputs);
    let names = timezone.get("enum").and_then(Value::as_array).cloned().unwrap_or_default();
    for item in paths.values_mut() {
        refer_to(item, &names, "#/components/schemas/Timezone");
    }
    schemas.insert("Timezone".into(), timezone.to_value());
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Weft API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!("Twist-compatible API v3 (also served under /api/v4/). Operations marked \
                x-weft-extension are Weft's own. A parameter may be sent in the query string, a JSON body or a \
                form body; lists also as comma-joined strings. Error codes: {ERROR_CODES}."),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "The token users/login answers"},
                "login": {"type": "oauth2", "description": "users/login exchanges an email and a password for the bearer token",
                    "flows": {"password": {"tokenUrl": "/api/v3/users/login", "scopes": {}}}},
            },
        },
    })
}
