//! The plain pages of the links Weft emails: accepting an invitation, using a join link,
//! resetting a password. HTML forms that work without scripts, under the same rules as
//! sign-in: posts from other sites are refused, and a signed-in action needs the page's
//! CSRF token.

use super::pages::{error_box, field, internal, message, page, plain_error, refused_cross_site, signed_in};
use super::session;
use crate::app::App;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;
use weft_core::input::{self, Email, Password};
use weft_core::mail::escape;
use weft_core::model::User;
use weft_core::services::{auth, invitations, password_reset};
use weft_core::{Error, Result};

/// The person this browser is signed in as, and their session's token hash.
async fn session_of(app: &Arc<App>, headers: &HeaderMap) -> Option<(User, String)> {
    let token = session::cookie_token(headers)?;
    crate::api::session_user(app, token).await.ok()
}

/// `code` opened as a personal invitation (`personal`) or a reusable join link; a code
/// that is neither usable nor of that kind answers the dead-link page.
async fn open_link(app: &Arc<App>, code: &str, personal: bool) -> std::result::Result<invitations::Opened, Response> {
    let now = app.clock.now();
    let c = code.to_string();
    let what = if personal { "invitation" } else { "join" };
    match app.store.read(move |tx| invitations::open(tx, &c, now)).await {
        Ok(o) if o.invitation.user_id.is_some() == personal => Ok(o),
        Ok(_) | Err(Error::NotFound(_)) => Err(dead_link(app, what)),
        Err(e) => Err(internal(app, &e)),
    }
}

fn dead_link(app: &App, what: &str) -> Response {
    message(
        app,
        StatusCode::NOT_FOUND,
        &format!("This {what} link does not work"),
        "It was used already, replaced by a newer one, cancelled, or it expired. Ask for a new one.",
    )
}

fn workspace_path(ws: weft_core::WorkspaceId) -> String {
    format!("/a/{ws}")
}

/// A form with one button acting as the signed-in person.
fn button_form(action: &str, token_hash: &str, label: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <button type=\"submit\">{label}</button></form>",
        action = escape(action),
        csrf = escape(&session::csrf_token(token_hash)),
        label = escape(label),
    )
}

fn sign_in_link(next: &str, text: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("<p class=\"alt\"><a href=\"/login?next={next}\">{}</a></p>", escape(text))
}

async fn hash(app: &App, password: Password) -> Result<String> {
    crate::api::handlers::users::password_work(app, move || auth::hash_password(password.expose())).await
}

// ---------------------------------------------------------------------------------------
// Invitations: /invite/{code}

#[derive(Deserialize, Default)]
pub struct InviteForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    csrf: Option<String>,
}

fn invite_page(
    app: &App,
    status: StatusCode,
    code: &str,
    opened: &invitations::Opened,
    form: &InviteForm,
    error: Option<&str>,
) -> Response {
    let here = format!("/invite/{code}");
    let intro = format!(
        "<h1>Join {ws}</h1><p>{by} invited you to {ws} on Weft. Choose your name and a password.</p>",
        ws = escape(&opened.workspace.name),
        by = escape(&opened.inviter),
    );
    let name = if form.name.is_empty() { opened.invitee.as_ref().map_or("", |u| u.name.as_str()) } else { &form.name };
    let email = opened.invitee.as_ref().map_or("", |u| u.email.as_str());
    let timezone = if form.timezone.is_empty() { "UTC" } else { &form.timezone };
    // The address they will sign in with, shown read-only (and so saved with the password
    // by password managers), and the same time zone suggestions as the setup page.
    let body = format!(
        "{intro}{error}<form method=\"post\" action=\"{action}\">{email}\
         <p class=\"hint\">You will sign in with this address.</p>{name}{password}\
         <p class=\"hint\">At least {min} characters.</p>{tz}<datalist id=\"zones\">{zones}</datalist>\
         <p class=\"hint\">Where you work, e.g. Europe/Lisbon: Weft keeps your working hours in it.</p>\
         <button type=\"submit\">Join {ws}</button></form>",
        error = error_box(error),
        action = escape(&here),
        email = field("Email", "email", "email", email, "autocomplete=\"username\" readonly"),
        name = field("Your name", "name", "text", name, "autocomplete=\"name\" autofocus"),
        password = field("Password", "password", "password", "", "autocomplete=\"new-password\" minlength=\"8\""),
        min = input::MIN_PASSWORD_LEN,
        tz = field("Time zone", "timezone", "text", timezone, "list=\"zones\" autocomplete=\"off\""),
        zones = super::pages::zone_options(),
        ws = escape(&opened.workspace.name),
    );
    page(app, status, "Join a workspace", &body)
}

