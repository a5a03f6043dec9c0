-- Each person's working hours, do-not-disturb and delivery preference (JSON). Their time
-- zone stays in users.timezone, their days off in users.off_days: one source each.
CREATE TABLE schedules (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    schedule TEXT NOT NULL,
    updated_ts INTEGER NOT NULL
);
