//! Accounts: registration, sign-in tokens, profile updates.

use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::input::Email;
use crate::model::{AwayMode, User, short_name};
use crate::store::{NewUser, Tx};

pub const DEFAULT_TIMEZONE: &str = "UTC";

pub struct NewAccount {
    pub email: Email,
    pub name: String,
    pub password_hash: String,
    pub timezone: Option<String>,
}

pub fn create(tx: &mut dyn Tx, account: NewAccount, now: i64) -> Result<User> {
    if tx.user_by_email(account.email.as_str())?.is_some() {
        return Err(Error::EmailTaken);
    }
    let id = tx.insert_user(&NewUser {
        email: account.email.as_str().to_string(),
        name: account.name,
        password_hash: account.password_hash,
        timezone: account.timezone.unwrap_or_else(|| DEFAULT_TIMEZONE.to_string()),
        bot: false,
        now,
    })?;
    tx.user(id)?.ok_or(Error::Internal("user vanished after insert".into()))
}

/// The account and its password hash, for a login attempt.
pub fn credentials(tx: &mut dyn Tx, email: &str) -> Result<Option<(User, String)>> {
    let Some(user) = tx.user_by_email(email)? else { return Ok(None) };
    if user.removed {
        return Ok(None);
    }
    let hash = tx.password_hash(user.id)?.unwrap_or_default();
    Ok(Some((user, hash)))
}

pub fn issue_token(tx: &mut dyn Tx, user: UserId, token: &str, token_hash: &str, now: i64) -> Result<User> {
    tx.insert_token(user, token_hash, now)?;
    let mut u = tx.user(user)?.ok_or(Error::NotFound(NotFound::User))?;
    u.token = Some(token.to_string());
    Ok(u)
}

pub fn authenticate(tx: &mut dyn Tx, token_hash: &str) -> Result<User> {
    match tx.user_by_token(token_hash)? {
        Some(u) if !u.removed => Ok(u),
        _ => Err(Error::InvalidToken),
    }
}

/// Which of `token_hashes` still sign someone in, as `authenticate` would answer for each:
/// how open streams learn that their token was signed out or their account removed.
pub fn live_tokens(tx: &mut dyn Tx, token_hashes: &[String]) -> Result<std::collections::HashSet<String>> {
    let mut live = std::collections::HashSet::new();
    for chunk in token_hashes.chunks(500) {
        live.extend(tx.live_tokens(chunk)?);
    }
    Ok(live)
}

/// Replaces the token in use with a new one.
pub fn rotate_token(
    tx: &mut dyn Tx,
    user: UserId,
    old_hash: &str,
    token: &str,
    token_hash: &str,
    now: i64,
) -> Result<User> {
    tx.delete_token(old_hash)?;
    issue_token(tx, user, token, token_hash, now)
}

/// A new password signs out every other session; the caller gets a fresh token.
pub fn set_password(
    tx: &mut dyn Tx,
    user: UserId,
    password_hash: &str,
    token: &str,
    token_hash: &str,
    now: i64,
) -> Result<User> {
    tx.set_password_hash(user, password_hash)?;
    tx.delete_tokens_of(user)?;
    issue_token(tx, user, token, token_hash, now)
}

/// Fields of `users/update`; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct Update {
    pub name: Option<String>,
    pub email: Option<Email>,
    pub timezone: Option<String>,
    pub profession: Option<String>,
    pub contact_info: Option<String>,
    /// `Some(None)` clears away mode.
    pub away_mode: Option<Option<AwayMode>>,
    pub off_days: Option<Vec<i64>>,
    pub snooze_until: Option<i64>,
    pub snooze_dnd_start: Option<String>,
    pub snooze_dnd_end: Option<String>,
    pub default_workspace: Option<WorkspaceId>,
}