/// `GET /invite/{code}`: someone new chooses a name and password; someone with an account
/// accepts while signed in (or is asked to sign in first).
pub async fn invite_form(State(app): State<Arc<App>>, Path(code): Path<String>, headers: HeaderMap) -> Response {
    let opened = match open_link(&app, &code, true).await {
        Ok(o) => o,
        Err(answer) => return answer,
    };
    if opened.needs_setup {
        return invite_page(&app, StatusCode::OK, &code, &opened, &InviteForm::default(), None);
    }
    let here = format!("/invite/{code}");
    let ws = escape(&opened.workspace.name);
    let by = escape(&opened.inviter);
    match session_of(&app, &headers).await {
        Some((user, token_hash)) if Some(user.id) == opened.invitation.user_id => {
            let body = format!(
                "<h1>Join {ws}</h1><p>{by} invited you to {ws} on Weft.</p>{button}",
                button = button_form(&here, &token_hash, &format!("Join {}", opened.workspace.name)),
            );
            page(&app, StatusCode::OK, "Join a workspace", &body)
        }
        Some(_) => {
            let body = format!(
                "<h1>Join {ws}</h1><p>This invitation is for another account. Sign out, then open the \
                 link again and sign in as the person invited.</p>"
            );
            page(&app, StatusCode::FORBIDDEN, "Join a workspace", &body)
        }
        None => {
            let body = format!(
                "<h1>Join {ws}</h1><p>{by} invited you to {ws} on Weft. Sign in to accept.</p>{link}",
                link = sign_in_link(&here, "Sign in to accept"),
            );
            page(&app, StatusCode::OK, "Join a workspace", &body)
        }
    }
}

/// `POST /invite/{code}`: sets up the new account and signs in, or accepts as the signed-in
/// invitee; both land in the workspace.
pub async fn invite(
    State(app): State<Arc<App>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    form: axum::Form<InviteForm>,
) -> Response {
    if !session::same_origin(&headers) {
        return refused_cross_site(&app);
    }
    let form = form.0;
    let now = app.clock.now();
    let opened = match open_link(&app, &code, true).await {
        Ok(o) => o,
        Err(answer) => return answer,
    };
    if !opened.needs_setup {
        let Some((user, token_hash)) = session_of(&app, &headers).await else {
            return Redirect::to(&format!("/invite/{code}")).into_response();
        };
        if !session::csrf_matches(&token_hash, form.csrf.as_deref()) {
            return refused_cross_site(&app);
        }
        return match app.store.write(move |tx| invitations::accept_as(tx, &code, user.id, now)).await {
            Ok(ws) => Redirect::to(&workspace_path(ws.id)).into_response(),
            Err(Error::NotFound(_)) => dead_link(&app, "invitation"),
            Err(e @ Error::Forbidden(_)) => {
                message(&app, StatusCode::FORBIDDEN, "Not your invitation", &plain_error(&e))
            }
            Err(e) => internal(&app, &e),
        };
    }
    let parsed = (|| {
        let name = input::name("name", &form.name)?;
        let password = Password::parse(&form.password)?;
        let timezone = match form.timezone.trim() {
            "" => None,
            tz => Some(input::timezone(tz)?),
        };
        Ok::<_, Error>((name, password, timezone))
    })();
    let (name, password, timezone) = match parsed {
        Ok(p) => p,
        Err(e) => return invite_page(&app, StatusCode::BAD_REQUEST, &code, &opened, &form, Some(&plain_error(&e))),
    };
    let password_hash = match hash(&app, password).await {
        Ok(h) => h,
        Err(e) => return internal(&app, &e),
    };
    let (token, token_hash) = match auth::new_token() {
        Ok(t) => t,
        Err(e) => return internal(&app, &e),
    };
    let t = token.clone();
    let accepted = app
        .store
        .write(move |tx| {
            invitations::accept_new_account(tx, &code, &name, timezone, &password_hash, &t, &token_hash, now)
        })
        .await;
    match accepted {
        Ok((_, ws)) => signed_in(&app, &token, &workspace_path(ws)),
        Err(Error::NotFound(_)) => dead_link(&app, "invitation"),
        Err(e) => internal(&app, &e),
    }
}

