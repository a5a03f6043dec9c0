-- The fan-out after commit. A post's event describes who it concerns (`fanout`, JSON);
-- the fan-out worker derives each person's inbox row, notification, held push and event
-- from it after the post committed, in order, and moves its cursor in the same
-- transaction as what it wrote. `after_user` is set while one event's people are done in
-- slices: the event `seq` is done for the people up to that id, every earlier one whole.
ALTER TABLE events ADD COLUMN fanout TEXT;
CREATE INDEX events_fanout ON events (seq) WHERE fanout IS NOT NULL;
CREATE TABLE fanout_cursor (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    after_user BIGINT
);
-- No row yet means nothing was fanned out: events logged before this had no `fanout`.
