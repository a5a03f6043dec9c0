-- Search filters as lexemes of the full-text vector: `_a<author>`, `_c<channel>`,
-- `_v<conversation>` and `_t<thread>` beside the words (no search word can produce a `_`),
-- so that a search narrowed to a few authors, places or a thread intersects short posting
-- lists inside the GIN index instead of checking the rows of thousands of matches.
-- The same tokens as SQLite's `tags` column (its migration 9).
DROP INDEX search_docs_tsv;
ALTER TABLE search_docs DROP COLUMN tsv;
ALTER TABLE search_docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
    || array_to_tsvector(array_remove(
        ARRAY['_a' || author_id, '_c' || channel_id, '_v' || conversation_id, '_t' || thread_id], NULL))
) STORED;
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