// ---------------------------------------------------------------------------------------
// Join links: /join/{code}

#[derive(Deserialize, Default)]
pub struct JoinForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf: Option<String>,
}

fn join_signed_out(app: &App, status: StatusCode, code: &str, ws: &str, error: Option<&str>) -> Response {
    let here = format!("/join/{code}");
    let request = if app.mailer.is_some() {
        format!(
            "<p class=\"alt\">New to Weft? Give your email and we will send you an invitation.</p>{error}\
             <form method=\"post\" action=\"{action}\">{email}<button type=\"submit\">Email me an invitation</button></form>",
            error = error_box(error),
            action = escape(&here),
            email = field("Email", "email", "email", "", "autocomplete=\"email\""),
        )
    } else {
        "<p class=\"alt\">New to Weft? Ask an admin of the workspace for an invitation.</p>".to_string()
    };
    let body = format!(
        "<h1>Join {ws}</h1><p>You have a link to join {ws} on Weft.</p>{link}{request}",
        ws = escape(ws),
        link = sign_in_link(&here, "Sign in to join"),
    );
    page(app, status, "Join a workspace", &body)
}

/// `GET /join/{code}`: signed in, one button joins; signed out, sign in, or ask for an
/// invitation by email (the answer is the same for any email).
pub async fn join_form(State(app): State<Arc<App>>, Path(code): Path<String>, headers: HeaderMap) -> Response {
    let opened = match open_link(&app, &code, false).await {
        Ok(o) => o,
        Err(answer) => return answer,
    };
    match session_of(&app, &headers).await {
        Some((_, token_hash)) => {
            let body = format!(
                "<h1>Join {ws}</h1><p>You have a link to join {ws} on Weft.</p>{button}",
                ws = escape(&opened.workspace.name),
                button = button_form(&format!("/join/{code}"), &token_hash, &format!("Join {}", opened.workspace.name)),
            );
            page(&app, StatusCode::OK, "Join a workspace", &body)
        }
        None => join_signed_out(&app, StatusCode::OK, &code, &opened.workspace.name, None),
    }
}

/// `POST /join/{code}`: joins as the signed-in person, or emails an invitation.
pub async fn join(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
    form: axum::Form<JoinForm>,
) -> Response {
    if !session::same_origin(&headers) {
        return refused_cross_site(&app);
    }
    let form = form.0;
    let now = app.clock.now();
    if let Some((user, token_hash)) = session_of(&app, &headers).await {
        if !session::csrf_matches(&token_hash, form.csrf.as_deref()) {
            return refused_cross_site(&app);
        }
        return match app.store.write(move |tx| invitations::accept_as(tx, &code, user.id, now)).await {
            Ok(ws) => Redirect::to(&workspace_path(ws.id)).into_response(),
            Err(Error::NotFound(_)) => dead_link(&app, "join"),
            Err(e) => internal(&app, &e),
        };
    }
    let ws_name = match open_link(&app, &code, false).await {
        // Without email there is no invitation to ask for.
        Ok(_) if app.mailer.is_none() => return dead_link(&app, "join"),
        Ok(o) => o.workspace.name,
        Err(answer) => return answer,
    };
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(e) => return join_signed_out(&app, StatusCode::BAD_REQUEST, &code, &ws_name, Some(&plain_error(&e))),
    };
    let ip = crate::api::client_ip(&app, peer.ip(), &headers);
    if let Err(e) = app.reset_throttle.attempt(email.as_str(), ip, now) {
        return message(&app, StatusCode::TOO_MANY_REQUESTS, "Too many requests", &plain_error(&e));
    }
    let links = app.invitation_links();
    match app.store.write(move |tx| invitations::request_by_link(tx, &code, &email, &links, now)).await {
        Ok(()) => {
            check_your_email(&app, "If the address is right, an invitation is on its way. Open the link in it to join.")
        }
        Err(Error::NotFound(_)) => dead_link(&app, "join"),
        Err(e) => internal(&app, &e),
    }
}

fn check_your_email(app: &App, text: &str) -> Response {
    message(app, StatusCode::OK, "Check your email", text)
}

// ---------------------------------------------------------------------------------------
// Password reset: /reset-password and /reset-password/{code}

