//! Parse, don't validate: raw input becomes one of these types at the edge, and services
//! accept only them.

use crate::error::{Error, Result};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
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

/// Control characters (C0, DEL and C1), as a regular-expression class body.
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";

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
    json_schema!({"type": "string", "pattern": r"\S", "maxLength": MAX_TITLE_LEN})
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
        Password::parse(&String::deserialize(d)?).map_err(reject)
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
    if s.chars().any(char::is_control) {
        return Err(Error::invalid(field, "contains control characters"));
    }
    Ok(s.to_string())
}

pub fn title(raw: &str) -> Result<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Error::invalid("title", "must not be empty"));
    }
    if raw.chars().count() > MAX_TITLE_LEN {
        return Err(Error::invalid("title", format!("longer than {MAX_TITLE_LEN} characters")));
    }
    Ok(s.replace(['\n', '\r'], " "))
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
