-- Last use per key version, for drain-gated revocation (is the new version in use? is the old one quiet?).
ALTER TABLE key_versions ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE;
