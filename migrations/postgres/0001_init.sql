-- Switchboard schema, PostgreSQL flavour. Keep in step with ../sqlite/0001_init.sql:
-- the same tables, columns and constraint names, so one set of queries serves both.

CREATE TABLE tenants (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        TEXT NOT NULL CONSTRAINT tenants_slug_key UNIQUE,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       TEXT NOT NULL CONSTRAINT users_username_key UNIQUE,
    -- stored lower-cased: sign-in is case-insensitive on the email
    email          TEXT NOT NULL CONSTRAINT users_email_key UNIQUE,
    password_hash  TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE memberships (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tenant_id   BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX memberships_tenant_idx ON memberships (tenant_id);

-- Browser sessions. Only a SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tenant_id   BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Failed sign-ins, counted per key ("email:…", "ip:…") over a sliding window.
CREATE TABLE auth_failures (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key  TEXT NOT NULL,
    at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX auth_failures_key_at_idx ON auth_failures (key, at);

CREATE TABLE mcp_servers (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id           BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    slug                TEXT NOT NULL,
    url                 TEXT NOT NULL,
    transport           TEXT NOT NULL CHECK (transport IN ('streamable_http', 'sse', 'websocket')),
    auth_type           TEXT NOT NULL CHECK (auth_type IN ('none', 'token', 'oauth2')),
    enabled             BOOLEAN NOT NULL DEFAULT TRUE,
    -- a reference into the vault; never the secret itself
    secret_ref          TEXT,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    -- the last test connection: a snapshot, not live state
    test_ok             BOOLEAN,
    test_tools          TEXT,
    test_tool_count     BIGINT,
    test_error_class    TEXT CHECK (test_error_class IN ('transport', 'auth', 'downstream')),
    test_error_message  TEXT,
    tested_at           TIMESTAMPTZ,
    CONSTRAINT mcp_servers_tenant_slug_key UNIQUE (tenant_id, slug)
);
CREATE INDEX mcp_servers_tenant_name_idx ON mcp_servers (tenant_id, lower(name), id);

-- The local vault: AES-256-GCM ciphertexts, one fresh nonce per write.
CREATE TABLE vault_secrets (
    secret_ref  TEXT PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    nonce       BYTEA NOT NULL,
    ciphertext  BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
