-- A scheduled firing takes along the other keys due at the same time into its rotation batch, so a wave of keys due at
-- one instant does not wait for Quartz to fire each of their triggers: it looks keys up by their next rotation.
CREATE INDEX ix_api_keys_next_rotation ON api_keys (next_rotation_at);
