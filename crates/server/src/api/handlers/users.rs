//! `users/*`: signing in and out, registration, tokens and the signed-in user's profile.

use crate::api::decode::Given;
use crate::api::{Cx, NoParams, Status, Stored, ok};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::borrow::Cow;
use weft_core::input::{self, reject};
use weft_core::model::{AwayMode, Platform, User};
use weft_core::services::{auth, password_reset, users};
use weft_core::{Error, Result, WorkspaceId};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Login {
    /// Compared without surrounding spaces and case; not checked for shape (a wrong one is
    /// simply a wrong credential).
    pub email: input::Short,
    pub password: input::Short,
    /// Accepted for compatibility: session cookies belong to the web UI, API clients use
    /// the token.
    #[serde(default)]
    pub set_session_cookie: Option<bool>,
}

pub async fn login(cx: Cx, p: Login) -> Result<Stored<User>> {
    let email = p.email.trim().to_lowercase();
    let password = p.password;
    let now = cx.now();
    cx.app.login_throttle.begin(&email, cx.ip, now)?;
    let lookup = email.clone();
    let found = cx.read(move |tx| users::credentials(tx, &lookup)).await?;
    let (user, hash) = match found {
        Some((u, h)) => (Some(u), h),
        None => (None, auth::dummy_hash().to_string()),
    };
    let verified = password_work(&cx.app, move || Ok(auth::verify_password(&password, &hash))).await?;
    let Some(user) = user.filter(|_| verified) else { return Err(Error::WrongCredentials) };
    cx.app.login_throttle.succeeded(&email, cx.ip, now);
    let (token, token_hash) = auth::new_token()?;
    cx.write(move |tx| users::issue_token(tx, user.id, &token, &token_hash, now)).await
}

/// Hashes or checks a password off the async threads, at most `--password-hashes` at
/// once: each takes about 19 MiB and a core for a moment, so a flood of them must queue
/// rather than exhaust the server. A caller that waits too long is told to retry.
pub async fn password_work<T, F>(app: &crate::app::App, work: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
    let permit = tokio::time::timeout(MAX_WAIT, app.password_hashes.acquire())
        .await
        .map_err(|_| Error::TooManyRequests { retry_after_secs: 5 })?
        .map_err(|e| Error::Internal(e.to_string()))?;
    let out = tokio::task::spawn_blocking(work).await.map_err(|e| Error::Internal(e.to_string()))?;
    drop(permit);
    out
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Register {
    pub name: input::Name,
    pub email: input::Email,
    pub password: input::Password,
    /// The server's default time zone when not given.
    #[serde(default)]
    pub timezone: Option<input::Timezone>,
}

pub async fn register(cx: Cx, p: Register) -> Result<Stored<User>> {
    if !cx.app.config.open_registration {
        return Err(Error::forbidden("registration is closed on this server; ask an admin for an account"));
    }
    let Register { name, email, password, timezone } = p;
    let hash = password_work(&cx.app, move || auth::hash_password(password.expose())).await?;
    let (token, token_hash) = auth::new_token()?;
    let now = cx.now();
    let account = users::NewAccount {
        email,
        name: name.into_inner(),
        password_hash: hash,
        timezone: timezone.map(input::Timezone::into_inner),
    };
    cx.write(move |tx| {
        let u = users::create(tx, account, now)?;
        users::issue_token(tx, u.id, &token, &token_hash, now)
    })
    .await
}

pub async fn logout(cx: Cx, _: NoParams) -> Result<Status> {
    let hash = cx.token_hash.clone().ok_or(Error::NotLoggedIn)?;
    cx.write(move |tx| tx.delete_token(&hash)).await?;
    cx.forget_cached_tokens();
    Ok(ok())
}

pub async fn get_session_user(cx: Cx, _: NoParams) -> Result<User> {
    cx.actor().cloned()
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ValidateToken {
    pub token: input::Short,
}

pub async fn validate_token(cx: Cx, p: ValidateToken) -> Result<Status> {
    let hash = auth::token_hash(&p.token);
    cx.read(move |tx| users::authenticate(tx, &hash)).await?;
    Ok(ok())
}

/// Twist's `away_mode` to set, or a blank string to clear it.
#[derive(Debug)]
pub enum AwayModeInput {
    Clear,
    Set(AwayMode),
}

impl AwayModeInput {
    fn into_update(self) -> Option<AwayMode> {
        match self {
            AwayModeInput::Clear => None,
            AwayModeInput::Set(a) => Some(a),
        }
    }
}

const AWAY_KINDS: [&str; 4] = ["vacation", "parental", "sickleave", "other"];

impl<'de> Deserialize<'de> for AwayModeInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let bad = || serde::de::Error::custom("expected a JSON object");
        let Given { value, as_text } = Given::deserialize(d)?;
        let raw = match value {
            Value::String(s) if s.trim().is_empty() => return Ok(AwayModeInput::Clear),
            // JSON inside text (a form field); a JSON body gives the object itself.
            Value::String(s) if as_text => match serde_json::from_str(&s) {
                Ok(Value::Object(o)) => o,
                _ => return Err(bad()),
            },
            Value::Object(o) => o,
            _ => return Err(bad()),
        };
        away_mode(raw).map(AwayModeInput::Set).map_err(reject)
    }
}

