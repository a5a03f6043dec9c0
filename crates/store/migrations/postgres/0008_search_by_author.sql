-- PostgreSQL only: searches filtered by author intersect this index with the text index
-- (SQLite's full-text engine cannot use it, so it has no such index).
CREATE INDEX search_docs_author ON search_docs (author_id, id);
