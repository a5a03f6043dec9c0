-- The daily loop: each person's inbox, notifications and search.

-- One row per person and thread that concerns them. The row is also the durable record of
-- a snooze: the scheduler returns rows whose snoozed_until has passed.
CREATE TABLE inbox_items (
    user_id INTEGER NOT NULL,
    thread_id INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    activity_ts INTEGER NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    snoozed_until INTEGER,
    reminder INTEGER NOT NULL DEFAULT 0,
    mention_obj_index INTEGER NOT NULL DEFAULT -3,
    PRIMARY KEY (user_id, thread_id)
);
CREATE INDEX inbox_items_list ON inbox_items (user_id, workspace_id, activity_ts);
CREATE INDEX inbox_items_snoozed ON inbox_items (snoozed_until);
CREATE INDEX inbox_items_thread ON inbox_items (thread_id);

-- A person's own events (inbox, read state, stars): the inbox "version" is the newest.
CREATE INDEX events_user ON events (user_id, workspace_id, seq) WHERE user_id IS NOT NULL;

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    workspace_id INTEGER NOT NULL,
    type_id INTEGER NOT NULL,
    reason TEXT NOT NULL,
    channel_id INTEGER,
    thread_id INTEGER,
    comment_id INTEGER,
    conversation_id INTEGER,
    message_id INTEGER,
    by_user_id INTEGER NOT NULL,
    posted_ts INTEGER NOT NULL,
    is_read INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notifications_user ON notifications (user_id, id);

CREATE TABLE notification_settings (
    user_id INTEGER NOT NULL,
    workspace_id INTEGER NOT NULL,
    settings TEXT NOT NULL,
    PRIMARY KEY (user_id, workspace_id)
);

-- Conversations: where each participant was last mentioned, for the unread list.
ALTER TABLE conversation_users ADD COLUMN mention_obj_index INTEGER NOT NULL DEFAULT -3;

-- What search looks through: thread titles and bodies, comments, messages.
CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    obj_id INTEGER NOT NULL,
    workspace_id INTEGER NOT NULL,
    channel_id INTEGER,
    conversation_id INTEGER,
    thread_id INTEGER,
    author_id INTEGER NOT NULL,
    posted_ts INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    mentions TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, obj_id)
);
CREATE INDEX search_docs_thread ON search_docs (thread_id);
CREATE INDEX search_docs_workspace ON search_docs (workspace_id, posted_ts);

-- SQLite's engine: FTS5 with English stemming, rows keyed by search_docs.id.
CREATE VIRTUAL TABLE search_fts USING fts5 (title, body, content = '', contentless_delete = 1, tokenize = 'porter unicode61 remove_diacritics 2');
