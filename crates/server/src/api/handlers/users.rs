use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::Value;
use weft_core::model::AwayMode;
use weft_core::services::{auth, users};
use weft_core::{Error, Result, input};

pub async fn login(cx: Cx, p: Params) -> Result<Value> {
    let email = p.str("email")?.trim().to_lowercase();
    let password = p.str("password")?;
    // Session cookies belong to the web UI; API clients use the token.
    p.opt_bool("set_session_cookie")?;
    let now = cx.now();
    cx.app.login_throttle.check(&email, cx.ip, now)?;
    let lookup = email.clone();
    let found = cx.read(move |tx| users::credentials(tx, &lookup)).await?;
    let (user, hash) = match found {
        Some((u, h)) => (Some(u), h),
        None => (None, auth::dummy_hash().to_string()),
    };
    let verified = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let user = match user {
        Some(u) if verified => u,
        _ => {
            cx.app.login_throttle.failed(&email, cx.ip, now);
            return Err(Error::WrongCredentials);
        }
    };
    cx.app.login_throttle.succeeded(&email);
    let (token, token_hash) = auth::new_token()?;
    cx.write(move |tx| users::issue_token(tx, user.id, &token, &token_hash, now)).await.map(Into::into)
}

pub async fn register(cx: Cx, p: Params) -> Result<Value> {
    if !cx.app.config.open_registration {
        return Err(Error::forbidden("registration is closed on this server; ask an admin for an account"));
    }
    let email = input::Email::parse(&p.str("email")?)?;
    let name = input::name("name", &p.str("name")?)?;
    let password = input::Password::parse(&p.str("password")?)?;
    let timezone = p.opt_str("timezone")?.map(|t| input::timezone(&t)).transpose()?;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(password.expose()))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    let (token, token_hash) = auth::new_token()?;
    let now = cx.now();
    cx.write(move |tx| {
        let u = users::create(tx, users::NewAccount { email, name, password_hash: hash, timezone }, now)?;
        users::issue_token(tx, u.id, &token, &token_hash, now)
    })
    .await
    .map(Into::into)
}

pub async fn logout(cx: Cx, _p: Params) -> Result<Value> {
    let hash = cx.token_hash.clone().ok_or(Error::NotLoggedIn)?;
    cx.write(move |tx| tx.delete_token(&hash)).await?;
    cx.forget_cached_tokens();
    Ok(ok().into())
}

pub async fn get_session_user(cx: Cx, _p: Params) -> Result<Value> {
    serde_json::to_value(cx.actor()?).map_err(|e| Error::Internal(e.to_string()))
}

pub async fn validate_token(cx: Cx, p: Params) -> Result<Value> {
    let hash = auth::token_hash(&p.str("token")?);
    cx.read(move |tx| users::authenticate(tx, &hash)).await?;
    Ok(ok().into())
}

fn away_mode(raw: serde_json::Map<String, Value>) -> Result<AwayMode> {
    let field = |k: &str| -> Result<Option<String>> {
        match raw.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid("away_mode", format!("{k} must be a string"))),
        }
    };
    let kind = field("type")?.ok_or_else(|| Error::invalid("away_mode", "type is required"))?;
    if !["vacation", "parental", "sickleave", "other"].contains(&kind.as_str()) {
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
    Ok(AwayMode { kind, date_from, date_to, note: field("note")? })
}

pub async fn update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let up = users::Update {
        name: p.opt_str("name")?.map(|n| input::name("name", &n)).transpose()?,
        email: p.opt_str("email")?.map(|e| input::Email::parse(&e)).transpose()?,
        timezone: p.opt_str("timezone")?.map(|t| input::timezone(&t)).transpose()?,
        profession: p.opt_str("profession")?,
        contact_info: p.opt_str("contact_info")?,
        away_mode: p.opt_object("away_mode")?.map(|o| o.map(away_mode).transpose()).transpose()?,
        off_days: p.opt_ids("off_days")?,
        snooze_until: p.opt_i64("snooze_until")?,
        snooze_dnd_start: p
            .opt_str("snooze_dnd_start")?
            .map(|s| if s.is_empty() { Ok(s) } else { input::time_of_day("snooze_dnd_start", &s) })
            .transpose()?,
        snooze_dnd_end: p
            .opt_str("snooze_dnd_end")?
            .map(|s| if s.is_empty() { Ok(s) } else { input::time_of_day("snooze_dnd_end", &s) })
            .transpose()?,
        default_workspace: p.opt_id("default_workspace")?.map(weft_core::WorkspaceId),
    };
    let now = cx.now();
    let user = cx.write(move |tx| users::update(tx, actor, up, now)).await?;
    cx.forget_cached_tokens();
    Ok(user.into())
}

pub async fn update_password(cx: Cx, p: Params) -> Result<Value> {
    let user = cx.actor()?.clone();
    let new = input::Password::parse(&p.str("new_password")?)?;
    if let Some(current) = p.opt_str("current_password")? {
        check_password(&cx, &user.email, current).await?;
    }
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(new.expose()))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    let (token, token_hash) = auth::new_token()?;
    let now = cx.now();
    let answer = cx.write(move |tx| users::set_password(tx, user.id, &hash, &token, &token_hash, now)).await?;
    cx.forget_cached_tokens();
    Ok(answer.into())
}

pub async fn invalidate_token(cx: Cx, _p: Params) -> Result<Value> {
    let user = cx.actor()?.id;
    let old = cx.token_hash.clone().ok_or(Error::NotLoggedIn)?;
    let (token, token_hash) = auth::new_token()?;
    let now = cx.now();
    let answer = cx.write(move |tx| users::rotate_token(tx, user, &old, &token, &token_hash, now)).await?;
    cx.forget_cached_tokens();
    Ok(answer.into())
}

/// Presence is never shown in Weft; these calls are accepted for compatibility.
pub async fn heartbeat(cx: Cx, p: Params) -> Result<Value> {
    cx.actor()?;
    p.opt_id("workspace_id")?;
    p.opt_str("platform")?;
    Ok(ok().into())
}

/// For actions that ask for the password again: `WrongCredentials` unless it matches.
/// Hashing runs off the async workers.
pub(crate) async fn check_password(cx: &Cx, email: &str, password: String) -> Result<()> {
    let email = email.to_string();
    let hash = cx.read(move |tx| users::credentials(tx, &email)).await?.map(|(_, h)| h).unwrap_or_default();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    if ok { Ok(()) } else { Err(Error::WrongCredentials) }
}
