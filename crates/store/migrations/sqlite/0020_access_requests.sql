-- Requests to join a channel one cannot see (access/request), and their decision: NULL
-- while pending, then 'approved' or 'denied', by whom and when (time to grant).
CREATE TABLE access_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    note TEXT NOT NULL,
    created_ts INTEGER NOT NULL,
    decision TEXT,
    decided_by INTEGER,
    decided_ts INTEGER
);
-- One pending request per person and channel.
CREATE UNIQUE INDEX access_requests_pending ON access_requests (channel_id, user_id) WHERE decision IS NULL;
CREATE INDEX access_requests_workspace ON access_requests (workspace_id, id);
