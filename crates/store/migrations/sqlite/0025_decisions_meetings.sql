-- Deciding in writing. A thread may have a DRI (the one person who decides), a status
-- ('open', 'decided' or 'closed', with who set it and when; 'closed' goes with the
-- `closed` flag) and a date by which the decision is due. `decision_comment_id` is the
-- comment marked as the decision, if any.
ALTER TABLE threads ADD COLUMN dri_id INTEGER;
ALTER TABLE threads ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE threads ADD COLUMN status_by INTEGER;
ALTER TABLE threads ADD COLUMN status_ts INTEGER;
ALTER TABLE threads ADD COLUMN decision_due_ts INTEGER;
ALTER TABLE threads ADD COLUMN decision_comment_id INTEGER;
UPDATE threads SET status = 'closed' WHERE closed = 1;

-- Every comment ever marked as a thread's decision: the current one has no `replaced_ts`;
-- one marked after it (or the mark taken back) ends it, so the history stays.
-- `meeting_id`: marked in a meeting's outcomes.
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    thread_id INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    marked_by INTEGER NOT NULL,
    marked_ts INTEGER NOT NULL,
    replaced_by INTEGER,
    replaced_ts INTEGER,
    meeting_id INTEGER
);
CREATE UNIQUE INDEX decisions_current ON decisions (thread_id) WHERE replaced_ts IS NULL;
CREATE INDEX decisions_by_workspace ON decisions (workspace_id, marked_ts);

-- Meetings: only for what needs synchronous time (`reason`), with an agenda thread that
-- tells the attendees, and outcomes posted in it afterwards (`outcomes_comment_id`).
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    thread_id INTEGER REFERENCES threads (id) ON DELETE SET NULL,
    organizer_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    reason TEXT NOT NULL,
    attendee_ids TEXT NOT NULL,
    starts_ts INTEGER NOT NULL,
    duration_min INTEGER NOT NULL,
    agenda TEXT NOT NULL,
    created_ts INTEGER NOT NULL,
    outcomes_comment_id INTEGER,
    outcomes_ts INTEGER,
    cancelled_ts INTEGER
);
CREATE INDEX meetings_by_workspace ON meetings (workspace_id, starts_ts);
CREATE INDEX meetings_by_thread ON meetings (thread_id);

-- What an expectation waits for: an answer ('reply'), a thread's decision from its DRI
-- ('decision') or a meeting's outcomes from its organizer ('outcomes').
ALTER TABLE expectations ADD COLUMN kind TEXT NOT NULL DEFAULT 'reply';
DROP INDEX expectations_one_open;
CREATE UNIQUE INDEX expectations_one_open ON expectations
    (kind, requester_id, user_id, COALESCE(thread_id, 0), COALESCE(conversation_id, 0)) WHERE resolution IS NULL;

-- An email about a meeting's agenda thread carries its calendar entry (iCalendar text, in
-- the recipient's time zone) as an attachment.
ALTER TABLE mail_outbox ADD COLUMN calendar TEXT;

-- The author of the post an event adds (a new thread, comment or message; not a thread
-- announced again where it moved), for analytics to read without parsing payloads.
ALTER TABLE events ADD COLUMN author_id INTEGER;
UPDATE events SET author_id = json_extract(payload, '$.creator')
    WHERE kind IN ('thread_added', 'comment_added', 'message_added')
    AND json_extract(payload, '$.posted_ts') = created_ts;
