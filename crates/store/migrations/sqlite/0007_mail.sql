-- Email. Each `push` event becomes at most one email, written here in the transaction that
-- reads the push (the cursor says how far the log has been read), then sent, retried with
-- backoff while the SMTP server refuses it, and parked when it keeps failing.
CREATE TABLE mail_cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_seq INTEGER NOT NULL UNIQUE,
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
    sent_ts INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_ts);
-- The secret in a person's List-Unsubscribe link, one per workspace.
CREATE TABLE mail_unsubscribe (
    user_id INTEGER NOT NULL,
    workspace_id INTEGER NOT NULL,
    token TEXT NOT NULL UNIQUE,
    PRIMARY KEY (user_id, workspace_id)
);
