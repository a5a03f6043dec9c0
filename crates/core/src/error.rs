//! The domain's one error enum. The server maps each variant to an HTTP status and a Twist
//! error code in a single table (`weft::api::error`).

use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which kind of object was not found; each has its own Twist error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotFound {
    Workspace,
    User,
    Channel,
    Thread,
    Comment,
    Group,
    Conversation,
    Message,
    Resource,
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NotFound::Workspace => "Workspace",
            NotFound::User => "User",
            NotFound::Channel => "Channel",
            NotFound::Thread => "Thread",
            NotFound::Comment => "Comment",
            NotFound::Group => "Group",
            NotFound::Conversation => "Conversation",
            NotFound::Message => "Message",
            NotFound::Resource => "Resource",
        })
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("Required argument missing: {0}")]
    MissingArgument(String),
    #[error("Invalid argument value: {name}: {reason}")]
    InvalidArgument { name: String, reason: String },
    #[error("{0} not found")]
    NotFound(NotFound),
    #[error("Forbidden: {0}")]
    Forbidden(String),
    #[error("Not logged in")]
    NotLoggedIn,
    #[error("Invalid token")]
    InvalidToken,
    #[error("Wrong email or password")]
    WrongCredentials,
    #[error("Email is already used")]
    EmailTaken,
    #[error("Password is too short: use at least {0} characters")]
    PasswordTooShort(usize),
    #[error("Email is invalid")]
    EmailInvalid,
    #[error("Invalid timezone: {0}")]
    InvalidTimezone(String),
    #[error("Unsupported reaction: {0}")]
    UnsupportedReaction(String),
    #[error("Name is too short")]
    NameTooShort,
    #[error("Cannot remove the last admin of a workspace")]
    LastAdmin,
    /// Deleting an account refused: it is the last admin of these workspaces (their names).
    #[error(
        "You are the last admin of {0}: make someone else an admin there (or delete the workspace) before deleting \
         your account"
    )]
    LastAdminOf(String),
    #[error("Invalid date range")]
    InvalidDateRange,
    #[error("Already exists: {0}")]
    AlreadyExists(String),
    #[error("Bad request: {0}")]
    BadRequest(String),
    /// The request (an upload) is larger than allowed.
    #[error("Too large: {0}")]
    TooLarge(String),
    /// The endpoint exists but not for this HTTP method; it answers `allowed`.
    #[error("Method not allowed: use {allowed}")]
    MethodNotAllowed { allowed: &'static str },
    #[error("Too many failed attempts; try again in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: i64 },
    /// A cap on what one client may hold open at once (streams, long polls) is reached;
    /// the text names the limit.
    #[error("Limit reached: {0}")]
    LimitReached(String),
    #[error("Service unavailable: {0}")]
    Unavailable(String),
    /// A fault of the server, never of the client. Its text goes to the log, not the wire.
    #[error("Internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(name: &str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument { name: name.to_string(), reason: reason.into() }
    }

    pub fn missing(name: &str) -> Self {
        Error::MissingArgument(name.to_string())
    }

    pub fn forbidden(why: impl Into<String>) -> Self {
        Error::Forbidden(why.into())
    }
}
