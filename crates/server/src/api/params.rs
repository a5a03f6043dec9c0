//! Request parameters in every encoding Twist clients use: the query string, a JSON body,
//! a form-encoded body (also for POSTs with parameters in the query string), merged into
//! one JSON object that `decode` reads the endpoint's input type from. The parameter list
//! of each endpoint is read off its input type's schema.

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use weft_core::{Error, Result};

/// One parameter of an endpoint, as its input type's schema declares it.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub schema: Value,
    pub required: bool,
}

/// The shape of a parameter's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Str,
    Bool,
    /// A list of integers (ids, days).
    Ids,
    /// A list of texts: never comma-joined.
    Texts,
    /// A list of ids or the string `EVERYONE`.
    Recipients,
    /// A list of JSON objects.
    Objects,
    /// A JSON object.
    Object,
}

impl Param {
    pub fn kind(&self) -> Kind {
        let s = &self.schema;
        let ty = |v: &Value| v.get("type").and_then(Value::as_str).map(str::to_string);
        match ty(s).as_deref() {
            Some("integer" | "number") => Kind::Int,
            Some("boolean") => Kind::Bool,
            Some("object") => Kind::Object,
            Some("array") => match s.get("items").and_then(ty).as_deref() {
                Some("object") => Kind::Objects,
                Some("string") => Kind::Texts,
                _ => Kind::Ids,
            },
            Some(_) => Kind::Str,
            // A flag in a query or a form: a boolean, or its text.
            None if s["anyOf"].as_array().is_some_and(|o| o.iter().any(|v| ty(v).as_deref() == Some("boolean"))) => {
                Kind::Bool
            }
            None if s.get("anyOf").is_some() || s.get("oneOf").is_some() => Kind::Recipients,
            None => Kind::Object,
        }
    }

    /// A number or a flag: a blank string for it means "not given".
    pub fn is_scalar(&self) -> bool {
        matches!(self.kind(), Kind::Int | Kind::Bool)
    }
}

/// The schema generator for input types: every schema inline, as OpenAPI 3.0 writes them.
pub fn input_generator() -> schemars::SchemaGenerator {
    schemars::generate::SchemaSettings::openapi3()
        .with(|s| {
            s.inline_subschemas = true;
            s.contract = schemars::generate::Contract::Deserialize;
        })
        .into_generator()
}

/// The schema of an input type as the document shows it: in a JSON body an optional
/// parameter may be `null` (the same as leaving it out); in a query string or a form there
/// is no `null` (it would be the text "null"), so there it is not marked nullable.
pub fn input_schema(input: &super::SchemaFn, g: &mut schemars::SchemaGenerator, json: bool) -> Value {
    let mut schema = input(g);
    for t in g.transforms_mut() {
        t.transform(&mut schema);
    }
    let mut schema = schema.to_value();
    let required: Vec<Value> = schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, s) in props.iter_mut() {
            if !json {
                not_nullable(s);
                flag_as_text(s);
            } else if !required.contains(&Value::from(name.as_str())) && !is_nullable(s) {
                // The decoder reads `null` as "not given" for every parameter, including one
                // whose default is not an `Option` (an empty date).
                s["nullable"] = Value::Bool(true);
            }
        }
    }
    // A rule across parameters (`anyOf: [{required: [id]}, …]`) is met by a parameter that
    // carries a value: in a JSON body `null` is the same as leaving it out. So each rule
    // names the parameter with its schema without `null`.
    if json && let Some(props) = schema.get("properties").and_then(Value::as_object).cloned() {
        rules_need_values(&mut schema, &props);
    }
    // A rule's own statement of a flag (`mention_self: true`) is text in a form too.
    if !json {
        for_each_rule(&mut schema, &mut |rule| {
            for s in rule.get_mut("properties").and_then(Value::as_object_mut).into_iter().flat_map(|p| p.values_mut())
            {
                flag_as_text(s);
            }
        });
    }
    schema
}

/// Calls `f` on every rule inside `anyOf`, `oneOf`, `allOf` and `not`, however deep.
fn for_each_rule(schema: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    for key in ["anyOf", "oneOf", "allOf", "not"] {
        let rules: Vec<&mut Value> = match schema.get_mut(key) {
            Some(Value::Array(list)) => list.iter_mut().collect(),
            Some(one) => vec![one],
            None => continue,
        };
        for rule in rules {
            f(rule);
            for_each_rule(rule, f);
        }
    }
}

