//! `batch`: up to 10 API calls in one request, answered in order as `{code, headers, body}`.

use crate::api::{Cx, Request, Verb, call};
use crate::app::MAX_BODY_BYTES;
use axum::http::HeaderMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use weft_core::{Error, Result};

pub const MAX_REQUESTS: usize = 10;

/// One call of a batch.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SubRequest {
    /// GET or POST (in any case).
    #[schemars(regex(pattern = "^([Gg][Ee][Tt]|[Pp][Oo][Ss][Tt])$"))]
    pub method: String,
    /// The call's URL, absolute or from `/api/v3/` on, with its query string; not a batch.
    #[schemars(regex(pattern = "/api/v[34]/"))]
    #[schemars(extend("not" = {"pattern": "/api/v[34]/batch/*(\\?|$)"}))]
    #[schemars(length(max = MAX_BODY_BYTES))]
    pub url: String,
    /// The call's parameters, form-encoded (the batch's own body limit bounds them).
    #[serde(default)]
    #[schemars(length(max = MAX_BODY_BYTES))]
    pub body: Option<String>,
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

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Batch {
    /// The calls, in order (Twist's SDK sends a batch as a form).
    #[schemars(length(max = MAX_REQUESTS))]
    pub requests: Vec<SubRequest>,
    /// Run the calls at the same time (only when all are GET).
    #[serde(default)]
    pub parallel: Option<bool>,
}

/// The answer of one call of a batch.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BatchResult {
    /// The HTTP status the call would have had.
    pub code: u16,
    pub headers: &'static str,
    /// The call's JSON answer, as a string.
    pub body: String,
}

pub async fn batch(cx: Cx, p: Batch) -> Result<Vec<BatchResult>> {
    let requests = p.requests;
    if requests.len() > MAX_REQUESTS {
        return Err(Error::invalid("requests", format!("at most {MAX_REQUESTS} requests per batch")));
    }
    let parallel = p.parallel.unwrap_or(false);
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
        let caller = cx.user.clone().zip(cx.token_hash.clone()).map(|(user, token_hash)| crate::api::Caller {
            user,
            token_hash,
            grant: cx.grant,
        });
        async move {
            let request =
                Request { verb, path: &path, headers: &headers, ip, query: query.as_deref(), body: body.as_bytes() };
            let (status, value) = call(&app, request, caller).await;
            BatchResult { code: status.as_u16(), headers: "Content-Type: application/json", body: value.to_string() }
        }
    };
    let results = if parallel {
        futures_util::future::join_all(parsed.into_iter().map(run)).await
    } else {
        let mut out = Vec::new();
        for r in parsed {
            out.push(run(r).await);
        }
        out
    };
    Ok(results)
}
