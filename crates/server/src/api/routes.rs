//! The whole API surface in one table: path, verb, parameters, response, handler.
//! The router, the batch dispatcher and the OpenAPI document are all built from it.

use super::Endpoint;
use super::Verb::{Get, Post};
use super::handlers::*;
use super::params::{LegacyParam as Param, Ty::*, opt, req};

const ID: &[Param] = &[req("id", Int)];
const POST_FIELDS: [Param; 7] = [
    opt("content", Str),
    opt("attachments", Objects),
    opt("actions", Objects),
    opt("recipients", Recipients),
    opt("groups", Ids),
    opt("direct_mentions", Ids),
    opt("direct_group_mentions", Ids),
];
const MESSAGE_FIELDS: [Param; 5] = [
    opt("content", Str),
    opt("attachments", Objects),
    opt("actions", Objects),
    opt("direct_mentions", Ids),
    opt("direct_group_mentions", Ids),
];
const ITEM_QUERY: [Param; 7] = [
    opt("newer_than_ts", Int),
    opt("older_than_ts", Int),
    opt("from_obj_index", Int),
    opt("to_obj_index", Int),
    opt("order_by", Str),
    opt("limit", Int),
    opt("as_ids", Bool),
];

/// A parameter list as a constant (the route table needs `'static` slices).
macro_rules! p {
    ($($param:expr),* $(,)?) => {{
        const PARAMS: &[Param] = &[$($param),*];
        PARAMS
    }};
}

macro_rules! concat_params {
    ($($part:expr),* $(,)?) => {{
        const PARTS: &[&[Param]] = &[$(&$part),*];
        const LEN: usize = { let mut n = 0; let mut i = 0; while i < PARTS.len() { n += PARTS[i].len(); i += 1; } n };
        const OUT: [Param; LEN] = {
            let mut out = [req("", Int); LEN];
            let (mut k, mut i) = (0, 0);
            while i < PARTS.len() {
                let mut j = 0;
                while j < PARTS[i].len() { out[k] = PARTS[i][j]; k += 1; j += 1; }
                i += 1;
            }
            out
        };
        &OUT
    }};
}

/// An endpoint: its handler's input and output types declare its parameters and answer.
fn e<I, O, F, Fut>(verb: super::Verb, path: &'static str, summary: &'static str, f: F) -> Endpoint
where
    I: serde::de::DeserializeOwned + schemars::JsonSchema + Send + 'static,
    O: serde::Serialize + schemars::JsonSchema + 'static,
    F: Fn(super::Cx, I) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = weft_core::Result<O>> + Send + 'static,
{
    Endpoint::new(verb, path, summary, f)
}

