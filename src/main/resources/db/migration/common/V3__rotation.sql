-- Rotation: each key names a policy; each rotation is recorded before any external call.

ALTER TABLE api_keys ADD COLUMN rotation_policy VARCHAR(64) DEFAULT 'default' NOT NULL;
ALTER TABLE api_keys ADD COLUMN next_rotation_at TIMESTAMP WITH TIME ZONE;
-- the last rotation failure while the key is overdue; NULL when its last rotation succeeded
ALTER TABLE api_keys ADD COLUMN rotation_error VARCHAR(1000);

CREATE TABLE rotations (
    id              UUID          NOT NULL PRIMARY KEY,
    key_id          UUID          NOT NULL REFERENCES api_keys (id),
    trigger_type    VARCHAR(16)   NOT NULL,
    actor           VARCHAR(100)  NOT NULL,
    reason          VARCHAR(500),
    from_version    INT           NOT NULL,
    to_version_id   UUID,
    to_version      INT,
    state           VARCHAR(16)   NOT NULL,
    overlap_seconds BIGINT        NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    old_revoked_at  TIMESTAMP WITH TIME ZONE,
    confirmed_at    TIMESTAMP WITH TIME ZONE,
    retire_at       TIMESTAMP WITH TIME ZONE,
    finished_at     TIMESTAMP WITH TIME ZONE,
    error           VARCHAR(1000),
    -- equals key_id while the new version is being delivered, NULL afterwards: the database itself allows one
    -- delivering rotation per key, whichever node or thread starts it
    active_key_id   UUID,
    CONSTRAINT uq_rotations_one_per_key UNIQUE (active_key_id)
);
CREATE INDEX ix_rotations_key ON rotations (key_id);
CREATE INDEX ix_rotations_state ON rotations (state);