impl JsonSchema for AwayModeInput {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "AwayModeInput".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Away mode (dates as YYYY-MM-DD, date_from not after date_to), or a blank string to clear it.",
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string", "enum": AWAY_KINDS},
                        "date_from": {"type": "string", "format": "date", "nullable": true},
                        "date_to": {"type": "string", "format": "date"},
                        "note": {"type": "string", "nullable": true, "maxLength": input::MAX_SHORT_LEN},
                    },
                    "required": ["type", "date_to"],
                },
                {"type": "string", "pattern": r"^\s*$"},
            ],
        })
    }
}

fn away_mode(raw: Map<String, Value>) -> Result<AwayMode> {
    let field = |k: &str| -> Result<Option<String>> {
        match raw.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid("away_mode", format!("{k} must be a string"))),
        }
    };
    let kind = field("type")?.ok_or_else(|| Error::invalid("away_mode", "type is required"))?;
    if !AWAY_KINDS.contains(&kind.as_str()) {
        return Err(Error::invalid("away_mode", "type must be vacation, parental, sickleave or other"));
    }
    let date_to = input::date(
        "away_mode.date_to",
        &field("date_to")?.ok_or_else(|| Error::invalid("away_mode", "date_to is required"))?,
    )?;
    let date_from = field("date_from")?.map(|d| input::date("away_mode.date_from", &d)).transpose()?;
    if date_from.as_ref().is_some_and(|f| *f > date_to) {
        return Err(Error::InvalidDateRange);
    }
    let note = field("note")?;
    if note.as_ref().is_some_and(|n| n.chars().count() > input::MAX_SHORT_LEN) {
        return Err(Error::invalid("away_mode", format!("note is longer than {} characters", input::MAX_SHORT_LEN)));
    }
    Ok(AwayMode { kind, date_from, date_to, note })
}

/// A do-not-disturb boundary, `HH:MM`, or an empty string to clear it.
#[derive(Debug)]
pub struct DndTime(String);

impl<'de> Deserialize<'de> for DndTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        if raw.is_empty() {
            return Ok(DndTime(raw));
        }
        input::time_of_day("", &raw).map(DndTime).map_err(reject)
    }
}

