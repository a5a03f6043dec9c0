//! Workspaces, their members, and the groups of members posts can notify.

use crate::error::Result;
use crate::ids::*;
use crate::model::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub user_type: UserType,
    pub removed: bool,
}

/// Workspaces, their members (role, removed), and the groups of members posts can notify.
pub trait Workspaces {
    fn insert_workspace(&mut self, name: &str, color: Option<i64>, creator: UserId, now: i64) -> Result<WorkspaceId>;
    fn workspace(&mut self, id: WorkspaceId) -> Result<Option<Workspace>>;
    fn workspaces_of(&mut self, user: UserId) -> Result<Vec<Workspace>>;
    fn update_workspace(&mut self, ws: &Workspace) -> Result<()>;
    fn delete_workspace(&mut self, id: WorkspaceId) -> Result<()>;
    fn membership(&mut self, ws: WorkspaceId, user: UserId) -> Result<Option<Membership>>;
    /// Those of `users` who are members of `ws` (not removed), whatever the list's length,
    /// in a few statements.
    fn active_members(&mut self, ws: WorkspaceId, users: &[UserId]) -> Result<Vec<UserId>>;
    fn workspace_users(&mut self, ws: WorkspaceId) -> Result<Vec<WorkspaceUser>>;
    fn workspace_user(&mut self, ws: WorkspaceId, user: UserId) -> Result<Option<WorkspaceUser>>;
    fn put_membership(&mut self, ws: WorkspaceId, user: UserId, m: Membership, now: i64) -> Result<()>;
    fn admin_count(&mut self, ws: WorkspaceId) -> Result<i64>;
    /// Whether `user` is an admin of at least one workspace.
    fn is_admin_anywhere(&mut self, user: UserId) -> Result<bool>;

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
