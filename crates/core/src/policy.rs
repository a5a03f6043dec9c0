//! Who may do what. Every service calls these before reading or writing, so each rule
//! exists once. Rules are pure functions of their inputs.

use crate::event::Event;
use crate::ids::*;
use crate::model::{Channel, Thread, Unseen, UserType};
use crate::store::Membership;
use std::collections::HashSet;

/// Guests see only the channels they were added to; other members also see every public
/// channel. Nobody sees a private channel they are not in, admins included.
pub fn can_see_channel(role: UserType, channel: &Channel, viewer: UserId) -> bool {
    sees_channel(role, channel, channel.user_ids.contains(&viewer))
}

/// `can_see_channel` for someone whose membership was looked up rather than listed.
pub fn sees_channel(role: UserType, channel: &Channel, member: bool) -> bool {
    member || (sees_public_channels(role) && channel.public)
}

/// Why someone with this workspace membership (None: never joined) cannot see `channel`,
/// of which they are a `member` or not; None if they can (the rule of `sees_channel`).
pub fn channel_unseen(m: Option<&Membership>, channel: &Channel, member: bool) -> Option<Unseen> {
    let role = match workspace_unseen(m) {
        Ok(role) => role,
        Err(why) => return Some(why),
    };
    match sees_channel(role, channel, member) {
        true => None,
        false if channel.public => Some(Unseen::GuestNotInChannel),
        false => Some(Unseen::NotInPrivateChannel),
    }
}

/// Why someone cannot see a conversation they are a `member` of or not; None if they can.
pub fn conversation_unseen(m: Option<&Membership>, member: bool) -> Option<Unseen> {
    match workspace_unseen(m) {
        Err(why) => Some(why),
        Ok(_) if !member => Some(Unseen::NotInConversation),
        Ok(_) => None,
    }
}

/// The role of an active member, or why someone is not one.
fn workspace_unseen(m: Option<&Membership>) -> Result<UserType, Unseen> {
    match m {
        None => Err(Unseen::NotInWorkspace),
        Some(m) if m.removed => Err(Unseen::NotInWorkspace),
        Some(m) if m.pending => Err(Unseen::Invited),
        Some(m) if m.deactivated => Err(Unseen::Deactivated),
        Some(m) => Ok(m.user_type),
    }
}

/// Whether someone of this role sees the public channels they are not a member of.
pub fn sees_public_channels(role: UserType) -> bool {
    role != UserType::Guest
}

/// Posting needs sight of the channel and a channel that is not archived.
pub fn can_post_in_channel(role: UserType, channel: &Channel, viewer: UserId) -> bool {
    can_see_channel(role, channel, viewer) && !channel.archived
}

/// Renaming, archiving, removing a channel and removing other people from it.
pub fn can_manage_channel(role: UserType, channel: &Channel, viewer: UserId) -> bool {
    role == UserType::Admin || channel.creator == viewer
}

/// Adding people to a channel: its managers and its (non-guest) members.
pub fn can_add_to_channel(role: UserType, channel: &Channel, viewer: UserId) -> bool {
    can_manage_channel(role, channel, viewer) || (role != UserType::Guest && channel.user_ids.contains(&viewer))
}

/// Creating channels and groups.
pub fn can_create_in_workspace(role: UserType) -> bool {
    role != UserType::Guest
}

/// Renaming the workspace and managing its members.
pub fn can_administer_workspace(role: UserType) -> bool {
    role == UserType::Admin
}

/// Editing or removing a thread or comment: its author, or a workspace admin.
pub fn can_edit_post(role: UserType, author: UserId, viewer: UserId) -> bool {
    author == viewer || role == UserType::Admin
}

/// Naming a thread's DRI, its status and when its decision is due: its author, its DRI or
/// an admin.
pub fn can_steer_thread(role: UserType, thread: &Thread, viewer: UserId) -> bool {
    thread.creator == viewer || thread.dri_id == Some(viewer) || role == UserType::Admin
}

