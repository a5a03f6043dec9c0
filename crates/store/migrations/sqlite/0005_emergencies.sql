-- The emergency lane: channels whose posts reach people through do-not-disturb, a log of
-- every use, and who acknowledged.
ALTER TABLE channels ADD COLUMN emergency INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workspaces ADD COLUMN escalation_minutes INTEGER NOT NULL DEFAULT 15;

CREATE TABLE emergencies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    thread_id INTEGER NOT NULL,
    comment_id INTEGER,
    raised_by INTEGER NOT NULL,
    raised_ts INTEGER NOT NULL,
    reached TEXT NOT NULL DEFAULT '[]',
    escalate_ts INTEGER,
    escalated_ts INTEGER,
    escalated_to TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX emergencies_workspace ON emergencies (workspace_id, id);
CREATE INDEX emergencies_escalate ON emergencies (escalated_ts, escalate_ts);

CREATE TABLE emergency_acks (
    emergency_id INTEGER NOT NULL REFERENCES emergencies (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    PRIMARY KEY (emergency_id, user_id)
);
