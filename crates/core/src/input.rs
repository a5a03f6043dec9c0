//! Parse, don't validate: raw input becomes one of these types at the edge, and services
//! accept only them.

use crate::error::{Error, Result};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use serde_json::json;
use std::borrow::Cow;
use std::cell::RefCell;

thread_local! {
    /// The domain error behind the last failed deserialization on this thread (serde's
    /// error type can carry only text; the API decoder takes the error back to keep its code).
    static REJECTED: RefCell<Option<Error>> = const { RefCell::new(None) };
}

/// A deserialization error for `e`, which the API decoder turns back into `e` itself.
pub fn reject<E: serde::de::Error>(e: Error) -> E {
    let message = e.to_string();
    REJECTED.with(|r| *r.borrow_mut() = Some(e));
    E::custom(message)
}

/// The domain error recorded by the last `reject` on this thread, if any.
pub fn take_rejection() -> Option<Error> {
    REJECTED.with(|r| r.borrow_mut().take())
}

/// What names and titles may not contain, as a regular-expression class body: control
/// characters (C0, DEL and C1) and the bidirectional overrides and isolates, which make
/// text read differently from what it is (in an email's subject, a list of channels).
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069";
/// The same without tab, line feed and carriage return, which a title turns into spaces.
const CONTROL_BUT_SPACES: &str = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069";

/// Whether `c` may not appear in a name or a title (see `CONTROL`).
pub fn is_forbidden_in_names(c: char) -> bool {
    c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Declares a string newtype whose `Deserialize` runs `$parse` and whose schema is `$schema`.
macro_rules! parsed_string {
    ($(#[$doc:meta])* $name:ident, $parse:expr, $schema:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl From<$name> for String {
            fn from(s: $name) -> String {
                s.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                let parse: fn(&str) -> Result<String> = $parse;
                parse(&raw).map($name).map_err(reject)
            }
        }

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

parsed_string!(
    /// A person's, workspace's, channel's or group's name (see `name`).
    Name,
    |raw| name("", raw),
    json_schema!({"type": "string", "pattern": format!(r"^\s*[^\s{CONTROL}]([^{CONTROL}]*[^\s{CONTROL}])?\s*$"), "maxLength": MAX_NAME_LEN})
);
parsed_string!(
    /// A thread's title (see `title`).
    Title,
    title,
    json_schema!({
        "type": "string",
        "pattern": format!(r"^[^{CONTROL_BUT_SPACES}]*[^\s{CONTROL}][^{CONTROL_BUT_SPACES}]*$"),
        "maxLength": MAX_TITLE_LEN,
    })
);
parsed_string!(
    /// A conversation's title: a title's rules, or blank for none.
    ConversationTitle,
    |raw| if raw.trim().is_empty() { no_control_in_title(raw).map(|_| String::new()) } else { title(raw) },
    json_schema!({
        "type": "string",
        "pattern": format!(r"^[^{CONTROL_BUT_SPACES}]*$"),
        "maxLength": MAX_TITLE_LEN,
    })
);
parsed_string!(
    /// A channel's or a group's description.
    Description,
    |raw| limited(raw, MAX_DESCRIPTION_LEN),
    json_schema!({"type": "string", "maxLength": MAX_DESCRIPTION_LEN})
);
parsed_string!(
    /// A word or a short line with no rules of its own (a password to check, a token, a
    /// search's words, a profile's profession).
    Short,
    |raw| limited(raw, MAX_SHORT_LEN),
    json_schema!({"type": "string", "maxLength": MAX_SHORT_LEN})
);
parsed_string!(
    /// The text of a post that must say something.
    Text,
    |raw| content("", raw, false),
    json_schema!({"type": "string", "pattern": r"\S", "maxLength": MAX_CONTENT_LEN})
);
parsed_string!(
    /// The text of a post that may be empty (an edit, a comment that only closes a thread).
    Content,
    |raw| content("", raw, true),
    json_schema!({"type": "string", "maxLength": MAX_CONTENT_LEN})
);
parsed_string!(
    /// An IANA time zone name.
    Timezone,
    timezone,
    json_schema!({"type": "string", "enum": timezone_names()})
);
parsed_string!(
    /// A time of day, `HH:MM`.
    TimeOfDay,
    |raw| time_of_day("", raw),
    json_schema!({"type": "string", "pattern": r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"})
);
parsed_string!(
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    |raw| date("", raw),
    json_schema!({"type": "string", "format": "date"})
);
parsed_string!(
    /// One emoji reaction (see `reaction`).
    Reaction,
    reaction,
    json_schema!({"type": "string", "pattern": reaction_pattern()})
);

parsed_string!(
    /// The id a client chose for an attachment (a UUID, say): 1 to 100 letters, digits, `-`
    /// and `_`.
    AttachmentId,
    attachment_id,
    json_schema!({"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,100}$"})
);
parsed_string!(
    /// An uploaded file's name: not blank, no control characters, no path separators.
    FileName,
    file_name,
    json_schema!({
        "type": "string",
        "pattern": format!(r"^\s*[^\s/\\{CONTROL}]([^/\\{CONTROL}]*[^\s/\\{CONTROL}])?\s*$"),
        "maxLength": MAX_FILE_NAME_LEN,
    })
);

/// The longest file name of an upload.
pub const MAX_FILE_NAME_LEN: usize = 255;

parsed_string!(
    /// Where a webhook is sent: an http or https address, without spaces or control
    /// characters (whether it may be reached is the server's to check).
    WebhookUrl,
    webhook_url,
    json_schema!({
        "type": "string",
        "pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s\u0000-\u001f\u007f-\u009f]+$",
        "maxLength": MAX_URL_LEN,
    })
);

/// The longest webhook address.
pub const MAX_URL_LEN: usize = 2000;

pub fn webhook_url(raw: &str) -> Result<String> {
    let lower = raw.get(..8).unwrap_or(raw).to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    let rest = raw.split_once("://").map_or("", |(_, r)| r);
    if !web || rest.is_empty() || raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::invalid("target_url", "use an http:// or https:// address without spaces"));
    }
    if raw.chars().count() > MAX_URL_LEN {
        return Err(Error::invalid("target_url", format!("at most {MAX_URL_LEN} characters")));
    }
    Ok(raw.to_string())
}

pub fn attachment_id(raw: &str) -> Result<String> {
    let ok = (1..=100).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(Error::invalid("attachment_id", "use 1 to 100 letters, digits, - and _"));
    }
    Ok(raw.to_string())
}

pub fn file_name(raw: &str) -> Result<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Error::invalid("file_name", "must not be empty"));
    }
    if raw.chars().count() > MAX_FILE_NAME_LEN {
        return Err(Error::invalid("file_name", format!("longer than {MAX_FILE_NAME_LEN} characters")));
    }
    if s.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        return Err(Error::invalid("file_name", "contains control characters or a path separator"));
    }
    Ok(s.to_string())
}

