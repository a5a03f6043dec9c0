-- Data that should be gone is gone (SQLite's migration 13).
ALTER TABLE events ADD COLUMN subject TEXT;
ALTER TABLE events ADD COLUMN redacted BIGINT NOT NULL DEFAULT 0;
CREATE INDEX events_subject ON events (subject) WHERE subject IS NOT NULL AND redacted = 0;
UPDATE events SET subject = CASE
    WHEN kind IN ('thread_added', 'thread_updated') THEN 'thread:'
    WHEN kind IN ('comment_added', 'comment_updated') THEN 'comment:'
    WHEN kind IN ('message_added', 'message_updated') THEN 'message:'
    ELSE 'conversation:' END || ((payload::jsonb) ->> 'id')
WHERE kind IN ('thread_added', 'thread_updated', 'comment_added', 'comment_updated', 'message_added',
    'message_updated', 'conversation_added', 'conversation_updated');
UPDATE events SET redacted = 1, payload = ((jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(payload::jsonb,
        '{title}', '""', false), '{content}', '""', false), '{snippet}', '""', false),
        '{attachments}', '[]', false), '{actions}', '[]', false)
        - 'last_comment' - 'last_message') || '{"redacted": true}')::text
WHERE subject IS NOT NULL AND subject NOT LIKE 'conversation:%' AND (
    seq < (SELECT MAX(e.seq) FROM events e WHERE e.subject = events.subject)
    OR (subject LIKE 'thread:%' AND substr(subject, 8)::bigint NOT IN (SELECT id FROM threads))
    OR (subject LIKE 'comment:%' AND substr(subject, 9)::bigint NOT IN (SELECT id FROM comments))
    OR (subject LIKE 'message:%' AND substr(subject, 9)::bigint NOT IN (SELECT id FROM messages)));
DELETE FROM events WHERE kind <> 'workspace_deleted' AND workspace_id NOT IN (SELECT id FROM workspaces);
DELETE FROM idempotency WHERE response LIKE '%"token":"%';
CREATE INDEX idempotency_created ON idempotency (created_ts);
CREATE INDEX notifications_posted ON notifications (posted_ts);
CREATE INDEX pushes_done ON pushes (done_ts) WHERE state <> 'pending';
CREATE INDEX mail_outbox_sent ON mail_outbox (sent_ts) WHERE state = 'sent';
