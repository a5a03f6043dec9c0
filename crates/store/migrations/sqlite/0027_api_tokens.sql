-- Personal API tokens: named, scoped (read or write, optionally one workspace), listed with
-- their last use, revoked by their owner. Only the SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    workspace_id INTEGER REFERENCES workspaces (id) ON DELETE CASCADE,
    hash TEXT NOT NULL UNIQUE,
    created_ts INTEGER NOT NULL,
    last_used_ts INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
