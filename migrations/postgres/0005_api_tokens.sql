-- API tokens for the REST contracts and scripts. Only a SHA-256 of the token
-- is stored; the plaintext is shown once, when it is created. A token acts as
-- its user in the one tenant it was made for, with that user's current role.
CREATE TABLE api_tokens (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    -- the first characters of the token, to tell tokens apart in a list
    prefix        TEXT NOT NULL,
    token_hash    TEXT NOT NULL CONSTRAINT api_tokens_token_hash_key UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX api_tokens_owner_idx ON api_tokens (tenant_id, user_id, id);
-- One live token per name, per user and tenant; a revoked name may be reused.
CREATE UNIQUE INDEX api_tokens_live_name_key ON api_tokens (tenant_id, user_id, name)
    WHERE revoked_at IS NULL;

-- Seed 000's server fields: a description, and "featured" (offered as a
-- fallback to every tenant when it is set on the global platform's server).
ALTER TABLE mcp_servers ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE mcp_servers ADD COLUMN is_featured BOOLEAN NOT NULL DEFAULT FALSE;
