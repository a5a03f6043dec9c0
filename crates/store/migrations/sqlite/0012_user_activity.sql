-- When each person was last active, per platform (users/heartbeat), for
-- workspace_users/get_info.
CREATE TABLE user_activity (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform TEXT NOT NULL CHECK (platform IN ('desktop', 'mobile', 'api')),
    ts INTEGER NOT NULL,
    PRIMARY KEY (user_id, platform)
);
