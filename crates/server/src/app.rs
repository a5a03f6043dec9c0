//! The application as a library: build it on any address (port 0 in tests), run it until
//! told to stop, then shut down gracefully.

use crate::api::{self, Api};
use crate::config::Config;
use crate::limits::RateLimiter;
use crate::stream::{self, Feed, OpenStreams};
use crate::throttle::LoginThrottle;
use crate::web;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use weft_core::store::{ObjectKind, Store};
use weft_core::{Clock, Error, WorkspaceId};

/// The request body limit of the API.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

pub struct App {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub api: Api,
    pub login_throttle: LoginThrottle,
    pub rate_limiter: RateLimiter,
    /// Password hashes computed at once: each holds ~19 MiB and a core for a while.
    pub password_hashes: tokio::sync::Semaphore,
    /// Requests that email someone a link (a password reset, an invitation asked for
    /// through a join link), per email and per client address: each request counts.
    pub reset_throttle: LoginThrottle,
    pub tokens: api::TokenCache,
    pub feed: Feed,
    /// The event streams and long polls open on this node.
    pub streams: Arc<OpenStreams>,
    /// Sends email; None without `--smtp-url`.
    pub mailer: Option<crate::mail::Mailer>,
    /// The start of links to this server (`--public-url`, else the listen address).
    pub base_url: String,
    /// Turns true when the server starts shutting down; streams end on it.
    pub shutdown: watch::Receiver<bool>,
    /// The web app's files and the plain pages' state.
    pub web: crate::web::Web,
    /// The attachments' blob store.
    pub files: crate::files::Files,
    /// How far the fan-out of posts has got (`fanout.rs`).
    pub fanout: crate::fanout::FanoutProgress,
    /// Requests counted as they are answered, for `/metrics`.
    pub metrics: crate::metrics::Metrics,
    /// The workspace of objects posted to (`Cx::write_in_workspace_of`).
    pub workspaces_of: WorkspacesOf,
    openapi: Value,
}

/// The workspaces of threads, channels and conversations as found, so that a post to one
/// reads it once, not each time. Never stale: an object stays in its workspace for life and
/// ids are never reused. Bounded: forgotten whole when full.
#[derive(Default)]
pub struct WorkspacesOf(std::sync::Mutex<HashMap<(ObjectKind, i64), WorkspaceId>>);

impl WorkspacesOf {
    const MAX: usize = 100_000;

    pub fn get(&self, object: (ObjectKind, i64)) -> Option<WorkspaceId> {
        self.0.lock().expect("workspaces lock").get(&object).copied()
    }

    pub fn remember(&self, object: (ObjectKind, i64), ws: WorkspaceId) {
        let mut known = self.0.lock().expect("workspaces lock");
        if known.len() >= Self::MAX {
            known.clear();
        }
        known.insert(object, ws);
    }
}