#[derive(Deserialize, Default)]
pub struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

fn reset_request_page(app: &App, status: StatusCode, email: &str, error: Option<&str>) -> Response {
    let body = format!(
        "<h1>Reset your password</h1><p>Give the email of your account: we will send you a link to \
         choose a new password.</p>{error}<form method=\"post\" action=\"/reset-password\">{email}\
         <button type=\"submit\">Email me a link</button></form>{back}",
        error = error_box(error),
        email = field("Email", "email", "email", email, "autocomplete=\"username\" autofocus"),
        back = "<p class=\"alt\"><a href=\"/login\">Back to sign in</a></p>",
    );
    page(app, status, "Reset your password", &body)
}

/// `GET /reset-password`.
pub async fn reset_request_form(State(app): State<Arc<App>>) -> Response {
    reset_request_page(&app, StatusCode::OK, "", None)
}

/// `POST /reset-password`: through `users/reset_password`'s rules; the answer is the same
/// for any email.
pub async fn reset_request(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: axum::Form<ResetRequestForm>,
) -> Response {
    if !session::same_origin(&headers) {
        return refused_cross_site(&app);
    }
    let email = match Email::parse(&form.email) {
        Ok(e) => e.into_inner(),
        Err(e) => return reset_request_page(&app, StatusCode::BAD_REQUEST, &form.email, Some(&plain_error(&e))),
    };
    let now = app.clock.now();
    let ip = crate::api::client_ip(&app, peer.ip(), &headers);
    if let Err(e) = app.reset_throttle.attempt(&email, ip, now) {
        return reset_request_page(&app, StatusCode::TOO_MANY_REQUESTS, &form.email, Some(&plain_error(&e)));
    }
    let (base, send) = (app.base_url.clone(), app.mailer.is_some());
    match app.store.write(move |tx| password_reset::request(tx, &email, &base, send, now)).await {
        Ok(_) => check_your_email(
            &app,
            "If an account has this address, we sent it a link to choose a new password. It works once, for an hour.",
        ),
        Err(e) => internal(&app, &e),
    }
}

#[derive(Deserialize, Default)]
pub struct NewPasswordForm {
    #[serde(default)]
    password: String,
}

fn new_password_page(app: &App, status: StatusCode, code: &str, error: Option<&str>) -> Response {
    let body = format!(
        "<h1>Choose a new password</h1><p>You will be signed out everywhere else.</p>{error}\
         <form method=\"post\" action=\"/reset-password/{code}\">{password}\
         <p class=\"hint\">At least {min} characters.</p><button type=\"submit\">Set the password</button></form>",
        error = error_box(error),
        code = escape(code),
        password = field(
            "New password",
            "password",
            "password",
            "",
            "autocomplete=\"new-password\" minlength=\"8\" autofocus"
        ),
        min = input::MIN_PASSWORD_LEN,
    );
    page(app, status, "Choose a new password", &body)
}

/// `GET /reset-password/{code}`.
pub async fn new_password_form(State(app): State<Arc<App>>, Path(code): Path<String>) -> Response {
    let now = app.clock.now();
    let c = code.clone();
    match app.store.read(move |tx| password_reset::check(tx, &c, now)).await {
        Ok(()) => new_password_page(&app, StatusCode::OK, &code, None),
        Err(Error::InvalidArgument { .. }) => dead_link(&app, "reset"),
        Err(e) => internal(&app, &e),
    }
}

/// `POST /reset-password/{code}`: sets the password (every session ends) and signs in.
pub async fn new_password(
    State(app): State<Arc<App>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    form: axum::Form<NewPasswordForm>,
) -> Response {
    if !session::same_origin(&headers) {
        return refused_cross_site(&app);
    }
    let password = match Password::parse(&form.password) {
        Ok(p) => p,
        Err(e) => return new_password_page(&app, StatusCode::BAD_REQUEST, &code, Some(&plain_error(&e))),
    };
    match crate::api::handlers::users::set_password_with_code(&app, code, password).await {
        Ok(user) => match user.token {
            Some(token) => signed_in(&app, &token, "/"),
            None => internal(&app, &Error::Internal("no token after a password reset".into())),
        },
        Err(Error::InvalidArgument { .. }) => dead_link(&app, "reset"),
        Err(e) => internal(&app, &e),
    }
}
