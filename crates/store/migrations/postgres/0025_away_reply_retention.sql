-- Away replies are pruned by age (`--retain-away-replies`): the oldest first, by this index.
CREATE INDEX away_replies_created ON away_replies (created_ts);
