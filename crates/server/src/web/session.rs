//! The browser's session: an HttpOnly cookie holding a sign-in token (the same kind of token
//! API clients send as a bearer), and the CSRF defences that go with a cookie.
//!
//! A cookie rides along on requests other sites make, so: every API call signed in by the
//! cookie must carry the page's CSRF token in a header (which a cross-site form or image
//! cannot send), and the plain pages' forms refuse posts the browser marks as cross-site.

use axum::http::{HeaderMap, HeaderValue, header};
use weft_core::services::auth;

pub const SESSION_COOKIE: &str = "weft_session";
/// The header the web app sends its page's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a browser stays signed in without signing in again.
const SESSION_DAYS: i64 = 90;

/// The session token in the request's cookies, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty())
}

/// The CSRF token of the session whose token hashes to `token_hash`: derived from the
/// secret, so it needs no storage and dies with the session.
pub fn csrf_token(token_hash: &str) -> String {
    auth::token_hash(&format!("weft-csrf\n{token_hash}"))[..32].to_string()
}

/// Whether `sent` is the CSRF token of the session `token_hash`, compared in constant time.
pub fn csrf_matches(token_hash: &str, sent: Option<&str>) -> bool {
    let Some(sent) = sent else { return false };
    let expected = csrf_token(token_hash);
    sent.len() == expected.len() && sent.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The CSRF token an API request carries in its header.
pub fn csrf_header(headers: &HeaderMap) -> Option<&str> {
    headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok())
}

/// `Set-Cookie` for a new session. `Secure` when Weft is reached over HTTPS.
pub fn set_cookie(token: &str, https: bool) -> HeaderValue {
    let max_age = SESSION_DAYS * 24 * 3600;
    let secure = if https { "; Secure" } else { "" };
    let cookie = format!("{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}");
    HeaderValue::from_str(&cookie).expect("a token is hex")
}

/// `Set-Cookie` that ends the session in the browser.
pub fn clear_cookie(https: bool) -> HeaderValue {
    let secure = if https { "; Secure" } else { "" };
    let cookie = format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}");
    HeaderValue::from_str(&cookie).expect("static cookie")
}

/// Whether a form post comes from a page of this server. Browsers say where a request
/// comes from (`Sec-Fetch-Site`, else `Origin`); a post they mark as from another site is
/// refused. Clients that send neither (curl, old browsers) are not browsers being misled.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match (get("origin"), get("host")) {
        (None, _) => true,
        (Some(origin), Some(host)) => {
            origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host)
        }
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let h = headers(&[("cookie", "theme=dark; weft_session=abc123 ; other=1")]);
        assert_eq!(cookie_token(&h), Some("abc123"));
        assert_eq!(cookie_token(&headers(&[("cookie", "weft_session=")])), None);
        assert_eq!(cookie_token(&headers(&[("cookie", "not_weft_session=x")])), None);
    }

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        let t = csrf_token("hash-a");
        assert!(csrf_matches("hash-a", Some(&t)));
        assert!(!csrf_matches("hash-b", Some(&t)));
        assert!(!csrf_matches("hash-a", None));
        assert!(!csrf_matches("hash-a", Some("")));
    }

    #[test]
    fn cross_site_posts_are_told_apart() {
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(same_origin(&headers(&[("origin", "http://weft.test"), ("host", "weft.test")])));
        assert!(!same_origin(&headers(&[("origin", "https://evil.test"), ("host", "weft.test")])));
        assert!(same_origin(&headers(&[])));
    }

    #[test]
    fn cookies_are_http_only_and_lax() {
        let c = set_cookie("abc", false);
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"), "{c}");
        assert!(set_cookie("abc", true).to_str().unwrap().contains("; Secure"));
    }
}
