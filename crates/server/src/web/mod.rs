//! The browser surface: the web app's page and files, the plain pages that work without
//! scripts (setup, sign-in, invitations, password reset), and the security headers every response carries. The web app
//! itself (`web/` at the repository's root) is a client of the API and the event stream;
//! nothing here renders API objects.

pub mod accounts;
pub mod assets;
pub mod pages;
pub mod session;

use crate::app::App;
use assets::Assets;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use weft_core::mail::escape;

/// The browser surface's state.
pub struct Web {
    pub assets: Assets,
    /// Set once an account exists: the setup page is then gone for good.
    pub has_accounts: AtomicBool,
}

impl Web {
    pub fn new(dir: Option<&std::path::Path>) -> Self {
        Web { assets: Assets::new(dir), has_accounts: AtomicBool::new(false) }
    }
}

/// What browsers may do with Weft's pages: run and style only Weft's own files, talk only
/// to Weft, never be framed.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(shell))
        .route("/a", get(shell))
        .route("/a/{*path}", get(shell))
        .route("/assets/{file}", get(asset))
        .route("/setup", get(pages::setup_form).post(pages::setup))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/invite/{code}", get(accounts::invite_form).post(accounts::invite))
        .route("/join/{code}", get(accounts::join_form).post(accounts::join))
        .route("/reset-password", get(accounts::reset_request_form).post(accounts::reset_request))
        .route("/reset-password/{code}", get(accounts::new_password_form).post(accounts::new_password))
        .route("/dev/reload", get(dev_reload))
}

/// Adds the security headers to every response, API answers included.
pub async fn security_headers(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: &'static str, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(headers, "content-security-policy", CONTENT_SECURITY_POLICY);
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "same-origin");
    set(headers, "x-frame-options", "DENY");
    if app.base_url.starts_with("https://") {
        set(headers, "strict-transport-security", "max-age=31536000");
    }
    response
}

/// `GET /` and `/a/…`: the web app's page for a signed-in browser; otherwise setup (no
/// account yet) or sign-in, coming back here afterwards.
async fn shell(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    match pages::has_accounts(&app).await {
        Ok(false) => return Redirect::to("/setup").into_response(),
        Ok(true) => {}
        Err(e) => {
            tracing::warn!(error = %e, "the app's page is unavailable");
            let said = crate::api::error::UNAVAILABLE;
            return pages::message(&app, StatusCode::SERVICE_UNAVAILABLE, "Weft is unavailable", said);
        }
    }
    let session = match session::cookie_token(&headers) {
        Some(token) => crate::api::session_user(&app, token).await.ok(),
        None => None,
    };
    let Some((_, token_hash)) = session else {
        let here = uri.path_and_query().map_or("/", |p| p.as_str());
        let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    };
    let links = app.web.assets.links();
    let dev = if app.web.assets.dev() { "<meta name=\"weft-dev-reload\" content=\"1\">" } else { "" };
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"csrf-token\" content=\"{csrf}\">{dev}<title>Weft</title><link rel=\"icon\" href=\"{icon}\">\
         <link rel=\"stylesheet\" href=\"{css}\"><script type=\"module\" src=\"{js}\"></script></head>\
         <body><div id=\"app\"></div><noscript><p>Weft's web app needs JavaScript. \
         The API is at <code>/api/v3/</code>.</p></noscript></body></html>",
        csrf = escape(&session::csrf_token(&token_hash)),
        css = links.app_css,
        js = links.script,
        icon = links.icon,
    );
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

async fn asset(State(app): State<Arc<App>>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    app.web.assets.serve(&file, &headers)
}

/// `GET /dev/reload` (with `--web-dir` only): an event when the app's files change, so open
/// pages reload themselves while someone works on the app.
async fn dev_reload(State(app): State<Arc<App>>) -> Response {
    let Some(start) = app.web.assets.fingerprint() else {
        return (StatusCode::NOT_FOUND, "only with --web-dir").into_response();
    };
    let changed = futures_util::stream::unfold(Some((app, start)), |state| async move {
        let (app, start) = state?;
        let mut shutdown = app.shutdown.clone();
        loop {
            tokio::select! {
                _ = tokio::time::sleep(std::time::Duration::from_millis(300)) => {}
                _ = shutdown.wait_for(|s| *s) => return None,
            }
            if app.web.assets.fingerprint().as_ref() != Some(&start) {
                return Some((Ok::<_, std::convert::Infallible>(Bytes::from_static(b"data: reload\n\n")), None));
            }
        }
    });
    let opened = futures_util::stream::once(async { Ok(Bytes::from_static(b": watching\n\n")) });
    let body = Body::from_stream(futures_util::StreamExt::chain(opened, changed));
    ([(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-store")], body).into_response()
}