pub fn update(tx: &mut dyn Tx, actor: UserId, up: Update, now: i64) -> Result<User> {
    let moves_working_time = up.timezone.is_some() || up.away_mode.is_some() || up.off_days.is_some();
    let owed_before = if moves_working_time { super::expectations::Before::of(tx, actor, now)? } else { None };
    let mut u = tx.user(actor)?.ok_or(Error::NotFound(NotFound::User))?;
    if let Some(email) = up.email.filter(|e| e.as_str() != u.email) {
        if tx.user_by_email(email.as_str())?.is_some() {
            return Err(Error::EmailTaken);
        }
        u.email = email.as_str().to_string();
    }
    if let Some(name) = up.name {
        u.short_name = short_name(&name);
        u.name = name;
    }
    if let Some(ws) = up.default_workspace {
        super::access::role_in(tx, ws, actor)
            .map_err(|_| Error::invalid("default_workspace", "not one of your workspaces"))?;
        u.default_workspace = Some(ws);
    }
    if let Some(tz) = up.timezone {
        u.timezone = tz;
    }
    if let Some(p) = up.profession {
        u.profession = Some(p);
    }
    if let Some(c) = up.contact_info {
        u.contact_info = Some(c);
    }
    if let Some(a) = up.away_mode {
        u.away_mode = a;
    }
    let off_days_changed = up.off_days.is_some();
    if let Some(days) = up.off_days {
        if let Some(bad) = days.iter().find(|d| !(1..=7).contains(*d)) {
            return Err(Error::invalid("off_days", format!("{bad} is not an ISO weekday (1 = Monday … 7 = Sunday)")));
        }
        let mut days = days;
        days.sort_unstable();
        days.dedup();
        u.off_days = days;
    }
    if let Some(s) = up.snooze_until {
        u.snooze_until = s;
    }
    if let Some(s) = up.snooze_dnd_start {
        u.snooze_dnd_start = Some(s).filter(|s| !s.is_empty());
    }
    if let Some(s) = up.snooze_dnd_end {
        u.snooze_dnd_end = Some(s).filter(|s| !s.is_empty());
    }
    u.snoozed = u.snooze_until > now;
    tx.update_user(&u)?;
    if off_days_changed {
        super::schedules::sync_off_days(tx, &u, now)?;
    }
    // Away, snooze and time zone move the moments pushes may go out, and when the answers
    // the person owes are due.
    super::delivery::replan(tx, actor, now)?;
    if let Some(before) = owed_before {
        before.replan(tx, now)?;
    }
    // Colleagues in every workspace see the new name, time zone and away state.
    for ws in tx.workspaces_of(actor)? {
        if let Some(wu) = tx.workspace_user(ws.id, actor)? {
            super::emit(tx, ws.id, "workspace_user_updated", Audience::workspace(), &wu, now)?;
        }
    }
    tx.user(actor)?.ok_or(Error::NotFound(NotFound::User))
}

/// What a deleted account is called wherever its posts are shown.
pub const DELETED_NAME: &str = "Deleted user";

/// The address a deleted account keeps: unique, never deliverable (`.invalid` is reserved),
/// and no person's — the real address is free to be used again.
pub fn deleted_email(user: UserId) -> String {
    format!("deleted-user-{}@deleted.invalid", user.0)
}

/// `users/delete` (the password already checked): the account is deactivated for good —
/// nobody can sign in to it and every token ends —, its personal data erased (email, name,
/// profile, schedule, away state, activity, inbox, notifications, settings), and the person
/// leaves every workspace (its channels, conversations and groups). Posts stay, shown as by
/// "Deleted user". Refused, changing nothing, while they are the last active admin of a
/// workspace: the error names those workspaces.
pub fn delete(tx: &mut dyn Tx, actor: UserId, now: i64) -> Result<()> {
    let user = tx.user(actor)?.ok_or(Error::NotFound(NotFound::User))?;
    if user.removed {
        return Err(Error::InvalidToken);
    }
    let memberships = tx.memberships_of(actor)?;
    let last = super::workspace_users::last_admin_of(tx, &memberships)?;
    if !last.is_empty() {
        let names: Vec<String> = last.iter().map(|n| format!("“{n}”")).collect();
        return Err(Error::LastAdminOf(names.join(", ")));
    }
    // Erased first: the events below already show "Deleted user".
    tx.erase_user(actor, &deleted_email(actor), DELETED_NAME)?;
    for (ws, m) in memberships {
        // The log forgets who they were too: `events/get?after=0` replays no old name or email.
        tx.erase_person_from_events(ws.id, actor)?;
        super::workspace_users::depart(tx, ws.id, actor, m, None, now)?;
    }
    Ok(())
}
