-- What an import (`weft admin import slack`) already wrote: one row per imported object,
-- written in the same transaction as the rows it maps, so a second run, or a run restarted
-- after being killed, skips what is done. `source` names the importer ('slack'); `kind`
-- the kind of object ('user', 'channel', 'thread', 'conversation', 'messages', …);
-- `external_id` its id in the source; `weft_id` the row it became.
CREATE TABLE import_map (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    external_id TEXT NOT NULL,
    weft_id INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, source, kind, external_id)
);
