-- Findings: things keybridge noticed about a key's use or health (a leak report, a straggler, a dormant key...), each
-- with its evidence. dedupe_key makes raising idempotent: a sweep that runs again, or on another node, finds the
-- finding already there.
CREATE TABLE findings (
    id         UUID          PRIMARY KEY,
    key_id     UUID,
    kind       VARCHAR(40)   NOT NULL,
    severity   VARCHAR(10)   NOT NULL,
    raised_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    summary    VARCHAR(500)  NOT NULL,
    evidence   VARCHAR(4000) NOT NULL,
    dedupe_key VARCHAR(200)  NOT NULL,
    CONSTRAINT uq_findings_dedupe UNIQUE (kind, dedupe_key)
);
CREATE INDEX ix_findings_key ON findings (key_id, raised_at);
CREATE INDEX ix_findings_raised ON findings (raised_at);

-- Webhook deliveries, one per event and endpoint. Events are read from the audit trail in chain order (an outbox that
-- commits with the change it reports); webhook_cursor is how far that reading got. Starting at the current head means
-- that history from before this migration is not announced.
CREATE TABLE webhook_deliveries (
    id              UUID          PRIMARY KEY,
    event_id        UUID          NOT NULL,
    event_type      VARCHAR(40)   NOT NULL,
    endpoint        VARCHAR(100)  NOT NULL,
    key_id          UUID,
    payload         VARCHAR(8000) NOT NULL,
    status          VARCHAR(10)   NOT NULL,
    attempts        INT           NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_until     TIMESTAMP WITH TIME ZONE,
    last_attempt_at TIMESTAMP WITH TIME ZONE,
    last_status     INT,
    last_error      VARCHAR(500),
    delivered_at    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT uq_webhook_event_endpoint UNIQUE (event_id, endpoint)
);
CREATE INDEX ix_webhook_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_created ON webhook_deliveries (created_at);

CREATE TABLE webhook_cursor (
    id  INT    PRIMARY KEY,
    seq BIGINT NOT NULL
);
INSERT INTO webhook_cursor (id, seq) SELECT 1, seq FROM audit_chain WHERE id = 1;
