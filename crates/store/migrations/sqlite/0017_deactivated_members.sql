-- Members an admin deactivated: they keep their channels, conversations and groups, but
-- read nothing of the workspace and are notified of nothing until reactivated.
ALTER TABLE workspace_users ADD COLUMN deactivated INTEGER NOT NULL DEFAULT 0;
