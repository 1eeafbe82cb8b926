-- How a destination's consumer reads its secret (ConsumerProfile): its kind, how often it refreshes and how long it
-- may take to use what it read. All three are null for a destination without a profile (today's behaviour).
ALTER TABLE key_destinations ADD COLUMN consumer_kind VARCHAR(32);
ALTER TABLE key_destinations ADD COLUMN consumer_refresh_seconds BIGINT;
ALTER TABLE key_destinations ADD COLUMN consumer_restart_grace_seconds BIGINT;
