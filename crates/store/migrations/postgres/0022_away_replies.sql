-- Away replies already given: one per away person, sender, thread or conversation
-- ('thread:ID', 'conversation:ID') and away period ('FROM..TO', as the person set it).
CREATE TABLE away_replies (
    away_user BIGINT NOT NULL,
    sender BIGINT NOT NULL,
    place TEXT NOT NULL,
    period TEXT NOT NULL,
    created_ts BIGINT NOT NULL,
    PRIMARY KEY (away_user, sender, place, period)
);