pub struct Server {
    pub addr: SocketAddr,
    /// Where `--metrics-listen` serves `/metrics`, if it was given.
    pub metrics_addr: Option<SocketAddr>,
    pub app: Arc<App>,
    shutdown: watch::Sender<bool>,
    serve: tokio::task::JoinHandle<std::io::Result<()>>,
    metrics: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Binds `config.listen` and starts serving in the background.
    pub async fn start(config: Config, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> std::io::Result<Server> {
        let mailer = crate::mail::Mailer::from_config(&config)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let files = crate::files::Files::open(&config.files, &config.data)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let metrics_listener = match config.metrics_listen {
            Some(at) => Some(tokio::net::TcpListener::bind(at).await?),
            None => None,
        };
        let metrics_addr = metrics_listener.as_ref().map(|l| l.local_addr()).transpose()?;
        let base_url = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
        let base_url = base_url.trim_end_matches('/').to_string();
        let (shutdown_tx, shutdown) = watch::channel(false);
        let api = Api::new();
        let openapi = document_of(&api);
        let web = crate::web::Web::new(config.web_dir.as_deref());
        let head = *store.head().borrow();
        let feed = Feed::new(head, config.event_feed_bytes);
        let streams = Arc::new(OpenStreams::new(config.max_streams_per_user));
        let app = Arc::new(App {
            rate_limiter: RateLimiter::new(config.rates),
            password_hashes: tokio::sync::Semaphore::new(config.password_hashes.max(1)),
            config,
            store,
            clock,
            api,
            login_throttle: LoginThrottle::default(),
            reset_throttle: LoginThrottle::default(),
            tokens: api::TokenCache::default(),
            feed,
            streams,
            mailer,
            base_url,
            shutdown,
            web,
            files,
            fanout: crate::fanout::FanoutProgress::new(),
            workspaces_of: WorkspacesOf::default(),
            metrics: crate::metrics::Metrics::default(),
            openapi,
        });
        tokio::spawn(stream::run_feeder(app.clone()));
        tokio::spawn(stream::run_token_checks(app.clone()));
        if !app.config.hold_fanout {
            tokio::spawn(crate::fanout::follow(app.clone()));
        }
        crate::workers::start(&app);
        let router = router(app.clone());
        let stop = shutdown_tx.subscribe();
        let serving = app.clone();
        let serve = tokio::spawn(async move { crate::serve::serve(listener, router, &serving.config, stop).await });
        let metrics = metrics_listener
            .map(|l| tokio::spawn(crate::metrics::serve_private(l, app.clone(), shutdown_tx.subscribe())));
        Ok(Server { addr, metrics_addr, app, shutdown: shutdown_tx, serve, metrics })
    }

    /// Stops accepting connections, lets in-flight requests finish, ends the streams and
    /// closes the database cleanly.
    pub async fn stop(self) {
        self.shutdown.send_replace(true);
        match self.serve.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "server error during shutdown"),
            Err(e) => tracing::error!(error = %e, "server task failed"),
        }
        if let Some(metrics) = self.metrics
            && let Ok(Err(e)) = metrics.await
        {
            tracing::error!(error = %e, "metrics listener error during shutdown");
        }
        self.app.store.close().await;
    }
}

impl App {
    /// Where invitation links point, how long they last, and whether they are emailed.
    pub fn invitation_links(&self) -> weft_core::services::invitations::Links {
        weft_core::services::invitations::Links {
            base_url: self.base_url.clone(),
            invitation_ttl_s: self.config.invitation_days * 86_400,
            send_email: self.mailer.is_some(),
        }
    }
}

fn document_of(api: &Api) -> Value {
    api::openapi::document(api, &[stream_doc()])
}

/// The API's OpenAPI document, as `/api/v3/openapi.json` serves it.
pub fn openapi_document() -> Value {
    document_of(&Api::new())
}

pub(crate) fn stream_doc() -> api::openapi::ExtraOperation {
    use schemars::JsonSchema;
    let query: api::SchemaFn = Arc::new(|g: &mut schemars::SchemaGenerator| stream::StreamQuery::json_schema(g));
    api::openapi::ExtraOperation {
        path: "events/stream",
        summary: "Server-Sent Events of the workspace: each event's id is its sequence number; reconnect with \
                  Last-Event-ID (or after=) to get exactly what was missed",
        params: api::params::declared(&query),
        content_type: "text/event-stream",
        returns: Arc::new(|g: &mut schemars::SchemaGenerator| g.subschema_for::<stream::WireEvent<'static>>()),
    }
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .merge(crate::web::routes())
        .route("/health", get(health))
        .route("/metrics", get(crate::metrics::public))
        .route("/mail/unsubscribe", get(unsubscribe_page).post(unsubscribe))
        .route("/api/v3/openapi.json", get(openapi))
        .route("/api/v3/events/stream", get(stream::sse))
        .route("/api/{version}/{*path}", any(api::entry))
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(app.clone(), crate::serve::read_body_in_time))
        // Uploads stream to storage with their own size limit: not read whole beforehand.
        .merge(files_routes(&app))
        .layer(axum::middleware::from_fn_with_state(app.clone(), crate::metrics::track))
        .layer(axum::middleware::from_fn_with_state(app.clone(), crate::web::security_headers))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(app)
}

/// The link in an email's footer. Opening it changes nothing (mail scanners open links):
/// it asks for a click, which posts the form.
async fn unsubscribe_page(
    State(app): State<Arc<App>>,
    axum::extract::Query(q): axum::extract::Query<UnsubscribeQuery>,
) -> Response {
    let token = q.token.unwrap_or_default();
    let (t, now) = (token.clone(), app.clock.now());
    match app.store.read(move |tx| weft_core::services::mail::link_owner(tx, &t, now)).await {
        Ok(_) => web::pages::page(
            &app,
            StatusCode::OK,
            "Stop email from Weft",
            &format!(
                "<h1>Stop email from this workspace?</h1><p>You will still see everything in Weft; it just will \
                 not email you about this workspace. You can turn email back on in your notification \
                 settings.</p><form method=\"post\" action=\"/mail/unsubscribe?token={}\">\
                 <button type=\"submit\">Stop email</button></form>",
                weft_core::mail::escape(&form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>())
            ),
        ),
        Err(e) => unsubscribe_failure(&app, e),
    }
}

