-- Pushes (desktop notifications and, later, email) waiting for the moment their person is
-- available, then delivered or dropped (read in the app first).
CREATE TABLE pushes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    workspace_id INTEGER NOT NULL,
    notification_id INTEGER NOT NULL,
    thread_id INTEGER,
    obj_index INTEGER NOT NULL DEFAULT -1,
    created_ts INTEGER NOT NULL,
    due_ts INTEGER,
    state TEXT NOT NULL DEFAULT 'pending',
    done_ts INTEGER
);
CREATE INDEX pushes_due ON pushes (state, due_ts);
CREATE INDEX pushes_user ON pushes (user_id, state);
