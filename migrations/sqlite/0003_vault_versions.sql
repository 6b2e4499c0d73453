-- In-place key rotation: a secret keeps a pending version (staged, not yet
-- tested) and the previous one (for undo) beside the current one. Each is
-- sealed under the same reference, so the AAD binding still holds.
ALTER TABLE vault_secrets ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE vault_secrets ADD COLUMN pending_nonce BLOB;
ALTER TABLE vault_secrets ADD COLUMN pending_ciphertext BLOB;
ALTER TABLE vault_secrets ADD COLUMN previous_nonce BLOB;
ALTER TABLE vault_secrets ADD COLUMN previous_ciphertext BLOB;
CREATE INDEX vault_secrets_created_idx ON vault_secrets (created_at);

-- When the server's key was last rotated (or a rotation undone); set means
-- the vault holds a previous key to go back to.
ALTER TABLE mcp_servers ADD COLUMN credential_rotated_at TEXT;
-- The sweeper asks, per secret, whether any row still refers to it.
CREATE INDEX mcp_servers_secret_ref_idx ON mcp_servers (secret_ref);
