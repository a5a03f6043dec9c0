//! `batch`: up to 10 API calls in one request, answered in order as `{code, headers, body}`.

use crate::api::params::Params;
use crate::api::{Cx, Request, Verb, call};
use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::{Value, json};
use weft_core::{Error, Result};

pub const MAX_REQUESTS: usize = 10;

#[derive(Deserialize)]
struct SubRequest {
    method: String,
    url: String,
    #[serde(default)]
    body: Option<String>,
}

/// `/api/v3/threads/get?x=1` (absolute or relative) → (`threads/get`, `x=1`).
fn split_url(url: &str) -> Result<(String, Option<String>)> {
    let bad = || Error::invalid("requests", format!("not an API URL: {url}"));
    let start = url.find("/api/v3/").or_else(|| url.find("/api/v4/")).ok_or_else(bad)?;
    let rest = &url[start + "/api/v3/".len()..];
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (rest, None),
    };
    Ok((path.trim_end_matches('/').to_string(), query))
}

pub async fn batch(cx: Cx, p: Params) -> Result<Value> {
    let raw = p.str("requests")?;
    let requests: Vec<SubRequest> = serde_json::from_str(&raw)
        .map_err(|e| Error::invalid("requests", format!("expected a JSON array of {{method, url, body}}: {e}")))?;
    if requests.len() > MAX_REQUESTS {
        return Err(Error::invalid("requests", format!("at most {MAX_REQUESTS} requests per batch")));
    }
    let parallel = p.opt_bool("parallel")?.unwrap_or(false);
    let mut parsed = Vec::with_capacity(requests.len());
    for r in &requests {
        let verb = match r.method.to_ascii_uppercase().as_str() {
            "GET" => Verb::Get,
            "POST" => Verb::Post,
            other => return Err(Error::invalid("requests", format!("unsupported method {other}"))),
        };
        let (path, query) = split_url(&r.url)?;
        if path == "batch" {
            return Err(Error::invalid("requests", "a batch cannot contain a batch"));
        }
        parsed.push((verb, path, query, r.body.clone().unwrap_or_default()));
    }
    if parallel && parsed.iter().any(|(v, ..)| *v != Verb::Get) {
        return Err(Error::invalid("parallel", "only a batch of GET requests can run in parallel"));
    }
    // Sub-requests run as the caller, with their own form-encoded bodies.
    let mut headers = HeaderMap::new();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let run = |(verb, path, query, body): (Verb, String, Option<String>, String)| {
        let app = cx.app.clone();
        let headers = headers.clone();
        let ip = cx.ip;
        let caller = cx.user.clone().zip(cx.token_hash.clone());
        async move {
            let request =
                Request { verb, path: &path, headers: &headers, ip, query: query.as_deref(), body: body.as_bytes() };
            let (status, value) = call(&app, request, caller).await;
            json!({
                "code": status.as_u16(),
                "headers": "Content-Type: application/json",
                "body": value.to_string(),
            })
        }
    };
    let results: Vec<Value> = if parallel {
        futures_util::future::join_all(parsed.into_iter().map(run)).await
    } else {
        let mut out = Vec::new();
        for r in parsed {
            out.push(run(r).await);
        }
        out
    };
    Ok(Value::Array(results))
}
