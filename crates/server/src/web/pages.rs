//! The plain pages: first-run setup, sign-in and sign-out. They are HTML forms that work
//! without scripts; everything else in the browser is the web app, a client of the API.

use super::session;
use crate::api::{self, Verb};
use crate::app::App;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;
use weft_core::input::{self, Email, Password};
use weft_core::mail::escape;
use weft_core::services::{auth, users, workspaces};
use weft_core::{Error, Result};

/// A page in the plain pages' frame.
pub fn page(app: &App, status: StatusCode, title: &str, body: &str) -> Response {
    let links = app.web.assets.links();
    let (css, icon) = (links.pages_css, links.icon);
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} · Weft</title><link rel=\"icon\" href=\"{icon}\">\
         <link rel=\"stylesheet\" href=\"{css}\"></head>\
         <body><main class=\"card\"><p class=\"brand\" aria-hidden=\"true\">Weft</p>{body}</main></body></html>",
        title = escape(title),
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

/// A page with a heading and one paragraph.
pub fn message(app: &App, status: StatusCode, title: &str, text: &str) -> Response {
    page(app, status, title, &format!("<h1>{}</h1><p>{}</p>", escape(title), escape(text)))
}

pub(crate) fn error_box(error: Option<&str>) -> String {
    error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e))).unwrap_or_default()
}

pub(crate) fn field(label: &str, name: &str, kind: &str, value: &str, extra: &str) -> String {
    format!(
        "<label for=\"{name}\">{label}</label><input id=\"{name}\" name=\"{name}\" type=\"{kind}\" \
         value=\"{value}\" required {extra}>",
        value = escape(value)
    )
}

/// The time zones a time zone field suggests (a `<datalist>`'s options).
pub(crate) fn zone_options() -> String {
    input::timezone_names().iter().map(|z| format!("<option value=\"{}\">", escape(z))).collect()
}

/// Whether any account exists; remembered once true (accounts are never all deleted).
pub async fn has_accounts(app: &App) -> Result<bool> {
    use std::sync::atomic::Ordering;
    if app.web.has_accounts.load(Ordering::Relaxed) {
        return Ok(true);
    }
    let count = app.store.read(|tx| tx.user_count()).await?;
    if count > 0 {
        app.web.has_accounts.store(true, Ordering::Relaxed);
    }
    Ok(count > 0)
}

pub(crate) fn https(app: &App) -> bool {
    app.base_url.starts_with("https://")
}

pub(crate) fn refused_cross_site(app: &App) -> Response {
    message(
        app,
        StatusCode::FORBIDDEN,
        "Form refused",
        "This form was sent from another site, so Weft did not act on it. Open Weft and try again there.",
    )
}

pub(crate) fn internal(app: &App, e: &Error) -> Response {
    tracing::error!(error = %e, "page failed");
    message(app, StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Weft could not do that. Try again.")
}

/// Signed in: a new session cookie, then on to `to`.
pub(crate) fn signed_in(app: &App, token: &str, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session::set_cookie(token, https(app)));
    response
}

/// A path on this server to return to after signing in; anything else goes to `/`.
fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p,
        _ => "/",
    }
}

// ---------------------------------------------------------------------------------------
// Setup

#[derive(Deserialize, Default)]
pub struct SetupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    workspace: String,
}

fn setup_page(app: &App, status: StatusCode, form: &SetupForm, error: Option<&str>) -> Response {
    let timezone = if form.timezone.is_empty() { "UTC" } else { &form.timezone };
    let zones = zone_options();
    let body = format!(
        "<h1>Welcome to Weft</h1><p>Create the first account. It will be the administrator of your \
         team's first workspace; you can invite everyone else from there.</p>{error}\
         <form method=\"post\" action=\"/setup\">{name}{email}{password}\
         <p class=\"hint\">At least {min} characters.</p>{tz}<datalist id=\"zones\">{zones}</datalist>\
         <p class=\"hint\">Where you work, e.g. Europe/Lisbon: Weft keeps your working hours in it.</p>{ws}\
         <button type=\"submit\">Create account and workspace</button></form>",
        error = error_box(error),
        name = field("Your name", "name", "text", &form.name, "autocomplete=\"name\" autofocus"),
        email = field("Email", "email", "email", &form.email, "autocomplete=\"email\""),
        password = field("Password", "password", "password", "", "autocomplete=\"new-password\" minlength=\"8\""),
        min = input::MIN_PASSWORD_LEN,
        tz = field("Time zone", "timezone", "text", timezone, "list=\"zones\" autocomplete=\"off\""),
        ws = field("Workspace name", "workspace", "text", &form.workspace, "placeholder=\"e.g. Acme\""),
    );
    page(app, status, "Set up Weft", &body)
}

/// `GET /setup`: the first account's form, while there is none.
pub async fn setup_form(State(app): State<Arc<App>>) -> Response {
    match has_accounts(&app).await {
        Ok(true) => Redirect::to("/login").into_response(),
        Ok(false) => setup_page(&app, StatusCode::OK, &SetupForm::default(), None),
        Err(e) => internal(&app, &e),
    }
}

