//! Email: the outbox, the cursor over the event log, and unsubscribe tokens.

use crate::error::Result;
use crate::ids::*;

/// An email to write to the outbox: the rendering of one `push` event.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMail {
    /// The push it carries: an email per push, never two. None: an account email
    /// (invitation, password reset).
    pub event_seq: Option<i64>,
    pub user: UserId,
    pub workspace: WorkspaceId,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub unsubscribe_url: String,
    pub created_ts: i64,
    /// The body holds a secret (an invitation's or a reset's code, an unsubscribe link's):
    /// the body and link are blanked once sent.
    pub secret: bool,
    /// A calendar entry (iCalendar) to attach: a meeting's, for an email about its agenda.
    pub calendar: Option<String>,
}

/// An email taken from the outbox to be sent now.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMail {
    pub id: i64,
    pub event_seq: Option<i64>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub unsubscribe_url: String,
    /// Tries so far, this one included.
    pub attempts: i64,
    /// A calendar entry to attach (iCalendar text).
    pub calendar: Option<String>,
}

/// What became of one try to send an email.
#[derive(Debug, Clone, PartialEq)]
pub enum MailOutcome {
    Sent,
    /// Try again at this time.
    Retry {
        at: i64,
        error: String,
    },
    /// Given up: an admin has to look (`weft admin mail-status`).
    Parked {
        error: String,
    },
}

/// The outbox at a glance, for admins.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct MailStatus {
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub parked: i64,
    pub oldest_queued_ts: Option<i64>,
    pub last_sent_ts: Option<i64>,
    /// The newest parked emails (or, with retries pending, the ones that failed last).
    pub problems: Vec<MailProblem>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MailProblem {
    pub id: i64,
    pub state: String,
    pub to: String,
    pub subject: String,
    pub attempts: i64,
    pub last_error: String,
    pub created_ts: i64,
    pub next_attempt_ts: i64,
}

/// Email: the cursor of the event log's pushes turned into email, the outbox and its
/// leases, and each person's unsubscribe token per workspace.
pub trait Mail {
    /// How far the event log has been turned into email (None: never, mail was just set up).
    fn mail_cursor(&mut self) -> Result<Option<i64>>;
    fn set_mail_cursor(&mut self, seq: i64) -> Result<()>;
    /// False if that push already has its email.
    fn insert_mail(&mut self, m: &NewMail) -> Result<bool>;
    /// Whether some email is due to be sent at `now`.
    fn mail_due(&mut self, now: i64) -> Result<bool>;
    /// Takes the emails due at `now` (and those whose sender vanished: lease over) and
    /// leases them until `lease_until`, counting the attempt.
    fn claim_mail(&mut self, now: i64, lease_until: i64, limit: i64) -> Result<Vec<OutboxMail>>;
    fn finish_mail(&mut self, id: i64, outcome: &MailOutcome, now: i64) -> Result<()>;
    fn mail_status(&mut self, problems: i64) -> Result<MailStatus>;
    /// Puts parked emails back in the queue, due at once; answers how many.
    fn requeue_parked_mail(&mut self) -> Result<u64>;
    /// Records the hash of a new unsubscribe link's secret for `user` in `ws`, made at `now`
    /// (one per email: only hashes are kept, so a secret cannot be shown again), and
    /// forgets that person's links made before `forget_before`.
    fn insert_mail_token(
        &mut self,
        user: UserId,
        ws: WorkspaceId,
        token_hash: &str,
        now: i64,
        forget_before: i64,
    ) -> Result<()>;
    /// Whose unsubscribe link hashes to `token_hash`, if it was made at `made_after` or later.
    fn mail_token_owner(&mut self, token_hash: &str, made_after: i64) -> Result<Option<(UserId, WorkspaceId)>>;
}
