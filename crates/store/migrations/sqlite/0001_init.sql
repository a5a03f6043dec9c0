-- Weft's schema on SQLite. Every id and timestamp is a 64-bit integer; flags are 0/1;
-- lists and objects are JSON text. The PostgreSQL schema describes the same tables.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    timezone TEXT NOT NULL,
    bot INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0,
    lang TEXT NOT NULL DEFAULT 'en',
    profession TEXT,
    contact_info TEXT,
    away_mode TEXT,
    off_days TEXT NOT NULL DEFAULT '[]',
    snooze_until INTEGER NOT NULL DEFAULT -1,
    snooze_dnd_start TEXT,
    snooze_dnd_end TEXT,
    default_workspace INTEGER,
    created_ts INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_ts INTEGER NOT NULL
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    creator INTEGER NOT NULL,
    color INTEGER,
    default_channel INTEGER,
    created_ts INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE workspace_users (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    user_type TEXT NOT NULL,
    removed INTEGER NOT NULL DEFAULT 0,
    added_ts INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_users_user ON workspace_users (user_id);

CREATE TABLE channels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    creator INTEGER NOT NULL,
    public INTEGER NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    color INTEGER,
    icon INTEGER,
    use_default_recipients INTEGER NOT NULL DEFAULT 0,
    default_groups TEXT NOT NULL DEFAULT '[]',
    default_recipients TEXT NOT NULL DEFAULT '[]',
    created_ts INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX channels_workspace ON channels (workspace_id);

CREATE TABLE channel_users (
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_users_user ON channel_users (user_id);

CREATE TABLE channel_favorites (
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);

CREATE TABLE threads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    creator INTEGER NOT NULL,
    posted_ts INTEGER NOT NULL,
    last_updated_ts INTEGER NOT NULL,
    last_edited_ts INTEGER,
    comment_count INTEGER NOT NULL DEFAULT 0,
    last_obj_index INTEGER NOT NULL DEFAULT -1,
    closed INTEGER NOT NULL DEFAULT 0,
    pinned INTEGER NOT NULL DEFAULT 0,
    pinned_ts INTEGER,
    participants TEXT NOT NULL DEFAULT '[]',
    recipients TEXT NOT NULL DEFAULT '[]',
    notify_groups TEXT NOT NULL DEFAULT '[]',
    direct_mentions TEXT NOT NULL DEFAULT '[]',
    direct_group_mentions TEXT NOT NULL DEFAULT '[]',
    attachments TEXT NOT NULL DEFAULT '[]',
    actions TEXT NOT NULL DEFAULT '[]',
    snippet TEXT NOT NULL DEFAULT '',
    snippet_creator INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX threads_channel ON threads (channel_id, last_updated_ts);
CREATE INDEX threads_workspace ON threads (workspace_id, last_updated_ts);

CREATE TABLE thread_states (
    thread_id INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    starred INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    muted_until_ts INTEGER,
    last_read_obj_index INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX thread_states_user ON thread_states (user_id);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    obj_index INTEGER NOT NULL,
    content TEXT NOT NULL,
    creator INTEGER NOT NULL,
    posted_ts INTEGER NOT NULL,
    last_edited_ts INTEGER,
    recipients TEXT NOT NULL DEFAULT '[]',
    notify_groups TEXT NOT NULL DEFAULT '[]',
    direct_mentions TEXT NOT NULL DEFAULT '[]',
    direct_group_mentions TEXT NOT NULL DEFAULT '[]',
    attachments TEXT NOT NULL DEFAULT '[]',
    actions TEXT NOT NULL DEFAULT '[]',
    system_message TEXT,
    thread_action TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (thread_id, obj_index)
);

CREATE TABLE user_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    color INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX user_groups_workspace ON user_groups (workspace_id);
-- Group ids 1 and 2 are reserved by the API ("everyone in the channel / thread").
INSERT INTO sqlite_sequence (name, seq) VALUES ('user_groups', 2);

CREATE TABLE group_users (
    group_id INTEGER NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    creator INTEGER NOT NULL,
    title TEXT,
    private INTEGER NOT NULL DEFAULT 1,
    member_key TEXT,
    created_ts INTEGER NOT NULL,
    last_active_ts INTEGER NOT NULL,
    last_obj_index INTEGER NOT NULL DEFAULT -1,
    message_count INTEGER NOT NULL DEFAULT 0,
    snippet TEXT NOT NULL DEFAULT '',
    snippet_creators TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (workspace_id, member_key)
);

CREATE TABLE conversation_users (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    muted_until_ts INTEGER,
    last_read_obj_index INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_users_user ON conversation_users (user_id);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    obj_index INTEGER NOT NULL,
    content TEXT NOT NULL,
    creator INTEGER NOT NULL,
    posted_ts INTEGER NOT NULL,
    last_edited_ts INTEGER,
    direct_mentions TEXT NOT NULL DEFAULT '[]',
    direct_group_mentions TEXT NOT NULL DEFAULT '[]',
    attachments TEXT NOT NULL DEFAULT '[]',
    actions TEXT NOT NULL DEFAULT '[]',
    system_message TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (conversation_id, obj_index)
);

CREATE TABLE reactions (
    target_kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    emoji TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    created_ts INTEGER NOT NULL,
    PRIMARY KEY (target_kind, target_id, emoji, user_id)
);

-- The event log: the spine of the real-time stream and of every worker.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    channel_id INTEGER,
    conversation_id INTEGER,
    user_id INTEGER,
    also_user_id INTEGER,
    payload TEXT NOT NULL,
    created_ts INTEGER NOT NULL
);

-- Answers to writes retried with the same temp_id or Idempotency-Key.
CREATE TABLE idempotency (
    user_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    response TEXT NOT NULL,
    created_ts INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
