//! Accounts: users, their passwords and their sign-in tokens.

use crate::error::Result;
use crate::ids::*;
use crate::model::*;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub timezone: String,
    pub bot: bool,
    pub now: i64,
}

#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub name: String,
    pub scope: TokenScope,
    pub workspace: Option<WorkspaceId>,
    pub hash: String,
    pub now: i64,
}

/// What a request signed in by a personal API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenGrant {
    pub id: i64,
    pub scope: TokenScope,
    /// The one workspace the token works in.
    pub workspace: Option<WorkspaceId>,
    pub last_used_ts: Option<i64>,
}

/// Accounts: users, their passwords and their sign-in tokens (stored as hashes).
pub trait Accounts {
    fn insert_user(&mut self, user: &NewUser) -> Result<UserId>;
    fn user(&mut self, id: UserId) -> Result<Option<User>>;
    fn user_by_email(&mut self, email: &str) -> Result<Option<User>>;
    fn users_by_ids(&mut self, ids: &[UserId]) -> Result<Vec<User>>;
    fn update_user(&mut self, user: &User) -> Result<()>;
    fn user_count(&mut self) -> Result<i64>;
    fn password_hash(&mut self, id: UserId) -> Result<Option<String>>;
    fn set_password_hash(&mut self, id: UserId, hash: &str) -> Result<()>;
    fn insert_token(&mut self, user: UserId, token_hash: &str, now: i64) -> Result<()>;
    fn user_by_token(&mut self, token_hash: &str) -> Result<Option<User>>;
    fn delete_token(&mut self, token_hash: &str) -> Result<()>;
    /// Those of `token_hashes` that still sign someone in: not signed out, and their
    /// account not removed (the rule of `services::users::authenticate`).
    fn live_tokens(&mut self, token_hashes: &[String]) -> Result<Vec<String>>;
    /// Ends every sign-in session of `user` (personal API tokens stay).
    fn delete_tokens_of(&mut self, user: UserId) -> Result<()>;
    fn insert_api_token(&mut self, user: UserId, token: &NewApiToken) -> Result<i64>;
    /// `user`'s API tokens, newest first.
    fn api_tokens_of(&mut self, user: UserId) -> Result<Vec<ApiToken>>;
    /// Revokes one of `user`'s API tokens; answers its hash, or None if they have no such token.
    fn delete_api_token(&mut self, user: UserId, id: i64) -> Result<Option<String>>;
    /// The account an API token signs in, and what the token may do.
    fn user_by_api_token(&mut self, token_hash: &str) -> Result<Option<(User, TokenGrant)>>;
    fn touch_api_token(&mut self, id: i64, now: i64) -> Result<()>;
    /// Notes that the person was active on a platform (`users/heartbeat`) at `ts`.
    fn record_activity(&mut self, user: UserId, platform: Platform, ts: i64) -> Result<()>;
    /// When the person was last active on each platform they used.
    fn activity(&mut self, user: UserId) -> Result<Vec<(Platform, i64)>>;
    fn insert_password_reset(&mut self, user: UserId, code_hash: &str, now: i64, expires_ts: i64) -> Result<()>;
    /// The account a reset code was made for and when it expires.
    fn password_reset(&mut self, code_hash: &str) -> Result<Option<(UserId, i64)>>;
    /// The same, and the code is used up.
    fn take_password_reset(&mut self, code_hash: &str) -> Result<Option<(UserId, i64)>>;
    fn delete_password_resets_of(&mut self, user: UserId) -> Result<()>;
    /// A deleted account: marked removed (nobody can sign in to it), its email replaced by
    /// `email` (the real address is free again), its name by `name`, its profile, schedule,
    /// away state and password gone, and what was kept for the person alone deleted —
    /// tokens, reset codes, activity, inbox, notifications and pushes, read and star
    /// states, settings, stored answers, email queued or sent to them. Posts stay.
    fn erase_user(&mut self, user: UserId, email: &str, name: &str) -> Result<()>;
}