/// Every time zone name the bundled database knows.
pub fn timezone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    names.sort();
    names
}

pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 1024;
pub const MAX_NAME_LEN: usize = 200;
pub const MAX_TITLE_LEN: usize = 300;
/// Content of threads, comments and messages, in characters. The request body limit (5 MB) is the outer bound.
pub const MAX_CONTENT_LEN: usize = 1_000_000;
pub const MAX_DESCRIPTION_LEN: usize = 10_000;
/// Texts without rules of their own: passwords to check, tokens, search words, a profession.
pub const MAX_SHORT_LEN: usize = 1_000;
/// Ids in one list (people to add, channels to filter by, threads to leave out).
pub const MAX_IDS: usize = 1_000;
/// Attachments, or actions, of one post.
pub const MAX_OBJECTS: usize = 50;
/// The size of one post's attachments, or of its actions, as JSON.
pub const MAX_OBJECTS_BYTES: usize = 64 * 1024;

/// Text of at most `max` characters.
fn limited(raw: &str, max: usize) -> Result<String> {
    if raw.chars().count() > max {
        return Err(Error::invalid("", format!("longer than {max} characters")));
    }
    Ok(raw.to_string())
}

/// A list of at most `MAX` items: longer lists are refused before anything reads them
/// further (a filter of 40,000 ids would otherwise reach the database as one query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List<T, const MAX: usize = MAX_IDS>(Vec<T>);

impl<T, const MAX: usize> List<T, MAX> {
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T, const MAX: usize> Default for List<T, MAX> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<T, const MAX: usize> std::ops::Deref for List<T, MAX> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T, const MAX: usize> IntoIterator for List<T, MAX> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T, const MAX: usize> From<List<T, MAX>> for Vec<T> {
    fn from(l: List<T, MAX>) -> Vec<T> {
        l.0
    }
}

impl<'de, T: Deserialize<'de>, const MAX: usize> Deserialize<'de> for List<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let items = Vec::<T>::deserialize(d)?;
        if items.len() > MAX {
            return Err(reject(Error::invalid("", format!("more than {MAX} items"))));
        }
        Ok(List(items))
    }
}

