-- Data that should be gone is gone.
-- Each event that carries the text of a post (or a conversation's preview) names it, so
-- deleting or editing the post rewrites those events without the replaced text; `redacted`
-- marks the ones whose text is gone, which leave the index.
ALTER TABLE events ADD COLUMN subject TEXT;
ALTER TABLE events ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_subject ON events (subject) WHERE subject IS NOT NULL AND redacted = 0;
UPDATE events SET subject = CASE
    WHEN kind IN ('thread_added', 'thread_updated') THEN 'thread:'
    WHEN kind IN ('comment_added', 'comment_updated') THEN 'comment:'
    WHEN kind IN ('message_added', 'message_updated') THEN 'message:'
    ELSE 'conversation:' END || CAST(json_extract(payload, '$.id') AS TEXT)
WHERE kind IN ('thread_added', 'thread_updated', 'comment_added', 'comment_updated', 'message_added',
    'message_updated', 'conversation_added', 'conversation_updated');
-- Text already deleted or replaced: events of posts that are gone, and every event of a post
-- but its newest (as `event::redact` does; a conversation keeps its title).
UPDATE events SET redacted = 1, payload = json_set(json_remove(json_replace(payload,
        '$.title', '', '$.content', '', '$.snippet', '', '$.attachments', json('[]'), '$.actions', json('[]')),
        '$.last_comment', '$.last_message'), '$.redacted', json('true'))
WHERE subject IS NOT NULL AND subject NOT LIKE 'conversation:%' AND (
    seq < (SELECT MAX(e.seq) FROM events e WHERE e.subject = events.subject)
    OR (subject LIKE 'thread:%' AND CAST(substr(subject, 8) AS INTEGER) NOT IN (SELECT id FROM threads))
    OR (subject LIKE 'comment:%' AND CAST(substr(subject, 9) AS INTEGER) NOT IN (SELECT id FROM comments))
    OR (subject LIKE 'message:%' AND CAST(substr(subject, 9) AS INTEGER) NOT IN (SELECT id FROM messages)));
-- Events of workspaces deleted before this version.
DELETE FROM events WHERE kind <> 'workspace_deleted' AND workspace_id NOT IN (SELECT id FROM workspaces);
-- No stored answer keeps a token (answers carrying one are no longer stored).
DELETE FROM idempotency WHERE response LIKE '%"token":"%';
-- What the retention worker prunes, found by age.
CREATE INDEX idempotency_created ON idempotency (created_ts);
CREATE INDEX notifications_posted ON notifications (posted_ts);
CREATE INDEX pushes_done ON pushes (done_ts) WHERE state <> 'pending';
CREATE INDEX mail_outbox_sent ON mail_outbox (sent_ts) WHERE state = 'sent';
