-- Search filters as tokens in the full-text index: a `tags` column holds `a<author>`,
-- `c<channel>`, `v<conversation>` and `t<thread>` for each document, so that a search
-- narrowed to a few authors, places or a thread intersects short posting lists inside
-- FTS5. The index is contentless, so it is rebuilt from search_docs (the same expression
-- as FTS_INSERT in sql.rs).
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5 (title, body, tags, content = '', contentless_delete = 1, tokenize = 'porter unicode61 remove_diacritics 2');
INSERT INTO search_fts (rowid, title, body, tags)
SELECT id, title, body,
    'a' || author_id || COALESCE(' c' || channel_id, '') || COALESCE(' v' || conversation_id, '')
    || COALESCE(' t' || thread_id, '')
FROM search_docs;
