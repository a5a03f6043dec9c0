//! The one deserializer of API input. Twist clients send parameters as a query string, a
//! form body or a JSON body; integers and booleans as strings; lists as JSON arrays, JSON
//! arrays inside a string (`"[1,2]"`) or comma-joined strings (`"1,2"`); objects as JSON or
//! JSON inside a string. `decode` reads an endpoint's input type from any of them, so the
//! type is the endpoint's only declaration of its parameters. Validation lives in the
//! types' own `Deserialize` impls (e.g. an id must be positive); their errors become
//! Twist's "invalid argument" for the field that carried them.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use weft_core::{Error, input};

/// Reads `T` from the merged parameters of a request.
pub fn decode<T: DeserializeOwned>(values: Map<String, Value>) -> Result<T, Error> {
    input::take_rejection();
    let result = T::deserialize(Lenient { value: Value::Object(values) });
    match result {
        Ok(v) => Ok(v),
        Err(e) => Err(match input::take_rejection() {
            Some(domain) => e.with_domain(domain),
            None => e,
        }
        .into_error()),
    }
}

/// Why decoding failed, and for which parameter.
#[derive(Debug)]
pub struct DecodeError {
    field: Option<String>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Missing,
    Invalid(String),
    /// A domain error with its own Twist code (an invalid email, a short password …).
    Domain(Error),
}

impl DecodeError {
    fn invalid(reason: impl Into<String>) -> Self {
        DecodeError { field: None, kind: Kind::Invalid(reason.into()) }
    }

    /// Names the parameter this error came from. An error inside a nested object or list
    /// is the outer parameter's, with the inner field named in the reason.
    fn at(mut self, field: &str) -> Self {
        if let Some(inner) = self.field.take() {
            self.kind = match self.kind {
                Kind::Missing => Kind::Invalid(format!("{inner} is missing")),
                Kind::Invalid(reason) => Kind::Invalid(format!("{inner}: {reason}")),
                domain => domain,
            };
        }
        self.field = Some(field.to_string());
        self
    }

    fn with_domain(mut self, e: Error) -> Self {
        self.kind = Kind::Domain(e);
        self
    }

