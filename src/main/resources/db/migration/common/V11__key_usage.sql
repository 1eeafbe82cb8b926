-- Usage, in compact aggregates: one row per key and hour (never one per request), summed over every node. These are
-- the baselines that anomaly findings compare a key's traffic with.
CREATE TABLE key_usage_hours (
    key_id         UUID                     NOT NULL,
    hour_start     TIMESTAMP WITH TIME ZONE NOT NULL,
    requests       BIGINT                   NOT NULL,
    missing_scope  BIGINT                   NOT NULL,
    source_refused BIGINT                   NOT NULL,
    CONSTRAINT pk_key_usage_hours PRIMARY KEY (key_id, hour_start)
);
CREATE INDEX ix_key_usage_hours_hour ON key_usage_hours (hour_start);

-- When each granted scope was last needed by a verified request: what over-privilege findings go by.
CREATE TABLE key_scope_use (
    key_id       UUID                     NOT NULL,
    scope        VARCHAR(64)              NOT NULL,
    last_used_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_key_scope_use PRIMARY KEY (key_id, scope)
);

-- Optional source allow-list: space-separated CIDR blocks; a key presented from elsewhere gets 403.
ALTER TABLE api_keys ADD COLUMN allowed_sources VARCHAR(1000);
