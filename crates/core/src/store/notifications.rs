//! Notifications, their settings, and the pushes waiting for their person.

use crate::error::Result;
use crate::ids::*;
use crate::model::*;
use serde_json::Value;

/// A push waiting for (or done with) its moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Push {
    pub id: i64,
    pub user: UserId,
    pub workspace: WorkspaceId,
    pub notification_id: i64,
    pub thread: Option<ThreadId>,
    /// Or the conversation of a direct message.
    pub conversation: Option<ConversationId>,
    /// Where the notified item sits in its thread or conversation (-1: a thread's own post).
    pub obj_index: i64,
    pub created_ts: i64,
    /// None: no time within the planning horizon; planned again when the schedule changes.
    pub due_ts: Option<i64>,
}

/// What delivering posts needs to know about the people they concern (`notify::Facts`),
/// looked up for those people alone.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PeopleFacts {
    /// The active members (not removed, pending or deactivated) of each workspace, with
    /// their role there.
    pub roles: Vec<(WorkspaceId, UserId, UserType)>,
    /// The members of each channel.
    pub members: Vec<(ChannelId, UserId)>,
    /// Until when each muted each thread (those with a mute, past or not).
    pub mutes: Vec<(ThreadId, UserId, i64)>,
    /// The levels each chose in each channel (those who chose none: the default).
    pub levels: Vec<(ChannelId, UserId, ChannelNotifications)>,
    /// Their accounts and stored schedules (as `Schedules::users_with_schedules`): when
    /// their pushes are due.
    pub accounts: Vec<(User, Option<crate::schedule::Schedule>)>,
}

/// Notifications, each person's notification settings, and the pushes waiting for their
/// person's next available moment.
pub trait Notifications {
    /// What is known about `users` in `workspaces`, `channels` and `threads`, whatever the
    /// lists' length. The four lookups do not depend on each other: PostgreSQL asks them in
    /// one round trip.
    fn people_facts(
        &mut self,
        workspaces: &[WorkspaceId],
        channels: &[ChannelId],
        threads: &[ThreadId],
        users: &[UserId],
    ) -> Result<PeopleFacts>;
    fn insert_notification(&mut self, user: UserId, n: &Notification) -> Result<i64>;
    /// Several people's notifications at once (one each); answers their ids in order.
    fn insert_notifications(&mut self, items: &[(UserId, Notification)]) -> Result<Vec<i64>>;
    fn notifications(&mut self, user: UserId, limit: i64) -> Result<Vec<Notification>>;
    /// Some of a person's notifications.
    fn notifications_by_ids(&mut self, user: UserId, ids: &[i64]) -> Result<Vec<Notification>>;
    fn mark_notification_read(&mut self, user: UserId, id: Option<i64>) -> Result<u64>;
    fn notification_settings(&mut self, user: UserId, ws: WorkspaceId) -> Result<Option<Value>>;
    fn put_notification_settings(&mut self, user: UserId, ws: WorkspaceId, settings: &Value) -> Result<()>;

    // pushes waiting for their person
    fn insert_pushes(&mut self, pushes: &[Push]) -> Result<()>;
    /// Pending pushes due at `now`, oldest first.
    fn due_pushes(&mut self, now: i64, limit: i64) -> Result<Vec<Push>>;
    fn pending_pushes_of(&mut self, user: UserId) -> Result<Vec<Push>>;
    fn set_push_due(&mut self, id: i64, due_ts: Option<i64>) -> Result<()>;
    /// Marks pushes "delivered" or "dropped".
    fn finish_pushes(&mut self, ids: &[i64], state: &str, now: i64) -> Result<()>;
}
