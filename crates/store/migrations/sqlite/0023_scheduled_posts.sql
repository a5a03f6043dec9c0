-- Posts to be sent later (threads/add, comments/add, conversation_messages/add with
-- send_at_ts or send_at): seen by their author alone until sent. `post` is the post as
-- asked (JSON: title, content, attachments, recipients, …), posted at `send_at_ts` as if
-- new. `state`: 'scheduled', then 'sent' (`posted_id`: the thread, comment or message),
-- 'failed' (`error`: why, e.g. the author lost access meanwhile) or 'cancelled'. `late`:
-- posted well after its time (the instance was down).
CREATE TABLE scheduled_posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    channel_id INTEGER,
    thread_id INTEGER,
    conversation_id INTEGER,
    post TEXT NOT NULL,
    send_at_ts INTEGER NOT NULL,
    rule TEXT NOT NULL,
    explained TEXT NOT NULL,
    created_ts INTEGER NOT NULL,
    updated_ts INTEGER NOT NULL,
    state TEXT NOT NULL,
    sent_ts INTEGER,
    posted_id INTEGER,
    late INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
CREATE INDEX scheduled_posts_author ON scheduled_posts (author_id, workspace_id, id);
CREATE INDEX scheduled_posts_due ON scheduled_posts (send_at_ts) WHERE state = 'scheduled';
-- The uploads a scheduled post carries: kept from the sweep of unposted uploads until it is
-- sent or cancelled.
CREATE TABLE scheduled_attachments (
    scheduled_id INTEGER NOT NULL REFERENCES scheduled_posts (id) ON DELETE CASCADE,
    attachment_id TEXT NOT NULL,
    PRIMARY KEY (scheduled_id, attachment_id)
);
CREATE INDEX scheduled_attachments_attachment ON scheduled_attachments (attachment_id);
