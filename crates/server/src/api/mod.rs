//! The Twist-compatible HTTP API: one route table (`routes::endpoints`) from which the
//! router, `batch` and the OpenAPI document are built, so they cannot drift apart. Each
//! endpoint is declared once, by its handler's signature: the input type it takes and the
//! output type it answers.

pub mod decode;
pub mod error;
pub mod grants;
pub mod handlers;
pub mod openapi;
pub mod params;
pub mod routes;

use crate::app::App;
use crate::limits::Limit;
use crate::web::session;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use error::ApiError;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use weft_core::model::User;
use weft_core::services::{api_tokens, auth, users};
use weft_core::store::{ObjectKind, TokenGrant, Tx, WriteScope};
use weft_core::{Error, Result};

pub type HandlerFuture = weft_core::store::BoxFuture<Result<Value>>;
pub type HandlerFn = Arc<dyn Fn(Cx, params::Params) -> HandlerFuture + Send + Sync>;
pub type SchemaFn = Arc<dyn Fn(&mut SchemaGenerator) -> Schema + Send + Sync>;

/// Twist's answer for calls that return nothing.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Status {
    pub status: StatusOk,
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusOk {
    Ok,
}

pub fn ok() -> Status {
    Status { status: StatusOk::Ok }
}

/// An endpoint that takes no parameters.
#[derive(Debug, serde::Deserialize, JsonSchema)]
pub struct NoParams {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
}

pub struct Endpoint {
    /// Path under `/api/v3/`, e.g. `threads/add`.
    pub path: &'static str,
    pub verb: Verb,
    pub summary: &'static str,
    /// The schema of the input type (an object: one property per parameter).
    pub input: SchemaFn,
    /// The schema of the answer.
    pub output: SchemaFn,
    /// The parameters, read off `input` when the table is built.
    pub params: Vec<params::Param>,
    /// Needs a signed-in user.
    pub auth: bool,
    /// Weft's own endpoint, not part of Twist's API.
    pub extension: bool,
    /// Takes a multipart/form-data body (with a file), served by its own route.
    pub multipart: bool,
    /// The rate limit a call counts against (`limits`): a POST is a write, a POST that
    /// needs no session a sign-in, unless the table says otherwise.
    pub limit: Option<Limit>,
    /// Reads or changes what the fan-out derives from posts (inboxes, notifications, unread
    /// lists, events): waits for it first (`App::fanned_out`).
    pub after_fanout: bool,
    pub handler: HandlerFn,
}

impl Endpoint {
    /// An endpoint whose handler takes its input type `I` and answers its output type `O`.
    pub fn new<I, O, F, Fut>(verb: Verb, path: &'static str, summary: &'static str, f: F) -> Self
    where
        I: DeserializeOwned + JsonSchema + Send + 'static,
        O: Serialize + JsonSchema + 'static,
        F: Fn(Cx, I) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<O>> + Send + 'static,
    {
        let handler: HandlerFn = Arc::new(move |cx, values| match decode::decode_params::<I>(values) {
            Ok(input) => {
                let answer = f(cx, input);
                Box::pin(async move { to_json(answer.await?) })
            }
            Err(e) => Box::pin(std::future::ready(Err(e))),
        });
        Endpoint {
            path,
            verb,
            summary,
            input: Arc::new(|g: &mut SchemaGenerator| I::json_schema(g)),
            output: Arc::new(|g: &mut SchemaGenerator| g.subschema_for::<O>()),
            params: Vec::new(),
            auth: true,
            extension: false,
            multipart: false,
            limit: (verb == Verb::Post).then_some(Limit::Write),
            after_fanout: false,
            handler,
        }
    }

    pub fn after_fanout(mut self) -> Self {
        self.after_fanout = true;
        self
    }