impl<T: JsonSchema, const MAX: usize> JsonSchema for List<T, MAX> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("List_of_{}_max_{MAX}", T::schema_name()).into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let mut schema = Vec::<T>::json_schema(g);
        schema.insert("maxItems".into(), MAX.into());
        schema
    }
}

/// A post's attachments or actions: JSON objects, at most `MAX_OBJECTS` of them and
/// `MAX_OBJECTS_BYTES` as JSON, whose links (`url`, `image`, `video`, `*_url`, …) are web
/// addresses (`http:`, `https:`) or Weft's own paths, never `javascript:` or `data:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Objects(Vec<serde_json::Value>);

impl Objects {
    pub fn into_vec(self) -> Vec<serde_json::Value> {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn parse(items: Vec<serde_json::Map<String, serde_json::Value>>) -> Result<Self> {
        if items.len() > MAX_OBJECTS {
            return Err(Error::invalid("", format!("more than {MAX_OBJECTS} items")));
        }
        let items: Vec<serde_json::Value> = items.into_iter().map(serde_json::Value::Object).collect();
        let size = serde_json::to_vec(&items).map_or(usize::MAX, |v| v.len());
        if size > MAX_OBJECTS_BYTES {
            return Err(Error::invalid("", format!("larger than {MAX_OBJECTS_BYTES} bytes as JSON")));
        }
        for item in &items {
            check_links(item)?;
        }
        Ok(Objects(items))
    }
}

/// Keys of an attachment or an action whose text is a link a client may open or load
/// (Twist's `url`, `image`, `video`, and the usual others); `thumbnails` maps sizes to links.
const LINK_KEYS: [&str; 6] = ["url", "href", "src", "image", "video", "thumbnail"];

/// Refuses links that are neither web addresses nor paths of this server.
fn check_links(item: &serde_json::Value) -> Result<()> {
    let bad = || {
        Error::invalid("", "links (url, image, video, thumbnails …) must be http(s) addresses or paths of this server")
    };
    let link = |v: &serde_json::Value| v.as_str().is_some_and(is_safe_link);
    let Some(map) = item.as_object() else { return Ok(()) };
    for (key, value) in map {
        let ok = match key.as_str() {
            "thumbnails" => value.as_object().is_some_and(|sizes| sizes.values().all(link)),
            k if LINK_KEYS.contains(&k) => link(value),
            _ => true,
        };
        if !ok {
            return Err(bad());
        }
    }
    Ok(())
}

/// `http://…`, `https://…` (in any case) or a path of this server (`/…`, but not `//host`
/// or `/\host`, which browsers read as another host); no control characters.
pub fn is_safe_link(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    let path = s.starts_with('/') && !s.starts_with("//") && !s.starts_with("/\\");
    (web || path) && !s.chars().any(char::is_control)
}

/// `is_safe_link` as a regular expression, for the schema.
fn link_pattern() -> String {
    let c = r"\u0000-\u001f\u007f-\u009f";
    format!(r"^([Hh][Tt][Tt][Pp][Ss]?://[^{c}]*|/([^/\\{c}][^{c}]*)?)$")
}

impl<'de> Deserialize<'de> for Objects {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let items = Vec::<serde_json::Map<String, serde_json::Value>>::deserialize(d)?;
        Objects::parse(items).map_err(reject)
    }
}

impl JsonSchema for Objects {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Objects".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // `null` is a value not given (the decoder drops it), inside objects too.
        let link = json!({"type": "string", "pattern": link_pattern(), "nullable": true});
        let mut links: serde_json::Map<String, serde_json::Value> =
            LINK_KEYS.iter().map(|k| (k.to_string(), link.clone())).collect();
        links.insert("thumbnails".into(), json!({"type": "object", "additionalProperties": link, "nullable": true}));
        json_schema!({
            "type": "array",
            "items": {"type": "object", "additionalProperties": true, "properties": links},
            "maxItems": MAX_OBJECTS,
            "description": format!(
                "At most {MAX_OBJECTS} objects and {MAX_OBJECTS_BYTES} bytes as JSON; links (url, image, video, \
                 thumbnails …) are http(s) addresses or paths of this server."
            ),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let valid = s.chars().count() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.is_empty()
                        && !domain.contains('@')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid { Ok(Email(s.to_lowercase())) } else { Err(Error::EmailInvalid) }
    }

    pub fn into_inner(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self> {
        if raw.chars().count() < MIN_PASSWORD_LEN {
            return Err(Error::PasswordTooShort(MIN_PASSWORD_LEN));
        }
        if raw.chars().count() > MAX_PASSWORD_LEN {
            return Err(Error::invalid("password", format!("longer than {MAX_PASSWORD_LEN} characters")));
        }
        Ok(Password(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Email::parse(&String::deserialize(d)?).map_err(reject)
    }
}

impl JsonSchema for Email {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Email".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let atom = format!(r"[^@\s{CONTROL}]");
        let edge = format!(r"[^@.\s{CONTROL}]");
        json_schema!({
            "type": "string",
            "pattern": format!(r"^\s*{atom}+@{edge}({atom}*{edge})?\s*$"),
            "maxLength": 254,
        })
    }
}

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        // The decoder names the parameter (`password`, `new_password`).
        let unnamed = |e| match e {
            Error::InvalidArgument { reason, .. } => Error::invalid("", reason),
            e => e,
        };
        Password::parse(&String::deserialize(d)?).map_err(|e| reject(unnamed(e)))
    }
}

impl JsonSchema for Password {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Password".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "minLength": MIN_PASSWORD_LEN, "maxLength": MAX_PASSWORD_LEN})
    }
}