impl JsonSchema for DndTime {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "DndTime".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let time = input::TimeOfDay::json_schema(g);
        let pattern = time.get("pattern").and_then(Value::as_str).expect("TimeOfDay has a pattern");
        let inner = pattern.trim_start_matches('^').trim_end_matches('$');
        json_schema!({
            "type": "string",
            "pattern": format!("^({inner})?$"),
            "description": "HH:MM, or an empty string to clear it.",
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Update {
    #[serde(default)]
    pub name: Option<input::Name>,
    #[serde(default)]
    pub email: Option<input::Email>,
    #[serde(default)]
    pub timezone: Option<input::Timezone>,
    #[serde(default)]
    pub profession: Option<input::Short>,
    #[serde(default)]
    pub contact_info: Option<input::Short>,
    #[serde(default)]
    pub away_mode: Option<AwayModeInput>,
    /// ISO weekdays the person does not work (1 = Monday … 7 = Sunday).
    #[serde(default)]
    #[schemars(inner(range(min = 1, max = 7)))]
    pub off_days: Option<input::List<i64, 7>>,
    /// Unix seconds until which notifications are snoozed.
    #[serde(default)]
    pub snooze_until: Option<i64>,
    #[serde(default)]
    pub snooze_dnd_start: Option<DndTime>,
    #[serde(default)]
    pub snooze_dnd_end: Option<DndTime>,
    /// One of the user's workspaces.
    #[serde(default)]
    pub default_workspace: Option<WorkspaceId>,
    /// The current password: required to change the email.
    #[serde(default)]
    pub password: Option<input::Short>,
}

pub async fn update(cx: Cx, p: Update) -> Result<Stored<User>> {
    let me = cx.actor()?.clone();
    let actor = me.id;
    if p.email.as_ref().is_some_and(|e| e.as_str() != me.email) {
        let current = p.password.ok_or_else(|| Error::missing("password"))?;
        check_password(&cx, &me.email, current.into()).await?;
    }
    let up = users::Update {
        name: p.name.map(input::Name::into_inner),
        email: p.email,
        timezone: p.timezone.map(input::Timezone::into_inner),
        profession: p.profession.map(Into::into),
        contact_info: p.contact_info.map(Into::into),
        away_mode: p.away_mode.map(AwayModeInput::into_update),
        off_days: p.off_days.map(Into::into),
        snooze_until: p.snooze_until,
        snooze_dnd_start: p.snooze_dnd_start.map(|t| t.0),
        snooze_dnd_end: p.snooze_dnd_end.map(|t| t.0),
        default_workspace: p.default_workspace,
    };
    let now = cx.now();
    let user = cx.write(move |tx| users::update(tx, actor, up, now)).await?;
    cx.forget_cached_tokens();
    Ok(user)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdatePassword {
    pub new_password: input::Password,
    /// The password in use: a stolen session alone cannot take over the account.
    pub current_password: input::Short,
}

pub async fn update_password(cx: Cx, p: UpdatePassword) -> Result<Stored<User>> {
    let user = cx.actor()?.clone();
    check_password(&cx, &user.email, p.current_password.into()).await?;
    let new = p.new_password;
    let hash = password_work(&cx.app, move || auth::hash_password(new.expose())).await?;
    let (token, token_hash) = auth::new_token()?;
    let now = cx.now();
    let answer = cx.write(move |tx| users::set_password(tx, user.id, &hash, &token, &token_hash, now)).await?;
    cx.forget_cached_tokens();
    Ok(answer)
}

pub async fn invalidate_token(cx: Cx, _: NoParams) -> Result<Stored<User>> {
    let user = cx.actor()?.id;
    let old = cx.token_hash.clone().ok_or(Error::NotLoggedIn)?;
    let (token, token_hash) = auth::new_token()?;
    let now = cx.now();
    let answer = cx.write(move |tx| users::rotate_token(tx, user, &old, &token, &token_hash, now)).await?;
    cx.forget_cached_tokens();
    Ok(answer)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Delete {
    /// The account's password: a stolen session alone cannot delete it.
    pub password: input::Short,
}

/// `users/delete`: deletes the signed-in account for good, once its password is given
/// again (wrong guesses count against the sign-in throttle). Every session and open event
/// stream ends at once on this node (on other nodes within `TOKEN_CACHE_MS`); posts stay,
/// shown as by "Deleted user". Refused while the account is the last admin of a workspace.
pub async fn delete(cx: Cx, p: Delete) -> Result<Status> {
    let me = cx.actor()?.clone();
    check_password(&cx, &me.email, p.password.into()).await?;
    let now = cx.now();
    cx.write(move |tx| users::delete(tx, me.id, now)).await?;
    cx.forget_cached_tokens();
    Ok(ok())
}

/// `users/heartbeat`: the client is in use.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Heartbeat {
    /// Accepted for compatibility: activity is the person's, in every workspace.
    #[serde(default)]
    pub workspace_id: Option<WorkspaceId>,
    /// `api` when not given.
    #[serde(default)]
    pub platform: Option<Platform>,
}

/// Activity is kept to the minute: a heartbeat within a minute of the last one on the
/// same platform changes nothing and writes nothing.
const ACTIVITY_GRANULARITY_SECS: i64 = 60;

/// Records when the person was last active on the platform, for `workspace_users/get_info`.
/// Weft shows no live presence: this is a last-seen time, read on request.
pub async fn heartbeat(cx: Cx, p: Heartbeat) -> Result<Status> {
    let user = cx.actor()?.id;
    let platform = p.platform.unwrap_or(Platform::Api);
    let now = cx.now();
    let seen = cx.read(move |tx| tx.activity(user)).await?;
    let recent = seen.iter().any(|(q, ts)| *q == platform && now - ts < ACTIVITY_GRANULARITY_SECS);
    if !recent {
        cx.write(move |tx| tx.record_activity(user, platform, now)).await?;
    }
    Ok(ok())
}

/// `users/reset_presence`: accepted for compatibility; Weft shows no live presence.
pub async fn reset_presence(cx: Cx, _: Heartbeat) -> Result<Status> {
    cx.actor()?;
    Ok(ok())
}

/// For actions that ask for the password again: `WrongCredentials` unless it matches.
/// Wrong guesses count against the sign-in throttle, so a stolen session cannot be used
/// to guess the password.
pub(crate) async fn check_password(cx: &Cx, email: &str, password: String) -> Result<()> {
    let now = cx.now();
    cx.app.login_throttle.begin(email, cx.ip, now)?;
    let lookup = email.to_string();
    let hash = cx.read(move |tx| users::credentials(tx, &lookup)).await?.map(|(_, h)| h).unwrap_or_default();
    let ok = password_work(&cx.app, move || Ok(auth::verify_password(&password, &hash))).await?;
    if !ok {
        return Err(Error::WrongCredentials);
    }
    cx.app.login_throttle.succeeded(email, cx.ip, now);
    Ok(())
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ResetPassword {
    pub email: input::Email,
}

/// `users/reset_password`: the same answer whether or not the email has an account; for
/// one that does, a single-use link valid for an hour is emailed. Limited per email and
/// per client address (every request counts).
pub async fn reset_password(cx: Cx, p: ResetPassword) -> Result<Status> {
    let now = cx.now();
    let email = p.email.into_inner();
    cx.app.reset_throttle.attempt(&email, cx.ip, now)?;
    let (base, send) = (cx.app.base_url.clone(), cx.app.mailer.is_some());
    cx.app.store.write(move |tx| password_reset::request(tx, &email, &base, send, now)).await?;
    Ok(ok())
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SetPassword {
    /// The code of the emailed link.
    pub reset_code: input::Short,
    pub new_password: input::Password,
}

/// `users/set_password`: a reset code's account gets the new password; every session ends
/// and the answer is the user with a new token.
pub async fn set_password(cx: Cx, p: SetPassword) -> Result<User> {
    set_password_with_code(&cx.app, p.reset_code.into(), p.new_password).await
}

/// Shared with the reset page.
pub(crate) async fn set_password_with_code(
    app: &crate::app::App,
    code: String,
    password: input::Password,
) -> Result<User> {
    let hash = password_work(app, move || auth::hash_password(password.expose())).await?;
    let (token, token_hash) = auth::new_token()?;
    let now = app.clock.now();
    let user = app.store.write(move |tx| password_reset::set(tx, &code, &hash, &token, &token_hash, now)).await?;
    app.tokens.forget_user(user.id);
    Ok(user)
}

/// `users/export`: the caller's own data as one JSON file (their posts, conversations and
/// settings; see `services::personal_export`). Anyone signed in, guests and deactivated
/// members too: what they wrote is theirs.
pub async fn export(cx: Cx, _: NoParams) -> Result<weft_core::services::decisions::TextFile> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.read(move |tx| weft_core::services::personal_export::export(tx, actor, now)).await
}
