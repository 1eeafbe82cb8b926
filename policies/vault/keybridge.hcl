# keybridge's own Vault/OpenBao policy: least privilege for delivering keys into KV v2.
#
# Assumes the defaults keybridge.vault.mount=secret and keybridge.vault.root=keybridge;
# change "secret" and "keybridge" below if you change those.
#
# keybridge writes new versions and confirms them from *metadata*: it has no read on secret data,
# so a stolen keybridge token cannot read back any key it delivered.

# Write a key version (check-and-set is used on every write).
path "secret/data/keybridge/*" {
  capabilities = ["create", "update"]
}

# Read metadata to plan and confirm writes; set custom_metadata (key_id, owner, managed_by);
# delete a secret whole when an issuance that created it fails.
path "secret/metadata/keybridge/*" {
  capabilities = ["create", "read", "update", "delete"]
}

# Destroy the versions of revoked keys, so their material is gone from Vault.
path "secret/destroy/keybridge/*" {
  capabilities = ["update"]
}

# Soft-delete versions (used by rotation policies that keep history).
path "secret/delete/keybridge/*" {
  capabilities = ["update"]
}
