//! Request parameters in every encoding Twist clients use: the query string, a JSON body,
//! a form-encoded body (also for POSTs with parameters in the query string), merged into
//! one JSON object that `decode` reads the endpoint's input type from. The parameter list
//! of each endpoint is read off its input type's schema.

use serde_json::{Map, Value};
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
                _ => Kind::Ids,
            },
            Some(_) => Kind::Str,
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

/// The parameters of an input type: the properties of its object schema.
pub fn declared(input: &super::SchemaFn) -> Vec<Param> {
    let mut g = input_generator();
    let mut schema = input(&mut g);
    for t in g.transforms_mut() {
        t.transform(&mut schema);
    }
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

/// Parses a query string and a body into one set of parameters (the body wins). A key
/// repeated in one of them (`ids=1&ids=2`) is a list.
pub fn parse(query: Option<&str>, content_type: Option<&str>, body: &[u8]) -> Result<Map<String, Value>> {
    let mut values = Map::new();
    if let Some(q) = query {
        values = form_pairs(q.as_bytes());
    }
    let body_text = std::str::from_utf8(body).map_err(|_| Error::BadRequest("the body is not UTF-8".into()))?;
    if body_text.trim().is_empty() {
        return Ok(values);
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let looks_json = body_text.trim_start().starts_with('{');
    if ct.starts_with("application/x-www-form-urlencoded") || (!looks_json && !ct.contains("json")) {
        values.extend(form_pairs(body));
    } else {
        match serde_json::from_str::<Value>(body_text) {
            Ok(Value::Object(obj)) => values.extend(obj),
            Ok(_) => return Err(Error::BadRequest("the JSON body must be an object".into())),
            Err(e) => return Err(Error::BadRequest(format!("malformed JSON body: {e}"))),
        }
    }
    Ok(values)
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

/// The declared type of a parameter, used for the OpenAPI document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Int,
    Str,
    Bool,
    Ids,
    /// A list of ids or the string "EVERYONE".
    Recipients,
    /// A JSON array of objects.
    Objects,
    /// A JSON object.
    Object,
}

#[derive(Debug, Clone, Copy)]
pub struct LegacyParam {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
}

pub const fn req(name: &'static str, ty: Ty) -> LegacyParam {
    LegacyParam { name, ty, required: true }
}

pub const fn opt(name: &'static str, ty: Ty) -> LegacyParam {
    LegacyParam { name, ty, required: false }
}

#[derive(Debug, Default, Clone)]
pub struct Params {
    values: Map<String, Value>,
    /// The endpoint's declared parameters; reading an undeclared one is a bug the tests catch.
    declared: &'static [LegacyParam],
}

impl Params {
    pub fn new(values: Map<String, Value>, declared: &'static [LegacyParam]) -> Self {
        Params { values, declared }
    }

    fn raw(&self, name: &str) -> Option<&Value> {
        debug_assert!(
            self.declared.iter().any(|p| p.name == name),
            "handler reads parameter `{name}` that its endpoint does not declare"
        );
        match self.values.get(name) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// Whether the endpoint takes this parameter at all.
    pub fn declares(&self, name: &str) -> bool {
        self.declared.iter().any(|p| p.name == name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.raw(name).is_some()
    }

    pub fn opt_i64(&self, name: &str) -> Result<Option<i64>> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| Error::invalid(name, "expected an integer")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => {
                s.trim().parse().map(Some).map_err(|_| Error::invalid(name, "expected an integer"))
            }
            Some(_) => Err(Error::invalid(name, "expected an integer")),
        }
    }

    pub fn i64(&self, name: &str) -> Result<i64> {
        self.opt_i64(name)?.ok_or_else(|| Error::missing(name))
    }

    /// An id: a positive integer.
    pub fn id(&self, name: &str) -> Result<i64> {
        let v = self.i64(name)?;
        if v <= 0 { Err(Error::invalid(name, "expected a positive id")) } else { Ok(v) }
    }

    pub fn opt_id(&self, name: &str) -> Result<Option<i64>> {
        match self.opt_i64(name)? {
            Some(v) if v <= 0 => Err(Error::invalid(name, "expected a positive id")),
            other => Ok(other),
        }
    }

    pub fn opt_str(&self, name: &str) -> Result<Option<String>> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid(name, "expected a string")),
        }
    }

    pub fn str(&self, name: &str) -> Result<String> {
        self.opt_str(name)?.ok_or_else(|| Error::missing(name))
    }

    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) if n.as_i64() == Some(0) => Ok(Some(false)),
            Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(Some(true)),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" | "1" | "yes" => Ok(Some(true)),
                "false" | "0" | "no" => Ok(Some(false)),
                _ => Err(Error::invalid(name, "expected true or false")),
            },
            Some(_) => Err(Error::invalid(name, "expected true or false")),
        }
    }

    /// A list of integers: a JSON array, a JSON array in a string, or comma-joined.
    pub fn opt_ids(&self, name: &str) -> Result<Option<Vec<i64>>> {
        let bad = || Error::invalid(name, "expected a list of integers");
        let int_of = |v: &Value| -> Result<i64> {
            match v {
                Value::Number(n) => n.as_i64().ok_or_else(bad),
                Value::String(s) => s.trim().parse().map_err(|_| bad()),
                _ => Err(bad()),
            }
        };
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items.iter().map(int_of).collect::<Result<_>>().map(Some),
            Some(Value::Number(_)) => Ok(Some(vec![int_of(self.raw(name).expect("present"))?])),
            Some(Value::String(s)) => {
                let s = s.trim();
                if s.starts_with('[') {
                    let parsed: Value = serde_json::from_str(s).map_err(|_| bad())?;
                    match parsed {
                        Value::Array(items) => items.iter().map(int_of).collect::<Result<_>>().map(Some),
                        _ => Err(bad()),
                    }
                } else if s.is_empty() {
                    Ok(Some(Vec::new()))
                } else {
                    s.split(',').map(|p| p.trim().parse::<i64>().map_err(|_| bad())).collect::<Result<_>>().map(Some)
                }
            }
            Some(_) => Err(bad()),
        }
    }

    pub fn ids(&self, name: &str) -> Result<Vec<i64>> {
        self.opt_ids(name)?.ok_or_else(|| Error::missing(name))
    }

    /// `"EVERYONE"` (also `"EVERYONE_IN_THREAD"` from older clients) or a list of ids.
    pub fn opt_recipients(&self, name: &str) -> Result<Option<RecipientsParam>> {
        if let Some(Value::String(s)) = self.raw(name) {
            match s.trim() {
                "EVERYONE" => return Ok(Some(RecipientsParam::Everyone)),
                "EVERYONE_IN_THREAD" => return Ok(Some(RecipientsParam::EveryoneInThread)),
                _ => {}
            }
        }
        Ok(self.opt_ids(name)?.map(RecipientsParam::Ids))
    }

    /// A JSON array of objects, given as an array or as a JSON string.
    pub fn opt_objects(&self, name: &str) -> Result<Option<Vec<Value>>> {
        let bad = || Error::invalid(name, "expected a JSON array of objects");
        let value = match self.raw(name) {
            None => return Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(Some(Vec::new())),
            Some(Value::String(s)) => serde_json::from_str::<Value>(s).map_err(|_| bad())?,
            Some(v) => v.clone(),
        };
        match value {
            Value::Array(items) if items.iter().all(Value::is_object) => Ok(Some(items)),
            _ => Err(bad()),
        }
    }

    /// A JSON object, given as an object or a JSON string. An empty string means "clear".
    pub fn opt_object(&self, name: &str) -> Result<Option<Option<Map<String, Value>>>> {
        let bad = || Error::invalid(name, "expected a JSON object");
        let value = match self.raw(name) {
            None => return Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(Some(None)),
            Some(Value::String(s)) => serde_json::from_str::<Value>(s).map_err(|_| bad())?,
            Some(v) => v.clone(),
        };
        match value {
            Value::Object(o) => Ok(Some(Some(o))),
            _ => Err(bad()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RecipientsParam {
    Everyone,
    EveryoneInThread,
    Ids(Vec<i64>),
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECLARED: &[LegacyParam] = &[
        opt("a", Ty::Ids),
        opt("b", Ty::Ids),
        opt("c", Ty::Ids),
        opt("n", Ty::Int),
        opt("flag", Ty::Bool),
        opt("r", Ty::Recipients),
    ];

    fn params(query: &str, ct: &str, body: &str) -> Params {
        Params::new(parse(Some(query), Some(ct), body.as_bytes()).unwrap(), DECLARED)
    }

    #[test]
    fn lists_in_every_encoding() {
        let p = params("a=1,2&b=[3,4]", "application/json", r#"{"c":[5,6]}"#);
        assert_eq!(p.opt_ids("a").unwrap(), Some(vec![1, 2]));
        assert_eq!(p.opt_ids("b").unwrap(), Some(vec![3, 4]));
        assert_eq!(p.opt_ids("c").unwrap(), Some(vec![5, 6]));
    }

    #[test]
    fn form_bodies_and_typed_errors() {
        let p = params("", "application/x-www-form-urlencoded", "n=12&flag=true&r=EVERYONE&a=x");
        assert_eq!(p.i64("n").unwrap(), 12);
        assert_eq!(p.opt_bool("flag").unwrap(), Some(true));
        assert_eq!(p.opt_recipients("r").unwrap(), Some(RecipientsParam::Everyone));
        assert!(matches!(p.opt_ids("a"), Err(Error::InvalidArgument { .. })));
        assert!(matches!(p.i64("b"), Err(Error::MissingArgument(_))));
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        assert!(matches!(parse(None, Some("application/json"), b"{nope"), Err(Error::BadRequest(_))));
        assert!(matches!(parse(None, Some("application/json"), b"[1]"), Err(Error::BadRequest(_))));
    }
}
