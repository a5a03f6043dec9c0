//! The one deserializer of API input. Twist clients send parameters as a query string, a
//! form body or a JSON body. In a query string or a form everything is text, and Twist's
//! clients encode there integers and flags as text, lists as repeated fields, JSON arrays
//! inside a string (`"[1,2]"`) or comma-joined strings (`"1,2"`), objects as JSON inside a
//! string: all of these are read (**lenient**). A JSON body is typed, as Twist's SDK writes
//! it: there an integer must be a JSON number, a flag a JSON boolean, a list a JSON array
//! and an object a JSON object (**strict**), unless the type states an alternative itself
//! (`recipients` may be `"EVERYONE"`, `away_mode` a blank string to clear it). `decode`
//! reads an endpoint's input type from any of them, so the type is the endpoint's only
//! declaration of its parameters. Validation lives in the types' own `Deserialize` impls
//! (e.g. an id must be positive); their errors become Twist's "invalid argument" for the
//! field that carried them.

use super::params::Params;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;
use weft_core::{Error, input};

/// Reads `T` from parameters that all came as text (a query string, a form).
pub fn decode<T: DeserializeOwned>(values: Map<String, Value>) -> Result<T, Error> {
    decode_params(Params { values, typed: BTreeSet::new() })
}

/// Reads `T` from the merged parameters of a request: those from a JSON body strictly,
/// the others leniently.
pub fn decode_params<T: DeserializeOwned>(params: Params) -> Result<T, Error> {
    input::take_rejection();
    let typed = if params.typed.is_empty() { Typed::No } else { Typed::Keys(Arc::new(params.typed)) };
    let result = T::deserialize(Lenient { value: Value::Object(params.values), typed });
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

/// A JSON value read as Twist clients write it: leniently when it came as text, strictly
/// when it came in a JSON body.
#[derive(Clone)]
struct Lenient {
    value: Value,
    typed: Typed,
}

/// Whether a value came typed (in a JSON body), so that no text encoding applies to it.
#[derive(Clone)]
enum Typed {
    /// Text (a query string, a form field, JSON inside a form field): read leniently.
    No,
    /// From a JSON body: read strictly.
    Yes,
    /// The parameters themselves: those named came from a JSON body.
    Keys(Arc<BTreeSet<String>>),
}

impl Typed {
    /// How the value under `key` of an object read this way came.
    fn of(&self, key: &str) -> Typed {
        match self {
            Typed::Keys(keys) if keys.contains(key) => Typed::Yes,
            Typed::Keys(_) => Typed::No,
            other => other.clone(),
        }
    }

    /// How the items of a list read this way came.
    fn inside(&self) -> Typed {
        if self.strict() { Typed::Yes } else { Typed::No }
    }

    fn strict(&self) -> bool {
        matches!(self, Typed::Yes)
    }
}

/// The name under which [`Given`] asks for a value as given.
const GIVEN: &str = "$weft::Given";

/// A parameter's value as given, and whether it came as text (in a query string or a form,
/// where Twist clients encode lists and objects as text) rather than typed in a JSON body.
/// Types with their own alternatives to read (recipients, away mode, a list of texts) read
/// their value through it, so that they too read text encodings only where they apply.
pub struct Given {
    pub value: Value,
    pub as_text: bool,
}

impl<'de> serde::Deserialize<'de> for Given {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Given;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value")
            }
            // Another deserializer than this module's: its values are read as text may be.
            fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<Given, D::Error> {
                Ok(Given { value: <Value as serde::Deserialize>::deserialize(d)?, as_text: true })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Given, A::Error> {
                let value = seq.next_element::<Value>()?.ok_or_else(|| de::Error::custom("no value"))?;
                let as_text = seq.next_element::<bool>()?.unwrap_or(true);
                Ok(Given { value, as_text })
            }
        }
        d.deserialize_newtype_struct(GIVEN, V)
    }
}