#[derive(serde::Deserialize)]
struct UnsubscribeQuery {
    token: Option<String>,
}

/// Uploads (streamed, with their own body limit: the file's plus room for the other
/// fields) and downloads of attachments.
fn files_routes(app: &App) -> Router<Arc<App>> {
    use axum::routing::post;
    let limit = usize::try_from(app.files.max_upload_bytes.saturating_add(1024 * 1024)).unwrap_or(usize::MAX);
    let upload = post(crate::files::upload)
        .fallback(|| async { api::error::ApiError(Error::MethodNotAllowed { allowed: "POST" }).into_response() })
        .layer(DefaultBodyLimit::max(limit));
    Router::new()
        .route("/api/v3/attachments/upload", upload.clone())
        .route("/api/v4/attachments/upload", upload)
        .route("/files/{id}/{name}", get(crate::files::download))
        .route("/files/{id}/thumbnail/{name}", get(crate::files::thumbnail))
}

/// Turns off the email of the link's owner in its workspace: from the page's button, or in
/// one click from the mail program (RFC 8058).
async fn unsubscribe(
    State(app): State<Arc<App>>,
    axum::extract::Query(q): axum::extract::Query<UnsubscribeQuery>,
) -> Response {
    let token = q.token.unwrap_or_default();
    let now = app.clock.now();
    let done = app.store.write(move |tx| weft_core::services::mail::unsubscribe(tx, &token, now)).await;
    match done {
        Ok(_) => web::pages::message(
            &app,
            StatusCode::OK,
            "Email stopped",
            "Weft will not email you about this workspace any more. Turn it back on in your notification \
             settings whenever you like.",
        ),
        Err(e) => unsubscribe_failure(&app, e),
    }
}

/// A link that is not (or no longer) one gets a page that says so; a storage failure gets
/// the API's error.
fn unsubscribe_failure(app: &App, e: Error) -> Response {
    match e {
        Error::NotFound(_) => web::pages::message(
            app,
            StatusCode::NOT_FOUND,
            "Link not valid",
            "This unsubscribe link is not valid. Use the one in your latest email from Weft, or change your \
             notification settings in Weft.",
        ),
        e => {
            let (status, body) = api::error::error_body(&e);
            (status, axum::Json(body)).into_response()
        }
    }
}

/// Whether Weft and its database answer. The version is for admins only (the bearer token
/// of an admin of some workspace): it tells an attacker which known flaws to try.
async fn health(State(app): State<Arc<App>>, headers: axum::http::HeaderMap) -> Response {
    let reachable = app.store.read(|tx| tx.event_head()).await;
    let mut body = json!({
        "status": if reachable.is_ok() { "ok" } else { "unavailable" },
        "backend": app.store.backend(),
        "database_reachable": reachable.is_ok(),
        "fanout_behind": app.fanout_behind(),
    });
    if let Some(token) = api::bearer(&headers)
        && let Ok(caller) = api::signed_in(&app, token).await
        && app.store.read(move |tx| tx.is_admin_anywhere(caller.user.id)).await == Ok(true)
    {
        body["version"] = json!(env!("CARGO_PKG_VERSION"));
    }
    let status =
        if reachable.is_ok() { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE };
    (status, axum::Json(body)).into_response()
}

async fn openapi(State(app): State<Arc<App>>) -> axum::Json<Value> {
    axum::Json(app.openapi.clone())
}

async fn fallback(uri: axum::http::Uri) -> Response {
    api::unknown_endpoint(uri.path())
}

/// A body over the limit gets the API's JSON error shape, not a bare 413.
pub fn payload_too_large() -> Response {
    let (_, body) = api::error::error_body(&Error::BadRequest(format!(
        "the request body is larger than {} MB",
        MAX_BODY_BYTES / 1024 / 1024
    )));
    (axum::http::StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response()
}
