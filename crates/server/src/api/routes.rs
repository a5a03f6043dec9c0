//! The whole API surface in one table: verb, path, summary, handler. A handler's input
//! and output types declare its parameters and answer; the router, the batch dispatcher and
//! the OpenAPI document are all built from this table.

use super::Endpoint;
use super::Verb::{Get, Post};
use super::handlers::*;
use crate::limits::Limit;
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
        e(
            Post,
            "users/reset_password",
            "Email a single-use link to set a new password (the same answer for any email)",
            users::reset_password,
        )
        .public(),
        e(
            Post,
            "users/set_password",
            "Set a new password with a reset code; signs out every session, answers the user with a new token",
            users::set_password,
        )
        .public(),
        e(
            Post,
            "users/delete",
            "Delete the signed-in account for good (asks for the password): every session ends, personal data \
             is erased, posts stay as by \"Deleted user\"; refused for the last admin of a workspace",
            users::delete,
        ),
        e(
            Get,
            "users/export",
            "Download one's own data as a JSON file (format weft-personal-export, version 1): account, \
             settings, every thread and comment one wrote, one's conversations with their messages, reactions \
             and uploads",
            users::export,
        )
        .extension(),
        e(
            Post,
            "api_tokens/add",
            "Make a personal API token (read or write, optionally one workspace); its secret is shown once",
            api_tokens::add,
        )
        .extension(),
        e(Get, "api_tokens/get", "The caller's API tokens with their last use", api_tokens::get).extension(),
        e(Post, "api_tokens/remove", "Revoke one of the caller's API tokens", api_tokens::remove).extension(),
        // integrations: bots and incoming webhooks
        e(Post, "bots/add", "Make a bot in a workspace (admins); answers it with its first token", integrations::add_bot)
            .extension(),
        e(Get, "bots/get", "A workspace's bots and their owners", integrations::get_bots).extension(),
        e(Post, "bots/new_token", "A new token for a bot (its earlier ones stop working)", integrations::new_bot_token)
            .extension(),
        e(Post, "bots/remove", "Remove a bot: it leaves, its tokens stop, its posts stay", integrations::remove_bot)
            .extension(),
        e(
            Post,
            "incoming_webhooks/add",
            "Make a secret URL that posts into a channel (or a thread) as its own bot",
            integrations::add_webhook,
        )
        .extension(),
        e(Get, "incoming_webhooks/get", "A channel's incoming webhooks", integrations::get_webhooks).extension(),
        e(Post, "incoming_webhooks/remove", "Revoke an incoming webhook", integrations::remove_webhook).extension(),
        e(
            Post,
            "integration_incoming/post_data",
            "Post through an incoming webhook: Twist's {content, title?, thread_id?} or Slack's {text}",
            integrations::post_data,
        )
        .public()
        .limited(crate::limits::Limit::Write),
        e(
            Post,
            "hooks/subscribe",
            "Send one kind of event of a workspace, channel, thread or conversation the caller sees to a URL \
             (signed per Standard Webhooks; the secret is shown once)",
            hooks::subscribe,
        ),
        e(Post, "hooks/unsubscribe", "Stop sending events to a URL (the caller's subscriptions to it)", hooks::unsubscribe),
        e(Get, "hooks/get", "The caller's webhook subscriptions with their state and delivery log", hooks::get)
            .extension(),
        e(
            Post,
            "users/heartbeat",
            "The client is in use: records when, per platform (no live presence)",
            users::heartbeat,
        ),
        e(
            Post,
            "users/reset_presence",
            "Accepted for compatibility; Weft shows no live presence",
            users::reset_presence,
        ),
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
        e(
            Get,
            "workspace_users/get_info",
            "A member with their local time and when they were last active, per platform",
            workspace_users::get_info,
        ),
        e(
            Post,
            "workspace_users/add",
            "Invite someone by email (admins): a pending member until they accept",
            workspace_users::add,
        ),
        e(
            Post,
            "workspace_users/resend_invite",
            "A fresh invitation link for a pending member; the old one stops working (admins)",
            workspace_users::resend_invite,
        ),
        e(
            Post,
            "workspace_users/accept_invite",
            "Accept the caller's pending invitation to the workspace",
            workspace_users::accept_invite,
        )
        .extension(),
        e(Post, "workspace_users/update", "Change a member's role (admins)", workspace_users::update),
        e(Post, "workspace_users/remove", "Remove a member (admins), or leave", workspace_users::remove),
        e(
            Post,
            "workspace_users/deactivate",
            "Deactivate a member (admins): they keep their channels but read and hear nothing until reactivated",
            workspace_users::deactivate,
        )
        .extension(),
        e(
            Post,
            "workspace_users/reactivate",
            "Give a deactivated member their access back (admins)",
            workspace_users::reactivate,
        )
        .extension(),
        // join links
        e(
            Post,
            "join_links/add",
            "Make a reusable join link with an expiry and a use limit (admins); the answer holds its URL",
            invitations::add,
        )
        .extension(),
        e(Get, "join_links/get", "The workspace's join links, without their URLs (admins)", invitations::get)
            .extension(),
        e(Post, "join_links/revoke", "Revoke a join link (admins)", invitations::revoke).extension(),
        e(
            Post,
            "url_join/join_workspace",
            "Join the workspace of a join link (or accept an invitation) as the caller",
            invitations::join_workspace,
        ),
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
        e(
            Post,
            "channels/set_notifications",
            "How much of a channel's activity notifies the caller",
            channels::set_notifications,
        )
        .extension(),
        e(Post, "channels/add_user", "Add a person to a channel", channels::add_user),
        e(Post, "channels/add_users", "Add people to a channel", channels::add_users),
        e(Post, "channels/remove_user", "Remove a person from a channel", channels::remove_user),
        e(Post, "channels/remove_users", "Remove people from a channel", channels::remove_users),
        e(Post, "channels/join", "Join a public channel", channels::join).extension(),
        e(Post, "channels/leave", "Leave a channel", channels::leave).extension(),
        // threads
        e(Get, "threads/get", "Threads of a channel or of the whole workspace, newest activity first", threads::get),
        e(Get, "threads/getone", "One thread", threads::getone),
        e(Post, "threads/add", "Start a thread in a channel", threads::add),
        e(Post, "threads/update", "Edit a thread (its author or an admin)", threads::update),
        e(Post, "threads/remove", "Delete a thread (its author or an admin)", threads::remove),
        e(Post, "threads/star", "Save a thread (the caller's Saved list)", threads::star),
        e(Post, "threads/unstar", "Unsave a thread", threads::unstar),
        e(Post, "threads/pin", "Pin a thread to the top of its channel", threads::pin),
        e(Post, "threads/unpin", "Unpin a thread", threads::unpin),
        e(Post, "threads/archive", "Archive a thread for the caller", threads::archive),
        e(Post, "threads/unarchive", "Unarchive a thread for the caller", threads::unarchive),
        e(Post, "threads/move_to_channel", "Move a thread to another channel", threads::move_to_channel),
        e(Post, "threads/mute", "Mute a thread for some minutes", threads::mute),
        e(Post, "threads/unmute", "Unmute a thread", threads::unmute),
        // read state
        e(
            Post,
            "threads/mark_read",
            "Mark everything up to obj_index read (-1 = the thread's own post)",
            inbox::mark_read,
        ),
        e(Post, "threads/mark_unread", "Mark from obj_index on unread (-1 = the whole thread)", inbox::mark_unread),
        e(
            Post,
            "threads/mark_unread_for_others",
            "Mark from obj_index on unread for everyone else",
            inbox::mark_unread_for_others,
        ),
        e(
            Post,
            "threads/mark_all_read",
            "Mark every thread of the inbox (or of one channel) read",
            inbox::mark_all_read,
        )
        .after_fanout(),
        e(Post, "threads/clear_unread", "Mark every thread of the inbox read", inbox::mark_all_read_in).after_fanout(),
        e(Get, "threads/get_unread", "The caller's unread threads", inbox::get_unread).after_fanout(),
        e(Post, "comments/mark_position", "The caller has read up to this comment", inbox::mark_position),
        // the inbox
        e(Get, "inbox/get", "The threads that concern the caller, newest activity first", inbox::get).after_fanout(),
        e(Get, "inbox/get_count", "Unread items of the inbox: {data, version}", inbox::get_count).after_fanout(),
        e(Post, "inbox/archive", "Done: out of the inbox until something new concerns the caller", inbox::archive)
            .after_fanout(),
        e(Post, "inbox/unarchive", "Back into the inbox", inbox::unarchive).after_fanout(),
        e(
            Post,
            "inbox/archive_all",
            "Mark everything (of some channels, or older than a time) Done",
            inbox::archive_all,
        )
        .after_fanout(),
        e(Post, "inbox/mark_all_read", "Mark every thread of the inbox read", inbox::mark_all_read_in).after_fanout(),
        e(
            Post,
            "inbox/snooze",
            "Out of the inbox until a time (or the start of the next working day), then back as a reminder",
            inbox::snooze,
        )
        .extension()
        .after_fanout(),
        e(Post, "inbox/unsnooze", "Back into the inbox now", inbox::unsnooze).extension().after_fanout(),
        // comments
        e(Get, "comments/get", "Comments of a thread, oldest first", comments::get),
        e(Get, "comments/getone", "One comment, as {\"comment\": …}", comments::getone),
        e(Post, "comments/add", "Reply in a thread; thread_action closes or reopens it", comments::add),
        e(Post, "comments/update", "Edit a comment (its author or an admin)", comments::update),
        e(Post, "comments/remove", "Delete a comment (its author or an admin)", comments::remove),
        // notifications
        e(Get, "notifications/get", "The caller's notifications, newest first", notifications::get).after_fanout(),
        e(Post, "notifications/mark_read", "Mark one notification read", notifications::mark_read).after_fanout(),
        e(Post, "notifications/reset", "Mark every notification read", notifications::reset).after_fanout(),
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
        e(Get, "schedules/get", "The caller's working hours, do-not-disturb and delivery preference", schedules::get)
            .extension(),
        e(
            Post,
            "schedules/update",
            "Change the caller's schedule (validated; days off follow the working hours)",
            schedules::update,
        )
        .extension(),
        e(
            Get,
            "availability/get",
            "For each person: local time, working now, DND and away until, next available",
            schedules::availability,
        )
        .extension(),
        // the emergency lane (Weft)
        e(
            Get,
            "emergencies/get",
            "Every use of the emergency lane: who raised what, who was reached, who acknowledged",
            emergencies::get,
        )
        .extension(),
        e(Post, "emergencies/ack", "Acknowledge an emergency", emergencies::ack).extension(),
        // rotating coverage (Weft)
        e(
            Post,
            "rotations/add",
            "Give a channel a rotation: members in order, shift length, handoff time and zone",
            rotations::add,
        )
        .extension(),
        e(Post, "rotations/update", "Change a channel's rotation, or its overrides (swaps)", rotations::update)
            .extension(),
        e(Post, "rotations/remove", "Remove a channel's rotation", rotations::remove).extension(),
        e(Get, "rotations/get", "A channel's rotation", rotations::get).extension(),
        e(
            Get,
            "access/check",
            "Who of user_ids can see a channel, thread or conversation, and why the others cannot",
            access::check,
        )
        .extension(),
        e(Post, "access/request", "Ask to join a channel one cannot see", access::request).extension(),
        e(Post, "access/approve", "Approve a request to join a channel: the requester joins", access::approve)
            .extension(),
        e(Post, "access/deny", "Deny a request to join a channel", access::deny).extension(),
        e(
            Get,
            "access/get_requests",
            "Requests to join channels that the caller may decide, and their own, newest first",
            access::get_requests,
        )
        .extension(),
        // deciding in writing (Weft)
        e(
            Post,
            "comments/mark_decision",
            "Mark a comment as its thread's decision (the DRI or an admin); replaces the one before, kept in the history",
            comments::mark_decision,
        )
        .extension(),
        e(Post, "comments/unmark_decision", "Take back a thread's decision mark", comments::unmark_decision)
            .extension(),
        e(
            Get,
            "decisions/get",
            "The decision log: the decisions of threads the caller sees, newest first, searchable",
            decisions::get,
        )
        .extension(),
        e(Get, "decisions/export", "The decision log as a Markdown or CSV file", decisions::export).extension(),
        e(
            Post,
            "meetings/add",
            "Plan a meeting that needs synchronous time (a reason is required): opens its agenda thread",
            meetings::add,
        )
        .extension(),
        e(Get, "meetings/get", "Meetings the caller organizes, attends or can see, soonest first", meetings::get)
            .extension(),
        e(Get, "meetings/getone", "One meeting", meetings::getone).extension(),
        e(Get, "meetings/ics", "A meeting as an iCalendar file in the caller's time zone", meetings::ics).extension(),
        e(
            Post,
            "meetings/post_outcomes",
            "The organizer posts what a meeting settled in its agenda thread (optionally as the decision)",
            meetings::post_outcomes,
        )
        .extension(),
        e(Post, "meetings/cancel", "Call a meeting off; its agenda thread says so", meetings::cancel).extension(),
        e(
            Get,
            "analytics/get",
            "Calm analytics of a period: pushes per working day, posts outside working hours, interruptions during \
             do-not-disturb, time to answer, meetings, emergencies, access requests (admins: anyone; others: \
             themselves)",
            analytics::get,
        )
        .extension(),
        e(Get, "analytics/export", "The same figures as a CSV file", analytics::export).extension(),
        // scheduled send (Weft)
        e(Get, "scheduled/get", "The caller's posts waiting to be sent, soonest first", scheduled::get).extension(),
        e(Post, "scheduled/update", "Edit a waiting post's text or time", scheduled::update).extension(),
        e(Post, "scheduled/cancel", "Cancel a waiting post: it is never sent", scheduled::cancel).extension(),
        // reply expectations (Weft)
        e(
            Get,
            "expectations/get",
            "Answers the caller owes or waits for, open, overdue or done, with the counts of both sides",
            expectations::get,
        )
        .extension()
        .after_fanout(),
        e(
            Post,
            "expectations/resolve",
            "The person asked resolves an expectation: answered, or no reply needed",
            expectations::resolve,
        )
        .extension()
        .after_fanout(),
        e(Post, "expectations/withdraw", "The requester withdraws an expectation", expectations::withdraw)
            .extension()
            .after_fanout(),
        e(
            Get,
            "expectations/preview",
            "When each person's answer would be due, were the caller to ask them now in a channel or conversation",
            expectations::preview,
        )
        .extension(),
        e(
            Get,
            "rotations/on_duty",
            "Who is on duty (now or at at_ts), until when, and who is next",
            rotations::on_duty,
        )
        .extension(),
        // search
        e(Get, "search", "Full-text search over threads, comments and messages the caller can see", search::search)
            .limited(Limit::Search),
        e(Get, "search/thread", "The comments of one thread that match", search::in_thread).limited(Limit::Search),
        e(Get, "search/conversation", "The messages of one conversation that match", search::in_conversation)
            .limited(Limit::Search),
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
        e(Get, "conversations/get", "The caller's conversations", conversations::get),
        e(Get, "conversations/getone", "One conversation", conversations::getone),
        e(
            Post,
            "conversations/get_or_create",
            "The conversation of exactly these people",
            conversations::get_or_create,
        ),
        e(Post, "conversations/update", "Rename or archive a conversation", conversations::update),
        e(Post, "conversations/archive", "Archive a conversation for the caller", conversations::archive),
        e(Post, "conversations/unarchive", "Unarchive a conversation", conversations::unarchive),
        e(Post, "conversations/add_user", "Add a person", conversations::add_user),
        e(Post, "conversations/add_users", "Add people", conversations::add_users),
        e(Post, "conversations/remove_user", "Remove a person", conversations::remove_user),
        e(Post, "conversations/remove_users", "Remove people", conversations::remove_users),
        e(Post, "conversations/mute", "Mute a conversation for some minutes", conversations::mute),
        e(Post, "conversations/unmute", "Unmute a conversation", conversations::unmute),
        e(
            Post,
            "conversations/mark_read",
            "Mark the conversation read up to obj_index or message_id (default: all)",
            inbox::conversation_mark_read,
        ),
        e(
            Post,
            "conversations/mark_unread",
            "Mark the conversation unread from obj_index or message_id on",
            inbox::conversation_mark_unread,
        ),
        e(Get, "conversations/get_unread", "The caller's unread conversations", inbox::conversation_get_unread)
            .after_fanout(),
        e(
            Post,
            "conversations/mark_all_read",
            "Mark every conversation of the workspace read",
            inbox::conversations_mark_all_read,
        )
        .extension()
        .after_fanout(),
        // conversation messages
        e(Get, "conversation_messages/get", "Messages of a conversation, oldest first", conversations::messages_get),
        e(Get, "conversation_messages/getone", "One message", conversations::messages_getone),
        e(Post, "conversation_messages/add", "Send a message", conversations::messages_add),
        e(Post, "conversation_messages/update", "Edit a message (its author)", conversations::messages_update),
        e(Post, "conversation_messages/remove", "Delete a message (its author)", conversations::messages_remove),
        // reactions
        e(Post, "reactions/add", "React with an emoji", reactions::add),
        e(Post, "reactions/remove", "Take a reaction back", reactions::remove),
        e(
            Get,
            "reactions/get",
            "Reactions of an object: {emoji: [user ids]} or null (POST also works)",
            reactions::get,
        ),
        // Markdown, rendered once for every client (Weft)
        e(
            Post,
            "markdown/render",
            "Markdown as the sanitized HTML Weft shows (up to 500 texts, answered in order)",
            markdown::render,
        )
        .extension(),
        // the event log, for clients that cannot hold a stream open
        e(
            Get,
            "events/get",
            "Events after `after`, waiting up to `timeout` s for the first (long poll)",
            crate::stream::long_poll,
        )
        .extension()
        .after_fanout(),
        // attachments
        e(
            Post,
            "attachments/upload",
            "Upload a file (multipart/form-data: attachment_id, file_name, file); answers the Attachment object to \
             put in a post's attachments",
            crate::files::upload_in_batch,
        )
        .multipart(),
        e(Post, "attachments/remove", "Take an attachment off a post (its author or an admin)", crate::files::remove),
        // batch
        e(Post, "batch", "Up to 10 API calls in one request", batch::batch).unlimited(),
    ]
}
