-- Outgoing webhooks: a person's subscriptions to kinds of events of a workspace, channel,
-- thread or conversation; the cursor of the log they were matched up to; and each
-- delivery to make (its id makes the `webhook-id`, the same on every try), retried with
-- backoff and kept as the subscription's delivery log. A delivery holds no body: each try
-- sends the event as the log has it then (so text deleted meanwhile is not sent).
CREATE TABLE webhook_subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    channel_id INTEGER,
    thread_id INTEGER,
    conversation_id INTEGER,
    event_type TEXT NOT NULL,
    target_url TEXT NOT NULL,
    secret TEXT NOT NULL,
    -- Events after this one only: a new subscription does not receive the past.
    after_seq INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    -- Failed tries in a row (any delivery); a success sets it back to 0.
    failures INTEGER NOT NULL DEFAULT 0,
    created_ts INTEGER NOT NULL,
    disabled_ts INTEGER
);
CREATE INDEX webhook_subscriptions_user ON webhook_subscriptions (user_id);
CREATE TABLE webhook_cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_seq INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ts INTEGER NOT NULL,
    lease_until_ts INTEGER,
    last_status INTEGER,
    last_error TEXT,
    created_ts INTEGER NOT NULL,
    finished_ts INTEGER,
    UNIQUE (subscription_id, event_seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_ts);
-- The delivery log of one subscription, and retention of finished deliveries.
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_ts) WHERE finished_ts IS NOT NULL;
