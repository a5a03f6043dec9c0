-- Each inbox row carries its person's read position and an exact unread flag, so the
-- unread lists read one index of unread rows and nothing else: no thread, no read
-- position looked up per row. The flag is `read_obj_index < threads.last_obj_index`,
-- kept by every write of a read position, of an inbox row and by a comment's fan-out.
DROP INDEX inbox_items_unread;
ALTER TABLE inbox_items RENAME COLUMN maybe_unread TO unread;
ALTER TABLE inbox_items ADD COLUMN read_obj_index BIGINT NOT NULL DEFAULT -2;
UPDATE inbox_items SET read_obj_index = COALESCE((SELECT s.last_read_obj_index FROM thread_states s
    WHERE s.thread_id = inbox_items.thread_id AND s.user_id = inbox_items.user_id), -2),
    unread = CASE WHEN COALESCE((SELECT s.last_read_obj_index FROM thread_states s
        WHERE s.thread_id = inbox_items.thread_id AND s.user_id = inbox_items.user_id), -2)
        < (SELECT t.last_obj_index FROM threads t WHERE t.id = inbox_items.thread_id) THEN 1 ELSE 0 END;
-- Everything `threads/get_unread` answers is in the index: an index-only scan.
CREATE INDEX inbox_items_unread ON inbox_items (user_id, workspace_id, activity_ts DESC, thread_id DESC)
    INCLUDE (channel_id, read_obj_index, mention_obj_index) WHERE unread = 1;
