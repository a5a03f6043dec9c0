-- A stream resuming from the log (and events/get?after=0) reads its own workspace's
-- events only, in pages, instead of every workspace's.
CREATE INDEX events_workspace ON events (workspace_id, seq);