/// Marking a thread's decision: its DRI (or, while it has none, its author) or an admin.
pub fn can_decide(role: UserType, thread: &Thread, viewer: UserId) -> bool {
    role == UserType::Admin || thread.dri_id.unwrap_or(thread.creator) == viewer
}

/// Editing or removing a direct message: only its author.
pub fn can_edit_message(author: UserId, viewer: UserId) -> bool {
    author == viewer
}

/// What one person may see of a workspace, used to filter the event stream.
#[derive(Debug, Clone, Default)]
pub struct StreamAccess {
    pub user: UserId,
    pub workspace: WorkspaceId,
    pub is_member: bool,
    pub channels: HashSet<ChannelId>,
    pub conversations: HashSet<ConversationId>,
}

/// Whether `access.user` may receive `event` (see `Audience` for the meaning of its fields).
pub fn can_see_event(access: &StreamAccess, event: &Event) -> bool {
    if event.workspace_id != access.workspace {
        return false;
    }
    let a = &event.audience;
    if a.also_user_id == Some(access.user) || a.user_id == Some(access.user) {
        return true;
    }
    if !access.is_member || a.user_id.is_some() {
        return false;
    }
    if let Some(ch) = a.channel_id {
        return access.channels.contains(&ch);
    }
    if let Some(conv) = a.conversation_id {
        return access.conversations.contains(&conv);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Audience;
    use crate::model::ChannelNotifications;

    fn channel(public: bool, members: &[i64]) -> Channel {
        Channel {
            id: ChannelId(1),
            name: "c".into(),
            workspace_id: WorkspaceId(1),
            creator: UserId(1),
            public,
            archived: false,
            created_ts: 0,
            description: String::new(),
            color: None,
            icon: None,
            user_ids: members.iter().copied().map(UserId).collect(),
            use_default_recipients: false,
            default_groups: vec![],
            default_recipients: vec![],
            is_favorited: false,
            emergency: false,
            expected_response_hours: None,
            version: 1,
            notifications: ChannelNotifications::All,
        }
    }

    #[test]
    fn channel_visibility() {
        let public = channel(true, &[1]);
        let private = channel(false, &[1]);
        assert!(can_see_channel(UserType::User, &public, UserId(2)));
        assert!(!can_see_channel(UserType::Guest, &public, UserId(2)));
        assert!(can_see_channel(UserType::Guest, &public, UserId(1)));
        assert!(!can_see_channel(UserType::Admin, &private, UserId(2)));
        assert!(can_see_channel(UserType::User, &private, UserId(1)));
    }

    #[test]
    fn event_visibility() {
        let access = StreamAccess {
            user: UserId(5),
            workspace: WorkspaceId(1),
            is_member: true,
            channels: [ChannelId(10)].into(),
            conversations: [ConversationId(20)].into(),
        };
        let ev = |ws: i64, audience: Audience| Event {
            seq: 1,
            workspace_id: WorkspaceId(ws),
            kind: "x".into(),
            created_ts: 0,
            data: serde_json::Value::Null,
            audience,
        };
        assert!(can_see_event(&access, &ev(1, Audience::workspace())));
        assert!(!can_see_event(&access, &ev(2, Audience::workspace())));
        assert!(can_see_event(&access, &ev(1, Audience::channel(ChannelId(10)))));
        assert!(!can_see_event(&access, &ev(1, Audience::channel(ChannelId(11)))));
        assert!(can_see_event(&access, &ev(1, Audience::conversation(ConversationId(20)))));
        assert!(!can_see_event(&access, &ev(1, Audience::conversation(ConversationId(21)))));
        assert!(can_see_event(&access, &ev(1, Audience::user(UserId(5)))));
        assert!(!can_see_event(&access, &ev(1, Audience::user(UserId(6)))));
        assert!(can_see_event(&access, &ev(1, Audience::channel(ChannelId(11)).and_user(UserId(5)))));
    }
}
