//! `markdown/render` (Weft): posts' Markdown as HTML, through the one renderer and sanitizer
//! the server uses everywhere, so clients never render or sanitize it a second way.

use crate::api::Cx;
use crate::api::decode::Given;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use weft_core::input::Content;
use weft_core::{Error, Result, text};

/// The most texts one call renders: a page of comments.
pub const MAX_TEXTS: usize = 500;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Render {
    /// Markdown sources, as in a post's `content`.
    pub texts: Texts,
}

/// A list of Markdown texts: a JSON array (or one in a string), a repeated form field, or a
/// single text. Never comma-joined, unlike lists of ids: commas are part of prose.
#[derive(Debug)]
pub struct Texts(Vec<Content>);

impl<'de> Deserialize<'de> for Texts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let Given { value, as_text } = Given::deserialize(d)?;
        let bad = || D::Error::custom("expected a list of texts");
        let one = |t: &str| Content::deserialize(serde::de::value::StrDeserializer::<D::Error>::new(t));
        let items = match value {
            Value::Array(items) => items,
            // As text: a JSON array in a string, or a single text.
            Value::String(s) if as_text && s.trim_start().starts_with('[') => {
                serde_json::from_str(&s).map_err(|_| bad())?
            }
            Value::String(s) if as_text => return Ok(Texts(vec![one(&s)?])),
            _ => return Err(bad()),
        };
        items
            .iter()
            .map(|v| match v {
                Value::String(t) => one(t),
                _ => Err(bad()),
            })
            .collect()
    }
}

impl FromIterator<Content> for Texts {
    fn from_iter<I: IntoIterator<Item = Content>>(items: I) -> Self {
        Texts(items.into_iter().collect())
    }
}

impl JsonSchema for Texts {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Texts".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "array",
            "items": g.subschema_for::<Content>(),
            "minItems": 1,
            "maxItems": MAX_TEXTS,
        })
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Rendered {
    /// Sanitized HTML of each text, in the order given: no scripts or event handlers, links
    /// with `rel="noopener noreferrer nofollow"`; mentions stay links to `twist-mention://ID`
    /// (a person) or `twist-group-mention://ID` (a group), for clients to show as names.
    pub html: Vec<String>,
}

pub async fn render(cx: Cx, p: Render) -> Result<Rendered> {
    cx.actor()?;
    let Texts(texts) = p.texts;
    if texts.is_empty() || texts.len() > MAX_TEXTS {
        return Err(Error::invalid("texts", format!("give 1 to {MAX_TEXTS} texts")));
    }
    let html = tokio::task::spawn_blocking(move || texts.iter().map(|t| text::render_html(t.as_str())).collect())
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Rendered { html })
}
