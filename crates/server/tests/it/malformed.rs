//! Malformed requests to every endpoint of the route table: an empty body, broken JSON, a
//! JSON body that is not an object, each declared parameter with a wrong type, ids that do
//! not exist, each required parameter left out. Every answer must be a 4xx with the API's
//! JSON error body (never a 5xx, never a dropped connection), and nothing may change.
//!
//! Each case starts from a valid request of the endpoint (built by the authorization
//! matrix's row for it, as Ana, the admin) and breaks one thing.

use crate::authz::{self, Actor, Fx, MISSING, Out};
use crate::helpers::*;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use weft::api::params::Kind as Ty;
use weft::api::{Api, Endpoint, Verb};
use weft_client::Client;

/// How long one request may take before the test calls it hung.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Where a declared parameter is an alternative to another one (the handler reads the first
/// only when the second is absent): when the test breaks the first, it drops the second.
/// (path prefix, parameter, alternative)
const ALTERNATIVES: &[(&str, &str, &str)] = &[
    ("conversations/", "conversation_id", "id"),
    ("workspace_users/", "email", "user_id"),
    ("", "user_id", "user_ids"),
];

/// Id parameters for which an id that does not exist is a valid request (the call may
/// succeed, but must not fail with a 5xx): (path suffix, parameter, why).
const MISSING_ID_IS_FINE: &[(&str, &str, &str)] = &[
    ("threads/get", "before_id", "a page boundary, not a reference"),
    ("threads/get", "after_id", "a page boundary, not a reference"),
    ("threads/get", "exclude_thread_ids", "a filter, not a reference"),
    ("decisions/get", "before_id", "a page boundary, not a reference"),
    ("decisions/export", "before_id", "a page boundary, not a reference"),
    ("/remove_user", "user_id", "removing someone who is not there is a no-op"),
    ("/remove_users", "user_ids", "removing someone who is not there is a no-op"),
    ("/remove_users", "user_id", "removing someone who is not there is a no-op"),
    ("users/heartbeat", "workspace_id", "activity is the person's, whatever the workspace"),
    ("users/reset_presence", "workspace_id", "activity is the person's, whatever the workspace"),
];

/// Id parameters for which 0 is a documented value, not a missing id: (path, parameter, what
/// it means). The other missing ids are still tried.
const ZERO_MEANS_NONE: &[(&str, &str, &str)] = &[("threads/update", "dri_id", "0 clears the thread's DRI")];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// A 4xx with a JSON error body.
    ClientError,
    /// Anything but a 5xx or a dropped connection (the request is in fact valid).
    NoServerError,
}

