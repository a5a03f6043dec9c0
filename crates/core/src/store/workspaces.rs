//! Workspaces, their members, and the groups of members posts can notify.

use crate::error::Result;
use crate::ids::*;
use crate::model::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub user_type: UserType,
    pub removed: bool,
    /// Invited, not accepted yet: not a member for any purpose but the list of members.
    pub pending: bool,
    /// Deactivated by an admin: keeps their channels, conversations and groups, but is not a
    /// member for any purpose but the list of members until reactivated.
    pub deactivated: bool,
}

impl Membership {
    pub fn active(user_type: UserType) -> Self {
        Membership { user_type, removed: false, pending: false, deactivated: false }
    }

    /// A member who may read and act in the workspace.
    pub fn is_active(&self) -> bool {
        !self.removed && !self.pending && !self.deactivated
    }
}

/// A personal invitation (`user_id` set, used once) or a reusable join link (`user_id`
/// None). Its code is stored only as a hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub id: i64,
    pub workspace_id: WorkspaceId,
    pub user_id: Option<UserId>,
    pub inviter: UserId,
    pub user_type: UserType,
    pub channel_ids: Vec<ChannelId>,
    pub created_ts: i64,
    pub expires_ts: i64,
    /// None: no limit.
    pub max_uses: Option<i64>,
    pub uses: i64,
    pub revoked: bool,
}

impl Invitation {
    /// Whether the code still lets someone in at `now`.
    pub fn usable(&self, now: i64) -> bool {
        !self.revoked && now < self.expires_ts && self.max_uses.is_none_or(|m| self.uses < m)
    }
}

/// Workspaces, their members (role, removed), and the groups of members posts can notify.
/// The things a request may name by id, for finding the workspace they are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Workspace,
    Channel,
    Thread,
    Comment,
    Conversation,
    Message,
    Group,
    AccessRequest,
    Expectation,
    Invitation,
    Meeting,
    ScheduledPost,
    Emergency,
}

pub trait Workspaces {
    /// The workspaces each of `objects` is in (none for one that does not exist), in one
    /// statement per kind.
    fn workspaces_of_objects(&mut self, objects: &[(ObjectKind, i64)]) -> Result<Vec<WorkspaceId>>;
    /// The workspaces of the posts carrying an attachment.
    fn attachment_workspaces(&mut self, attachment_id: &str) -> Result<Vec<WorkspaceId>>;
    fn insert_workspace(&mut self, name: &str, color: Option<i64>, creator: UserId, now: i64) -> Result<WorkspaceId>;
    fn workspace(&mut self, id: WorkspaceId) -> Result<Option<Workspace>>;
    fn workspaces_of(&mut self, user: UserId) -> Result<Vec<Workspace>>;
    fn update_workspace(&mut self, ws: &Workspace) -> Result<()>;
    fn delete_workspace(&mut self, id: WorkspaceId) -> Result<()>;
    fn membership(&mut self, ws: WorkspaceId, user: UserId) -> Result<Option<Membership>>;
    /// Those of `users` who are active members of `ws` (not removed, pending or
    /// deactivated), whatever the list's length, in a few statements.
    fn active_members(&mut self, ws: WorkspaceId, users: &[UserId]) -> Result<Vec<UserId>>;
    fn workspace_users(&mut self, ws: WorkspaceId) -> Result<Vec<WorkspaceUser>>;
    fn workspace_user(&mut self, ws: WorkspaceId, user: UserId) -> Result<Option<WorkspaceUser>>;
    /// Every workspace `user` has a membership row in that is not removed (pending and
    /// deactivated ones too), with the workspace's name.
    fn memberships_of(&mut self, user: UserId) -> Result<Vec<(Workspace, Membership)>>;
    fn put_membership(&mut self, ws: WorkspaceId, user: UserId, m: Membership, now: i64) -> Result<()>;
    /// Active admins (not removed, pending or deactivated).
    fn admin_count(&mut self, ws: WorkspaceId) -> Result<i64>;
    /// Whether `user` is an admin of at least one workspace.
    fn is_admin_anywhere(&mut self, user: UserId) -> Result<bool>;
    /// What the inviter called a pending member (None: clear it on acceptance).
    fn set_invited_name(&mut self, ws: WorkspaceId, user: UserId, name: Option<&str>) -> Result<()>;

    // invitations and join links
    fn insert_invitation(&mut self, inv: &Invitation, code_hash: &str) -> Result<i64>;
    fn invitation(&mut self, id: i64) -> Result<Option<Invitation>>;
    fn invitation_by_code(&mut self, code_hash: &str) -> Result<Option<Invitation>>;
    /// The newest personal invitation of a person to a workspace.
    fn personal_invitation(&mut self, ws: WorkspaceId, user: UserId) -> Result<Option<Invitation>>;
    /// The workspace's join links, newest first.
    fn join_links(&mut self, ws: WorkspaceId) -> Result<Vec<Invitation>>;
    /// Counts one use if the invitation is not revoked and has uses left; false otherwise.
    fn use_invitation(&mut self, id: i64) -> Result<bool>;
    fn revoke_invitation(&mut self, id: i64) -> Result<()>;
    /// Removes a person's personal invitations to a workspace (their links stop working).
    fn delete_invitations_of(&mut self, ws: WorkspaceId, user: UserId) -> Result<()>;

    // groups
    fn insert_group(&mut self, ws: WorkspaceId, name: &str, description: &str, color: Option<i64>) -> Result<GroupId>;
    fn group(&mut self, id: GroupId) -> Result<Option<Group>>;
    /// Those of `groups` that are groups of `ws`, in a few statements.
    fn groups_among(&mut self, ws: WorkspaceId, groups: &[GroupId]) -> Result<Vec<GroupId>>;
    fn groups_in(&mut self, ws: WorkspaceId) -> Result<Vec<Group>>;
    fn update_group(&mut self, g: &Group) -> Result<()>;
    fn delete_group(&mut self, id: GroupId) -> Result<()>;
    fn add_group_members(&mut self, id: GroupId, users: &[UserId]) -> Result<()>;
    fn remove_group_members(&mut self, id: GroupId, users: &[UserId]) -> Result<()>;
}