    pub fn public(mut self) -> Self {
        self.auth = false;
        if self.verb == Verb::Post {
            self.limit = Some(Limit::SignIn);
        }
        self
    }
    pub fn limited(mut self, limit: Limit) -> Self {
        self.limit = Some(limit);
        self
    }
    /// Counts against no limit (`batch`: each of its calls counts).
    pub fn unlimited(mut self) -> Self {
        self.limit = None;
        self
    }
    pub fn extension(mut self) -> Self {
        self.extension = true;
        self
    }
    pub fn multipart(mut self) -> Self {
        self.multipart = true;
        self
    }
}

/// A handler's answer as JSON.
pub fn to_json<T: Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::Internal(e.to_string()))
}

/// The answer of a write, as stored under its idempotency key: a retry gets the very same
/// JSON. Its schema is `T`'s, the type it was made from.
pub struct Stored<T> {
    value: Value,
    _of: std::marker::PhantomData<fn() -> T>,
}

impl<T> Serialize for Stored<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: JsonSchema> JsonSchema for Stored<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        T::json_schema(g)
    }
}

pub struct Api {
    pub endpoints: Vec<Endpoint>,
    index: HashMap<&'static str, usize>,
}

impl Api {
    pub fn new() -> Self {
        let mut endpoints = routes::endpoints();
        for e in &mut endpoints {
            e.params = params::declared(&e.input);
        }
        let index = endpoints.iter().enumerate().map(|(i, e)| (e.path, i)).collect();
        Api { endpoints, index }
    }

    pub fn find(&self, path: &str) -> Option<&Endpoint> {
        self.index.get(path).map(|&i| &self.endpoints[i])
    }
}

impl Default for Api {
    fn default() -> Self {
        Self::new()
    }
}

/// What a handler gets: the application, the caller, and request facts.
#[derive(Clone)]
pub struct Cx {
    pub app: Arc<App>,
    pub user: Option<User>,
    pub token_hash: Option<String>,
    pub ip: IpAddr,
    /// Set when the client asked for an idempotent write (temp_id or Idempotency-Key).
    pub idempotency_key: Option<String>,
    /// The endpoint called, e.g. `threads/add`.
    pub path: &'static str,
    /// What the personal API token the caller signed in with may do (none: a session).
    pub grant: Option<TokenGrant>,
}

/// Who is calling: their account, the hash of the token they signed in with, and — for a
/// personal API token — what that token may do.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub token_hash: String,
    pub grant: Option<TokenGrant>,
}

impl Cx {
    /// After a change to the actor's account or tokens: no cached copy may answer for them.
    pub fn forget_cached_tokens(&self) {
        if let Some(u) = &self.user {
            self.app.tokens.forget_user(u.id);
        }
    }

    pub fn actor(&self) -> Result<&User> {
        self.user.as_ref().ok_or(Error::NotLoggedIn)
    }

    pub fn now(&self) -> i64 {
        self.app.clock.now()
    }

    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx) -> Result<T> + Send + 'static,
    {
        self.app.store.read(f).await
    }

    /// Runs one write transaction and answers its result as JSON. A retried request with
    /// the same idempotency key gets the stored answer instead of a second write — unless
    /// the answer carries a secret (`carries_secret`), which is never stored: such writes
    /// (a new token) end the caller's session, so a retry is refused as signed out anyway.
    pub async fn write<T, F>(&self, f: F) -> Result<Stored<T>>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut dyn Tx) -> Result<T> + Send + 'static,
    {
        self.write_scoped(WriteScope::Everything, f).await
    }

    /// `write`, for a change that keeps to the workspace `object` belongs to (a post): on
    /// PostgreSQL it then waits only for writes of that workspace (`WriteScope`). One read
    /// finds the workspace the first time (`App::workspaces_of`); an object that names none
    /// (it does not exist) gets an unscoped write, whose job answers that it is not found.
    pub async fn write_in_workspace_of<T, F>(&self, object: (ObjectKind, i64), f: F) -> Result<Stored<T>>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut dyn Tx) -> Result<T> + Send + 'static,
    {
        let scope = match self.app.workspaces_of.get(object) {
            Some(ws) => WriteScope::Workspace(ws),
            None => match self.app.store.read(move |tx| tx.workspaces_of_objects(&[object])).await?[..] {
                [ws] => {
                    self.app.workspaces_of.remember(object, ws);
                    WriteScope::Workspace(ws)
                }
                _ => WriteScope::Everything,
            },
        };
        self.write_scoped(scope, f).await
    }

    async fn write_scoped<T, F>(&self, scope: WriteScope, f: F) -> Result<Stored<T>>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut dyn Tx) -> Result<T> + Send + 'static,
    {
        let key = self.idempotency_key.clone();
        let user = self.user.as_ref().map(|u| u.id);
        let now = self.now();
        self.app
            .store
            .write_scoped(scope, move |tx| {
                if let (Some(key), Some(user)) = (&key, user)
                    && let Some(previous) = tx.idempotent_response(user, key)?
                {
                    return Ok(previous);
                }
                let out = f(tx)?;
                let value = serde_json::to_value(&out).map_err(|e| Error::Internal(e.to_string()))?;
                if let (Some(key), Some(user)) = (&key, user)
                    && !carries_secret(&value)
                {
                    tx.save_idempotent_response(user, key, &value, now)?;
                }
                Ok(value)
            })
            .await
            .map(|value| Stored { value, _of: std::marker::PhantomData })
    }
}