/// `POST /setup`: creates the first account (administrator), its workspace, and signs in.
pub async fn setup(State(app): State<Arc<App>>, headers: HeaderMap, form: axum::Form<SetupForm>) -> Response {
    if !session::same_origin(&headers) {
        return refused_cross_site(&app);
    }
    let form = form.0;
    let parsed = (|| {
        let name = input::name("name", &form.name)?;
        let email = Email::parse(&form.email)?;
        let password = Password::parse(&form.password)?;
        let timezone = match form.timezone.trim() {
            "" => None,
            tz => Some(input::timezone(tz)?),
        };
        let workspace = input::name("workspace", &form.workspace)?;
        Ok::<_, Error>((name, email, password, timezone, workspace))
    })();
    let (name, email, password, timezone, workspace) = match parsed {
        Ok(p) => p,
        Err(e) => return setup_page(&app, StatusCode::BAD_REQUEST, &form, Some(&plain_error(&e))),
    };
    let hash = match tokio::task::spawn_blocking(move || auth::hash_password(password.expose())).await {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => return internal(&app, &e),
        Err(e) => return internal(&app, &Error::Internal(e.to_string())),
    };
    let (token, token_hash) = match auth::new_token() {
        Ok(t) => t,
        Err(e) => return internal(&app, &e),
    };
    let now = app.clock.now();
    let t = token.clone();
    let created = app
        .store
        .write(move |tx| {
            // Checked in the same transaction as the insert, so two setup forms cannot both win.
            if tx.user_count()? > 0 {
                return Err(Error::AlreadyExists("an account".into()));
            }
            let account = users::NewAccount { email, name, password_hash: hash, timezone };
            let user = users::create(tx, account, now)?;
            workspaces::add(tx, user.id, workspace, None, now)?;
            users::issue_token(tx, user.id, &t, &token_hash, now)
        })
        .await;
    match created {
        Ok(_) => {
            app.web.has_accounts.store(true, std::sync::atomic::Ordering::Relaxed);
            signed_in(&app, &token, "/")
        }
        Err(Error::AlreadyExists(_)) => Redirect::to("/login").into_response(),
        Err(e @ (Error::InvalidArgument { .. } | Error::EmailInvalid | Error::EmailTaken)) => {
            setup_page(&app, StatusCode::BAD_REQUEST, &form, Some(&plain_error(&e)))
        }
        Err(e) => internal(&app, &e),
    }
}

/// An input error as a sentence for a person.
pub(crate) fn plain_error(e: &Error) -> String {
    match e {
        Error::InvalidArgument { name, reason } => {
            let field = match name.as_str() {
                "name" => "Your name",
                "workspace" => "The workspace name",
                "email" => "The email",
                "password" => "The password",
                other => other,
            };
            format!("{field} {reason}.")
        }
        Error::InvalidTimezone(tz) => format!("“{tz}” is not a time zone Weft knows; pick one from the list."),
        Error::EmailInvalid => "That email address does not look right.".into(),
        Error::PasswordTooShort(n) => format!("The password is too short: use at least {n} characters."),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Sign-in and sign-out

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_page(app: &App, status: StatusCode, email: &str, next: Option<&str>, error: Option<&str>) -> Response {
    let next = local_path(next);
    let body = format!(
        "<h1>Sign in to Weft</h1>{error}<form method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"next\" value=\"{next}\">{email}{password}\
         <button type=\"submit\">Sign in</button></form>\
         <p class=\"alt\"><a href=\"/reset-password\">Forgot your password?</a></p>",
        error = error_box(error),
        next = escape(next),
        email = field("Email", "email", "email", email, "autocomplete=\"username\" autofocus"),
        password = field("Password", "password", "password", "", "autocomplete=\"current-password\""),
    );
    page(app, status, "Sign in", &body)
}

/// `GET /login`.
pub async fn login_form(State(app): State<Arc<App>>, Query(q): Query<NextQuery>) -> Response {
    match has_accounts(&app).await {
        Ok(false) => Redirect::to("/setup").into_response(),
        Ok(true) => login_page(&app, StatusCode::OK, "", q.next.as_deref(), None),
        Err(e) => internal(&app, &e),
    }
}

/// `POST /login`: signs in through `users/login` itself, so its rules (throttling,
/// removed accounts) hold here too, and keeps the token in the session cookie.
pub async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: axum::Form<LoginForm>,
) -> Response {
    if !session::same_origin(&headers) {
        return refused_cross_site(&app);
    }
    let form = form.0;
    let body: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("email", &form.email)
        .append_pair("password", &form.password)
        .finish();
    // Only the form's fields reach the API: not this browser's (possibly stale) session.
    let mut api_headers = HeaderMap::new();
    api_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
    let ip = api::client_ip(&app, peer.ip(), &headers);
    let request = api::Request {
        verb: Verb::Post,
        path: "users/login",
        headers: &api_headers,
        ip,
        query: None,
        body: body.as_bytes(),
    };
    let (status, answer) = api::call(&app, request, None).await;
    match answer.get("token").and_then(|t| t.as_str()) {
        Some(token) if status.is_success() => signed_in(&app, token, local_path(form.next.as_deref())),
        _ => {
            let reason = answer.get("error_string").and_then(|e| e.as_str()).unwrap_or("Could not sign in");
            let status = if status.is_server_error() { StatusCode::INTERNAL_SERVER_ERROR } else { status };
            login_page(&app, status, &form.email, form.next.as_deref(), Some(reason))
        }
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: Option<String>,
}

/// `POST /logout`: ends this browser's session (its token stops working everywhere).
pub async fn logout(State(app): State<Arc<App>>, headers: HeaderMap, form: axum::Form<LogoutForm>) -> Response {
    // Another site's form arrives without the (SameSite) cookie; answering it would still
    // clear the cookie and sign the person out.
    if !session::same_origin(&headers) {
        return refused_cross_site(&app);
    }
    if let Some(token) = session::cookie_token(&headers) {
        let hash = auth::token_hash(token);
        if !session::csrf_matches(&hash, form.csrf.as_deref()) {
            return refused_cross_site(&app);
        }
        let h = hash.clone();
        if let Err(e) = app.store.write(move |tx| tx.delete_token(&h)).await {
            return internal(&app, &e);
        }
        app.tokens.forget_token(&hash);
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(header::SET_COOKIE, session::clear_cookie(https(&app)));
    response
}
