-- Invitations, join links and password resets. A member added by an admin is pending until
-- they accept; someone invited without an account gets one with no password (empty hash)
-- that the invitation sets up. Codes are stored as SHA-256 hashes only.
ALTER TABLE workspace_users ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
-- What the inviter called a pending member: shown instead of the account's own profile
-- until they accept, so an invitation reveals nothing about an existing account.
ALTER TABLE workspace_users ADD COLUMN invited_name TEXT;

-- A personal invitation (user_id set, single use) or a reusable join link (user_id NULL).
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code_hash TEXT NOT NULL UNIQUE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id INTEGER,
    inviter INTEGER NOT NULL,
    user_type TEXT NOT NULL,
    channel_ids TEXT NOT NULL DEFAULT '[]',
    created_ts INTEGER NOT NULL,
    expires_ts INTEGER NOT NULL,
    max_uses INTEGER,
    uses INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX invitations_member ON invitations (workspace_id, user_id);

CREATE TABLE password_resets (
    code_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_ts INTEGER NOT NULL,
    expires_ts INTEGER NOT NULL
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Account emails (invitations, resets) carry no push: event_seq becomes optional, and
-- `secret` marks a body holding a code, blanked once sent.
CREATE TABLE mail_outbox_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_seq INTEGER UNIQUE,
    user_id INTEGER NOT NULL,
    workspace_id INTEGER NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    unsubscribe_url TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ts INTEGER NOT NULL,
    lease_until_ts INTEGER,
    last_error TEXT,
    created_ts INTEGER NOT NULL,
    sent_ts INTEGER,
    secret INTEGER NOT NULL DEFAULT 0
);
INSERT INTO mail_outbox_new (id, event_seq, user_id, workspace_id, to_addr, subject, text_body, html_body,
    unsubscribe_url, state, attempts, next_attempt_ts, lease_until_ts, last_error, created_ts, sent_ts)
SELECT id, event_seq, user_id, workspace_id, to_addr, subject, text_body, html_body,
    unsubscribe_url, state, attempts, next_attempt_ts, lease_until_ts, last_error, created_ts, sent_ts
FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_ts);