/// Whether an answer holds a secret that must not be stored: a signed-in user's `token`.
fn carries_secret(answer: &Value) -> bool {
    answer.get("token").is_some_and(|t| !t.is_null())
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// The client's address: the socket peer, or `X-Forwarded-For` when the peer is a
/// configured trusted proxy (never trusted otherwise: it is trivially spoofed).
pub fn client_ip(app: &App, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    if app.config.trusted_proxies.contains(&peer) {
        let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        if let Some(ip) = forwarded.and_then(|v| v.split(',').next_back()).and_then(|s| s.trim().parse().ok()) {
            return ip;
        }
    }
    peer
}

/// The caller of an API request: the bearer token's user, or the browser session's when
/// the request also carries the session's CSRF token (see `web::session`).
pub async fn authenticate(app: &Arc<App>, headers: &HeaderMap) -> Result<Option<Caller>> {
    if let Some(token) = bearer(headers) {
        return signed_in(app, token).await.map(Some);
    }
    let Some(token) = session::cookie_token(headers) else { return Ok(None) };
    let (user, hash) = session_user(app, token).await?;
    if !session::csrf_matches(&hash, session::csrf_header(headers)) {
        return Err(Error::Forbidden(format!(
            "a request signed in by the browser's session must carry its page's CSRF token in the {} header",
            session::CSRF_HEADER
        )));
    }
    Ok(Some(Caller { user, token_hash: hash, grant: None }))
}

/// The caller of a request that only reads and that other sites cannot read the answer of
/// (the event stream, which browsers open without custom headers): the bearer token's user
/// or the session cookie's, without a CSRF token.
pub async fn authenticate_reader(app: &Arc<App>, headers: &HeaderMap) -> Result<Option<Caller>> {
    if let Some(token) = bearer(headers) {
        return signed_in(app, token).await.map(Some);
    }
    match session::cookie_token(headers) {
        Some(token) => {
            session_user(app, token).await.map(|(user, token_hash)| Some(Caller { user, token_hash, grant: None }))
        }
        None => Ok(None),
    }
}

/// The user of a browser session. A session that ended (signed out elsewhere, password
/// changed) leaves the browser simply not signed in: 401, and the app goes to sign-in.
/// A personal API token is for `Authorization: Bearer`, never a browser's session.
pub async fn session_user(app: &Arc<App>, token: &str) -> Result<(User, String)> {
    if api_tokens::is_api_token(token) {
        return Err(Error::NotLoggedIn);
    }
    match signed_in(app, token).await {
        Ok(c) => Ok((c.user, c.token_hash)),
        Err(Error::InvalidToken) => Err(Error::NotLoggedIn),
        Err(e) => Err(e),
    }
}

/// The user a sign-in token or a personal API token belongs to, through a short-lived
/// cache. An API token's use is recorded, at most once a minute.
pub async fn signed_in(app: &Arc<App>, token: &str) -> Result<Caller> {
    let hash = auth::token_hash(token);
    let now = app.clock.now_ms();
    if let Some((user, grant)) = app.tokens.get(&hash, now) {
        return Ok(Caller { user, token_hash: hash, grant });
    }
    let h = hash.clone();
    let (user, grant) = if api_tokens::is_api_token(token) {
        let (user, grant) = app.store.read(move |tx| api_tokens::authenticate(tx, &h)).await?;
        let now_s = now / 1000;
        if grant.last_used_ts.is_none_or(|t| now_s - t >= api_tokens::TOUCH_EVERY_S) {
            // Best effort: a failure to note the use must not refuse the request.
            let _ = app.store.write(move |tx| tx.touch_api_token(grant.id, now_s)).await;
        }
        (user, Some(grant))
    } else {
        (app.store.read(move |tx| users::authenticate(tx, &h)).await?, None)
    };
    app.tokens.put(&hash, &user, grant, now);
    Ok(Caller { user, token_hash: hash, grant })
}

/// Signed-in users by token hash, kept for a few seconds: most requests then need no
/// database read to authenticate. A node forgets a user's tokens at once when that user
/// signs out, rotates a token or changes their profile or password there; other nodes
/// stop honouring a revoked token within `TOKEN_CACHE_MS`.
#[derive(Default)]
pub struct TokenCache {
    entries: std::sync::Mutex<HashMap<String, CachedCaller>>,
    /// Told whenever tokens are forgotten: open streams then check that theirs still
    /// signs in (`stream::run_token_checks`).
    pub forgotten: tokio::sync::Notify,
}

/// A signed-in user, their token's grant, and until when (ms) the entry may answer.
type CachedCaller = (User, Option<TokenGrant>, i64);

pub const TOKEN_CACHE_MS: i64 = 5_000;
const TOKEN_CACHE_MAX: usize = 100_000;

impl TokenCache {
    fn get(&self, hash: &str, now_ms: i64) -> Option<(User, Option<TokenGrant>)> {
        let entries = self.entries.lock().expect("token cache");
        entries.get(hash).filter(|(.., until)| *until > now_ms).map(|(u, g, _)| (u.clone(), *g))
    }

    fn put(&self, hash: &str, user: &User, grant: Option<TokenGrant>, now_ms: i64) {
        let mut entries = self.entries.lock().expect("token cache");
        if entries.len() >= TOKEN_CACHE_MAX {
            entries.retain(|_, (.., until)| *until > now_ms);
            if entries.len() >= TOKEN_CACHE_MAX {
                entries.clear();
            }
        }
        entries.insert(hash.to_string(), (user.clone(), grant, now_ms + TOKEN_CACHE_MS));
    }

    /// Forgets one token (signed out).
    pub fn forget_token(&self, hash: &str) {
        self.entries.lock().expect("token cache").remove(hash);
        self.forgotten.notify_one();
    }

    /// Forgets every cached token of `user`.
    pub fn forget_user(&self, user: weft_core::UserId) {
        self.entries.lock().expect("token cache").retain(|_, (u, ..)| u.id != user);
        self.forgotten.notify_one();
    }
}

/// The parts of one API call.
pub struct Request<'a> {
    pub verb: Verb,
    pub path: &'a str,
    pub headers: &'a HeaderMap,
    pub ip: IpAddr,
    pub query: Option<&'a str>,
    pub body: &'a [u8],
}

