-- Each person's newest own event per workspace (their inbox "version"), kept up to date by
-- the writer as it appends events. It replaces the index `events_user`, which every post
-- grew by one entry per person concerned, each on a page of its own: a fifth of the pages
-- a group commit wrote. This table has one small row per person and workspace.
CREATE TABLE user_event_heads (
    user_id INTEGER NOT NULL,
    workspace_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (user_id, workspace_id)
) WITHOUT ROWID;
INSERT INTO user_event_heads (user_id, workspace_id, seq)
SELECT user_id, workspace_id, MAX(seq) FROM events WHERE user_id IS NOT NULL GROUP BY user_id, workspace_id;
DROP INDEX events_user;
