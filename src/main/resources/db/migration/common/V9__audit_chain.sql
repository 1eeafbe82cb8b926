-- A tamper-evident audit trail: each entry carries its place in the chain, the hash of the entry before it and its
-- own hash (SHA-256 over its fields and that previous hash). audit_chain holds the chain's head: appends lock it, so
-- entries chain in one order even with several nodes. Entries written before this migration stay unchained.
ALTER TABLE audit_events ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash CHAR(64);
ALTER TABLE audit_events ADD COLUMN hash CHAR(64);
CREATE UNIQUE INDEX uq_audit_events_chain_seq ON audit_events (chain_seq);

CREATE TABLE audit_chain (
    id   INT      PRIMARY KEY,
    seq  BIGINT   NOT NULL,
    hash CHAR(64) NOT NULL
);
INSERT INTO audit_chain (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
