//! Forgotten passwords: a single-use code, valid for an hour, emailed to the account's
//! address. Asking always answers the same, so it reveals no account; the code is stored
//! only as a hash; using it sets the password and signs out every session.

use super::{auth, users};
use crate::error::{Error, Result};
use crate::ids::*;
use crate::mail::AccountEmail;
use crate::model::User;
use crate::store::{NewMail, Tx};

/// How long a reset code works.
pub const RESET_TTL_S: i64 = 3600;

pub fn reset_url(base_url: &str, code: &str) -> String {
    format!("{base_url}/reset-password/{code}")
}

/// `users/reset_password`: for an account that exists, has a password and is not removed,
/// a new code (earlier ones stop working), emailed when `send_email`. Answers the code, or
/// None when there is no such account — the caller answers the same either way.
pub fn request(tx: &mut dyn Tx, email: &str, base_url: &str, send_email: bool, now: i64) -> Result<Option<String>> {
    let Some(user) = tx.user_by_email(email)? else { return Ok(None) };
    // Removed accounts, and invited people who never chose a password (their invitation
    // sets it up), have nothing to reset.
    if user.removed || tx.password_hash(user.id)?.is_none_or(|h| h.is_empty()) {
        return Ok(None);
    }
    tx.delete_password_resets_of(user.id)?;
    let (code, code_hash) = auth::new_token()?;
    tx.insert_password_reset(user.id, &code_hash, now, now + RESET_TTL_S)?;
    if send_email {
        let mail = AccountEmail::password_reset(&reset_url(base_url, &code), RESET_TTL_S / 60);
        tx.insert_mail(&NewMail {
            event_seq: None,
            user: user.id,
            workspace: WorkspaceId(0),
            to: user.email,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            unsubscribe_url: String::new(),
            created_ts: now,
            secret: true,
            calendar: None,
        })?;
    }
    Ok(Some(code))
}

fn invalid_code() -> Error {
    Error::invalid("reset_code", "this reset code is not valid: it was used, replaced by a newer one, or expired")
}

/// Whether a code would work now (for the page that shows the form).
pub fn check(tx: &mut dyn Tx, code: &str, now: i64) -> Result<()> {
    match tx.password_reset(&auth::token_hash(code))? {
        Some((_, expires)) if expires > now => Ok(()),
        _ => Err(invalid_code()),
    }
}

/// `users/set_password`: the code's account gets the new password (hashed by the caller),
/// every session ends, and the answer is the user with a new token.
pub fn set(tx: &mut dyn Tx, code: &str, password_hash: &str, token: &str, token_hash: &str, now: i64) -> Result<User> {
    let (user, expires) = tx.take_password_reset(&auth::token_hash(code))?.ok_or_else(invalid_code)?;
    if expires <= now || tx.user(user)?.is_none_or(|u| u.removed) {
        return Err(invalid_code());
    }
    tx.delete_password_resets_of(user)?;
    users::set_password(tx, user, password_hash, token, token_hash, now)
}
