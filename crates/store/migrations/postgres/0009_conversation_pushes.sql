-- Direct messages are pushed too: a held push may belong to a conversation.
ALTER TABLE pushes ADD COLUMN conversation_id BIGINT;
