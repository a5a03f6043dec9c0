//! Parse, don't validate: raw input becomes one of these types at the edge, and services
//! accept only them.

use crate::error::{Error, Result};

pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_NAME_LEN: usize = 200;
pub const MAX_TITLE_LEN: usize = 300;
/// Content of threads, comments and messages. The request body limit (5 MB) is the outer bound.
pub const MAX_CONTENT_LEN: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let valid = s.len() <= 254
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
        if raw.len() > 1024 {
            return Err(Error::invalid("password", "longer than 1024 bytes"));
        }
        Ok(Password(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A person's, workspace's, channel's or group's name: trimmed, not empty, no control
/// characters.
pub fn name(field: &str, raw: &str) -> Result<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Error::NameTooShort);
    }
    if s.chars().count() > MAX_NAME_LEN {
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
    if s.chars().count() > MAX_TITLE_LEN {
        return Err(Error::invalid("title", format!("longer than {MAX_TITLE_LEN} characters")));
    }
    Ok(s.replace(['\n', '\r'], " "))
}

pub fn content(field: &str, raw: &str, allow_empty: bool) -> Result<String> {
    if !allow_empty && raw.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if raw.len() > MAX_CONTENT_LEN {
        return Err(Error::invalid(field, format!("longer than {MAX_CONTENT_LEN} bytes")));
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

/// A reaction: one emoji (a short run of non-alphanumeric, non-space characters).
pub fn reaction(raw: &str) -> Result<String> {
    let s = raw.trim();
    let ok = !s.is_empty()
        && s.chars().count() <= 16
        && !s.chars().any(|c| c.is_ascii() || c.is_whitespace() || c.is_control() || c.is_alphanumeric());
    if ok { Ok(s.to_string()) } else { Err(Error::UnsupportedReaction(raw.to_string())) }
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
