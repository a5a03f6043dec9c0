-- When each person was last active, per platform (users/heartbeat), for
-- workspace_users/get_info.
CREATE TABLE user_activity (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform TEXT NOT NULL CHECK (platform IN ('desktop', 'mobile', 'api')),
    ts BIGINT NOT NULL,
    PRIMARY KEY (user_id, platform)
);
