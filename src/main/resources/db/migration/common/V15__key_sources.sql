-- Which version of a key each client address last presented, and when: during a rotation's overlap, who has picked
-- the new version up and who is still on the old one. One row per key and address, moved forward at each usage
-- flush; pruned with the hourly aggregates.
CREATE TABLE key_sources (
    key_id       UUID                     NOT NULL,
    source       VARCHAR(64)              NOT NULL,
    version      INTEGER                  NOT NULL,
    last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_key_sources PRIMARY KEY (key_id, source)
);
CREATE INDEX ix_key_sources_seen ON key_sources (last_seen_at);

-- When a rotation's overlap is half over, to check for sources still on the old version (rotation.stragglers); null
-- once checked, and for rotations confirmed before this release.
ALTER TABLE rotations ADD COLUMN stragglers_check_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX ix_rotations_stragglers_check ON rotations (stragglers_check_at);