    fn into_error(self) -> Error {
        let field = self.field.unwrap_or_else(|| "parameters".to_string());
        match self.kind {
            Kind::Missing => Error::MissingArgument(field),
            Kind::Invalid(reason) => Error::InvalidArgument { name: field, reason },
            // A plain invalid-argument error from a type names the field it was found in.
            Kind::Domain(Error::InvalidArgument { name, reason }) if name.is_empty() => {
                Error::InvalidArgument { name: field, reason }
            }
            Kind::Domain(e) => e,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Missing => write!(f, "missing"),
            Kind::Invalid(reason) => f.write_str(reason),
            Kind::Domain(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError::invalid(msg.to_string())
    }

    fn missing_field(field: &'static str) -> Self {
        DecodeError { field: Some(field.to_string()), kind: Kind::Missing }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DecodeError::invalid(format!("unknown value {variant:?}, expected one of {}", expected.join(", ")))
    }
}

/// A JSON value read leniently, as Twist clients write it.
struct Lenient {
    value: Value,
}

fn lenient(value: Value) -> Lenient {
    Lenient { value }
}

/// A blank string means "not given" where a number or a flag is expected (form clients
/// send empty fields).
fn is_blank(v: &Value) -> bool {
    matches!(v, Value::String(s) if s.trim().is_empty())
}

/// A list given as a string: a JSON array, or comma-joined items.
fn list_from_str(s: &str) -> Result<Vec<Value>, DecodeError> {
    let s = s.trim();
    if s.starts_with('[') {
        match serde_json::from_str(s) {
            Ok(Value::Array(items)) => Ok(items),
            _ => Err(DecodeError::invalid("expected a list")),
        }
    } else if s.is_empty() {
        Ok(Vec::new())
    } else {
        Ok(s.split(',').map(|p| Value::String(p.trim().to_string())).collect())
    }
}

/// Integers given as a string: a JSON array, or comma-joined.
pub fn integers_from_str(s: &str) -> Result<Vec<i64>, String> {
    let bad = || "expected a list of integers".to_string();
    list_from_str(s)
        .map_err(|_| bad())?
        .iter()
        .map(|v| match v {
            Value::Number(n) => n.as_i64().ok_or_else(bad),
            Value::String(s) => s.trim().parse().map_err(|_| bad()),
            _ => Err(bad()),
        })
        .collect()
}

impl Lenient {
    fn integer(&self) -> Result<i64, DecodeError> {
        let bad = || DecodeError::invalid("expected an integer");
        match &self.value {
            Value::Number(n) => n.as_i64().ok_or_else(bad),
            Value::String(s) => s.trim().parse().map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

impl<'de> de::Deserializer<'de> for Lenient {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::Null => v.visit_unit(),
            Value::Bool(b) => v.visit_bool(b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => v.visit_i64(i),
                (None, Some(u)) => v.visit_u64(u),
                _ => v.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => v.visit_string(s),
            Value::Array(items) => v.visit_seq(Seq(items.into_iter())),
            Value::Object(map) => v.visit_map(Fields { entries: map.into_iter(), current: None }),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        let bad = || DecodeError::invalid("expected true or false");
        match &self.value {
            Value::Bool(b) => v.visit_bool(*b),
            Value::Number(n) if n.as_i64() == Some(0) => v.visit_bool(false),
            Value::Number(n) if n.as_i64() == Some(1) => v.visit_bool(true),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => v.visit_bool(true),
                "false" | "0" | "no" => v.visit_bool(false),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        v.visit_i64(self.integer()?)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        v.visit_i64(self.integer()?)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        v.visit_i64(self.integer()?)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        v.visit_i64(self.integer()?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::String(s) => v.visit_string(s),
            _ => Err(DecodeError::invalid("expected a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, v: V) -> Result<V::Value, DecodeError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        let items = match self.value {
            Value::Array(items) => items,
            Value::String(s) => list_from_str(&s)?,
            Value::Number(n) => vec![Value::Number(n)],
            _ => return Err(DecodeError::invalid("expected a list")),
        };
        v.visit_seq(Seq(items.into_iter()))
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        let bad = || DecodeError::invalid("expected a JSON object");
        let map = match self.value {
            Value::Object(map) => map,
            Value::String(s) => match serde_json::from_str(&s) {
                Ok(Value::Object(map)) => map,
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        };
        v.visit_map(Fields { entries: map.into_iter(), current: None })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_map(v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::String(s) => v.visit_enum(s.trim().to_string().into_deserializer()),
            _ => Err(DecodeError::invalid("expected a string")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        v.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 u8 u16 i128 u128 f32 f64 char bytes byte_buf unit unit_struct tuple tuple_struct identifier
    }
}

impl<'de> IntoDeserializer<'de, DecodeError> for Lenient {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

struct Seq(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Seq {
    type Error = DecodeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DecodeError> {
        self.0.next().map(|v| seed.deserialize(lenient(v))).transpose()
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The fields of an object. A `null` field is one not given.
struct Fields {
    entries: serde_json::map::IntoIter,
    current: Option<(String, Value)>,
}

impl<'de> MapAccess<'de> for Fields {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DecodeError> {
        for (key, value) in self.entries.by_ref() {
            if value.is_null() {
                continue;
            }
            let k = seed.deserialize(de::value::StrDeserializer::<DecodeError>::new(&key))?;
            self.current = Some((key, value));
            return Ok(Some(k));
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DecodeError> {
        let (key, value) = self.current.take().ok_or_else(|| DecodeError::invalid("a value without a key"))?;
        seed.deserialize(lenient(value)).map_err(|e| e.at(&key))
    }
}

/// Drops blank strings given for parameters whose declared type is a number or a flag:
/// form clients send empty fields, and Twist treats them as not given.
pub fn drop_blank_scalars(values: &mut Map<String, Value>, declared: &[super::params::Param]) {
    values.retain(|k, v| !(is_blank(v) && declared.iter().any(|p| p.name == *k && p.is_scalar())));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;
    use weft_core::ThreadId;

    #[derive(Debug, Deserialize, PartialEq, schemars::JsonSchema)]
    struct Input {
        id: ThreadId,
        #[serde(default)]
        ids: Option<Vec<i64>>,
        #[serde(default)]
        flag: Option<bool>,
        #[serde(default)]
        name: Option<String>,
    }

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn every_encoding_of_lists_numbers_and_flags() {
        for ids in [json!([1, 2]), json!("[1,2]"), json!("1, 2"), json!(["1", "2"])] {
            let got: Input = decode(map(json!({"id": "7", "ids": ids, "flag": "yes"}))).unwrap();
            assert_eq!(got, Input { id: ThreadId(7), ids: Some(vec![1, 2]), flag: Some(true), name: None });
        }
        let got: Input = decode(map(json!({"id": 7, "ids": "", "name": ""}))).unwrap();
        assert_eq!((got.ids, got.name), (Some(vec![]), Some(String::new())));
    }

    #[test]
    fn errors_name_the_parameter() {
        assert_eq!(decode::<Input>(map(json!({}))), Err(Error::missing("id")));
        assert_eq!(decode::<Input>(map(json!({"id": null}))), Err(Error::missing("id")));
        assert_eq!(decode::<Input>(map(json!({"id": 0}))), Err(Error::invalid("id", "expected a positive id")));
        assert_eq!(decode::<Input>(map(json!({"id": "x"}))), Err(Error::invalid("id", "expected an integer")));
        assert_eq!(
            decode::<Input>(map(json!({"id": 1, "ids": "1,x"}))),
            Err(Error::invalid("ids", "expected an integer"))
        );
        assert_eq!(
            decode::<Input>(map(json!({"id": 1, "flag": "maybe"}))),
            Err(Error::invalid("flag", "expected true or false"))
        );
        assert_eq!(decode::<Input>(map(json!({"id": 1, "name": 3}))), Err(Error::invalid("name", "expected a string")));
    }

    #[test]
    fn joined_inputs_read_the_same_parameters_leniently() {
        #[derive(Debug, Deserialize, schemars::JsonSchema)]
        struct Page {
            #[serde(default)]
            limit: Option<i64>,
        }
        let Joined(a, b): Joined<Input, Page> = decode(map(json!({"id": "3", "ids": "1,2", "limit": "5"}))).unwrap();
        assert_eq!((a.id, a.ids, b.limit), (ThreadId(3), Some(vec![1, 2]), Some(5)));
        assert_eq!(
            decode::<Joined<Input, Page>>(map(json!({"id": 3, "limit": "x"}))).unwrap_err(),
            Error::invalid("limit", "expected an integer")
        );
        let schema = schemars::SchemaGenerator::default().into_root_schema_for::<Joined<Page, Input>>().to_value();
        let props: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
        assert_eq!(props, ["flag", "id", "ids", "limit", "name"]);
        assert_eq!(schema["required"], json!(["id"]));
    }

    #[test]
    fn domain_errors_keep_their_codes() {
        #[derive(Debug, Deserialize)]
        struct Login {
            #[allow(dead_code)]
            email: input::Email,
        }
        assert_eq!(decode::<Login>(map(json!({"email": "nope"}))).unwrap_err(), Error::EmailInvalid);
    }
}

/// Two input types read from the same parameters: an endpoint's own fields and a group of
/// fields several endpoints share (a post's attachments and mentions, a page of items).
/// Its schema is the two object schemas merged. (serde's `flatten` would lose the lenient
/// encodings: it buffers values before the field types see them.)
#[derive(Debug)]
pub struct Joined<A, B>(pub A, pub B);

impl<'de, A: DeserializeOwned, B: DeserializeOwned> serde::Deserialize<'de> for Joined<A, B> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let values = <Map<String, Value> as serde::Deserialize>::deserialize(d)?;
        let a = decode::<A>(values.clone()).map_err(input::reject)?;
        let b = decode::<B>(values).map_err(input::reject)?;
        Ok(Joined(a, b))
    }
}

impl<A: schemars::JsonSchema, B: schemars::JsonSchema> schemars::JsonSchema for Joined<A, B> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("{}And{}", A::schema_name(), B::schema_name()).into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut merged = A::json_schema(g).to_value();
        let mut other = B::json_schema(g).to_value();
        // Rules across fields (`anyOf`, `oneOf`, `not`, `allOf`) of both must hold.
        let mut rules = Vec::new();
        for schema in [&mut merged, &mut other] {
            if let Some(obj) = schema.as_object_mut() {
                for key in ["anyOf", "oneOf", "not", "allOf"] {
                    if let Some(rule) = obj.remove(key) {
                        rules.push(serde_json::json!({ key: rule }));
                    }
                }
            }
        }
        let obj = merged.as_object_mut().expect("an input type is an object");
        for (key, value) in other.as_object().into_iter().flatten() {
            match (obj.get_mut(key), value) {
                (Some(Value::Object(mine)), Value::Object(theirs)) if key == "properties" => {
                    mine.extend(theirs.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                (Some(Value::Array(mine)), Value::Array(theirs)) if key == "required" => {
                    mine.extend(theirs.iter().cloned());
                }
                (None, _) => {
                    obj.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        if !rules.is_empty() {
            obj.insert("allOf".into(), Value::Array(rules));
        }
        schemars::Schema::try_from(merged).expect("an object schema")
    }
}
