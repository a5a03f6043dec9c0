-- Reply expectations: someone asked for an answer (request_reply on a post). Open while
-- `resolution` is NULL; then 'answered', 'no_reply_needed' or 'withdrawn', by whom and when.
-- `asked_index` is the asking post's position in its thread (-1: the thread's own post) or
-- conversation: a later post of the person asked answers it. `reply_by_ts` is a due time the
-- requester set (kept as is); otherwise `due_ts` counts the response time in the person's
-- working hours and moves when their schedule or away time does. `remind_ts` is the one
-- reminder, until sent; `overdue_ts` when it was seen overdue.
CREATE TABLE expectations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    requester_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    channel_id INTEGER,
    thread_id INTEGER REFERENCES threads (id) ON DELETE CASCADE,
    comment_id INTEGER,
    conversation_id INTEGER REFERENCES conversations (id) ON DELETE CASCADE,
    message_id INTEGER,
    asked_index INTEGER NOT NULL,
    requested_ts INTEGER NOT NULL,
    due_ts INTEGER NOT NULL,
    reply_by_ts INTEGER,
    remind_ts INTEGER,
    overdue_ts INTEGER,
    resolution TEXT,
    resolved_by INTEGER,
    resolved_ts INTEGER
);
-- One open request per requester, person and thread or conversation.
CREATE UNIQUE INDEX expectations_one_open ON expectations
    (requester_id, user_id, COALESCE(thread_id, 0), COALESCE(conversation_id, 0)) WHERE resolution IS NULL;
CREATE INDEX expectations_owed ON expectations (user_id, workspace_id, id);
CREATE INDEX expectations_waiting ON expectations (requester_id, workspace_id, id);
CREATE INDEX expectations_open_thread ON expectations (thread_id) WHERE resolution IS NULL;
CREATE INDEX expectations_open_conversation ON expectations (conversation_id) WHERE resolution IS NULL;
CREATE INDEX expectations_remind ON expectations (remind_ts) WHERE resolution IS NULL AND remind_ts IS NOT NULL;
CREATE INDEX expectations_due ON expectations (due_ts) WHERE resolution IS NULL AND overdue_ts IS NULL;

-- The expected response time, in working hours: the workspace's default and a channel's own.
ALTER TABLE workspaces ADD COLUMN expected_response_hours INTEGER NOT NULL DEFAULT 8;
ALTER TABLE channels ADD COLUMN expected_response_hours INTEGER;