/// The name under which [`Joined`] asks for the parameters twice.
const JOINED: &str = "$weft::Joined";

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
            Value::String(s) if !self.typed.strict() => s.trim().parse().map_err(|_| bad()),
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
            Value::Array(items) => v.visit_seq(Seq(items.into_iter(), self.typed.inside())),
            Value::Object(map) => v.visit_map(Fields { entries: map.into_iter(), current: None, typed: self.typed }),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        let bad = || DecodeError::invalid("expected true or false");
        match &self.value {
            Value::Bool(b) => v.visit_bool(*b),
            _ if self.typed.strict() => Err(bad()),
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

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, v: V) -> Result<V::Value, DecodeError> {
        if name == GIVEN {
            let as_text = !self.typed.strict();
            return v.visit_seq(GivenSeq(Some(self.value), Some(as_text)));
        }
        v.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        // A JSON array; as text also a JSON array inside a string, comma-joined items or a
        // single number.
        let items = match self.value {
            Value::Array(items) => items,
            _ if self.typed.strict() => return Err(DecodeError::invalid("expected a list")),
            Value::String(s) => list_from_str(&s)?,
            Value::Number(n) => vec![Value::Number(n)],
            _ => return Err(DecodeError::invalid("expected a list")),
        };
        v.visit_seq(Seq(items.into_iter(), self.typed.inside()))
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DecodeError> {
        let bad = || DecodeError::invalid("expected a JSON object");
        let typed = self.typed;
        let fields = |map: Map<String, Value>, typed| Fields { entries: map.into_iter(), current: None, typed };
        match self.value {
            Value::Object(map) => v.visit_map(fields(map, typed)),
            // JSON inside text: read as text is.
            Value::String(s) if !typed.strict() => match serde_json::from_str(&s) {
                Ok(Value::Object(map)) => v.visit_map(fields(map, Typed::No)),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DecodeError> {
        if name == JOINED {
            // The same parameters twice: one input type reads them, then the other.
            return v.visit_seq(Twice(Some(self.clone()), Some(self)));
        }
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

struct Seq(std::vec::IntoIter<Value>, Typed);

impl<'de> SeqAccess<'de> for Seq {
    type Error = DecodeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DecodeError> {
        let typed = self.1.clone();
        self.0.next().map(|value| seed.deserialize(Lenient { value, typed })).transpose()
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// A value exactly as given (its `null` fields too), then whether it came as text, for
/// [`Given`].
struct GivenSeq(Option<Value>, Option<bool>);

impl<'de> SeqAccess<'de> for GivenSeq {
    type Error = DecodeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DecodeError> {
        let as_is = |e: serde_json::Error| DecodeError::invalid(e.to_string());
        if let Some(value) = self.0.take() {
            return seed.deserialize(value).map(Some).map_err(as_is);
        }
        match self.1.take() {
            Some(b) => seed.deserialize(Value::Bool(b)).map(Some).map_err(as_is),
            None => Ok(None),
        }
    }
}

/// The parameters twice, for [`Joined`].
struct Twice(Option<Lenient>, Option<Lenient>);

impl<'de> SeqAccess<'de> for Twice {
    type Error = DecodeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DecodeError> {
        match self.0.take().or_else(|| self.1.take()) {
            Some(params) => seed.deserialize(params).map(Some),
            None => Ok(None),
        }
    }
}

/// The fields of an object. A `null` field is one not given.
struct Fields {
    entries: serde_json::map::IntoIter,
    current: Option<(String, Value)>,
    typed: Typed,
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
        let typed = self.typed.of(&key);
        seed.deserialize(Lenient { value, typed }).map_err(|e| e.at(&key))
    }
}

/// Drops blank strings given as text for parameters whose declared type is a number or a
/// flag: form clients send empty fields, and Twist treats them as not given. (In a JSON
/// body a blank string is no number.)
pub fn drop_blank_scalars(params: &mut Params, declared: &[super::params::Param]) {
    let typed = &params.typed;
    params
        .values
        .retain(|k, v| typed.contains(k) || !(is_blank(v) && declared.iter().any(|p| p.name == *k && p.is_scalar())));
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

    fn typed(v: Value) -> Params {
        let values = map(v);
        let typed = values.keys().cloned().collect();
        Params { values, typed }
    }

    #[test]
    fn a_json_body_is_read_strictly() {
        let got: Input = decode_params(typed(json!({"id": 7, "ids": [1, 2], "flag": true, "name": "x"}))).unwrap();
        assert_eq!(got, Input { id: ThreadId(7), ids: Some(vec![1, 2]), flag: Some(true), name: Some("x".into()) });
        let cases = [
            (json!({"id": "7"}), "id", "expected an integer"),
            (json!({"id": 7, "ids": "1,2"}), "ids", "expected a list"),
            (json!({"id": 7, "ids": "[1,2]"}), "ids", "expected a list"),
            (json!({"id": 7, "ids": 1}), "ids", "expected a list"),
            (json!({"id": 7, "ids": ["1"]}), "ids", "expected an integer"),
            (json!({"id": 7, "flag": 1}), "flag", "expected true or false"),
            (json!({"id": 7, "flag": "true"}), "flag", "expected true or false"),
        ];
        for (body, field, reason) in cases {
            assert_eq!(decode_params::<Input>(typed(body.clone())), Err(Error::invalid(field, reason)), "{body}");
        }
        // Only the keys that came in the JSON body are strict.
        let mut mixed = typed(json!({"id": "7", "flag": true}));
        mixed.typed.remove("id");
        assert_eq!(decode_params::<Input>(mixed).unwrap().id, ThreadId(7));
        // Joined input types read them the same way.
        #[derive(Debug, Deserialize, schemars::JsonSchema)]
        struct Page {
            #[serde(default)]
            limit: Option<i64>,
        }
        let Joined(a, b) = decode_params::<Joined<Input, Page>>(typed(json!({"id": 3, "limit": 5}))).unwrap();
        assert_eq!((a.id, b.limit), (ThreadId(3), Some(5)));
        assert_eq!(
            decode_params::<Joined<Input, Page>>(typed(json!({"id": 3, "limit": "5"}))).unwrap_err(),
            Error::invalid("limit", "expected an integer")
        );
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
        struct V<A, B>(std::marker::PhantomData<(A, B)>);
        impl<'de, A: DeserializeOwned, B: DeserializeOwned> Visitor<'de> for V<A, B> {
            type Value = Joined<A, B>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("parameters")
            }
            // This module's deserializer hands the parameters over twice, each time with
            // what it knows of how they came.
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                let missing = || de::Error::custom("parameters missing");
                let a = seq.next_element::<A>()?.ok_or_else(missing)?;
                let b = seq.next_element::<B>()?.ok_or_else(missing)?;
                Ok(Joined(a, b))
            }
            // Another deserializer: its values are read as text may be.
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut values = Map::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    values.insert(k, v);
                }
                let a = decode::<A>(values.clone()).map_err(input::reject)?;
                let b = decode::<B>(values).map_err(input::reject)?;
                Ok(Joined(a, b))
            }
        }
        d.deserialize_struct(JOINED, &[], V(std::marker::PhantomData))
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

/// Parameter parsing and decoding never panic, whatever a client sends: any query string,
/// content type and body, decoded into endpoints' input types. `WEFT_FUZZ_CASES` runs more
/// cases (docs/fuzzing.md).
#[cfg(test)]
mod fuzz {
    use super::super::handlers;
    use super::super::params::parse;
    use super::*;
    use proptest::prelude::*;

    fn cases() -> u32 {
        std::env::var("WEFT_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
    }

    /// Text made of what parameters are made of: names, numbers, separators, JSON.
    fn paramish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            prop::sample::select(vec![
                "workspace_id",
                "user_ids",
                "id",
                "ids",
                "timezone",
                "working_hours",
                "dnd",
                "dnd_ranges",
                "content",
                "title",
                "channel_id",
                "weekday",
                "start",
                "end",
                "from_ts",
                "to_ts",
                "delivery",
                "focus_minutes",
                "=",
                "&",
                ",",
                "[",
                "]",
                "{",
                "}",
                ":",
                "\"",
                "%",
                "%2C",
                "%5B",
                "+",
                "1",
                "0",
                "-1",
                "99999999999999999999",
                "null",
                "true",
                "yes",
                "09:00",
                "24:00",
                "Europe/Lisbon",
                "\\u0000",
            ])
            .prop_map(String::from),
            "[a-z0-9_]{1,6}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
    }

    fn json_body() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            paramish().prop_map(Value::from),
        ];
        let value = leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(paramish(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        });
        let keys = prop::sample::select(vec![
            "workspace_id",
            "user_ids",
            "timezone",
            "working_hours",
            "dnd",
            "dnd_ranges",
            "delivery",
            "focus_minutes",
            "channel_id",
            "title",
            "content",
            "recipients",
            "attachments",
        ]);
        prop::collection::btree_map(keys, value, 0..8)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).to_string())
    }

    fn decode_all(query: Option<&str>, ct: Option<&str>, body: &[u8]) {
        let Ok(params) = parse(query, ct, body) else { return };
        let _ = decode_params::<handlers::schedules::Update>(params.clone());
        let _ = decode_params::<handlers::schedules::AvailabilityOf>(params.clone());
        let _ = decode_params::<handlers::threads::NewThread>(params);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

        #[test]
        fn query_strings_and_forms_never_panic(query in paramish(), body in paramish(), form in any::<bool>()) {
            let ct = form.then_some("application/x-www-form-urlencoded");
            decode_all(Some(&query), ct, body.as_bytes());
        }

        #[test]
        fn json_bodies_never_panic(query in paramish(), body in json_body()) {
            decode_all(Some(&query), Some("application/json"), body.as_bytes());
        }

        #[test]
        fn any_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..200), ct in prop::option::of("[a-z/+-]{0,30}")) {
            decode_all(None, ct.as_deref(), &body);
        }
    }
}