/// One API call, from raw request parts to a JSON answer. `caller` is set when the caller
/// is already authenticated (sub-requests of a batch).
pub async fn call(app: &Arc<App>, req: Request<'_>, caller: Option<Caller>) -> (StatusCode, Value) {
    match call_inner(app, req, caller).await {
        Ok(v) => (StatusCode::OK, v),
        Err(e) => error::error_body(&e),
    }
}

async fn call_inner(app: &Arc<App>, req: Request<'_>, caller: Option<Caller>) -> Result<Value> {
    let path = req.path;
    let endpoint = app.api.find(path).ok_or_else(|| Error::BadRequest(format!("unknown endpoint: {path}")))?;
    if endpoint.verb == Verb::Post && req.verb == Verb::Get {
        return Err(Error::MethodNotAllowed { allowed: "POST" });
    }
    let content_type = req.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let mut values = params::parse(req.query, content_type, req.body)?;
    decode::drop_blank_scalars(&mut values, &endpoint.params);
    let caller = match caller {
        Some(c) => Some(c),
        None => authenticate(app, req.headers).await?,
    };
    let (user, token_hash, grant) = match caller {
        Some(c) => (Some(c.user), Some(c.token_hash), c.grant),
        None if endpoint.auth => return Err(Error::NotLoggedIn),
        None => (None, None, None),
    };
    if let Some(grant) = &grant {
        grants::permit(app, endpoint, &values.values, grant).await?;
    }
    if let Some(limit) = endpoint.limit {
        app.rate_limiter.take(limit, user.as_ref().map(|u| u.id), req.ip, app.clock.now_ms())?;
    }
    let idempotency_key = if endpoint.verb == Verb::Post {
        let header_key = req.headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string);
        let temp_id = if endpoint.params.iter().any(|p| p.name == "temp_id") {
            let TempId { temp_id } = decode::decode_params(values.clone())?;
            temp_id.map(|t| format!("temp_id:{t}"))
        } else {
            None
        };
        header_key.map(|k| format!("key:{k}")).or(temp_id).map(|k| format!("{path}\n{k}"))
    } else {
        None
    };
    if endpoint.after_fanout {
        app.fanned_out().await;
    }
    let cx = Cx { app: app.clone(), user, token_hash, ip: req.ip, idempotency_key, path: endpoint.path, grant };
    (endpoint.handler)(cx, values).await
}

