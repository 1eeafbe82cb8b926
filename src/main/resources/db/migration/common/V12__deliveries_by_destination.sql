-- A delivery plans its write from what keybridge recorded at the same destination (one store call per rotation), and
-- the clean-up asks whether a planned store version went to another write: both look deliveries up by destination.
CREATE INDEX ix_deliveries_destination ON deliveries (destination_id);
