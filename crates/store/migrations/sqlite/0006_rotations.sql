-- Rotating coverage: one rotation per channel (members in order, shift length, handoff
-- time and zone, start date, one-off overrides), as JSON.
CREATE TABLE rotations (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    rotation TEXT NOT NULL,
    updated_ts INTEGER NOT NULL
);
