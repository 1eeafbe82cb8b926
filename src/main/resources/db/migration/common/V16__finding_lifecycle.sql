-- Findings have a lifecycle: OPEN, then ACKNOWLEDGED (by whom, with a note), then RESOLVED (by a person with a reason,
-- or by keybridge when the condition is gone). Findings from before this migration start OPEN. last_seen_at is when the
-- condition was last noticed (a straggler presenting again, a spike still growing): what "the straggler moved" goes by.
ALTER TABLE findings ADD COLUMN status VARCHAR(12) DEFAULT 'OPEN' NOT NULL;
ALTER TABLE findings ADD COLUMN last_seen_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE findings ADD COLUMN acknowledged_by VARCHAR(200);
ALTER TABLE findings ADD COLUMN acknowledged_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE findings ADD COLUMN acknowledge_note VARCHAR(500);
ALTER TABLE findings ADD COLUMN resolved_by VARCHAR(200);
ALTER TABLE findings ADD COLUMN resolved_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE findings ADD COLUMN resolution VARCHAR(500);
UPDATE findings SET last_seen_at = raised_at;
ALTER TABLE findings ALTER COLUMN last_seen_at SET NOT NULL;
-- a resolved finding of a kind that recurs gives up its dedupe key (renamed "<key>#<id>"), so that the same thing
-- noticed again opens a new finding
ALTER TABLE findings ALTER COLUMN dedupe_key SET DATA TYPE VARCHAR(240);
CREATE INDEX ix_findings_status ON findings (status, severity);