/// A person's, workspace's, channel's or group's name: trimmed, not empty, no control
/// characters.
pub fn name(field: &str, raw: &str) -> Result<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Error::NameTooShort);
    }
    if raw.chars().count() > MAX_NAME_LEN {
        return Err(Error::invalid(field, format!("longer than {MAX_NAME_LEN} characters")));
    }
    if s.chars().any(is_forbidden_in_names) {
        return Err(Error::invalid(field, "contains control characters"));
    }
    Ok(s.to_string())
}

/// A title may hold tabs and line breaks (they become spaces), no other control character.
fn no_control_in_title(raw: &str) -> Result<()> {
    if raw.chars().any(|c| is_forbidden_in_names(c) && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(Error::invalid("title", "contains control characters"));
    }
    Ok(())
}

pub fn title(raw: &str) -> Result<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Error::invalid("title", "must not be empty"));
    }
    if raw.chars().count() > MAX_TITLE_LEN {
        return Err(Error::invalid("title", format!("longer than {MAX_TITLE_LEN} characters")));
    }
    no_control_in_title(raw)?;
    Ok(s.replace(['\t', '\n', '\r'], " "))
}

pub fn content(field: &str, raw: &str, allow_empty: bool) -> Result<String> {
    if !allow_empty && raw.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if raw.chars().count() > MAX_CONTENT_LEN {
        return Err(Error::invalid(field, format!("longer than {MAX_CONTENT_LEN} characters")));
    }
    Ok(raw.to_string())
}

/// An IANA time zone name known to the bundled database.
pub fn timezone(raw: &str) -> Result<String> {
    let s = raw.trim();
    match jiff::tz::TimeZone::get(s) {
        Ok(_) if !s.is_empty() => Ok(s.to_string()),
        _ => Err(Error::InvalidTimezone(raw.to_string())),
    }
}

/// `HH:MM`, 00:00–23:59 (24:00 allowed as an end of day).
pub fn time_of_day(field: &str, raw: &str) -> Result<String> {
    let bad = || Error::invalid(field, "expected a time as HH:MM");
    let (h, m) = raw.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if (h < 24 && m < 60) || (h == 24 && m == 0) { Ok(raw.to_string()) } else { Err(bad()) }
}

/// `YYYY-MM-DD`.
pub fn date(field: &str, raw: &str) -> Result<String> {
    raw.parse::<jiff::civil::Date>()
        .map(|d| d.to_string())
        .map_err(|_| Error::invalid(field, "expected a date as YYYY-MM-DD"))
}

/// The code points a reaction may use: the emoji blocks, with the joiners and variation
/// selectors that build composite emoji. One list for the rule and its schema.
const EMOJI_RANGES: &[(char, char)] = &[
    ('\u{a9}', '\u{a9}'),
    ('\u{ae}', '\u{ae}'),
    ('\u{200d}', '\u{200d}'),
    ('\u{203c}', '\u{203c}'),
    ('\u{2049}', '\u{2049}'),
    ('\u{20e3}', '\u{20e3}'),
    ('\u{2122}', '\u{2122}'),
    ('\u{2139}', '\u{2139}'),
    ('\u{2194}', '\u{21aa}'),
    ('\u{231a}', '\u{23ff}'),
    ('\u{24c2}', '\u{24c2}'),
    ('\u{25aa}', '\u{27bf}'),
    ('\u{2934}', '\u{2935}'),
    ('\u{2b05}', '\u{2b55}'),
    ('\u{3030}', '\u{3030}'),
    ('\u{303d}', '\u{303d}'),
    ('\u{3297}', '\u{3297}'),
    ('\u{3299}', '\u{3299}'),
    ('\u{fe0f}', '\u{fe0f}'),
    ('\u{1f000}', '\u{1faff}'),
    ('\u{e0020}', '\u{e007f}'),
];
pub const MAX_REACTION_LEN: usize = 16;

