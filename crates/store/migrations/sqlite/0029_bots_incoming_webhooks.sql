-- Bots: user rows with bot = 1, each made by an admin for one workspace and owned by a
-- person. Incoming webhooks: a secret URL per channel (or thread) that posts as the
-- webhook's own bot; only the SHA-256 of the secret is kept.
CREATE TABLE bots (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    owner_id INTEGER NOT NULL,
    created_ts INTEGER NOT NULL
);
CREATE INDEX bots_workspace ON bots (workspace_id);
CREATE TABLE incoming_webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    thread_id INTEGER REFERENCES threads (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    bot_id INTEGER NOT NULL REFERENCES users (id),
    creator_id INTEGER NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_ts INTEGER NOT NULL,
    last_used_ts INTEGER
);
CREATE INDEX incoming_webhooks_channel ON incoming_webhooks (channel_id);
