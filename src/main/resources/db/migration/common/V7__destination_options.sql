-- A destination's path may carry its options (an AWS region, KMS key and tags: see SecretLocation).
ALTER TABLE key_destinations ALTER COLUMN path SET DATA TYPE VARCHAR(4000);
