-- Bulk emergency rotations ("this team's keys leaked"): a run and its keys, with progress.
CREATE TABLE emergency_runs (
    id           UUID          NOT NULL PRIMARY KEY,
    actor        VARCHAR(100)  NOT NULL,
    reason       VARCHAR(500)  NOT NULL,
    selector     VARCHAR(2000) NOT NULL,
    state        VARCHAR(16)   NOT NULL,
    total        INT           NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    contained_at TIMESTAMP WITH TIME ZONE,
    finished_at  TIMESTAMP WITH TIME ZONE
);

CREATE TABLE emergency_run_keys (
    run_id      UUID          NOT NULL REFERENCES emergency_runs (id),
    key_id      UUID          NOT NULL REFERENCES api_keys (id),
    outcome     VARCHAR(16)   NOT NULL,
    rotation_id UUID,
    error       VARCHAR(1000),
    PRIMARY KEY (run_id, key_id)
);
