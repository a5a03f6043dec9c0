-- No secret in plain text, and parked mail pruned.
-- Unsubscribe links: each email gets its own, and only the SHA-256 of its secret is kept
-- (as for sign-in tokens), with when it was made (links work for 90 days). The secrets
-- already sent keep working: they are hashed here, dated now.
CREATE TABLE mail_unsubscribe_new (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    workspace_id BIGINT NOT NULL,
    created_ts BIGINT NOT NULL
);
INSERT INTO mail_unsubscribe_new (token_hash, user_id, workspace_id, created_ts)
SELECT encode(sha256(convert_to(token, 'UTF8')), 'hex'), user_id, workspace_id, EXTRACT(EPOCH FROM now())::BIGINT
FROM mail_unsubscribe;
DROP TABLE mail_unsubscribe;
ALTER TABLE mail_unsubscribe_new RENAME TO mail_unsubscribe;
CREATE INDEX mail_unsubscribe_owner ON mail_unsubscribe (user_id, workspace_id, created_ts);
-- Every email with an unsubscribe link carries its secret: its body and link are blanked
-- once sent, like those with a code; those already sent are blanked now.
UPDATE mail_outbox SET secret = 1 WHERE unsubscribe_url <> '';
UPDATE mail_outbox SET text_body = '', html_body = '', unsubscribe_url = '' WHERE state = 'sent' AND secret = 1;
-- Parked mail is pruned by age too.
CREATE INDEX mail_outbox_parked ON mail_outbox (created_ts) WHERE state = 'parked';
