//! A typed HTTP client of Weft's Twist-compatible API. The integration tests drive the
//! server through it, as a real client would.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::time::Duration;
use weft_core::model::*;

/// An error answer of the API: its HTTP status and its JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub body: Value,
}

impl ApiError {
    pub fn code(&self) -> i64 {
        self.body["error_code"].as_i64().unwrap_or(-1)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}: {}", self.status, self.body)
    }
}

impl std::error::Error for ApiError {}

pub type Result<T> = std::result::Result<T, ApiError>;

#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

fn transport(e: reqwest::Error) -> ApiError {
    ApiError { status: 0, body: json!({"transport_error": e.to_string()}) }
}

impl Client {
    /// `base` is the server's root, e.g. `http://127.0.0.1:8080`.
    pub fn new(base: &str) -> Self {
        Client { http: reqwest::Client::new(), base: base.trim_end_matches('/').to_string(), token: None }
    }

    pub fn with_token(&self, token: &str) -> Self {
        Client { token: Some(token.to_string()), ..self.clone() }
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v3/{}", self.base, path.trim_start_matches('/'))
    }

    fn auth(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    /// Sends a prepared request and returns its status and JSON body.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Result<(u16, Value)> {
        let resp = self.auth(req).send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let text = resp.text().await.map_err(transport)?;
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok((status, body))
    }

    fn into_result((status, body): (u16, Value)) -> Result<Value> {
        if (200..300).contains(&status) { Ok(body) } else { Err(ApiError { status, body }) }
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, params: Value) -> Result<Value> {
        Self::into_result(self.send(self.http.post(self.url(path)).json(&params)).await?)
    }

    /// GET with query parameters (lists comma-joined, as the official SDK sends them).
    pub async fn get(&self, path: &str, params: Value) -> Result<Value> {
        let mut query: Vec<(String, String)> = Vec::new();
        if let Value::Object(map) = params {
            for (k, v) in map {
                let s = match v {
                    Value::String(s) => s,
                    Value::Array(items) => items.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(","),
                    Value::Null => continue,
                    other => other.to_string(),
                };
                query.push((k, s));
            }
        }
        Self::into_result(self.send(self.http.get(self.url(path)).query(&query)).await?)
    }

    pub async fn post_as<T: DeserializeOwned>(&self, path: &str, params: Value) -> Result<T> {
        let v = self.post(path, params).await?;
        serde_json::from_value(v.clone())
            .map_err(|e| ApiError { status: 200, body: json!({"decode_error": e.to_string(), "body": v}) })
    }

    pub async fn get_as<T: DeserializeOwned>(&self, path: &str, params: Value) -> Result<T> {
        let v = self.get(path, params).await?;
        serde_json::from_value(v.clone())
            .map_err(|e| ApiError { status: 200, body: json!({"decode_error": e.to_string(), "body": v}) })
    }

    /// A raw request builder for tests of encodings.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    // ---- typed helpers, one per common call ----

    /// Signs in and returns a client that carries the token.
    pub async fn login(&self, email: &str, password: &str) -> Result<(Client, User)> {
        let user: User = self.post_as("users/login", json!({"email": email, "password": password})).await?;
        let token = user.token.clone().unwrap_or_default();
        Ok((self.with_token(&token), user))
    }

    pub async fn add_workspace(&self, name: &str) -> Result<Workspace> {
        self.post_as("workspaces/add", json!({"name": name})).await
    }

    pub async fn add_member(&self, ws: i64, email: &str, user_type: &str) -> Result<WorkspaceUser> {
        self.post_as("workspace_users/add", json!({"id": ws, "email": email, "user_type": user_type})).await
    }

    pub async fn add_channel(&self, ws: i64, name: &str, public: bool, user_ids: &[i64]) -> Result<Channel> {
        self.post_as("channels/add", json!({"workspace_id": ws, "name": name, "public": public, "user_ids": user_ids}))
            .await
    }

    pub async fn add_thread(&self, channel: i64, title: &str, content: &str) -> Result<Thread> {
        self.post_as("threads/add", json!({"channel_id": channel, "title": title, "content": content})).await
    }

    pub async fn add_comment(&self, thread: i64, content: &str) -> Result<Comment> {
        self.post_as("comments/add", json!({"thread_id": thread, "content": content})).await
    }

    pub async fn thread(&self, id: i64) -> Result<Thread> {
        self.get_as("threads/getone", json!({"id": id})).await
    }

    /// Opens the event stream of a workspace, resuming after `last_event_id` if given.
    pub async fn stream(&self, ws: i64, last_event_id: Option<i64>) -> Result<EventStream> {
        let mut req = self.http.get(self.url("events/stream")).query(&[("workspace_id", ws.to_string())]);
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let resp = self.auth(req).send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        if status != 200 {
            let body = resp.json().await.unwrap_or(Value::Null);
            return Err(ApiError { status, body });
        }
        Ok(EventStream { resp, buf: String::new() })
    }
}

/// One Server-Sent Event.
#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    pub id: Option<i64>,
    pub event: String,
    pub data: Value,
}

pub struct EventStream {
    resp: reqwest::Response,
    buf: String,
}

impl EventStream {
    /// The next event (heartbeat comments are skipped), or `None` after `timeout` or at
    /// the end of the stream.
    pub async fn next(&mut self, timeout: Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut ev = SseEvent { id: None, event: "message".into(), data: Value::Null };
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        ev.id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        ev.event = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.strip_prefix(' ').unwrap_or(v));
                    }
                }
                if data.is_empty() && ev.id.is_none() {
                    continue; // a comment such as the heartbeat
                }
                ev.data = serde_json::from_str(&data).unwrap_or(Value::String(data));
                return Some(ev);
            }
            match tokio::time::timeout_at(deadline, self.resp.chunk()).await {
                Ok(Ok(Some(bytes))) => self.buf.push_str(&String::from_utf8_lossy(&bytes).replace("\r\n", "\n")),
                _ => return None,
            }
        }
    }

    /// Whether the server ends the stream within `within` (events and heartbeats that
    /// arrive meanwhile are skipped).
    pub async fn closed(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.resp.chunk()).await {
                Ok(Ok(Some(_))) => continue,
                Ok(Ok(None)) | Ok(Err(_)) => return true,
                Err(_) => return false,
            }
        }
    }

    /// Collects events until none arrives for `quiet`.
    pub async fn drain(&mut self, quiet: Duration) -> Vec<SseEvent> {
        let mut out = Vec::new();
        while let Some(e) = self.next(quiet).await {
            out.push(e);
        }
        out
    }
}
