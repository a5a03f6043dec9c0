//! The web app's files: built into the binary (with their gzip and brotli forms, made by
//! `web/build.mjs`), served under names that carry a hash of their content so browsers may
//! keep them for a year. With `--web-dir` they are read from disk at each request instead,
//! for working on the app.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::borrow::Cow;
use std::path::Path;

/// One file of the app, with its precompressed forms.
struct EmbeddedFile {
    name: &'static str,
    content_type: &'static str,
    plain: &'static [u8],
    gzip: &'static [u8],
    brotli: &'static [u8],
}

macro_rules! embed {
    ($name:literal, $type:literal) => {
        EmbeddedFile {
            name: $name,
            content_type: $type,
            plain: include_bytes!(concat!("../../../../web/dist/", $name)),
            gzip: include_bytes!(concat!("../../../../web/dist/", $name, ".gz")),
            brotli: include_bytes!(concat!("../../../../web/dist/", $name, ".br")),
        }
    };
}

static EMBEDDED: [EmbeddedFile; 2] =
    [embed!("app.js", "text/javascript; charset=utf-8"), embed!("app.css", "text/css; charset=utf-8")];

/// The server's own files (not the app's): the plain pages' stylesheet and the icon.
const OWN: [(&str, &str, &str); 2] = [
    ("pages.css", "text/css; charset=utf-8", include_str!("pages.css")),
    ("favicon.svg", "image/svg+xml", include_str!("favicon.svg")),
];

fn own(name: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    OWN.iter().find(|(n, _, _)| *n == name)
}

/// Where the app's files come from.
pub enum Assets {
    /// The copy in the binary, with its links worked out once.
    Embedded(Links),
    Dir(std::path::PathBuf),
}

/// The URL paths of the files a page links to.
#[derive(Clone)]
pub struct Links {
    pub script: String,
    pub app_css: String,
    pub pages_css: String,
    pub icon: String,
}

impl Assets {
    pub fn new(dir: Option<&Path>) -> Self {
        match dir {
            Some(d) => Assets::Dir(d.to_path_buf()),
            None => Assets::Embedded(Self::compute_links(|name| Self::embedded(name).map(|e| e.plain))),
        }
    }

    fn embedded(name: &str) -> Option<&'static EmbeddedFile> {
        EMBEDDED.iter().find(|e| e.name == name)
    }

    pub fn dev(&self) -> bool {
        matches!(self, Assets::Dir(_))
    }

    pub fn links(&self) -> Links {
        match self {
            Assets::Embedded(links) => links.clone(),
            Assets::Dir(_) => Self::compute_links(|name| self.plain(name)),
        }
    }

    fn compute_links<'a, B: AsRef<[u8]> + 'a>(content: impl Fn(&str) -> Option<B>) -> Links {
        let url = |name: &str| match own(name) {
            Some((_, _, text)) => hashed_name(name, text.as_bytes()),
            None => hashed_name(name, content(name).as_ref().map_or(&[][..], |b| b.as_ref())),
        };
        Links { script: url("app.js"), app_css: url("app.css"), pages_css: url("pages.css"), icon: url("favicon.svg") }
    }

    fn plain(&self, name: &str) -> Option<Cow<'static, [u8]>> {
        if let Some((_, _, text)) = own(name) {
            return Some(Cow::Borrowed(text.as_bytes()));
        }
        match self {
            Assets::Embedded(_) => Self::embedded(name).map(|e| Cow::Borrowed(e.plain)),
            Assets::Dir(dir) if Self::embedded(name).is_some() => std::fs::read(dir.join(name)).ok().map(Cow::Owned),
            Assets::Dir(_) => None,
        }
    }

    /// Answers `/assets/{file}`: the file whose hashed name this is, in the best encoding
    /// the browser accepts. A stale hash (a page from before an upgrade) is not found.
    pub fn serve(&self, file: &str, request: &HeaderMap) -> Response {
        let Some((name, _)) = unhashed(file) else { return not_found() };
        let Some(plain) = self.plain(&name) else { return not_found() };
        if hashed_name(&name, &plain).trim_start_matches("/assets/") != file {
            return not_found();
        }
        let content_type = match own(&name) {
            Some((_, content_type, _)) => content_type,
            None => Self::embedded(&name).map_or("application/octet-stream", |e| e.content_type),
        };
        let accepts = |coding: &str| {
            request
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .any(|c| c.split(';').next().is_some_and(|c| c.trim() == coding) && !c.contains("q=0"))
        };
        let embedded = match self {
            Assets::Embedded(_) => Self::embedded(&name),
            Assets::Dir(_) => None,
        };
        let (body, encoding): (Cow<'static, [u8]>, Option<&str>) = match embedded {
            Some(e) if accepts("br") => (Cow::Borrowed(e.brotli), Some("br")),
            Some(e) if accepts("gzip") => (Cow::Borrowed(e.gzip), Some("gzip")),
            _ => (plain, None),
        };
        let cache = if self.dev() { "no-cache" } else { "public, max-age=31536000, immutable" };
        let mut response = (StatusCode::OK, body.into_owned()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if let Some(e) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
        }
        response
    }

    /// A fingerprint of the app's files on disk, which changes when they are rebuilt
    /// (`--web-dir` only).
    pub fn fingerprint(&self) -> Option<String> {
        match self {
            Assets::Embedded(_) => None,
            Assets::Dir(_) => {
                let links = self.links();
                Some(links.script + &links.app_css)
            }
        }
    }
}

/// `/assets/app.1a2b3c4d5e6f7a8b.js` for `app.js`.
fn hashed_name(name: &str, content: &[u8]) -> String {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    format!("/assets/{stem}.{:016x}.{ext}", fnv1a(content))
}

/// `app.js` and the hash, from `app.1a2b3c4d5e6f7a8b.js`.
fn unhashed(file: &str) -> Option<(String, &str)> {
    let (rest, ext) = file.rsplit_once('.')?;
    let (stem, hash) = rest.rsplit_once('.')?;
    Some((format!("{stem}.{ext}"), hash))
}

/// FNV-1a, 64 bits: a cache key, not a security measure — it only has to change when the
/// content does.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], "not found").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_round_trip_and_change_with_the_content() {
        let a = hashed_name("app.js", b"one");
        let b = hashed_name("app.js", b"two");
        assert_ne!(a, b);
        assert!(a.starts_with("/assets/app.") && a.ends_with(".js"), "{a}");
        let (name, _) = unhashed(a.trim_start_matches("/assets/")).unwrap();
        assert_eq!(name, "app.js");
    }
}
