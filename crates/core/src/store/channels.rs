//! Channels, their members and the people who made them a favourite.

use crate::error::Result;
use crate::ids::*;
use crate::model::*;
use crate::store::Membership;

#[derive(Debug, Clone)]
pub struct NewChannel {
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub description: String,
    pub creator: UserId,
    pub public: bool,
    pub color: Option<i64>,
    pub icon: Option<i64>,
    pub default_groups: Vec<GroupId>,
    pub default_recipients: Vec<UserId>,
    pub use_default_recipients: bool,
    pub emergency: bool,
    pub expected_response_hours: Option<i64>,
    pub now: i64,
}

impl NewChannel {
    /// A channel with nothing chosen but its name and whether it is public: no description,
    /// look, default audience or expected response time, not an emergency channel.
    pub fn plain(workspace_id: WorkspaceId, creator: UserId, name: String, public: bool, now: i64) -> NewChannel {
        NewChannel {
            workspace_id,
            name,
            description: String::new(),
            creator,
            public,
            color: None,
            icon: None,
            default_groups: vec![],
            default_recipients: vec![],
            use_default_recipients: false,
            emergency: false,
            expected_response_hours: None,
            now,
        }
    }
}

/// What `Channels::channel_sight_among` finds about one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sight {
    pub user: UserId,
    pub membership: Membership,
    /// A member of the channel asked about.
    pub member: bool,
    pub away_mode: Option<AwayMode>,
}

/// Channels, their members and the people who made them a favourite.
pub trait Channels {
    fn insert_channel(&mut self, ch: &NewChannel) -> Result<ChannelId>;
    fn channel(&mut self, id: ChannelId, viewer: UserId) -> Result<Option<Channel>>;
    /// The channel's members after `after`, by id, at most `limit` of them.
    fn channel_members_from(&mut self, id: ChannelId, after: Option<UserId>, limit: usize) -> Result<Vec<UserId>>;
    /// The channel without its member list — `user_ids` holds `viewer` alone, if they are a
    /// member — and `viewer`'s membership of its workspace. One lookup, for the post path (a
    /// channel may have thousands of members).
    fn channel_seen_by(&mut self, id: ChannelId, viewer: UserId) -> Result<Option<(Channel, Option<Membership>)>>;
    /// Of `users`, those who ever joined workspace `ws`, each with their membership, whether
    /// they are a member of `channel` (false without one) and their away mode: who can see
    /// something there, why not, and who may be away, in one statement per few hundred
    /// people.
    fn channel_sight_among(
        &mut self,
        ws: WorkspaceId,
        channel: Option<ChannelId>,
        users: &[UserId],
    ) -> Result<Vec<Sight>>;
    fn insert_access_request(&mut self, r: &AccessRequest) -> Result<i64>;
    fn access_request(&mut self, id: i64) -> Result<Option<AccessRequest>>;
    /// `user`'s pending request to join `channel`, if any.
    fn pending_access_request(&mut self, channel: ChannelId, user: UserId) -> Result<Option<AccessRequest>>;
    fn decide_access_request(&mut self, id: i64, decision: AccessDecision, by: UserId, now: i64) -> Result<()>;
    /// The workspace's requests, newest first, at most `limit`; only the pending ones when
    /// `pending_only`.
    fn access_requests_in(&mut self, ws: WorkspaceId, pending_only: bool, limit: i64) -> Result<Vec<AccessRequest>>;
    fn channels_in(&mut self, ws: WorkspaceId, viewer: UserId) -> Result<Vec<Channel>>;
    /// The ids of the channels of `ws` that `viewer` is a member of, and of its public
    /// ones too when `public_too` (see `policy::can_see_channel`).
    fn visible_channel_ids(&mut self, ws: WorkspaceId, viewer: UserId, public_too: bool) -> Result<Vec<ChannelId>>;
    fn update_channel(&mut self, ch: &Channel) -> Result<()>;
    fn delete_channel(&mut self, id: ChannelId) -> Result<()>;
    fn add_channel_members(&mut self, ch: ChannelId, users: &[UserId]) -> Result<()>;
    fn remove_channel_members(&mut self, ch: ChannelId, users: &[UserId]) -> Result<()>;
    fn set_channel_favorite(&mut self, ch: ChannelId, user: UserId, favorite: bool) -> Result<()>;
    fn set_channel_notifications(&mut self, ch: ChannelId, user: UserId, level: ChannelNotifications) -> Result<()>;
}
