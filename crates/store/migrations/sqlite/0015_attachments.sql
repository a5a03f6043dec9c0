-- Uploaded files (attachments/upload). `attachment_id` is the id the client chose; the
-- content lives in the blob store under its SHA-256 (`sha256`, and `thumbnail_sha256` for
-- an image's thumbnail). `object` is the Attachment object posts carry, as uploaded.
CREATE TABLE attachments (
    attachment_id TEXT PRIMARY KEY,
    uploader INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    image_width INTEGER,
    image_height INTEGER,
    thumbnail_sha256 TEXT,
    thumbnail_type TEXT,
    uploaded_ts INTEGER NOT NULL,
    object TEXT NOT NULL
);
CREATE INDEX attachments_uploaded ON attachments (uploaded_ts);
CREATE INDEX attachments_sha256 ON attachments (sha256);
CREATE INDEX attachments_thumbnail ON attachments (thumbnail_sha256);

-- Which posts carry an attachment: whoever sees one of them may download it. A post's
-- rows go with it.
CREATE TABLE attachment_uses (
    attachment_id TEXT NOT NULL REFERENCES attachments (attachment_id) ON DELETE CASCADE,
    thread_id INTEGER REFERENCES threads (id) ON DELETE CASCADE,
    comment_id INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    message_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    CHECK ((thread_id IS NOT NULL) + (comment_id IS NOT NULL) + (message_id IS NOT NULL) = 1)
);
CREATE UNIQUE INDEX attachment_uses_unique
    ON attachment_uses (attachment_id, COALESCE(thread_id, 0), COALESCE(comment_id, 0), COALESCE(message_id, 0));
CREATE INDEX attachment_uses_thread ON attachment_uses (thread_id);
CREATE INDEX attachment_uses_comment ON attachment_uses (comment_id);
CREATE INDEX attachment_uses_message ON attachment_uses (message_id);

-- The blobs of the store, each claimed (`claimed_ts`) by the upload that last wrote it:
-- the orphan sweep deletes a blob only when no attachment names it and no upload claimed
-- it recently.
CREATE TABLE attachment_blobs (
    sha256 TEXT PRIMARY KEY,
    claimed_ts INTEGER NOT NULL
);

-- Search can keep to posts with attachments.
ALTER TABLE search_docs ADD COLUMN has_attachments INTEGER NOT NULL DEFAULT 0;
UPDATE search_docs SET has_attachments = 1 WHERE
    (kind = 'thread' AND obj_id IN (SELECT id FROM threads WHERE attachments <> '[]'))
    OR (kind = 'comment' AND obj_id IN (SELECT id FROM comments WHERE attachments <> '[]'))
    OR (kind = 'message' AND obj_id IN (SELECT id FROM messages WHERE attachments <> '[]'));
-- Without words, such a search walks the workspace's newest posts that carry files.
CREATE INDEX search_docs_attachments ON search_docs (workspace_id, id) WHERE has_attachments = 1;
