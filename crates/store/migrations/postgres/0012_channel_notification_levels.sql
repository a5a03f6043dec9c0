-- Per person and channel, how much of the channel's activity notifies them ('direct' or
-- 'none'); no row means 'all'.
CREATE TABLE channel_notification_levels (
    channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('direct', 'none')),
    PRIMARY KEY (channel_id, user_id)
);