fn is_emoji_part(c: char) -> bool {
    EMOJI_RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// A reaction: one emoji (a short run of emoji code points), surrounding spaces ignored.
pub fn reaction(raw: &str) -> Result<String> {
    let s = raw.trim();
    let ok = !s.is_empty() && s.chars().count() <= MAX_REACTION_LEN && s.chars().all(is_emoji_part);
    if ok { Ok(s.to_string()) } else { Err(Error::UnsupportedReaction(raw.to_string())) }
}

fn reaction_pattern() -> String {
    let class: String = EMOJI_RANGES
        .iter()
        .map(|&(lo, hi)| {
            // Literal characters: both ECMA-262 (with the `u` flag) and other engines read them.
            if lo == hi { lo.to_string() } else { format!("{lo}-{hi}") }
        })
        .collect();
    format!(r"^\s*[{class}]{{1,{MAX_REACTION_LEN}}}\s*$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" Ana@Example.COM ").unwrap().as_str(), "ana@example.com");
        for bad in ["", "ana", "@x.org", "ana@", "a b@x.org", "a@b@c", "a@.x"] {
            assert_eq!(Email::parse(bad), Err(Error::EmailInvalid), "{bad}");
        }
    }

    #[test]
    fn timezones_must_be_iana_names() {
        assert_eq!(timezone("Europe/Lisbon").unwrap(), "Europe/Lisbon");
        assert_eq!(timezone("Asia/Kolkata").unwrap(), "Asia/Kolkata");
        assert!(timezone("Mars/Olympus").is_err());
        assert!(timezone("").is_err());
    }

    #[test]
    fn names_and_titles_refuse_control_characters_and_bidi_overrides() {
        for bad in ["a\u{1b}[31mred", "bell\u{7}", "del\u{7f}", "c1\u{85}x", "evil\u{202e}txt.exe", "iso\u{2067}x"] {
            assert!(name("name", bad).is_err(), "{bad:?}");
            assert!(title(bad).is_err(), "{bad:?}");
            let t: std::result::Result<ConversationTitle, _> = serde_json::from_value(serde_json::json!(bad));
            assert!(t.is_err(), "{bad:?}");
        }
        // Line breaks and tabs in a title become spaces; a blank conversation title clears it.
        assert_eq!(title("two\nlines\there").unwrap(), "two lines here");
        let blank: ConversationTitle = serde_json::from_value(serde_json::json!("  ")).unwrap();
        assert_eq!(blank.as_str(), "");
        let long = "x".repeat(MAX_TITLE_LEN + 1);
        assert!(serde_json::from_value::<ConversationTitle>(serde_json::json!(long)).is_err());
    }

    #[test]
    fn links_in_attachments_are_web_addresses_or_our_paths() {
        let objects = |v: serde_json::Value| serde_json::from_value::<Objects>(v);
        for ok in ["https://example.org/a.png", "HTTP://x.org", "/api/v3/attachments/1", "/"] {
            assert!(objects(serde_json::json!([{"url": ok, "image": ok}])).is_ok(), "{ok}");
        }
        for bad in
            ["javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "//evil.org", "/\\evil.org", "vbscript:x"]
        {
            assert!(objects(serde_json::json!([{"url": bad}])).is_err(), "{bad}");
            assert!(objects(serde_json::json!([{"thumbnails": {"64x64": bad}}])).is_err(), "{bad}");
            assert!(objects(serde_json::json!([{"image": bad}])).is_err(), "{bad}");
        }
        // A link is text; other texts are not links, whatever they say.
        assert!(objects(serde_json::json!([{"url": 5}])).is_err());
        assert!(objects(serde_json::json!([{"thumbnails": "https://x.org"}])).is_err());
        assert!(objects(serde_json::json!([{"title": "javascript: the good parts"}])).is_ok());
        let many: Vec<_> = (0..=MAX_OBJECTS).map(|_| serde_json::json!({})).collect();
        assert!(objects(serde_json::Value::Array(many)).is_err());
    }

    #[test]
    fn times_and_reactions() {
        assert!(time_of_day("t", "09:30").is_ok());
        assert!(time_of_day("t", "24:00").is_ok());
        assert!(time_of_day("t", "24:01").is_err());
        assert!(time_of_day("t", "9:30").is_err());
        assert!(reaction("👍").is_ok());
        assert!(reaction("❤️").is_ok());
        assert!(reaction("ok").is_err());
        assert!(reaction("").is_err());
    }
}
