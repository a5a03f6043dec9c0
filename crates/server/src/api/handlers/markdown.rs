//! `markdown/render` (Weft): posts' Markdown as HTML, through the one renderer and sanitizer
//! the server uses everywhere, so clients never render or sanitize it a second way.

use crate::api::Cx;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
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
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Texts;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of texts")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<Texts, E> {
                let one = |t: &str| Content::deserialize(serde::de::value::StrDeserializer::<E>::new(t));
                if s.trim_start().starts_with('[') {
                    let items: Vec<String> =
                        serde_json::from_str(s).map_err(|_| E::custom("expected a list of texts"))?;
                    items.iter().map(|t| one(t)).collect()
                } else {
                    Ok(Texts(vec![one(s)?]))
                }
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Texts, A::Error> {
                let mut texts = Vec::new();
                while let Some(t) = seq.next_element::<Content>()? {
                    texts.push(t);
                }
                Ok(Texts(texts))
            }
        }
        d.deserialize_any(V)
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
    /// with `rel="noopener noreferrer nofollow"`, mentions as `weft-mention` spans.
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