/// Adds to every `required` list inside `anyOf`, `oneOf`, `allOf` and `not` the schemas of
/// the parameters it names, without `null`.
fn rules_need_values(schema: &mut Value, props: &Map<String, Value>) {
    for_each_rule(schema, &mut |rule| {
        let names: Vec<String> =
            rule["required"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
        for name in names {
            let Some(mut s) = props.get(&name).cloned() else { continue };
            not_nullable(&mut s);
            s.as_object_mut().map(|o| o.remove("description"));
            if !rule.get("properties").is_some_and(Value::is_object) {
                rule["properties"] = Value::Object(Map::new());
            }
            // A rule's own statement of the parameter (a pattern) is kept, and completed.
            let stated = rule["properties"].as_object_mut().expect("an object").entry(name).or_insert(Value::Null);
            match (stated, s) {
                (Value::Object(mine), Value::Object(whole)) => {
                    for (k, v) in whole {
                        mine.entry(k).or_insert(v);
                    }
                }
                (stated, s) => *stated = s,
            }
        }
    });
}

/// In a query string or a form a flag is text: `true`/`false`, `1`/`0` or `yes`/`no`.
fn flag_as_text(s: &mut Value) {
    if s.get("type") == Some(&Value::from("boolean")) {
        let description = s.get("description").cloned();
        // A rule may ask for one value (`{"type": "boolean", "enum": [true]}`).
        let only = s.get("enum").and_then(Value::as_array).filter(|e| e.len() == 1).and_then(|e| e[0].as_bool());
        let texts: Vec<&str> = match only {
            Some(true) => vec!["true", "1", "yes"],
            Some(false) => vec!["false", "0", "no"],
            None => vec!["true", "false", "1", "0", "yes", "no"],
        };
        let boolean = match only {
            Some(b) => serde_json::json!({"type": "boolean", "enum": [b]}),
            None => serde_json::json!({"type": "boolean"}),
        };
        *s = serde_json::json!({"anyOf": [boolean, {"type": "string", "enum": texts}]});
        if let Some(d) = description {
            s["description"] = d;
        }
    }
}

/// Whether a schema allows `null`: `nullable`, or an alternative that is `null`.
fn is_nullable(s: &Value) -> bool {
    s.get("nullable") == Some(&Value::Bool(true))
        || s["anyOf"].as_array().is_some_and(|o| o.iter().any(|v| v.get("nullable") == Some(&Value::Bool(true))))
}

pub(crate) fn not_nullable(s: &mut Value) {
    let Some(obj) = s.as_object_mut() else { return };
    obj.remove("nullable");
    if obj.get("default").is_some_and(Value::is_null) {
        obj.remove("default");
    }
    if let Some(Value::Array(values)) = obj.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    let is_null = |v: &Value| {
        v.get("enum").is_some_and(|e| e == &serde_json::json!([null])) || v.get("type") == Some(&Value::from("null"))
    };
    if let Some(Value::Array(mut options)) = obj.remove("anyOf") {
        options.retain(|v| !is_null(v));
        if options.len() == 1 {
            let only = options.pop().expect("one option");
            if let Value::Object(inner) = only {
                for (k, v) in inner {
                    obj.entry(k).or_insert(v);
                }
            }
        } else {
            obj.insert("anyOf".into(), Value::Array(options));
        }
    }
}

/// The parameters of an input type: the properties of its object schema.
pub fn declared(input: &super::SchemaFn) -> Vec<Param> {
    let schema = input_schema(input, &mut input_generator(), false);
    let obj = schema.as_object();
    let required: Vec<&str> = obj
        .and_then(|o| o.get("required"))
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let props = obj.and_then(|o| o.get("properties")).and_then(Value::as_object);
    props
        .map(|p| {
            p.iter()
                .map(|(name, schema)| Param {
                    name: name.clone(),
                    schema: schema.clone(),
                    required: required.contains(&name.as_str()),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A request's parameters, merged from its query string and its body.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub values: Map<String, Value>,
    /// The parameters that came in a JSON body: typed, so read strictly (see `decode`).
    pub typed: BTreeSet<String>,
}

/// Parses a query string and a body into one set of parameters (the body wins). A key
/// repeated in one of them (`ids=1&ids=2`) is a list.
pub fn parse(query: Option<&str>, content_type: Option<&str>, body: &[u8]) -> Result<Params> {
    let mut params = Params::default();
    if let Some(q) = query {
        params.values = form_pairs(q.as_bytes());
    }
    let body_text = std::str::from_utf8(body).map_err(|_| Error::BadRequest("the body is not UTF-8".into()))?;
    if body_text.trim().is_empty() {
        return Ok(params);
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let looks_json = body_text.trim_start().starts_with('{');
    if ct.starts_with("application/x-www-form-urlencoded") || (!looks_json && !ct.contains("json")) {
        params.values.extend(form_pairs(body));
    } else {
        match serde_json::from_str::<Value>(body_text) {
            Ok(Value::Object(obj)) => {
                params.typed.extend(obj.keys().cloned());
                params.values.extend(obj);
            }
            Ok(_) => return Err(Error::BadRequest("the JSON body must be an object".into())),
            Err(e) => return Err(Error::BadRequest(format!("malformed JSON body: {e}"))),
        }
    }
    Ok(params)
}

fn form_pairs(raw: &[u8]) -> Map<String, Value> {
    let mut values = Map::new();
    for (k, v) in form_urlencoded::parse(raw) {
        let v = Value::String(v.into_owned());
        match values.get_mut(k.as_ref()) {
            Some(Value::Array(items)) => items.push(v),
            Some(first) => *first = Value::Array(vec![first.take(), v]),
            None => {
                values.insert(k.into_owned(), v);
            }
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_wins_and_repeated_form_keys_are_lists() {
        let v = parse(Some("a=1&b=2&b=3"), Some("application/x-www-form-urlencoded"), b"a=4").unwrap();
        assert_eq!(Value::Object(v.values), serde_json::json!({"a": "4", "b": ["2", "3"]}));
        assert!(v.typed.is_empty());
    }

    #[test]
    fn json_body_keys_are_typed_query_keys_are_not() {
        let v = parse(Some("a=1&b=2"), Some("application/json"), br#"{"b": 3, "c": [1]}"#).unwrap();
        assert_eq!(Value::Object(v.values), serde_json::json!({"a": "1", "b": 3, "c": [1]}));
        assert_eq!(v.typed.into_iter().collect::<Vec<_>>(), ["b", "c"]);
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        assert!(matches!(parse(None, Some("application/json"), b"{nope"), Err(Error::BadRequest(_))));
        assert!(matches!(parse(None, Some("application/json"), b"[1]"), Err(Error::BadRequest(_))));
    }
}