/// The one parameter every writing endpoint may share: a client's id for its own retry.
#[derive(serde::Deserialize)]
struct TempId {
    #[serde(default)]
    temp_id: Option<i64>,
}

/// The axum entry point for `/api/{v3,v4}/{*path}`.
pub async fn entry(
    State(app): State<Arc<App>>,
    Path((version, path)): Path<(String, String)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: std::result::Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return crate::app::payload_too_large(),
        Err(e) => return ApiError(Error::BadRequest(format!("cannot read the body: {e}"))).into_response(),
    };
    if version != "v3" && version != "v4" {
        return ApiError(Error::BadRequest(format!("unknown API version {version}"))).into_response();
    }
    let verb = match method {
        Method::GET | Method::HEAD => Verb::Get,
        Method::POST => Verb::Post,
        _ => {
            let allowed = match app.api.find(path.trim_end_matches('/')).map(|e| e.verb) {
                Some(Verb::Post) => "POST",
                _ => "GET, HEAD, POST",
            };
            return ApiError(Error::MethodNotAllowed { allowed }).into_response();
        }
    };
    let ip = client_ip(&app, peer.ip(), &headers);
    let path = path.trim_end_matches('/');
    if app.api.find(path).is_none() {
        return unknown_endpoint(path);
    }
    let request = Request { verb, path, headers: &headers, ip, query: query.as_deref(), body: &body };
    let (status, body) = call(&app, request, None).await;
    let retry_after = (status == StatusCode::TOO_MANY_REQUESTS)
        .then(|| body["error_extra"]["retry_after"].as_i64())
        .flatten()
        .and_then(|secs| axum::http::HeaderValue::from_str(&secs.to_string()).ok());
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response.headers_mut().insert(header::ALLOW, axum::http::HeaderValue::from_static("POST"));
    }
    if let Some(v) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

pub fn unknown_endpoint(path: &str) -> Response {
    let (_, mut body) = error::error_body(&Error::NotFound(weft_core::NotFound::Resource));
    body["error_string"] = json!(format!("Unknown endpoint: {path}"));
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}