fn l<F, Fut>(verb: super::Verb, path: &'static str, summary: &'static str, f: F) -> Endpoint
where
    F: Fn(super::Cx, super::params::Params) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = weft_core::Result<serde_json::Value>> + Send + 'static,
{
    Endpoint::legacy(verb, path, summary, f)
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        // users
        e(Post, "users/login", "Sign in with email and password; answers the user with a token", users::login).public(),
        e(Post, "users/register", "Create an account (only with --open-registration)", users::register).public(),
        e(Post, "users/logout", "Sign out: the token stops working", users::logout),
        e(Get, "users/get_session_user", "The signed-in user", users::get_session_user),
        e(Post, "users/update", "Change the signed-in user's profile", users::update),
        e(Post, "users/update_password", "Set a new password; signs out other sessions", users::update_password),
        e(Post, "users/invalidate_token", "Replace the token in use with a new one", users::invalidate_token),
        e(Post, "users/validate_token", "Check that a token is valid", users::validate_token).public(),
        e(Post, "users/heartbeat", "Accepted for compatibility; Weft shows no presence", users::heartbeat),
        e(Post, "users/reset_presence", "Accepted for compatibility; Weft shows no presence", users::heartbeat),
        // workspaces
        e(Get, "workspaces/get", "The signed-in user's workspaces", workspaces::get),
        e(Get, "workspaces/getone", "One workspace", workspaces::getone),
        e(Get, "workspaces/get_default", "The user's default workspace", workspaces::get_default),
        e(Post, "workspaces/add", "Create a workspace; its creator becomes an admin", workspaces::add),
        e(Post, "workspaces/update", "Rename a workspace (admins)", workspaces::update),
        e(Post, "workspaces/remove", "Delete a workspace and everything in it (admins)", workspaces::remove),
        e(Get, "workspaces/get_public_channels", "The workspace's public channels", workspaces::get_public_channels),
        // workspace users (v4 for direct calls, v3 inside batches: both are served)
        e(Get, "workspace_users/get", "The workspace's members, removed ones included", workspace_users::get),
        e(Get, "workspace_users/get_ids", "The ids of the workspace's members", workspace_users::get_ids),
        e(Get, "workspace_users/getone", "One member", workspace_users::getone),
        e(Get, "workspace_users/get_by_email", "A member by email", workspace_users::get_by_email),
        e(
            Get,
            "workspace_users/get_local_time",
            "A member's local time as YYYY-MM-DD HH:MM:SS",
            workspace_users::get_local_time,
        ),
        e(Post, "workspace_users/add", "Add an existing account to the workspace (admins)", workspace_users::add),
        e(Post, "workspace_users/update", "Change a member's role (admins)", workspace_users::update),
        e(Post, "workspace_users/remove", "Remove a member (admins), or leave", workspace_users::remove),
        // channels
        e(Get, "channels/get", "The channels the user can see", channels::get),
        e(Get, "channels/getone", "One channel", channels::getone),
        e(Post, "channels/add", "Create a channel", channels::add),
        e(Post, "channels/update", "Change a channel (its creator or an admin)", channels::update),
        e(Post, "channels/remove", "Delete an archived channel", channels::remove),
        e(Post, "channels/archive", "Archive a channel", channels::archive),
        e(Post, "channels/unarchive", "Unarchive a channel", channels::unarchive),
        e(Post, "channels/favorite", "Favorite a channel (for the caller)", channels::favorite),
        e(Post, "channels/unfavorite", "Unfavorite a channel", channels::unfavorite),
        e(Post, "channels/add_user", "Add a person to a channel", channels::add_user),
        e(Post, "channels/add_users", "Add people to a channel", channels::add_users),
        e(Post, "channels/remove_user", "Remove a person from a channel", channels::remove_user),
        e(Post, "channels/remove_users", "Remove people from a channel", channels::remove_users),
        e(Post, "channels/join", "Join a public channel", channels::join).extension(),
        e(Post, "channels/leave", "Leave a channel", channels::leave).extension(),
        // threads
        l(Get, "threads/get", "Threads of a channel or of the whole workspace, newest activity first", threads::get)
            .params(p![
                opt("workspace_id", Int),
                opt("channel_id", Int),
                opt("archived", Bool),
                opt("newer_than_ts", Int),
                opt("older_than_ts", Int),
                opt("before_id", Int),
                opt("after_id", Int),
                opt("exclude_thread_ids", Ids),
                opt("is_pinned", Bool),
                opt("is_starred", Bool),
                opt("order_by", Str),
                opt("limit", Int),
                opt("as_ids", Bool),
            ])
            .returns("Thread[]"),
        l(Get, "threads/getone", "One thread", threads::getone).params(ID).returns("Thread"),
        l(Post, "threads/add", "Start a thread in a channel", threads::add)
            .params(concat_params![
                [
                    req("channel_id", Int),
                    req("title", Str),
                    opt("temp_id", Int),
                    opt("send_as_integration", Bool),
                    opt("urgent", Bool)
                ],
                POST_FIELDS
            ])
            .returns("Thread"),
        l(Post, "threads/update", "Edit a thread (its author or an admin)", threads::update)
            .params(p![
                req("id", Int),
                opt("title", Str),
                opt("content", Str),
                opt("attachments", Objects),
                opt("actions", Objects),
                opt("direct_mentions", Ids),
                opt("direct_group_mentions", Ids),
            ])
            .returns("Thread"),
        l(Post, "threads/remove", "Delete a thread (its author or an admin)", threads::remove).params(ID),
        l(Post, "threads/star", "Save a thread (the caller's Saved list)", threads::star).params(ID),
        l(Post, "threads/unstar", "Unsave a thread", threads::unstar).params(ID),
        l(Post, "threads/pin", "Pin a thread to the top of its channel", threads::pin).params(ID),
        l(Post, "threads/unpin", "Unpin a thread", threads::unpin).params(ID),
        l(Post, "threads/archive", "Archive a thread for the caller", threads::archive).params(ID),
        l(Post, "threads/unarchive", "Unarchive a thread for the caller", threads::unarchive).params(ID),
        l(Post, "threads/move_to_channel", "Move a thread to another channel", threads::move_to_channel)
            .params(p![req("id", Int), req("to_channel", Int)]),
        l(Post, "threads/mute", "Mute a thread for some minutes", threads::mute)
            .params(p![req("id", Int), req("minutes", Int)])
            .returns("Thread"),
        l(Post, "threads/unmute", "Unmute a thread", threads::unmute).params(ID).returns("Thread"),
        // read state
        l(
            Post,
            "threads/mark_read",
            "Mark everything up to obj_index read (-1 = the thread's own post)",
            inbox::mark_read,
        )
        .params(p![req("id", Int), req("obj_index", Int)]),
        l(Post, "threads/mark_unread", "Mark from obj_index on unread (-1 = the whole thread)", inbox::mark_unread)
            .params(p![req("id", Int), req("obj_index", Int)]),
        l(
            Post,
            "threads/mark_unread_for_others",
            "Mark from obj_index on unread for everyone else",
            inbox::mark_unread_for_others,
        )
        .params(p![req("id", Int), req("obj_index", Int)]),
        l(
            Post,
            "threads/mark_all_read",
            "Mark every thread of the inbox (or of one channel) read",
            inbox::mark_all_read,
        )
        .params(p![opt("workspace_id", Int), opt("channel_id", Int)]),
        l(Post, "threads/clear_unread", "Mark every thread of the inbox read", inbox::mark_all_read)
            .params(p![req("workspace_id", Int)]),
        l(Get, "threads/get_unread", "The caller's unread threads", inbox::get_unread)
            .params(p![req("workspace_id", Int)])
            .returns("UnreadThread[]"),
        l(Post, "comments/mark_position", "The caller has read up to this comment", inbox::mark_position)
            .params(p![req("thread_id", Int), req("comment_id", Int)]),
        // the inbox
        l(Get, "inbox/get", "The threads that concern the caller, newest activity first", inbox::get)
            .params(p![
                req("workspace_id", Int),
                opt("newer_than_ts", Int),
                opt("older_than_ts", Int),
                opt("limit", Int),
                opt("cursor", Str),
                opt("archive_filter", Str),
            ])
            .returns("InboxThread[]"),
        l(Get, "inbox/get_count", "Unread items of the inbox: {data, version}", inbox::get_count)
            .params(p![req("workspace_id", Int)])
            .returns("InboxCount"),
        l(Post, "inbox/archive", "Done: out of the inbox until something new concerns the caller", inbox::archive)
            .params(ID),
        l(Post, "inbox/unarchive", "Back into the inbox", inbox::unarchive).params(ID),
        l(
            Post,
            "inbox/archive_all",
            "Mark everything (of some channels, or older than a time) Done",
            inbox::archive_all,
        )
        .params(p![req("workspace_id", Int), opt("channel_ids", Ids), opt("older_than_ts", Int)]),
        l(Post, "inbox/mark_all_read", "Mark every thread of the inbox read", inbox::mark_all_read)
            .params(p![req("workspace_id", Int)]),
        l(
            Post,
            "inbox/snooze",
            "Out of the inbox until a time (or the start of the next working day), then back as a reminder",
            inbox::snooze,
        )
        .params(p![req("id", Int), opt("until_ts", Int), opt("until", Str)])
        .returns("SnoozeResult")
        .extension(),
        l(Post, "inbox/unsnooze", "Back into the inbox now", inbox::unsnooze).params(ID).extension(),
        // comments
        l(Get, "comments/get", "Comments of a thread, oldest first", comments::get)
            .params(concat_params![[req("thread_id", Int)], ITEM_QUERY])
            .returns("Comment[]"),
        l(Get, "comments/getone", "One comment, as {\"comment\": …}", comments::getone)
            .params(ID)
            .returns("CommentWrapper"),
        l(Post, "comments/add", "Reply in a thread; thread_action closes or reopens it", comments::add)
            .params(concat_params![
                [
                    req("thread_id", Int),
                    opt("temp_id", Int),
                    opt("thread_action", Str),
                    opt("mark_thread_position", Bool),
                    opt("send_as_integration", Bool),
                    opt("urgent", Bool)
                ],
                POST_FIELDS
            ])
            .returns("Comment"),
        l(Post, "comments/update", "Edit a comment (its author or an admin)", comments::update)
            .params(p![
                req("id", Int),
                opt("content", Str),
                opt("attachments", Objects),
                opt("actions", Objects),
                opt("direct_mentions", Ids),
                opt("direct_group_mentions", Ids),
            ])
            .returns("Comment"),
        l(Post, "comments/remove", "Delete a comment (its author or an admin)", comments::remove).params(ID),
        // notifications
        e(Get, "notifications/get", "The caller's notifications, newest first", notifications::get),
        e(Post, "notifications/mark_read", "Mark one notification read", notifications::mark_read),
        e(Post, "notifications/reset", "Mark every notification read", notifications::reset),
        e(
            Get,
            "notifications_settings/v2/get",
            "The caller's notification settings in a workspace",
            notifications::settings_get,
        ),
        e(Post, "notifications_settings/v2/update", "Change one notification setting", notifications::settings_update),
        e(
            Post,
            "notifications_settings/v2/update_many",
            "Change several notification settings",
            notifications::settings_update_many,
        ),
        // schedules and availability (Weft)
        l(Get, "schedules/get", "The caller's working hours, do-not-disturb and delivery preference", schedules::get)
            .returns("Schedule")
            .extension(),
        l(
            Post,
            "schedules/update",
            "Change the caller's schedule (validated; days off follow the working hours)",
            schedules::update,
        )
        .params(p![
            opt("timezone", Str),
            opt("working_hours", Objects),
            opt("dnd", Objects),
            opt("dnd_ranges", Objects),
            opt("delivery", Str),
            opt("focus_minutes", Int),
        ])
        .returns("Schedule")
        .extension(),
        l(
            Get,
            "availability/get",
            "For each person: local time, working now, DND and away until, next available",
            schedules::availability,
        )
        .params(p![req("workspace_id", Int), req("user_ids", Ids)])
        .returns("Availability[]")
        .extension(),
        // the emergency lane (Weft)
        l(
            Get,
            "emergencies/get",
            "Every use of the emergency lane: who raised what, who was reached, who acknowledged",
            emergencies::get,
        )
        .params(p![req("workspace_id", Int)])
        .returns("Emergency[]")
        .extension(),
        l(Post, "emergencies/ack", "Acknowledge an emergency", emergencies::ack)
            .params(p![req("id", Int)])
            .returns("Emergency")
            .extension(),
        // rotating coverage (Weft)
        l(
            Post,
            "rotations/add",
            "Give a channel a rotation: members in order, shift length, handoff time and zone",
            rotations::add,
        )
        .params(p![
            req("channel_id", Int),
            req("user_ids", Ids),
            req("shift_hours", Int),
            req("handoff_time", Str),
            req("timezone", Str),
            req("starts_on", Str),
            opt("overrides", Objects),
        ])
        .returns("Rotation")
        .extension(),
        l(Post, "rotations/update", "Change a channel's rotation, or its overrides (swaps)", rotations::update)
            .params(p![
                req("channel_id", Int),
                opt("user_ids", Ids),
                opt("shift_hours", Int),
                opt("handoff_time", Str),
                opt("timezone", Str),
                opt("starts_on", Str),
                opt("overrides", Objects),
            ])
            .returns("Rotation")
            .extension(),
        l(Post, "rotations/remove", "Remove a channel's rotation", rotations::remove)
            .params(p![req("channel_id", Int)])
            .extension(),
        l(Get, "rotations/get", "A channel's rotation", rotations::get)
            .params(p![req("channel_id", Int)])
            .returns("Rotation")
            .extension(),
        l(
            Get,
            "rotations/on_duty",
            "Who is on duty (now or at at_ts), until when, and who is next",
            rotations::on_duty,
        )
        .params(p![req("channel_id", Int), opt("at_ts", Int)])
        .returns("Duty")
        .extension(),
        // search
        l(Get, "search", "Full-text search over threads, comments and messages the caller can see", search::search)
            .params(p![
                req("workspace_id", Int),
                opt("query", Str),
                opt("channel_ids", Ids),
                opt("author_ids", Ids),
                opt("mention_self", Bool),
                opt("date_from", Str),
                opt("date_to", Str),
                opt("limit", Int),
                opt("cursor", Str),
                opt("cursor_mark", Str),
                opt("title", Bool),
                opt("type", Str),
                opt("conversation_ids", Ids),
                opt("from_user_id", Int),
                opt("to_user_id", Int),
                opt("after_ts", Int),
                opt("before_ts", Int),
            ])
            .returns("SearchPage"),
        l(Get, "search/thread", "The comments of one thread that match", search::in_thread)
            .params(p![req("query", Str), req("thread_id", Int), opt("limit", Int), opt("cursor", Str)])
            .returns("CommentIds"),
        l(Get, "search/conversation", "The messages of one conversation that match", search::in_conversation)
            .params(p![req("query", Str), req("conversation_id", Int), opt("limit", Int), opt("cursor", Str)])
            .returns("MessageIds"),
        // groups
        e(Get, "groups/get", "The workspace's groups", groups::get),
        e(Get, "groups/getone", "One group", groups::getone),
        e(Post, "groups/add", "Create a group", groups::add),
        e(Post, "groups/update", "Change a group", groups::update),
        e(Post, "groups/remove", "Delete a group", groups::remove),
        e(Post, "groups/add_user", "Add a person to a group", groups::add_user),
        e(Post, "groups/add_users", "Add people to a group", groups::add_users),
        e(Post, "groups/remove_user", "Remove a person from a group", groups::remove_user),
        e(Post, "groups/remove_users", "Remove people from a group", groups::remove_users),
        // conversations
        l(Get, "conversations/get", "The caller's conversations", conversations::get)
            .params(p![req("workspace_id", Int), opt("archived", Bool)])
            .returns("Conversation[]"),
        l(Get, "conversations/getone", "One conversation", conversations::getone)
            .params(p![req("id", Int), opt("conversation_id", Int)])
            .returns("Conversation"),
        l(
            Post,
            "conversations/get_or_create",
            "The conversation of exactly these people",
            conversations::get_or_create,
        )
        .params(p![req("workspace_id", Int), req("user_ids", Ids), opt("title", Str)])
        .returns("Conversation"),
        l(Post, "conversations/update", "Rename or archive a conversation", conversations::update)
            .params(p![req("id", Int), opt("conversation_id", Int), opt("title", Str), opt("archived", Bool)])
            .returns("Conversation"),
        l(Post, "conversations/archive", "Archive a conversation for the caller", conversations::archive)
            .params(p![req("id", Int), opt("conversation_id", Int)]),
        l(Post, "conversations/unarchive", "Unarchive a conversation", conversations::unarchive)
            .params(p![req("id", Int), opt("conversation_id", Int)]),
        l(Post, "conversations/add_user", "Add a person", conversations::add_users).params(p![
            req("id", Int),
            opt("conversation_id", Int),
            req("user_id", Int)
        ]),
        l(Post, "conversations/add_users", "Add people", conversations::add_users).params(p![
            req("id", Int),
            opt("conversation_id", Int),
            req("user_ids", Ids),
            opt("user_id", Int)
        ]),
        l(Post, "conversations/remove_user", "Remove a person", conversations::remove_users).params(p![
            req("id", Int),
            opt("conversation_id", Int),
            req("user_id", Int)
        ]),
        l(Post, "conversations/remove_users", "Remove people", conversations::remove_users).params(p![
            req("id", Int),
            opt("conversation_id", Int),
            req("user_ids", Ids),
            opt("user_id", Int)
        ]),
        l(Post, "conversations/mute", "Mute a conversation for some minutes", conversations::mute)
            .params(p![req("id", Int), opt("conversation_id", Int), req("minutes", Int)])
            .returns("Conversation"),
        l(Post, "conversations/unmute", "Unmute a conversation", conversations::unmute)
            .params(p![req("id", Int), opt("conversation_id", Int)])
            .returns("Conversation"),
        l(
            Post,
            "conversations/mark_read",
            "Mark the conversation read up to obj_index or message_id (default: all)",
            inbox::conversation_mark_read,
        )
        .params(p![req("id", Int), opt("conversation_id", Int), opt("obj_index", Int), opt("message_id", Int)]),
        l(
            Post,
            "conversations/mark_unread",
            "Mark the conversation unread from obj_index or message_id on",
            inbox::conversation_mark_unread,
        )
        .params(p![req("id", Int), opt("conversation_id", Int), opt("obj_index", Int), opt("message_id", Int)]),
        l(Get, "conversations/get_unread", "The caller's unread conversations", inbox::conversation_get_unread)
            .params(p![req("workspace_id", Int)])
            .returns("UnreadConversation[]"),
        l(
            Post,
            "conversations/mark_all_read",
            "Mark every conversation of the workspace read",
            inbox::conversations_mark_all_read,
        )
        .params(p![req("workspace_id", Int)])
        .extension(),
        // conversation messages
        l(Get, "conversation_messages/get", "Messages of a conversation, oldest first", conversations::messages_get)
            .params(concat_params![[req("conversation_id", Int), opt("cursor", Str)], ITEM_QUERY])
            .returns("ConversationMessage[]"),
        l(Get, "conversation_messages/getone", "One message", conversations::messages_getone)
            .params(ID)
            .returns("ConversationMessage"),
        l(Post, "conversation_messages/add", "Send a message", conversations::messages_add)
            .params(concat_params![
                [req("conversation_id", Int), opt("workspace_id", Int), opt("temp_id", Int)],
                MESSAGE_FIELDS
            ])
            .returns("ConversationMessage"),
        l(Post, "conversation_messages/update", "Edit a message (its author)", conversations::messages_update)
            .params(p![req("id", Int), opt("content", Str), opt("attachments", Objects)])
            .returns("ConversationMessage"),
        l(Post, "conversation_messages/remove", "Delete a message (its author)", conversations::messages_remove)
            .params(ID),
        // reactions
        l(Post, "reactions/add", "React with an emoji", reactions::add).params(p![
            req("reaction", Str),
            opt("thread_id", Int),
            opt("comment_id", Int),
            opt("message_id", Int)
        ]),
        l(Post, "reactions/remove", "Take a reaction back", reactions::remove).params(p![
            req("reaction", Str),
            opt("thread_id", Int),
            opt("comment_id", Int),
            opt("message_id", Int)
        ]),
        l(
            Get,
            "reactions/get",
            "Reactions of an object: {emoji: [user ids]} or null (POST also works)",
            reactions::get,
        )
        .params(p![opt("thread_id", Int), opt("comment_id", Int), opt("message_id", Int)])
        .returns("Reactions"),
        // the event log, for clients that cannot hold a stream open
        e(
            Get,
            "events/get",
            "Events after `after`, waiting up to `timeout` s for the first (long poll)",
            crate::stream::long_poll,
        )
        .extension(),
        // batch
        l(Post, "batch", "Up to 10 API calls in one request", batch::batch)
            .params(p![req("requests", Str), opt("parallel", Bool)])
            .returns("BatchResult[]"),
    ]
}
