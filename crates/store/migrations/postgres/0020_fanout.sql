-- The fan-out after commit. A post's event describes who it concerns (`fanout`, JSON);
-- the fan-out worker derives each person's inbox row, notification, held push and event
-- from it after the post committed, in order, and moves its cursor in the same
-- transaction as what it wrote. `after_user` is set while one event's people are done in
-- slices: the event `seq` is done for the people up to that id, every earlier one whole.
ALTER TABLE events ADD COLUMN fanout TEXT;
CREATE INDEX events_fanout ON events (seq) WHERE fanout IS NOT NULL;
CREATE TABLE fanout_cursor (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    after_user BIGINT
);
-- No row yet means nothing was fanned out: events logged before this had no `fanout`.
-- Each inbox row says whether its thread may be unread for its person, so the unread lists
-- read those rows alone instead of the whole inbox: set when the thread is touched or gets
-- a comment (by the fan-out), cleared when its person reads to the end. A candidate: the
-- lists still compare read positions.
ALTER TABLE inbox_items ADD COLUMN maybe_unread BIGINT NOT NULL DEFAULT 1;
UPDATE inbox_items SET maybe_unread = CASE WHEN COALESCE((SELECT s.last_read_obj_index FROM thread_states s
    WHERE s.thread_id = inbox_items.thread_id AND s.user_id = inbox_items.user_id), -2)
    < (SELECT t.last_obj_index FROM threads t WHERE t.id = inbox_items.thread_id) THEN 1 ELSE 0 END;
CREATE INDEX inbox_items_unread ON inbox_items (user_id, workspace_id) WHERE maybe_unread = 1;
