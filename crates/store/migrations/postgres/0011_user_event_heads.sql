-- Each person's newest own event per workspace (their inbox "version"), kept up to date by
-- the writer as it appends events; it replaces the index `events_user`, which every post
-- grew by one entry per person concerned (SQLite's migration 10).
CREATE TABLE user_event_heads (
    user_id BIGINT NOT NULL,
    workspace_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (user_id, workspace_id)
);
INSERT INTO user_event_heads (user_id, workspace_id, seq)
SELECT user_id, workspace_id, MAX(seq) FROM events WHERE user_id IS NOT NULL GROUP BY user_id, workspace_id;
DROP INDEX events_user;
