-- Members an admin deactivated (SQLite's migration 17): they keep their channels,
-- conversations and groups, but read nothing of the workspace and are notified of nothing
-- until reactivated.
ALTER TABLE workspace_users ADD COLUMN deactivated BIGINT NOT NULL DEFAULT 0;