enum Body {
    None,
    Raw(Vec<u8>, Option<&'static str>),
    Json(Value),
    /// Query string for GET, form body for POST.
    Flat(Vec<(String, String)>),
}

struct Case {
    label: String,
    body: Body,
    expect: Expect,
    /// Sent as the one sub-request of a batch: the batch must answer 200 and the
    /// sub-request a 4xx.
    in_batch: bool,
    /// A 400 for an invalid argument must name this parameter.
    names: Option<String>,
}

fn case(label: impl Into<String>, body: Body, expect: Expect) -> Case {
    Case { label: label.into(), body, expect, in_batch: false, names: None }
}

/// The schema of a list parameter inside a rule's alternatives (`recipients`: ids or a word).
fn list_schema(schema: &Value) -> Option<&Value> {
    if schema["type"] == "array" {
        return Some(schema);
    }
    schema["anyOf"].as_array()?.iter().find_map(list_schema)
}

/// Attachments and actions: lists of objects of any shape.
fn is_loose_objects(schema: &Value) -> bool {
    schema["type"] == "array" && schema["items"]["additionalProperties"] == json!(true)
}

/// Values one past each bound the schema declares, labelled. A list repeats the first item
/// of the valid request's value (so the items themselves are fine), or a plain one.
fn over_the_bound(schema: &Value, valid: Option<&Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(max) = schema["maxLength"].as_u64() {
        out.push((format!("of {} characters", max + 1), json!("a".repeat(max as usize + 1))));
    }
    if let Some(max) = schema["maximum"].as_i64() {
        out.push((format!("= {}", max + 1), json!(max + 1)));
    }
    if let Some(list) = list_schema(schema)
        && let Some(max) = list["maxItems"].as_u64()
    {
        let item = match valid.and_then(|v| v.as_array()).and_then(|a| a.first()) {
            Some(first) => first.clone(),
            None => match list["items"]["type"].as_str() {
                Some("integer") => json!(list["items"]["minimum"].as_i64().unwrap_or(1)),
                Some("object") => json!({}),
                _ => json!("a"),
            },
        };
        out.push((format!("with {} items", max + 1), Value::Array(vec![item; max as usize + 1])));
    }
    out
}

/// Values of the wrong type for a parameter of type `ty`.
fn wrong_values(ty: Ty) -> Vec<Value> {
    match ty {
        Ty::Int => {
            vec![json!({"x": 1}), json!("abc"), json!("12abc"), json!([1]), json!(true), json!(1.5), json!(1e30)]
        }
        Ty::Str => vec![json!(12), json!({"x": 1}), json!(["x"]), json!(true)],
        Ty::Bool => vec![json!("maybe"), json!(2), json!({"x": 1}), json!([true])],
        Ty::Ids => vec![json!("[1,x]"), json!("1,x"), json!({"x": 1}), json!([[1]]), json!("[1.5]"), json!(true)],
        Ty::Texts => vec![json!("[1,x]"), json!({"x": 1}), json!([[1]]), json!([{"x": 1}]), json!(true)],
        Ty::Recipients => vec![json!("[1,x]"), json!("EVERYBODY"), json!({"x": 1}), json!(true)],
        Ty::Objects => vec![json!("abc"), json!([1, 2]), json!({"x": 1}), json!(12)],
        Ty::Object => vec![json!(12), json!("[1]"), json!([{"x": 1}]), json!("abc")],
    }
}

fn is_id_param(name: &str, ty: Ty) -> bool {
    match ty {
        Ty::Int => {
            name == "id"
                || name == "to_channel"
                || name == "default_workspace"
                || (name.ends_with("_id") && name != "temp_id")
        }
        Ty::Ids => name != "off_days",
        Ty::Recipients => true,
        _ => false,
    }
}

/// Values naming things that do not exist (or cannot), for an id parameter of type `ty`.
fn missing_ids(ty: Ty) -> Vec<Value> {
    match ty {
        Ty::Int => vec![json!(MISSING), json!(i64::MAX), json!(0), json!(-1)],
        _ => vec![json!([MISSING]), json!([i64::MAX]), json!([-1])],
    }
}

/// The base parameters with `name` set to `value` (or removed), its alternative dropped.
fn with(path: &str, base: &Value, name: &str, value: Option<Value>) -> Value {
    let mut p = base.clone();
    let map = p.as_object_mut().expect("parameters are an object");
    for (prefix, param, alternative) in ALTERNATIVES {
        if path.starts_with(prefix) && *param == name {
            map.remove(*alternative);
        }
    }
    match value {
        Some(v) => map.insert(name.to_string(), v),
        None => map.remove(name),
    };
    p
}

/// Every malformed variant of one endpoint's valid request.
fn cases(e: &Endpoint, base: &Value) -> Vec<Case> {
    use Expect::*;
    let has_required = e.params.iter().any(|p| p.required);
    let mut out = vec![
        // (a) no body at all, and an empty object.
        case("(a) empty body", Body::None, if has_required { ClientError } else { NoServerError }),
        case("(a) empty JSON object", Body::Json(json!({})), if has_required { ClientError } else { NoServerError }),
    ];
    // (b) broken JSON, with and without its content type.
    for (text, ct) in [
        (r#"{"id": "#, Some("application/json")),
        (r#"{id: 1}"#, Some("application/json")),
        (r#"{"id": 1,}"#, Some("application/json")),
        (r#"{"id": 1}}"#, Some("application/json")),
        (r#"{"id": "#, None),
        (r#"{"id": "#, Some("text/plain")),
    ] {
        out.push(case(format!("(b) broken JSON {text:?} as {ct:?}"), Body::Raw(text.into(), ct), ClientError));
    }
    out.push(case(
        "(b) a body that is not UTF-8",
        Body::Raw(vec![b'{', 0xff, 0xfe, b'}'], Some("application/json")),
        ClientError,
    ));
    // (e) JSON that is not an object.
    for text in ["[1,2]", "[]", r#"[{"id": 1}]"#, "null", "42", r#""id""#, "true"] {
        out.push(case(format!("(e) JSON body {text}"), Body::Raw(text.into(), Some("application/json")), ClientError));
    }
    let path = e.path;
    for p in &e.params {
        let (name, ty) = (p.name.as_str(), p.kind());
        // (c) each declared parameter with a wrong type; string values also as a query
        // string or form, as most Twist clients send them.
        for v in wrong_values(ty) {
            let params = with(path, base, name, Some(v.clone()));
            if v.is_string() {
                out.push(case(
                    format!("(c) {}={v} as query/form", p.name),
                    Body::Flat(flat_params(&params)),
                    ClientError,
                ));
            }
            out.push(case(format!("(c) {}={v}", p.name), Body::Json(params), ClientError));
        }
        // (d) ids that do not exist.
        if is_id_param(name, ty) {
            let fine = MISSING_ID_IS_FINE.iter().any(|(suffix, n, _)| path.ends_with(suffix) && *n == name);
            let zero_means_none = ZERO_MEANS_NONE.iter().any(|(p, n, _)| path == *p && *n == name);
            for v in missing_ids(ty) {
                if zero_means_none && v == json!(0) {
                    continue;
                }
                let params = with(path, base, name, Some(v.clone()));
                out.push(case(
                    format!("(d) {}={v}", p.name),
                    Body::Json(params),
                    if fine { NoServerError } else { ClientError },
                ));
            }
        }
        // (f) each required parameter left out, directly and inside a batch.
        if p.required {
            let params = with(path, base, name, None);
            out.push(case(format!("(f) without {}", p.name), Body::Json(params.clone()), ClientError));
            if path != "batch" {
                let mut c =
                    case(format!("(f) without {} in a batch", p.name), Body::Flat(flat_params(&params)), ClientError);
                c.in_batch = true;
                out.push(c);
            }
        }
    }
    // (h) each declared bound passed by one: a text one character longer than its
    // `maxLength`, a list one item longer than its `maxItems`, a number one more than its
    // `maximum`. The answer must be a 400 naming the parameter.
    for p in &e.params {
        for (what, v) in over_the_bound(&p.schema, base.get(p.name.as_str())) {
            let params = with(path, base, &p.name, Some(v));
            let mut c = case(format!("(h) {} {what}", p.name), Body::Json(params), ClientError);
            c.names = Some(p.name.clone());
            out.push(c);
        }
        // A post's attachments and actions: their size as JSON and their links.
        if is_loose_objects(&p.schema) {
            let big = json!([{"title": "x".repeat(weft_core::input::MAX_OBJECTS_BYTES)}]);
            for (what, v) in [
                ("larger than its byte limit", big),
                ("with a javascript: link", json!([{"url": "javascript:alert(1)"}])),
                ("with a data: image", json!([{"image": "data:text/html,<script>alert(1)</script>"}])),
                ("with a link to another host without a scheme", json!([{"url": "//evil.example/x"}])),
                ("with a javascript: thumbnail", json!([{"thumbnails": {"64x64": "JavaScript:alert(1)"}}])),
            ] {
                let params = with(path, base, &p.name, Some(v));
                let mut c = case(format!("(h) {} {what}", p.name), Body::Json(params), ClientError);
                c.names = Some(p.name.clone());
                out.push(c);
            }
        }
    }
    // (g) extreme integers in reads (one parameter at a time; never a long-poll timeout).
    if e.verb == Verb::Get {
        for p in e.params.iter().filter(|p| p.kind() == Ty::Int && p.name != "timeout") {
            for v in [json!(i64::MAX), json!(i64::MIN)] {
                let params = with(path, base, &p.name, Some(v.clone()));
                out.push(case(format!("(g) {}={v}", p.name), Body::Json(params), NoServerError));
            }
        }
    }
    // The batch's own parameter, well typed but malformed inside.
    if path == "batch" {
        let eleven: Vec<Value> = (0..11).map(|_| json!({"method": "GET", "url": "/api/v3/workspaces/get"})).collect();
        for requests in [
            json!("abc"),
            json!("[1]"),
            json!("{}"),
            json!(r#"[{"method": "PUT", "url": "/api/v3/workspaces/get"}]"#),
            json!(r#"[{"method": "GET", "url": "/api/v3/batch"}]"#),
            json!(r#"[{"method": "GET", "url": "/elsewhere"}]"#),
            json!(r#"[{"method": "GET"}]"#),
            json!(Value::Array(eleven).to_string()),
        ] {
            // JSON text in a form field, as Twist's SDK sends a batch.
            let text = requests.as_str().expect("JSON text").to_string();
            out.push(case(
                format!("(c) requests={requests}"),
                Body::Flat(vec![("requests".into(), text)]),
                ClientError,
            ));
        }
    }
    out
}

/// Sends one case; answers the status and body (status 0: the connection failed or hung).
async fn send(client: &Client, e: &Endpoint, case: &Case) -> (u16, Value) {
    let http = client.http();
    if case.in_batch {
        let Body::Flat(pairs) = &case.body else { unreachable!() };
        let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        let sub = match e.verb {
            Verb::Get => json!({"method": "GET", "url": format!("/api/v3/{}?{encoded}", e.path)}),
            Verb::Post => {
                json!({"method": "POST", "url": format!("/api/v3/{}", e.path), "body": encoded})
            }
        };
        let req = http.post(client.url("batch")).form(&[("requests", json!([sub]).to_string())]);
        return match tokio::time::timeout(TIMEOUT, client.send(req)).await {
            Ok(Ok((200, body))) => {
                let inner = &body[0];
                let code = inner["code"].as_u64().unwrap_or(0) as u16;
                let inner_body =
                    inner["body"].as_str().and_then(|s| serde_json::from_str(s).ok()).unwrap_or(Value::Null);
                (code, inner_body)
            }
            Ok(Ok((status, body))) => (status, json!({"batch_failed": body})),
            Ok(Err(e)) => (0, e.body),
            Err(_) => (0, json!("timed out")),
        };
    }
    let url = client.url(e.path);
    let req = match e.verb {
        Verb::Get => http.get(url),
        Verb::Post => http.post(url),
    };
    let req = match &case.body {
        Body::None => req,
        Body::Raw(bytes, ct) => {
            let req = req.body(bytes.clone());
            match ct {
                Some(ct) => req.header("content-type", *ct),
                None => req,
            }
        }
        Body::Json(v) => req.json(v),
        Body::Flat(pairs) => match e.verb {
            Verb::Get => req.query(pairs),
            Verb::Post => req.form(pairs),
        },
    };
    match tokio::time::timeout(TIMEOUT, client.send(req)).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) => (0, e.body),
        Err(_) => (0, json!("timed out")),
    }
}

fn problem(status: u16, body: &Value, expect: Expect) -> Option<String> {
    if status == 0 {
        return Some(format!("no answer: the connection was dropped or hung (a panic in the handler?): {body}"));
    }
    if status >= 500 {
        return Some(format!("server error {status}: {body}"));
    }
    if expect == Expect::ClientError && !(400..500).contains(&status) {
        return Some(format!("expected a 4xx, got {status}: {body}"));
    }
    if status >= 400 {
        if !(body["error_code"].is_i64() && body["error_string"].is_string()) {
            return Some(format!("{status} without a JSON error (integer error_code, string error_string): {body}"));
        }
        return authz::error_shape_problem(body).map(|p| format!("{status}: {p}"));
    }
    None
}

/// What Ana sees of the team's workspace, and of herself.
async fn snapshot(fx: &Fx) -> Value {
    let ana = fx.client(Actor::Ana);
    let get = |path: &'static str, params: Value| {
        let ana = ana.clone();
        async move { ana.get(path, params).await.unwrap_or_else(|e| panic!("snapshot {path}: {e}")) }
    };
    let ws = fx.ws();
    let threads = get("threads/get", json!({"workspace_id": ws, "limit": 500})).await;
    let mut comments = serde_json::Map::new();
    for t in threads.as_array().unwrap() {
        let got = get("comments/get", json!({"thread_id": id(t), "limit": 500})).await;
        comments.insert(id(t).to_string(), got);
    }
    let conversations = get("conversations/get", json!({"workspace_id": ws})).await;
    let mut messages = serde_json::Map::new();
    for c in conversations.as_array().unwrap() {
        let got = get("conversation_messages/get", json!({"conversation_id": id(c), "limit": 500})).await;
        messages.insert(id(c).to_string(), got);
    }
    json!({
        "threads": threads,
        "comments": comments,
        "channels": get("channels/get", json!({"workspace_id": ws})).await,
        "groups": get("groups/get", json!({"workspace_id": ws})).await,
        "conversations": conversations,
        "messages": messages,
        "workspace_users": get("workspace_users/get", json!({"id": ws})).await,
        "workspaces": get("workspaces/get", json!({})).await,
        "me": get("users/get_session_user", json!({})).await,
    })
}

/// The paths at which two JSON values differ (at most `max`).
fn diff(a: &Value, b: &Value, at: String, out: &mut Vec<String>, max: usize) {
    if out.len() >= max || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                diff(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), format!("{at}.{k}"), out, max);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                diff(u, v, format!("{at}[{i}]"), out, max);
            }
        }
        _ => out.push(format!("{at}: {a} -> {b}")),
    }
}

both_backends! {
async fn malformed_requests_get_a_4xx_json_error_and_change_nothing(backend: Backend) {
    let api = Api::new();
    let rows = authz::rows();
    let fx = Arc::new(Fx::new(backend).await);

    // A valid request of every endpoint, as Ana, built before the snapshot.
    let mut bases = Vec::new();
    for e in &api.endpoints {
        let row = rows.iter().find(|r| r.path == e.path).unwrap_or_else(|| panic!("{}: no row in the matrix", e.path));
        let (st, _) = row
            .cases
            .iter()
            .find(|(_, outs)| outs[0] == Out::Ok)
            .unwrap_or_else(|| panic!("{}: no state where Ana succeeds", e.path));
        let req = (row.build)(fx.clone(), *st, Actor::Ana).await;
        bases.push((e, req));
    }
    let before = snapshot(&fx).await;

    let mut failures = Vec::new();
    let mut sent = 0;
    for (e, base) in &bases {
        let client = base.client.clone().unwrap_or_else(|| fx.client(Actor::Ana));
        for case in cases(e, &base.params) {
            let (status, body) = send(&client, e, &case).await;
            sent += 1;
            let misnamed = case.names.as_ref().filter(|name| {
                body["error_code"] == json!(20) && body["error_extra"]["argument"].as_str() != Some(name.as_str())
            });
            if let Some(name) = misnamed {
                failures.push(format!("{} {}: the 400 does not name {name}: {body}", e.path, case.label));
            }
            if let Some(p) = problem(status, &body, case.expect) {
                let p: String = if p.chars().count() > 240 { p.chars().take(240).chain("…".chars()).collect() } else { p };
                failures.push(format!("{} {}: {p}", e.path, case.label));
            }
        }
    }

    let after = snapshot(&fx).await;
    let mut changes = Vec::new();
    diff(&before, &after, "snapshot".into(), &mut changes, 30);
    if !changes.is_empty() {
        failures.push(format!(
            "the malformed requests changed the workspace (see the accepted requests above):\n  {}",
            changes.join("\n  ")
        ));
    }
    assert!(failures.is_empty(), "{} of {sent} malformed requests misbehaved:\n{}", failures.len(), failures.join("\n"));
    Arc::try_unwrap(fx).ok().expect("no builder holds the fixture").t.app.stop().await;
}
}

/// Whether a parameter's schema bounds the size of its value: texts by a length, a list of
/// values, a pattern that matches whole values, or a format; lists by a number of items
/// (and their items bounded too); numbers and flags are bounded by their type.
fn is_bounded(s: &Value) -> bool {
    if s.get("$ref").is_some() || s.get("enum").is_some() || s.get("maxLength").is_some() || s.get("format").is_some() {
        return true;
    }
    if let Some(p) = s["pattern"].as_str()
        && p.starts_with('^')
        && p.ends_with('$')
    {
        return true;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = s[key].as_array() {
            return branches.iter().all(|b| is_bounded(&merged(s, b, key)));
        }
    }
    if let Some(all) = s["allOf"].as_array() {
        return all.iter().any(is_bounded);
    }
    match s["type"].as_str() {
        Some("array") => s.get("maxItems").is_some() && (is_loose_objects(s) || is_bounded(&s["items"])),
        Some("object") => s["properties"].as_object().is_none_or(|p| p.values().all(is_bounded)),
        Some("string") => false,
        _ => true,
    }
}

/// A branch of `anyOf`/`oneOf` with the outer schema's own keywords.
fn merged(outer: &Value, branch: &Value, key: &str) -> Value {
    let mut m = outer.as_object().cloned().unwrap_or_default();
    m.remove(key);
    m.extend(branch.as_object().cloned().unwrap_or_default());
    Value::Object(m)
}

#[test]
fn every_text_and_list_parameter_declares_a_bound() {
    let mut unbounded = Vec::new();
    for e in Api::new().endpoints {
        for p in &e.params {
            if !is_bounded(&p.schema) {
                unbounded.push(format!("{} {}: {}", e.path, p.name, p.schema));
            }
        }
    }
    assert!(unbounded.is_empty(), "parameters without a size bound:\n{}", unbounded.join("\n"));
}
